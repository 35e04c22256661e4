package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The rows both backends refuse alike (store.ErrInvalid) and the lookups
// that find nothing: what Postgres cannot hold, the memory store must not
// hold either. Each refusal writes nothing and leaves the transaction
// usable, as the other refusals of a create do.

// invalidWrite is one write that must fail with ErrInvalid.
type invalidWrite struct {
	name  string
	write func(ctx context.Context, tx store.Tx) error
}

func invalidRowTests() []conformanceTest {
	return []conformanceTest{
		{"Resource/RefusedWithoutOwner", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			create(t, s, ws, m)
			for _, owner := range []store.Owner{{}, {Type: store.OwnerUser}, {ID: m.ID}, {Type: "robot", ID: m.ID}} {
				r := newResource(ws.ID, store.KindDataset, owner)
				refuseThenWrite(t, s, "CreateResource owned by "+string(owner.Type)+"/"+owner.ID, func(ctx context.Context, tx store.Tx) error {
					return tx.CreateResource(ctx, r)
				})
				if _, err := tryRead(t, s, func(ctx context.Context, tx store.Tx) (store.Resource, error) {
					return tx.GetResource(ctx, ws.ID, r.Kind, r.ID)
				}); err == nil {
					t.Errorf("a resource without an owner (%+v) was stored", owner)
				}
			}
		}},
		{"InvalidRows/Refused", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			sa := newServiceAccount(ws.ID, m.ID)
			k := newKey(ws.ID, userOf(m))
			r := newResource(ws.ID, store.KindProject, userOf(m))
			create(t, s, ws, m, sa, k, r)
			writes := []invalidWrite{
				{"workspace with a negative quota", func(ctx context.Context, tx store.Tx) error {
					w := newWorkspace()
					w.Quotas.KeysPerUser = -5
					return tx.CreateWorkspace(ctx, w)
				}},
				{"workspace name with NUL", func(ctx context.Context, tx store.Tx) error {
					w := newWorkspace()
					w.Name = "a\x00b"
					return tx.CreateWorkspace(ctx, w)
				}},
				{"member of role root", func(ctx context.Context, tx store.Tx) error {
					m := newMember(ws.ID)
					m.Role = "root"
					return tx.CreateMember(ctx, m)
				}},
				{"member email that is not UTF-8", func(ctx context.Context, tx store.Tx) error {
					m := newMember(ws.ID)
					m.Email = "a\xff@example.com"
					return tx.CreateMember(ctx, m)
				}},
				{"service account description with NUL", func(ctx context.Context, tx store.Tx) error {
					sa := newServiceAccount(ws.ID, m.ID)
					sa.Description = "\x00"
					return tx.CreateServiceAccount(ctx, sa)
				}},
				{"key of origin stolen", func(ctx context.Context, tx store.Tx) error {
					k := newKey(ws.ID, userOf(m))
					k.Origin = "stolen"
					return tx.CreateKey(ctx, k)
				}},
				{"key without an owner", func(ctx context.Context, tx store.Tx) error {
					return tx.CreateKey(ctx, newKey(ws.ID, store.Owner{}))
				}},
				{"token of kind root", func(ctx context.Context, tx store.Tx) error {
					return tx.CreateToken(ctx, newToken(ws.ID, userOf(m), "root"))
				}},
				{"resource of kind spaceship", func(ctx context.Context, tx store.Tx) error {
					return tx.CreateResource(ctx, newResource(ws.ID, "spaceship", userOf(m)))
				}},
				{"resource attributes that are not JSON", func(ctx context.Context, tx store.Tx) error {
					r := newResource(ws.ID, store.KindGroup, userOf(m))
					r.Attributes = json.RawMessage(`garbage`)
					return tx.CreateResource(ctx, r)
				}},
				{"resource shared with nobody", func(ctx context.Context, tx store.Tx) error {
					r := newResource(ws.ID, store.KindGroup, userOf(m))
					r.SharedWith = []store.Owner{{Type: store.OwnerUser}}
					return tx.CreateResource(ctx, r)
				}},
				{"quotas updated to a negative value", func(ctx context.Context, tx store.Tx) error {
					return tx.UpdateWorkspaceQuotas(ctx, ws.ID, store.Quotas{ServiceAccounts: -1})
				}},
				{"member role updated to root", func(ctx context.Context, tx store.Tx) error {
					return tx.UpdateMemberRole(ctx, m.ID, "root")
				}},
				{"member role of a missing member updated to root", func(ctx context.Context, tx store.Tx) error {
					return tx.UpdateMemberRole(ctx, newID(), "root")
				}},
				{"service account updated with an empty role", func(ctx context.Context, tx store.Tx) error {
					updated := sa
					updated.Role = ""
					return tx.UpdateServiceAccount(ctx, updated)
				}},
				{"resource title updated to NUL", func(ctx context.Context, tx store.Tx) error {
					updated := r
					updated.Title = "\x00"
					return tx.UpdateResource(ctx, updated)
				}},
				{"key revoked with a reason that is not UTF-8", func(ctx context.Context, tx store.Tx) error {
					return tx.RevokeKey(ctx, k.ID, now(), "\xff")
				}},
			}
			for _, w := range writes {
				refuseThenWrite(t, s, w.name, w.write)
			}
			// Nothing changed.
			equal(t, "member", getMember(t, s, m.ID), m)
			equal(t, "service account", getServiceAccount(t, s, sa.ID), sa)
			equal(t, "key", getKey(t, s, k.ID), k)
			equal(t, "resource", getResource(t, s, r), r)
			equal(t, "workspace", getWorkspace(t, s, ws.ID), ws)
			members := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.Member, error) {
				return tx.ListMembers(ctx, ws.ID, true)
			})
			sameIDs(t, "members", memberIDs(members), []string{m.ID})
		}},
		{"Lookup/UnstorableTextFindsNothing", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			tok := newToken(ws.ID, userOf(m), store.TokenSession)
			create(t, s, ws, m, tok)
			for _, text := range []string{"\x00", m.Email + "\x00", "\xff", m.ID + "\xfe"} {
				mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
					if _, err := tx.GetMemberByEmail(ctx, text); err == nil {
						t.Errorf("GetMemberByEmail(%q) found a member", text)
					} else {
						wantErr(t, "GetMemberByEmail", err, store.ErrNotFound)
					}
					_, err := tx.GetMember(ctx, text)
					wantErr(t, "GetMember", err, store.ErrNotFound)
					wantErr(t, "DeleteToken", tx.DeleteToken(ctx, text), store.ErrNotFound)
					wantErr(t, "MarkMemberRemoved", tx.MarkMemberRemoved(ctx, text, now()), store.ErrNotFound)
					owner := store.Owner{Type: store.OwnerUser, ID: text}
					for name, count := range map[string]func() (int, error){
						"DeleteOwnerTokens": func() (int, error) { return tx.DeleteOwnerTokens(ctx, owner) },
						"RevokeOwnerKeys":   func() (int, error) { return tx.RevokeOwnerKeys(ctx, owner, now(), "gone") },
						"CountActiveKeys":   func() (int, error) { return tx.CountActiveKeys(ctx, owner) },
						"CountResources":    func() (int, error) { return tx.CountResources(ctx, text) },
					} {
						if n, err := count(); err != nil || n != 0 {
							t.Errorf("%s of %q: %d, %v; want 0, nil", name, text, n, err)
						}
					}
					wantErr(t, "RevokeKey", tx.RevokeKey(ctx, text, now(), "gone"), store.ErrNotFound)
					list, err := tx.ListMembers(ctx, text, true)
					if err != nil || len(list) != 0 {
						t.Errorf("ListMembers of %q: %v, %v; want none", text, list, err)
					}
					// The transaction is still usable.
					_, err = tx.GetMember(ctx, m.ID)
					return err
				})
				_, err := s.ResolveKey(t.Context(), text)
				wantErr(t, "ResolveKey", err, store.ErrNotFound)
				_, err = s.ResolveToken(t.Context(), text)
				wantErr(t, "ResolveToken", err, store.ErrNotFound)
			}
			_, err := s.ResolveToken(t.Context(), tok.Hash)
			noErr(t, "ResolveToken", err)
		}},
	}
}

// refuseThenWrite runs write in a transaction, which must fail with
// ErrInvalid, then, in the same transaction, a valid create: the refusal
// must leave the transaction usable. The transaction is rolled back, so
// the valid create is not kept either.
func refuseThenWrite(t *testing.T, s store.Store, what string, write func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	errRollback := errors.New("roll back")
	err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
		wantErr(t, what, write(ctx, tx), store.ErrInvalid)
		if err := tx.CreateWorkspace(ctx, newWorkspace()); err != nil {
			t.Errorf("%s: a create after the refusal failed: %v", what, err)
		}
		return errRollback
	})
	wantErr(t, what+": the transaction's end", err, errRollback)
}
