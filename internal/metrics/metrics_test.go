package metrics_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/metrics"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

const (
	requestsTotal = "encord_emulator_http_requests_total"
	durations     = "encord_emulator_http_request_duration_seconds"
)

// scrape serves m's handler once and parses the exposition.
func scrape(t *testing.T, m *metrics.Metrics) testclient.Scrape {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	s, err := testclient.ParseScrape(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newRouter is a router with a route per plane, counted by m.
func newRouter(m *metrics.Metrics) http.Handler {
	r := chi.NewRouter()
	r.Use(m.Middleware(func(r *http.Request) string {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			return "management"
		}
		return "sdk"
	}, func(r *http.Request) string {
		if p := chi.RouteContext(r.Context()).RoutePattern(); p != "" && !strings.HasSuffix(p, "*") {
			return p
		}
		return metrics.RouteUnmatched
	}))
	r.Get("/v2/public/projects/{projectHash}", func(w http.ResponseWriter, r *http.Request) {})
	r.Route("/api/v1", func(r chi.Router) {
		r.Delete("/me/keys/{keyId}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	})
	r.Get("/v2/public/drop", func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	return r
}

func TestRequestsCountedByRoutePattern(t *testing.T) {
	m := metrics.New()
	srv := httptest.NewServer(newRouter(m))
	defer srv.Close()
	send := func(method, path string) {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
	}
	for i := range 5 {
		send(http.MethodGet, "/v2/public/projects/hash-"+string(rune('a'+i)))
	}
	send(http.MethodDelete, "/api/v1/me/keys/k1")
	send(http.MethodDelete, "/api/v1/me/keys/k2")
	send(http.MethodGet, "/nowhere/at/all")
	send(http.MethodGet, "/v2/public/drop")

	// The client sees the dropped connection before the handler returns and
	// the middleware counts the request: wait for the ninth count.
	s := scrape(t, m)
	for deadline := time.Now().Add(10 * time.Second); s.Sum(requestsTotal, nil) < 9 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
		s = scrape(t, m)
	}
	counts := []struct {
		labels testclient.Labels
		want   float64
	}{
		{testclient.Labels{"plane": "sdk", "route": "/v2/public/projects/{projectHash}", "method": "GET", "status": "200"}, 5},
		{testclient.Labels{"plane": "management", "route": "/api/v1/me/keys/{keyId}", "method": "DELETE", "status": "204"}, 2},
		{testclient.Labels{"route": metrics.RouteUnmatched, "status": "404"}, 1},
		{testclient.Labels{"route": "/v2/public/drop", "status": metrics.StatusDropped}, 1},
	}
	for _, c := range counts {
		if got := s.Sum(requestsTotal, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", requestsTotal, c.labels, got, c.want)
		}
		delete(c.labels, "status")
		if got := s.Sum(durations, c.labels); got != c.want {
			t.Errorf("%s%v counted %v observations, want %v", durations, c.labels, got, c.want)
		}
	}
	if got := s.Sum(requestsTotal, nil); got != 9 {
		t.Errorf("%v requests counted in all, want 9", got)
	}
	want := []string{"/api/v1/me/keys/{keyId}", "/v2/public/drop", "/v2/public/projects/{projectHash}", metrics.RouteUnmatched}
	if got := s.LabelValues(requestsTotal, "route"); !slices.Equal(got, want) {
		t.Errorf("route labels %v, want the patterns %v and no raw path", got, want)
	}
}

func TestCounters(t *testing.T) {
	m := metrics.New()
	m.AuthDecision("v2", "denied", "signature_mismatch")
	m.AuthDecision("v2", "denied", "signature_mismatch")
	m.AuthDecision("v1", "allowed", "")
	m.FaultFired("sdk", "status", 429)
	m.FaultFired("sdk", "drop", 0)
	m.StoreUnavailable("tx")

	s := scrape(t, m)
	counts := []struct {
		family string
		labels testclient.Labels
		want   float64
	}{
		{"encord_emulator_sdk_auth_decisions_total", testclient.Labels{"scheme": "v2", "outcome": "denied", "reason": "signature_mismatch"}, 2},
		{"encord_emulator_sdk_auth_decisions_total", testclient.Labels{"scheme": "v1", "outcome": "allowed"}, 1},
		{"encord_emulator_faults_fired_total", testclient.Labels{"plane": "sdk", "action": "status", "status": "429"}, 1},
		{"encord_emulator_faults_fired_total", testclient.Labels{"action": "drop", "status": ""}, 1},
		{"encord_emulator_store_unavailable_total", testclient.Labels{"operation": "tx"}, 1},
	}
	for _, c := range counts {
		if got := s.Sum(c.family, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.family, c.labels, got, c.want)
		}
	}
	if !s.Has("go_goroutines", nil) {
		t.Errorf("the Go runtime's metrics are missing")
	}
}

// Each Metrics counts on its own: nothing is registered globally.
func TestRegistriesAreApart(t *testing.T) {
	a, b := metrics.New(), metrics.New()
	a.StoreUnavailable("ping")
	if got := scrape(t, b).Sum("encord_emulator_store_unavailable_total", nil); got != 0 {
		t.Errorf("a second Metrics counted %v outages of the first", got)
	}
}

func TestInstrumentStoreCountsOutagesOnly(t *testing.T) {
	m := metrics.New()
	st := memory.New()
	counted := m.InstrumentStore(st)
	ctx := context.Background()
	if _, err := counted.ResolveKey(ctx, "00"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ResolveKey of an unknown key = %v", err)
	}
	st.Close()
	if _, err := counted.ResolveKey(ctx, "00"); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("ResolveKey on a closed store = %v", err)
	}
	if err := counted.Tx(ctx, func(store.Tx) error { return nil }); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Tx on a closed store = %v", err)
	}
	s := scrape(t, m)
	for op, want := range map[string]float64{"resolve_key": 1, "tx": 1} {
		if got := s.Sum("encord_emulator_store_unavailable_total", testclient.Labels{"operation": op}); got != want {
			t.Errorf("outages of %s = %v, want %v (a not-found is no outage)", op, got, want)
		}
	}
}

func TestPoolFigures(t *testing.T) {
	st := testenv.NewPostgresDB(t).Open(t)
	m := metrics.New()
	if err := m.Register(metrics.NewPoolCollector(st.PoolStat)); err != nil {
		t.Fatal(err)
	}
	before := scrape(t, m).Sum("encord_emulator_db_pool_acquires_total", nil)
	for range 3 {
		if err := st.Ping(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	s := scrape(t, m)
	if got := s.Sum("encord_emulator_db_pool_max_conns", nil); got != 8 {
		t.Errorf("max_conns = %v, want the 8 of testenv's pools", got)
	}
	if got := s.Sum("encord_emulator_db_pool_acquires_total", nil); got < before+3 {
		t.Errorf("acquires went from %v to %v over 3 pings, want at least 3 more", before, got)
	}
	if got := s.Sum("encord_emulator_db_pool_acquired_conns", nil); got != 0 {
		t.Errorf("acquired_conns = %v at rest, want 0", got)
	}
}
