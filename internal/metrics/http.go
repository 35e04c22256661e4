package metrics

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
)

// Middleware counts and times every request once its answer is done. It
// must be installed on the top router (chi's Use), which is where the route
// pattern the request matched is known once it has been served. plane
// names a request's plane.
func (m *Metrics) Middleware(plane func(*http.Request) string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &recorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			m.ObserveRequest(plane(r), routePattern(r), r.Method, rec.statusLabel(), time.Since(start))
		})
	}
}

// routePattern is the pattern of the route r matched, RouteUnmatched when
// it matched none.
func routePattern(r *http.Request) string {
	if rctx := chi.RouteContext(r.Context()); rctx != nil {
		if p := rctx.RoutePattern(); p != "" {
			return p
		}
	}
	return RouteUnmatched
}

// recorder remembers the status of an answer, or that the connection was
// taken over to be dropped.
type recorder struct {
	http.ResponseWriter
	status   int
	hijacked bool
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Hijack hands the connection over (to drop it), remembering that it did.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(r.ResponseWriter).Hijack()
	if err == nil {
		r.hijacked = true
	}
	return conn, rw, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) statusLabel() string {
	switch {
	case r.hijacked:
		return StatusDropped
	case r.status == 0:
		return "200" // net/http answers 200 for a handler that wrote nothing
	}
	return strconv.Itoa(r.status)
}
