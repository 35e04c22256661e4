package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/postgres"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// testDB is one test's private, empty Postgres schema (testenv owns the
// policy: which database, skip or fail without one, cleanup).
type testDB struct{ testenv.PostgresDB }

func newTestDB(t testing.TB) testDB { return testDB{testenv.NewEmptyPostgresDB(t)} }

func testDSN(t testing.TB) string {
	t.Helper()
	return testenv.PostgresDSN(t)
}

// adminConn connects to the test database outside any test schema.
func adminConn(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting to the test database: %v", err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	return conn
}

// schemaConn connects to the test database with the test schema as its
// search_path, bypassing the store.
func (db testDB) schemaConn(t testing.TB) *pgx.Conn {
	t.Helper()
	conn := adminConn(t, db.DSN)
	if _, err := conn.Exec(context.Background(), "SET search_path TO "+db.Options.Schema); err != nil {
		t.Fatal(err)
	}
	return conn
}

// exec runs SQL inside the test schema, for tests that tamper with it.
func (db testDB) exec(t testing.TB, sql string, args ...any) {
	t.Helper()
	if _, err := db.schemaConn(t).Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (db testDB) migrateUp(t testing.TB) {
	t.Helper()
	if err := postgres.MigrateUp(context.Background(), db.DSN, db.Options); err != nil {
		t.Fatalf("migrate up: %v", err)
	}
}

// newStore returns a store over a freshly migrated private schema.
func newStore(t testing.TB) *postgres.Store {
	t.Helper()
	return testenv.NewPostgresDB(t).Open(t)
}

func latestVersion(t testing.TB) uint {
	t.Helper()
	v, err := postgres.LatestVersion()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func assertVersion(t testing.TB, db testDB, want uint) {
	t.Helper()
	version, dirty, err := postgres.MigrationVersion(context.Background(), db.DSN, db.Options)
	if err != nil {
		t.Fatalf("migration version: %v", err)
	}
	if version != want || dirty {
		t.Fatalf("schema at version %d (dirty %t), want %d (clean)", version, dirty, want)
	}
}

// tableExists reports whether the test schema has the table.
func tableExists(t testing.TB, db testDB, table string) bool {
	t.Helper()
	var exists bool
	err := adminConn(t, db.DSN).QueryRow(context.Background(),
		`SELECT to_regclass($1) IS NOT NULL`, db.Options.Schema+"."+table).Scan(&exists)
	if err != nil {
		t.Fatal(err)
	}
	return exists
}

func TestMigrateUpDownUp(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	latest := latestVersion(t)
	tables := []string{"workspaces", "members", "service_accounts", "identities", "keys", "tokens", "resources"}

	assertVersion(t, db, 0)
	db.migrateUp(t)
	assertVersion(t, db, latest)
	for _, table := range tables {
		if !tableExists(t, db, table) {
			t.Errorf("after up: table %s missing", table)
		}
	}
	// Up again is a no-op, not an error.
	db.migrateUp(t)
	assertVersion(t, db, latest)

	if err := postgres.MigrateDown(ctx, db.DSN, db.Options); err != nil {
		t.Fatalf("migrate down: %v", err)
	}
	assertVersion(t, db, 0)
	for _, table := range tables {
		if tableExists(t, db, table) {
			t.Errorf("after down: table %s still exists", table)
		}
	}

	db.migrateUp(t)
	assertVersion(t, db, latest)
	s := db.Open(t)
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping after up, down, up: %v", err)
	}
}

// Replicas starting together all run MigrateUp; golang-migrate's advisory
// lock must let exactly one apply each migration and the others see it done.
func TestConcurrentMigrateUp(t *testing.T) {
	db := newTestDB(t)
	const replicas = 4
	errs := make(chan error, replicas)
	for range replicas {
		go func() { errs <- postgres.MigrateUp(context.Background(), db.DSN, db.Options) }()
	}
	for range replicas {
		if err := <-errs; err != nil {
			t.Errorf("concurrent migrate up: %v", err)
		}
	}
	assertVersion(t, db, latestVersion(t))
}

func TestNewerSchemaIsRefused(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	db.migrateUp(t)
	running := db.Open(t)

	db.exec(t, `UPDATE schema_migrations SET version = $1`, latestVersion(t)+1)

	if s, err := postgres.Open(ctx, db.DSN, db.Options); !errors.Is(err, postgres.ErrSchemaTooNew) {
		if s != nil {
			s.Close()
		}
		t.Errorf("Open against a newer schema: %v, want ErrSchemaTooNew", err)
	}
	if err := postgres.MigrateUp(ctx, db.DSN, db.Options); !errors.Is(err, postgres.ErrSchemaTooNew) {
		t.Errorf("MigrateUp against a newer schema: %v, want ErrSchemaTooNew", err)
	}
	if err := running.Ping(ctx); !errors.Is(err, postgres.ErrSchemaTooNew) {
		t.Errorf("Ping of a running store after a newer migration: %v, want ErrSchemaTooNew", err)
	}
}

func TestPingRequiresMigratedSchema(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	s := db.Open(t) // accepted: another replica may be migrating
	if err := s.Ping(ctx); !errors.Is(err, postgres.ErrSchemaOutdated) || !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Ping before migrating: %v, want ErrSchemaOutdated and ErrUnavailable", err)
	}
	db.migrateUp(t)
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping after migrating: %v", err)
	}
	db.exec(t, `UPDATE schema_migrations SET dirty = true`)
	if err := s.Ping(ctx); !errors.Is(err, postgres.ErrSchemaDirty) {
		t.Fatalf("Ping of a dirty schema: %v, want ErrSchemaDirty", err)
	}
	if err := postgres.MigrateUp(ctx, db.DSN, db.Options); !errors.Is(err, postgres.ErrSchemaDirty) {
		t.Fatalf("MigrateUp of a dirty schema: %v, want ErrSchemaDirty", err)
	}
}

func TestOpenUnreachableIsUnavailable(t *testing.T) {
	testDSN(t) // the PG* variables fill in what the DSN below leaves out
	ctx := context.Background()
	// Port 1 on loopback: nothing listens, the connection is refused at once.
	s, err := postgres.Open(ctx, "host=127.0.0.1 port=1", postgres.Options{ConnectTimeout: time.Second})
	if err == nil {
		s.Close()
		t.Fatal("Open of an unreachable database succeeded")
	}
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Open of an unreachable database: %v, want ErrUnavailable", err)
	}
}

// TestStatementTimeoutIsUnavailable holds a workspace lock in one transaction
// while another waits for it past the statement timeout.
func TestStatementTimeoutIsUnavailable(t *testing.T) {
	db := newTestDB(t)
	db.migrateUp(t)
	db.Options.StatementTimeout = 100 * time.Millisecond
	s := db.Open(t)
	ctx := context.Background()
	ws := store.Workspace{ID: "ws-1", Name: "one", CreatedAt: now(), Quotas: store.Quotas{ServiceAccounts: 1, KeysPerServiceAccount: 1, KeysPerUser: 1}}
	mustTx(t, s, func(tx store.Tx) error { return tx.CreateWorkspace(ctx, ws) })

	locked := make(chan struct{})
	release := make(chan struct{})
	holder := make(chan error, 1)
	go func() {
		holder <- s.Tx(ctx, func(tx store.Tx) error {
			if _, err := tx.LockWorkspace(ctx, ws.ID); err != nil {
				close(locked)
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked
	err := s.Tx(ctx, func(tx store.Tx) error {
		_, err := tx.LockWorkspace(ctx, ws.ID)
		return err
	})
	close(release)
	if err := <-holder; err != nil {
		t.Fatalf("lock holder: %v", err)
	}
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("waiting for a lock past the statement timeout: %v, want ErrUnavailable", err)
	}
}

func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func mustTx(t testing.TB, s store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := s.Tx(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}
