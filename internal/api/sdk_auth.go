package api

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/auth"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/faults"
	"github.com/encord-emulator/encord-emulator/internal/journal"
)

// sdkAuth authenticates SDK-plane requests exactly as Encord does: it reads
// the body once, verifies the v1 or v2 signature (or takes the bearer
// token) over the raw bytes and the raw request target, resolves the key or
// token to a live principal with no cache, and journals the decision.
type sdkAuth struct {
	accounts *accounts.Service
	verifier *auth.Verifier
	log      *slog.Logger
	// faults also holds the journal, the metrics and the clock that
	// decisions are recorded with.
	faults faultGate
}

// decision is the outcome of authenticating one request.
type decision struct {
	result    auth.Result
	principal accounts.Principal
	// err is the denial, coded in the dialect of the request's plane.
	err *errs.Error
	// reason is the precise reason of a denial: the verifier's reason, the
	// credential failure, or the error code.
	reason string
	body   []byte
}

// authenticate decides; it never writes the response.
func (a sdkAuth) authenticate(r *http.Request, d dialect) decision {
	body, err := readBody(r)
	if err != nil {
		e := codeIn(d, err)
		return decision{err: e, reason: string(e.Code)}
	}
	res := a.verifier.Verify(r.Method, r.RequestURI, r.Header, body)
	dec := decision{result: res, body: body}
	if !res.OK() {
		dec.err = codeIn(d, errs.New(errs.Authentication, "%s", res.Message))
		dec.reason = res.Reason.String()
		return dec
	}
	var p accounts.Principal
	if res.Scheme == auth.SchemeBearer {
		p, err = a.accounts.ResolveBearer(r.Context(), res.BearerToken)
	} else {
		p, err = a.accounts.ResolveKey(r.Context(), res.KeyID)
	}
	if err == nil {
		dec.principal = p
		return dec
	}
	dec.err = codeIn(d, err)
	var failure accounts.CredentialFailure
	if errors.As(err, &failure) {
		dec.reason = string(failure)
	} else {
		dec.reason = string(dec.err.Code)
	}
	return dec
}

// record journals, counts and logs a decision, with the fault rule that
// fired on the request, if one did.
func (a sdkAuth) record(r *http.Request, dec decision, fault *faults.Decision) {
	e := journal.Entry{
		Time:    a.faults.now().UTC(),
		TraceID: traceID(r),
		Method:  r.Method,
		Target:  r.RequestURI,
		Scheme:  dec.result.Scheme.String(),
		KeyID:   dec.result.KeyID,
		Outcome: journal.Allowed,
		Status:  http.StatusOK,

		SDKRelease:    sdkRelease(r.Header.Get("User-Agent")),
		DecodedTarget: dec.result.DecodedTarget,
	}
	if dec.err != nil {
		e.Outcome, e.Status, e.Message = journal.Denied, dec.err.Status(), dec.err.Message
		e.Reason = dec.reason
		e.SignatureBase = dec.result.SignatureBase
	} else {
		p := dec.principal
		e.Who = &journal.Principal{Type: string(p.Owner.Type), ID: p.Owner.ID, Email: p.Email, WorkspaceID: p.WorkspaceID, Role: string(p.Role)}
	}
	if fault != nil {
		a.faults.annotate(&e, *fault)
	}
	a.faults.journal.Add(e)
	a.faults.metrics.AuthDecision(e.Scheme, e.Outcome, e.Reason)
	level := slog.LevelDebug
	if dec.err != nil {
		level = slog.LevelInfo
		if e.Status >= 500 {
			level = slog.LevelWarn
		}
	}
	// Checked first: building the attributes costs allocations on every
	// request even when the line is discarded, as it is by default.
	if a.log.Enabled(r.Context(), level) {
		a.log.LogAttrs(r.Context(), level, "sdk auth", slog.String("traceId", e.TraceID), slog.String("method", e.Method), slog.String("target", e.Target),
			slog.String("scheme", e.Scheme), slog.String("keyId", e.KeyID), slog.String("sdkRelease", e.SDKRelease), slog.String("outcome", e.Outcome), slog.String("reason", e.Reason), slog.String("message", e.Message))
	}
}

// middleware authenticates, applies the fault rules to an authenticated
// request, then runs next with the principal in the context and the body
// readable again; a denial or a fault is written by ew. A fault never hides
// an authentication failure: the SDK would not see one from Encord either.
func (a sdkAuth) middleware(ew errorWriter) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			dec := a.authenticate(r, ew.dialect)
			var fault *faults.Decision
			if dec.err == nil {
				var err error
				if fault, err = a.faults.decide(r, a.faults.sdkRequest(r, dec.principal, dec.body)); err != nil {
					dec.err = codeIn(ew.dialect, err)
					dec.reason = string(dec.err.Code)
				}
			}
			a.record(r, dec, fault)
			if dec.err != nil {
				ew.render(w, dec.err)
				return
			}
			if fault != nil && a.faults.apply(w, r, faults.PlaneSDK, *fault, ew) {
				return
			}
			r.Body = newBodyReadAgain(dec.body)
			next.ServeHTTP(w, withPrincipal(r, dec.principal))
		})
	}
}
