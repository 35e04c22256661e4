package faults

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

var created = time.Date(2025, time.May, 1, 8, 0, 0, 0, time.UTC)

// countingStore counts the store round trips of the request path.
type countingStore struct {
	Store
	fires atomic.Int64
}

func (c *countingStore) FireFaultRule(ctx context.Context, id string, draw func(int64) bool) (store.FaultFiring, error) {
	c.fires.Add(1)
	return c.Store.FireFaultRule(ctx, id, draw)
}

func newEngine(t *testing.T, st store.Store) (*Engine, *countingStore) {
	t.Helper()
	counting := &countingStore{Store: st}
	e := NewEngine(counting, func() time.Time { return created })
	if err := e.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	return e, counting
}

func mustCreate(t *testing.T, e *Engine, r Rule) Rule {
	t.Helper()
	r, err := e.Create(t.Context(), r)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return r
}

// sdkRequest is a v2 request of a principal.
func sdkRequest(path string) Request {
	return Request{Plane: PlaneSDK, Method: "GET", Path: path, Principal: Principal{
		Email: "ada@example.com", KeyID: "key-1", OwnerID: "member-1", WorkspaceID: "ws-1",
	}}
}

// decisions runs Decide n times on req and returns the ordinal of each
// firing, 0 where the request was not faulted.
func decisions(t *testing.T, e *Engine, req Request, n int) []int64 {
	t.Helper()
	out := make([]int64, n)
	for i := range out {
		d, fired, err := e.Decide(t.Context(), req)
		if err != nil {
			t.Fatalf("Decide: %v", err)
		}
		if fired {
			out[i] = d.Ordinal
		}
	}
	return out
}

func TestEngine(t *testing.T) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		t.Run("FirstNExactly", func(t *testing.T) {
			e, _ := newEngine(t, newStore(t))
			r := mustCreate(t, e, Rule{Match: Match{Path: "/v2/public/projects"}, Action: Action{Status: 429, RetryAfter: ptr(2)}, Fire: Fire{Times: ptr[int64](3)}})
			got := decisions(t, e, sdkRequest("/v2/public/projects"), 5)
			if want := []int64{1, 2, 3, 0, 0}; !slices.Equal(got, want) {
				t.Errorf("firings %v, want %v", got, want)
			}
			listed := list(t, e)
			if len(listed) != 1 || listed[0].ID != r.ID || listed[0].Matched != 3 || listed[0].Fired != 3 || !listed[0].Spent {
				t.Errorf("listed %s, want rule %s matched 3, fired 3, spent", show(listed), r.ID)
			}
		})

		t.Run("NoStoreRoundTripWithoutAMatch", func(t *testing.T) {
			e, counting := newEngine(t, newStore(t))
			mustCreate(t, e, Rule{Match: Match{Path: "/v2/public/projects"}, Action: answer503, Fire: Fire{Times: ptr[int64](1)}})
			decisions(t, e, sdkRequest("/v2/public/ontologies"), 10)
			if n := counting.fires.Load(); n != 0 {
				t.Errorf("%d store round trips for requests no rule matches, want 0", n)
			}
			decisions(t, e, sdkRequest("/v2/public/projects"), 1)
			decisions(t, e, sdkRequest("/v2/public/projects"), 10) // spent: known without asking
			if n := counting.fires.Load(); n != 1 {
				t.Errorf("%d store round trips, want 1 (the one firing; a spent rule is skipped)", n)
			}
			if e.Active() {
				t.Errorf("Active with every rule spent")
			}
		})

		t.Run("SeededProbabilityIsReproducible", func(t *testing.T) {
			rule := Rule{Action: answer503, Fire: Fire{Probability: ptr(0.3), Seed: ptr[int64](42)}}
			var runs [][]int64
			for range 2 {
				e, _ := newEngine(t, newStore(t))
				mustCreate(t, e, rule)
				runs = append(runs, decisions(t, e, sdkRequest("/v2/public/projects"), 40))
			}
			if !slices.Equal(runs[0], runs[1]) {
				t.Fatalf("same seed, same requests, different firings:\n%v\n%v", runs[0], runs[1])
			}
			for i, ordinal := range runs[0] {
				want := Draw(42, int64(i+1)) < 0.3
				if (ordinal != 0) != want || (ordinal != 0 && ordinal != int64(i+1)) {
					t.Fatalf("match %d: fired with ordinal %d, want fired=%t (Draw)", i+1, ordinal, want)
				}
			}

			other, _ := newEngine(t, newStore(t))
			rule.Fire.Seed = ptr[int64](43)
			mustCreate(t, other, rule)
			if slices.Equal(decisions(t, other, sdkRequest("/v2/public/projects"), 40), runs[0]) {
				t.Errorf("seeds 42 and 43 fired alike on 40 matches")
			}
		})

		t.Run("SeedGeneratedAndShown", func(t *testing.T) {
			e, _ := newEngine(t, newStore(t))
			r := mustCreate(t, e, Rule{Action: answer503, Fire: Fire{Probability: ptr(0.5)}})
			if r.Fire.Seed == nil {
				t.Fatalf("no seed generated for a probability rule")
			}
			if listed := list(t, e); listed[0].Fire.Seed == nil || *listed[0].Fire.Seed != *r.Fire.Seed {
				t.Errorf("listed seed %v, want %d", listed[0].Fire.Seed, *r.Fire.Seed)
			}
		})

		t.Run("OldestFiringRuleWins", func(t *testing.T) {
			e, _ := newEngine(t, newStore(t))
			first := mustCreate(t, e, Rule{ID: "first", Action: Action{Status: 429}, Fire: Fire{Times: ptr[int64](1)}})
			second := mustCreate(t, e, Rule{ID: "second", Action: Action{Status: 500}})
			var got []string
			for range 3 {
				d, fired, err := e.Decide(t.Context(), sdkRequest("/public/user"))
				if err != nil || !fired {
					t.Fatalf("Decide = %v, %t", err, fired)
				}
				got = append(got, d.RuleID)
			}
			if want := []string{first.ID, second.ID, second.ID}; !slices.Equal(got, want) {
				t.Errorf("rules fired %v, want %v", got, want)
			}
		})

		t.Run("RulesSharedThroughTheStore", func(t *testing.T) {
			st := newStore(t)
			a, _ := newEngine(t, st)
			b, _ := newEngine(t, st)
			r := mustCreate(t, a, Rule{Action: answer503, Fire: Fire{Times: ptr[int64](2)}})
			if _, fired, _ := b.Decide(t.Context(), sdkRequest("/public")); fired {
				t.Fatalf("b fired a rule it has not loaded")
			}
			if err := b.Reload(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got := append(decisions(t, b, sdkRequest("/public"), 1), decisions(t, a, sdkRequest("/public"), 2)...); !slices.Equal(got, []int64{1, 2, 0}) {
				t.Errorf("firings across engines %v, want [1 2 0]: the limit is shared", got)
			}
			if err := a.Delete(t.Context(), r.ID); err != nil {
				t.Fatal(err)
			}
			if err := b.Reload(t.Context()); err != nil {
				t.Fatal(err)
			}
			if b.Active() {
				t.Errorf("b still applies a deleted rule after reloading")
			}
		})

		t.Run("DeleteAndClear", func(t *testing.T) {
			e, _ := newEngine(t, newStore(t))
			err := e.Delete(t.Context(), "nope")
			var coded *errs.Error
			if !errors.As(err, &coded) || coded.Code != errs.NotFound {
				t.Errorf("Delete of an unknown id = %v, want RESOURCE_NOT_FOUND_ERROR", err)
			}
			for _, id := range []string{"a", "b"} {
				mustCreate(t, e, Rule{ID: id, Action: answer503})
			}
			if _, err := e.Create(t.Context(), Rule{ID: "a", Action: answer503}); !errors.As(err, &coded) || coded.Code != errs.ResourceExists {
				t.Errorf("Create with a taken id = %v, want RESOURCE_EXISTS_ERROR", err)
			}
			if err := e.Delete(t.Context(), "a"); err != nil {
				t.Fatal(err)
			}
			if d, _, _ := e.Decide(t.Context(), sdkRequest("/public")); d.RuleID != "b" {
				t.Errorf("after deleting a, rule %q fired, want b", d.RuleID)
			}
			if n, err := e.Clear(t.Context()); err != nil || n != 1 {
				t.Errorf("Clear = %d, %v; want 1 rule", n, err)
			}
			if _, fired, _ := e.Decide(t.Context(), sdkRequest("/public")); fired {
				t.Errorf("a rule fired after Clear")
			}
		})

		t.Run("StoredAsCreated", func(t *testing.T) {
			e, _ := newEngine(t, newStore(t))
			r := mustCreate(t, e, Rule{ID: "full", Match: Match{Method: "post", Path: "/public/user", QueryType: "project", QueryMethod: "POST", Principal: "Ada@example.com", Workspace: "ws-1"},
				Action: Action{Status: 503, Code: "SERVICE_UNAVAILABLE_ERROR", Message: "down for maintenance", RetryAfter: ptr(7), Delay: 1500 * time.Millisecond},
				Fire:   Fire{Times: ptr[int64](4), Probability: ptr(0.25), Seed: ptr[int64](-3)}})
			want := Listed{Rule: r}
			want.Match.Plane, want.Match.Method, want.Match.Principal = PlaneSDK, "POST", "ada@example.com"
			want.CreatedAt = created
			if got := list(t, e); len(got) != 1 || show(got[0]) != show(want) {
				t.Errorf("listed\n %s\nwant\n %s", show(got), show(want))
			}
		})
	})
}

func list(t *testing.T, e *Engine) []Listed {
	t.Helper()
	listed, err := e.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return listed
}

// Each field of Match selects on its own.
func TestMatchFields(t *testing.T) {
	keyHex := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	v1 := Request{Plane: PlaneSDK, Method: "POST", Path: "/public/user", QueryType: "projectwithuserrole", QueryMethod: "GET",
		Principal: Principal{Email: "ada@example.com", PublicKeyHex: keyHex, KeyID: "key-1", OwnerID: "member-1", WorkspaceID: "ws-1"}}
	cases := []struct {
		match Match
		want  bool
	}{
		{Match{}, true},
		{Match{Plane: PlaneManagement}, false},
		{Match{Method: "POST"}, true},
		{Match{Method: "GET"}, false},
		{Match{Path: "/public/*"}, true},
		{Match{Path: "/public"}, false},
		{Match{QueryType: "projectwithuserrole"}, true},
		{Match{QueryType: "project"}, false},
		{Match{QueryType: "projectwithuserrole", QueryMethod: "GET"}, true},
		{Match{QueryMethod: "POST"}, false},
		{Match{Principal: "ADA@example.com"}, true},
		{Match{Principal: "bob@example.com"}, false},
		{Match{Principal: keyHex}, true},
		{Match{Principal: "ff" + keyHex[2:]}, false},
		{Match{Principal: "key-1"}, true},
		{Match{Principal: "member-1"}, true},
		{Match{Principal: "member-2"}, false},
		{Match{Workspace: "ws-1"}, true},
		{Match{Workspace: "ws-2"}, false},
	}
	for _, c := range cases {
		rule, err := prepare(Rule{Match: c.match, Action: answer503})
		if err != nil {
			t.Fatalf("%+v: %v", c.match, err)
		}
		comp, err := compile(rule)
		if err != nil {
			t.Fatalf("%+v: %v", c.match, err)
		}
		if got := comp.matches(v1); got != c.want {
			t.Errorf("%+v matches the v1 request: %t, want %t", c.match, got, c.want)
		}
	}
	// An unauthenticated request matches no rule on a principal or workspace.
	anonymous := v1
	anonymous.Principal = Principal{}
	for _, m := range []Match{{Principal: "key-1"}, {Workspace: "ws-1"}, {Principal: "ada@example.com"}} {
		rule, _ := prepare(Rule{Match: m, Action: answer503})
		if comp, _ := compile(rule); comp.matches(anonymous) {
			t.Errorf("%+v matches a request without a principal", m)
		}
	}
}

func TestMatchesCalls(t *testing.T) {
	e, _ := newEngine(t, memory.New())
	mustCreate(t, e, Rule{Match: Match{Path: "/public"}, Action: answer503})
	if e.MatchesCalls() {
		t.Errorf("MatchesCalls with no rule on a v1 call")
	}
	mustCreate(t, e, Rule{Match: Match{QueryType: "project"}, Action: answer503, Fire: Fire{Times: ptr[int64](1)}})
	if !e.MatchesCalls() {
		t.Errorf("MatchesCalls false with a rule on a v1 call")
	}
	decisions(t, e, Request{Plane: PlaneSDK, Method: "POST", Path: "/public/user", QueryType: "project"}, 2)
	if e.MatchesCalls() {
		t.Errorf("MatchesCalls true once the rule on a v1 call is spent")
	}
}

// Two engines on one store (two replicas) racing on one rule limited to 5,
// while rules are reloaded: exactly 5 requests are faulted.
func TestRaceAcrossEngines(t *testing.T) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		a, _ := newEngine(t, st)
		b, _ := newEngine(t, st)
		mustCreate(t, a, Rule{Action: answer503, Fire: Fire{Times: ptr[int64](5)}})
		if err := b.Reload(t.Context()); err != nil {
			t.Fatal(err)
		}
		var fired atomic.Int64
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				e := a
				if i%2 == 1 {
					e = b
				}
				if i%10 == 0 {
					if err := e.Reload(t.Context()); err != nil {
						t.Error(err)
					}
				}
				_, ok, err := e.Decide(t.Context(), sdkRequest("/public"))
				if err != nil {
					t.Error(err)
				}
				if ok {
					fired.Add(1)
				}
			})
		}
		wg.Wait()
		if n := fired.Load(); n != 5 {
			t.Errorf("%d requests faulted, want exactly 5", n)
		}
	})
}

// BenchmarkDecide measures the request path of the faults: with no rule,
// with ten rules that do not match (no store round trip either way), and
// with a rule that fires on every request (one memory-store call).
func BenchmarkDecide(b *testing.B) {
	req := Request{Plane: PlaneSDK, Method: "GET", Path: "/v2/public/projects/p1", Principal: Principal{Email: "ada@example.com", WorkspaceID: "ws-1"}}
	for _, c := range []struct {
		name  string
		rules []Rule
	}{
		{"none", nil},
		{"ten-unmatched", func() []Rule {
			var rules []Rule
			for i := range 10 {
				rules = append(rules, Rule{Match: Match{Path: "/v2/public/ontologies/{h}", Principal: "bob@example.com", Workspace: "ws-" + strconv.Itoa(i)}, Action: answer503})
			}
			return rules
		}()},
		{"one-firing", []Rule{{Match: Match{Path: "/v2/public/projects/{projectHash}"}, Action: Action{Delay: time.Millisecond}}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			e := NewEngine(memory.New(), time.Now)
			for _, r := range c.rules {
				if _, err := e.Create(context.Background(), r); err != nil {
					b.Fatal(err)
				}
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := e.Decide(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
