package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// writeJSON writes v as the JSON body of a response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away: nothing left to tell it
}

// errorBody is the error shape of the management and control planes.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    errs.Code      `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details"`
}

// errorWriter renders errors of the management and control planes. It is
// the one place where an error becomes a status: errs.From picks the code.
type errorWriter struct {
	log *slog.Logger
}

func (ew errorWriter) write(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.From(err)
	status := e.Code.HTTPStatus()
	if status >= 500 {
		ew.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "code", e.Code, "err", err)
	}
	if e.Code == errs.ServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	details := e.Details
	if details == nil {
		details = map[string]any{}
	}
	writeJSON(w, status, errorBody{Error: errorDetail{Code: e.Code, Message: e.Message, Details: details}})
}

// handlerFunc is an HTTP handler that returns its error for the plane's
// error writer to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (ew errorWriter) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			ew.write(w, r, err)
		}
	}
}

type ctxKey int

const callerKey ctxKey = iota

func withValue[T any](ctx context.Context, key ctxKey, v T) context.Context {
	return context.WithValue(ctx, key, v)
}
