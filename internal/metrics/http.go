package metrics

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Middleware counts and times every request once its answer is done.
// plane names a request's plane; route names the route pattern it
// matched (as the router declares it, never the raw path), or
// RouteUnmatched. Both are asked after the request was served.
func (m *Metrics) Middleware(plane, route func(*http.Request) string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := RecorderOf(w)
			next.ServeHTTP(rec, r)
			m.ObserveRequest(plane(r), route(r), r.Method, rec.statusLabel(), time.Since(start))
		})
	}
}

// Recorder remembers the status of an answer, or that the connection was
// taken over to be dropped. One Recorder serves every middleware of a
// request that needs the status (the metrics, the access log).
type Recorder struct {
	http.ResponseWriter
	status   int
	hijacked bool
}

// RecorderOf returns the Recorder an outer middleware already wrapped w
// in, or wraps w in a new one.
func RecorderOf(w http.ResponseWriter) *Recorder {
	if rec, ok := w.(*Recorder); ok {
		return rec
	}
	return &Recorder{ResponseWriter: w}
}

// Status is the status written so far, 0 before anything was.
func (r *Recorder) Status() int { return r.status }

func (r *Recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *Recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Hijack hands the connection over (to drop it), remembering that it did.
func (r *Recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(r.ResponseWriter).Hijack()
	if err == nil {
		r.hijacked = true
	}
	return conn, rw, err
}

func (r *Recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *Recorder) statusLabel() string {
	switch {
	case r.hijacked:
		return StatusDropped
	case r.status == 0:
		return "200" // net/http answers 200 for a handler that wrote nothing
	}
	if r.status < len(statusLabels) {
		return statusLabels[r.status]
	}
	return strconv.Itoa(r.status)
}

// statusLabels are the labels of the statuses below 600, made once: a label
// is needed on every request.
var statusLabels = func() (labels [600]string) {
	for status := range labels {
		labels[status] = strconv.Itoa(status)
	}
	return labels
}()
