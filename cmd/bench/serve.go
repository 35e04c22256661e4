package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/app"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/store/postgres"
)

// serverRoleEnv, set to serverRoleValue in the environment, makes the bench
// executable (or its test binary) the server process of a load run instead
// of the bench.
const (
	serverRoleEnv   = "ENCORD_BENCH_ROLE"
	serverRoleValue = "server"
)

// serveFixture is the server process of the load runs: the emulator as
// pkg/server assembles it for cmd/server (error-level text log on stderr,
// default settings), over a store that already holds the fixture. The
// memory store is filled here, through its own transactions, before the
// server is built; a Postgres database is filled by the bench before this
// process starts.
func serveFixture(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	backend := fs.String("store", storeMemory, "memory or postgres")
	databaseURL := fs.String("database-url", "", "Postgres database holding the fixture")
	keys := fs.Int("keys", signerCount, "keys of the fixture (memory store)")
	members := fs.Int("members", signerCount, "members of the fixture, who own its keys in turn (memory store)")
	createdUnix := fs.Int64("created", 0, "creation time of the fixture rows, Unix microseconds")
	pprofAddr := fs.String("pprof-addr", "", "serve net/http/pprof on this address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	var st store.Store
	switch *backend {
	case storeMemory:
		mem := memory.New()
		if err := newFixture(*keys, *members, time.UnixMicro(*createdUnix).UTC()).load(ctx, mem); err != nil {
			return err
		}
		// Return the garbage of loading to the OS, so that the resident
		// memory measured afterwards is the store's, not the loader's.
		runtime.GC()
		debug.FreeOSMemory()
		st = mem
	case storePostgres:
		pg, err := postgres.Open(ctx, *databaseURL, postgres.Options{})
		if err != nil {
			return err
		}
		st = pg
	default:
		return fmt.Errorf("unknown store %q", *backend)
	}
	srv, err := app.New(ctx, app.Config{Store: st, Logger: logger})
	if err != nil {
		return err
	}
	if *pprofAddr != "" {
		go servePprof(ctx, *pprofAddr, logger)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		srv.Close()
		return err
	}
	return srv.Serve(ctx, ln)
}

// servePprof serves the profiling endpoints until ctx is done.
func servePprof(ctx context.Context, addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("pprof server", "err", fmt.Sprint(err))
	}
}
