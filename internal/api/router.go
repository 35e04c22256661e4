// Package api serves the emulator's three planes on one router: the SDK
// plane (/public, /v2/public), the management plane (/api/v1) and the
// control plane (/_emulator), plus the served openapi.yaml. Handlers decode
// and validate requests, call package accounts, and render its answers; no
// rule of the product is decided here.
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/auth"
	"github.com/encord-emulator/encord-emulator/internal/defaults"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/journal"
)

// Config configures the router.
type Config struct {
	Accounts *accounts.Service
	Logger   *slog.Logger
	// AdminToken, when set, protects every control route but the health
	// checks (EMULATOR_ADMIN_TOKEN).
	AdminToken string
	// MaxBodyBytes limits request bodies (default 1 MiB); larger ones get 413.
	MaxBodyBytes int64
	// OpenAPI is the spec served at GET /openapi.yaml.
	OpenAPI []byte
	// Reseed replays the startup seed after POST /_emulator/reset.
	Reseed func(context.Context) error
	// Ready reports whether the store is reachable and migrated.
	Ready func(context.Context) error
	// SignatureWindow is the accepted range of a v2 signature's created
	// parameter around now (default 600 s past, 60 s future).
	SignatureWindow auth.Window
	// Now is the clock of signature verification (default time.Now).
	Now func() time.Time
	// JournalCapacity is how many SDK auth decisions GET
	// /_emulator/requests keeps (default 1000).
	JournalCapacity int
	// Console, when set, is the web console mounted at /console, and / then
	// redirects there; nil leaves both to the 404 of unknown routes.
	Console http.Handler
}

// NewHandler returns the router of all three planes.
func NewHandler(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = defaults.MaxBodyBytes
	}
	if cfg.Ready == nil {
		cfg.Ready = cfg.Accounts.Store().Ping
	}
	ew := errorWriter{log: cfg.Logger}
	sdk := sdkAuth{
		accounts: cfg.Accounts,
		verifier: &auth.Verifier{Window: cfg.SignatureWindow, Now: cfg.Now},
		journal:  journal.New(cfg.JournalCapacity),
		log:      cfg.Logger,
	}

	r := chi.NewRouter()
	r.Use(recoverer(ew), requestLog(cfg.Logger), limitBody(cfg.MaxBodyBytes), collapseV1Slash)
	r.NotFound(ew.handle(func(w http.ResponseWriter, r *http.Request) error {
		return errs.New(errs.NotFound, "no route %s %s; the routes are listed in GET /openapi.yaml", r.Method, r.URL.Path)
	}))
	r.MethodNotAllowed(ew.handle(func(w http.ResponseWriter, r *http.Request) error {
		return errs.New(errs.MethodNotAllowed, "%s is not allowed on %s; see GET /openapi.yaml for the methods of this path", r.Method, r.URL.Path)
	}))

	r.Get("/openapi.yaml", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(cfg.OpenAPI)
	})
	r.Route("/api/v1", management{accounts: cfg.Accounts, errorWriter: ew}.routes)
	r.Route("/_emulator", control{accounts: cfg.Accounts, adminToken: cfg.AdminToken, reseed: cfg.Reseed, ready: cfg.Ready, sdk: sdk, errorWriter: ew}.routes)
	r.Group(newSDKPlane(cfg.Accounts, sdk, cfg.Logger).routes)
	if cfg.Console != nil {
		r.Mount("/console", cfg.Console)
		r.Method(http.MethodGet, "/", http.RedirectHandler("/console/", http.StatusFound))
	}
	return r
}

// collapseV1Slash routes "//public..." as "/public...": the SDK builds v1
// URLs by concatenation, so a domain given with a trailing slash yields a
// double slash (protocol 4.2). The v1 signature does not cover the path, and
// r.RequestURI, which v2 signatures cover, is left untouched.
func collapseV1Slash(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "//public") {
			r.URL.Path = r.URL.Path[1:]
			r.URL.RawPath = ""
		}
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic into a logged 500 with the plane's error shape,
// so a bug never drops a connection without an answer.
func recoverer(ew errorWriter) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					ew.log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
					ew.write(w, r, errs.New(errs.Unknown, "internal error; see the emulator's log"))
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// limitBody caps every request body; decodeJSON turns the overflow into 413.
func limitBody(limit int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			next.ServeHTTP(w, r)
		})
	}
}

// statusRecorder remembers the status a handler wrote, for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// requestLog writes one line per request, carrying the SDK's trace id
// (X-Cloud-Trace-Context) when there is one. Health checks log at debug.
func requestLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			level := slog.LevelInfo
			if r.URL.Path == "/_emulator/healthz" || r.URL.Path == "/_emulator/readyz" {
				level = slog.LevelDebug
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", rec.status), slog.Duration("duration", time.Since(start)),
			}
			if trace := traceID(r); trace != "" {
				attrs = append(attrs, slog.String("traceId", trace))
			}
			log.LogAttrs(r.Context(), level, "request", attrs...)
		})
	}
}

// traceID returns the trace id of an X-Cloud-Trace-Context header
// ("<32 hex>/<span>;o=1"), as the SDK prints it in its exceptions.
func traceID(r *http.Request) string {
	h := r.Header.Get("X-Cloud-Trace-Context")
	for i := 0; i < len(h); i++ {
		if h[i] == '/' || h[i] == ';' {
			return h[:i]
		}
	}
	if len(h) > 64 {
		return h[:64]
	}
	return h
}

func urlParam(r *http.Request, name string) string { return chi.URLParam(r, name) }
