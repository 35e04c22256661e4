package faults

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// definition is how a rule is kept in the store (store.FaultRule's
// Definition), apart from the Rule type so that renaming a field of the
// model never changes what replicas of another build read. Delays are
// kept in microseconds.
type definition struct {
	Match struct {
		Plane       string `json:"plane"`
		Method      string `json:"method,omitempty"`
		Path        string `json:"path,omitempty"`
		QueryType   string `json:"queryType,omitempty"`
		QueryMethod string `json:"queryMethod,omitempty"`
		Principal   string `json:"principal,omitempty"`
		Workspace   string `json:"workspace,omitempty"`
	} `json:"match"`
	Action struct {
		Status      int    `json:"status,omitempty"`
		Code        string `json:"code,omitempty"`
		Message     string `json:"message,omitempty"`
		RetryAfter  *int   `json:"retryAfter,omitempty"`
		DelayMicros int64  `json:"delayMicros,omitempty"`
		Drop        bool   `json:"drop,omitempty"`
	} `json:"action"`
	Fire struct {
		Times       *int64   `json:"times,omitempty"`
		Probability *float64 `json:"probability,omitempty"`
		Seed        *int64   `json:"seed,omitempty"`
	} `json:"fire"`
}

// encode is the store's row of r, with zero counters.
func encode(r Rule) (store.FaultRule, error) {
	var d definition
	m, a, f := r.Match, r.Action, r.Fire
	d.Match.Plane, d.Match.Method, d.Match.Path = string(m.Plane), m.Method, m.Path
	d.Match.QueryType, d.Match.QueryMethod = m.QueryType, m.QueryMethod
	d.Match.Principal, d.Match.Workspace = m.Principal, m.Workspace
	d.Action.Status, d.Action.Code, d.Action.Message, d.Action.RetryAfter = a.Status, a.Code, a.Message, a.RetryAfter
	d.Action.DelayMicros, d.Action.Drop = a.Delay.Microseconds(), a.Drop
	d.Fire.Times, d.Fire.Probability, d.Fire.Seed = f.Times, f.Probability, f.Seed
	encoded, err := json.Marshal(d)
	if err != nil {
		return store.FaultRule{}, fmt.Errorf("encoding fault rule %s: %w", r.ID, err)
	}
	return store.FaultRule{ID: r.ID, CreatedAt: r.CreatedAt, Definition: encoded, Limit: f.limit()}, nil
}

// decode is the rule of a store's row.
func decode(row store.FaultRule) (Rule, error) {
	var d definition
	if err := json.Unmarshal(row.Definition, &d); err != nil {
		return Rule{}, fmt.Errorf("decoding fault rule %s: %w", row.ID, err)
	}
	return Rule{
		ID:        row.ID,
		CreatedAt: row.CreatedAt,
		Match: Match{
			Plane: Plane(d.Match.Plane), Method: d.Match.Method, Path: d.Match.Path,
			QueryType: d.Match.QueryType, QueryMethod: d.Match.QueryMethod,
			Principal: d.Match.Principal, Workspace: d.Match.Workspace,
		},
		Action: Action{
			Status: d.Action.Status, Code: d.Action.Code, Message: d.Action.Message, RetryAfter: d.Action.RetryAfter,
			Delay: time.Duration(d.Action.DelayMicros) * time.Microsecond, Drop: d.Action.Drop,
		},
		Fire: Fire{Times: d.Fire.Times, Probability: d.Fire.Probability, Seed: d.Fire.Seed},
	}, nil
}
