package accounts_test

import (
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// TestOtherWorkspacesDoNotExist: to a workspace's admin, the members,
// service accounts, keys and resources of another workspace are
// RESOURCE_NOT_FOUND_ERROR (never an authorisation error, which would say
// they exist), and the calls change nothing there.
func TestOtherWorkspacesDoNotExist(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ws := e.workspace(t, accounts.QuotasPatch{})
		theirs := e.workspace(t, accounts.QuotasPatch{})
		ours := newTargets(t, e, ws, ws.admin)
		other := newTargets(t, e, theirs, theirs.admin)
		dataset := must(e.svc.CreateResource(e.ctx, theirs.ID, accounts.CreateResourceInput{Kind: store.KindDataset, Title: "Theirs"}))(t)
		admin := e.principal(t, ours.ownKey)
		role := store.RoleAdmin
		before := must(e.svc.ExportState(e.ctx))(t)
		for name, call := range map[string]func() error{
			"GetServiceAccount": func() error { _, err := e.svc.GetServiceAccount(e.ctx, ws.admin, other.sa.ID); return err },
			"UpdateServiceAccount": func() error {
				_, err := e.svc.UpdateServiceAccount(e.ctx, ws.admin, other.sa.ID, accounts.UpdateServiceAccountInput{Role: &role})
				return err
			},
			"DeleteServiceAccount":   func() error { return e.svc.DeleteServiceAccount(e.ctx, ws.admin, other.sa.ID) },
			"ListServiceAccountKeys": func() error { _, err := e.svc.ListServiceAccountKeys(e.ctx, ws.admin, other.sa.ID); return err },
			"AddServiceAccountKey": func() error {
				_, err := e.svc.AddServiceAccountKey(e.ctx, ws.admin, other.sa.ID, accounts.AddKeyInput{Title: "x"})
				return err
			},
			"RevokeServiceAccountKey":                func() error { return e.svc.RevokeServiceAccountKey(e.ctx, ws.admin, other.sa.ID, other.saKey.ID) },
			"RevokeServiceAccountKey of our account": func() error { return e.svc.RevokeServiceAccountKey(e.ctx, ws.admin, ours.sa.ID, other.saKey.ID) },
			"SetMemberRole": func() error {
				_, err := e.svc.SetMemberRole(e.ctx, ws.admin, other.member.ID, accounts.RoleInput{Role: store.RoleAdmin})
				return err
			},
			"RemoveMember":                  func() error { return e.svc.RemoveMember(e.ctx, ws.admin, other.member.ID) },
			"ListMemberKeys":                func() error { _, err := e.svc.ListMemberKeys(e.ctx, ws.admin, other.member.ID); return err },
			"RevokeMemberKey":               func() error { return e.svc.RevokeMemberKey(e.ctx, ws.admin, other.member.ID, other.memberKey.ID) },
			"RevokeMemberKey of our member": func() error { return e.svc.RevokeMemberKey(e.ctx, ws.admin, ours.member.ID, other.memberKey.ID) },
			"RevokeOwnKey":                  func() error { return e.svc.RevokeOwnKey(e.ctx, ws.admin, other.ownKey.ID) },
			"GetResource":                   func() error { _, err := e.svc.GetResource(e.ctx, admin, store.KindDataset, dataset.ID); return err },
		} {
			wantCode(t, name, call(), errs.NotFound)
		}
		if after := must(e.svc.ExportState(e.ctx))(t); !sameState(before, after) {
			t.Errorf("calls on another workspace changed the state")
		}
	})
}
