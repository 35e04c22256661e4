package main

import (
	"crypto/ed25519"
	"sync"
	"sync/atomic"
	"time"
)

// floorResult is one measurement of the floor.
type floorResult struct {
	perSecond float64       // verifications per second, on procs goroutines
	cpu       time.Duration // CPU time of one verification
}

// verifyFloor measures how many Ed25519 verifications per second procs
// goroutines complete in d, and the CPU time each took: the physical floor
// of an SDK request, whose signature the server must verify.
func verifyFloor(procs int, d time.Duration, pub ed25519.PublicKey, message, signature []byte) floorResult {
	var (
		stop  atomic.Bool
		total atomic.Int64
		wg    sync.WaitGroup
	)
	start, startCPU := time.Now(), selfCPU()
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
	n := total.Load()
	return floorResult{perSecond: float64(n) / time.Since(start).Seconds(), cpu: (selfCPU() - startCPU) / time.Duration(max(n, 1))}
}
