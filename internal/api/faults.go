package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/faults"
	"github.com/encord-emulator/encord-emulator/internal/journal"
	"github.com/encord-emulator/encord-emulator/internal/metrics"
)

// faultGate applies the fault rules (docs/faults.md) to the SDK and
// management planes, once a request is routed and its principal known:
// after SDK authentication (sdkAuth.middleware) and after the session
// check of the management plane. The control plane is never faulted. With
// no rule that may fire, it costs a look at the engine's copy of the rules.
type faultGate struct {
	engine  *faults.Engine
	journal *journal.Journal
	metrics *metrics.Metrics
	now     func() time.Time
}

// decide returns the rule that fires on req, if one does. A store outage
// is returned for the plane to answer 503.
func (g faultGate) decide(r *http.Request, req faults.Request) (*faults.Decision, error) {
	if !g.engine.Active() {
		return nil, nil
	}
	d, fired, err := g.engine.Decide(r.Context(), req)
	if err != nil || !fired {
		return nil, err
	}
	return &d, nil
}

// sdkRequest describes an authenticated SDK request to the rules; the
// query_type and query_method of a v1 body are read only when some rule
// selects v1 calls.
func (g faultGate) sdkRequest(r *http.Request, p accounts.Principal, body []byte) faults.Request {
	req := faults.Request{Plane: faults.PlaneSDK, Method: r.Method, Path: r.URL.Path, Principal: faults.Principal{
		Email: p.Email, PublicKeyHex: p.PublicKeyHex, KeyID: p.KeyID, OwnerID: p.Owner.ID, WorkspaceID: p.WorkspaceID,
	}}
	if !strings.HasPrefix(r.URL.Path, "/v2/") && g.engine.MatchesCalls() {
		var call struct {
			QueryType   string `json:"query_type"`
			QueryMethod string `json:"query_method"`
		}
		if json.Unmarshal(body, &call) == nil { // a body that is not a call matches no rule on calls
			req.QueryType, req.QueryMethod = call.QueryType, call.QueryMethod
		}
	}
	return req
}

// management is the middleware of the management plane: it applies the
// rules with the session's member as principal, when there is one.
func (g faultGate) management(ew errorWriter) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := caller(r)
			d, err := g.decide(r, faults.Request{Plane: faults.PlaneManagement, Method: r.Method, Path: r.URL.Path, Principal: faults.Principal{
				Email: c.Email, OwnerID: c.MemberID, WorkspaceID: c.WorkspaceID,
			}})
			if err != nil {
				ew.write(w, r, err)
				return
			}
			if d != nil {
				e := journal.Entry{Time: g.now().UTC(), TraceID: traceID(r), Method: r.Method, Target: r.RequestURI, Scheme: "session",
					Outcome: journal.Allowed, Status: http.StatusOK}
				g.annotate(&e, *d)
				g.journal.Add(e)
				if g.apply(w, r, faults.PlaneManagement, *d, ew) {
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// annotate writes what the rule does into a journal entry.
func (g faultGate) annotate(e *journal.Entry, d faults.Decision) {
	e.Fault = &journal.Fault{RuleID: d.RuleID, Match: d.Ordinal, Status: d.Action.Status, Dropped: d.Action.Drop, Delay: d.Action.Delay}
	if d.Action.Status != 0 {
		e.Status, e.Message = d.Action.Status, d.Message()
	}
	if d.Action.Drop {
		e.Status = 0
	}
}

// apply does what the rule says: wait, then answer its status in ew's
// dialect or drop the connection. It reports whether it answered the
// request; after a delay alone, the request is served as usual.
func (g faultGate) apply(w http.ResponseWriter, r *http.Request, plane faults.Plane, d faults.Decision, ew errorWriter) bool {
	g.count(plane, d)
	if d.Action.Delay > 0 {
		timer := time.NewTimer(d.Action.Delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			ew.write(w, r, r.Context().Err()) // the request timed out during the delay: 503
			return true
		}
	}
	switch {
	case d.Action.Drop:
		drop(w)
		return true
	case d.Action.Status != 0:
		if d.Action.RetryAfter != nil {
			w.Header().Set("Retry-After", strconv.Itoa(*d.Action.RetryAfter))
		}
		ew.render(w, errs.New(d.Code(), "%s", d.Message()).WithStatus(d.Action.Status).WithDetail("faultRule", d.RuleID))
		return true
	}
	return false
}

func (g faultGate) count(plane faults.Plane, d faults.Decision) {
	switch {
	case d.Action.Drop:
		g.metrics.FaultFired(string(plane), "drop", 0)
	case d.Action.Status != 0:
		g.metrics.FaultFired(string(plane), "status", d.Action.Status)
	default:
		g.metrics.FaultFired(string(plane), "delay", 0)
	}
}

// drop closes the request's connection without an answer. Where the
// connection cannot be taken over, the server aborts the answer, which
// closes it too.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
