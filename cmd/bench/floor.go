package main

import (
	"crypto/ed25519"
	"sync"
	"sync/atomic"
	"time"
)

// verifyFloor measures how many Ed25519 verifications per second procs
// goroutines complete in d: the physical floor of an SDK request, whose
// signature the server must verify.
func verifyFloor(procs int, d time.Duration, pub ed25519.PublicKey, message, signature []byte) float64 {
	var (
		stop  atomic.Bool
		total atomic.Int64
		wg    sync.WaitGroup
	)
	start := time.Now()
	timer := time.AfterFunc(d, func() { stop.Store(true) })
	defer timer.Stop()
	for range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var n int64
			for !stop.Load() {
				if !ed25519.Verify(pub, message, signature) {
					panic("bench: the floor's signature does not verify")
				}
				n++
			}
			total.Add(n)
		}()
	}
	wg.Wait()
	return float64(total.Load()) / time.Since(start).Seconds()
}
