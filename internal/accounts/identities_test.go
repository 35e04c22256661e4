package accounts_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// TestOneWorkspacePerUser: an email is a live member of one workspace at
// most, compared without case; adding it again anywhere, or making it the
// admin of a new workspace, is a RESOURCE_EXISTS_ERROR that names the
// field and the workspace that holds it. A removal or the deletion of that
// workspace frees the email.
func TestOneWorkspacePerUser(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		for _, tc := range []struct {
			name string
			// again tries to take bob's email once more; ws holds bob.
			again     func(ws, other workspace, email string) error
			field     string
			freeFirst func(t *testing.T, ws workspace, bob store.Member)
			wantFreed bool
		}{
			{name: "in another workspace", field: "email", again: func(_, other workspace, email string) error {
				_, err := e.svc.AddMember(e.ctx, other.admin, accounts.AddMemberInput{Email: email, Name: "Bob"})
				return err
			}},
			{name: "in the same workspace", field: "email", again: func(ws, _ workspace, email string) error {
				_, err := e.svc.AddMember(e.ctx, ws.admin, accounts.AddMemberInput{Email: email, Name: "Bob"})
				return err
			}},
			{name: "in other case", field: "email", again: func(_, other workspace, email string) error {
				_, err := e.svc.AddMember(e.ctx, other.admin, accounts.AddMemberInput{Email: strings.ToUpper(email), Name: "Bob"})
				return err
			}},
			{name: "as the admin of a new workspace", field: "admin.email", again: func(_, _ workspace, email string) error {
				_, err := e.svc.CreateWorkspace(e.ctx, accounts.CreateWorkspaceInput{Name: "New", Admin: accounts.AdminInput{Email: email, Name: "Bob"}})
				return err
			}},
			{name: "after the member's removal", wantFreed: true, again: func(_, other workspace, email string) error {
				_, err := e.svc.AddMember(e.ctx, other.admin, accounts.AddMemberInput{Email: email, Name: "Bob"})
				return err
			}, freeFirst: func(t *testing.T, ws workspace, bob store.Member) {
				ok(t, e.svc.RemoveMember(e.ctx, ws.admin, bob.ID))
			}},
			{name: "after the workspace's deletion", wantFreed: true, again: func(_, other workspace, email string) error {
				_, err := e.svc.AddMember(e.ctx, other.admin, accounts.AddMemberInput{Email: email, Name: "Bob"})
				return err
			}, freeFirst: func(t *testing.T, ws workspace, _ store.Member) {
				ok(t, e.svc.DeleteWorkspace(e.ctx, ws.ID))
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ws, other := e.workspace(t, accounts.QuotasPatch{}), e.workspace(t, accounts.QuotasPatch{})
				bob := e.member(t, ws, "bob", store.RoleMember)
				if tc.freeFirst != nil {
					tc.freeFirst(t, ws, bob)
				}
				err := tc.again(ws, other, bob.Email)
				if tc.wantFreed {
					if err != nil {
						t.Fatalf("the email was freed, yet: %v", err)
					}
					return
				}
				var exists *errs.Error
				if !errors.As(err, &exists) || exists.Code != errs.ResourceExists || exists.Details["field"] != tc.field {
					t.Fatalf("got %#v, want RESOURCE_EXISTS_ERROR on %s", err, tc.field)
				}
				if !strings.Contains(exists.Message, ws.ID) {
					t.Errorf("message %q names no workspace", exists.Message)
				}
			})
		}
	})
}

// TestServiceAccountsNeverLogIn: a login with a service account's email is
// an AUTHENTICATION_ERROR; so is one with an unknown email or a removed
// member's.
func TestServiceAccountsNeverLogIn(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ws := e.workspace(t, accounts.QuotasPatch{})
		sa := e.serviceAccount(t, ws, "bot")
		if want := accounts.ServiceAccountEmail("bot", ws.ID); sa.Email != want {
			t.Errorf("service account email %q, want %q", sa.Email, want)
		}
		leaver := e.member(t, ws, "leaver", store.RoleMember)
		ok(t, e.svc.RemoveMember(e.ctx, ws.admin, leaver.ID))
		for name, email := range map[string]string{"service account": sa.Email, "unknown": "nobody@" + ws.domain, "removed member": leaver.Email} {
			_, _, err := e.svc.Login(e.ctx, email)
			wantCode(t, name, err, errs.Authentication)
		}
	})
}
