package accounts_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
)

// TestStateRoundTrip exports a state with every kind of row (removed
// members, deleted service accounts, revoked keys, sessions, bearer
// tokens, resources), imports it into a fresh store of each backend, and
// exports it again: the same state, in which the same credentials work and
// the same ones are refused.
func TestStateRoundTrip(t *testing.T) {
	source := &env{ctx: t.Context(), st: memory.New()}
	source.svc = accounts.New(source.st, accounts.Config{})
	ws := source.workspace(t, accounts.QuotasPatch{ServiceAccounts: new(3)})
	other := source.workspace(t, accounts.QuotasPatch{})
	bob := source.member(t, ws, "bob", store.RoleMember)
	bobCaller, bobSession := source.login(t, bob)
	bobKey := source.ownKey(t, bobCaller)
	revoked := source.ownKey(t, bobCaller)
	ok(t, source.svc.RevokeOwnKey(source.ctx, bobCaller, revoked.ID))
	leaver := source.member(t, ws, "leaver", store.RoleAdmin)
	leaverCaller, _ := source.login(t, leaver)
	leaverKey := source.ownKey(t, leaverCaller)
	ok(t, source.svc.RemoveMember(source.ctx, ws.admin, leaver.ID))
	sa := source.serviceAccount(t, ws, "ops")
	saKey := source.serviceAccountKey(t, ws, sa)
	bearer := must(source.svc.IssueBearerToken(source.ctx, source.principal(t, saKey)))(t)
	gone := source.serviceAccount(t, ws, "gone")
	ok(t, source.svc.DeleteServiceAccount(source.ctx, ws.admin, gone.ID))
	bobPrincipal := source.principal(t, bobKey)
	must(source.svc.CreateProject(source.ctx, bobPrincipal, accounts.CreateProjectInput{Title: "Cars"}))(t)
	must(source.svc.CreateDataset(source.ctx, bobPrincipal, accounts.CreateDatasetInput{Title: "Images", CreateBackingFolder: true}))(t)
	must(source.svc.CreateResource(source.ctx, other.ID, accounts.CreateResourceInput{Kind: store.KindCloudIntegration, Title: "Bucket"}))(t)
	exported := must(source.svc.ExportState(source.ctx))(t)

	forEachStore(t, func(t *testing.T, e *env) {
		e.workspace(t, accounts.QuotasPatch{}) // replaced by the import
		if err := e.svc.ImportState(e.ctx, exported); err != nil {
			t.Fatal(err)
		}
		if again := must(e.svc.ExportState(e.ctx))(t); !sameState(exported, again) {
			t.Fatalf("exported again:\n%s\nwant:\n%s", canonicalState(again), canonicalState(exported))
		}
		if p := e.principal(t, bobKey); p.Owner.ID != bob.ID || p.Email != bob.Email || p.Role != store.RoleMember {
			t.Errorf("bob's key resolves to %+v", p)
		}
		if _, err := e.svc.AuthenticateSession(e.ctx, bobSession); err != nil {
			t.Errorf("bob's session: %v", err)
		}
		if p, err := e.svc.ResolveBearer(e.ctx, bearer.Token); err != nil || p.Owner.ID != sa.ID {
			t.Errorf("the service account's bearer token: %+v, %v", p, err)
		}
		for name, failure := range map[string]struct {
			key  store.Key
			want accounts.CredentialFailure
		}{"revoked key": {revoked, accounts.RevokedKey}, "removed member's key": {leaverKey, accounts.MemberRemoved}} {
			if _, err := e.svc.ResolveKey(e.ctx, failure.key.PublicKeyHex); !isFailure(err, failure.want) {
				t.Errorf("%s: %v, want %s", name, err, failure.want)
			}
		}
	})
}

// TestStateImportIsAllOrNothing: a state the import refuses leaves the
// state there was.
func TestStateImportIsAllOrNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ws := e.workspace(t, accounts.QuotasPatch{})
		e.ownKey(t, ws.admin)
		before := must(e.svc.ExportState(e.ctx))(t)
		broken := must(e.svc.ExportState(e.ctx))(t)
		broken.Keys[0].Owner.ID = "00000000-0000-4000-8000-000000000000" // no such member
		wantCode(t, "a key of no member", e.svc.ImportState(e.ctx, broken), errs.InvalidArguments)
		if after := must(e.svc.ExportState(e.ctx))(t); !sameState(before, after) {
			t.Errorf("a refused import changed the state")
		}
	})
}

// sameState reports whether two exports hold the same rows, whatever the
// store's order of rows and encoding of attributes.
func sameState(a, b accounts.State) bool { return canonicalState(a) == canonicalState(b) }

// canonicalState is st as JSON, each list sorted by id and each resource's
// attributes re-encoded with sorted keys.
func canonicalState(st accounts.State) string {
	st.Workspaces = sortedByID(st.Workspaces, func(w store.Workspace) string { return w.ID })
	st.Members = sortedByID(st.Members, func(m store.Member) string { return m.ID })
	st.ServiceAccounts = sortedByID(st.ServiceAccounts, func(sa store.ServiceAccount) string { return sa.ID })
	st.Keys = sortedByID(st.Keys, func(k store.Key) string { return k.ID })
	st.Tokens = sortedByID(st.Tokens, func(tk store.Token) string { return tk.ID })
	st.Resources = sortedByID(st.Resources, func(r store.Resource) string { return r.ID })
	for i, r := range st.Resources {
		var attrs any
		if json.Unmarshal(r.Attributes, &attrs) == nil {
			st.Resources[i].Attributes, _ = json.Marshal(attrs)
		}
		if len(r.SharedWith) == 0 {
			st.Resources[i].SharedWith = nil
		}
	}
	out, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(out)
}

// sortedByID returns a copy of list sorted by id.
func sortedByID[T any](list []T, id func(T) string) []T {
	out := slices.Clone(list)
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(id(a), id(b)) })
	return out
}
