package postgres

import (
	"runtime"
	"sync"
)

// batchSlots is how many batches of one kind (key lookups, View reads) run
// at once: half the server's cores, at most a quarter of the pool. A batch
// keeps one Postgres backend busy, and the server's other work needs the
// rest of the cores where both share a machine (a developer's or a CI
// machine: the emulator's usual place); a larger pool on a larger machine
// gets more batches in parallel. Fewer slots mean larger batches: less CPU
// per statement, but fewer backends at work.
func batchSlots(maxConns int32) int {
	return max(1, min(int(maxConns)/4, runtime.GOMAXPROCS(0)/2))
}

// batcher runs calls in batches on a bounded number of slots, each slot a
// statement (or a pipeline of statements) in flight. A call that finds a
// slot free runs at once, alone, in its caller's goroutine (nothing waits
// while a slot is free); calls that arrive while every slot is busy wait,
// and a finishing batch hands its slot straight to the next batch of waiting
// calls, run by a goroutine of its own so that the caller that used the slot
// returns at once. No call waits for a timer, so an idle store answers as it
// would without batching; and every call is run by a batch that started
// after the call arrived, so whatever was committed before a call started is
// visible to it.
type batcher[C any] struct {
	maxActive int
	// take returns how many of the oldest waiting calls (at least one, at
	// most all) the next batch runs.
	take func(waiting []C) int
	// run runs one batch and must answer every call of it.
	run func(batch []C)

	mu      sync.Mutex
	active  int // batches running
	waiting []C // calls not yet in any batch, in arrival order
}

// submit runs call at once if a slot is free, and otherwise queues it for
// the next batch; the caller then waits for its call's answer.
func (b *batcher[C]) submit(call C) {
	b.mu.Lock()
	if b.active == b.maxActive {
		b.waiting = append(b.waiting, call)
		b.mu.Unlock()
		return
	}
	b.active++
	b.mu.Unlock()
	b.run([]C{call})
	b.next()
}

// takeLocked removes and returns the calls of the next batch; b.mu is held.
func (b *batcher[C]) takeLocked() []C {
	n := b.take(b.waiting)
	batch := b.waiting[:n:n]
	b.waiting = b.waiting[n:]
	if len(b.waiting) == 0 {
		b.waiting = nil // let the backing array go
	}
	return batch
}

// next passes the slot just used on: to a batch of the calls that arrived
// meanwhile, run by a goroutine that goes on while calls keep arriving, or
// back to the free slots when none did.
func (b *batcher[C]) next() {
	b.mu.Lock()
	if len(b.waiting) == 0 {
		b.active--
		b.mu.Unlock()
		return
	}
	batch := b.takeLocked()
	b.mu.Unlock()
	go func() {
		for batch != nil {
			b.run(batch)
			b.mu.Lock()
			if len(b.waiting) == 0 {
				b.active--
				batch = nil
			} else {
				batch = b.takeLocked()
			}
			b.mu.Unlock()
		}
	}()
}
