// Package server runs the Encord emulator inside a Go program or test; the
// encord-emulator binary (cmd/server) is a thin command line over it.
//
//	srv, err := server.Start(ctx, server.Options{Addr: "127.0.0.1:0"})
//	if err != nil { ... }
//	defer srv.Close()
//	// srv.URL() is the domain to give the Encord SDK, curl or any client.
//
// The zero Options serve the memory store on DefaultAddr with no seed; every
// zero field takes the Default* value documented on it. See Example for a
// whole round trip: a workspace, a key generated through the management
// plane, and an SDK request signed with it.
package server

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"github.com/encord-emulator/encord-emulator/internal/app"
	"github.com/encord-emulator/encord-emulator/internal/console"
	"github.com/encord-emulator/encord-emulator/internal/seed"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/store/postgres"
)

// Server is an emulator: a store, the rules over it, and the router of the
// three planes. Start, or New and Serve, make it listen.
type Server struct {
	app  *app.Server
	addr string
}

// New opens the store (migrating a Postgres schema unless SkipMigrations),
// applies the seed to an empty store, and builds the router. It does not
// listen; see Serve and Start.
func New(ctx context.Context, opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	if opts.Store == "" {
		opts.Store = DefaultStore
	}
	var seedFile *seed.File
	if opts.SeedFile != "" {
		f, err := seed.Load(opts.SeedFile)
		if err != nil {
			return nil, err
		}
		seedFile = f
	}
	st, err := openStore(ctx, opts)
	if err != nil {
		return nil, err
	}
	a, err := app.New(ctx, app.Config{
		Store:                 st,
		Seed:                  seedFile,
		AdminToken:            opts.AdminToken,
		SessionTTL:            opts.SessionTTL,
		BearerTTL:             opts.BearerTTL,
		SignatureMaxAge:       opts.SignatureMaxAge,
		SignatureMaxFuture:    opts.SignatureMaxFuture,
		MaxBodyBytes:          opts.MaxBodyBytes,
		RequestTimeout:        opts.RequestTimeout,
		ShutdownTimeout:       opts.ShutdownTimeout,
		ReadHeaderTimeout:     opts.ReadHeaderTimeout,
		ReadTimeout:           opts.ReadTimeout,
		IdleTimeout:           opts.IdleTimeout,
		LastUsedFlushInterval: opts.LastUsedFlushInterval,
		Console:               consoleHandler(opts.Console),
		Logger:                opts.Logger,
	})
	if err != nil {
		return nil, err
	}
	return &Server{app: a, addr: opts.Addr}, nil
}

func openStore(ctx context.Context, opts Options) (store.Store, error) {
	switch opts.Store {
	case StoreMemory:
		return memory.New(), nil
	case StorePostgres:
		pgOpts := postgres.Options{MaxConns: int32(min(opts.DBMaxConns, 1<<20)), StatementTimeout: opts.DBStatementTimeout}
		if !opts.SkipMigrations {
			if err := postgres.MigrateUp(ctx, opts.DatabaseURL, pgOpts); err != nil {
				return nil, fmt.Errorf("migrating the database: %w", err)
			}
		}
		return postgres.Open(ctx, opts.DatabaseURL, pgOpts)
	default:
		return nil, fmt.Errorf("unknown store %q: use %q or %q", opts.Store, StoreMemory, StorePostgres)
	}
}

// Start builds a server with New and serves it on opts.Addr in the
// background until Close.
func Start(ctx context.Context, opts Options) (*Server, error) {
	s, err := New(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := s.app.Listen(s.addr); err != nil {
		return nil, err
	}
	return s, nil
}

// Serve serves on ln until ctx is done, then stops accepting connections,
// drains in-flight requests for at most ShutdownTimeout, and closes the
// store.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	return s.app.Serve(ctx, ln)
}

// Handler is the router of all three planes, for serving in process (an
// httptest.Server, a recorder) instead of through Start or Serve.
func (s *Server) Handler() http.Handler { return s.app.Handler() }

// Addr is the address the server listens on, with the real port when
// Options.Addr asked for port 0; before it listens, Options.Addr.
func (s *Server) Addr() string {
	if addr := s.app.Addr(); addr != "" {
		return addr
	}
	return s.addr
}

// URL is the base URL of the server, the domain to give the Encord SDK.
func (s *Server) URL() string { return "http://" + s.Addr() }

// Close shuts the server down gracefully: it stops accepting connections,
// waits up to ShutdownTimeout for in-flight requests, then closes the store.
// Calling it again returns the first result.
func (s *Server) Close() error { return s.app.Close() }

// consoleHandler is the web console when it is on, nil when it is off.
func consoleHandler(on bool) http.Handler {
	if !on {
		return nil
	}
	return console.Handler()
}
