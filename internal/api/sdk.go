package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/auth"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/journal"
)

// dialect is the error language of an SDK path family (protocol §8).
type dialect int

const (
	// v1: /public and /public/user. The SDK reads only the JSON envelope
	// {"status", "response": ["CODE"], "payload"}; the HTTP status matters
	// only for its retries (413, 429, 500, 502, 503 are retried).
	dialectV1 dialect = iota + 1
	// v2: /v2/public/... The HTTP status picks the exception; the message
	// comes from the body's "message".
	dialectV2
)

// sdkError is an error answer of the SDK plane.
type sdkError struct {
	status  int
	code    errs.Code
	message string
}

// v1Envelope is the v1 answer, success or error.
type v1Envelope struct {
	Status   int `json:"status"`
	Response any `json:"response"`
	Payload  any `json:"payload,omitempty"`
}

type v2Message struct {
	Message string `json:"message"`
}

func (d dialect) writeError(w http.ResponseWriter, e sdkError) {
	if e.status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	if d == dialectV1 {
		writeJSON(w, e.status, v1Envelope{Status: e.status, Response: []errs.Code{e.code}, Payload: e.message})
		return
	}
	writeJSON(w, e.status, v2Message{Message: e.message})
}

// sdkErrorFrom maps an error of accounts (or of a handler) to the SDK
// plane's answer. Outages are 503, never an authentication failure.
func sdkErrorFrom(err error) sdkError {
	var cred *accounts.CredentialError
	if errors.As(err, &cred) {
		return sdkError{status: http.StatusUnauthorized, code: errs.Authentication, message: cred.Message}
	}
	e := errs.From(err)
	return sdkError{status: e.Code.HTTPStatus(), code: e.Code, message: e.Message}
}

type principalKey struct{}

// principal returns the authenticated principal of an SDK-plane request.
func principal(r *http.Request) accounts.Principal {
	p, _ := r.Context().Value(principalKey{}).(accounts.Principal)
	return p
}

// sdkAuth authenticates SDK-plane requests exactly as Encord does: it reads
// the body once, verifies the v1 or v2 signature (or takes the bearer
// token) over the raw bytes and the raw request target, resolves the key or
// token to a live principal with no cache, and journals the decision.
type sdkAuth struct {
	accounts *accounts.Service
	verifier *auth.Verifier
	journal  *journal.Journal
	log      *slog.Logger
}

// decision is the outcome of authenticating one request.
type decision struct {
	result    auth.Result
	principal accounts.Principal
	err       *sdkError
	// reason is the precise reason of a denial: the verifier's reason, the
	// credential failure, or the error code.
	reason string
	body   []byte
}

// authenticate decides; it never writes the response.
func (a sdkAuth) authenticate(r *http.Request, d dialect) decision {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return decision{err: &sdkError{status: http.StatusRequestEntityTooLarge, code: errs.PayloadTooLarge, message: "the request body is larger than the emulator's limit (--max-body-bytes)"}}
		}
		return decision{err: &sdkError{status: http.StatusBadRequest, code: errs.InvalidArguments, message: "could not read the request body"}}
	}
	res := a.verifier.Verify(r.Method, r.RequestURI, r.Header, body)
	dec := decision{result: res, body: body}
	if !res.OK() {
		dec.err = &sdkError{status: http.StatusUnauthorized, code: errs.Authentication, message: res.Message}
		dec.reason = res.Reason.String()
		return dec
	}
	var p accounts.Principal
	if res.Scheme == auth.SchemeBearer {
		p, err = a.accounts.ResolveBearer(r.Context(), res.BearerToken)
	} else {
		p, err = a.accounts.ResolveKey(r.Context(), res.KeyID)
	}
	var cred *accounts.CredentialError
	switch {
	case err == nil:
		dec.principal = p
	case errors.As(err, &cred) && cred.Failure == accounts.UnknownKey && d == dialectV1:
		// As Encord's fixture: HTTP 400 with SSH_KEY_NOT_FOUND_ERROR, which
		// the SDK raises as SshKeyNotFound.
		dec.err = &sdkError{status: http.StatusBadRequest, code: errs.SSHKeyNotFound, message: cred.Message}
		dec.reason = string(cred.Failure)
	case errors.As(err, &cred):
		e := sdkErrorFrom(err)
		dec.err, dec.reason = &e, string(cred.Failure)
	default:
		e := sdkErrorFrom(err)
		dec.err, dec.reason = &e, string(e.code)
	}
	return dec
}

// record journals and logs a decision.
func (a sdkAuth) record(r *http.Request, dec decision) {
	e := journal.Entry{
		Time:    time.Now().UTC(),
		TraceID: traceID(r),
		Method:  r.Method,
		Target:  r.RequestURI,
		Scheme:  dec.result.Scheme.String(),
		KeyID:   dec.result.KeyID,
		Outcome: journal.Allowed,
		Status:  http.StatusOK,
	}
	if dec.err != nil {
		e.Outcome, e.Status, e.Message = journal.Denied, dec.err.status, dec.err.message
		e.Reason = dec.reason
		e.SignatureBase = dec.result.SignatureBase
	} else {
		p := dec.principal
		e.Who = &journal.Principal{Type: string(p.Owner.Type), ID: p.Owner.ID, Email: p.Email, WorkspaceID: p.WorkspaceID, Role: string(p.Role)}
	}
	a.journal.Add(e)
	level := slog.LevelDebug
	if dec.err != nil {
		level = slog.LevelInfo
		if dec.err.status >= 500 {
			level = slog.LevelWarn
		}
	}
	// Checked first: building the attributes costs allocations on every
	// request even when the line is discarded, as it is by default.
	if a.log.Enabled(r.Context(), level) {
		a.log.LogAttrs(r.Context(), level, "sdk auth", slog.String("traceId", e.TraceID), slog.String("method", e.Method), slog.String("target", e.Target),
			slog.String("scheme", e.Scheme), slog.String("keyId", e.KeyID), slog.String("outcome", e.Outcome), slog.String("reason", e.Reason), slog.String("message", e.Message))
	}
}

// middleware authenticates, then runs next with the principal in the
// context and the body readable again.
func (a sdkAuth) middleware(d dialect) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			dec := a.authenticate(r, d)
			a.record(r, dec)
			if dec.err != nil {
				d.writeError(w, *dec.err)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(dec.body))
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, dec.principal)))
		})
	}
}

// sdkHandler is an SDK-plane handler that returns its error.
type sdkHandler func(w http.ResponseWriter, r *http.Request) error

func (d dialect) handle(log *slog.Logger, h sdkHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			e := sdkErrorFrom(err)
			if e.status >= 500 && e.status != http.StatusNotImplemented {
				log.ErrorContext(r.Context(), "sdk request failed", "method", r.Method, "target", r.RequestURI, "traceId", traceID(r), "err", err)
			}
			d.writeError(w, e)
		}
	}
}

// writeV1 answers a v1 call successfully.
func writeV1(w http.ResponseWriter, response any) {
	writeJSON(w, http.StatusOK, v1Envelope{Status: http.StatusOK, Response: response})
}

// decodeSDKJSON decodes a v2 request body leniently (the SDK may send
// fields a version of the emulator does not know) but requires an object.
func decodeSDKJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return errs.Wrap(err, errs.InvalidArguments, "could not read the request body")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return jsonError(err)
	}
	if val, ok := v.(validator); ok {
		return val.Validate()
	}
	return nil
}
