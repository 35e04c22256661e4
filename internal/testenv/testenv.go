// Package testenv gives tests the store backends to run against: the memory
// store, and a private, migrated Postgres schema per test when a database is
// available (DATABASE_URL, or the PG* variables pg_virtualenv exports).
//
// Without a database the Postgres variants are skipped with a message that
// contains SKIP-POSTGRES, unless EMULATOR_REQUIRE_POSTGRES is set (make test
// and CI set it), in which case they fail: a skipped Postgres suite must
// never pass for a run that promised one.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/store/postgres"
)

// Backend is a way to get a fresh, empty store.
type Backend struct {
	Name string
	New  func(t *testing.T) store.Store
}

// Backends lists memory then Postgres.
func Backends() []Backend {
	return []Backend{
		{Name: "memory", New: func(*testing.T) store.Store { return memory.New() }},
		{Name: "postgres", New: func(t *testing.T) store.Store { return NewPostgresDB(t).Open(t) }},
	}
}

// ForEachBackend runs fn as a subtest per backend.
func ForEachBackend(t *testing.T, fn func(t *testing.T, newStore func(t *testing.T) store.Store)) {
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) { fn(t, b.New) })
	}
}

// PostgresDSN returns the connection string of the test database ("" means
// the PG* variables), or skips (fails, when required) without one.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	if dsn := os.Getenv("DATABASE_URL"); dsn != "" {
		return dsn
	}
	if os.Getenv("PGHOST") != "" || os.Getenv("PGDATABASE") != "" {
		return ""
	}
	if os.Getenv("EMULATOR_REQUIRE_POSTGRES") != "" {
		t.Fatal("EMULATOR_REQUIRE_POSTGRES is set but neither DATABASE_URL nor PGHOST/PGDATABASE is: run the tests with make test, which starts a throwaway cluster with pg_virtualenv")
	}
	t.Skip("SKIP-POSTGRES: no DATABASE_URL or PG* environment; run under pg_virtualenv (make test does)")
	return ""
}

// PostgresDB is one test's private schema in the test database.
type PostgresDB struct {
	DSN     string
	Options postgres.Options
}

// NewPostgresDB creates an empty, migrated schema with a random name, and
// drops it with everything in it when the test ends.
func NewPostgresDB(t testing.TB) PostgresDB {
	t.Helper()
	db := NewEmptyPostgresDB(t)
	if err := postgres.MigrateUp(context.Background(), db.DSN, db.Options); err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	return db
}

// NewEmptyPostgresDB is NewPostgresDB without the migrations.
func NewEmptyPostgresDB(t testing.TB) PostgresDB {
	t.Helper()
	dsn := PostgresDSN(t)
	suffix := make([]byte, 8)
	rand.Read(suffix)
	schema := "emu_test_" + hex.EncodeToString(suffix)
	exec(t, dsn, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { exec(t, dsn, "DROP SCHEMA "+schema+" CASCADE") })
	return PostgresDB{DSN: dsn, Options: postgres.Options{Schema: schema, MaxConns: 8}}
}

// Open opens a store (a pool) on the schema; several Opens on one
// PostgresDB behave like several replicas on one database.
func (db PostgresDB) Open(t testing.TB) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), db.DSN, db.Options)
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func exec(t testing.TB, dsn, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting to the test database: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
