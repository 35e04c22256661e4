package e2e

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testenv"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// racers is how many concurrent requests each race sends, split evenly
// over the two replicas.
const racers = 50

// startReplicas starts two servers on one fresh database, at once.
func startReplicas(t *testing.T) ([2]*client, testenv.Database) {
	t.Helper()
	db := testenv.NewDatabase(t)
	env := append([]string{"EMULATOR_STORE=postgres", "EMULATOR_LOG_LEVEL=warn"}, db.Env...)
	a := launchServer(t, "replica-a", env...)
	b := launchServer(t, "replica-b", env...)
	a.WaitReady(t)
	b.WaitReady(t)
	return [2]*client{newClient(t, a.URL, 20*time.Second), newClient(t, b.URL, 20*time.Second)}, db
}

// race sends fn(i, replica) for i in [0, racers) at once, even i to replica
// A and odd i to replica B, and counts the answers by status. A transport
// error or a 5xx fails the test.
func race(t *testing.T, replicas [2]*client, fn func(i int, c *client) response) map[int]int {
	t.Helper()
	var (
		mu     sync.Mutex
		counts = map[int]int{}
		wg     sync.WaitGroup
		start  = make(chan struct{})
	)
	for i := range racers {
		wg.Go(func() {
			<-start
			r := fn(i, replicas[i%2])
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

func TestReplicasShareQuotasAndUniqueness(t *testing.T) {
	t.Parallel()
	replicas, db := startReplicas(t)
	a, b := replicas[0], replicas[1]
	sql := testenv.Connect(t, db.DSN)
	ctx := context.Background()

	t.Run("service-account quota", func(t *testing.T) {
		const quota = 3
		ws := a.newWorkspace("SA quota", "admin@sa-quota.test", map[string]int{"serviceAccounts": quota})
		counts := race(t, replicas, func(i int, c *client) response {
			return c.do(ctx, http.MethodPost, "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": fmt.Sprintf("bot-%d", i)})
		})
		if counts[http.StatusCreated] != quota || counts[http.StatusConflict] != racers-quota {
			t.Fatalf("statuses %v: want exactly %d created and %d refused", counts, quota, racers-quota)
		}
		if n := queryInt(t, sql, `SELECT count(*) FROM service_accounts WHERE workspace_id = $1 AND deleted_at IS NULL`, ws.ID); n != quota {
			t.Fatalf("%d live service accounts in the database, want %d", n, quota)
		}
	})

	t.Run("key quota", func(t *testing.T) {
		const quota = 5 // Encord's default keys per service account
		ws := a.newWorkspace("Key quota", "admin@key-quota.test", nil)
		sa := b.must(http.StatusCreated, http.MethodPost, "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": "bot"}).str("id")
		path := "/api/v1/workspace/service-accounts/" + sa + "/keys"
		counts := race(t, replicas, func(i int, c *client) response {
			return c.do(ctx, http.MethodPost, path, ws.AdminToken, map[string]any{"title": fmt.Sprintf("k%d", i)})
		})
		if counts[http.StatusCreated] != quota || counts[http.StatusConflict] != racers-quota {
			t.Fatalf("statuses %v: want exactly %d created and %d refused", counts, quota, racers-quota)
		}
		if n := queryInt(t, sql, `SELECT count(*) FROM keys WHERE owner_id = $1 AND revoked_at IS NULL`, sa); n != quota {
			t.Fatalf("%d active keys in the database, want %d", n, quota)
		}
	})

	t.Run("one public key, many users", func(t *testing.T) {
		tokens := make([]string, racers)
		for i := range racers {
			// One workspace each: uniqueness is installation-wide.
			tokens[i] = replicas[i%2].newWorkspace(fmt.Sprintf("Users %d", i), fmt.Sprintf("admin%d@users.test", i), nil).AdminToken
		}
		line := newPublicKeyLine(t)
		counts := race(t, replicas, func(i int, c *client) response {
			return c.do(ctx, http.MethodPost, "/api/v1/me/keys", tokens[i], map[string]any{"title": "shared", "publicKey": line})
		})
		if counts[http.StatusCreated] != 1 || counts[http.StatusConflict] != racers-1 {
			t.Fatalf("statuses %v: want exactly 1 created and %d duplicates", counts, racers-1)
		}
		if n := queryInt(t, sql, `SELECT count(*) FROM keys WHERE public_key = $1 AND revoked_at IS NULL`, line); n != 1 {
			t.Fatalf("%d active keys with the public key in the database, want 1", n)
		}
	})
}

// sdkResult is one SDK-plane request of a load run.
type sdkResult struct {
	start, end time.Time
	resp       response
}

func (r sdkResult) latency() time.Duration { return r.end.Sub(r.start) }

// sdkLoad is a running load of the SDK's bearer-token call, signed with one
// key, from several goroutines.
type sdkLoad struct {
	stop    chan struct{}
	wg      sync.WaitGroup
	results [][]sdkResult // one slice per worker, read after wg.Wait
}

// startSDKLoad starts workers goroutines that send the call back to back,
// pausing between requests.
func startSDKLoad(c *client, signer *encordsign.Signer, workers int, pause time.Duration) *sdkLoad {
	l := &sdkLoad{stop: make(chan struct{}), results: make([][]sdkResult, workers)}
	for w := range workers {
		l.wg.Go(func() {
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				start := time.Now()
				r := c.sdkGet(context.Background(), signer, sdkBearerToken)
				l.results[w] = append(l.results[w], sdkResult{start: start, end: time.Now(), resp: r})
				time.Sleep(pause)
			}
		})
	}
	return l
}

// finish stops the load and returns every result in start order.
func (l *sdkLoad) finish() []sdkResult {
	close(l.stop)
	l.wg.Wait()
	var all []sdkResult
	for _, rs := range l.results {
		all = append(all, rs...)
	}
	slices.SortFunc(all, func(a, b sdkResult) int { return a.start.Compare(b.start) })
	return all
}

// TestRemovalIsImmediateOnEveryReplica: from the moment replica A answers
// the removal of a member, no request signed with the member's key
// succeeds on replica B.
func TestRemovalIsImmediateOnEveryReplica(t *testing.T) {
	t.Parallel()
	replicas, _ := startReplicas(t)
	a, b := replicas[0], replicas[1]
	ws := a.newWorkspace("Removal", "admin@removal.test", nil)
	const email = "leaver@removal.test"
	memberID := a.addMember(ws, email)
	_, signer := a.generateKey(a.login(email), "laptop")
	if r := b.sdkGet(context.Background(), signer, sdkBearerToken); r.Status != http.StatusOK {
		t.Fatalf("the member's key on replica B before the removal: %s", r)
	}

	load := startSDKLoad(b, signer, 4, time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	a.must(http.StatusNoContent, http.MethodDelete, "/api/v1/workspace/members/"+memberID, ws.AdminToken, nil)
	removed := time.Now()
	time.Sleep(500 * time.Millisecond)
	results := load.finish()

	var before, after, okBefore int
	for _, r := range results {
		if r.resp.Err != nil || (r.resp.Status != http.StatusOK && r.resp.Status != http.StatusUnauthorized) {
			t.Errorf("request at %s: %s", r.start.Format(time.StampMicro), r.resp)
			continue
		}
		if r.start.Before(removed) {
			before++
			if r.resp.Status == http.StatusOK {
				okBefore++
			}
			continue
		}
		after++
		if r.resp.Status != http.StatusUnauthorized {
			t.Errorf("request started %s after the removal answered: %s, want 401", r.start.Sub(removed), r.resp)
		}
	}
	t.Logf("%d requests before the removal answered (%d succeeded), %d after", before, okBefore, after)
	if okBefore == 0 || after < 10 {
		t.Fatalf("the load did not straddle the removal: %d successes before it, %d requests after", okBefore, after)
	}
}
