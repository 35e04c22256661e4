package faults

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// Store is where rules live (a store.Store).
type Store interface {
	CreateFaultRule(ctx context.Context, r store.FaultRule) error
	ListFaultRules(ctx context.Context) ([]store.FaultRule, error)
	DeleteFaultRule(ctx context.Context, id string) error
	DeleteFaultRules(ctx context.Context) (int, error)
	FireFaultRule(ctx context.Context, id string, draw func(ordinal int64) bool) (store.FaultFiring, error)
}

// Engine applies the rules of a store. It keeps a copy of them, which
// Reload refreshes (the engine reloads after its own changes; a replica
// reloads when the store reports another's, see store.Controls). Every
// method is safe for concurrent use.
type Engine struct {
	store Store
	now   func() time.Time
	// rules is the copy, oldest first; never nil.
	rules atomic.Pointer[[]*compiled]
	// reloading serialises reloads, so that an older list never replaces
	// a newer one.
	reloading sync.Mutex
}

// compiled is a rule ready to match.
type compiled struct {
	Rule
	path *pattern // nil: any path
	// principal matches the request's principal against Match.Principal
	// (nil: any principal); draw is the rule's draw for the store (nil: it
	// fires on every match). Both are made once, when the rule is loaded.
	principal func(Principal) bool
	draw      func(int64) bool
	// spent is set once the rule can fire no more (its limit reached, or
	// deleted): it is then skipped without asking the store.
	spent atomic.Bool
}

// Listed is a rule with its counters, as the store has them now.
type Listed struct {
	Rule
	// Matched counts the matches considered while the rule could fire;
	// Fired how many it fired on.
	Matched, Fired int64
	// Spent reports that the rule reached its limit.
	Spent bool
}

// NewEngine returns an engine over st with no rules loaded; call Reload.
// now is the clock of creation times.
func NewEngine(st Store, now func() time.Time) *Engine {
	e := &Engine{store: st, now: now}
	e.rules.Store(&[]*compiled{})
	return e
}

// Create validates r, completes it (id, seed, creation time) and stores
// it, for every replica. It returns the rule as stored.
func (e *Engine) Create(ctx context.Context, r Rule) (Rule, error) {
	r, err := prepare(r)
	if err != nil {
		return Rule{}, err
	}
	if r.ID == "" {
		r.ID = uuid.NewString()
	}
	if r.Fire.draws() && r.Fire.Seed == nil {
		seed := randomSeed()
		r.Fire.Seed = &seed
	}
	r.CreatedAt = e.now().UTC().Truncate(time.Microsecond)
	row, err := encode(r)
	if err != nil {
		return Rule{}, err
	}
	err = e.store.CreateFaultRule(ctx, row)
	if errors.Is(err, store.ErrAlreadyExists) {
		return Rule{}, errs.Wrap(err, errs.ResourceExists, "a fault rule with the id %q already exists: delete it first, or choose another id", r.ID)
	}
	if err != nil {
		return Rule{}, err
	}
	// The rule is stored: a failed reload only delays it here until the
	// store's watch reloads.
	_ = e.Reload(ctx)
	return r, nil
}

// List returns the rules with their counters, oldest first.
func (e *Engine) List(ctx context.Context) ([]Listed, error) {
	rows, err := e.store.ListFaultRules(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Listed, 0, len(rows))
	for _, row := range rows {
		r, err := decode(row)
		if err != nil {
			return nil, err
		}
		out = append(out, Listed{Rule: r, Matched: row.Matched, Fired: row.Fired, Spent: row.Spent()})
	}
	return out, nil
}

// Delete deletes one rule, for every replica.
func (e *Engine) Delete(ctx context.Context, id string) error {
	err := e.store.DeleteFaultRule(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return errs.Wrap(err, errs.NotFound, "no fault rule has the id %q", id)
	}
	if err != nil {
		return err
	}
	_ = e.Reload(ctx)
	return nil
}

// Clear deletes every rule, for every replica, and returns how many there
// were.
func (e *Engine) Clear(ctx context.Context) (int, error) {
	n, err := e.store.DeleteFaultRules(ctx)
	if err != nil {
		return 0, err
	}
	_ = e.Reload(ctx)
	return n, nil
}

// Reload replaces the copy of the rules with the store's.
func (e *Engine) Reload(ctx context.Context) error {
	e.reloading.Lock()
	defer e.reloading.Unlock()
	rows, err := e.store.ListFaultRules(ctx)
	if err != nil {
		return fmt.Errorf("reloading fault rules: %w", err)
	}
	previous := map[string]*compiled{}
	for _, c := range *e.rules.Load() {
		previous[c.ID] = c
	}
	rules := make([]*compiled, 0, len(rows))
	for _, row := range rows {
		if old := previous[row.ID]; old != nil && old.CreatedAt.Equal(row.CreatedAt) {
			rules = append(rules, old) // the same rule: keep what is known of it
			continue
		}
		r, err := decode(row)
		if err != nil {
			return fmt.Errorf("reloading fault rules: %w", err)
		}
		c, err := compile(r)
		if err != nil {
			return fmt.Errorf("reloading fault rule %s: %w", r.ID, err)
		}
		c.spent.Store(row.Spent())
		rules = append(rules, c)
	}
	e.rules.Store(&rules)
	return nil
}

// Active reports whether some rule may still fire. When it does not, no
// request needs to be described to Decide.
func (e *Engine) Active() bool {
	for _, c := range *e.rules.Load() {
		if !c.spent.Load() {
			return true
		}
	}
	return false
}

// MatchesCalls reports whether some rule that may still fire selects v1
// calls, so that a v1 request's query_type and query_method are worth
// reading.
func (e *Engine) MatchesCalls() bool {
	for _, c := range *e.rules.Load() {
		if !c.spent.Load() && (c.Match.QueryType != "" || c.Match.QueryMethod != "") {
			return true
		}
	}
	return false
}

// Decide finds the first rule, oldest first, that matches req and fires.
// Matching costs no store round trip; each matching rule costs one or two
// (FireFaultRule). Store errors are returned as they are: the caller
// answers them as the outage they are.
func (e *Engine) Decide(ctx context.Context, req Request) (Decision, bool, error) {
	for _, c := range *e.rules.Load() {
		if c.spent.Load() || !c.matches(req) {
			continue
		}
		f, err := e.store.FireFaultRule(ctx, c.ID, c.draw)
		if errors.Is(err, store.ErrNotFound) {
			c.spent.Store(true) // deleted; the next reload drops it
			continue
		}
		if err != nil {
			return Decision{}, false, fmt.Errorf("firing fault rule %s: %w", c.ID, err)
		}
		if f.Spent {
			c.spent.Store(true)
		}
		if f.Fired {
			return Decision{RuleID: c.ID, Action: c.Action, Ordinal: f.Ordinal}, true, nil
		}
	}
	return Decision{}, false, nil
}

// compile makes what matching and firing r need, once.
func compile(r Rule) (*compiled, error) {
	c := &compiled{Rule: r, principal: principalMatcher(r.Match.Principal), draw: r.Fire.drawer()}
	if r.Match.Path != "" {
		pat, err := parsePattern(r.Match.Path)
		if err != nil {
			return nil, fmt.Errorf("path: %w", err)
		}
		c.path = &pat
	}
	return c, nil
}

// drawer is the draw of a rule for the store, nil when it fires on every
// match.
func (f Fire) drawer() func(int64) bool {
	if !f.draws() {
		return nil
	}
	seed, p := *f.Seed, *f.Probability
	return func(ordinal int64) bool { return Draw(seed, ordinal) < p }
}

func (c *compiled) matches(req Request) bool {
	m := c.Match
	switch {
	case m.Plane != req.Plane,
		m.Method != "" && m.Method != req.Method,
		c.path != nil && !c.path.match(req.Path),
		m.QueryType != "" && m.QueryType != req.QueryType,
		m.QueryMethod != "" && m.QueryMethod != req.QueryMethod,
		m.Workspace != "" && m.Workspace != req.Principal.WorkspaceID:
		return false
	}
	return c.principal == nil || c.principal(req.Principal)
}

// principalMatcher compares a rule's principal, prepared (an email in lower
// case, a key id in lower-case hex, or an id), with a request's; nil when
// the rule names none.
func principalMatcher(want string) func(Principal) bool {
	switch {
	case want == "":
		return nil
	case strings.Contains(want, "@"):
		return func(p Principal) bool { return p.Email != "" && strings.EqualFold(want, p.Email) }
	case len(want) == 64 && keyIDPattern.MatchString(want):
		return func(p Principal) bool { return want == p.PublicKeyHex }
	}
	return func(p Principal) bool { return want == p.KeyID || want == p.OwnerID }
}

// randomSeed returns a non-negative seed, for a rule given none.
func randomSeed() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:]) >> 1)
}
