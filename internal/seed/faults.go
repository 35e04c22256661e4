package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/faults"
)

// FaultRule is a fault rule of the seed file, as POST /_emulator/faults
// takes it (docs/faults.md, A rule). Its id defaults to "seed-N", N its
// position in the list from 1, so the journal names it and a replay
// creates the same rule.
type FaultRule struct {
	ID     string      `yaml:"id"`
	Match  FaultMatch  `yaml:"match"`
	Action FaultAction `yaml:"action"`
	Fire   FaultFire   `yaml:"fire"`

	line int
}

// FaultMatch selects the requests of a rule.
type FaultMatch struct {
	Plane       string `yaml:"plane"`
	Method      string `yaml:"method"`
	Path        string `yaml:"path"`
	QueryType   string `yaml:"queryType"`
	QueryMethod string `yaml:"queryMethod"`
	Principal   string `yaml:"principal"`
	Workspace   string `yaml:"workspace"`
}

// FaultAction is what a rule does.
type FaultAction struct {
	Status     int    `yaml:"status"`
	Code       string `yaml:"code"`
	Message    string `yaml:"message"`
	RetryAfter *int   `yaml:"retryAfter"`
	Delay      string `yaml:"delay"` // a Go duration: 250ms, 2s
	Drop       bool   `yaml:"drop"`
}

// FaultFire is how often a rule fires.
type FaultFire struct {
	Times       *int64   `yaml:"times"`
	Probability *float64 `yaml:"probability"`
	Seed        *int64   `yaml:"seed"`
}

// rule is the faults.Rule of the i-th entry.
func (r *FaultRule) rule(i int) (faults.Rule, error) {
	id := r.ID
	if id == "" {
		id = fmt.Sprintf("seed-%d", i+1)
	}
	var delay time.Duration
	if r.Action.Delay != "" {
		d, err := time.ParseDuration(r.Action.Delay)
		if err != nil {
			return faults.Rule{}, fmt.Errorf("action.delay %q is not a duration: write it as 250ms, 2s or 1m30s", r.Action.Delay)
		}
		delay = d
	}
	m, a, f := r.Match, r.Action, r.Fire
	return faults.Rule{
		ID: id,
		Match: faults.Match{Plane: faults.Plane(m.Plane), Method: m.Method, Path: m.Path, QueryType: m.QueryType,
			QueryMethod: m.QueryMethod, Principal: m.Principal, Workspace: m.Workspace},
		Action: faults.Action{Status: a.Status, Code: a.Code, Message: a.Message, RetryAfter: a.RetryAfter, Delay: delay, Drop: a.Drop},
		Fire:   faults.Fire{Times: f.Times, Probability: f.Probability, Seed: f.Seed},
	}, nil
}

// checkFaults validates every rule, and that no two share an id.
func (f *File) checkFaults(whole entry) error {
	ids := map[string]int{}
	for i := range f.Faults {
		r := &f.Faults[i]
		at := whole.child("faults", i, r.ID, r.line)
		rule, err := r.rule(i)
		if err != nil {
			return at.fail(err)
		}
		if err := faults.Validate(rule); err != nil {
			return at.fail(err)
		}
		if first, taken := ids[rule.ID]; taken {
			return at.fail(fmt.Errorf("id %q is the id of faults[%d] too; rule ids are unique", rule.ID, first))
		}
		ids[rule.ID] = i
	}
	return nil
}

// ApplyFaults creates the seed's fault rules through e, in file order.
// Apply creates the rest of the seed; the caller applies both, at startup
// and after a reset, which deletes every rule first.
func (f *File) ApplyFaults(ctx context.Context, e *faults.Engine) error {
	whole := entry{file: f.path}
	for i := range f.Faults {
		r := &f.Faults[i]
		rule, err := r.rule(i)
		if err == nil {
			_, err = e.Create(ctx, rule)
		}
		if err != nil {
			return whole.child("faults", i, r.ID, r.line).fail(err)
		}
	}
	return nil
}
