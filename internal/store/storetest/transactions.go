package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// errAbort is what the transactions under test fail with.
var errAbort = errors.New("storetest: abort the transaction")

// state is everything a store holds, read through the Tx listing methods, in
// a deterministic order: two states are equal when the stores hold the same
// rows.
type state struct {
	Workspaces      []store.Workspace
	Members         [][]store.Member
	ServiceAccounts [][]store.ServiceAccount
	Keys            [][]store.Key
	Tokens          [][]store.Token
	Resources       [][]store.Resource
}

func readState(t *testing.T, s store.Store) state {
	t.Helper()
	var st state
	mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		if st.Workspaces, err = tx.ListWorkspaces(ctx); err != nil {
			return err
		}
		for _, ws := range st.Workspaces {
			members, err := tx.ListMembers(ctx, ws.ID, true)
			if err != nil {
				return err
			}
			accounts, err := tx.ListServiceAccounts(ctx, ws.ID, true)
			if err != nil {
				return err
			}
			keys, err := tx.ListWorkspaceKeys(ctx, ws.ID)
			if err != nil {
				return err
			}
			tokens, err := tx.ListWorkspaceTokens(ctx, ws.ID)
			if err != nil {
				return err
			}
			tokens = sortedByID(tokens, func(tok store.Token) string { return tok.ID })
			var resources []store.Resource
			for _, kind := range store.ResourceKinds() {
				ofKind, err := tx.ListResources(ctx, ws.ID, kind)
				if err != nil {
					return err
				}
				resources = append(resources, ofKind...)
			}
			st.Members = append(st.Members, members)
			st.ServiceAccounts = append(st.ServiceAccounts, accounts)
			st.Keys = append(st.Keys, keys)
			st.Tokens = append(st.Tokens, tokens)
			st.Resources = append(st.Resources, resources)
		}
		return nil
	})
	return st
}

// population is a small installation: two workspaces, each with a member, a
// service account, an active and a revoked key, a session, a bearer of the
// active key and a resource.
type population struct {
	workspaces []store.Workspace
	members    []store.Member
	accounts   []store.ServiceAccount
	keys       []store.Key
	tokens     []store.Token
	bearers    []store.Token
	resources  []store.Resource
}

func populate(t *testing.T, s store.Store) population {
	t.Helper()
	var p population
	var rows []any
	for range 2 {
		ws := newWorkspace()
		m := newMember(ws.ID)
		m.Role = store.RoleAdmin
		sa := newServiceAccount(ws.ID, m.ID)
		active, revoked := newKey(ws.ID, userOf(m)), newKey(ws.ID, accountOf(sa))
		revoked.RevokedAt, revoked.RevokeReason = ptr(now()), "rotated"
		tok := newToken(ws.ID, userOf(m), store.TokenSession)
		bearer := newBearer(active)
		r := newResource(ws.ID, store.KindProject, userOf(m))
		r.SharedWith = []store.Owner{accountOf(sa)}
		p.workspaces = append(p.workspaces, ws)
		p.members = append(p.members, m)
		p.accounts = append(p.accounts, sa)
		p.keys = append(p.keys, active, revoked)
		p.tokens = append(p.tokens, tok)
		p.bearers = append(p.bearers, bearer)
		p.resources = append(p.resources, r)
		rows = append(rows, ws, m, sa, active, revoked, tok, bearer, r)
	}
	create(t, s, rows...)
	return p
}

// wantUnchanged checks that the store holds exactly before, and that the
// authentication lookups still answer as they did.
func wantUnchanged(t *testing.T, s store.Store, before state, p population) {
	t.Helper()
	equal(t, "state after the rolled back transaction", readState(t, s), before)
	for _, k := range p.keys {
		res, err := s.ResolveKey(t.Context(), k.PublicKeyHex)
		noErr(t, "ResolveKey", err)
		equal(t, "resolved key", res.Key, k)
		if res.OwnerGone {
			t.Errorf("ResolveKey: owner of key %s gone after rollback", k.ID)
		}
	}
	for _, tok := range append(append([]store.Token{}, p.tokens...), p.bearers...) {
		res, err := s.ResolveToken(t.Context(), tok.Hash)
		noErr(t, "ResolveToken", err)
		if res.KeyGone {
			t.Errorf("ResolveToken: key of token %s gone after rollback", tok.ID)
		}
	}
}

func cascadeTests() []conformanceTest {
	return []conformanceTest{
		{"DeleteWorkspace/Cascades", func(t *testing.T, s store.Store) {
			p := populate(t, s)
			victim, survivor := p.workspaces[0], p.workspaces[1]
			m, sa := p.members[0], p.accounts[0]
			extra := []any{
				newToken(victim.ID, accountOf(sa), store.TokenBearer),
				newResource(victim.ID, store.KindOntology, accountOf(sa)),
			}
			create(t, s, extra...)
			before := readState(t, s)

			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteWorkspace(ctx, victim.ID) })

			after := readState(t, s)
			equal(t, "remaining workspaces", after.Workspaces, []store.Workspace{survivor})
			equal(t, "surviving workspace's rows", after, state{
				Workspaces:      before.Workspaces[1:],
				Members:         before.Members[1:],
				ServiceAccounts: before.ServiceAccounts[1:],
				Keys:            before.Keys[1:],
				Tokens:          before.Tokens[1:],
				Resources:       before.Resources[1:],
			})
			gone := map[string]func(ctx context.Context, tx store.Tx) error{
				"GetWorkspace": func(ctx context.Context, tx store.Tx) error { _, err := tx.GetWorkspace(ctx, victim.ID); return err },
				"GetMember":    func(ctx context.Context, tx store.Tx) error { _, err := tx.GetMember(ctx, m.ID); return err },
				"GetMemberByEmail": func(ctx context.Context, tx store.Tx) error {
					_, err := tx.GetMemberByEmail(ctx, m.Email)
					return err
				},
				"GetServiceAccount": func(ctx context.Context, tx store.Tx) error {
					_, err := tx.GetServiceAccount(ctx, sa.ID)
					return err
				},
				"GetKey": func(ctx context.Context, tx store.Tx) error { _, err := tx.GetKey(ctx, p.keys[0].ID); return err },
				"GetResource": func(ctx context.Context, tx store.Tx) error {
					_, err := tx.GetResource(ctx, victim.ID, store.KindProject, p.resources[0].ID)
					return err
				},
			}
			for name, call := range gone {
				wantErr(t, name+" after DeleteWorkspace", tryTx(t, s, call), store.ErrNotFound)
			}
			for _, k := range p.keys[:2] {
				_, err := s.ResolveKey(t.Context(), k.PublicKeyHex)
				wantErr(t, "ResolveKey of a deleted workspace's key", err, store.ErrNotFound)
			}
			_, err := s.ResolveToken(t.Context(), p.tokens[0].Hash)
			wantErr(t, "ResolveToken of a deleted workspace's token", err, store.ErrNotFound)

			// The emails and the public key are free again, and so are the
			// ids.
			again := newWorkspace()
			again.ID = victim.ID
			rejoined := newMember(again.ID)
			rejoined.Email = m.Email
			recreated := newServiceAccount(again.ID, rejoined.ID)
			recreated.Email = sa.Email
			create(t, s, again, rejoined, recreated, newKeyWithHex(again.ID, userOf(rejoined), p.keys[0].PublicKeyHex))
		}},
		{"DeleteAll", func(t *testing.T, s store.Store) {
			p := populate(t, s)
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteAll(ctx) })
			equal(t, "state after DeleteAll", readState(t, s), state{})
			for _, k := range p.keys {
				_, err := s.ResolveKey(t.Context(), k.PublicKeyHex)
				wantErr(t, "ResolveKey after DeleteAll", err, store.ErrNotFound)
			}
			for _, tok := range p.tokens {
				_, err := s.ResolveToken(t.Context(), tok.Hash)
				wantErr(t, "ResolveToken after DeleteAll", err, store.ErrNotFound)
			}
			// Everything can be written again, as by a state import.
			var rows []any
			for i := range p.workspaces {
				rows = append(rows, p.workspaces[i], p.members[i], p.accounts[i], p.keys[2*i], p.keys[2*i+1], p.tokens[i], p.bearers[i], p.resources[i])
			}
			create(t, s, rows...)
		}},
	}
}

func transactionTests() []conformanceTest {
	return []conformanceTest{
		{"Tx/ReadsOwnWrites", func(t *testing.T, s store.Store) {
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
				ws := newWorkspace()
				m := newMember(ws.ID)
				k := newKey(ws.ID, userOf(m))
				for _, v := range []any{ws, m, k} {
					if err := createOne(ctx, tx, v); err != nil {
						return err
					}
				}
				locked, err := tx.LockWorkspace(ctx, ws.ID)
				noErr(t, "LockWorkspace of a workspace created in the transaction", err)
				equal(t, "locked workspace", locked, ws)
				byEmail, err := tx.GetMemberByEmail(ctx, m.Email)
				noErr(t, "GetMemberByEmail", err)
				equal(t, "member by email", byEmail, m)
				n, err := tx.CountActiveKeys(ctx, userOf(m))
				noErr(t, "CountActiveKeys", err)
				if n != 1 {
					t.Errorf("CountActiveKeys = %d, want 1", n)
				}
				noErr(t, "RevokeKey", tx.RevokeKey(ctx, k.ID, now(), "test"))
				if n, _ := tx.CountActiveKeys(ctx, userOf(m)); n != 0 {
					t.Errorf("CountActiveKeys after RevokeKey = %d, want 0", n)
				}
				return nil
			})
		}},
		{"Tx/RollbackOnError", func(t *testing.T, s store.Store) {
			p := populate(t, s)
			before := readState(t, s)
			ws := p.workspaces[0]
			m, sa := p.members[0], p.accounts[0]
			newWS := newWorkspace()
			newM := newMember(ws.ID)
			newSA := newServiceAccount(ws.ID, m.ID)
			newK := newKey(ws.ID, userOf(newM))

			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
				writes := []struct {
					name string
					err  error
				}{
					{"CreateWorkspace", tx.CreateWorkspace(ctx, newWS)},
					{"CreateMember", tx.CreateMember(ctx, newM)},
					{"CreateServiceAccount", tx.CreateServiceAccount(ctx, newSA)},
					{"CreateKey", tx.CreateKey(ctx, newK)},
					{"CreateToken", tx.CreateToken(ctx, newToken(ws.ID, userOf(newM), store.TokenBearer))},
					{"CreateResource", tx.CreateResource(ctx, newResource(ws.ID, store.KindDataset, userOf(newM)))},
					{"CreateMember in the new workspace", tx.CreateMember(ctx, newMember(newWS.ID))},
					{"UpdateWorkspaceQuotas", tx.UpdateWorkspaceQuotas(ctx, ws.ID, store.Quotas{ServiceAccounts: 1, KeysPerServiceAccount: 1, KeysPerUser: 1})},
					{"UpdateMemberRole", tx.UpdateMemberRole(ctx, m.ID, store.RoleMember)},
					{"MarkMemberRemoved", tx.MarkMemberRemoved(ctx, m.ID, now())},
					{"UpdateServiceAccount", tx.UpdateServiceAccount(ctx, store.ServiceAccount{ID: sa.ID, Role: store.RoleAdmin, Description: "changed"})},
					{"MarkServiceAccountDeleted", tx.MarkServiceAccountDeleted(ctx, sa.ID, now())},
					{"RevokeKey", tx.RevokeKey(ctx, p.keys[0].ID, now(), "rolled back")},
					{"DeleteToken", tx.DeleteToken(ctx, p.tokens[0].Hash)},
					{"UpdateResource", tx.UpdateResource(ctx, store.Resource{
						ID: p.resources[0].ID, WorkspaceID: ws.ID, Kind: p.resources[0].Kind,
						Title: "changed", UpdatedAt: now(),
					})},
					{"DeleteResource", tx.DeleteResource(ctx, p.workspaces[1].ID, p.resources[1].Kind, p.resources[1].ID)},
					{"RevokeOwnerKeys", func() error {
						_, err := tx.RevokeOwnerKeys(ctx, userOf(p.members[1]), now(), "rolled back")
						return err
					}()},
					{"DeleteOwnerTokens", func() error { _, err := tx.DeleteOwnerTokens(ctx, userOf(p.members[1])); return err }()},
				}
				for _, w := range writes {
					noErr(t, w.name, w.err)
				}
				return errAbort
			})
			wantErr(t, "Tx", err, errAbort)
			wantUnchanged(t, s, before, p)

			// The unique slots the rolled back rows took are free.
			again := newMember(ws.ID)
			again.Email = newM.Email
			create(t, s, newWS, again, newKeyWithHex(ws.ID, userOf(again), newK.PublicKeyHex))
		}},
		{"Tx/RollbackOnDuplicateKeyMidway", func(t *testing.T, s store.Store) {
			p := populate(t, s)
			before := readState(t, s)
			ws := p.workspaces[1]
			newM := newMember(ws.ID)
			newK := newKey(ws.ID, userOf(newM))
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
				noErr(t, "CreateMember", tx.CreateMember(ctx, newM))
				noErr(t, "CreateKey", tx.CreateKey(ctx, newK))
				return tx.CreateKey(ctx, newKeyWithHex(ws.ID, userOf(newM), p.keys[0].PublicKeyHex))
			})
			wantErr(t, "Tx whose CreateKey hit an active public key", err, store.ErrDuplicateKey)
			wantUnchanged(t, s, before, p)
			_, err = s.ResolveKey(t.Context(), newK.PublicKeyHex)
			wantErr(t, "ResolveKey of a rolled back key", err, store.ErrNotFound)
		}},
		{"Tx/RollbackOfDeleteWorkspace", func(t *testing.T, s store.Store) {
			p := populate(t, s)
			before := readState(t, s)
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
				noErr(t, "DeleteWorkspace", tx.DeleteWorkspace(ctx, p.workspaces[0].ID))
				return errAbort
			})
			wantErr(t, "Tx", err, errAbort)
			wantUnchanged(t, s, before, p)
		}},
		{"Tx/RollbackOfDeleteAll", func(t *testing.T, s store.Store) {
			p := populate(t, s)
			before := readState(t, s)
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
				noErr(t, "DeleteAll", tx.DeleteAll(ctx))
				noErr(t, "CreateWorkspace after DeleteAll", tx.CreateWorkspace(ctx, newWorkspace()))
				return errAbort
			})
			wantErr(t, "Tx", err, errAbort)
			wantUnchanged(t, s, before, p)
		}},
		{"Tx/RollbackOnPanic", func(t *testing.T, s store.Store) {
			p := populate(t, s)
			before := readState(t, s)
			panicked := func() (recovered any) {
				defer func() { recovered = recover() }()
				_ = tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
					noErr(t, "CreateWorkspace", tx.CreateWorkspace(ctx, newWorkspace()))
					noErr(t, "RevokeKey", tx.RevokeKey(ctx, p.keys[0].ID, now(), "panic"))
					panic(errAbort)
				})
				return nil
			}()
			if panicked != errAbort {
				t.Fatalf("Tx recovered %v, want the panic to reach the caller", panicked)
			}
			// The store is usable (no lock left held) and unchanged.
			wantUnchanged(t, s, before, p)
		}},
		{"Tx/UnusableAfterReturn", func(t *testing.T, s store.Store) {
			var leaked store.Tx
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
				leaked = tx
				return nil
			})
			ctx := t.Context()
			ws := newWorkspace()
			if err := leaked.CreateWorkspace(ctx, ws); err == nil {
				t.Errorf("CreateWorkspace on a finished transaction succeeded")
			}
			if _, err := leaked.ListWorkspaces(ctx); err == nil {
				t.Errorf("ListWorkspaces on a finished transaction succeeded")
			}
			equal(t, "state", readState(t, s), state{})
		}},
		{"Tx/ContextDoneAtStart", func(t *testing.T, s store.Store) {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			ran := false
			err := s.Tx(ctx, func(tx store.Tx) error {
				ran = true
				return tx.CreateWorkspace(ctx, newWorkspace())
			})
			if err == nil {
				t.Errorf("Tx with a cancelled context succeeded")
			}
			if ran {
				t.Errorf("Tx ran its function with a cancelled context")
			}
			equal(t, "state", readState(t, s), state{})
		}},
	}
}

func lifecycleTests() []conformanceTest {
	return []conformanceTest{
		{"Ping", func(t *testing.T, s store.Store) {
			noErr(t, "Ping", s.Ping(t.Context()))
		}},
		{"TimesKeepMicroseconds", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			ws.CreatedAt = time.Date(2031, time.December, 31, 23, 59, 59, 999999000, time.UTC)
			create(t, s, ws)
			got := getWorkspace(t, s, ws.ID)
			if !got.CreatedAt.Equal(ws.CreatedAt) {
				t.Errorf("CreatedAt = %v, want %v", got.CreatedAt, ws.CreatedAt)
			}
		}},
	}
}

func closingTests() []conformanceTest {
	return []conformanceTest{
		{"PingAfterClose", func(t *testing.T, s store.Store) {
			noErr(t, "Close", s.Close())
			if err := s.Ping(t.Context()); err == nil {
				t.Errorf("Ping of a closed store succeeded")
			}
		}},
	}
}
