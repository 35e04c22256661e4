package store

import (
	"context"
	"encoding/json"
	"time"
)

// The emulator's controls are state that tests set through the control
// plane and that every replica applies: fault rules and the clock setting.
// They are not part of the accounts' state: Tx.DeleteAll and the state
// export leave them alone, and they never take part in a transaction.

// FaultRule is a fault rule as the store keeps it. Package faults owns what
// a rule means and encodes it in Definition, which the store keeps verbatim;
// the store owns the counters, which must be exact across replicas.
type FaultRule struct {
	ID         string
	CreatedAt  time.Time
	Definition json.RawMessage
	// Limit is how many times the rule may fire in all; 0 means no limit.
	// FireFaultRule never lets Fired exceed it.
	Limit int64
	// Matched counts the matches the rule considered while it could still
	// fire; Fired how many of them it fired on. Both start at zero whatever
	// a create passes.
	Matched int64
	Fired   int64
}

// Spent reports that the rule has reached its Limit: it will never fire
// again.
func (r FaultRule) Spent() bool { return r.Limit > 0 && r.Fired >= r.Limit }

// FaultFiring is the outcome of one FireFaultRule.
type FaultFiring struct {
	// Ordinal numbers the match among the rule's matches, from 1, across
	// every store sharing the database. It is 0 when the rule was already
	// spent, which does not count as a match.
	Ordinal int64
	// Fired reports that the rule fires on this match.
	Fired bool
	// Spent reports that the rule has reached its Limit: it will never fire
	// again.
	Spent bool
}

// ClockSetting is the emulator's clock: real time (the zero value), real
// time shifted by Offset, or the instant FrozenAt, which then never moves.
// At most one of Offset and FrozenAt is set. Stores keep FrozenAt with
// microsecond precision and Offset in whole microseconds.
type ClockSetting struct {
	Offset   time.Duration
	FrozenAt *time.Time
}

// ControlTopic names one kind of control state, for watchers.
type ControlTopic string

const (
	TopicFaults ControlTopic = "faults"
	TopicClock  ControlTopic = "clock"
)

// ControlTopics lists every topic.
var ControlTopics = []ControlTopic{TopicFaults, TopicClock}

// Controls is the part of a Store that keeps the emulator's controls. Each
// method is atomic on its own; every change is visible to every Store that
// shares the database once the method returns.
type Controls interface {
	// CreateFaultRule stores r with zero counters. ErrAlreadyExists when the
	// id is taken.
	CreateFaultRule(ctx context.Context, r FaultRule) error
	// ListFaultRules lists the rules with their counters, oldest first.
	ListFaultRules(ctx context.Context) ([]FaultRule, error)
	// DeleteFaultRule deletes one rule; ErrNotFound when there is none.
	DeleteFaultRule(ctx context.Context, id string) error
	// DeleteFaultRules deletes every rule and returns how many there were.
	DeleteFaultRules(ctx context.Context) (int, error)
	// FireFaultRule records a match of the rule and decides whether it
	// fires. Unless the rule is spent, the match gets the next ordinal; the
	// rule then fires when draw (nil means always) reports true for that
	// ordinal and fewer than Limit firings happened before, which the store
	// checks and counts atomically: however many stores race, a rule with a
	// limit of N fires exactly N times. draw must be a pure, quick function;
	// a store may call it holding a lock. ErrNotFound when the rule does not
	// exist (it may have just been deleted).
	FireFaultRule(ctx context.Context, id string, draw func(ordinal int64) bool) (FaultFiring, error)

	// GetClock returns the clock setting; the zero setting (real time) when
	// none was ever set.
	GetClock(ctx context.Context) (ClockSetting, error)
	// SetClock replaces the clock setting.
	SetClock(ctx context.Context, c ClockSetting) error

	// WatchControls calls onChange with a topic each time the state of that
	// topic may have changed, by this Store or by any other sharing the
	// database, until ctx is done or the Store is closed; it then returns
	// nil. It also calls onChange with every topic as soon as it watches,
	// and again whenever it watches anew after losing track (a lost
	// database connection), so a caller that reloads on each call never
	// misses a change for long. Calls may be spurious and may come from
	// several goroutines at once. onChange must not change the controls.
	// Errors other than the end of ctx are retried, never returned.
	WatchControls(ctx context.Context, onChange func(ControlTopic)) error
}
