package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// TestOneEmailPerIdentity: an email names one live member or one live
// service account, never both, and the service accounts' email domain is
// theirs. docs/rules.md, One email per identity.
func TestOneEmailPerIdentity(t *testing.T) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		c, _ := startServer(t, st, api.Config{})
		ws := c.newWorkspace("Acme", "admin@acme.test")
		c.must(200, "PATCH", "/_emulator/workspaces/"+ws.ID+"/quotas", "", map[string]any{"serviceAccounts": 10})
		wantTaken := func(t *testing.T, r response, field, mentions string) {
			t.Helper()
			e, _ := r.JSON["error"].(map[string]any)
			details, _ := e["details"].(map[string]any)
			if r.Status != 409 || r.code() != "RESOURCE_EXISTS_ERROR" || details["field"] != field || !strings.Contains(r.message(), mentions) {
				t.Fatalf("got %s, want 409 RESOURCE_EXISTS_ERROR on %s mentioning %q", r, field, mentions)
			}
		}
		addMember := func(email string) response {
			return c.do("POST", "/api/v1/workspace/members", ws.AdminToken, map[string]any{"email": email, "name": "Someone"})
		}
		newWorkspace := func(email string) response {
			return c.do("POST", "/_emulator/workspaces", "", map[string]any{"name": "Other", "admin": map[string]any{"email": email, "name": "A"}})
		}

		t.Run("a service account's email is not a member's", func(t *testing.T) {
			r := c.must(201, "POST", "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": "robot"})
			email := r.str("email")
			for _, variant := range []string{email, strings.ToUpper(email)} {
				wantTaken(t, addMember(variant), "email", "is the email of service account")
				wantTaken(t, newWorkspace(variant), "admin.email", "is the email of service account")
			}
			// It cannot log in either: service accounts have no session.
			if r := c.do("POST", "/api/v1/sessions", "", map[string]any{"email": email}); r.Status != 401 {
				t.Fatalf("login with a service account's email: %s", r)
			}
		})

		t.Run("the service accounts' domain is reserved", func(t *testing.T) {
			for _, email := range []string{
				"bob@" + accounts.ServiceAccountEmailDomain,
				"bob@eu." + accounts.ServiceAccountEmailDomain,
			} {
				wantTaken(t, addMember(email), "email", "is reserved for the emails of service accounts")
				wantTaken(t, newWorkspace(email), "admin.email", "is reserved for the emails of service accounts")
			}
			// A domain that only ends with the same letters is another one.
			c.must(201, "POST", "/api/v1/workspace/members", ws.AdminToken, map[string]any{"email": "bob@not" + accounts.ServiceAccountEmailDomain, "name": "Bob"})
		})

		t.Run("emails held in the store, whichever their domain", func(t *testing.T) {
			// A state written by hand (or an older release) can hold a
			// service account outside the reserved domain, or a member
			// inside it: the rule holds against them too.
			now := time.Now().UTC().Truncate(time.Microsecond)
			clash := accounts.ServiceAccountEmail("clash", ws.ID)
			err := st.Tx(context.Background(), func(tx store.Tx) error {
				if err := tx.CreateServiceAccount(context.Background(), store.ServiceAccount{
					ID: "sa-outside", WorkspaceID: ws.ID, Name: "ops", Email: "ops@acme.test", Role: store.RoleMember, CreatedAt: now, CreatedByMemberID: ws.AdminID,
				}); err != nil {
					return err
				}
				return tx.CreateMember(context.Background(), store.Member{
					ID: "member-inside", WorkspaceID: ws.ID, Email: clash, Name: "Inside", Role: store.RoleMember, CreatedAt: now,
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			wantTaken(t, addMember("OPS@acme.test"), "email", `service account "ops"`)
			wantTaken(t, c.do("POST", "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": "clash"}), "name", "is that of member member-inside")
		})
	})
}
