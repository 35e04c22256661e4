package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/postgres"
)

// migrateTo migrates the test schema to exactly version, as an older build
// would have left it.
func (db testDB) migrateTo(t testing.TB, version uint) {
	t.Helper()
	m, err := postgres.NewMigrator(context.Background(), db.DSN, db.Options)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.MigrateTo(version); err != nil {
		t.Fatalf("migrate to %d: %v", version, err)
	}
}

// TestMigration2KeepsExistingData upgrades a database written by the first
// schema: emails already held go to the identities table (a service
// account keeps an email a live member shares with it), bearer tokens that
// name no key are dropped, sessions stay, and workspaces get the default
// resource quota.
func TestMigration2KeepsExistingData(t *testing.T) {
	db := newTestDB(t)
	db.migrateTo(t, 1)
	created := now().Add(-time.Hour)
	expires := now().Add(time.Hour)
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO workspaces (id, name, created_at, quota_service_accounts, quota_keys_per_service_account, quota_keys_per_user)
		  VALUES ('ws-1', 'one', $1, 1, 5, 100)`, []any{created}},
		{`INSERT INTO service_accounts (id, workspace_id, name, description, email, role, created_at, created_by)
		  VALUES ('sa-1', 'ws-1', 'robot', '', 'robot@example.com', 'member', $1, 'm-1')`, []any{created}},
		// A live member sharing the service account's email (the old
		// schema let that happen), one with an email of its own, and a
		// removed one.
		{`INSERT INTO members (id, workspace_id, email, name, role, created_at)
		  VALUES ('m-1', 'ws-1', 'Robot@Example.com', 'Impostor', 'admin', $1),
		         ('m-2', 'ws-1', 'ada@example.com', 'Ada', 'member', $1)`, []any{created}},
		{`INSERT INTO members (id, workspace_id, email, name, role, created_at, removed_at)
		  VALUES ('m-3', 'ws-1', 'grace@example.com', 'Grace', 'member', $1, $1)`, []any{created}},
		{`INSERT INTO tokens (id, hash, kind, owner_type, owner_id, workspace_id, created_at, expires_at)
		  VALUES ('t-session', 'aa', 'session', 'user', 'm-2', 'ws-1', $1, $2),
		         ('t-bearer', 'bb', 'bearer', 'service_account', 'sa-1', 'ws-1', $1, $2)`, []any{created, expires}},
	} {
		db.exec(t, stmt.sql, stmt.args...)
	}

	db.migrateUp(t)
	assertVersion(t, db, latestVersion(t))
	s := db.Open(t)
	ctx := context.Background()

	mustTx(t, s, func(tx store.Tx) error {
		ws, err := tx.GetWorkspace(ctx, "ws-1")
		if err != nil {
			return err
		}
		if ws.Quotas.Resources != 10000 {
			t.Errorf("resource quota of an existing workspace = %d, want the default 10000", ws.Quotas.Resources)
		}
		return nil
	})
	if _, err := s.ResolveToken(ctx, "aa"); err != nil {
		t.Errorf("session after the migration: %v", err)
	}
	if _, err := s.ResolveToken(ctx, "bb"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bearer naming no key after the migration: %v, want ErrNotFound", err)
	}

	newMember := func(id, email string) store.Member {
		return store.Member{ID: id, WorkspaceID: "ws-1", Email: email, Name: id, Role: store.RoleMember, CreatedAt: now()}
	}
	tryCreate := func(create func(tx store.Tx) error) error { return s.Tx(ctx, create) }
	// Held emails: the service account's, a live member's. A removed
	// member's is free.
	if err := tryCreate(func(tx store.Tx) error { return tx.CreateMember(ctx, newMember("m-4", "robot@example.com")) }); !errors.Is(err, store.ErrAlreadyExists) {
		t.Errorf("member with the service account's email: %v, want ErrAlreadyExists", err)
	}
	sa := store.ServiceAccount{ID: "sa-2", WorkspaceID: "ws-1", Name: "r2", Email: "ADA@example.com", Role: store.RoleMember, CreatedAt: now(), CreatedByMemberID: "m-2"}
	if err := tryCreate(func(tx store.Tx) error { return tx.CreateServiceAccount(ctx, sa) }); !errors.Is(err, store.ErrAlreadyExists) {
		t.Errorf("service account with a live member's email: %v, want ErrAlreadyExists", err)
	}
	mustTx(t, s, func(tx store.Tx) error { return tx.CreateMember(ctx, newMember("m-5", "grace@example.com")) })

	// The impostor holds no identity; removing it frees nothing, and
	// deleting the service account frees its email.
	mustTx(t, s, func(tx store.Tx) error { return tx.MarkMemberRemoved(ctx, "m-1", now()) })
	if err := tryCreate(func(tx store.Tx) error { return tx.CreateMember(ctx, newMember("m-6", "robot@example.com")) }); !errors.Is(err, store.ErrAlreadyExists) {
		t.Errorf("member with the service account's email after the impostor left: %v, want ErrAlreadyExists", err)
	}
	mustTx(t, s, func(tx store.Tx) error { return tx.MarkServiceAccountDeleted(ctx, "sa-1", now()) })
	mustTx(t, s, func(tx store.Tx) error { return tx.CreateMember(ctx, newMember("m-7", "robot@example.com")) })
}
