package memory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// controls is the memory store's store.Controls state. It has a lock of
// its own: controls never take part in a transaction, and a fault rule
// firing must not wait for one.
type controls struct {
	mu      sync.Mutex
	closed  bool
	rules   []*store.FaultRule // oldest first (compareFaultRules)
	clock   store.ClockSetting
	nextSub int
	subs    map[int]func(store.ControlTopic)
}

func newControls() *controls {
	return &controls{subs: make(map[int]func(store.ControlTopic))}
}

// close makes every later call fail and ends the watches.
func (c *controls) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	c.rules = nil
}

// changed tells every watcher about a change of topic. It runs in the
// writer's goroutine, after the lock is released, so a watcher has reloaded
// before the writing method returns.
func (c *controls) changed(topic store.ControlTopic) {
	c.mu.Lock()
	subs := make([]func(store.ControlTopic), 0, len(c.subs))
	for _, fn := range c.subs {
		subs = append(subs, fn)
	}
	c.mu.Unlock()
	for _, fn := range subs {
		fn(topic)
	}
}

// locked runs fn under the lock unless the store is closed.
func (c *controls) locked(ctx context.Context, op string, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory: %s: %w", op, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errClosed
	}
	return fn()
}

// CreateFaultRule implements store.Controls.
func (s *Store) CreateFaultRule(ctx context.Context, r store.FaultRule) error {
	c := s.controls
	err := c.locked(ctx, "create fault rule", func() error {
		for _, existing := range c.rules {
			if existing.ID == r.ID {
				return fmt.Errorf("memory: fault rule %q: %w", r.ID, store.ErrAlreadyExists)
			}
		}
		row := cloneFaultRule(r)
		row.Matched, row.Fired = 0, 0
		at, _ := slices.BinarySearchFunc(c.rules, &row, compareFaultRules)
		c.rules = slices.Insert(c.rules, at, &row)
		return nil
	})
	if err == nil {
		c.changed(store.TopicFaults)
	}
	return err
}

// ListFaultRules implements store.Controls.
func (s *Store) ListFaultRules(ctx context.Context) ([]store.FaultRule, error) {
	c := s.controls
	var out []store.FaultRule
	err := c.locked(ctx, "list fault rules", func() error {
		out = make([]store.FaultRule, 0, len(c.rules))
		for _, r := range c.rules {
			out = append(out, cloneFaultRule(*r))
		}
		return nil
	})
	return out, err
}

// DeleteFaultRule implements store.Controls.
func (s *Store) DeleteFaultRule(ctx context.Context, id string) error {
	c := s.controls
	err := c.locked(ctx, "delete fault rule", func() error {
		i := slices.IndexFunc(c.rules, func(r *store.FaultRule) bool { return r.ID == id })
		if i < 0 {
			return fmt.Errorf("memory: fault rule %q: %w", id, store.ErrNotFound)
		}
		c.rules = slices.Delete(c.rules, i, i+1)
		return nil
	})
	if err == nil {
		c.changed(store.TopicFaults)
	}
	return err
}

// DeleteFaultRules implements store.Controls.
func (s *Store) DeleteFaultRules(ctx context.Context) (int, error) {
	c := s.controls
	var n int
	err := c.locked(ctx, "delete fault rules", func() error {
		n = len(c.rules)
		c.rules = nil
		return nil
	})
	if err == nil {
		c.changed(store.TopicFaults)
	}
	return n, err
}

// FireFaultRule implements store.Controls: the lock makes counting and
// deciding one step.
func (s *Store) FireFaultRule(ctx context.Context, id string, draw func(ordinal int64) bool) (store.FaultFiring, error) {
	c := s.controls
	var firing store.FaultFiring
	err := c.locked(ctx, "fire fault rule", func() error {
		i := slices.IndexFunc(c.rules, func(r *store.FaultRule) bool { return r.ID == id })
		if i < 0 {
			return fmt.Errorf("memory: fault rule %q: %w", id, store.ErrNotFound)
		}
		r := c.rules[i]
		if r.Spent() {
			firing.Spent = true
			return nil
		}
		r.Matched++
		firing.Ordinal = r.Matched
		if draw == nil || draw(r.Matched) {
			r.Fired++
			firing.Fired = true
		}
		firing.Spent = r.Spent()
		return nil
	})
	return firing, err
}

// GetClock implements store.Controls.
func (s *Store) GetClock(ctx context.Context) (store.ClockSetting, error) {
	c := s.controls
	var setting store.ClockSetting
	err := c.locked(ctx, "get clock", func() error {
		setting = cloneClockSetting(c.clock)
		return nil
	})
	return setting, err
}

// SetClock implements store.Controls.
func (s *Store) SetClock(ctx context.Context, setting store.ClockSetting) error {
	c := s.controls
	err := c.locked(ctx, "set clock", func() error {
		c.clock = cloneClockSetting(setting)
		return nil
	})
	if err == nil {
		c.changed(store.TopicClock)
	}
	return err
}

// WatchControls implements store.Controls. Changes are reported
// synchronously, by the method that made them, before it returns.
func (s *Store) WatchControls(ctx context.Context, onChange func(store.ControlTopic)) error {
	c := s.controls
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	id := c.nextSub
	c.nextSub++
	c.subs[id] = onChange
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.subs, id)
		c.mu.Unlock()
	}()

	for _, topic := range store.ControlTopics {
		onChange(topic)
	}
	select {
	case <-ctx.Done():
	case <-s.closing:
	}
	return nil
}

// compareFaultRules orders rules by creation time, then id.
func compareFaultRules(a, b *store.FaultRule) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

func cloneFaultRule(r store.FaultRule) store.FaultRule {
	r.CreatedAt = normalTime(r.CreatedAt)
	r.Definition = slices.Clone(r.Definition)
	return r
}

func cloneClockSetting(c store.ClockSetting) store.ClockSetting {
	c.Offset = c.Offset.Truncate(time.Microsecond)
	c.FrozenAt = cloneTime(c.FrozenAt)
	return c
}
