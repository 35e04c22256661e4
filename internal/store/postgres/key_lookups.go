package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The statements of key lookups: at most one in flight per keyLookupShare
// connections of the pool (the rest serve the requests' other statements),
// each answering at most keyLookupBatch distinct keys.
const (
	keyLookupShare = 4
	keyLookupBatch = 256
)

// keyLookups coalesces ResolveKey calls: while maxActive lookup statements
// are in flight, the calls that arrive wait, and the next statement to start
// answers all of them at once (up to maxBatch distinct keys). A call never
// waits for a timer: when fewer than maxActive statements are in flight, it
// starts its own at once, so an idle server answers exactly as it would
// without coalescing. Under load, one round trip and one statement answer
// many requests, which is most of what a key lookup costs on either side of
// the connection.
//
// Every call is answered by a statement that started after the call did, so
// the store contract holds as it does without coalescing: a revocation
// committed before ResolveKey starts is always visible. There is no cache.
type keyLookups struct {
	// lookup reads the keys registered under the distinct hexes given, with
	// their owners; a hex with no key is absent from the answer.
	lookup func(ctx context.Context, hexes []string) (map[string]store.KeyResolution, error)
	// timeout bounds one statement, which runs detached from the callers'
	// contexts (it answers several callers; each stops waiting when its own
	// context is done).
	timeout   time.Duration
	maxActive int
	maxBatch  int

	mu      sync.Mutex
	active  int          // statements in flight
	waiting []*keyLookup // calls not yet in any statement, in arrival order
}

// keyLookup is one ResolveKey call; done is closed once res and err are set.
type keyLookup struct {
	ctx  context.Context // the caller's
	hex  string
	done chan struct{}
	res  store.KeyResolution
	err  error
}

// resolve answers one ResolveKey call. A call that finds a statement slot
// free runs the statement itself, with the calls waiting at that moment (if
// any); otherwise it waits for a statement that a finishing one starts.
func (l *keyLookups) resolve(ctx context.Context, hex string) (store.KeyResolution, error) {
	call := &keyLookup{ctx: ctx, hex: hex, done: make(chan struct{})}
	l.mu.Lock()
	l.waiting = append(l.waiting, call)
	var batch []*keyLookup
	if l.active < l.maxActive {
		l.active++
		batch = l.takeLocked()
	}
	l.mu.Unlock()
	if batch != nil {
		l.answer(batch)
		l.next()
	}
	select {
	case <-call.done:
		return call.res, call.err
	case <-ctx.Done():
		return store.KeyResolution{}, fmt.Errorf("postgres: resolve key %s: %w", hex, translate(ctx.Err()))
	}
}

// takeLocked removes and returns the calls of the next statement: the oldest
// waiting calls up to maxBatch distinct keys. l.mu is held.
func (l *keyLookups) takeLocked() []*keyLookup {
	distinct := make(map[string]struct{}, min(len(l.waiting), l.maxBatch))
	n := 0
	for ; n < len(l.waiting); n++ {
		hex := l.waiting[n].hex
		if _, ok := distinct[hex]; !ok {
			if len(distinct) == l.maxBatch {
				break
			}
			distinct[hex] = struct{}{}
		}
	}
	batch := l.waiting[:n:n]
	l.waiting = l.waiting[n:]
	if len(l.waiting) == 0 {
		l.waiting = nil // let the backing array go
	}
	return batch
}

// next passes the statement slot just used on: to a statement for the calls
// that arrived meanwhile, run by a goroutine of its own (so that the caller
// that used the slot returns at once), which goes on while calls keep
// arriving; or back to the pool of slots when none did. Either way a call
// that arrived during a statement is answered by the very next one.
func (l *keyLookups) next() {
	l.mu.Lock()
	if len(l.waiting) == 0 {
		l.active--
		l.mu.Unlock()
		return
	}
	batch := l.takeLocked()
	l.mu.Unlock()
	go func() {
		for batch != nil {
			l.answer(batch)
			l.mu.Lock()
			if len(l.waiting) == 0 {
				l.active--
				batch = nil
			} else {
				batch = l.takeLocked()
			}
			l.mu.Unlock()
		}
	}()
}

// answer runs the statement of one batch and hands each call its result. A
// statement for one call runs under that call's context; one for several
// runs detached from theirs, bounded by l.timeout, and each caller stops
// waiting when its own context is done.
func (l *keyLookups) answer(batch []*keyLookup) {
	stmtCtx := batch[0].ctx
	if len(batch) > 1 {
		var cancel context.CancelFunc
		stmtCtx, cancel = context.WithTimeout(context.WithoutCancel(stmtCtx), l.timeout)
		defer cancel()
	}
	hexes := make([]string, 0, len(batch))
	seen := make(map[string]struct{}, len(batch))
	for _, c := range batch {
		if _, ok := seen[c.hex]; !ok {
			seen[c.hex] = struct{}{}
			hexes = append(hexes, c.hex)
		}
	}
	found, err := l.lookup(stmtCtx, hexes)
	for _, c := range batch {
		switch res, ok := found[c.hex]; {
		case err != nil:
			c.err = fmt.Errorf("postgres: resolve key %s: %w", c.hex, translate(err))
		case !ok:
			c.err = fmt.Errorf("postgres: resolve key %s: %w", c.hex, store.ErrNotFound)
		default:
			c.res = res
		}
		close(c.done)
	}
}
