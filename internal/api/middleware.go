package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/metrics"
)

// The middleware every request of every plane goes through (NewHandler).

// collapseV1Slash routes "//public..." as "/public...": the SDK builds v1
// URLs by concatenation, so a domain given with a trailing slash yields a
// double slash. The v1 signature does not cover the path, and r.RequestURI,
// which v2 signatures cover, is left untouched.
// See docs/sdk-protocol.md, Domain and paths.
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

// requestLog writes one line per request, carrying the SDK's trace id
// (X-Cloud-Trace-Context) when there is one. Health checks log at debug.
func requestLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := metrics.RecorderOf(w) // the one the metrics' middleware made
			next.ServeHTTP(rec, r)
			level := slog.LevelInfo
			if r.URL.Path == "/_emulator/healthz" || r.URL.Path == "/_emulator/readyz" {
				level = slog.LevelDebug
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", rec.Status()), slog.Duration("duration", time.Since(start)),
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
