package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// queryInt runs a query returning one integer.
func queryInt(t testing.TB, conn *pgx.Conn, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// cluster is a Postgres cluster of the test's own, which it can stop and
// start: initdb and pg_ctl in a temporary directory, listening on a free
// loopback port, its unix socket in the same directory.
type cluster struct {
	bin     string   // directory of initdb, pg_ctl
	dir     string   // the cluster's directory: data/, log, socket
	port    int      //
	runAs   []string // prefix that runs a command as the cluster's owner
	logPath string
}

// postgresBinDir finds the directory of pg_ctl: pg_config --bindir, else the
// newest /usr/lib/postgresql/*/bin (Debian does not put pg_ctl on PATH).
func postgresBinDir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(matches) == 0 {
		return "", errors.New("no pg_ctl: neither pg_config --bindir nor /usr/lib/postgresql/*/bin has one")
	}
	slices.SortFunc(matches, func(a, b string) int { return majorOf(b) - majorOf(a) })
	return filepath.Dir(matches[0]), nil
}

func majorOf(pgCtlPath string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(pgCtlPath))))
	return n
}

// newCluster creates and starts a cluster, and stops and deletes it when
// the test ends. Without Postgres binaries it skips with SKIP-POSTGRES, or
// fails when EMULATOR_REQUIRE_POSTGRES is set.
func newCluster(t testing.TB) *cluster {
	t.Helper()
	bin, err := postgresBinDir()
	if err != nil {
		if testenv.PostgresRequired() {
			t.Fatalf("EMULATOR_REQUIRE_POSTGRES is set but this test cannot make a cluster of its own: %v (apt-get install postgresql)", err)
		}
		t.Skipf("SKIP-POSTGRES: %v (apt-get install postgresql)", err)
	}
	// Postgres refuses to run as root. As root, the cluster belongs to the
	// postgres user, and its directory must not be under t.TempDir, whose
	// parent is private to root.
	c := &cluster{bin: bin}
	if c.port, err = testenv.FreePort(); err != nil {
		t.Fatal(err)
	}
	c.dir, err = os.MkdirTemp("", "e2e-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(c.dir) })
	if os.Geteuid() == 0 {
		owner, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, and no postgres user to own a test cluster: %v", err)
		}
		uid, _ := strconv.Atoi(owner.Uid)
		gid, _ := strconv.Atoi(owner.Gid)
		if err := os.Chown(c.dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		c.runAs = []string{"runuser", "-u", "postgres", "--"}
	}
	c.logPath = filepath.Join(c.dir, "postgres.log")

	c.run(t, "initdb", "-D", c.dataDir(), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C")
	t.Cleanup(func() {
		// immediate: the test is over, nothing needs a checkpoint.
		_, _ = c.command("pg_ctl", "stop", "-D", c.dataDir(), "-m", "immediate", "-w", "-t", "30").CombinedOutput()
		if t.Failed() {
			log, _ := os.ReadFile(c.logPath)
			t.Logf("--- postgres log:\n%s", testenv.Tail(string(log), 4000))
		}
	})
	c.start(t)
	return c
}

func (c *cluster) dataDir() string { return filepath.Join(c.dir, "data") }

func (c *cluster) command(name string, args ...string) *exec.Cmd {
	argv := append(slices.Clone(c.runAs), append([]string{filepath.Join(c.bin, name)}, args...)...)
	cmd := exec.Command(argv[0], argv[1:]...)
	// pg_virtualenv's PG* variables describe another cluster.
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "PG") })
	return cmd
}

func (c *cluster) run(t testing.TB, name string, args ...string) {
	t.Helper()
	if out, err := c.command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// start starts the cluster and returns when it accepts connections.
func (c *cluster) start(t testing.TB) {
	t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50", c.port, c.dir)
	c.run(t, "pg_ctl", "start", "-D", c.dataDir(), "-l", c.logPath, "-o", opts, "-w", "-t", "30")
}

// stop shuts the cluster down with the given pg_ctl mode (fast: active
// sessions are terminated) and returns when it is down.
func (c *cluster) stop(t testing.TB, mode string) {
	t.Helper()
	c.run(t, "pg_ctl", "stop", "-D", c.dataDir(), "-m", mode, "-w", "-t", "30")
}

// url is the connection URL of the cluster's postgres database over TCP.
func (c *cluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}
