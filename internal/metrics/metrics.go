// Package metrics is what the emulator tells Prometheus (GET /metrics):
// requests by plane, route pattern and status, their latency, the SDK
// plane's authentication decisions by scheme and reason, store outages,
// Postgres pool figures, and faults fired. Each Metrics has a registry of
// its own (nothing is registered globally), so several servers in one
// process, as in tests, count apart.
//
// Label values come from bounded sets: route patterns as the router
// declares them, never raw paths; reasons and schemes from the verifier's
// and the rules' vocabularies.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every metric of the emulator.
const namespace = "encord_emulator"

// Label values with a meaning of their own.
const (
	// RouteUnmatched is the route of a request no route matched.
	RouteUnmatched = "unmatched"
	// StatusDropped is the status of a request whose connection was
	// dropped without an answer.
	StatusDropped = "dropped"
)

// latencyBuckets span the emulator's answers: tens of microseconds from
// memory, milliseconds from Postgres, seconds under a fault's delay.
var latencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// Metrics holds the emulator's metrics and the registry that serves them.
// Its methods are safe for concurrent use.
type Metrics struct {
	registry      *prometheus.Registry
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	authDecisions *prometheus.CounterVec
	storeErrors   *prometheus.CounterVec
	faultsFired   *prometheus.CounterVec
}

// New returns the metrics of one server, with the Go runtime's and the
// process's registered beside them.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "http_requests_total",
			Help: "HTTP requests answered, by plane, route pattern, method and status.",
		}, []string{"plane", "route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "http_request_duration_seconds",
			Help:    "Time from the request to the end of its answer, by plane, route pattern and method.",
			Buckets: latencyBuckets,
		}, []string{"plane", "route", "method"}),
		authDecisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "sdk_auth_decisions_total",
			Help: "Authentication decisions of the SDK plane, by scheme (v1, v2, bearer, none, malformed), outcome (allowed, denied) and reason of a denial.",
		}, []string{"scheme", "outcome", "reason"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "store_unavailable_total",
			Help: "Store calls that failed because the store could not be reached or did not answer in time, by operation.",
		}, []string{"operation"}),
		faultsFired: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "faults_fired_total",
			Help: "Fault rules fired, by plane, action (status, drop, delay) and answered status.",
		}, []string{"plane", "action", "status"}),
	}
	m.registry.MustRegister(m.requests, m.duration, m.authDecisions, m.storeErrors, m.faultsFired,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Register adds a collector of the server's (the Postgres pool's).
func (m *Metrics) Register(c prometheus.Collector) error { return m.registry.Register(c) }

// ObserveRequest counts one answered request. status is the HTTP status,
// or StatusDropped.
func (m *Metrics) ObserveRequest(plane, route, method, status string, elapsed time.Duration) {
	m.requests.WithLabelValues(plane, route, method, status).Inc()
	m.duration.WithLabelValues(plane, route, method).Observe(elapsed.Seconds())
}

// AuthDecision counts one authentication decision of the SDK plane.
func (m *Metrics) AuthDecision(scheme, outcome, reason string) {
	m.authDecisions.WithLabelValues(scheme, outcome, reason).Inc()
}

// StoreUnavailable counts one store call that failed for want of a store.
func (m *Metrics) StoreUnavailable(operation string) {
	m.storeErrors.WithLabelValues(operation).Inc()
}

// FaultFired counts one firing of a fault rule. action is "status", "drop"
// or "delay"; status is 0 but for "status".
func (m *Metrics) FaultFired(plane, action string, status int) {
	code := ""
	if status != 0 {
		code = strconv.Itoa(status)
	}
	m.faultsFired.WithLabelValues(plane, action, code).Inc()
}
