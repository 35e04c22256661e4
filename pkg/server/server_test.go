package server_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/pkg/server"
)

// start starts a server with opts on a free port for the test and returns
// a client of it.
func start(t *testing.T, opts server.Options) (*server.Server, *testclient.Client) {
	t.Helper()
	opts.Addr = "127.0.0.1:0"
	srv, err := server.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return srv, testclient.NewForTest(t, srv.URL(), testclient.Options{})
}

// TestLastUsedAtIsRecorded: a successful SDK request sets the key's
// lastUsedAt within a flush interval, without a write on the request path.
func TestLastUsedAtIsRecorded(t *testing.T) {
	_, c := start(t, server.Options{LastUsedFlushInterval: 20 * time.Millisecond})
	ws := c.NewWorkspace(t, "A", "a@a.test", nil)
	key := c.GenerateKey(t, ws.AdminToken, testclient.MyKeys, "k")
	lastUsed := func() any {
		return c.Must(t, http.StatusOK, "GET", testclient.MyKeys, ws.AdminToken, nil).Items()[0]["lastUsedAt"]
	}
	if at := lastUsed(); at != nil {
		t.Fatalf("a key never used has lastUsedAt %v", at)
	}
	if r := c.SDK(context.Background(), testclient.SDKRequest{Signer: key.Signer, Target: testclient.BearerTokenPath}); r.Status != http.StatusOK {
		t.Fatalf("signed request: %s", r)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if at, _ := lastUsed().(string); at != "" {
			used, err := time.Parse(time.RFC3339Nano, at)
			if err != nil || time.Since(used) > time.Minute {
				t.Fatalf("lastUsedAt %q is not the time of the request (%v)", at, err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("lastUsedAt was never recorded")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
