package accounts_test

import (
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// TestLastAdmin: a workspace always keeps a member who is admin. Removing
// or demoting its last one is an OPERATION_NOT_ALLOWED that changes
// nothing; an admin service account or a removed admin does not count; with
// another admin member both are allowed.
func TestLastAdmin(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		demote := func(ws workspace, id string) error {
			_, err := e.svc.SetMemberRole(e.ctx, ws.admin, id, accounts.RoleInput{Role: store.RoleMember})
			return err
		}
		remove := func(ws workspace, id string) error { return e.svc.RemoveMember(e.ctx, ws.admin, id) }
		for _, tc := range []struct {
			name string
			// others gives the workspace its other principals.
			others  func(t *testing.T, ws workspace)
			allowed bool
		}{
			{name: "alone", others: func(*testing.T, workspace) {}},
			{name: "with members", others: func(t *testing.T, ws workspace) {
				e.member(t, ws, "bob", store.RoleMember)
			}},
			{name: "with an admin service account", others: func(t *testing.T, ws workspace) {
				sa := e.serviceAccount(t, ws, "ops")
				admin := store.RoleAdmin
				must(e.svc.UpdateServiceAccount(e.ctx, ws.admin, sa.ID, accounts.UpdateServiceAccountInput{Role: &admin}))(t)
			}},
			{name: "with a removed admin", others: func(t *testing.T, ws workspace) {
				ok(t, e.svc.RemoveMember(e.ctx, ws.admin, e.member(t, ws, "gone", store.RoleAdmin).ID))
			}},
			{name: "with another admin", allowed: true, others: func(t *testing.T, ws workspace) {
				e.member(t, ws, "second", store.RoleAdmin)
			}},
		} {
			for verb, change := range map[string]func(workspace, string) error{"demoted": demote, "removed": remove} {
				t.Run(tc.name+"/"+verb, func(t *testing.T) {
					ws := e.workspace(t, accounts.QuotasPatch{})
					tc.others(t, ws)
					before := must(e.svc.ExportState(e.ctx))(t)
					err := change(ws, ws.Admin.ID)
					if tc.allowed {
						if err != nil {
							t.Errorf("another admin remains, yet: %v", err)
						}
						return
					}
					wantCode(t, "the last admin "+verb, err, errs.OperationNotAllowed)
					if after := must(e.svc.ExportState(e.ctx))(t); !sameState(before, after) {
						t.Errorf("the refused change changed the state")
					}
				})
			}
		}
	})
}
