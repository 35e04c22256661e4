package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

func tokenTests() []conformanceTest {
	return []conformanceTest{
		{"Token/ResolveWithOwner", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			m.Role = store.RoleAdmin
			sa := newServiceAccount(ws.ID, m.ID)
			saKey := newKey(ws.ID, accountOf(sa))
			session := newToken(ws.ID, userOf(m), store.TokenSession)
			bearer := newBearer(saKey)
			expired := newToken(ws.ID, userOf(m), store.TokenSession)
			expired.CreatedAt, expired.ExpiresAt = at(0), at(time.Hour)
			create(t, s, ws, m, sa, saKey, session, bearer, expired)
			for _, want := range []store.TokenResolution{
				{Token: session, Role: store.RoleAdmin, Email: m.Email, Name: m.Name},
				{Token: bearer, Role: sa.Role, Email: sa.Email, Name: sa.Name},
				{Token: expired, Role: store.RoleAdmin, Email: m.Email, Name: m.Name},
			} {
				got, err := s.ResolveToken(t.Context(), want.Token.Hash)
				noErr(t, "ResolveToken", err)
				equal(t, "token resolution", got, want)
			}
		}},
		{"Token/ResolveOwnerGone", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m, admin := newMember(ws.ID), newMember(ws.ID)
			sa := newServiceAccount(ws.ID, admin.ID)
			userToken, saToken := newToken(ws.ID, userOf(m), store.TokenSession), newToken(ws.ID, accountOf(sa), store.TokenBearer)
			create(t, s, ws, m, admin, sa, userToken, saToken)
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
				if err := tx.MarkMemberRemoved(ctx, m.ID, now()); err != nil {
					return err
				}
				return tx.MarkServiceAccountDeleted(ctx, sa.ID, now())
			})
			for _, tok := range []store.Token{userToken, saToken} {
				got, err := s.ResolveToken(t.Context(), tok.Hash)
				noErr(t, "ResolveToken", err)
				if !got.OwnerGone {
					t.Errorf("ResolveToken of a %s token: OwnerGone not set", tok.Owner.Type)
				}
			}
		}},
		{"Token/ReusedIDAlreadyExists", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			tok := newToken(ws.ID, userOf(m), store.TokenSession)
			create(t, s, ws, m, tok)
			again := newToken(ws.ID, userOf(m), store.TokenSession)
			again.ID = tok.ID
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.CreateToken(ctx, again) })
			wantErr(t, "CreateToken with a reused id", err, store.ErrAlreadyExists)
		}},
		{"Token/Delete", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			tok, other := newToken(ws.ID, userOf(m), store.TokenSession), newToken(ws.ID, userOf(m), store.TokenSession)
			create(t, s, ws, m, tok, other)
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteToken(ctx, tok.Hash) })
			_, err := s.ResolveToken(t.Context(), tok.Hash)
			wantErr(t, "ResolveToken of a deleted token", err, store.ErrNotFound)
			_, err = s.ResolveToken(t.Context(), other.Hash)
			noErr(t, "ResolveToken of the other token", err)
			err = tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteToken(ctx, tok.Hash) })
			wantErr(t, "DeleteToken twice", err, store.ErrNotFound)
		}},
		{"Token/DeleteOwnerTokens", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m, other := newMember(ws.ID), newMember(ws.ID)
			sa := newServiceAccount(ws.ID, m.ID)
			mine := []store.Token{newToken(ws.ID, userOf(m), store.TokenSession), newToken(ws.ID, userOf(m), store.TokenBearer)}
			theirs := []store.Token{newToken(ws.ID, userOf(other), store.TokenSession), newToken(ws.ID, accountOf(sa), store.TokenBearer)}
			create(t, s, ws, m, other, sa, mine[0], mine[1], theirs[0], theirs[1])
			n := read(t, s, func(ctx context.Context, tx store.Tx) (int, error) { return tx.DeleteOwnerTokens(ctx, userOf(m)) })
			if n != 2 {
				t.Errorf("DeleteOwnerTokens deleted %d tokens, want 2", n)
			}
			for _, tok := range mine {
				_, err := s.ResolveToken(t.Context(), tok.Hash)
				wantErr(t, "ResolveToken of a deleted owner token", err, store.ErrNotFound)
			}
			for _, tok := range theirs {
				_, err := s.ResolveToken(t.Context(), tok.Hash)
				noErr(t, "ResolveToken of another owner's token", err)
			}
		}},
		{"Token/ListWorkspaceTokens", func(t *testing.T, s store.Store) {
			ws, other := newWorkspace(), newWorkspace()
			m, sa, outsider := newMember(ws.ID), newServiceAccount(ws.ID, ""), newMember(other.ID)
			saKey := newKey(ws.ID, accountOf(sa))
			a, b := newToken(ws.ID, userOf(m), store.TokenSession), newBearer(saKey)
			create(t, s, ws, other, m, sa, outsider, saKey, a, newToken(other.ID, userOf(outsider), store.TokenSession), b)
			got := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.Token, error) {
				return tx.ListWorkspaceTokens(ctx, ws.ID)
			})
			sameIDSet(t, "ListWorkspaceTokens", tokenIDs(got), []string{a.ID, b.ID})
			for _, tok := range got {
				want := a
				if tok.ID == b.ID {
					want = b
				}
				equal(t, "listed token", tok, want)
			}
		}},
	}
}

func resourceTests() []conformanceTest {
	return []conformanceTest{
		{"Resource/RoundTrip", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			sa := newServiceAccount(ws.ID, m.ID)
			bare := newResource(ws.ID, store.KindDataset, userOf(m))
			full := newResource(ws.ID, store.KindOntology, accountOf(sa))
			full.SharedWith = []store.Owner{userOf(m), accountOf(sa)}
			// Key order and spacing are the caller's and must survive.
			full.Attributes = json.RawMessage(`{"objects": [{"name":"car"}], "classifications":[] ,"a":1}`)
			full.UpdatedAt = full.CreatedAt.Add(time.Minute)
			create(t, s, ws, m, sa, bare, full)
			equal(t, "resource without attributes", getResource(t, s, bare), bare)
			equal(t, "resource with attributes", getResource(t, s, full), full)
		}},
		{"Resource/ReusedIDAlreadyExists", func(t *testing.T, s store.Store) {
			ws, other := newWorkspace(), newWorkspace()
			m := newMember(ws.ID)
			r := newResource(ws.ID, store.KindProject, userOf(m))
			create(t, s, ws, other, m, r)
			for _, again := range []store.Resource{
				newResource(ws.ID, store.KindProject, userOf(m)),
				newResource(ws.ID, store.KindDataset, userOf(m)),
				newResource(other.ID, store.KindProject, userOf(m)),
			} {
				again.ID = r.ID
				err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.CreateResource(ctx, again) })
				wantErr(t, "CreateResource with a reused id", err, store.ErrAlreadyExists)
			}
		}},
		{"Resource/WorkspaceAndKindIsolation", func(t *testing.T, s store.Store) {
			ws, other := newWorkspace(), newWorkspace()
			m := newMember(ws.ID)
			r := newResource(ws.ID, store.KindProject, userOf(m))
			create(t, s, ws, other, m, r)
			elsewhere := []struct {
				name        string
				workspaceID string
				kind        store.ResourceKind
			}{
				{"another workspace", other.ID, r.Kind},
				{"another kind", ws.ID, store.KindDataset},
			}
			for _, e := range elsewhere {
				err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
					_, err := tx.GetResource(ctx, e.workspaceID, e.kind, r.ID)
					return err
				})
				wantErr(t, "GetResource from "+e.name, err, store.ErrNotFound)

				change := r
				change.WorkspaceID, change.Kind, change.Title = e.workspaceID, e.kind, "hijacked"
				err = tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.UpdateResource(ctx, change) })
				wantErr(t, "UpdateResource from "+e.name, err, store.ErrNotFound)

				err = tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
					return tx.DeleteResource(ctx, e.workspaceID, e.kind, r.ID)
				})
				wantErr(t, "DeleteResource from "+e.name, err, store.ErrNotFound)

				listed := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.Resource, error) {
					return tx.ListResources(ctx, e.workspaceID, e.kind)
				})
				if len(listed) != 0 {
					t.Errorf("ListResources in %s lists %v", e.name, resourceIDs(listed))
				}
			}
			equal(t, "resource after foreign attempts", getResource(t, s, r), r)
		}},
		{"Resource/ListOldestFirst", func(t *testing.T, s store.Store) {
			ws, other := newWorkspace(), newWorkspace()
			m := newMember(ws.ID)
			owner := userOf(m)
			a, b, c := newResource(ws.ID, store.KindProject, owner), newResource(ws.ID, store.KindProject, owner), newResource(ws.ID, store.KindProject, owner)
			a.CreatedAt = at(0)
			b.CreatedAt, c.CreatedAt = at(time.Second), at(time.Second)
			if b.ID > c.ID {
				b, c = c, b
			}
			create(t, s, ws, other, m, c, newResource(ws.ID, store.KindDataset, owner),
				newResource(other.ID, store.KindProject, owner), b, a)
			got := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.Resource, error) {
				return tx.ListResources(ctx, ws.ID, store.KindProject)
			})
			equal(t, "ListResources", got, []store.Resource{a, b, c})
		}},
		{"Resource/UpdateStoresMutableFieldsOnly", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			sa := newServiceAccount(ws.ID, m.ID)
			r := newResource(ws.ID, store.KindProject, userOf(m))
			r.SharedWith = []store.Owner{accountOf(sa)}
			r.Attributes = json.RawMessage(`{"datasets":[]}`)
			create(t, s, ws, m, sa, r)

			change := r
			change.Title, change.Description = "renamed", "new description"
			change.SharedWith = []store.Owner{userOf(m), accountOf(sa)}
			change.UpdatedAt = r.UpdatedAt.Add(time.Hour)
			change.Attributes = json.RawMessage(`{"datasets":["d1"]}`)
			change.CreatedBy = accountOf(sa) // ignored
			change.CreatedAt = at(0)         // ignored
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.UpdateResource(ctx, change) })
			want := change
			want.CreatedBy, want.CreatedAt = r.CreatedBy, r.CreatedAt
			equal(t, "updated resource", getResource(t, s, r), want)

			// Clearing the optional fields clears them.
			change.SharedWith, change.Attributes = nil, nil
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.UpdateResource(ctx, change) })
			want.SharedWith, want.Attributes = nil, nil
			equal(t, "cleared resource", getResource(t, s, r), want)
		}},
		{"Resource/CountAllKinds", func(t *testing.T, s store.Store) {
			ws, other := newWorkspace(), newWorkspace()
			m := newMember(ws.ID)
			rows := []any{ws, other, m, newResource(other.ID, store.KindProject, userOf(m))}
			var mine []store.Resource
			for _, kind := range store.ResourceKinds() {
				r := newResource(ws.ID, kind, userOf(m))
				mine = append(mine, r)
				rows = append(rows, r)
			}
			create(t, s, rows...)
			count := func() int {
				return read(t, s, func(ctx context.Context, tx store.Tx) (int, error) { return tx.CountResources(ctx, ws.ID) })
			}
			if n := count(); n != len(mine) {
				t.Errorf("CountResources = %d, want %d", n, len(mine))
			}
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
				return tx.DeleteResource(ctx, ws.ID, mine[0].Kind, mine[0].ID)
			})
			if n := count(); n != len(mine)-1 {
				t.Errorf("CountResources after a delete = %d, want %d", n, len(mine)-1)
			}
			empty := read(t, s, func(ctx context.Context, tx store.Tx) (int, error) { return tx.CountResources(ctx, newID()) })
			if empty != 0 {
				t.Errorf("CountResources of an unknown workspace = %d", empty)
			}
		}},
		{"Resource/Delete", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			r, other := newResource(ws.ID, store.KindGroup, userOf(m)), newResource(ws.ID, store.KindGroup, userOf(m))
			create(t, s, ws, m, r, other)
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteResource(ctx, ws.ID, r.Kind, r.ID) })
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
				_, err := tx.GetResource(ctx, ws.ID, r.Kind, r.ID)
				return err
			})
			wantErr(t, "GetResource of a deleted resource", err, store.ErrNotFound)
			err = tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteResource(ctx, ws.ID, r.Kind, r.ID) })
			wantErr(t, "DeleteResource twice", err, store.ErrNotFound)
			equal(t, "other resource", getResource(t, s, other), other)
		}},
		{"Resource/ValuesDoNotAlias", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			r := newResource(ws.ID, store.KindProject, userOf(m))
			r.SharedWith = []store.Owner{userOf(m)}
			r.Attributes = json.RawMessage(`{"x":1}`)
			want := r
			want.SharedWith = []store.Owner{userOf(m)}
			want.Attributes = json.RawMessage(`{"x":1}`)
			create(t, s, ws, m, r)

			// Scribbling over what was written, and over what was read,
			// changes nothing stored.
			r.SharedWith[0].ID = "scribbled"
			r.Attributes[2] = 'y'
			got := getResource(t, s, want)
			got.SharedWith[0].ID = "scribbled"
			got.Attributes[2] = 'y'
			equal(t, "resource after its copies changed", getResource(t, s, want), want)

			// The same holds for the time pointers of members and keys.
			removedAt := now()
			m.RemovedAt = &removedAt
			k := newKey(ws.ID, userOf(m))
			revokedAt := now()
			k.RevokedAt = &revokedAt
			create(t, s, k)
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.MarkMemberRemoved(ctx, m.ID, removedAt) })
			wantMember, wantKey := m, k
			wantMember.RemovedAt, wantKey.RevokedAt = ptr(removedAt), ptr(revokedAt)
			removedAt, revokedAt = at(0), at(0)
			gotMember := getMember(t, s, m.ID)
			*gotMember.RemovedAt = at(0)
			gotKey := getKey(t, s, k.ID)
			*gotKey.RevokedAt = at(0)
			equal(t, "member after its copies changed", getMember(t, s, m.ID), wantMember)
			equal(t, "key after its copies changed", getKey(t, s, k.ID), wantKey)
		}},
	}
}
