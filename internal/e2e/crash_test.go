package e2e

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// acknowledged records the writes a server answered 201 or 204 to.
type acknowledged struct {
	mu      sync.Mutex
	members map[string]string             // member id → email
	keys    map[string]string             // key id → owner member id
	signers map[string]*encordsign.Signer // key id → its private half
	removed map[string]bool               // member ids
	// removing are the members whose removal was sent: one without an
	// answer may or may not have happened.
	removing map[string]bool
}

// crashWriter is one goroutine's stream of writes: add a member, log it
// in, generate a key for it, and remove every other member again.
type crashWriter struct {
	c        *testclient.Client
	ws       testclient.Workspace
	acked    *acknowledged
	inFlight *atomic.Int64
	// failed are the requests that got no answer, with their start.
	failed []time.Time
}

// send counts the request as in flight while it is.
func (w *crashWriter) send(method, path, token string, body any) (testclient.Response, bool) {
	start := time.Now()
	w.inFlight.Add(1)
	r := w.c.Do(context.Background(), method, path, token, body)
	w.inFlight.Add(-1)
	if r.Err != nil {
		w.failed = append(w.failed, start)
		return r, false
	}
	return r, true
}

// run writes until the server stops answering. Any answer but the
// expected one fails the test.
func (w *crashWriter) run(t *testing.T, id int) {
	expect := func(r testclient.Response, want int, what string) bool {
		if r.Status != want {
			t.Errorf("writer %d, %s: %s, want %d", id, what, r, want)
			return false
		}
		return true
	}
	for j := 0; ; j++ {
		email := fmt.Sprintf("w%d-%d@crash.test", id, j)
		r, ok := w.send(http.MethodPost, "/api/v1/workspace/members", w.ws.AdminToken, map[string]any{"email": email, "name": email, "role": "member"})
		if !ok || !expect(r, http.StatusCreated, "add member") {
			return
		}
		memberID := r.Str("id")
		w.acked.mu.Lock()
		w.acked.members[memberID] = email
		w.acked.mu.Unlock()

		r, ok = w.send(http.MethodPost, "/api/v1/sessions", "", map[string]any{"email": email})
		if !ok || !expect(r, http.StatusCreated, "log in") {
			return
		}
		r, ok = w.send(http.MethodPost, testclient.MyKeys, r.Str("token"), map[string]any{"title": "k"})
		if !ok || !expect(r, http.StatusCreated, "generate key") {
			return
		}
		key, err := testclient.ParseGeneratedKey(r)
		if err != nil {
			t.Error(err)
			return
		}
		w.acked.mu.Lock()
		w.acked.keys[key.ID] = memberID
		w.acked.signers[key.ID] = key.Signer
		w.acked.mu.Unlock()

		if j%2 == 1 {
			continue
		}
		w.acked.mu.Lock()
		w.acked.removing[memberID] = true
		w.acked.mu.Unlock()
		r, ok = w.send(http.MethodDelete, "/api/v1/workspace/members/"+memberID, w.ws.AdminToken, nil)
		if !ok || !expect(r, http.StatusNoContent, "remove member") {
			return
		}
		w.acked.mu.Lock()
		w.acked.removed[memberID] = true
		w.acked.mu.Unlock()
	}
}

// TestCrashKeepsAcknowledgedWrites kills the server with SIGKILL during a
// stream of writes and restarts it: every write it acknowledged is there,
// and nothing is half-written.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	t.Parallel()
	db := testenv.NewDatabase(t)
	env := append([]string{"EMULATOR_STORE=postgres", "EMULATOR_LOG_LEVEL=warn"}, db.Env...)
	first := startServer(t, "server-before-crash", env...)
	c := testclient.NewForTest(t, first.URL, testclient.Options{Timeout: 20 * time.Second})
	ws := c.NewWorkspace(t, "Crash", "admin@crash.test", nil)

	acked := &acknowledged{members: map[string]string{}, keys: map[string]string{}, signers: map[string]*encordsign.Signer{}, removed: map[string]bool{}, removing: map[string]bool{}}
	var inFlight atomic.Int64
	const writers = 4
	writerList := make([]*crashWriter, writers)
	var wg sync.WaitGroup
	for i := range writers {
		writerList[i] = &crashWriter{c: c, ws: ws, acked: acked, inFlight: &inFlight}
		wg.Go(func() { writerList[i].run(t, i) })
	}

	// Let the writes run until there is something to lose, then kill the
	// server while requests are in flight.
	enough := func() bool {
		acked.mu.Lock()
		defer acked.mu.Unlock()
		return len(acked.members) >= 40 && len(acked.removed) >= 10
	}
	if !waitFor(30*time.Second, enough) {
		t.Fatal("too few writes acknowledged within 30 s")
	}
	var inFlightAtKill int64
	if !waitFor(5*time.Second, func() bool { inFlightAtKill = inFlight.Load(); return inFlightAtKill > 0 }) {
		t.Fatal("no request was ever in flight")
	}
	killed := time.Now()
	first.Kill()
	wg.Wait()

	var unanswered int
	for _, w := range writerList {
		for _, start := range w.failed {
			if start.Before(killed) {
				unanswered++
			}
		}
	}
	t.Logf("SIGKILL with %d requests in flight (%d requests sent before it got no answer); acknowledged: %d members, %d keys, %d removals",
		inFlightAtKill, unanswered, len(acked.members), len(acked.keys), len(acked.removed))

	second := startServer(t, "server-after-crash", env...)
	c = testclient.NewForTest(t, second.URL, testclient.Options{Timeout: 20 * time.Second})
	sql := testenv.Connect(t, db.DSN)

	// Every acknowledged write is there.
	lost := 0
	for id := range acked.members {
		if queryInt(t, sql, `SELECT count(*) FROM members WHERE id = $1 AND workspace_id = $2`, id, ws.ID) != 1 {
			t.Errorf("acknowledged member %s is missing", id)
			lost++
		}
	}
	for keyID, owner := range acked.keys {
		if queryInt(t, sql, `SELECT count(*) FROM keys WHERE id = $1 AND owner_type = 'user' AND owner_id = $2`, keyID, owner) != 1 {
			t.Errorf("acknowledged key %s of member %s is missing", keyID, owner)
			lost++
		}
	}
	for id := range acked.removed {
		if queryInt(t, sql, `SELECT count(*) FROM members WHERE id = $1 AND removed_at IS NOT NULL`, id) != 1 {
			t.Errorf("acknowledged removal of member %s is undone", id)
			lost++
		}
	}
	t.Logf("acknowledged writes lost: %d", lost)

	// Nothing is half-written.
	invariants := []struct{ what, sql string }{
		{"keys without an owner row", `
			SELECT count(*) FROM keys k
			LEFT JOIN members m ON k.owner_type = 'user' AND m.id = k.owner_id
			LEFT JOIN service_accounts sa ON k.owner_type = 'service_account' AND sa.id = k.owner_id
			WHERE m.id IS NULL AND sa.id IS NULL`},
		{"active keys of removed members", `
			SELECT count(*) FROM keys k JOIN members m ON k.owner_type = 'user' AND m.id = k.owner_id
			WHERE m.removed_at IS NOT NULL AND k.revoked_at IS NULL`},
		{"tokens of removed members", `
			SELECT count(*) FROM tokens t JOIN members m ON t.owner_type = 'user' AND m.id = t.owner_id
			WHERE m.removed_at IS NOT NULL`},
		{"tokens without an owner row", `
			SELECT count(*) FROM tokens t
			LEFT JOIN members m ON t.owner_type = 'user' AND m.id = t.owner_id
			LEFT JOIN service_accounts sa ON t.owner_type = 'service_account' AND sa.id = t.owner_id
			WHERE m.id IS NULL AND sa.id IS NULL`},
		{"live members with the same email", `
			SELECT count(*) FROM (SELECT lower(email) FROM members WHERE removed_at IS NULL GROUP BY 1 HAVING count(*) > 1) d`},
	}
	for _, inv := range invariants {
		if n := queryInt(t, sql, inv.sql); n != 0 {
			t.Errorf("%d %s after the crash", n, inv.what)
		}
	}

	// The restarted server agrees: keys of live members authenticate, keys
	// of removed ones do not.
	var checkedLive, checkedRemoved int
	for keyID, owner := range acked.keys {
		if acked.removing[owner] && !acked.removed[owner] {
			continue // the removal was in flight at the crash
		}
		r := getBearerToken(context.Background(), c, acked.signers[keyID])
		want := http.StatusOK
		if acked.removed[owner] {
			want = http.StatusUnauthorized
			checkedRemoved++
		} else {
			checkedLive++
		}
		if r.Status != want {
			t.Errorf("key %s of member %s (removed: %t) after the restart: %s, want %d", keyID, owner, acked.removed[owner], r, want)
		}
	}
	if checkedLive == 0 || checkedRemoved == 0 {
		t.Errorf("keys checked after the restart: %d of live members, %d of removed ones; want some of each", checkedLive, checkedRemoved)
	}
}
