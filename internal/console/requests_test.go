package console_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
	"github.com/encord-emulator/encord-emulator/pkg/server"
)

// Trace ids as the SDK sends them in X-Cloud-Trace-Context.
const (
	traceAllowed = "0af7651916cd43dd8448eb211c80319c"
	traceUnknown = "4bf92f3577b34da6a3ce929d0e0e4736"
	traceLater   = "7c3e0ba1f1d54b5c9e2a6d8f00c1ab42"
)

// testJournal: Requests shows the SDK plane's decisions newest first, with
// the trace id, the key, the principal and the precise reason; it filters
// by outcome and picks up new decisions by itself.
func testJournal(t *testing.T, browserCtx context.Context) {
	base, ws := startAcme(t)
	publicLine, privateKey, _ := newEd25519(t, "ada")
	body, _ := json.Marshal(map[string]string{"title": "laptop", "publicKey": publicLine})
	var registered key
	mustAPI(t, http.MethodPost, base+"/api/v1/me/keys", ws.AdminToken, string(body), http.StatusCreated, &registered)
	_, stranger, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	unknown := encordsign.New(stranger)

	if status := sdkCall(t, base, privateKey, traceAllowed); status != http.StatusOK {
		t.Fatalf("the registered key answers %d", status)
	}
	if status := signedCall(t, base, unknown, traceUnknown); status != http.StatusUnauthorized {
		t.Fatalf("an unknown key answers %d", status)
	}

	tb := openTab(t, browserCtx, base)
	tb.logIn("ada@acme.test")
	tb.open("requests")
	first := "#journal .entry:first-child"
	tb.waitText(first, traceUnknown, "denied", "unknown_key", unknown.KeyID()[:12])
	tb.waitText(`.entry[data-trace-id="`+traceAllowed+`"]`, "allowed", "ada@acme.test", "user · admin", registered.PublicKeyHex[:12], "GET", "/v2/public/user/bearer-token", "v2 signature")
	if n := tb.count("#journal .entry"); n != 2 {
		t.Errorf("the journal shows %d rows, want 2", n)
	}
	tb.screenshot("requests")

	// Filter by outcome.
	tb.selectOption("#journal-outcome", "denied")
	tb.waitGone(`.entry[data-outcome="allowed"]`)
	if n := tb.count(`.entry[data-outcome="denied"]`); n != 1 {
		t.Errorf("filtered on denied, the journal shows %d denied rows, want 1", n)
	}

	// A new refusal appears without a click.
	if status := signedCall(t, base, unknown, traceLater); status != http.StatusUnauthorized {
		t.Fatalf("an unknown key answers %d", status)
	}
	tb.waitText(first, traceLater, "unknown_key")
}

// testJournalBehindAdminToken: with EMULATOR_ADMIN_TOKEN set, Requests asks
// for the token, says why and where it is kept, shows the server's refusal
// of a wrong one, and reads the journal with the right one.
func testJournalBehindAdminToken(t *testing.T, browserCtx context.Context) {
	const adminToken = "s3cret-control-plane-token"
	srv := startEmulator(t, server.Options{AdminToken: adminToken})
	base := srv.URL()
	createWorkspace(t, base, adminToken, "Acme Robotics", "ada@acme.test", "Ada Lovelace")
	status, refusal := apiCall(t, http.MethodGet, base+"/_emulator/requests", "wrong-token", "")
	if status != http.StatusUnauthorized {
		t.Fatalf("the journal with a wrong token: %d %s", status, refusal)
	}

	tb := openTab(t, browserCtx, base)
	tb.logIn("ada@acme.test")
	tb.open("requests")
	tb.waitText("#journal", "The control plane is protected", "EMULATOR_ADMIN_TOKEN", "memory only")
	tb.waitText("#admin-token-error", "The control plane answered", errorMessage(t, refusal))
	tb.screenshot("requests-admin-token")

	tb.typeInto("#admin-token", "wrong-token")
	tb.click("#admin-token-submit")
	tb.waitText("#admin-token-error", "The emulator refused this token", "AUTHENTICATION_ERROR", errorMessage(t, refusal))

	tb.typeInto("#admin-token", adminToken)
	tb.click("#admin-token-submit")
	tb.waitText("#journal", "No SDK requests yet")
	tb.waitText("#journal-token-state", "in this page's memory only")
	_, stranger, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signedCall(t, base, encordsign.New(stranger), traceUnknown)
	tb.waitText("#journal .entry:first-child", traceUnknown, "unknown_key")
	if strings.Contains(tb.markup(), adminToken) {
		t.Error("the page holds the admin token in its markup or fields")
	}
}
