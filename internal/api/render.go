package api

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// writeJSON writes v as the JSON body of a response with the given status:
// the one writer of every plane.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away: nothing left to tell it
}

// writeCredential is writeJSON for an answer that carries a credential: a
// session or bearer token, or a private key. No cache may keep it.
func writeCredential(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, v)
}

// writeView answers view(v) with status once the call that made v
// succeeded, or returns its err for the plane to render.
func writeView[T, V any](w http.ResponseWriter, status int, v T, err error, view func(T) V) error {
	if err != nil {
		return err
	}
	writeJSON(w, status, view(v))
	return nil
}

// writeNoContent answers 204, or returns err for the plane to render.
func writeNoContent(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handlerFunc is an HTTP handler that returns its error for the plane's
// error writer to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// errorWriter renders the errors of one plane in its dialect. It is the one
// place where an error becomes an answer: errs.From picks the code, the
// code carries the status, the dialect writes the body.
type errorWriter struct {
	log     *slog.Logger
	dialect dialect
}

func (ew errorWriter) write(w http.ResponseWriter, r *http.Request, err error) {
	e := codeIn(ew.dialect, err)
	status := e.Status()
	if status >= 500 && e.Code != errs.NotImplemented {
		ew.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "target", r.RequestURI, "traceId", traceID(r), "code", e.Code, "err", err)
	}
	ew.render(w, e)
}

// render writes an error already coded in the plane's dialect, without
// logging it (the SDK plane journals its denials instead).
func (ew errorWriter) render(w http.ResponseWriter, e *errs.Error) {
	if e.Code == errs.ServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, e.Status(), ew.dialect.body(e))
}

func (ew errorWriter) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			ew.write(w, r, err)
		}
	}
}
