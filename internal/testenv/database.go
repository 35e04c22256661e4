package testenv

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// CreateDatabase creates the empty database name on the Postgres server
// that base names (a postgres:// URL, a key=value string, or "" for the
// PG* variables) and returns the connection string of the new database.
func CreateDatabase(ctx context.Context, base, name string) (string, error) {
	if err := execSQL(ctx, base, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", err
	}
	return WithDatabase(base, name), nil
}

// DropDatabase drops the database name on the server that base names,
// closing the connections still open to it.
func DropDatabase(ctx context.Context, base, name string) error {
	return execSQL(ctx, base, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

// WithDatabase returns base naming database name instead of its own. A
// key=value string (or "") gets a dbname that overrides any before it and
// PGDATABASE.
func WithDatabase(base, name string) string {
	if strings.HasPrefix(base, "postgres://") || strings.HasPrefix(base, "postgresql://") {
		if u, err := url.Parse(base); err == nil {
			u.Path = "/" + name
			return u.String()
		}
	}
	return strings.TrimSpace(base + " dbname=" + name)
}

// Database is a test's own database in the test Postgres.
type Database struct {
	Name string
	DSN  string
	// Env points a server or migrate process at the database. The test
	// cluster serves every package's tests at once: the small pool keeps
	// its connection limit out of reach.
	Env []string
}

// NewDatabase creates an empty database for the test and drops it when
// the test ends. Without a test Postgres it skips, or fails when required.
func NewDatabase(t testing.TB) Database {
	t.Helper()
	base := PostgresDSN(t)
	name := uniqueName()
	ctx := context.Background()
	dsn, err := CreateDatabase(ctx, base, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := DropDatabase(context.Background(), base, name); err != nil {
			t.Error(err)
		}
	})
	return Database{Name: name, DSN: dsn, Env: []string{"DATABASE_URL=" + dsn, "EMULATOR_DB_MAX_CONNS=4"}}
}

// Connect opens a connection to the database dsn names, for checks in SQL,
// and closes it when the test ends.
func Connect(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting to the test database: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
