package api_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// TestBearerTokensBoundToTheirKey: a bearer token lives only as long as the
// key whose signature minted it, and only a key signature mints one.
// docs/rules.md, Bearer tokens bound to their key.
func TestBearerTokensBoundToTheirKey(t *testing.T) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		c, _ := startServer(t, st, api.Config{})
		ws := c.newWorkspace("Acme", "admin@acme.test")
		c.must(200, "PATCH", "/_emulator/workspaces/"+ws.ID+"/quotas", "", map[string]any{"serviceAccounts": 10})
		// A v2 call a bearer token may make.
		const usable = "/v2/public/projects"

		t.Run("revoking the key revokes its bearers, not those of other keys", func(t *testing.T) {
			s, keyID := c.newSigner(ws.AdminToken, "/api/v1/me/keys")
			other, _ := c.newSigner(ws.AdminToken, "/api/v1/me/keys")
			doomed := c.sdk(s, sdkRequest{target: v2BearerPath}).str("token")
			kept := c.sdk(other, sdkRequest{target: v2BearerPath}).str("token")
			if r := c.sdk(nil, sdkRequest{target: usable, bearer: doomed}); r.Status != 200 {
				t.Fatalf("bearer before revocation: %s", r)
			}
			c.must(204, "DELETE", "/api/v1/me/keys/"+keyID, ws.AdminToken, nil)
			wantV2(t, c.sdk(nil, sdkRequest{target: usable, bearer: doomed}), 401, "unknown")
			wantV1(t, c.sdk(nil, sdkRequest{method: "POST", target: "/public/user", body: v1GetProjects, bearer: doomed}), 401, "AUTHENTICATION_ERROR", "unknown")
			if r := c.sdk(nil, sdkRequest{target: usable, bearer: kept}); r.Status != 200 {
				t.Fatalf("bearer of another key after the revocation: %s", r)
			}
		})

		t.Run("an admin revoking a member's key revokes its bearers", func(t *testing.T) {
			id, token := c.addMember(ws, "bob@acme.test", store.RoleMember)
			s, keyID := c.newSigner(token, "/api/v1/me/keys")
			bearer := c.sdk(s, sdkRequest{target: v2BearerPath}).str("token")
			c.must(204, "DELETE", "/api/v1/workspace/members/"+id+"/keys/"+keyID, ws.AdminToken, nil)
			wantV2(t, c.sdk(nil, sdkRequest{target: usable, bearer: bearer}), 401, "unknown")
		})

		t.Run("revoking a service account's key, or deleting the account, revokes its bearers", func(t *testing.T) {
			sa := c.newServiceAccount(ws, "robot")
			keys := "/api/v1/workspace/service-accounts/" + sa + "/keys"
			s1, key1 := c.newSigner(ws.AdminToken, keys)
			s2, _ := c.newSigner(ws.AdminToken, keys)
			b1 := c.sdk(s1, sdkRequest{target: v2BearerPath}).str("token")
			b2 := c.sdk(s2, sdkRequest{target: v2BearerPath}).str("token")
			c.must(204, "DELETE", keys+"/"+key1, ws.AdminToken, nil)
			wantV2(t, c.sdk(nil, sdkRequest{target: usable, bearer: b1}), 401, "unknown")
			if r := c.sdk(nil, sdkRequest{target: usable, bearer: b2}); r.Status != 200 {
				t.Fatalf("bearer of the account's other key: %s", r)
			}
			c.must(204, "DELETE", "/api/v1/workspace/service-accounts/"+sa, ws.AdminToken, nil)
			wantV2(t, c.sdk(nil, sdkRequest{target: usable, bearer: b2}), 401, "unknown")
		})

		t.Run("a bearer cannot mint a bearer, on any credential family", func(t *testing.T) {
			s, _ := c.newSigner(ws.AdminToken, "/api/v1/me/keys")
			bearer := c.sdk(s, sdkRequest{target: v2BearerPath}).str("token")
			wantV2(t, c.sdk(nil, sdkRequest{target: v2BearerPath, bearer: bearer}), 401, "a bearer token cannot mint another bearer token")
			// The key itself still mints.
			if r := c.sdk(s, sdkRequest{target: v2BearerPath}); r.Status != 200 {
				t.Fatalf("a key signature after the refusal: %s", r)
			}
		})

		t.Run("a bearer whose key was revoked while it was minted does not authenticate", func(t *testing.T) {
			// A mint that commits after the revocation leaves a bearer of
			// a revoked key; written here straight into the store.
			_, keyID := c.newSigner(ws.AdminToken, "/api/v1/me/keys")
			c.must(204, "DELETE", "/api/v1/me/keys/"+keyID, ws.AdminToken, nil)
			text := "emu-late-" + hex.EncodeToString(randomBytes(t))
			sum := sha256.Sum256([]byte(text))
			now := time.Now().UTC().Truncate(time.Microsecond)
			err := st.Tx(context.Background(), func(tx store.Tx) error {
				return tx.CreateToken(context.Background(), store.Token{
					ID: "late-bearer", Hash: hex.EncodeToString(sum[:]), Kind: store.TokenBearer,
					Owner: store.Owner{Type: store.OwnerUser, ID: ws.AdminID}, WorkspaceID: ws.ID, KeyID: keyID,
					CreatedAt: now, ExpiresAt: now.Add(time.Hour),
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			wantV2(t, c.sdk(nil, sdkRequest{target: usable, bearer: text}), 401, "key was revoked")
		})
	})
}

func randomBytes(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}
