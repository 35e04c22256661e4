package e2e

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
)

// awaitClock polls a replica's GET /_emulator/clock until its offset is
// want: the replica has applied the clock setting another one wrote.
func awaitClock(t *testing.T, c *testclient.Client, field, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := c.Must(t, http.StatusOK, http.MethodGet, "/_emulator/clock", "", nil)
		if r.Str(field) == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica's clock has %s %q 10 s after the other replica set %q", field, r.Str(field), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Two replicas on one Postgres share the fault rules, the exact count of
// their firings, and the clock: each learns the other's changes from the
// store's notifications, with no store round trip per request.
func TestReplicasShareFaultsAndClock(t *testing.T) {
	t.Parallel()
	replicas, _ := startReplicas(t)
	a, b := replicas[0], replicas[1]
	ctx := context.Background()
	ws := a.NewWorkspace(t, "Faults", "admin@faults.test", nil)
	key := a.GenerateKey(t, ws.AdminToken, testclient.MyKeys, "k")

	// A rule created on a, then a clock change on a. Notifications reach
	// b in commit order and b reloads each before reading the next, so once
	// b shows the clock, it applies the rule too.
	a.Must(t, http.StatusCreated, http.MethodPost, "/_emulator/faults", "", map[string]any{
		"id": "shared", "match": map[string]any{"path": testclient.BearerTokenPath}, "action": map[string]any{"status": 429}, "fire": map[string]any{"times": 5},
	})
	a.Must(t, http.StatusOK, http.MethodPut, "/_emulator/clock", "", map[string]any{"offset": "1s"})
	awaitClock(t, b, "offset", "1s")

	counts := testclient.Race(t, racers, replicas[:], func(_ int, c *testclient.Client) testclient.Response {
		return c.SDK(ctx, testclient.SDKRequest{Signer: key.Signer, Target: testclient.BearerTokenPath})
	})
	if counts[http.StatusTooManyRequests] != 5 || counts[http.StatusOK] != racers-5 {
		t.Fatalf("statuses %v across both replicas: want exactly 5 faulted and %d served", counts, racers-5)
	}
	for _, c := range replicas {
		rules := c.Must(t, http.StatusOK, http.MethodGet, "/_emulator/faults", "", nil).Items()
		if len(rules) != 1 || rules[0]["fired"] != 5.0 || rules[0]["spent"] != true {
			t.Errorf("a replica lists %v, want rule shared fired 5 times and spent", rules)
		}
	}

	// The clock, frozen on b an hour ahead, moves a's signature window.
	frozen := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	b.Must(t, http.StatusOK, http.MethodPut, "/_emulator/clock", "", map[string]any{"frozenAt": frozen.Format(time.RFC3339)})
	awaitClock(t, a, "frozenAt", frozen.Format(time.RFC3339))
	if r := a.SDK(ctx, testclient.SDKRequest{Signer: key.Signer, Target: testclient.BearerTokenPath}); r.Status != http.StatusUnauthorized {
		t.Errorf("a request signed at real time, an hour before the shared clock: %s, want 401", r)
	}
	if r := a.SDK(ctx, testclient.SDKRequest{Signer: key.Signer, Target: testclient.BearerTokenPath, Now: frozen}); r.Status != http.StatusOK {
		t.Errorf("a request signed at the shared clock's now: %s", r)
	}

	// Deleting the rules on b, and real time again on a.
	b.Must(t, http.StatusOK, http.MethodDelete, "/_emulator/faults", "", nil)
	a.Must(t, http.StatusOK, http.MethodDelete, "/_emulator/clock", "", nil)
	awaitClock(t, b, "mode", "real")
	if rules := a.Must(t, http.StatusOK, http.MethodGet, "/_emulator/faults", "", nil).Items(); len(rules) != 0 {
		t.Errorf("a lists %v after b deleted every rule", rules)
	}

	// Each replica serves its own metrics, Postgres pool figures included;
	// together they counted the 5 firings.
	fired := 0.0
	for _, c := range replicas {
		scrape, err := testclient.ParseScrape(bytes.NewReader(c.Must(t, http.StatusOK, http.MethodGet, "/metrics", "", nil).Body))
		if err != nil {
			t.Fatal(err)
		}
		if got := scrape.Sum("encord_emulator_db_pool_max_conns", nil); got <= 0 {
			t.Errorf("db_pool_max_conns = %v, want the pool's size", got)
		}
		fired += scrape.Sum("encord_emulator_faults_fired_total", testclient.Labels{"plane": "sdk", "status": "429"})
	}
	if fired != 5 {
		t.Errorf("the replicas counted %v firings in all, want 5", fired)
	}
}
