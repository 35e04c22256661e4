package console_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// testUserAPIKeys: User settings › API keys. A pasted public key is added
// and listed with its id and fingerprint; a pasted private key, a
// passphrase-protected key, an RSA key and a duplicate are refused with the
// server's own message; a generated pair's private key downloads as
// <title>.txt and signs SDK requests until the key is revoked.
func testUserAPIKeys(t *testing.T, browserCtx context.Context) {
	base, ws := startAcme(t)
	collection := base + "/api/v1/me/keys"

	tb := openTab(t, browserCtx, base)
	tb.logIn("ada@acme.test")
	tb.open("api-keys")
	tb.waitText("#page", "No keys yet")

	publicLine, privateKey, fingerprint := newEd25519(t, "ada@laptop")
	tb.click("#new-key")
	tb.typeInto("#new-key-title", "laptop")
	tb.paste("#new-key-public", publicLine)
	tb.submit("#new-key-dialog")
	tb.waitGone("#new-key-dialog")
	keys := listKeys(t, collection, ws.AdminToken)
	if len(keys) != 1 || keys[0].Fingerprint != fingerprint {
		t.Fatalf("after Create, the keys are %+v, want one with fingerprint %s", keys, fingerprint)
	}
	tb.waitText(`tr[data-key-id="`+keys[0].ID+`"]`, "laptop", keys[0].ID, fingerprint, "Uploaded public key")
	if status := sdkCall(t, base, privateKey, ""); status != http.StatusOK {
		t.Fatalf("a request signed with the uploaded key's private half answers %d", status)
	}

	// What the server refuses, the dialog shows in the server's words.
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaPublic, err := ssh.NewPublicKey(&rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	refused := []struct {
		name, pasted string
		code         string
	}{
		{"a private key", string(privateKey), "INVALID_ARGUMENTS_ERROR"},
		{"a passphrase-protected key", string(passphraseKey(t)), "INVALID_ARGUMENTS_ERROR"},
		{"an RSA key", strings.TrimSpace(string(ssh.MarshalAuthorizedKey(rsaPublic))), "INVALID_ARGUMENTS_ERROR"},
		{"a duplicate", publicLine, "DUPLICATE_SSH_KEY_ERROR"},
	}
	tb.click("#new-key")
	tb.typeInto("#new-key-title", "pasted by mistake")
	for _, tc := range refused {
		body, _ := json.Marshal(map[string]string{"title": "pasted by mistake", "publicKey": tc.pasted})
		status, refusal := apiCall(t, http.MethodPost, collection, ws.AdminToken, string(body))
		if status/100 != 4 {
			t.Fatalf("%s over HTTP: %d %s", tc.name, status, refusal)
		}
		tb.paste("#new-key-public", tc.pasted)
		tb.submit("#new-key-dialog")
		tb.waitText("#new-key-dialog .dialog-error", tc.code, errorMessage(t, refusal))
		if tc.name == "an RSA key" {
			tb.screenshot("api-keys-rsa-key-refused")
		}
	}
	tb.click("#new-key-dialog [data-action=cancel]")
	tb.waitGone("#new-key-dialog")
	if keys := listKeys(t, collection, ws.AdminToken); len(keys) != 1 {
		t.Fatalf("the refused keys left %d keys, want 1", len(keys))
	}

	// Generate key pair: the private key downloads as <title>.txt.
	tb.click("#new-key")
	tb.typeInto("#new-key-title", "training-job")
	tb.click("#generate-key-pair")
	tb.waitVisible("#generated-note")
	name, generated := tb.download("Create a generated pair", func() { tb.submit("#new-key-dialog") })
	if name != "training-job.txt" {
		t.Errorf("the private key downloaded as %q, want training-job.txt", name)
	}
	tb.waitGone("#new-key-dialog")
	if status := sdkCall(t, base, generated, ""); status != http.StatusOK {
		t.Fatalf("a request signed with the downloaded key answers %d, want 200", status)
	}
	var generatedKey key
	for _, k := range listKeys(t, collection, ws.AdminToken) {
		if k.Fingerprint == fingerprintOf(t, generated) {
			generatedKey = k
		}
	}
	if generatedKey.ID == "" {
		t.Fatal("the downloaded private key matches no key of the user")
	}
	row := `tr[data-key-id="` + generatedKey.ID + `"]`
	tb.waitText(row, "training-job", generatedKey.ID, generatedKey.Fingerprint, "Generated key pair")
	if containsPrivateKey(tb.markup()) {
		t.Error("the page holds a private key")
	}
	tb.waitText("#page", "Keys · 2 of 100 active")
	tb.screenshot("api-keys")

	// Revoke: the key stops authenticating at once.
	tb.click(row + " button")
	tb.waitText("dialog", "Revoke “training-job”")
	tb.submit("dialog")
	tb.waitText("#notices", "“training-job” revoked")
	tb.waitText(row, "revoked", "revoked by its owner")
	if status := sdkCall(t, base, generated, ""); status != http.StatusUnauthorized {
		t.Errorf("after Revoke, the key answers %d, want 401", status)
	}
	if status := sdkCall(t, base, privateKey, ""); status != http.StatusOK {
		t.Errorf("revoking one key broke the other: %d", status)
	}
}
