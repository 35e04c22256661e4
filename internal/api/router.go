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
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/auth"
	"github.com/encord-emulator/encord-emulator/internal/clock"
	"github.com/encord-emulator/encord-emulator/internal/defaults"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/faults"
	"github.com/encord-emulator/encord-emulator/internal/journal"
	"github.com/encord-emulator/encord-emulator/internal/metrics"
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
	// Clock is the emulator's clock, set through /_emulator/clock: it
	// drives the signature window and the journal's times, and the caller
	// gives the same clock to Accounts (accounts.Config.Now), which keeps
	// every other time. Nil means a clock over the accounts' store, at real
	// time until set.
	Clock *clock.Clock
	// Faults are the fault rules applied to the SDK and management planes
	// and served by /_emulator/faults; nil means an engine over the
	// accounts' store, with no rules loaded.
	Faults *faults.Engine
	// Metrics count what the router serves, and GET /metrics serves them;
	// nil means metrics of the router's own.
	Metrics *metrics.Metrics
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
	defaults.Fill(&cfg.MaxBodyBytes, defaults.MaxBodyBytes)
	if cfg.Ready == nil {
		cfg.Ready = cfg.Accounts.Store().Ping
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.New(cfg.Accounts.Store())
	}
	if cfg.Faults == nil {
		cfg.Faults = faults.NewEngine(cfg.Accounts.Store(), cfg.Clock.Now)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.New()
	}
	ew := errorWriter{log: cfg.Logger, dialect: apiDialect{}}
	jrnl := journal.New(cfg.JournalCapacity)
	gate := faultGate{engine: cfg.Faults, journal: jrnl, metrics: cfg.Metrics, now: cfg.Clock.Now}
	sdk := sdkAuth{
		accounts: cfg.Accounts,
		verifier: &auth.Verifier{Window: cfg.SignatureWindow, Now: cfg.Clock.Now},
		log:      cfg.Logger,
		faults:   gate,
	}
	ctl := control{accounts: cfg.Accounts, adminToken: cfg.AdminToken, reseed: cfg.Reseed, ready: cfg.Ready, sdk: sdk,
		faults: cfg.Faults, clock: cfg.Clock, errorWriter: ew}

	routes := &routeTable{}
	r := chi.NewRouter()
	r.Use(cfg.Metrics.Middleware(planeOf, routes.pattern), recoverer(ew), requestLog(cfg.Logger), limitBody(cfg.MaxBodyBytes), collapseV1Slash, routes.headAsGet)
	r.NotFound(ew.handle(func(w http.ResponseWriter, r *http.Request) error {
		return errs.New(errs.NotFound, "no route %s %s; the routes are listed in GET /openapi.yaml", r.Method, r.URL.Path)
	}))
	r.MethodNotAllowed(routes.methodNotAllowed(ew))

	r.Get("/openapi.yaml", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(cfg.OpenAPI)
	})
	r.With(ctl.requireAdminToken).Get("/metrics", cfg.Metrics.Handler().ServeHTTP)
	r.Route("/api/v1", management{accounts: cfg.Accounts, faults: gate, errorWriter: ew}.routes)
	r.Route("/_emulator", ctl.routes)
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

// Planes, as metrics label them.
const (
	planeSDK        = string(faults.PlaneSDK)
	planeManagement = string(faults.PlaneManagement)
	planeControl    = "control"
	planeConsole    = "console"
	planeOther      = "other"
)

// planeOf names the plane of a request by its path, for metrics.
func planeOf(r *http.Request) string {
	p := r.URL.Path
	switch {
	case p == "/public" || strings.HasPrefix(p, "/public/") || strings.HasPrefix(p, "/v2/public/") || p == "/v2/public":
		return planeSDK
	case strings.HasPrefix(p, "/api/v1/") || p == "/api/v1":
		return planeManagement
	case strings.HasPrefix(p, "/_emulator/") || p == "/openapi.yaml" || p == "/metrics":
		return planeControl
	case strings.HasPrefix(p, "/console/") || p == "/console" || p == "/":
		return planeConsole
	}
	return planeOther
}
