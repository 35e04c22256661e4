// Package clock is the emulator's controllable clock: real time, real time
// shifted by an offset, or a frozen instant. It drives everything the
// emulator reads the time for: the v2 signature window, session and bearer
// expiry, and every timestamp it writes. The setting lives in the store, so
// every replica shares it; each keeps a copy, so Now costs no round trip.
package clock

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// Bounds of a setting: far enough for any test of expiry or clock drift,
// near enough that every time the emulator derives stays representable in
// RFC 3339 and in Postgres.
const MaxOffset = 100 * 365 * 24 * time.Hour

var (
	earliestFrozen = time.Date(1970, time.January, 1, 0, 0, 0, 0, time.UTC)
	latestFrozen   = time.Date(9000, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// Store is where the setting is kept (a store.Store).
type Store interface {
	GetClock(ctx context.Context) (store.ClockSetting, error)
	SetClock(ctx context.Context, c store.ClockSetting) error
}

// Clock is a controllable clock. Now is safe for concurrent use with every
// method.
type Clock struct {
	store   Store
	real    func() time.Time
	setting atomic.Pointer[store.ClockSetting]
}

// New returns a clock at real time over st; Reload reads the stored setting.
func New(st Store) *Clock {
	c := &Clock{store: st, real: time.Now}
	c.setting.Store(&store.ClockSetting{})
	return c
}

// Now returns the emulator's current time.
func (c *Clock) Now() time.Time {
	s := c.setting.Load()
	if s.FrozenAt != nil {
		return *s.FrozenAt
	}
	return c.real().Add(s.Offset)
}

// Setting returns the setting this clock applies.
func (c *Clock) Setting() store.ClockSetting { return *c.setting.Load() }

// Set validates s, stores it for every replica, and applies it here at
// once. An invalid setting is an errs.InvalidArguments error naming the
// field.
func (c *Clock) Set(ctx context.Context, s store.ClockSetting) error {
	if err := Validate(s); err != nil {
		return err
	}
	s = normalize(s)
	if err := c.store.SetClock(ctx, s); err != nil {
		return fmt.Errorf("storing the clock setting: %w", err)
	}
	c.setting.Store(&s)
	return nil
}

// Reset returns every replica to real time.
func (c *Clock) Reset(ctx context.Context) error { return c.Set(ctx, store.ClockSetting{}) }

// Reload applies the stored setting (after another replica changed it).
func (c *Clock) Reload(ctx context.Context) error {
	s, err := c.store.GetClock(ctx)
	if err != nil {
		return fmt.Errorf("reading the clock setting: %w", err)
	}
	s = normalize(s)
	c.setting.Store(&s)
	return nil
}

// Validate reports what is wrong with a setting, as an
// errs.InvalidArguments error naming the field.
func Validate(s store.ClockSetting) error {
	switch {
	case s.FrozenAt != nil && s.Offset != 0:
		return errs.Invalid("offset", "give either offset or frozenAt, not both: a frozen clock has no offset")
	case s.Offset > MaxOffset || s.Offset < -MaxOffset:
		return errs.Invalid("offset", "offset %s is out of range: it must lie within ±%s", s.Offset, MaxOffset)
	case s.FrozenAt != nil && (s.FrozenAt.Before(earliestFrozen) || !s.FrozenAt.Before(latestFrozen)):
		return errs.Invalid("frozenAt", "frozenAt %s is out of range: it must lie from %s to before %s",
			s.FrozenAt.UTC().Format(time.RFC3339Nano), earliestFrozen.Format(time.RFC3339), latestFrozen.Format(time.RFC3339))
	}
	return nil
}

// normalize keeps what a store keeps: whole microseconds, UTC.
func normalize(s store.ClockSetting) store.ClockSetting {
	s.Offset = s.Offset.Truncate(time.Microsecond)
	if s.FrozenAt != nil {
		at := s.FrozenAt.UTC().Truncate(time.Microsecond)
		s.FrozenAt = &at
	}
	return s
}
