package main

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5"

	"github.com/encord-emulator/encord-emulator/internal/store/postgres"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// databases creates and drops the bench's throwaway databases on the
// configured server.
type databases struct {
	baseDSN string
	prefix  string
	created []string
	n       int
}

// newDatabases works on the server baseDSN names. With only the PG*
// variables and no PGSSLMODE, connections do without TLS (sslmode=disable):
// a loopback cluster such as pg_virtualenv's offers TLS, and pgx would
// otherwise encrypt every query of the measurement.
func newDatabases(baseDSN string) *databases {
	if baseDSN == "" && os.Getenv("PGSSLMODE") == "" {
		baseDSN = "sslmode=disable"
	}
	return &databases{baseDSN: baseDSN, prefix: fmt.Sprintf("encord_bench_%d_", os.Getpid())}
}

// tls describes whether the connections of the bench use TLS.
func (d *databases) tls(ctx context.Context) (string, error) {
	conn, err := pgx.Connect(ctx, d.baseDSN)
	if err != nil {
		return "", fmt.Errorf("connecting to Postgres: %w", err)
	}
	defer conn.Close(ctx)
	var on bool
	if err := conn.QueryRow(ctx, "SELECT COALESCE((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)").Scan(&on); err != nil {
		return "", err
	}
	if on {
		return "TLS on", nil
	}
	return "TLS off", nil
}

// create makes a new empty database and returns its connection string.
func (d *databases) create(ctx context.Context) (string, error) {
	d.n++
	name := fmt.Sprintf("%s%d", d.prefix, d.n)
	dsn, err := testenv.CreateDatabase(ctx, d.baseDSN, name)
	if err != nil {
		return "", err
	}
	d.created = append(d.created, name)
	return dsn, nil
}

// dropAll drops every database create made.
func (d *databases) dropAll(ctx context.Context) error {
	for _, name := range d.created {
		if err := testenv.DropDatabase(ctx, d.baseDSN, name); err != nil {
			return err
		}
	}
	d.created = nil
	return nil
}

// loadPostgres migrates the database at dsn with the server's own
// migrations and copies the fixture into its tables (COPY, not one INSERT
// per row), then analyzes them so the planner sees their real size.
func loadPostgres(ctx context.Context, dsn string, f *fixture) error {
	if err := postgres.MigrateUp(ctx, dsn, postgres.Options{}); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	w := f.workspace
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"workspaces"},
		[]string{"id", "name", "created_at", "quota_service_accounts", "quota_keys_per_service_account", "quota_keys_per_user", "quota_resources"},
		pgx.CopyFromRows([][]any{{w.ID, w.Name, w.CreatedAt, w.Quotas.ServiceAccounts, w.Quotas.KeysPerServiceAccount, w.Quotas.KeysPerUser, w.Quotas.Resources}})); err != nil {
		return fmt.Errorf("copying the workspace: %w", err)
	}
	members := make([][]any, 0, len(f.members))
	for _, m := range f.members {
		members = append(members, []any{m.ID, m.WorkspaceID, m.Email, m.Name, string(m.Role), m.CreatedAt})
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"members"},
		[]string{"id", "workspace_id", "email", "name", "role", "created_at"}, pgx.CopyFromRows(members)); err != nil {
		return fmt.Errorf("copying the members: %w", err)
	}
	stream := f.keys()
	row := make([]any, 10)
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"keys"},
		[]string{"id", "workspace_id", "owner_type", "owner_id", "title", "public_key", "public_key_hex", "fingerprint", "origin", "created_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			k, ok, err := stream.Next()
			if err != nil || !ok {
				return nil, err
			}
			row[0], row[1], row[2], row[3], row[4] = k.ID, k.WorkspaceID, string(k.Owner.Type), k.Owner.ID, k.Title
			row[5], row[6], row[7], row[8], row[9] = k.PublicKey, k.PublicKeyHex, k.Fingerprint, string(k.Origin), k.CreatedAt
			return row, nil
		}))
	if err != nil {
		return fmt.Errorf("copying the keys: %w", err)
	}
	if int(n) != f.keyCount {
		return fmt.Errorf("copied %d keys, want %d", n, f.keyCount)
	}
	if _, err := conn.Exec(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("analyzing: %w", err)
	}
	return nil
}
