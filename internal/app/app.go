// Package app assembles one emulator over an open store: the rules
// (accounts), the router of the three planes (api), the seed, the writer of
// key uses, the controls every replica shares (the clock and the fault
// rules, kept in step with the store by a watch), the metrics, and the HTTP
// server that serves them. pkg/server builds its
// public Server on it; cmd/bench uses it directly to serve a store it filled
// itself.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	emulator "github.com/encord-emulator/encord-emulator"
	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/auth"
	"github.com/encord-emulator/encord-emulator/internal/clock"
	"github.com/encord-emulator/encord-emulator/internal/defaults"
	"github.com/encord-emulator/encord-emulator/internal/faults"
	"github.com/encord-emulator/encord-emulator/internal/metrics"
	"github.com/encord-emulator/encord-emulator/internal/seed"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// Config is one emulator. Zero durations and limits take the values of
// package defaults, in the package that uses them.
type Config struct {
	// Store is the open store to serve; Close closes it.
	Store store.Store
	// Seed, when set, is applied at startup to an empty store and replayed
	// by POST /_emulator/reset.
	Seed *seed.File
	// AdminToken, when set, protects the control plane.
	AdminToken string
	// SessionTTL and BearerTTL are the lifetimes of management sessions
	// and SDK bearer tokens.
	SessionTTL time.Duration
	BearerTTL  time.Duration
	// SignatureMaxAge and SignatureMaxFuture bound a v2 signature's created
	// parameter around now.
	SignatureMaxAge    time.Duration
	SignatureMaxFuture time.Duration
	// MaxBodyBytes limits request bodies.
	MaxBodyBytes int64
	// RequestTimeout bounds one request; ShutdownTimeout the drain of
	// in-flight requests.
	RequestTimeout  time.Duration
	ShutdownTimeout time.Duration
	// ReadHeaderTimeout bounds reading a request's headers (past it the
	// connection is closed), ReadTimeout reading its body (past it, or past
	// RequestTimeout, the request answers 408), IdleTimeout the wait of a
	// keep-alive connection for its next request.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	IdleTimeout       time.Duration
	// LastUsedFlushInterval is how often key uses are written to the store.
	LastUsedFlushInterval time.Duration
	// TokenPurgeInterval is how often expired sessions and bearer tokens
	// are deleted from the store.
	TokenPurgeInterval time.Duration
	// Console, when set, is the web console mounted at /console/ (and /
	// redirects there); nil leaves both to the 404 of unknown routes.
	Console http.Handler
	// Logger receives structured logs (default: discard).
	Logger *slog.Logger
}

// Server is an assembled emulator: a store, the rules over it, and the
// router of the three planes.
type Server struct {
	cfg      Config
	clock    *clock.Clock
	faults   *faults.Engine
	handler  http.Handler
	http     *http.Server
	listener net.Listener
	done     chan error

	closeOnce sync.Once
	closeErr  error
	// The background loops: the key-use flusher, the token purger and the
	// watch of the shared controls (fault rules, clock).
	stopBackground context.CancelFunc
	background     sync.WaitGroup
}

// poolStats is a store with a connection pool (the Postgres store), whose
// figures the metrics read at each scrape.
type poolStats interface {
	PoolStat() *pgxpool.Stat
}

// New applies the seed (to an empty store) and builds the router over
// cfg.Store. It does not listen; see Listen and Serve. When it fails it
// closes the store.
func New(ctx context.Context, cfg Config) (*Server, error) {
	defaults.Fill(&cfg.RequestTimeout, defaults.RequestTimeout)
	defaults.Fill(&cfg.ShutdownTimeout, defaults.ShutdownTimeout)
	defaults.Fill(&cfg.ReadHeaderTimeout, defaults.ReadHeaderTimeout)
	defaults.Fill(&cfg.ReadTimeout, defaults.ReadTimeout)
	defaults.Fill(&cfg.IdleTimeout, defaults.IdleTimeout)
	defaults.Fill(&cfg.LastUsedFlushInterval, defaults.LastUsedFlushInterval)
	defaults.Fill(&cfg.TokenPurgeInterval, defaults.TokenPurgeInterval)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	m := metrics.New()
	if pooled, ok := cfg.Store.(poolStats); ok {
		if err := m.Register(metrics.NewPoolCollector(pooled.PoolStat)); err != nil {
			cfg.Store.Close()
			return nil, fmt.Errorf("registering the pool's metrics: %w", err)
		}
	}
	st := m.InstrumentStore(cfg.Store)
	s := &Server{cfg: cfg, clock: clock.New(st)}
	s.faults = faults.NewEngine(st, s.clock.Now)
	if err := errors.Join(s.clock.Reload(ctx), s.faults.Reload(ctx)); err != nil {
		cfg.Store.Close()
		return nil, fmt.Errorf("reading the clock and the fault rules: %w", err)
	}
	svc := accounts.New(st, accounts.Config{SessionTTL: cfg.SessionTTL, BearerTTL: cfg.BearerTTL, Logger: cfg.Logger, Now: s.clock.Now})
	var reseed func(context.Context) error
	if cfg.Seed != nil {
		reseed = func(ctx context.Context) error {
			if err := cfg.Seed.Apply(ctx, svc); err != nil {
				return err
			}
			return cfg.Seed.ApplyFaults(ctx, s.faults)
		}
		if err := applySeedIfEmpty(ctx, svc, reseed, cfg.Logger); err != nil {
			cfg.Store.Close()
			return nil, err
		}
	}
	s.handler = withDeadlines(cfg.RequestTimeout, cfg.ReadTimeout, api.NewHandler(api.Config{
		Accounts:        svc,
		Logger:          cfg.Logger,
		AdminToken:      cfg.AdminToken,
		MaxBodyBytes:    cfg.MaxBodyBytes,
		OpenAPI:         emulator.OpenAPI,
		Reseed:          reseed,
		SignatureWindow: auth.Window{Past: cfg.SignatureMaxAge, Future: cfg.SignatureMaxFuture},
		Console:         cfg.Console,
		Clock:           s.clock,
		Faults:          s.faults,
		Metrics:         m,
	}))
	background, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stopBackground = stop
	s.background.Go(func() { s.watchControls(background, st) })
	s.background.Go(func() { svc.RunKeyUseFlusher(background, cfg.LastUsedFlushInterval) })
	s.background.Go(func() { svc.RunTokenPurger(background, cfg.TokenPurgeInterval) })
	return s, nil
}

// watchControls reloads the clock and the fault rules whenever the store
// says another replica (or this one) changed them, until ctx ends.
func (s *Server) watchControls(ctx context.Context, st store.Store) {
	_ = st.WatchControls(ctx, func(topic store.ControlTopic) {
		var err error
		switch topic {
		case store.TopicClock:
			err = s.clock.Reload(ctx)
		case store.TopicFaults:
			err = s.faults.Reload(ctx)
		}
		if err != nil && ctx.Err() == nil {
			s.cfg.Logger.WarnContext(ctx, "reloading a control after a change; the next change or reconnection retries", "control", string(topic), "err", err)
		}
	})
}

// Clock is the emulator's clock, shared by every replica of the store.
func (s *Server) Clock() *clock.Clock { return s.clock }

// Faults are the fault rules, shared by every replica of the store.
func (s *Server) Faults() *faults.Engine { return s.faults }

// withDeadlines gives every request a context deadline (requestTimeout),
// and its body a read deadline (readBodyDeadline).
func withDeadlines(requestTimeout, readTimeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		deadline := time.Now().Add(requestTimeout)
		ctx, cancel := context.WithDeadline(r.Context(), deadline)
		defer cancel()
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &readBodyDeadline{ReadCloser: r.Body, w: w, timeout: readTimeout, requestDeadline: deadline}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// readBodyDeadline bounds the reading of a request body by a read deadline
// on its connection, from the first read: readTimeout, and never past the
// request's deadline. A body still arriving then fails to read, which the
// planes answer 408 (the client was slow), where a body read past the
// request's deadline would have answered 503 on its first store call (as
// if the emulator were slow). Once the body is read, the deadline is
// lifted: the rest of the request, and the server's watch for a client
// that goes away, run under the request's deadline alone.
type readBodyDeadline struct {
	io.ReadCloser
	// w is the response writer of the request, whose connection the
	// deadline is set on (an http.ResponseController made on each use does
	// not escape; one kept here would cost an allocation per request).
	w               http.ResponseWriter
	timeout         time.Duration
	requestDeadline time.Time
	started, ended  bool
}

func (b *readBodyDeadline) Read(p []byte) (int, error) {
	if !b.started {
		b.started = true
		deadline := time.Now().Add(b.timeout)
		if b.requestDeadline.Before(deadline) {
			deadline = b.requestDeadline
		}
		// Not every ResponseWriter has a connection (an httptest
		// recorder): then the body has no deadline of its own.
		_ = http.NewResponseController(b.w).SetReadDeadline(deadline)
	}
	n, err := b.ReadCloser.Read(p)
	if errors.Is(err, io.EOF) && !b.ended {
		b.ended = true
		_ = http.NewResponseController(b.w).SetReadDeadline(time.Time{})
	}
	return n, err
}

// applySeedIfEmpty applies the seed at startup unless the store already
// holds workspaces: a Postgres database keeps its state across restarts and
// replicas, and re-applying a seed to it would collide with itself. Reset
// always replays the seed.
func applySeedIfEmpty(ctx context.Context, svc *accounts.Service, apply func(context.Context) error, log *slog.Logger) error {
	existing, err := svc.ListWorkspaces(ctx, accounts.PageRequest{Size: 1})
	if err != nil {
		return fmt.Errorf("checking whether the store is empty before seeding: %w", err)
	}
	if len(existing.Items) > 0 {
		log.InfoContext(ctx, "seed not applied: the store already holds workspaces (POST /_emulator/reset wipes them and replays the seed)")
		return nil
	}
	return apply(ctx)
}

// Handler is the router of all three planes.
func (s *Server) Handler() http.Handler { return s.handler }

// Listen listens on addr and serves in the background until Close. When
// it fails it closes the server.
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return errors.Join(fmt.Errorf("listening on %s: %w", addr, err), s.Close())
	}
	s.serveInBackground(ln)
	return nil
}

// Serve serves on ln until ctx is done, then stops accepting connections,
// drains in-flight requests for at most ShutdownTimeout, and closes the
// store.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.serveInBackground(ln)
	select {
	case err := <-s.done:
		s.http = nil
		return errors.Join(err, s.Close())
	case <-ctx.Done():
	}
	return s.Close()
}

func (s *Server) serveInBackground(ln net.Listener) {
	s.listener = ln
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
	}
	s.done = make(chan error, 1)
	go func() { s.done <- s.http.Serve(ln) }()
}

// Addr is the address the server listens on (with the real port of ":0"),
// or "" before it listens.
func (s *Server) Addr() string {
	if s.listener == nil {
		return ""
	}
	return s.listener.Addr().String()
}

// Close shuts the server down gracefully: it stops accepting connections,
// waits up to ShutdownTimeout for in-flight requests, writes the last key
// uses, then closes the store. Calling it again returns the first result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		var err error
		if s.http != nil {
			ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
			defer cancel()
			err = s.http.Shutdown(ctx)
			if serveErr := <-s.done; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
				err = errors.Join(err, serveErr)
			}
		}
		s.stopBackground() // the flusher writes the last key uses before the store closes
		s.background.Wait()
		s.closeErr = errors.Join(err, s.cfg.Store.Close())
	})
	return s.closeErr
}
