package server

import (
	"context"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/faults"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// FaultRule makes the emulator misbehave the way Encord can, on the
// requests it matches: what POST /_emulator/faults takes, as Go. See
// docs/faults.md for the rules and for what each SDK release does with
// each status.
type FaultRule struct {
	// ID names the rule (letters, digits, '.', '_', '-'; at most 64);
	// generated when empty.
	ID     string
	Match  FaultMatch
	Action FaultAction
	Fire   FaultFire
}

// FaultMatch selects requests; empty fields match everything.
type FaultMatch struct {
	// Plane is "sdk" or "management"; empty means the plane of Path, else
	// "sdk".
	Plane string
	// Method is an HTTP method.
	Method string
	// Path is a path pattern: "/v2/public/projects/{projectHash}",
	// "/public/user", "/v2/public/**".
	Path string
	// QueryType and QueryMethod select a v1 call.
	QueryType   string
	QueryMethod string
	// Principal is an email, an SDK key id, or the id of a key, a member
	// or a service account; Workspace a workspace id.
	Principal string
	Workspace string
}

// FaultAction is what a firing rule does: at least one of Status, Drop
// and Delay.
type FaultAction struct {
	// Status (400 to 599) is answered in the path's error dialect, with
	// Code (an error code of the emulator; default the status's) and
	// Message (default: one naming the rule).
	Status  int
	Code    string
	Message string
	// RetryAfter, when positive, is sent as Retry-After in whole seconds,
	// rounded up.
	RetryAfter time.Duration
	// Delay is waited before answering; alone, the request is then served.
	Delay time.Duration
	// Drop closes the connection without an answer.
	Drop bool
}

// FaultFire says on which matches a rule fires; the zero FaultFire fires
// on every match.
type FaultFire struct {
	// Times, when positive, limits the rule to its first Times matches.
	Times int64
	// Probability, when positive and below 1, fires on each match with
	// that probability, drawn from Seed (generated when nil).
	Probability float64
	Seed        *int64
}

// FaultStatus is a rule as stored, with how often it fired.
type FaultStatus struct {
	FaultRule
	CreatedAt time.Time
	// Matched counts the matches the rule considered while it could fire;
	// Fired how many it fired on; Spent that it reached Fire.Times.
	Matched, Fired int64
	Spent          bool
}

// AddFault creates a rule for every replica of the store and returns it
// as stored: with its id, and its seed when it draws. A rule that is not
// valid is refused with an error naming the field.
func (s *Server) AddFault(ctx context.Context, r FaultRule) (FaultRule, error) {
	created, err := s.app.Faults().Create(ctx, toRule(r))
	if err != nil {
		return FaultRule{}, err
	}
	return fromRule(created), nil
}

// Faults lists the rules, oldest first, with how often each fired.
func (s *Server) Faults(ctx context.Context) ([]FaultStatus, error) {
	listed, err := s.app.Faults().List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]FaultStatus, 0, len(listed))
	for _, l := range listed {
		out = append(out, FaultStatus{FaultRule: fromRule(l.Rule), CreatedAt: l.CreatedAt, Matched: l.Matched, Fired: l.Fired, Spent: l.Spent})
	}
	return out, nil
}

// DeleteFault deletes one rule.
func (s *Server) DeleteFault(ctx context.Context, id string) error {
	return s.app.Faults().Delete(ctx, id)
}

// ClearFaults deletes every rule and returns how many there were.
func (s *Server) ClearFaults(ctx context.Context) (int, error) {
	return s.app.Faults().Clear(ctx)
}

// SetClockOffset makes the emulator's clock real time plus offset, on
// every replica: the signature window, token expiry and every time the
// emulator writes follow it.
func (s *Server) SetClockOffset(ctx context.Context, offset time.Duration) error {
	return s.app.Clock().Set(ctx, store.ClockSetting{Offset: offset})
}

// FreezeClock stops the emulator's clock at the instant at, on every
// replica, until ResetClock or another setting.
func (s *Server) FreezeClock(ctx context.Context, at time.Time) error {
	return s.app.Clock().Set(ctx, store.ClockSetting{FrozenAt: &at})
}

// ResetClock returns the emulator's clock to real time.
func (s *Server) ResetClock(ctx context.Context) error {
	return s.app.Clock().Reset(ctx)
}

// Now is the emulator's time now.
func (s *Server) Now() time.Time { return s.app.Clock().Now() }

func toRule(r FaultRule) faults.Rule {
	m, a, f := r.Match, r.Action, r.Fire
	rule := faults.Rule{
		ID: r.ID,
		Match: faults.Match{Plane: faults.Plane(m.Plane), Method: m.Method, Path: m.Path, QueryType: m.QueryType,
			QueryMethod: m.QueryMethod, Principal: m.Principal, Workspace: m.Workspace},
		Action: faults.Action{Status: a.Status, Code: a.Code, Message: a.Message, Delay: a.Delay, Drop: a.Drop},
		Fire:   faults.Fire{Seed: f.Seed},
	}
	if a.RetryAfter > 0 {
		seconds := int((a.RetryAfter + time.Second - 1) / time.Second)
		rule.Action.RetryAfter = &seconds
	}
	if f.Times != 0 {
		rule.Fire.Times = &f.Times
	}
	if f.Probability != 0 {
		rule.Fire.Probability = &f.Probability
	}
	return rule
}

func fromRule(r faults.Rule) FaultRule {
	m, a, f := r.Match, r.Action, r.Fire
	out := FaultRule{
		ID: r.ID,
		Match: FaultMatch{Plane: string(m.Plane), Method: m.Method, Path: m.Path, QueryType: m.QueryType,
			QueryMethod: m.QueryMethod, Principal: m.Principal, Workspace: m.Workspace},
		Action: FaultAction{Status: a.Status, Code: a.Code, Message: a.Message, Delay: a.Delay, Drop: a.Drop},
		Fire:   FaultFire{Seed: f.Seed},
	}
	if a.RetryAfter != nil {
		out.Action.RetryAfter = time.Duration(*a.RetryAfter) * time.Second
	}
	if f.Times != nil {
		out.Fire.Times = *f.Times
	}
	if f.Probability != nil {
		out.Fire.Probability = *f.Probability
	}
	return out
}
