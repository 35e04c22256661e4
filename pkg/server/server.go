// Package server runs the Encord emulator, in its own process (cmd/server
// uses it) or inside a Go test:
//
//	srv, err := server.Start(ctx, server.Options{Addr: "127.0.0.1:0"})
//	if err != nil { ... }
//	defer srv.Close()
//	client := encord.New(srv.URL()) // point the SDK, curl or any client here
//
// The zero Options run the memory store with no seed.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	emulator "github.com/encord-emulator/encord-emulator"
	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/auth"
	"github.com/encord-emulator/encord-emulator/internal/console"
	"github.com/encord-emulator/encord-emulator/internal/seed"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/store/postgres"
)

// Store backends.
const (
	StoreMemory   = "memory"
	StorePostgres = "postgres"
)

// Options configure a server. Zero fields take the defaults documented on
// each; cmd/server fills them from flags and environment variables.
type Options struct {
	// Addr is the listen address of Start (default 127.0.0.1:8080; use
	// 127.0.0.1:0 for a free port).
	Addr string
	// Store is StoreMemory (default) or StorePostgres.
	Store string
	// DatabaseURL names the Postgres database; "" uses the PG* variables.
	DatabaseURL string
	// Migrate applies the embedded migrations at startup (Postgres only).
	Migrate bool
	// DBMaxConns is the Postgres pool size (default 10).
	DBMaxConns int64
	// DBStatementTimeout bounds every Postgres statement (default 5 s).
	DBStatementTimeout time.Duration
	// SeedFile is a YAML seed applied at startup and after every reset.
	SeedFile string
	// AdminToken, when set, protects the control plane.
	AdminToken string
	// SessionTTL and BearerTTL are token lifetimes (defaults 24 h and 1 h).
	SessionTTL time.Duration
	BearerTTL  time.Duration
	// MaxBodyBytes limits request bodies (default 1 MiB).
	MaxBodyBytes int64
	// ShutdownTimeout bounds the drain of in-flight requests (default 10 s).
	ShutdownTimeout time.Duration
	// RequestTimeout bounds one request (default 30 s): past it, the
	// request's store calls are cancelled and it answers 503. It is what
	// bounds requests when the database stops answering without closing
	// connections, which DBStatementTimeout, enforced by Postgres, cannot.
	RequestTimeout time.Duration
	// SignatureMaxAge and SignatureMaxFuture bound a v2 signature's created
	// parameter around now (defaults 600 s and 60 s).
	SignatureMaxAge    time.Duration
	SignatureMaxFuture time.Duration
	// LastUsedFlushInterval is how often the last use of keys is written to
	// the store (default 1 s); the SDK hot path itself never writes.
	LastUsedFlushInterval time.Duration
	// Console serves the web console at /console/ and redirects / there
	// (cmd/server turns it on unless --console=false).
	Console bool
	// Logger receives structured logs (default: discard).
	Logger *slog.Logger
	// Backend, when set, is an already open store served instead of the one
	// Store names (Store, DatabaseURL and Migrate are then ignored); Close
	// closes it. Its type is internal to this module, so only the module's
	// own programs can set it: cmd/bench serves a memory store it preloaded
	// with a million keys through the store itself.
	Backend store.Store
}

// Server is a configured emulator: a store, the rules over it, and the
// router of the three planes.
type Server struct {
	opts     Options
	store    store.Store
	accounts *accounts.Service
	handler  http.Handler
	http     *http.Server
	listener net.Listener
	done     chan error

	closeOnce   sync.Once
	closeErr    error
	stopFlusher context.CancelFunc
	flusherDone chan struct{}
}

// New opens the store (migrating it when asked), applies the seed, and
// builds the router. It does not listen; see Serve and Start.
func New(ctx context.Context, opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:8080"
	}
	if opts.Store == "" {
		opts.Store = StoreMemory
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 10 * time.Second
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
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
	svc := accounts.New(st, accounts.Config{SessionTTL: opts.SessionTTL, BearerTTL: opts.BearerTTL, Logger: opts.Logger})
	var reseed func(context.Context) error
	if seedFile != nil {
		reseed = func(ctx context.Context) error { return seedFile.Apply(ctx, svc) }
		if err := applySeedIfEmpty(ctx, svc, reseed, opts.Logger); err != nil {
			st.Close()
			return nil, err
		}
	}
	s := &Server{opts: opts, store: st, accounts: svc}
	s.handler = withRequestTimeout(opts.RequestTimeout, api.NewHandler(api.Config{
		Accounts:        svc,
		Logger:          opts.Logger,
		AdminToken:      opts.AdminToken,
		MaxBodyBytes:    opts.MaxBodyBytes,
		OpenAPI:         emulator.OpenAPI,
		Reseed:          reseed,
		SignatureWindow: auth.Window{Past: opts.SignatureMaxAge, Future: opts.SignatureMaxFuture},
		Console:         consoleHandler(opts.Console),
	}))
	interval := opts.LastUsedFlushInterval
	if interval <= 0 {
		interval = time.Second
	}
	flusherCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stopFlusher, s.flusherDone = stop, make(chan struct{})
	go func() {
		defer close(s.flusherDone)
		svc.RunKeyUseFlusher(flusherCtx, interval)
	}()
	return s, nil
}

// consoleHandler is the web console when it is on, nil when it is off.
func consoleHandler(on bool) http.Handler {
	if !on {
		return nil
	}
	return console.Handler()
}

// withRequestTimeout gives every request a context deadline.
func withRequestTimeout(timeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// applySeedIfEmpty applies the seed at startup unless the store already
// holds workspaces: a Postgres database keeps its state across restarts and
// replicas, and re-applying a seed to it would collide with itself. Reset
// always replays the seed.
func applySeedIfEmpty(ctx context.Context, svc *accounts.Service, apply func(context.Context) error, log *slog.Logger) error {
	existing, err := svc.ListWorkspaces(ctx)
	if err != nil {
		return fmt.Errorf("checking whether the store is empty before seeding: %w", err)
	}
	if len(existing) > 0 {
		log.InfoContext(ctx, "seed not applied: the store already holds workspaces (POST /_emulator/reset wipes them and replays the seed)", "workspaces", len(existing))
		return nil
	}
	return apply(ctx)
}

func openStore(ctx context.Context, opts Options) (store.Store, error) {
	if opts.Backend != nil {
		return opts.Backend, nil
	}
	switch opts.Store {
	case StoreMemory:
		return memory.New(), nil
	case StorePostgres:
		pgOpts := postgres.Options{MaxConns: int32(min(opts.DBMaxConns, 1<<20)), StatementTimeout: opts.DBStatementTimeout}
		if opts.Migrate {
			if err := postgres.MigrateUp(ctx, opts.DatabaseURL, pgOpts); err != nil {
				return nil, fmt.Errorf("migrating the database: %w", err)
			}
		}
		return postgres.Open(ctx, opts.DatabaseURL, pgOpts)
	default:
		return nil, fmt.Errorf("unknown store %q: use %q or %q", opts.Store, StoreMemory, StorePostgres)
	}
}

// Handler is the router of all three planes.
func (s *Server) Handler() http.Handler { return s.handler }

// Start builds a server with New and serves it on opts.Addr in the
// background until Close.
func Start(ctx context.Context, opts Options) (*Server, error) {
	s, err := New(ctx, opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		s.store.Close()
		return nil, fmt.Errorf("listening on %s: %w", s.opts.Addr, err)
	}
	s.listener = ln
	s.http = s.newHTTPServer()
	s.done = make(chan error, 1)
	go func() { s.done <- s.http.Serve(ln) }()
	return s, nil
}

// Serve serves on ln until ctx is done, then stops accepting connections,
// drains in-flight requests for at most ShutdownTimeout, and closes the
// store.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.listener = ln
	s.http = s.newHTTPServer()
	s.done = make(chan error, 1)
	go func() { s.done <- s.http.Serve(ln) }()
	select {
	case err := <-s.done:
		s.http = nil
		return errors.Join(err, s.Close())
	case <-ctx.Done():
	}
	return s.Close()
}

func (s *Server) newHTTPServer() *http.Server {
	return &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.opts.Logger.Handler(), slog.LevelWarn),
	}
}

// Addr is the address the server listens on (with the real port of ":0").
func (s *Server) Addr() string {
	if s.listener == nil {
		return s.opts.Addr
	}
	return s.listener.Addr().String()
}

// URL is the base URL to give the SDK as domain=.
func (s *Server) URL() string { return "http://" + s.Addr() }

// Close shuts the server down gracefully: it stops accepting connections,
// waits up to ShutdownTimeout for in-flight requests, then closes the store.
// Calling it again returns the first result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		var err error
		if s.http != nil {
			ctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
			defer cancel()
			err = s.http.Shutdown(ctx)
			if serveErr := <-s.done; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
				err = errors.Join(err, serveErr)
			}
		}
		s.stopFlusher() // flushes the last key uses before the store closes
		<-s.flusherDone
		s.closeErr = errors.Join(err, s.store.Close())
	})
	return s.closeErr
}
