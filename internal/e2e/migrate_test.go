package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store/postgres"
	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

const commandTimeout = 30 * time.Second

// schemaVersion matches the line "migrate" prints after every action.
var schemaVersion = regexp.MustCompile(`database schema version (\d+) \(dirty: (true|false)\); this build's latest is (\d+)`)

// migrate runs "encord-emulator migrate action" on db and returns the
// version it reports, failing unless it exits 0.
func migrate(t *testing.T, db testenv.Database, action string) string {
	t.Helper()
	code, out := runCommand(t, commandTimeout, db.Env, "migrate", action)
	if code != 0 {
		t.Fatalf("migrate %s exited %d:\n%s", action, code, out)
	}
	m := schemaVersion.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("migrate %s printed no schema version:\n%s", action, out)
	}
	if m[2] != "false" {
		t.Fatalf("migrate %s left the schema dirty:\n%s", action, out)
	}
	return m[1]
}

func TestMigrateCommands(t *testing.T) {
	t.Parallel()
	latest, err := postgres.LatestVersion()
	if err != nil {
		t.Fatal(err)
	}
	db := testenv.NewDatabase(t)
	sql := testenv.Connect(t, db.DSN)
	tables := func() int {
		return queryInt(t, sql, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename IN ('workspaces', 'members', 'service_accounts', 'keys', 'tokens', 'resources')`)
	}
	want := fmt.Sprint(latest)
	steps := []struct {
		action, version string
		tables          int
	}{
		{"version", "0", 0},
		{"up", want, 6},
		{"version", want, 6},
		{"up", want, 6}, // a no-op
		{"down", "0", 0},
		{"up", want, 6},
	}
	for _, step := range steps {
		if v := migrate(t, db, step.action); v != step.version {
			t.Fatalf("after migrate %s: version %s, want %s", step.action, v, step.version)
		}
		if n := tables(); n != step.tables {
			t.Fatalf("after migrate %s: %d of the store's tables exist, want %d", step.action, n, step.tables)
		}
	}

	code, out := runCommand(t, commandTimeout, db.Env, "migrate", "sideways")
	if code == 0 || !strings.Contains(out, `unknown migrate action "sideways"`) {
		t.Fatalf("migrate sideways: exit %d:\n%s", code, out)
	}
}

// TestReplicasMigrateAnEmptyDatabaseTogether starts replicas at once
// against an empty database: golang-migrate's lock lets one migrate while
// the others wait, and all of them come up ready.
func TestReplicasMigrateAnEmptyDatabaseTogether(t *testing.T) {
	t.Parallel()
	db := testenv.NewDatabase(t)
	env := append([]string{"EMULATOR_STORE=postgres", "EMULATOR_LOG_LEVEL=warn"}, db.Env...)
	servers := make([]*testenv.Server, 3)
	for i := range servers {
		servers[i] = launchServer(t, fmt.Sprintf("replica-%d", i), env...)
	}
	for _, s := range servers {
		s.WaitReady(t)
	}
	sql := testenv.Connect(t, db.DSN)
	latest, _ := postgres.LatestVersion()
	if n := queryInt(t, sql, `SELECT count(*) FROM schema_migrations WHERE version = $1 AND NOT dirty`, int64(latest)); n != 1 {
		t.Fatalf("schema_migrations does not say version %d, clean", latest)
	}
	// They share the one database.
	a := testclient.NewForTest(t, servers[0].URL, testclient.Options{Timeout: 10 * time.Second})
	b := testclient.NewForTest(t, servers[2].URL, testclient.Options{Timeout: 10 * time.Second})
	a.NewWorkspace(t, "Shared", "admin@shared.test", nil)
	b.Login(t, "admin@shared.test")
}

// TestServerRefusesANewerSchema: a database migrated by a newer build is
// not touched; the server says why and exits non-zero, with migrations on
// or off, and so does migrate up.
func TestServerRefusesANewerSchema(t *testing.T) {
	t.Parallel()
	db := testenv.NewDatabase(t)
	migrate(t, db, "up")
	sql := testenv.Connect(t, db.DSN)
	if _, err := sql.Exec(context.Background(), `UPDATE schema_migrations SET version = 999`); err != nil {
		t.Fatal(err)
	}
	const reason = "database schema is newer than this build supports: database is at version 999"
	for _, migrateAtStart := range []string{"true", "false"} {
		t.Run("EMULATOR_MIGRATE="+migrateAtStart, func(t *testing.T) {
			s := launchServer(t, "server", append([]string{"EMULATOR_STORE=postgres", "EMULATOR_MIGRATE=" + migrateAtStart}, db.Env...)...)
			code, err := s.Wait(testenv.StartupTimeout)
			if err != nil {
				t.Fatal(err)
			}
			if code == 0 {
				t.Fatalf("the server exited 0 against schema version 999")
			}
			if out := s.Output(); !strings.Contains(out, reason) {
				t.Fatalf("the server's output does not say %q:\n%s", reason, out)
			}
		})
	}
	code, out := runCommand(t, commandTimeout, db.Env, "migrate", "up")
	if code == 0 || !strings.Contains(out, reason) {
		t.Fatalf("migrate up against version 999: exit %d:\n%s", code, out)
	}
	if n := queryInt(t, sql, `SELECT count(*) FROM schema_migrations WHERE version = 999`); n != 1 {
		t.Fatal("the refused migrate up changed the version table")
	}
}
