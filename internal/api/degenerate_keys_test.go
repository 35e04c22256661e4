package api_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// identityKeyID is the Ed25519 identity point (01 then 31 zero bytes): a
// "public key" for which the signature 01 followed by 63 zero bytes
// verifies over any message with crypto/ed25519 alone.
var (
	identityKeyID     = "01" + strings.Repeat("0", 62)
	identitySignature = "01" + strings.Repeat("0", 126)
)

// sshEd25519Line is the authorized_keys line of 32 raw key bytes.
func sshEd25519Line(t *testing.T, keyID string) string {
	t.Helper()
	raw, err := hex.DecodeString(keyID)
	if err != nil {
		t.Fatal(err)
	}
	return ed25519Line(raw)
}

// TestDegenerateKeysNeverAuthenticate: a public key that is no real
// Ed25519 key (a small-order point such as the identity, no point at all, a
// non-canonical spelling) is refused on upload with 400 saying why, and one already in the
// store (written by an older release) authenticates nobody, on v1 or v2.
// docs/rules.md, Valid keys only.
func TestDegenerateKeysNeverAuthenticate(t *testing.T) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		c, _ := startServer(t, st, api.Config{})
		ws := c.newWorkspace("Acme", "admin@acme.test")
		sa := c.newServiceAccount(ws, "robot")

		t.Run("upload refused", func(t *testing.T) {
			// The identity point as the issue reported it.
			const identityLine = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
			if got := sshEd25519Line(t, identityKeyID); got != identityLine {
				t.Fatalf("identity line %s, want %s", got, identityLine)
			}
			for _, key := range []struct{ name, line, says string }{
				{"the identity", identityLine, "small-order point (the identity)"},
				{"a point of order 8", sshEd25519Line(t, "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"), "small-order point"},
				{"y = 2, no point at all", sshEd25519Line(t, "02"+strings.Repeat("0", 62)), "not a point of the Ed25519 curve"},
				{"ff...7f, a point spelt non-canonically", sshEd25519Line(t, strings.Repeat("f", 62)+"7f"), "non-canonical encoding"},
			} {
				for _, path := range []string{"/api/v1/me/keys", "/api/v1/workspace/service-accounts/" + sa + "/keys"} {
					r := c.do("POST", path, ws.AdminToken, map[string]any{"title": "weak", "publicKey": key.line})
					if r.Status != 400 || r.code() != "INVALID_ARGUMENTS_ERROR" || !strings.Contains(r.message(), key.says) {
						t.Errorf("upload of %s to %s: got %s, want 400 saying %q", key.name, path, r, key.says)
					}
				}
			}
			keys := c.must(200, "GET", "/api/v1/me/keys", ws.AdminToken, nil).items()
			if len(keys) != 0 {
				t.Errorf("refused uploads left %d keys", len(keys))
			}
		})

		t.Run("a stored identity key authenticates nobody", func(t *testing.T) {
			now := time.Now().UTC().Truncate(time.Microsecond)
			err := st.Tx(context.Background(), func(tx store.Tx) error {
				return tx.CreateKey(context.Background(), store.Key{
					ID: "stored-identity", WorkspaceID: ws.ID, Owner: store.Owner{Type: store.OwnerUser, ID: ws.AdminID},
					Title: "legacy", PublicKey: sshEd25519Line(t, identityKeyID), PublicKeyHex: identityKeyID,
					Fingerprint: "SHA256:legacy", Origin: store.OriginUploaded, CreatedAt: now,
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			// v1: the same header signs every body.
			for _, body := range []string{v1GetProjects, v1NotEmulated} {
				r := c.sdk(nil, sdkRequest{method: "POST", target: "/public/user", body: body, tamper: func(r *http.Request) {
					r.Header.Set("Authorization", identityKeyID+":"+identitySignature)
				}})
				wantV1(t, r, 401, "AUTHENTICATION_ERROR", "small-order point")
			}
			// v2: the same signature signs every request, the one that
			// mints a bearer token included.
			r := c.sdk(nil, sdkRequest{target: v2BearerPath, tamper: func(r *http.Request) {
				sig, _ := hex.DecodeString(identitySignature)
				encordsign.Headers{
					ContentDigest:  encordsign.ContentDigest(nil),
					SignatureInput: encordsign.Label + "=" + encordsign.SignatureParams(time.Now().Add(-30*time.Second).Unix(), identityKeyID),
					Signature:      encordsign.Label + "=:" + base64.StdEncoding.EncodeToString(sig) + ":",
				}.Apply(r.Header)
			}})
			wantV2(t, r, 401, "small-order point")
			entries := c.must(200, "GET", "/_emulator/requests?keyId="+identityKeyID, "", nil).items()
			if len(entries) != 3 {
				t.Fatalf("journal has %d entries for the identity key, want 3", len(entries))
			}
			for _, e := range entries {
				if e["outcome"] != "denied" || e["reason"] != "weak_key" {
					t.Errorf("journal entry %v, want denied for weak_key", e)
				}
			}
		})
	})
}
