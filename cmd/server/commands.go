package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store/postgres"
	"github.com/encord-emulator/encord-emulator/pkg/server"
)

const serveHelp = `Usage: encord-emulator serve [flags]

Serves three planes on one port: the SDK plane (/public, /public/user,
/v2/public), the management plane (/api/v1, what Encord's web UI does) and
the control plane (/_emulator). The memory store needs no setup; the
Postgres store persists and lets several replicas share one database.

Flags:
`

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	var opts server.Options
	var migrate bool
	f := newEnvFlags("serve", stderr, serveHelp)
	addrFlag(f, &opts.Addr)
	f.string(&opts.Store, "store", "EMULATOR_STORE", server.DefaultStore, "store backend: memory (zero setup, state lost on exit) or postgres")
	databaseFlags(f, &opts)
	f.bool(&migrate, "migrate", "EMULATOR_MIGRATE", !opts.SkipMigrations, "apply the embedded Postgres migrations at startup (safe with several replicas: migrations take a lock)")
	f.string(&opts.SeedFile, "seed", "EMULATOR_SEED", "", "YAML seed file applied at startup and by POST /_emulator/reset")
	f.bool(&opts.Console, "console", "EMULATOR_CONSOLE", defaultConsole, "serve the web console at /console/ (and redirect / there); --console=false answers 404 on both")
	f.string(&opts.AdminToken, "admin-token", "EMULATOR_ADMIN_TOKEN", "", "when set, every /_emulator route but healthz and readyz needs Authorization: Bearer <token>")
	f.duration(&opts.SessionTTL, "session-ttl", "EMULATOR_SESSION_TTL", server.DefaultSessionTTL, "lifetime of a management-plane session")
	f.duration(&opts.BearerTTL, "bearer-ttl", "EMULATOR_BEARER_TTL", server.DefaultBearerTTL, "lifetime of an SDK bearer token")
	f.duration(&opts.SignatureMaxAge, "signature-max-age", "EMULATOR_SIGNATURE_MAX_AGE", server.DefaultSignatureMaxAge, "oldest accepted v2 signature created time (the SDK signs created = now - 30 s)")
	f.duration(&opts.SignatureMaxFuture, "signature-max-future", "EMULATOR_SIGNATURE_MAX_FUTURE", server.DefaultSignatureMaxFuture, "furthest in the future an accepted v2 signature created time may lie (client clock skew)")
	f.duration(&opts.LastUsedFlushInterval, "last-used-flush-interval", "EMULATOR_LAST_USED_FLUSH_INTERVAL", server.DefaultLastUsedFlushInterval, "how often the last use of keys (lastUsedAt) is written to the store")
	f.int64(&opts.MaxBodyBytes, "max-body-bytes", "EMULATOR_MAX_BODY_BYTES", server.DefaultMaxBodyBytes, "largest request body accepted; larger ones get 413")
	f.duration(&opts.RequestTimeout, "request-timeout", "EMULATOR_REQUEST_TIMEOUT", server.DefaultRequestTimeout, "longest one request may take, database waits included, before it answers 503 (bounds requests when the database stops answering)")
	f.duration(&opts.ReadHeaderTimeout, "read-header-timeout", "EMULATOR_READ_HEADER_TIMEOUT", server.DefaultReadHeaderTimeout, "longest a client may take to send a request's headers before its connection is closed")
	f.duration(&opts.ReadTimeout, "read-timeout", "EMULATOR_READ_TIMEOUT", server.DefaultReadTimeout, "longest a client may take to send a request's body, from when the emulator starts reading it (and within --request-timeout), before the request answers 408")
	f.duration(&opts.IdleTimeout, "idle-timeout", "EMULATOR_IDLE_TIMEOUT", server.DefaultIdleTimeout, "how long a keep-alive connection may wait for its next request before it is closed")
	f.duration(&opts.ShutdownTimeout, "shutdown-timeout", "EMULATOR_SHUTDOWN_TIMEOUT", server.DefaultShutdownTimeout, "on SIGINT or SIGTERM, how long in-flight requests may take to finish")
	newLogger := logFlags(f, stderr)
	if err := f.parse(args); err != nil {
		return err
	}
	logger, err := newLogger()
	if err != nil {
		return err
	}
	opts.Logger = logger
	opts.SkipMigrations = !migrate

	start := time.Now()
	srv, err := server.New(ctx, opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		srv.Close()
		return fmt.Errorf("listening on %s: %w", opts.Addr, err)
	}
	logger.Info("encord-emulator listening", "url", "http://"+ln.Addr().String(), "store", opts.Store, "seed", opts.SeedFile, "startup", time.Since(start))
	err = srv.Serve(ctx, ln)
	logger.Info("encord-emulator stopped")
	return err
}

const migrateHelp = `Usage: encord-emulator migrate up|down|version [flags]

  up       apply every embedded migration not yet applied
  down     revert every migration (drops all emulator tables and data)
  version  print the schema version of the database and of this build

Flags:
`

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(stderr, migrateHelp)
		return fmt.Errorf("migrate needs an action: up, down or version")
	}
	action, args := args[0], args[1:]
	var opts server.Options
	f := newEnvFlags("migrate", stderr, migrateHelp)
	databaseFlags(f, &opts)
	if err := f.parse(args); err != nil {
		return err
	}
	pgOpts := postgres.Options{StatementTimeout: opts.DBStatementTimeout}
	switch action {
	case "up":
		if err := postgres.MigrateUp(ctx, opts.DatabaseURL, pgOpts); err != nil {
			return err
		}
	case "down":
		if err := postgres.MigrateDown(ctx, opts.DatabaseURL, pgOpts); err != nil {
			return err
		}
	case "version":
	default:
		fmt.Fprint(stderr, migrateHelp)
		return fmt.Errorf("unknown migrate action %q: use up, down or version", action)
	}
	version, dirty, err := postgres.MigrationVersion(ctx, opts.DatabaseURL, pgOpts)
	if err != nil {
		return err
	}
	latest, err := postgres.LatestVersion()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database schema version %d (dirty: %t); this build's latest is %d\n", version, dirty, latest)
	return nil
}

const healthcheckHelp = `Usage: encord-emulator healthcheck [flags]

Asks the server at --addr whether it is ready (GET /_emulator/readyz) and
exits 0 if so, 1 otherwise. Container images run it as their HEALTHCHECK:
it reads the same EMULATOR_ADDR as the server, so both agree.

Flags:
`

func healthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var addr string
	var timeout time.Duration
	f := newEnvFlags("healthcheck", stderr, healthcheckHelp)
	addrFlag(f, &addr)
	f.duration(&timeout, "timeout", "EMULATOR_HEALTHCHECK_TIMEOUT", 3*time.Second, "how long to wait for the answer")
	if err := f.parse(args); err != nil {
		return err
	}
	url := "http://" + dialable(addr) + "/_emulator/readyz"
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("not healthy: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready: %s answered %d: %s", url, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	fmt.Fprintf(stdout, "ready: %s\n", url)
	return nil
}

// dialable turns a listen address into one a client can dial: an empty or
// unspecified host (":8080", "0.0.0.0:8080", "[::]:8080") becomes loopback.
func dialable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
