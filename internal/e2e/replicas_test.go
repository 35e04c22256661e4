package e2e

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// racers is how many concurrent requests each race sends, split evenly
// over the two replicas (testclient.Race).
const racers = 50

// startReplicas starts two servers on one fresh database, at once.
func startReplicas(t *testing.T) ([2]*testclient.Client, testenv.Database) {
	t.Helper()
	db := testenv.NewDatabase(t)
	env := append([]string{"EMULATOR_STORE=postgres", "EMULATOR_LOG_LEVEL=warn"}, db.Env...)
	a := launchServer(t, "replica-a", env...)
	b := launchServer(t, "replica-b", env...)
	a.WaitReady(t)
	b.WaitReady(t)
	return [2]*testclient.Client{testclient.NewForTest(t, a.URL, testclient.Options{Timeout: 20 * time.Second}), testclient.NewForTest(t, b.URL, testclient.Options{Timeout: 20 * time.Second})}, db
}

func TestReplicasShareQuotasAndUniqueness(t *testing.T) {
	t.Parallel()
	replicas, db := startReplicas(t)
	a, b := replicas[0], replicas[1]
	sql := testenv.Connect(t, db.DSN)
	ctx := context.Background()

	t.Run("service-account quota", func(t *testing.T) {
		const quota = 3
		ws := a.NewWorkspace(t, "SA quota", "admin@sa-quota.test", map[string]int{"serviceAccounts": quota})
		counts := testclient.Race(t, racers, replicas[:], func(i int, c *testclient.Client) testclient.Response {
			return c.Do(ctx, http.MethodPost, "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": fmt.Sprintf("bot-%d", i)})
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
		ws := a.NewWorkspace(t, "Key quota", "admin@key-quota.test", nil)
		sa := b.Must(t, http.StatusCreated, http.MethodPost, "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": "bot"}).Str("id")
		path := testclient.ServiceAccountKeys(sa)
		counts := testclient.Race(t, racers, replicas[:], func(i int, c *testclient.Client) testclient.Response {
			return c.Do(ctx, http.MethodPost, path, ws.AdminToken, map[string]any{"title": fmt.Sprintf("k%d", i)})
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
			tokens[i] = replicas[i%2].NewWorkspace(t, fmt.Sprintf("Users %d", i), fmt.Sprintf("admin%d@users.test", i), nil).AdminToken
		}
		line := testclient.NewPublicKeyLine(t)
		counts := testclient.Race(t, racers, replicas[:], func(i int, c *testclient.Client) testclient.Response {
			return c.Do(ctx, http.MethodPost, testclient.MyKeys, tokens[i], map[string]any{"title": "shared", "publicKey": line})
		})
		if counts[http.StatusCreated] != 1 || counts[http.StatusConflict] != racers-1 {
			t.Fatalf("statuses %v: want exactly 1 created and %d duplicates", counts, racers-1)
		}
		if n := queryInt(t, sql, `SELECT count(*) FROM keys WHERE public_key = $1 AND revoked_at IS NULL`, line); n != 1 {
			t.Fatalf("%d active keys with the public key in the database, want 1", n)
		}
	})
}

// getBearerToken sends, signed with signer, the SDK call that any valid key
// may make.
func getBearerToken(ctx context.Context, c *testclient.Client, signer *encordsign.Signer) testclient.Response {
	return c.SDK(ctx, testclient.SDKRequest{Signer: signer, Target: testclient.BearerTokenPath})
}

// sdkResult is one SDK-plane request of a load run.
type sdkResult struct {
	start, end time.Time
	resp       testclient.Response
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
func startSDKLoad(c *testclient.Client, signer *encordsign.Signer, workers int, pause time.Duration) *sdkLoad {
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
				r := getBearerToken(context.Background(), c, signer)
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
	ws := a.NewWorkspace(t, "Removal", "admin@removal.test", nil)
	const email = "leaver@removal.test"
	memberID := a.AddMember(t, ws, email, "member")
	signer := a.GenerateKey(t, a.Login(t, email), testclient.MyKeys, "laptop").Signer
	if r := getBearerToken(context.Background(), b, signer); r.Status != http.StatusOK {
		t.Fatalf("the member's key on replica B before the removal: %s", r)
	}

	load := startSDKLoad(b, signer, 4, time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	a.Must(t, http.StatusNoContent, http.MethodDelete, "/api/v1/workspace/members/"+memberID, ws.AdminToken, nil)
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
