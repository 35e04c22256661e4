// Package api serves the emulator's three planes on one router: the SDK
// plane (/public, /v2/public), the management plane (/api/v1) and the
// control plane (/_emulator), plus the served openapi.yaml. Handlers decode
// and validate requests, call package accounts, and render its answers; no
// rule of the product is decided here.
package api

import (
	"context"
	"log/slog"
	"net/http"
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
	ew := errorWriter{log: cfg.Logger, dialect: apiDialect{}}
	sdk := sdkAuth{
		accounts: cfg.Accounts,
		verifier: &auth.Verifier{Window: cfg.SignatureWindow, Now: cfg.Now},
		journal:  journal.New(cfg.JournalCapacity),
		log:      cfg.Logger,
	}

	routes := &routeTable{}
	r := chi.NewRouter()
	r.Use(recoverer(ew), requestLog(cfg.Logger), limitBody(cfg.MaxBodyBytes), collapseV1Slash, routes.headAsGet)
	r.NotFound(ew.handle(func(w http.ResponseWriter, r *http.Request) error {
		return errs.New(errs.NotFound, "no route %s %s; the routes are listed in GET /openapi.yaml", r.Method, r.URL.Path)
	}))
	r.MethodNotAllowed(routes.methodNotAllowed(ew))

	r.Get("/openapi.yaml", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(cfg.OpenAPI)
	})
	r.Route("/api/v1", management{accounts: cfg.Accounts, errorWriter: ew}.routes)
	r.Route("/_emulator", control{accounts: cfg.Accounts, adminToken: cfg.AdminToken, reseed: cfg.Reseed, ready: cfg.Ready, sdk: sdk, errorWriter: ew}.routes)
	r.Group(newSDKPlane(cfg.Accounts, sdk, cfg.Logger, routes).routes)
	if cfg.Console != nil {
		r.Mount("/console", cfg.Console)
		r.Method(http.MethodGet, "/", http.RedirectHandler("/console/", http.StatusFound))
	}
	if err := routes.fill(r); err != nil {
		panic("api: walk the routes: " + err.Error()) // chi.Walk fails only on a router it cannot walk
	}
	return r
}
