package accounts_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// quotaCase is one quota: how to set it, and how to take and free one unit
// of it in a workspace.
type quotaCase struct {
	name  string
	patch func(n int) accounts.QuotasPatch
	// setup returns add, which takes one unit (returning a handle), free,
	// which gives the unit of a handle back, and count, how many are held.
	setup func(t *testing.T, e *env, ws workspace) (add func() (string, error), free func(string) error, count func() int)
}

// quotaCases are the three quotas.
func quotaCases() []quotaCase {
	return []quotaCase{
		{
			name:  "service accounts per workspace",
			patch: func(n int) accounts.QuotasPatch { return accounts.QuotasPatch{ServiceAccounts: &n} },
			setup: func(t *testing.T, e *env, ws workspace) (func() (string, error), func(string) error, func() int) {
				i := 0
				add := func() (string, error) {
					i++
					sa, err := e.svc.CreateServiceAccount(e.ctx, ws.admin, accounts.CreateServiceAccountInput{Name: fmt.Sprintf("bot %d", i)})
					return sa.ID, err
				}
				free := func(id string) error { return e.svc.DeleteServiceAccount(e.ctx, ws.admin, id) }
				count := func() int { return len(must(e.svc.ListServiceAccounts(e.ctx, ws.admin, everything))(t).Items) }
				return add, free, count
			},
		},
		{
			name:  "keys per service account",
			patch: func(n int) accounts.QuotasPatch { return accounts.QuotasPatch{KeysPerServiceAccount: &n} },
			setup: func(t *testing.T, e *env, ws workspace) (func() (string, error), func(string) error, func() int) {
				sa := e.serviceAccount(t, ws, "bot")
				add := func() (string, error) {
					k, err := e.svc.AddServiceAccountKey(e.ctx, ws.admin, sa.ID, accounts.AddKeyInput{Title: "ci"})
					return k.Key.ID, err
				}
				free := func(id string) error { return e.svc.RevokeServiceAccountKey(e.ctx, ws.admin, sa.ID, id) }
				count := func() int {
					return activeKeys(must(e.svc.ListServiceAccountKeys(e.ctx, ws.admin, sa.ID, everything))(t).Items)
				}
				return add, free, count
			},
		},
		{
			name:  "keys per user",
			patch: func(n int) accounts.QuotasPatch { return accounts.QuotasPatch{KeysPerUser: &n} },
			setup: func(t *testing.T, e *env, ws workspace) (func() (string, error), func(string) error, func() int) {
				bob, _ := e.login(t, e.member(t, ws, "bob", store.RoleMember))
				add := func() (string, error) {
					k, err := e.svc.AddOwnKey(e.ctx, bob, accounts.AddKeyInput{Title: "laptop"})
					return k.Key.ID, err
				}
				free := func(id string) error { return e.svc.RevokeOwnKey(e.ctx, bob, id) }
				count := func() int { return activeKeys(must(e.svc.ListOwnKeys(e.ctx, bob, everything))(t).Items) }
				return add, free, count
			},
		},
	}
}

// TestQuotas takes each quota to its limit: the next creation is a
// QUOTA_EXCEEDED_ERROR that names the limit and the count; freeing a unit
// (deleting, revoking) makes room; raising the quota makes room; lowering
// it below the usage keeps what exists and refuses the next.
func TestQuotas(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		for _, tc := range quotaCases() {
			t.Run(tc.name, func(t *testing.T) {
				ws := e.workspace(t, tc.patch(2))
				add, free, count := tc.setup(t, e, ws)
				first := must(add())(t)
				must(add())(t)
				_, err := add()
				var quota *errs.Error
				if !errors.As(err, &quota) || quota.Code != errs.QuotaExceeded || quota.Details["limit"] != 2 || quota.Details["count"] != 2 {
					t.Fatalf("a third with a quota of 2: got %#v, want QUOTA_EXCEEDED_ERROR with limit 2 and count 2", err)
				}
				if err := free(first); err != nil {
					t.Fatal(err)
				}
				if _, err := add(); err != nil {
					t.Fatalf("after freeing one: %v", err)
				}
				must(e.svc.SetQuotas(e.ctx, ws.ID, tc.patch(3)))(t)
				if _, err := add(); err != nil {
					t.Fatalf("after raising the quota to 3: %v", err)
				}
				must(e.svc.SetQuotas(e.ctx, ws.ID, tc.patch(1)))(t)
				_, err = add()
				wantCode(t, "over a quota lowered below the usage", err, errs.QuotaExceeded)
				if n := count(); n != 3 {
					t.Errorf("%d held after lowering the quota, want the 3 there were", n)
				}
			})
		}
	})
}

// TestKeyQuotasArePerOwner: one owner at its key quota does not stop
// another.
func TestKeyQuotasArePerOwner(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ws := e.workspace(t, accounts.QuotasPatch{KeysPerUser: new(1), KeysPerServiceAccount: new(1), ServiceAccounts: new(2)})
		bob, _ := e.login(t, e.member(t, ws, "bob", store.RoleMember))
		carol, _ := e.login(t, e.member(t, ws, "carol", store.RoleMember))
		first, second := e.serviceAccount(t, ws, "first"), e.serviceAccount(t, ws, "second")
		e.ownKey(t, bob)
		e.ownKey(t, carol)
		e.serviceAccountKey(t, ws, first)
		e.serviceAccountKey(t, ws, second)
		_, err := e.svc.AddOwnKey(e.ctx, bob, accounts.AddKeyInput{Title: "second"})
		wantCode(t, "bob's second key", err, errs.QuotaExceeded)
	})
}

// TestDefaultQuotas: a workspace created without quotas gets the
// service's (Encord's documented defaults unless configured).
func TestDefaultQuotas(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ws := e.workspace(t, accounts.QuotasPatch{})
		if got := must(e.svc.GetWorkspace(e.ctx, ws.ID))(t).Quotas; got != accounts.DefaultQuotas {
			t.Errorf("quotas %+v, want %+v", got, accounts.DefaultQuotas)
		}
		e.serviceAccount(t, ws, "only")
		_, err := e.svc.CreateServiceAccount(e.ctx, ws.admin, accounts.CreateServiceAccountInput{Name: "second"})
		wantCode(t, "a second service account by default", err, errs.QuotaExceeded)

		configured := accounts.New(e.st, accounts.Config{Quotas: store.Quotas{ServiceAccounts: 4}})
		created := must(configured.CreateWorkspace(e.ctx, accounts.CreateWorkspaceInput{Name: "Configured", Admin: accounts.AdminInput{Email: "admin@configured.test", Name: "A"}}))(t)
		want := store.Quotas{ServiceAccounts: 4, KeysPerServiceAccount: accounts.DefaultQuotas.KeysPerServiceAccount, KeysPerUser: accounts.DefaultQuotas.KeysPerUser, Resources: accounts.DefaultQuotas.Resources}
		if got := created.Workspace.Quotas; got != want {
			t.Errorf("with Config.Quotas: quotas %+v, want %+v", got, want)
		}
	})
}

func activeKeys(keys []store.Key) int {
	n := 0
	for _, k := range keys {
		if k.Active() {
			n++
		}
	}
	return n
}
