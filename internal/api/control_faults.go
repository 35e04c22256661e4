package api

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/faults"
)

// The fault rules of the control plane: POST, GET and DELETE
// /_emulator/faults, DELETE /_emulator/faults/{ruleId}
// (docs/faults.md, A rule).

type faultMatchJSON struct {
	Plane       string `json:"plane,omitempty"`
	Method      string `json:"method,omitempty"`
	Path        string `json:"path,omitempty"`
	QueryType   string `json:"queryType,omitempty"`
	QueryMethod string `json:"queryMethod,omitempty"`
	Principal   string `json:"principal,omitempty"`
	Workspace   string `json:"workspace,omitempty"`
}

type faultActionJSON struct {
	Status     int    `json:"status,omitempty"`
	Code       string `json:"code,omitempty"`
	Message    string `json:"message,omitempty"`
	RetryAfter *int   `json:"retryAfter,omitempty"`
	// Delay is a Go duration: "250ms", "2s", "1m30s".
	Delay string `json:"delay,omitempty"`
	Drop  bool   `json:"drop,omitempty"`
}

type faultFireJSON struct {
	Times       *int64   `json:"times,omitempty"`
	Probability *float64 `json:"probability,omitempty"`
	Seed        *int64   `json:"seed,omitempty"`
}

// faultRuleRequest is the body of POST /_emulator/faults.
type faultRuleRequest struct {
	ID     string          `json:"id,omitempty"`
	Match  faultMatchJSON  `json:"match"`
	Action faultActionJSON `json:"action"`
	Fire   faultFireJSON   `json:"fire"`
}

func (b faultRuleRequest) rule() (faults.Rule, error) {
	var delay time.Duration
	if b.Action.Delay != "" {
		d, err := time.ParseDuration(b.Action.Delay)
		if err != nil {
			return faults.Rule{}, errs.Invalid("action.delay", "delay %.64q is not a duration: write it as 250ms, 2s or 1m30s", b.Action.Delay)
		}
		delay = d
	}
	m, a, f := b.Match, b.Action, b.Fire
	return faults.Rule{
		ID: b.ID,
		Match: faults.Match{Plane: faults.Plane(m.Plane), Method: m.Method, Path: m.Path, QueryType: m.QueryType,
			QueryMethod: m.QueryMethod, Principal: m.Principal, Workspace: m.Workspace},
		Action: faults.Action{Status: a.Status, Code: a.Code, Message: a.Message, RetryAfter: a.RetryAfter, Delay: delay, Drop: a.Drop},
		Fire:   faults.Fire{Times: f.Times, Probability: f.Probability, Seed: f.Seed},
	}, nil
}

// faultRuleView is a rule as the control plane shows it, with how often it
// fired.
type faultRuleView struct {
	ID        string          `json:"id"`
	CreatedAt time.Time       `json:"createdAt"`
	Match     faultMatchJSON  `json:"match"`
	Action    faultActionJSON `json:"action"`
	Fire      faultFireJSON   `json:"fire"`
	Matched   int64           `json:"matched"`
	Fired     int64           `json:"fired"`
	Spent     bool            `json:"spent"`
}

func viewFaultRule(l faults.Listed) faultRuleView {
	m, a, f := l.Match, l.Action, l.Fire
	v := faultRuleView{
		ID: l.ID, CreatedAt: l.CreatedAt,
		Match: faultMatchJSON{Plane: string(m.Plane), Method: m.Method, Path: m.Path, QueryType: m.QueryType,
			QueryMethod: m.QueryMethod, Principal: m.Principal, Workspace: m.Workspace},
		Action:  faultActionJSON{Status: a.Status, Code: a.Code, Message: a.Message, RetryAfter: a.RetryAfter, Drop: a.Drop},
		Fire:    faultFireJSON{Times: f.Times, Probability: f.Probability, Seed: f.Seed},
		Matched: l.Matched, Fired: l.Fired, Spent: l.Spent,
	}
	if a.Delay > 0 {
		v.Action.Delay = a.Delay.String()
	}
	return v
}

func faultRuleCreated(l faults.Listed) (time.Time, string) { return l.CreatedAt, l.ID }

func (c control) createFaultRule(w http.ResponseWriter, r *http.Request) error {
	var body faultRuleRequest
	if err := decodeBody(r, &body, strict); err != nil {
		return err
	}
	rule, err := body.rule()
	if err != nil {
		return err
	}
	created, err := c.faults.Create(r.Context(), rule)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewFaultRule(faults.Listed{Rule: created}))
	return nil
}

func (c control) listFaultRules(w http.ResponseWriter, r *http.Request) error {
	all, err := c.faults.List(r.Context())
	if err != nil {
		return err
	}
	return listPage(w, r, func(pr accounts.PageRequest) (accounts.Page[faults.Listed], error) {
		return accounts.PageHeld(all, pr, faultRuleCreated)
	}, viewFaultRule)
}

func (c control) deleteFaultRule(w http.ResponseWriter, r *http.Request) error {
	return writeNoContent(w, c.faults.Delete(r.Context(), chi.URLParam(r, "ruleId")))
}

type deletedView struct {
	Deleted int `json:"deleted"`
}

func (c control) deleteFaultRules(w http.ResponseWriter, r *http.Request) error {
	n, err := c.faults.Clear(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, deletedView{Deleted: n})
	return nil
}
