package postgres_test

import (
	"context"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/postgres"
	"github.com/encord-emulator/encord-emulator/internal/store/storetest"
)

// TestConformance runs the suite on one migrated schema, emptied before each
// subtest (the suite runs them one at a time, and closes the stores it is
// given). Emptying takes one TRUNCATE; a fresh schema per subtest would cost
// a migration each.
func TestConformance(t *testing.T) {
	db := newTestDB(t)
	db.migrateUp(t)
	admin := db.schemaConn(t)
	storetest.Run(t, func(st *testing.T) store.Store {
		_, err := admin.Exec(context.Background(),
			`TRUNCATE workspaces, members, service_accounts, identities, keys, tokens, resources, resource_access`)
		if err != nil {
			st.Fatalf("emptying the test schema: %v", err)
		}
		if _, err := admin.Exec(context.Background(), `TRUNCATE fault_rules, emulator_clock`); err != nil {
			st.Fatalf("emptying the controls of the test schema: %v", err)
		}
		return db.openUnmanaged(st)
	})
}

// TestConformanceConcurrent runs the race suite over two stores with their
// own pools on one schema, as two server replicas sharing a database.
func TestConformanceConcurrent(t *testing.T) {
	testDSN(t)
	storetest.RunConcurrent(t, func(t *testing.T) (store.Store, store.Store) {
		db := newTestDB(t)
		db.migrateUp(t)
		return db.openUnmanaged(t), db.openUnmanaged(t)
	})
}

// openUnmanaged opens a store that the caller closes.
func (db testDB) openUnmanaged(t testing.TB) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), db.DSN, db.Options)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}
