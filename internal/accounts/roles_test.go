package accounts_test

import (
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// targets are what the management operations of a case act on: a member
// with a key, a service account with a key, and the caller's own key.
type targets struct {
	member    store.Member
	memberKey store.Key
	sa        store.ServiceAccount
	saKey     store.Key
	ownKey    store.Key
}

func newTargets(t *testing.T, e *env, ws workspace, caller accounts.Caller) targets {
	t.Helper()
	tg := targets{member: e.member(t, ws, "target", store.RoleMember), sa: e.serviceAccount(t, ws, "bot")}
	target, _ := e.login(t, tg.member)
	tg.memberKey = e.ownKey(t, target)
	tg.saKey = e.serviceAccountKey(t, ws, tg.sa)
	tg.ownKey = e.ownKey(t, caller)
	return tg
}

// operation is one management operation as caller c.
type operation struct {
	name string
	call func(e *env, c accounts.Caller, tg targets) error
}

// adminOnlyOperations are the operations only a workspace admin may make.
func adminOnlyOperations() []operation {
	role := store.RoleAdmin
	return []operation{
		{"ListServiceAccounts", func(e *env, c accounts.Caller, _ targets) error {
			return errOf(e.svc.ListServiceAccounts(e.ctx, c, everything))
		}},
		{"CreateServiceAccount", func(e *env, c accounts.Caller, _ targets) error {
			return errOf(e.svc.CreateServiceAccount(e.ctx, c, accounts.CreateServiceAccountInput{Name: "another"}))
		}},
		{"GetServiceAccount", func(e *env, c accounts.Caller, tg targets) error {
			return errOf(e.svc.GetServiceAccount(e.ctx, c, tg.sa.ID))
		}},
		{"UpdateServiceAccount", func(e *env, c accounts.Caller, tg targets) error {
			return errOf(e.svc.UpdateServiceAccount(e.ctx, c, tg.sa.ID, accounts.UpdateServiceAccountInput{Role: &role}))
		}},
		{"DeleteServiceAccount", func(e *env, c accounts.Caller, tg targets) error {
			return e.svc.DeleteServiceAccount(e.ctx, c, tg.sa.ID)
		}},
		{"ListServiceAccountKeys", func(e *env, c accounts.Caller, tg targets) error {
			return errOf(e.svc.ListServiceAccountKeys(e.ctx, c, tg.sa.ID, everything))
		}},
		{"AddServiceAccountKey", func(e *env, c accounts.Caller, tg targets) error {
			return errOf(e.svc.AddServiceAccountKey(e.ctx, c, tg.sa.ID, accounts.AddKeyInput{Title: "more"}))
		}},
		{"RevokeServiceAccountKey", func(e *env, c accounts.Caller, tg targets) error {
			return e.svc.RevokeServiceAccountKey(e.ctx, c, tg.sa.ID, tg.saKey.ID)
		}},
		{"AddMember", func(e *env, c accounts.Caller, _ targets) error {
			return errOf(e.svc.AddMember(e.ctx, c, accounts.AddMemberInput{Email: "new@" + c.WorkspaceID + ".test", Name: "New"}))
		}},
		{"SetMemberRole", func(e *env, c accounts.Caller, tg targets) error {
			return errOf(e.svc.SetMemberRole(e.ctx, c, tg.member.ID, accounts.RoleInput{Role: store.RoleAdmin}))
		}},
		{"RemoveMember", func(e *env, c accounts.Caller, tg targets) error { return e.svc.RemoveMember(e.ctx, c, tg.member.ID) }},
		{"ListMemberKeys", func(e *env, c accounts.Caller, tg targets) error {
			return errOf(e.svc.ListMemberKeys(e.ctx, c, tg.member.ID, everything))
		}},
		{"RevokeMemberKey", func(e *env, c accounts.Caller, tg targets) error {
			return e.svc.RevokeMemberKey(e.ctx, c, tg.member.ID, tg.memberKey.ID)
		}},
	}
}

// everyMemberOperations are the operations any live member may make.
func everyMemberOperations() []operation {
	return []operation{
		{"Me", func(e *env, c accounts.Caller, _ targets) error { _, _, err := e.svc.Me(e.ctx, c); return err }},
		{"GetOwnWorkspace", func(e *env, c accounts.Caller, _ targets) error { return errOf(e.svc.GetOwnWorkspace(e.ctx, c)) }},
		{"ListMembers", func(e *env, c accounts.Caller, _ targets) error {
			return errOf(e.svc.ListMembers(e.ctx, c, everything))
		}},
		{"ListOwnKeys", func(e *env, c accounts.Caller, _ targets) error {
			return errOf(e.svc.ListOwnKeys(e.ctx, c, everything))
		}},
		{"AddOwnKey", func(e *env, c accounts.Caller, _ targets) error {
			return errOf(e.svc.AddOwnKey(e.ctx, c, accounts.AddKeyInput{Title: "phone"}))
		}},
		{"RevokeOwnKey", func(e *env, c accounts.Caller, tg targets) error { return e.svc.RevokeOwnKey(e.ctx, c, tg.ownKey.ID) }},
	}
}

// TestWorkspaceRoles: a member's call to an admin-only operation is an
// AUTHORISATION_ERROR that changes nothing, an admin's succeeds; every
// live member may manage its own keys and read its workspace. Each call
// runs in a workspace of its own.
func TestWorkspaceRoles(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		for _, op := range adminOnlyOperations() {
			t.Run(op.name, func(t *testing.T) {
				ws := e.workspace(t, accounts.QuotasPatch{ServiceAccounts: new(2)})
				bob, _ := e.login(t, e.member(t, ws, "bob", store.RoleMember))
				tg := newTargets(t, e, ws, bob)
				before := must(e.svc.ExportState(e.ctx))(t)
				wantCode(t, "as a member", op.call(e, bob, tg), errs.Authorisation)
				if after := must(e.svc.ExportState(e.ctx))(t); !sameState(before, after) {
					t.Errorf("the refused call changed the state")
				}
				if err := op.call(e, ws.admin, tg); err != nil {
					t.Errorf("as the admin: %v", err)
				}
			})
		}
		for _, op := range everyMemberOperations() {
			t.Run(op.name, func(t *testing.T) {
				ws := e.workspace(t, accounts.QuotasPatch{})
				bob, _ := e.login(t, e.member(t, ws, "bob", store.RoleMember))
				if err := op.call(e, bob, newTargets(t, e, ws, bob)); err != nil {
					t.Errorf("as a member: %v", err)
				}
			})
		}
	})
}

// TestRolesAreReadInEveryCall: a caller's rights are its member's role as
// it is now, for a session and for ActingAs alike: a promotion or a
// demotion takes effect on the next call, a removal ends them.
func TestRolesAreReadInEveryCall(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ws := e.workspace(t, accounts.QuotasPatch{ServiceAccounts: new(10)})
		bob := e.member(t, ws, "bob", store.RoleMember)
		session, _ := e.login(t, bob)
		for _, c := range []struct {
			name   string
			caller accounts.Caller
		}{{"session", session}, {"ActingAs", accounts.ActingAs(bob)}} {
			create := func() error {
				return errOf(e.svc.CreateServiceAccount(e.ctx, c.caller, accounts.CreateServiceAccountInput{Name: "by " + c.name}))
			}
			wantCode(t, c.name+" as a member", create(), errs.Authorisation)
			must(e.svc.SetMemberRole(e.ctx, ws.admin, bob.ID, accounts.RoleInput{Role: store.RoleAdmin}))(t)
			if err := create(); err != nil {
				t.Errorf("%s after the promotion: %v", c.name, err)
			}
			must(e.svc.SetMemberRole(e.ctx, ws.admin, bob.ID, accounts.RoleInput{Role: store.RoleMember}))(t)
			wantCode(t, c.name+" after the demotion", create(), errs.Authorisation)
		}
		ok(t, e.svc.RemoveMember(e.ctx, ws.admin, bob.ID))
		for name, c := range map[string]accounts.Caller{"session": session, "ActingAs": accounts.ActingAs(bob)} {
			_, err := e.svc.ListOwnKeys(e.ctx, c, everything)
			wantCode(t, name+" after the removal", err, errs.Authentication)
		}
	})
}

// TestServiceAccountRole: a service account starts as a member; an admin
// makes it admin after creation, and the SDK plane sees the new role at
// once.
func TestServiceAccountRole(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ws := e.workspace(t, accounts.QuotasPatch{})
		sa := e.serviceAccount(t, ws, "ops")
		key := e.serviceAccountKey(t, ws, sa)
		if sa.Role != store.RoleMember || e.principal(t, key).Role != store.RoleMember {
			t.Fatalf("a new service account has role %q (principal %q), want member", sa.Role, e.principal(t, key).Role)
		}
		admin := store.RoleAdmin
		must(e.svc.UpdateServiceAccount(e.ctx, ws.admin, sa.ID, accounts.UpdateServiceAccountInput{Role: &admin}))(t)
		if p := e.principal(t, key); p.Role != store.RoleAdmin || !p.IsAdmin() {
			t.Errorf("after the update the principal has role %q, want admin", p.Role)
		}
	})
}

// TestLastAdmin: a workspace always keeps a member who is admin. Removing
// or demoting its last one is an OPERATION_NOT_ALLOWED that changes
// nothing; an admin service account or a removed admin does not count; with
// another admin member both are allowed.
func TestLastAdmin(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		demote := func(ws workspace, id string) error {
			return errOf(e.svc.SetMemberRole(e.ctx, ws.admin, id, accounts.RoleInput{Role: store.RoleMember}))
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
