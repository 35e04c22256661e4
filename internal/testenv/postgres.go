package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/encord-emulator/encord-emulator/internal/store/postgres"
)

// PostgresEnv returns the connection string of the test database ("" means
// the PG* variables) and whether one is configured: DATABASE_URL, or the
// PG* variables that pg_virtualenv exports.
func PostgresEnv() (dsn string, ok bool) {
	if dsn := os.Getenv("DATABASE_URL"); dsn != "" {
		return dsn, true
	}
	return "", os.Getenv("PGHOST") != "" || os.Getenv("PGDATABASE") != ""
}

// PostgresRequired reports whether a missing test database is a failure
// rather than a reason to skip (EMULATOR_REQUIRE_POSTGRES, which make test
// and CI set).
func PostgresRequired() bool { return os.Getenv("EMULATOR_REQUIRE_POSTGRES") != "" }

// PostgresDSN returns the connection string of the test database ("" means
// the PG* variables), or skips (fails, when required) without one.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	if dsn, ok := PostgresEnv(); ok {
		return dsn
	}
	if PostgresRequired() {
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
	schema := uniqueName()
	mustExec(t, dsn, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { mustExec(t, dsn, "DROP SCHEMA "+schema+" CASCADE") })
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

// uniqueName returns a name for a test's schema or database that no other
// test, in this process or another, uses.
func uniqueName() string {
	suffix := make([]byte, 8)
	rand.Read(suffix)
	return "emu_test_" + hex.EncodeToString(suffix)
}

// mustExec runs one statement on the database dsn names.
func mustExec(t testing.TB, dsn, sql string) {
	t.Helper()
	if err := execSQL(context.Background(), dsn, sql); err != nil {
		t.Fatal(err)
	}
}

// execSQL runs one statement on a connection of its own.
func execSQL(ctx context.Context, dsn, sql string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("connecting to the test database: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}
