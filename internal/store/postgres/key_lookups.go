package postgres

import (
	"context"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// keyLookupBatch is the most distinct keys one lookup statement reads; at
// most batchSlots statements run at once.
const keyLookupBatch = 256

// keyLookups coalesces ResolveKey calls (a batcher): while maxActive lookup
// statements are in flight, the calls that arrive wait, and the next
// statement answers all of them at once (up to maxBatch distinct keys). When
// a slot is free a call starts its own statement at once, so an idle server
// answers exactly as it would without coalescing. Under load, one round trip
// and one statement answer many requests, which is most of what a key
// lookup costs on either side of the connection.
//
// Every call is answered by a statement that started after the call did, so
// the store contract holds as it does without coalescing: a revocation
// committed before ResolveKey starts is always visible. There is no cache.
type keyLookups struct {
	// lookup reads the keys registered under the distinct hexes given, with
	// their owners; a hex with no key is absent from the answer.
	lookup func(ctx context.Context, hexes []string) (map[string]store.KeyResolution, error)
	// timeout bounds a statement for several calls, which runs detached
	// from their contexts (each caller stops waiting when its own context
	// is done).
	timeout  time.Duration
	maxBatch int

	batches batcher[*keyLookup]
}

func newKeyLookups(lookup func(ctx context.Context, hexes []string) (map[string]store.KeyResolution, error), timeout time.Duration, maxActive, maxBatch int) *keyLookups {
	l := &keyLookups{lookup: lookup, timeout: timeout, maxBatch: maxBatch}
	l.batches = batcher[*keyLookup]{maxActive: maxActive, take: l.take, run: l.answer}
	return l
}

// keyLookup is one ResolveKey call; done is closed once res and err are set.
type keyLookup struct {
	ctx  context.Context // the caller's
	hex  string
	done chan struct{}
	res  store.KeyResolution
	err  error
}

// resolve answers one ResolveKey call.
func (l *keyLookups) resolve(ctx context.Context, hex string) (store.KeyResolution, error) {
	call := &keyLookup{ctx: ctx, hex: hex, done: make(chan struct{})}
	l.batches.submit(call)
	select {
	case <-call.done:
		return call.res, call.err
	case <-ctx.Done():
		return store.KeyResolution{}, wrap("resolve key "+hex, ctx.Err())
	}
}

// take counts the oldest waiting calls that ask for at most maxBatch
// distinct keys: calls for a key already in the batch ride along.
func (l *keyLookups) take(waiting []*keyLookup) int {
	distinct := make(map[string]struct{}, min(len(waiting), l.maxBatch))
	for n, c := range waiting {
		if _, ok := distinct[c.hex]; !ok {
			if len(distinct) == l.maxBatch {
				return n
			}
			distinct[c.hex] = struct{}{}
		}
	}
	return len(waiting)
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
	hexes := []string{batch[0].hex}
	if len(batch) > 1 {
		hexes = make([]string, 0, len(batch))
		seen := make(map[string]struct{}, len(batch))
		for _, c := range batch {
			if _, ok := seen[c.hex]; !ok {
				seen[c.hex] = struct{}{}
				hexes = append(hexes, c.hex)
			}
		}
	}
	found, err := l.lookup(stmtCtx, hexes)
	for _, c := range batch {
		switch res, ok := found[c.hex]; {
		case err != nil:
			c.err = wrap("resolve key "+c.hex, err)
		case !ok:
			c.err = wrap("resolve key "+c.hex, store.ErrNotFound)
		default:
			c.res = res
		}
		close(c.done)
	}
}
