package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The controls (migrations/000003_controls.up.sql) live outside the
// accounts' transactions: each method is one or two autocommit statements.
// Triggers notify the other replicas of every change (watch.go).

const faultRuleColumns = `id, created_at, definition, fire_limit, matched, fired`

// CreateFaultRule implements store.Controls. Definition must be a JSON
// document.
func (s *Store) CreateFaultRule(ctx context.Context, r store.FaultRule) error {
	_, err := s.pool.Exec(ctx,
		`INSERT INTO fault_rules (id, created_at, definition, fire_limit) VALUES ($1, $2, $3, $4)`,
		r.ID, r.CreatedAt.UTC(), string(r.Definition), r.Limit)
	if err != nil {
		return fmt.Errorf("postgres: create fault rule %q: %w", r.ID, translate(err))
	}
	return nil
}

// ListFaultRules implements store.Controls.
func (s *Store) ListFaultRules(ctx context.Context) ([]store.FaultRule, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+faultRuleColumns+` FROM fault_rules ORDER BY created_at, id`)
	rules, err := collect(rows, err,
		func(row pgx.Row) (store.FaultRule, error) {
			var r store.FaultRule
			var definition []byte
			if err := row.Scan(&r.ID, &r.CreatedAt, &definition, &r.Limit, &r.Matched, &r.Fired); err != nil {
				return r, err
			}
			r.CreatedAt = r.CreatedAt.UTC()
			r.Definition = definition
			return r, nil
		})
	if err != nil {
		return nil, fmt.Errorf("postgres: list fault rules: %w", translate(err))
	}
	return rules, nil
}

// DeleteFaultRule implements store.Controls.
func (s *Store) DeleteFaultRule(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM fault_rules WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("postgres: delete fault rule %q: %w", id, translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: fault rule %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// DeleteFaultRules implements store.Controls.
func (s *Store) DeleteFaultRules(ctx context.Context) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM fault_rules`)
	if err != nil {
		return 0, fmt.Errorf("postgres: delete fault rules: %w", translate(err))
	}
	return int(tag.RowsAffected()), nil
}

// Firing is a conditional increment: under read committed, an UPDATE whose
// row was changed by a concurrent transaction re-checks its WHERE clause
// against the row as committed, so "fired < fire_limit" admits exactly
// fire_limit increments however many replicas race.
const (
	// fireAlwaysSQL counts a match and a firing in one statement, for rules
	// that fire on every match.
	fireAlwaysSQL = `
UPDATE fault_rules SET matched = matched + 1, fired = fired + 1
WHERE id = $1 AND (fire_limit = 0 OR fired < fire_limit)
RETURNING matched, fired, fire_limit`
	// matchSQL counts a match of a rule not yet spent.
	matchSQL = `
UPDATE fault_rules SET matched = matched + 1
WHERE id = $1 AND (fire_limit = 0 OR fired < fire_limit)
RETURNING matched`
	// fireSQL counts a firing if the limit allows it.
	fireSQL = `
UPDATE fault_rules SET fired = fired + 1
WHERE id = $1 AND (fire_limit = 0 OR fired < fire_limit)
RETURNING fired, fire_limit`
)

// FireFaultRule implements store.Controls: one statement for a rule that
// fires on every match, two (count the match, then the firing if drawn)
// for one that draws.
func (s *Store) FireFaultRule(ctx context.Context, id string, draw func(ordinal int64) bool) (store.FaultFiring, error) {
	var firing store.FaultFiring
	var fired, limit int64
	if draw == nil {
		err := s.pool.QueryRow(ctx, fireAlwaysSQL, id).Scan(&firing.Ordinal, &fired, &limit)
		if errors.Is(err, pgx.ErrNoRows) {
			return s.spentOrMissing(ctx, id)
		}
		if err != nil {
			return store.FaultFiring{}, fmt.Errorf("postgres: fire fault rule %q: %w", id, translate(err))
		}
		return store.FaultFiring{Ordinal: firing.Ordinal, Fired: true, Spent: limit > 0 && fired >= limit}, nil
	}

	err := s.pool.QueryRow(ctx, matchSQL, id).Scan(&firing.Ordinal)
	if errors.Is(err, pgx.ErrNoRows) {
		return s.spentOrMissing(ctx, id)
	}
	if err != nil {
		return store.FaultFiring{}, fmt.Errorf("postgres: match fault rule %q: %w", id, translate(err))
	}
	if !draw(firing.Ordinal) {
		return firing, nil
	}
	err = s.pool.QueryRow(ctx, fireSQL, id).Scan(&fired, &limit)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		// Spent (or deleted) since the match was counted.
		firing.Spent = true
		return firing, nil
	case err != nil:
		return store.FaultFiring{}, fmt.Errorf("postgres: fire fault rule %q: %w", id, translate(err))
	}
	firing.Fired = true
	firing.Spent = limit > 0 && fired >= limit
	return firing, nil
}

// spentOrMissing tells a spent rule (no match counted) from a missing one.
func (s *Store) spentOrMissing(ctx context.Context, id string) (store.FaultFiring, error) {
	var exists bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM fault_rules WHERE id = $1)`, id).Scan(&exists)
	if err != nil {
		return store.FaultFiring{}, fmt.Errorf("postgres: fire fault rule %q: %w", id, translate(err))
	}
	if !exists {
		return store.FaultFiring{}, fmt.Errorf("postgres: fault rule %q: %w", id, store.ErrNotFound)
	}
	return store.FaultFiring{Spent: true}, nil
}

// GetClock implements store.Controls.
func (s *Store) GetClock(ctx context.Context) (store.ClockSetting, error) {
	var offsetMicros int64
	var frozenAt *time.Time
	err := s.pool.QueryRow(ctx, `SELECT offset_us, frozen_at FROM emulator_clock`).Scan(&offsetMicros, &frozenAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ClockSetting{}, nil
	}
	if err != nil {
		return store.ClockSetting{}, fmt.Errorf("postgres: get clock: %w", translate(err))
	}
	return store.ClockSetting{Offset: time.Duration(offsetMicros) * time.Microsecond, FrozenAt: utcOrNil(frozenAt)}, nil
}

// SetClock implements store.Controls.
func (s *Store) SetClock(ctx context.Context, c store.ClockSetting) error {
	_, err := s.pool.Exec(ctx, `
INSERT INTO emulator_clock (singleton, offset_us, frozen_at) VALUES (true, $1, $2)
ON CONFLICT (singleton) DO UPDATE SET offset_us = EXCLUDED.offset_us, frozen_at = EXCLUDED.frozen_at`,
		c.Offset.Microseconds(), utcOrNil(c.FrozenAt))
	if err != nil {
		return fmt.Errorf("postgres: set clock: %w", translate(err))
	}
	return nil
}
