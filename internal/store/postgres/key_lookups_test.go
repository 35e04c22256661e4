package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// statements records what the lookup of a keyLookups was asked, and answers
// every hex it knows with a resolution naming the statement that read it.
type statements struct {
	known map[string]bool
	gate  chan struct{} // when set, each statement waits for a value
	err   error

	mu    sync.Mutex
	asked [][]string
}

func (s *statements) lookup(ctx context.Context, hexes []string) (map[string]store.KeyResolution, error) {
	s.mu.Lock()
	s.asked = append(s.asked, slices.Clone(hexes))
	n := len(s.asked)
	s.mu.Unlock()
	if s.gate != nil {
		<-s.gate
	}
	if s.err != nil {
		return nil, s.err
	}
	found := map[string]store.KeyResolution{}
	for _, h := range hexes {
		if s.known[h] {
			found[h] = store.KeyResolution{Key: store.Key{ID: "key-" + h, PublicKeyHex: h, Title: fmt.Sprint("statement ", n)}}
		}
	}
	return found, nil
}

func (s *statements) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.asked)
}

func newLookups(s *statements, maxActive, maxBatch int) *keyLookups {
	return newKeyLookups(s.lookup, time.Minute, maxActive, maxBatch)
}

// waitFor polls until cond holds under the batcher's lock.
func waitFor[C any](t *testing.T, b *batcher[C], what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		b.mu.Lock()
		ok := cond()
		b.mu.Unlock()
		if ok {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// heldLookups returns a keyLookups of one slot over statements that wait at
// their gate, and the answer of a first call for hex, whose statement holds
// the slot until the gate opens.
func heldLookups(t *testing.T, known []string, maxBatch int, hex string) (*statements, *keyLookups, <-chan answer) {
	st := &statements{known: map[string]bool{}, gate: make(chan struct{})}
	for _, k := range known {
		st.known[k] = true
	}
	l := newLookups(st, 1, maxBatch)
	first := resolveAsync(l, t.Context(), hex)
	waitFor(t, &l.batches, "the first statement", func() bool { return st.count() == 1 })
	return st, l, first
}

type answer struct {
	res store.KeyResolution
	err error
}

func resolveAsync(l *keyLookups, ctx context.Context, hex string) <-chan answer {
	ch := make(chan answer, 1)
	go func() {
		res, err := l.resolve(ctx, hex)
		ch <- answer{res, err}
	}()
	return ch
}

// The store contract: a revocation committed before ResolveKey starts is
// visible. So a call that arrives while a statement is in flight must not be
// answered by it, only by a statement that starts later; and the calls that
// waited together share that one statement.
func TestKeyLookupsAnswerOnlyFromLaterStatements(t *testing.T) {
	st, l, first := heldLookups(t, []string{"a", "b", "c"}, 256, "a")
	ctx := t.Context()
	// Three calls arrive while it runs, one of them for the key it is reading.
	later := []<-chan answer{resolveAsync(l, ctx, "a"), resolveAsync(l, ctx, "b"), resolveAsync(l, ctx, "c")}
	waitFor(t, &l.batches, "three waiting calls", func() bool { return len(l.batches.waiting) == 3 })
	if st.count() != 1 {
		t.Fatalf("a second statement started while the only slot was taken")
	}
	close(st.gate)

	if a := <-first; a.err != nil || a.res.Key.Title != "statement 1" {
		t.Errorf("first call: %+v, want statement 1", a)
	}
	for i, ch := range later {
		if a := <-ch; a.err != nil || a.res.Key.Title != "statement 2" {
			t.Errorf("call %d that arrived during statement 1: %q, %v; want statement 2", i, a.res.Key.Title, a.err)
		}
	}
	if got := slices.Sorted(slices.Values(st.asked[1])); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("statement 2 read %q, want each waiting key once", got)
	}
	waitFor(t, &l.batches, "the slot to be given back", func() bool { return l.batches.active == 0 && l.batches.waiting == nil })
}

// Calls are answered with their own key, missing keys with ErrNotFound,
// however the calls are grouped (run with -race).
func TestKeyLookupsAnswerEachCallItsOwnKey(t *testing.T) {
	known := map[string]bool{}
	for i := range 40 {
		known[fmt.Sprintf("k%d", i)] = true
	}
	st := &statements{known: known}
	l := newLookups(st, 2, 8)
	var wg sync.WaitGroup
	const calls = 400
	for i := range calls {
		wg.Go(func() {
			hex := fmt.Sprintf("k%d", i%50) // k40–k49 are unknown
			res, err := l.resolve(t.Context(), hex)
			switch {
			case known[hex] && (err != nil || res.Key.ID != "key-"+hex):
				t.Errorf("%s: %+v, %v", hex, res.Key, err)
			case !known[hex] && !errors.Is(err, store.ErrNotFound):
				t.Errorf("%s (unknown): %v, want ErrNotFound", hex, err)
			}
		})
	}
	wg.Wait()
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, hexes := range st.asked {
		if len(hexes) > 8 {
			t.Errorf("a statement read %d keys, more than maxBatch 8", len(hexes))
		}
	}
	t.Logf("%d calls, %d statements", calls, len(st.asked))
}

// maxBatch counts distinct keys: calls for a key already in the batch ride
// along; the next distinct key waits for the next statement.
func TestKeyLookupsBatchByDistinctKeys(t *testing.T) {
	st, l, first := heldLookups(t, []string{"a", "b", "c"}, 2, "x")
	ctx := t.Context()
	var later []<-chan answer
	for _, h := range []string{"a", "b", "a", "c", "b"} {
		later = append(later, resolveAsync(l, ctx, h))
		waitFor(t, &l.batches, "the call to wait", func() bool { return len(l.batches.waiting) == len(later) })
	}
	close(st.gate)
	<-first
	for _, ch := range later {
		if a := <-ch; a.err != nil {
			t.Error(a.err)
		}
	}
	want := [][]string{{"x"}, {"a", "b"}, {"c", "b"}}
	if !slices.EqualFunc(st.asked, want, slices.Equal) {
		t.Errorf("statements read %q, want %q", st.asked, want)
	}
}

// A caller whose context ends stops waiting; the slot and the other callers
// are not affected.
func TestKeyLookupsCallerGivesUp(t *testing.T) {
	st, l, first := heldLookups(t, []string{"a"}, 256, "a")

	ctx, cancel := context.WithCancel(t.Context())
	impatient := resolveAsync(l, ctx, "a")
	waitFor(t, &l.batches, "the waiting call", func() bool { return len(l.batches.waiting) == 1 })
	cancel()
	if a := <-impatient; !errors.Is(a.err, context.Canceled) {
		t.Errorf("cancelled caller: %v, want context.Canceled", a.err)
	}
	close(st.gate)
	if a := <-first; a.err != nil {
		t.Errorf("the other caller: %v", a.err)
	}
	if res, err := l.resolve(t.Context(), "a"); err != nil || res.Key.ID != "key-a" {
		t.Errorf("after the cancelled call: %+v, %v", res, err)
	}
}

// A failed statement fails each of its calls, translated like any other
// store error; a lost connection is ErrUnavailable, never ErrNotFound.
func TestKeyLookupsFailedStatement(t *testing.T) {
	st := &statements{known: map[string]bool{"a": true}, err: io.ErrUnexpectedEOF}
	l := newLookups(st, 1, 256)
	_, err := l.resolve(t.Context(), "a")
	if !errors.Is(err, store.ErrUnavailable) || errors.Is(err, store.ErrNotFound) {
		t.Errorf("statement lost its connection: %v, want ErrUnavailable", err)
	}
	waitFor(t, &l.batches, "the slot to be given back after a failed statement", func() bool { return l.batches.active == 0 })
}
