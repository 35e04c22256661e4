package api_test

import (
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// TestRules checks every rule of docs/rules.md through the HTTP API,
// on each store.
func TestRules(t *testing.T) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		newClient := func(t *testing.T) *client {
			c, _ := startServer(t, newStore(t), api.Config{})
			return c
		}

		t.Run("member cannot create a service account", func(t *testing.T) {
			c := newClient(t)
			ws := c.newWorkspace("Acme", "admin@acme.test")
			_, member := c.addMember(ws, "bob@acme.test", store.RoleMember)
			r := c.must(403, "POST", "/api/v1/workspace/service-accounts", member, map[string]any{"name": "bot"})
			if r.code() != "AUTHORISATION_ERROR" {
				t.Fatalf("code = %q, want AUTHORISATION_ERROR: %s", r.code(), r)
			}
			// ... nor list, read or key them.
			sa := c.newServiceAccount(ws, "bot")
			c.must(403, "GET", "/api/v1/workspace/service-accounts", member, nil)
			c.must(403, "POST", "/api/v1/workspace/service-accounts/"+sa+"/keys", member, map[string]any{"title": "k"})
			c.must(403, "DELETE", "/api/v1/workspace/service-accounts/"+sa, member, nil)
		})

		t.Run("service account quota and raising it", func(t *testing.T) {
			c := newClient(t)
			ws := c.newWorkspace("Acme", "admin@acme.test")
			c.newServiceAccount(ws, "first")
			r := c.must(409, "POST", "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": "second"})
			if r.code() != "QUOTA_EXCEEDED_ERROR" || !strings.Contains(r.message(), "1 of 1") {
				t.Fatalf("got %s, want QUOTA_EXCEEDED_ERROR naming 1 of 1", r)
			}
			c.must(200, "PATCH", "/_emulator/workspaces/"+ws.ID+"/quotas", "", map[string]any{"serviceAccounts": 2})
			c.newServiceAccount(ws, "second")
			c.must(409, "POST", "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": "third"})
			got := c.must(200, "GET", "/api/v1/workspace", ws.AdminToken, nil)
			usage := got.JSON["usage"].(map[string]any)
			if usage["serviceAccounts"].(float64) != 2 {
				t.Fatalf("usage = %v, want 2 service accounts", usage)
			}
		})

		t.Run("key quota, revoked keys do not count, raised quota allows more", func(t *testing.T) {
			c := newClient(t)
			ws := c.newWorkspace("Acme", "admin@acme.test")
			sa := c.newServiceAccount(ws, "bot")
			keysPath := "/api/v1/workspace/service-accounts/" + sa + "/keys"
			var first string
			for i := range 5 {
				r := c.must(201, "POST", keysPath, ws.AdminToken, map[string]any{"title": "k"})
				if i == 0 {
					first = r.JSON["key"].(map[string]any)["id"].(string)
				}
			}
			r := c.must(409, "POST", keysPath, ws.AdminToken, map[string]any{"title": "sixth"})
			if r.code() != "QUOTA_EXCEEDED_ERROR" || !strings.Contains(r.message(), "service account bot already has 5 of 5 keys") {
				t.Fatalf("got %s, want QUOTA_EXCEEDED_ERROR with 'service account bot already has 5 of 5 keys'", r)
			}
			c.must(204, "DELETE", keysPath+"/"+first, ws.AdminToken, nil)
			c.must(201, "POST", keysPath, ws.AdminToken, map[string]any{"title": "replacement"})
			c.must(409, "POST", keysPath, ws.AdminToken, map[string]any{"title": "seventh"})
			c.must(200, "PATCH", "/_emulator/workspaces/"+ws.ID+"/quotas", "", map[string]any{"keysPerServiceAccount": 6})
			c.must(201, "POST", keysPath, ws.AdminToken, map[string]any{"title": "sixth active"})
			if n := len(c.must(200, "GET", keysPath, ws.AdminToken, nil).items()); n != 7 {
				t.Fatalf("listed %d keys, want 7 (6 active + 1 revoked)", n)
			}
		})

		t.Run("user key quota", func(t *testing.T) {
			c := newClient(t)
			ws := c.newWorkspace("Acme", "admin@acme.test")
			c.must(200, "PATCH", "/_emulator/workspaces/"+ws.ID+"/quotas", "", map[string]any{"keysPerUser": 2})
			_, bob := c.addMember(ws, "bob@acme.test", store.RoleMember)
			c.must(201, "POST", "/api/v1/me/keys", bob, map[string]any{"title": "a", "publicKey": newPublicKey(t)})
			c.must(201, "POST", "/api/v1/me/keys", bob, map[string]any{"title": "b"})
			r := c.must(409, "POST", "/api/v1/me/keys", bob, map[string]any{"title": "c"})
			if r.code() != "QUOTA_EXCEEDED_ERROR" || !strings.Contains(r.message(), "2 of 2") {
				t.Fatalf("got %s", r)
			}
		})

		t.Run("duplicate key across workspaces", func(t *testing.T) {
			c := newClient(t)
			a := c.newWorkspace("A", "admin@a.test")
			b := c.newWorkspace("B", "admin@b.test")
			line := newPublicKey(t)
			c.must(201, "POST", "/api/v1/me/keys", a.AdminToken, map[string]any{"title": "mine", "publicKey": line})
			r := c.must(409, "POST", "/api/v1/me/keys", b.AdminToken, map[string]any{"title": "also mine", "publicKey": line + " other-comment"})
			if r.code() != "DUPLICATE_SSH_KEY_ERROR" {
				t.Fatalf("got %s, want DUPLICATE_SSH_KEY_ERROR", r)
			}
			// Also for a service account of the other workspace.
			sa := c.newServiceAccount(b, "bot")
			r = c.must(409, "POST", "/api/v1/workspace/service-accounts/"+sa+"/keys", b.AdminToken, map[string]any{"title": "k", "publicKey": line})
			if r.code() != "DUPLICATE_SSH_KEY_ERROR" {
				t.Fatalf("got %s, want DUPLICATE_SSH_KEY_ERROR", r)
			}
			// Revoking frees the slot.
			id := c.must(200, "GET", "/api/v1/me/keys", a.AdminToken, nil).items()[0]["id"].(string)
			c.must(204, "DELETE", "/api/v1/me/keys/"+id, a.AdminToken, nil)
			c.must(201, "POST", "/api/v1/me/keys", b.AdminToken, map[string]any{"title": "now mine", "publicKey": line})
		})

		t.Run("removal revokes keys with the reason and kills sessions", func(t *testing.T) {
			c := newClient(t)
			ws := c.newWorkspace("Acme", "admin@acme.test")
			bobID, bob := c.addMember(ws, "bob@acme.test", store.RoleMember)
			c.must(201, "POST", "/api/v1/me/keys", bob, map[string]any{"title": "laptop", "publicKey": newPublicKey(t)})
			c.must(201, "POST", "/api/v1/me/keys", bob, map[string]any{"title": "generated"})
			c.must(204, "DELETE", "/api/v1/workspace/members/"+bobID, ws.AdminToken, nil)

			keys := c.must(200, "GET", "/api/v1/workspace/members/"+bobID+"/keys", ws.AdminToken, nil).items()
			if len(keys) != 2 {
				t.Fatalf("got %d keys, want 2", len(keys))
			}
			for _, k := range keys {
				if k["revokedAt"] == nil || k["revokeReason"] != accounts.ReasonMemberRemoved {
					t.Fatalf("key not revoked with the removal reason: %v", k)
				}
			}
			r := c.must(401, "GET", "/api/v1/me", bob, nil)
			if r.code() != "AUTHENTICATION_ERROR" {
				t.Fatalf("got %s", r)
			}
			c.must(401, "POST", "/api/v1/sessions", "", map[string]any{"email": "bob@acme.test"})

			// Re-adding does not revive the keys.
			newID, _ := c.addMember(ws, "bob@acme.test", store.RoleMember)
			if n := len(c.must(200, "GET", "/api/v1/workspace/members/"+newID+"/keys", ws.AdminToken, nil).items()); n != 0 {
				t.Fatalf("re-added member has %d keys, want 0", n)
			}
			for _, k := range c.must(200, "GET", "/api/v1/workspace/members/"+bobID+"/keys", ws.AdminToken, nil).items() {
				if k["revokedAt"] == nil {
					t.Fatalf("old key revived: %v", k)
				}
			}
		})

		t.Run("deleting a service account revokes its keys", func(t *testing.T) {
			c := newClient(t)
			ws := c.newWorkspace("Acme", "admin@acme.test")
			sa := c.newServiceAccount(ws, "bot")
			c.must(201, "POST", "/api/v1/workspace/service-accounts/"+sa+"/keys", ws.AdminToken, map[string]any{"title": "k"})
			c.must(204, "DELETE", "/api/v1/workspace/service-accounts/"+sa, ws.AdminToken, nil)
			c.must(404, "GET", "/api/v1/workspace/service-accounts/"+sa, ws.AdminToken, nil)
			// The quota slot is free again.
			c.newServiceAccount(ws, "bot")
		})

		t.Run("last admin cannot be removed or demoted", func(t *testing.T) {
			c := newClient(t)
			ws := c.newWorkspace("Acme", "admin@acme.test")
			r := c.must(409, "DELETE", "/api/v1/workspace/members/"+ws.AdminID, ws.AdminToken, nil)
			if r.code() != "OPERATION_NOT_ALLOWED" {
				t.Fatalf("got %s", r)
			}
			r = c.must(409, "PATCH", "/api/v1/workspace/members/"+ws.AdminID, ws.AdminToken, map[string]any{"role": "member"})
			if r.code() != "OPERATION_NOT_ALLOWED" {
				t.Fatalf("got %s", r)
			}
			bobID, _ := c.addMember(ws, "bob@acme.test", store.RoleMember)
			c.must(200, "PATCH", "/api/v1/workspace/members/"+bobID, ws.AdminToken, map[string]any{"role": "admin"})
			c.must(200, "PATCH", "/api/v1/workspace/members/"+ws.AdminID, ws.AdminToken, map[string]any{"role": "member"})
			// The demoted admin is now a member: admin routes answer 403.
			c.must(403, "POST", "/api/v1/workspace/members", ws.AdminToken, map[string]any{"email": "x@acme.test", "name": "X"})
		})

		t.Run("other workspaces are invisible", func(t *testing.T) {
			c := newClient(t)
			a := c.newWorkspace("A", "admin@a.test")
			b := c.newWorkspace("B", "admin@b.test")
			sa := c.newServiceAccount(a, "bot")
			bobID, _ := c.addMember(a, "bob@a.test", store.RoleMember)
			for _, p := range []struct{ method, path string }{
				{"GET", "/api/v1/workspace/service-accounts/" + sa},
				{"PATCH", "/api/v1/workspace/service-accounts/" + sa},
				{"DELETE", "/api/v1/workspace/service-accounts/" + sa},
				{"GET", "/api/v1/workspace/service-accounts/" + sa + "/keys"},
				{"POST", "/api/v1/workspace/service-accounts/" + sa + "/keys"},
				{"PATCH", "/api/v1/workspace/members/" + bobID},
				{"DELETE", "/api/v1/workspace/members/" + bobID},
				{"GET", "/api/v1/workspace/members/" + bobID + "/keys"},
			} {
				var body any
				switch p.method {
				case "PATCH":
					body = map[string]any{"role": "admin"}
				case "POST":
					body = map[string]any{"title": "k"}
				}
				r := c.do(p.method, p.path, b.AdminToken, body)
				if r.Status != 404 || r.code() != "RESOURCE_NOT_FOUND_ERROR" {
					t.Errorf("%s %s from another workspace: got %s, want 404", p.method, p.path, r)
				}
			}
			if n := len(c.must(200, "GET", "/api/v1/workspace/members", b.AdminToken, nil).items()); n != 1 {
				t.Errorf("workspace B lists %d members, want only its admin", n)
			}
		})

		t.Run("a user belongs to one workspace", func(t *testing.T) {
			c := newClient(t)
			a := c.newWorkspace("A", "admin@a.test")
			b := c.newWorkspace("B", "admin@b.test")
			c.addMember(a, "bob@x.test", store.RoleMember)
			r := c.must(409, "POST", "/api/v1/workspace/members", b.AdminToken, map[string]any{"email": "BOB@x.test", "name": "Bob"})
			if r.code() != "RESOURCE_EXISTS_ERROR" {
				t.Fatalf("got %s", r)
			}
		})

		t.Run("a service account cannot log in", func(t *testing.T) {
			c := newClient(t)
			ws := c.newWorkspace("Acme", "admin@acme.test")
			sa := c.must(201, "POST", "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": "bot", "description": "ci"})
			if sa.str("role") != "member" || sa.str("email") == "" {
				t.Fatalf("new service account: %s", sa)
			}
			r := c.must(401, "POST", "/api/v1/sessions", "", map[string]any{"email": sa.str("email")})
			if r.code() != "AUTHENTICATION_ERROR" || !strings.Contains(r.message(), "service accounts can never log in") {
				t.Fatalf("got %s", r)
			}
		})

		t.Run("service account role is applied after creation", func(t *testing.T) {
			c := newClient(t)
			ws := c.newWorkspace("Acme", "admin@acme.test")
			sa := c.newServiceAccount(ws, "bot")
			r := c.must(200, "PATCH", "/api/v1/workspace/service-accounts/"+sa, ws.AdminToken, map[string]any{"role": "admin"})
			if r.str("role") != "admin" {
				t.Fatalf("got %s", r)
			}
			if c.must(200, "GET", "/api/v1/workspace/service-accounts/"+sa, ws.AdminToken, nil).str("role") != "admin" {
				t.Fatal("role not stored")
			}
		})

		t.Run("logout ends the session", func(t *testing.T) {
			c := newClient(t)
			ws := c.newWorkspace("Acme", "admin@acme.test")
			c.must(200, "GET", "/api/v1/me", ws.AdminToken, nil)
			c.must(204, "DELETE", "/api/v1/sessions/current", ws.AdminToken, nil)
			c.must(401, "GET", "/api/v1/me", ws.AdminToken, nil)
		})

		t.Run("deleting a workspace frees its keys and emails", func(t *testing.T) {
			c := newClient(t)
			a := c.newWorkspace("A", "admin@a.test")
			line := newPublicKey(t)
			c.must(201, "POST", "/api/v1/me/keys", a.AdminToken, map[string]any{"title": "k", "publicKey": line})
			c.must(204, "DELETE", "/_emulator/workspaces/"+a.ID, "", nil)
			c.must(401, "GET", "/api/v1/me", a.AdminToken, nil)
			b := c.newWorkspace("B", "admin@a.test")
			c.must(201, "POST", "/api/v1/me/keys", b.AdminToken, map[string]any{"title": "k", "publicKey": line})
		})
	})
}
