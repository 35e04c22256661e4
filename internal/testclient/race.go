package testclient

import (
	"sync"
	"testing"
)

// Race calls fn(i, clients[i%len(clients)]) for i in [0, n) all at once,
// spreading the calls evenly over the clients (replicas of one state), and
// counts the answers by status. An answer that is missing or a 5xx fails
// the test: a race may be lost, never crash.
func Race(t testing.TB, n int, clients []*Client, fn func(i int, c *Client) Response) map[int]int {
	t.Helper()
	var (
		mu     sync.Mutex
		counts = map[int]int{}
		wg     sync.WaitGroup
		start  = make(chan struct{})
	)
	for i := range n {
		wg.Go(func() {
			<-start
			r := fn(i, clients[i%len(clients)])
			mu.Lock()
			defer mu.Unlock()
			counts[r.Status]++
			if r.Err != nil || r.Status >= 500 {
				t.Errorf("racer %d: %s", i, r)
			}
		})
	}
	close(start)
	wg.Wait()
	return counts
}
