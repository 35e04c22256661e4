package e2e

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
)

// Settings of the outage test. The statement timeout is what bounds a
// request while the database is away; the client waits well past it, so a
// request that hangs is seen as slow rather than cut short.
const (
	outageStatementTimeout = time.Second
	outageClientTimeout    = 10 * time.Second
	outageDuration         = 3 * time.Second
	// maxOutageLatency is the slowest answer accepted from a server whose
	// database is down or coming back: the statement timeout and slack for
	// a loaded machine running the race detector.
	maxOutageLatency = outageStatementTimeout + 2*time.Second
	// maxRecovery is how long after Postgres accepts connections again the
	// server may take to answer the SDK with 200.
	maxRecovery = 5 * time.Second
)

// probe is a poller of one endpoint during the outage.
type probe struct {
	stop    chan struct{}
	done    chan struct{}
	results []sdkResult // read after done closes
	// lastOK is when the last 200 ended (Unix nanoseconds), readable while
	// the probe runs.
	lastOK atomic.Int64
}

// okSince reports whether an answer that ended after t was a 200.
func (p *probe) okSince(t time.Time) bool { return p.lastOK.Load() > t.UnixNano() }

func startProbe(send func(ctx context.Context) testclient.Response, pause time.Duration) *probe {
	p := &probe{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		for {
			select {
			case <-p.stop:
				return
			default:
			}
			start := time.Now()
			r := send(context.Background())
			end := time.Now()
			if r.Status == http.StatusOK {
				p.lastOK.Store(end.UnixNano())
			}
			p.results = append(p.results, sdkResult{start: start, end: end, resp: r})
			time.Sleep(pause)
		}
	}()
	return p
}

func (p *probe) finish() []sdkResult {
	close(p.stop)
	<-p.done
	return p.results
}

// TestDatabaseOutage stops Postgres under SDK-plane load for a few seconds
// and starts it again. While it is down every plane answers 503 quickly
// (never 401, never a hang), readyz is not ready; when it returns the same
// server process recovers by itself, and nothing it acknowledged is lost.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	pg := newCluster(t)
	srv := startServer(t, "server",
		"EMULATOR_STORE=postgres",
		"DATABASE_URL="+pg.url(),
		"EMULATOR_DB_STATEMENT_TIMEOUT="+outageStatementTimeout.String(),
		"EMULATOR_LOG_LEVEL=warn",
	)
	c := testclient.NewForTest(t, srv.URL, testclient.Options{Timeout: outageClientTimeout})

	// Writes acknowledged before the outage.
	ws := c.NewWorkspace(t, "Outage", "admin@outage.test", nil)
	const members = 10
	memberIDs := make([]string, members)
	for i := range members {
		memberIDs[i] = c.AddMember(t, ws, fmt.Sprintf("m%d@outage.test", i), "member")
	}
	key := c.GenerateKey(t, ws.AdminToken, testclient.MyKeys, "load")
	keyID, signer := key.ID, key.Signer

	load := startSDKLoad(c, signer, 4, 5*time.Millisecond)
	management := startProbe(func(ctx context.Context) testclient.Response {
		return c.Do(ctx, http.MethodGet, "/api/v1/workspace", ws.AdminToken, nil)
	}, 20*time.Millisecond)
	readyz := startProbe(func(ctx context.Context) testclient.Response {
		return c.Do(ctx, http.MethodGet, "/_emulator/readyz", "", nil)
	}, 20*time.Millisecond)

	time.Sleep(500 * time.Millisecond)
	stopping := time.Now()
	pg.stop(t, "fast")
	stopped := time.Now()
	time.Sleep(outageDuration)
	restarting := time.Now()
	pg.start(t)
	started := time.Now()

	// Keep the load on until every plane has seen the recovery, or for
	// maxRecovery: on a loaded machine the probes' first 200 may come a
	// little after the SDK plane's.
	sdkRecovered := false
	recovered := waitFor(maxRecovery+time.Second, func() bool {
		if !sdkRecovered {
			sdkRecovered = getBearerToken(context.Background(), c, signer).Status == http.StatusOK
		}
		return sdkRecovered && management.okSince(started) && readyz.okSince(started)
	})
	time.Sleep(200 * time.Millisecond)
	sdk, mgmt, ready := load.finish(), management.finish(), readyz.finish()
	t.Logf("postgres stopped in %s, down for %s, restarted in %s", stopped.Sub(stopping), restarting.Sub(stopped), started.Sub(restarting))
	if !srv.Running() {
		t.Fatalf("the server exited during the outage: %v", srv.Err())
	}
	if !recovered {
		t.Fatalf("the planes did not all answer 200 within %s of Postgres accepting connections again (SDK plane: %v)", maxRecovery+time.Second, sdkRecovered)
	}

	// down: requests wholly inside the outage; up: before it began or
	// after Postgres was back. In the transitions only the promises that
	// always hold are checked.
	down := func(r sdkResult) bool { return r.start.After(stopped) && r.end.Before(restarting) }
	checkOutage(t, "SDK plane", sdk, down, func(r testclient.Response) string {
		if r.Status != http.StatusServiceUnavailable {
			return "want 503"
		}
		return ""
	})
	checkOutage(t, "management plane", mgmt, down, func(r testclient.Response) string {
		if r.Status != http.StatusServiceUnavailable || r.Code() != "SERVICE_UNAVAILABLE_ERROR" {
			return "want 503 SERVICE_UNAVAILABLE_ERROR"
		}
		return ""
	})
	checkOutage(t, "readyz", ready, down, func(r testclient.Response) string {
		if r.Status == http.StatusOK {
			return "want not ready"
		}
		return ""
	})
	for _, r := range sdk {
		if r.resp.Status == http.StatusUnauthorized {
			t.Errorf("SDK plane at %s: 401 for a valid key: an outage must never look like bad credentials: %s", r.start.Format(time.StampMilli), r.resp)
			break
		}
	}

	// Recovery, measured from pg_ctl start returning: the first request of
	// the load that started after it and succeeded.
	for name, results := range map[string][]sdkResult{"SDK plane": sdk, "management plane": mgmt, "readyz": ready} {
		first := firstSuccessAfter(results, started)
		if first == nil {
			t.Errorf("%s: no 200 after Postgres came back", name)
			continue
		}
		t.Logf("%s: first 200 %s after Postgres accepted connections again", name, first.end.Sub(started).Round(time.Millisecond))
		if d := first.end.Sub(started); d > maxRecovery {
			t.Errorf("%s recovered after %s, want within %s", name, d, maxRecovery)
		}
	}

	// Everything acknowledged before the outage is still there.
	listed := map[string]bool{}
	for _, m := range c.Must(t, http.StatusOK, http.MethodGet, "/api/v1/workspace/members", ws.AdminToken, nil).Items() {
		listed[m["id"].(string)] = true
	}
	for _, id := range memberIDs {
		if !listed[id] {
			t.Errorf("member %s, added before the outage, is gone", id)
		}
	}
	keys := c.Must(t, http.StatusOK, http.MethodGet, testclient.MyKeys, ws.AdminToken, nil).Items()
	if len(keys) != 1 || keys[0]["id"] != keyID {
		t.Errorf("the admin's keys after the outage: %v, want the one key %s", keys, keyID)
	}
	c.Must(t, http.StatusCreated, http.MethodPost, "/api/v1/workspace/members", ws.AdminToken,
		map[string]any{"email": "after@outage.test", "name": "After", "role": "member"})
}

// checkOutage checks the answers of one endpoint: none is a transport error
// or slower than maxOutageLatency; those wholly inside the outage pass
// check (which returns what was wanted, or ""). At least a few must be.
func checkOutage(t *testing.T, name string, results []sdkResult, down func(sdkResult) bool, check func(testclient.Response) string) {
	t.Helper()
	var inside int
	var slowest time.Duration
	for _, r := range results {
		slowest = max(slowest, r.latency())
		if r.resp.Err != nil {
			t.Errorf("%s at %s: %s", name, r.start.Format(time.StampMilli), r.resp)
			continue
		}
		if r.latency() > maxOutageLatency {
			t.Errorf("%s at %s took %s, want at most %s: %s", name, r.start.Format(time.StampMilli), r.latency(), maxOutageLatency, r.resp)
		}
		if !down(r) {
			continue
		}
		inside++
		if want := check(r.resp); want != "" {
			t.Errorf("%s at %s, Postgres down: %s, %s", name, r.start.Format(time.StampMilli), r.resp, want)
		}
	}
	t.Logf("%s: %d requests, %d while Postgres was down, slowest %s", name, len(results), inside, slowest.Round(time.Millisecond))
	if inside < 3 {
		t.Errorf("%s: only %d requests fell inside the outage", name, inside)
	}
}

func firstSuccessAfter(results []sdkResult, after time.Time) *sdkResult {
	var first *sdkResult
	for i, r := range results {
		if r.start.After(after) && r.resp.Status == http.StatusOK && (first == nil || r.end.Before(first.end)) {
			first = &results[i]
		}
	}
	return first
}

// waitFor polls cond every 20 ms until it holds or timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}
