package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// The rules of package accounts, tested on the Service itself, on both
// stores: the cases of a table share one store of each backend and tell
// their workspaces apart by a counter, so a Postgres schema is migrated
// once per test, not once per case.

// env is one Service over a fresh store.
type env struct {
	ctx context.Context
	svc *accounts.Service
	st  store.Store
	n   int // workspaces made so far
}

// forEachStore runs fn once per backend, with a Service over a fresh store.
func forEachStore(t *testing.T, fn func(t *testing.T, e *env)) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		fn(t, &env{ctx: context.Background(), svc: accounts.New(st, accounts.Config{}), st: st})
	})
}

// workspace is a workspace of one case: its first admin, logged in.
type workspace struct {
	ID     string
	domain string // of the case's emails
	Admin  store.Member
	admin  accounts.Caller
}

// workspace creates a workspace with quotas (the defaults where nil).
func (e *env) workspace(t *testing.T, quotas accounts.QuotasPatch) workspace {
	t.Helper()
	e.n++
	domain := fmt.Sprintf("w%d.test", e.n)
	created := must(e.svc.CreateWorkspace(e.ctx, accounts.CreateWorkspaceInput{
		Name: fmt.Sprintf("Workspace %d", e.n), Admin: accounts.AdminInput{Email: "admin@" + domain, Name: "Admin"}, Quotas: quotas,
	}))(t)
	return workspace{ID: created.Workspace.ID, domain: domain, Admin: created.Admin, admin: e.session(t, created.Session.Token)}
}

// session turns a session token into its caller.
func (e *env) session(t *testing.T, token string) accounts.Caller {
	t.Helper()
	return must(e.svc.AuthenticateSession(e.ctx, token))(t)
}

// member adds name@<the workspace's domain> with role, as its admin.
func (e *env) member(t *testing.T, ws workspace, name string, role store.Role) store.Member {
	t.Helper()
	return must(e.svc.AddMember(e.ctx, ws.admin, accounts.AddMemberInput{Email: name + "@" + ws.domain, Name: name, Role: role}))(t)
}

// login opens a session of m and returns its caller and token.
func (e *env) login(t *testing.T, m store.Member) (accounts.Caller, string) {
	t.Helper()
	issued, _, err := e.svc.Login(e.ctx, m.Email)
	if err != nil {
		t.Fatal(err)
	}
	return e.session(t, issued.Token), issued.Token
}

// serviceAccount creates a service account as the workspace's admin.
func (e *env) serviceAccount(t *testing.T, ws workspace, name string) store.ServiceAccount {
	t.Helper()
	return must(e.svc.CreateServiceAccount(e.ctx, ws.admin, accounts.CreateServiceAccountInput{Name: name}))(t)
}

// ownKey generates a key of the caller's.
func (e *env) ownKey(t *testing.T, c accounts.Caller) store.Key {
	t.Helper()
	return must(e.svc.AddOwnKey(e.ctx, c, accounts.AddKeyInput{Title: "laptop"}))(t).Key
}

// serviceAccountKey generates a key of a service account, as the admin.
func (e *env) serviceAccountKey(t *testing.T, ws workspace, sa store.ServiceAccount) store.Key {
	t.Helper()
	return must(e.svc.AddServiceAccountKey(e.ctx, ws.admin, sa.ID, accounts.AddKeyInput{Title: "ci"}))(t).Key
}

// principal is who the SDK plane sees when key signs a request.
func (e *env) principal(t *testing.T, key store.Key) accounts.Principal {
	t.Helper()
	return must(e.svc.ResolveKey(e.ctx, key.PublicKeyHex))(t)
}

// must(f())(t) is f's value, or the end of the test when f fails.
// everything is a page large enough for any list of a test.
var everything = accounts.PageRequest{Size: 1000}

func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// errOf is the error of a call whose value does not matter.
func errOf[T any](_ T, err error) error { return err }

// ok fails the test on err.
func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// isFailure reports whether err says why credentials do not resolve with
// want.
func isFailure(err error, want accounts.CredentialFailure) bool {
	var got accounts.CredentialFailure
	return errors.As(err, &got) && got == want
}

// wantCode reports an error unless err is an *errs.Error with code.
func wantCode(t *testing.T, what string, err error, code errs.Code) {
	t.Helper()
	if !hasCode(err, code) {
		t.Errorf("%s: got %v, want %s", what, err, code)
	}
}

// hasCode reports whether err is an *errs.Error with code.
func hasCode(err error, code errs.Code) bool {
	var e *errs.Error
	return errors.As(err, &e) && e.Code == code
}
