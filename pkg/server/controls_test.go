package server_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/pkg/server"
)

func TestFaultMethods(t *testing.T) {
	srv, c := start(t, server.Options{})
	ctx := context.Background()
	ws := c.NewWorkspace(t, "A", "a@a.test", nil)
	key := c.GenerateKey(t, ws.AdminToken, testclient.MyKeys, "k")
	bearer := func() int {
		return c.SDK(ctx, testclient.SDKRequest{Signer: key.Signer, Target: testclient.BearerTokenPath}).Status
	}

	drawn, err := srv.AddFault(ctx, server.FaultRule{
		Match:  server.FaultMatch{Path: "/v2/public/**", Principal: "A@a.test"},
		Action: server.FaultAction{Status: http.StatusServiceUnavailable, RetryAfter: 1500 * time.Millisecond},
		Fire:   server.FaultFire{Times: 2, Probability: 0.5},
	})
	if err != nil {
		t.Fatal(err)
	}
	if drawn.ID == "" || drawn.Fire.Seed == nil || drawn.Match.Plane != "sdk" || drawn.Match.Principal != "a@a.test" || drawn.Action.RetryAfter != 2*time.Second {
		t.Errorf("AddFault returned %+v, want an id, a seed, plane sdk, the email in lower case and Retry-After rounded up to 2s", drawn)
	}
	if _, err := srv.AddFault(ctx, server.FaultRule{Action: server.FaultAction{Status: 200}}); err == nil {
		t.Errorf("AddFault took a rule answering 200")
	}
	if err := srv.DeleteFault(ctx, drawn.ID); err != nil {
		t.Fatal(err)
	}
	if err := srv.DeleteFault(ctx, drawn.ID); err == nil {
		t.Errorf("deleting a deleted rule succeeded")
	}

	first, err := srv.AddFault(ctx, server.FaultRule{ID: "once", Action: server.FaultAction{Status: http.StatusBadGateway}, Fire: server.FaultFire{Times: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if got := []int{bearer(), bearer()}; got[0] != http.StatusBadGateway || got[1] != http.StatusOK {
		t.Errorf("statuses %v, want 502 then 200", got)
	}
	listed, err := srv.Faults(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != 1 || listed[0].ID != first.ID || listed[0].Fired != 1 || listed[0].Matched != 1 || !listed[0].Spent || listed[0].Fire.Times != 1 {
		t.Errorf("Faults() = %+v, want rule once, fired once, spent", listed)
	}
	if n, err := srv.ClearFaults(ctx); err != nil || n != 1 {
		t.Errorf("ClearFaults = %d, %v; want 1", n, err)
	}
}

// The emulator's clock from Go: a key used at a frozen instant has that
// instant as its lastUsedAt, and its creation time too.
func TestClockMethods(t *testing.T) {
	srv, c := start(t, server.Options{LastUsedFlushInterval: 10 * time.Millisecond})
	ctx := context.Background()
	if err := srv.SetClockOffset(ctx, -time.Hour); err != nil {
		t.Fatal(err)
	}
	if drift := time.Since(srv.Now()) - time.Hour; drift < -time.Minute || drift > time.Minute {
		t.Errorf("Now() is %v behind real time, want an hour", time.Since(srv.Now()))
	}
	if err := srv.SetClockOffset(ctx, 200*365*24*time.Hour); err == nil {
		t.Errorf("SetClockOffset took 200 years")
	}

	frozen := time.Date(2032, time.February, 29, 12, 0, 0, 123456000, time.UTC)
	if err := srv.FreezeClock(ctx, frozen); err != nil {
		t.Fatal(err)
	}
	if !srv.Now().Equal(frozen) {
		t.Fatalf("Now() = %v, want %v", srv.Now(), frozen)
	}
	ws := c.NewWorkspace(t, "A", "a@a.test", nil)
	key := c.GenerateKey(t, ws.AdminToken, testclient.MyKeys, "k")
	if r := c.SDK(ctx, testclient.SDKRequest{Signer: key.Signer, Target: testclient.BearerTokenPath, Now: frozen}); r.Status != http.StatusOK {
		t.Fatalf("a request signed at the frozen instant: %s", r)
	}
	want := frozen.Format(time.RFC3339Nano)
	deadline := time.Now().Add(10 * time.Second)
	for {
		k := c.Must(t, http.StatusOK, "GET", testclient.MyKeys, ws.AdminToken, nil).Items()[0]
		if k["createdAt"] != want {
			t.Fatalf("createdAt %v, want the frozen instant %s", k["createdAt"], want)
		}
		if k["lastUsedAt"] == want {
			break
		}
		if k["lastUsedAt"] != nil || time.Now().After(deadline) {
			t.Fatalf("lastUsedAt %v, want the frozen instant %s", k["lastUsedAt"], want)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := srv.ResetClock(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(srv.Now()); d < -time.Minute || d > time.Minute {
		t.Errorf("after ResetClock, Now() is %v away from real time", d)
	}
	if err := srv.FreezeClock(ctx, time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Errorf("FreezeClock(1960) succeeded; the clock's range starts in 1970")
	}
}

// The seed's fault rules are applied at startup and replayed by a reset,
// which deletes every other rule and returns the clock to real time.
func TestSeedFaultRules(t *testing.T) {
	seedFile := filepath.Join(t.TempDir(), "seed.yaml")
	seedText := "workspaces:\n  - name: Acme\n    admin: {email: ada@acme.test, name: Ada}\n" +
		"faults:\n  - id: seeded\n    match: {path: /v2/public/**}\n    action: {status: 429}\n    fire: {times: 1}\n"
	if err := os.WriteFile(seedFile, []byte(seedText), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, c := start(t, server.Options{SeedFile: seedFile})
	ctx := context.Background()
	ids := func() []string {
		listed, err := srv.Faults(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range listed {
			out = append(out, f.ID)
		}
		return out
	}
	if got := ids(); !slices.Equal(got, []string{"seeded"}) {
		t.Fatalf("rules at startup %v, want the seed's", got)
	}
	if _, err := srv.AddFault(ctx, server.FaultRule{ID: "extra", Action: server.FaultAction{Delay: time.Millisecond}}); err != nil {
		t.Fatal(err)
	}
	if err := srv.FreezeClock(ctx, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	c.Must(t, http.StatusNoContent, http.MethodPost, "/_emulator/reset", "", nil)
	if got := ids(); !slices.Equal(got, []string{"seeded"}) {
		t.Errorf("rules after reset %v, want the seed's again", got)
	}
	if d := time.Since(srv.Now()); d < -time.Minute || d > time.Minute {
		t.Errorf("after reset the clock is %v away from real time", d)
	}
}
