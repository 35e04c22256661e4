package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// watchTimeout bounds how long a test waits for a watcher to hear of a
// change. It is a deadline for failing, not a measured time: a correct
// backend reports within milliseconds.
const watchTimeout = 10 * time.Second

func newFaultRule(limit int64, created time.Time) store.FaultRule {
	id := newID()
	return store.FaultRule{
		ID:         id,
		CreatedAt:  created,
		Definition: json.RawMessage(`{"match": {"path": "/v2/public/projects"},  "rule":"` + id[:8] + `"}`),
		Limit:      limit,
	}
}

func faultRuleIDs(rules []store.FaultRule) []string {
	return ids(rules, func(r store.FaultRule) string { return r.ID })
}

// findFaultRule returns the listed rule with the id, failing the test when
// there is none.
func findFaultRule(t *testing.T, s store.Store, id string) store.FaultRule {
	t.Helper()
	rules, err := s.ListFaultRules(t.Context())
	noErr(t, "ListFaultRules", err)
	for _, r := range rules {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("fault rule %s not listed", id)
	return store.FaultRule{}
}

// fire calls FireFaultRule and fails the test on error.
func fire(t *testing.T, s store.Store, id string, draw func(int64) bool) store.FaultFiring {
	t.Helper()
	f, err := s.FireFaultRule(t.Context(), id, draw)
	noErr(t, "FireFaultRule", err)
	return f
}

func controlTests() []conformanceTest {
	return []conformanceTest{
		{"FaultRulesListedOldestFirstVerbatim", func(t *testing.T, s store.Store) {
			ctx := t.Context()
			second, first, third := newFaultRule(0, at(time.Minute)), newFaultRule(3, at(0)), newFaultRule(1, at(2*time.Minute))
			second.Matched, second.Fired = 9, 4 // a create starts the counters at zero
			for _, r := range []store.FaultRule{second, first, third} {
				noErr(t, "CreateFaultRule", s.CreateFaultRule(ctx, r))
			}
			rules, err := s.ListFaultRules(ctx)
			noErr(t, "ListFaultRules", err)
			second.Matched, second.Fired = 0, 0
			equal(t, "rules", rules, []store.FaultRule{first, second, third})
		}},
		{"FaultRuleIDIsUnique", func(t *testing.T, s store.Store) {
			r := newFaultRule(0, now())
			noErr(t, "CreateFaultRule", s.CreateFaultRule(t.Context(), r))
			again := newFaultRule(5, now())
			again.ID = r.ID
			wantErr(t, "second create with the same id", s.CreateFaultRule(t.Context(), again), store.ErrAlreadyExists)
			equal(t, "stored rule", findFaultRule(t, s, r.ID), r)
		}},
		{"DeleteFaultRule", func(t *testing.T, s store.Store) {
			ctx := t.Context()
			keep, drop := newFaultRule(0, at(0)), newFaultRule(0, at(time.Second))
			noErr(t, "create", s.CreateFaultRule(ctx, keep))
			noErr(t, "create", s.CreateFaultRule(ctx, drop))
			noErr(t, "DeleteFaultRule", s.DeleteFaultRule(ctx, drop.ID))
			wantErr(t, "deleting it again", s.DeleteFaultRule(ctx, drop.ID), store.ErrNotFound)
			wantErr(t, "deleting an unknown id", s.DeleteFaultRule(ctx, newID()), store.ErrNotFound)
			rules, err := s.ListFaultRules(ctx)
			noErr(t, "ListFaultRules", err)
			sameIDs(t, "rules left", faultRuleIDs(rules), []string{keep.ID})
			_, err = s.FireFaultRule(ctx, drop.ID, nil)
			wantErr(t, "firing a deleted rule", err, store.ErrNotFound)
		}},
		{"DeleteFaultRulesCounts", func(t *testing.T, s store.Store) {
			ctx := t.Context()
			n, err := s.DeleteFaultRules(ctx)
			noErr(t, "DeleteFaultRules on none", err)
			if n != 0 {
				t.Errorf("DeleteFaultRules of an empty store = %d, want 0", n)
			}
			for range 3 {
				noErr(t, "create", s.CreateFaultRule(ctx, newFaultRule(0, now())))
			}
			n, err = s.DeleteFaultRules(ctx)
			noErr(t, "DeleteFaultRules", err)
			if n != 3 {
				t.Errorf("DeleteFaultRules = %d, want 3", n)
			}
			rules, err := s.ListFaultRules(ctx)
			noErr(t, "ListFaultRules", err)
			if len(rules) != 0 {
				t.Errorf("%d rules left, want none", len(rules))
			}
		}},
		{"FireUpToLimit", func(t *testing.T, s store.Store) {
			r := newFaultRule(3, now())
			noErr(t, "create", s.CreateFaultRule(t.Context(), r))
			want := []store.FaultFiring{
				{Ordinal: 1, Fired: true}, {Ordinal: 2, Fired: true}, {Ordinal: 3, Fired: true, Spent: true},
				{Spent: true}, {Spent: true}, // a spent rule counts no match
			}
			for i, w := range want {
				equal(t, fmt.Sprintf("firing %d", i+1), fire(t, s, r.ID, nil), w)
			}
			got := findFaultRule(t, s, r.ID)
			if got.Matched != 3 || got.Fired != 3 {
				t.Errorf("counters matched=%d fired=%d, want 3 and 3", got.Matched, got.Fired)
			}
		}},
		{"FireWithoutLimitNeverSpends", func(t *testing.T, s store.Store) {
			r := newFaultRule(0, now())
			noErr(t, "create", s.CreateFaultRule(t.Context(), r))
			for i := int64(1); i <= 20; i++ {
				equal(t, "firing", fire(t, s, r.ID, nil), store.FaultFiring{Ordinal: i, Fired: true})
			}
		}},
		{"FireDrawsEachOrdinalOnce", func(t *testing.T, s store.Store) {
			r := newFaultRule(0, now())
			noErr(t, "create", s.CreateFaultRule(t.Context(), r))
			var drawn []int64
			even := func(ordinal int64) bool {
				drawn = append(drawn, ordinal)
				return ordinal%2 == 0
			}
			for i := int64(1); i <= 6; i++ {
				equal(t, "firing", fire(t, s, r.ID, even), store.FaultFiring{Ordinal: i, Fired: i%2 == 0})
			}
			equal(t, "ordinals drawn", drawn, []int64{1, 2, 3, 4, 5, 6})
			got := findFaultRule(t, s, r.ID)
			if got.Matched != 6 || got.Fired != 3 {
				t.Errorf("counters matched=%d fired=%d, want 6 and 3", got.Matched, got.Fired)
			}
		}},
		{"FireDrawsUpToLimit", func(t *testing.T, s store.Store) {
			r := newFaultRule(2, now())
			noErr(t, "create", s.CreateFaultRule(t.Context(), r))
			odd := func(ordinal int64) bool { return ordinal%2 == 1 }
			want := []store.FaultFiring{
				{Ordinal: 1, Fired: true}, {Ordinal: 2}, {Ordinal: 3, Fired: true, Spent: true}, {Spent: true},
			}
			for _, w := range want {
				equal(t, "firing", fire(t, s, r.ID, odd), w)
			}
		}},
		{"FireUnknownRule", func(t *testing.T, s store.Store) {
			_, err := s.FireFaultRule(t.Context(), newID(), nil)
			wantErr(t, "FireFaultRule of an unknown id", err, store.ErrNotFound)
			_, err = s.FireFaultRule(t.Context(), newID(), func(int64) bool { return true })
			wantErr(t, "FireFaultRule of an unknown id, drawing", err, store.ErrNotFound)
		}},
		{"ClockIsRealTimeUntilSet", func(t *testing.T, s store.Store) {
			got, err := s.GetClock(t.Context())
			noErr(t, "GetClock", err)
			equal(t, "clock", got, store.ClockSetting{})
		}},
		{"ClockSettingRoundTrips", func(t *testing.T, s store.Store) {
			ctx := t.Context()
			paris := time.FixedZone("CET", 3600)
			frozen := time.Date(2031, time.July, 4, 12, 0, 0, 123456789, paris)
			settings := []struct {
				name      string
				set, want store.ClockSetting
			}{
				{"offset", store.ClockSetting{Offset: -90*time.Minute - 1500*time.Nanosecond}, store.ClockSetting{Offset: -90*time.Minute - time.Microsecond}},
				{"frozen", store.ClockSetting{FrozenAt: &frozen}, store.ClockSetting{FrozenAt: ptr(frozen.UTC().Truncate(time.Microsecond))}},
				{"real time again", store.ClockSetting{}, store.ClockSetting{}},
			}
			for _, c := range settings {
				noErr(t, "SetClock "+c.name, s.SetClock(ctx, c.set))
				got, err := s.GetClock(ctx)
				noErr(t, "GetClock", err)
				equal(t, c.name, got, c.want)
				if got.FrozenAt != nil && got.FrozenAt.Location() != time.UTC {
					t.Errorf("%s: FrozenAt in %v, want UTC", c.name, got.FrozenAt.Location())
				}
			}
		}},
		{"ControlsSurviveDeleteAll", func(t *testing.T, s store.Store) {
			ctx := t.Context()
			r := newFaultRule(0, now())
			noErr(t, "create", s.CreateFaultRule(ctx, r))
			setting := store.ClockSetting{Offset: time.Hour}
			noErr(t, "SetClock", s.SetClock(ctx, setting))
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteAll(ctx) })
			findFaultRule(t, s, r.ID)
			got, err := s.GetClock(ctx)
			noErr(t, "GetClock", err)
			equal(t, "clock after DeleteAll", got, setting)
		}},
		{"WatchReportsEveryTopicThenChanges", func(t *testing.T, s store.Store) {
			w := startWatch(t, s)
			w.await(t, store.TopicFaults, "the first report")
			w.await(t, store.TopicClock, "the first report")

			noErr(t, "create", s.CreateFaultRule(t.Context(), newFaultRule(0, now())))
			w.await(t, store.TopicFaults, "a created rule")
			noErr(t, "SetClock", s.SetClock(t.Context(), store.ClockSetting{Offset: time.Minute}))
			w.await(t, store.TopicClock, "a clock change")
			_, err := s.DeleteFaultRules(t.Context())
			noErr(t, "DeleteFaultRules", err)
			w.await(t, store.TopicFaults, "deleted rules")
			w.stop(t)
		}},
	}
}

// closingControlTests are the clauses about controls of a closed store.
func closingControlTests() []conformanceTest {
	return []conformanceTest{
		{"ControlsAfterClose", func(t *testing.T, s store.Store) {
			w := startWatch(t, s)
			w.await(t, store.TopicFaults, "the first report")
			noErr(t, "Close", s.Close())
			w.wait(t, "the watch of a closed store")

			ctx := t.Context()
			wantErr(t, "CreateFaultRule", s.CreateFaultRule(ctx, newFaultRule(0, now())), store.ErrUnavailable)
			_, err := s.ListFaultRules(ctx)
			wantErr(t, "ListFaultRules", err, store.ErrUnavailable)
			_, err = s.FireFaultRule(ctx, newID(), nil)
			wantErr(t, "FireFaultRule", err, store.ErrUnavailable)
			_, err = s.GetClock(ctx)
			wantErr(t, "GetClock", err, store.ErrUnavailable)
			wantErr(t, "SetClock", s.SetClock(ctx, store.ClockSetting{}), store.ErrUnavailable)
		}},
	}
}

// watch is a running WatchControls whose reports a test awaits.
type watch struct {
	topics chan store.ControlTopic
	cancel context.CancelFunc
	done   chan error
}

func startWatch(t *testing.T, s store.Store) *watch {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &watch{topics: make(chan store.ControlTopic, 1024), cancel: cancel, done: make(chan error, 1)}
	go func() {
		w.done <- s.WatchControls(ctx, func(topic store.ControlTopic) {
			select {
			case w.topics <- topic:
			default: // a test that stopped reading does not block the store
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		<-w.done
	})
	return w
}

// await fails the test unless the watch reports topic (after any number of
// other reports) before watchTimeout.
func (w *watch) await(t *testing.T, topic store.ControlTopic, after string) {
	t.Helper()
	deadline := time.After(watchTimeout)
	for {
		select {
		case got := <-w.topics:
			if got == topic {
				return
			}
		case <-deadline:
			t.Fatalf("no %q report after %s within %v", topic, after, watchTimeout)
		}
	}
}

// drain forgets the reports received so far.
func (w *watch) drain() {
	for {
		select {
		case <-w.topics:
		default:
			return
		}
	}
}

// stop cancels the watch and checks that WatchControls returns nil.
func (w *watch) stop(t *testing.T) {
	t.Helper()
	w.cancel()
	w.wait(t, "a cancelled watch")
}

// wait checks that WatchControls returns nil before watchTimeout.
func (w *watch) wait(t *testing.T, what string) {
	t.Helper()
	select {
	case err := <-w.done:
		if err != nil {
			t.Errorf("%s returned %v, want nil", what, err)
		}
		w.done <- nil // for the cleanup
	case <-time.After(watchTimeout):
		t.Fatalf("%s did not return within %v", what, watchTimeout)
	}
}

// Both stores see the rules and the clock the other writes, and a watch on
// one hears of the other's changes.
func controlsSharedBetweenStores(t *testing.T, stores [2]store.Store) {
	ctx := t.Context()
	a, b := stores[0], stores[1]
	watchB := startWatch(t, b)
	watchB.await(t, store.TopicFaults, "the first report")
	watchB.await(t, store.TopicClock, "the first report")
	watchB.drain()

	r := newFaultRule(2, now())
	noErr(t, "create on a", a.CreateFaultRule(ctx, r))
	watchB.await(t, store.TopicFaults, "a rule created on the other store")
	equal(t, "rule read on b", findFaultRule(t, b, r.ID), r)
	if f := fire(t, b, r.ID, nil); f.Ordinal != 1 {
		t.Errorf("first firing on b has ordinal %d, want 1", f.Ordinal)
	}
	if f := fire(t, a, r.ID, nil); f.Ordinal != 2 || !f.Spent {
		t.Errorf("second firing on a = %+v, want ordinal 2 and spent", f)
	}

	frozen := at(0)
	noErr(t, "SetClock on b", b.SetClock(ctx, store.ClockSetting{FrozenAt: &frozen}))
	got, err := a.GetClock(ctx)
	noErr(t, "GetClock on a", err)
	equal(t, "clock read on a", got, store.ClockSetting{FrozenAt: &frozen})
	watchB.await(t, store.TopicClock, "its own clock change")

	noErr(t, "DeleteFaultRule on b", b.DeleteFaultRule(ctx, r.ID))
	_, err = a.FireFaultRule(ctx, r.ID, nil)
	wantErr(t, "firing on a a rule b deleted", err, store.ErrNotFound)
}

// Of 50 requests racing to fire a rule limited to 7, across both stores,
// exactly 7 fire, each with its own ordinal; for a drawing rule, the
// firings are exactly the first 7 drawn among distinct ordinals.
func raceFaultRuleLimit(t *testing.T, stores [2]store.Store) {
	const limit = 7
	draws := []struct {
		name string
		draw func(int64) bool
	}{
		{"every match", nil},
		{"odd ordinals", func(ordinal int64) bool { return ordinal%2 == 1 }},
	}
	for _, d := range draws {
		t.Run(d.name, func(t *testing.T) {
			r := newFaultRule(limit, now())
			noErr(t, "create", stores[0].CreateFaultRule(t.Context(), r))
			var mu sync.Mutex
			var firings []store.FaultFiring
			errs := race(t, stores, func(ctx context.Context, s store.Store, i int) error {
				f, err := s.FireFaultRule(ctx, r.ID, d.draw)
				mu.Lock()
				firings = append(firings, f)
				mu.Unlock()
				return err
			})
			for i, err := range errs {
				if err != nil {
					t.Fatalf("goroutine %d: %v", i, err)
				}
			}
			fired, spent := 0, 0
			var ordinals []int64
			for _, f := range firings {
				if f.Fired {
					fired++
					if d.draw != nil && !d.draw(f.Ordinal) {
						t.Errorf("fired on ordinal %d, which the draw refuses", f.Ordinal)
					}
				}
				if f.Spent {
					spent++
				}
				if f.Ordinal != 0 {
					ordinals = append(ordinals, f.Ordinal)
				}
			}
			if fired != limit {
				t.Errorf("%d firings, want exactly %d", fired, limit)
			}
			if spent == 0 {
				t.Errorf("no firing reported the rule spent")
			}
			slices.Sort(ordinals)
			for i, o := range ordinals {
				if o != int64(i+1) {
					t.Fatalf("ordinals handed out %v, want 1 to %d, each once", ordinals, len(ordinals))
				}
			}
			got := findFaultRule(t, stores[1], r.ID)
			if got.Fired != limit {
				t.Errorf("stored fired = %d, want %d", got.Fired, limit)
			}
			if got.Matched != int64(len(ordinals)) {
				t.Errorf("stored matched = %d, want the %d ordinals handed out", got.Matched, len(ordinals))
			}
		})
	}
}
