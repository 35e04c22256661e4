package clock

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
)

var realNow = time.Date(2025, time.June, 1, 12, 0, 0, 0, time.UTC)

// newTestClock returns a clock over st whose real time is *real.
func newTestClock(st Store, real *time.Time) *Clock {
	c := New(st)
	c.real = func() time.Time { return *real }
	return c
}

func TestSettings(t *testing.T) {
	real := realNow
	c := newTestClock(memory.New(), &real)
	if got := c.Now(); !got.Equal(real) {
		t.Fatalf("a new clock reads %v, want real time %v", got, real)
	}

	if err := c.Set(t.Context(), store.ClockSetting{Offset: -2 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Now(), real.Add(-2*time.Hour); !got.Equal(want) {
		t.Errorf("offset clock reads %v, want %v", got, want)
	}

	frozen := time.Date(2031, time.January, 2, 3, 4, 5, 6007, time.FixedZone("X", -5*3600))
	if err := c.Set(t.Context(), store.ClockSetting{FrozenAt: &frozen}); err != nil {
		t.Fatal(err)
	}
	want := frozen.UTC().Truncate(time.Microsecond)
	for range 2 {
		if got := c.Now(); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("frozen clock reads %v, want %v in UTC", got, want)
		}
		real = real.Add(time.Hour) // a frozen clock ignores real time
	}

	if err := c.Reset(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := c.Now(); !got.Equal(real) {
		t.Errorf("reset clock reads %v, want real time %v", got, real)
	}
}

func TestInvalidSettingsChangeNothing(t *testing.T) {
	tooEarly := time.Date(1969, time.December, 31, 23, 59, 59, 0, time.UTC)
	tooLate := time.Date(9000, time.January, 1, 0, 0, 0, 0, time.UTC)
	frozen := realNow
	cases := []struct {
		name    string
		setting store.ClockSetting
		field   string
	}{
		{"both", store.ClockSetting{Offset: time.Second, FrozenAt: &frozen}, "offset"},
		{"offset too far ahead", store.ClockSetting{Offset: MaxOffset + time.Microsecond}, "offset"},
		{"offset too far behind", store.ClockSetting{Offset: -MaxOffset - time.Microsecond}, "offset"},
		{"frozen too early", store.ClockSetting{FrozenAt: &tooEarly}, "frozenAt"},
		{"frozen too late", store.ClockSetting{FrozenAt: &tooLate}, "frozenAt"},
	}
	st := memory.New()
	real := realNow
	c := newTestClock(st, &real)
	before := store.ClockSetting{Offset: time.Minute}
	if err := c.Set(t.Context(), before); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := c.Set(t.Context(), tc.setting)
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.InvalidArguments || e.Details["field"] != tc.field {
				t.Fatalf("Set = %v, want INVALID_ARGUMENTS_ERROR naming %q", err, tc.field)
			}
			if got := c.Setting(); got != before {
				t.Errorf("setting applied after a refusal: %+v", got)
			}
			if stored, _ := st.GetClock(t.Context()); stored != before {
				t.Errorf("setting stored after a refusal: %+v", stored)
			}
		})
	}
	// The bounds themselves are valid.
	for _, s := range []store.ClockSetting{{Offset: MaxOffset}, {Offset: -MaxOffset}, {FrozenAt: &earliestFrozen}} {
		if err := Validate(s); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", s, err)
		}
	}
}

// A replica learns another's setting by Reload, and a store failure leaves
// the applied setting as it was.
func TestReloadAndStoreFailure(t *testing.T) {
	st := memory.New()
	real := realNow
	a, b := newTestClock(st, &real), newTestClock(st, &real)
	if err := a.Set(t.Context(), store.ClockSetting{Offset: 3 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	if !b.Now().Equal(real) {
		t.Fatalf("b moved before reloading")
	}
	if err := b.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got, want := b.Now(), real.Add(3*time.Hour); !got.Equal(want) {
		t.Errorf("b after reload reads %v, want %v", got, want)
	}

	st.Close()
	if err := a.Set(t.Context(), store.ClockSetting{}); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Set on a closed store = %v, want store.ErrUnavailable", err)
	}
	if err := b.Reload(t.Context()); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Reload on a closed store = %v, want store.ErrUnavailable", err)
	}
	if got := a.Setting().Offset; got != 3*time.Hour {
		t.Errorf("a failed Set changed the applied offset to %v", got)
	}
}

// Now may be called while the setting changes (run with -race).
func TestNowDuringSet(t *testing.T) {
	c := New(memory.New())
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 100 {
			if err := c.Set(t.Context(), store.ClockSetting{Offset: time.Duration(i) * time.Second}); err != nil {
				t.Error(err)
				return
			}
		}
	})
	wg.Go(func() {
		for range 1000 {
			c.Now()
		}
	})
	wg.Wait()
}

// BenchmarkNow measures the clock every request reads: one atomic load
// and the real time, no store round trip.
func BenchmarkNow(b *testing.B) {
	c := New(memory.New())
	if err := c.Set(context.Background(), store.ClockSetting{Offset: time.Minute}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		c.Now()
	}
}
