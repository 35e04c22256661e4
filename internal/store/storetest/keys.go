package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

func keyTests() []conformanceTest {
	return []conformanceTest{
		{"Key/RoundTrip", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			sa := newServiceAccount(ws.ID, m.ID)
			plain := newKey(ws.ID, userOf(m))
			used := newKey(ws.ID, accountOf(sa))
			used.Origin = store.OriginGenerated
			used.LastUsedAt = ptr(now())
			revoked := newKey(ws.ID, userOf(m))
			revoked.RevokedAt = ptr(now())
			revoked.RevokeReason = "rotated"
			create(t, s, ws, m, sa, plain, used, revoked)
			for _, want := range []store.Key{plain, used, revoked} {
				equal(t, "GetKey", getKey(t, s, want.ID), want)
			}
		}},
		{"Key/ReusedIDAlreadyExists", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			k := newKey(ws.ID, userOf(m))
			create(t, s, ws, m, k)
			again := newKey(ws.ID, userOf(m)) // another public key
			again.ID = k.ID
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.CreateKey(ctx, again) })
			wantErr(t, "CreateKey with a reused id", err, store.ErrAlreadyExists)
		}},
		{"Key/ActivePublicKeyUniqueEverywhere", func(t *testing.T, s store.Store) {
			ws1, ws2 := newWorkspace(), newWorkspace()
			m1, m2 := newMember(ws1.ID), newMember(ws2.ID)
			sa := newServiceAccount(ws1.ID, m1.ID)
			k := newKey(ws1.ID, userOf(m1))
			create(t, s, ws1, ws2, m1, m2, sa, k)

			owners := map[string]store.Key{
				"same owner":                  newKeyWithHex(ws1.ID, userOf(m1), k.PublicKeyHex),
				"service account, same ws":    newKeyWithHex(ws1.ID, accountOf(sa), k.PublicKeyHex),
				"member of another workspace": newKeyWithHex(ws2.ID, userOf(m2), k.PublicKeyHex),
			}
			for name, dup := range owners {
				err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.CreateKey(ctx, dup) })
				wantErr(t, "CreateKey of an active public key for "+name, err, store.ErrDuplicateKey)
			}

			// A revoked key never blocks: neither an imported revoked copy
			// nor, once k is revoked, a new active registration.
			importedRevoked := newKeyWithHex(ws2.ID, userOf(m2), k.PublicKeyHex)
			importedRevoked.RevokedAt = ptr(now())
			create(t, s, importedRevoked)
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.RevokeKey(ctx, k.ID, now(), "rotated") })
			again := newKeyWithHex(ws2.ID, userOf(m2), k.PublicKeyHex)
			create(t, s, again)

			// The new registration holds the slot in turn.
			dup := newKeyWithHex(ws1.ID, userOf(m1), k.PublicKeyHex)
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.CreateKey(ctx, dup) })
			wantErr(t, "CreateKey of a re-registered public key", err, store.ErrDuplicateKey)
		}},
		{"Key/ListByOwnerOldestFirst", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m, other := newMember(ws.ID), newMember(ws.ID)
			a, b, c, d := newKey(ws.ID, userOf(m)), newKey(ws.ID, userOf(m)), newKey(ws.ID, userOf(m)), newKey(ws.ID, userOf(m))
			a.CreatedAt = at(0)
			b.CreatedAt, c.CreatedAt = at(time.Second), at(time.Second)
			if b.ID > c.ID {
				b, c = c, b
			}
			d.CreatedAt = at(time.Minute)
			b.RevokedAt = ptr(at(time.Hour))
			create(t, s, ws, m, other, d, newKey(ws.ID, userOf(other)), b, a, c)
			got := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.Key, error) {
				return tx.PageKeys(ctx, userOf(m), store.Page{Limit: 100})
			})
			equal(t, "PageKeys", got, []store.Key{a, b, c, d})
		}},
		{"Key/ListWorkspaceKeysOldestFirst", func(t *testing.T, s store.Store) {
			ws, other := newWorkspace(), newWorkspace()
			m, sa, outsider := newMember(ws.ID), newServiceAccount(ws.ID, ""), newMember(other.ID)
			a, b, c := newKey(ws.ID, userOf(m)), newKey(ws.ID, accountOf(sa)), newKey(ws.ID, userOf(m))
			a.CreatedAt, b.CreatedAt, c.CreatedAt = at(0), at(time.Second), at(time.Minute)
			c.RevokedAt = ptr(at(time.Hour))
			create(t, s, ws, other, m, sa, outsider, c, newKey(other.ID, userOf(outsider)), a, b)
			got := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.Key, error) {
				return tx.ListWorkspaceKeys(ctx, ws.ID)
			})
			equal(t, "ListWorkspaceKeys", got, []store.Key{a, b, c})
		}},
		{"Key/CountActiveKeys", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m, other := newMember(ws.ID), newMember(ws.ID)
			sa := newServiceAccount(ws.ID, m.ID)
			revoked := newKey(ws.ID, userOf(m))
			revoked.RevokedAt = ptr(now())
			create(t, s, ws, m, other, sa, newKey(ws.ID, userOf(m)), newKey(ws.ID, userOf(m)), revoked,
				newKey(ws.ID, userOf(other)), newKey(ws.ID, accountOf(sa)))
			counts := map[store.Owner]int{userOf(m): 2, userOf(other): 1, accountOf(sa): 1, {Type: store.OwnerUser, ID: newID()}: 0}
			for owner, want := range counts {
				got := read(t, s, func(ctx context.Context, tx store.Tx) (int, error) { return tx.CountActiveKeys(ctx, owner) })
				if got != want {
					t.Errorf("CountActiveKeys(%v) = %d, want %d", owner, got, want)
				}
			}
		}},
		{"Key/CountActiveKeysFollowsEveryWrite", func(t *testing.T, s store.Store) {
			// However the keys of an owner are written (one by one or many in
			// a transaction, revoked one by one or all at once, created
			// already revoked, rolled back, deleted with the workspace or
			// with everything), the count is what a count of the keys
			// would be.
			ws, other := newWorkspace(), newWorkspace()
			m, sa := newMember(ws.ID), newServiceAccount(ws.ID, "")
			sa.CreatedByMemberID = m.ID
			orphan := store.Owner{Type: store.OwnerUser, ID: newID()} // no member row
			create(t, s, ws, other, m, sa)
			count := func(what string, owner store.Owner, want int) {
				t.Helper()
				got := read(t, s, func(ctx context.Context, tx store.Tx) (int, error) { return tx.CountActiveKeys(ctx, owner) })
				if got != want {
					t.Errorf("%s: CountActiveKeys(%s) = %d, want %d", what, owner.Type, got, want)
				}
			}
			var userKeys []store.Key
			for range 5 {
				userKeys = append(userKeys, newKey(ws.ID, userOf(m)))
			}
			born := newKey(ws.ID, userOf(m))
			born.RevokedAt = ptr(now())
			create(t, s, userKeys[0], userKeys[1], userKeys[2], userKeys[3], userKeys[4], born,
				newKey(ws.ID, accountOf(sa)), newKey(ws.ID, accountOf(sa)), newKey(other.ID, orphan))
			count("created", userOf(m), 5)
			count("created", accountOf(sa), 2)
			count("created for an owner without a row", orphan, 1)

			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.RevokeKey(ctx, userKeys[0].ID, now(), "test") })
			count("one revoked", userOf(m), 4)
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
				if err := tx.RevokeKey(ctx, userKeys[1].ID, now(), "test"); err != nil {
					return err
				}
				if err := tx.CreateKey(ctx, newKey(ws.ID, userOf(m))); err != nil {
					return err
				}
				return errors.New("roll back")
			})
			if err == nil || err.Error() != "roll back" {
				t.Fatalf("rolled back transaction: %v", err)
			}
			count("a revocation and a creation rolled back", userOf(m), 4)
			n := read(t, s, func(ctx context.Context, tx store.Tx) (int, error) {
				return tx.RevokeOwnerKeys(ctx, userOf(m), now(), "test")
			})
			if n != 4 {
				t.Errorf("RevokeOwnerKeys revoked %d keys, want 4", n)
			}
			count("all revoked", userOf(m), 0)
			create(t, s, newKey(ws.ID, userOf(m)))
			count("one more after all were revoked", userOf(m), 1)
			noErr(t, "TouchKeys", s.TouchKeys(t.Context(), map[string]time.Time{userKeys[4].ID: now()}))
			count("a revoked key used", userOf(m), 1)

			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteWorkspace(ctx, ws.ID) })
			count("workspace deleted", userOf(m), 0)
			count("workspace deleted", accountOf(sa), 0)
			count("another workspace's owner", orphan, 1)
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteAll(ctx) })
			count("everything deleted", orphan, 0)
		}},
		{"Key/Revoke", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			k, other := newKey(ws.ID, userOf(m)), newKey(ws.ID, userOf(m))
			create(t, s, ws, m, k, other)
			revokedAt := now()
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.RevokeKey(ctx, k.ID, revokedAt, "compromised") })
			k.RevokedAt, k.RevokeReason = &revokedAt, "compromised"
			equal(t, "revoked key", getKey(t, s, k.ID), k)
			equal(t, "other key", getKey(t, s, other.ID), other)

			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
				return tx.RevokeKey(ctx, k.ID, revokedAt.Add(time.Second), "again")
			})
			wantErr(t, "RevokeKey twice", err, store.ErrNotFound)
			equal(t, "key revoked twice", getKey(t, s, k.ID), k)
		}},
		{"Key/RevokeOwnerKeys", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m, other := newMember(ws.ID), newMember(ws.ID)
			a, b, bystander := newKey(ws.ID, userOf(m)), newKey(ws.ID, userOf(m)), newKey(ws.ID, userOf(other))
			earlier := newKey(ws.ID, userOf(m))
			earlier.RevokedAt, earlier.RevokeReason = ptr(at(0)), "rotated"
			create(t, s, ws, m, other, a, b, bystander, earlier)

			revokedAt := now()
			n := read(t, s, func(ctx context.Context, tx store.Tx) (int, error) {
				return tx.RevokeOwnerKeys(ctx, userOf(m), revokedAt, "member removed")
			})
			if n != 2 {
				t.Errorf("RevokeOwnerKeys revoked %d keys, want 2", n)
			}
			for _, k := range []store.Key{a, b} {
				k.RevokedAt, k.RevokeReason = &revokedAt, "member removed"
				equal(t, "revoked key", getKey(t, s, k.ID), k)
			}
			equal(t, "key revoked earlier", getKey(t, s, earlier.ID), earlier)
			equal(t, "other owner's key", getKey(t, s, bystander.ID), bystander)

			n = read(t, s, func(ctx context.Context, tx store.Tx) (int, error) {
				return tx.RevokeOwnerKeys(ctx, userOf(m), revokedAt, "again")
			})
			if n != 0 {
				t.Errorf("second RevokeOwnerKeys revoked %d keys, want 0", n)
			}
		}},
		{"Key/TouchKeysKeepsLaterTime", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			never, used, revoked := newKey(ws.ID, userOf(m)), newKey(ws.ID, userOf(m)), newKey(ws.ID, userOf(m))
			used.LastUsedAt = ptr(at(time.Hour))
			revoked.RevokedAt = ptr(at(time.Minute))
			create(t, s, ws, m, never, used, revoked)

			ctx := t.Context()
			noErr(t, "TouchKeys", s.TouchKeys(ctx, map[string]time.Time{
				never.ID:   at(time.Second),
				used.ID:    at(time.Second), // earlier than stored: ignored
				revoked.ID: at(2 * time.Hour),
				newID():    at(time.Second), // unknown: ignored
			}))
			never.LastUsedAt = ptr(at(time.Second))
			revoked.LastUsedAt = ptr(at(2 * time.Hour))
			equal(t, "never used key", getKey(t, s, never.ID), never)
			equal(t, "key used later than touched", getKey(t, s, used.ID), used)
			equal(t, "revoked key", getKey(t, s, revoked.ID), revoked)

			noErr(t, "TouchKeys later", s.TouchKeys(ctx, map[string]time.Time{used.ID: at(3 * time.Hour)}))
			used.LastUsedAt = ptr(at(3 * time.Hour))
			equal(t, "key touched later", getKey(t, s, used.ID), used)
			res, err := s.ResolveKey(ctx, used.PublicKeyHex)
			noErr(t, "ResolveKey", err)
			equal(t, "resolved key", res.Key, used)

			noErr(t, "TouchKeys with nothing", s.TouchKeys(ctx, nil))
		}},
		{"Key/TouchKeysManyAtOnce", func(t *testing.T, s store.Store) {
			// A flush after a busy second: more keys than a backend may
			// write in one statement, each with a time of its own.
			ws := newWorkspace()
			m := newMember(ws.ID)
			rows := []any{ws, m}
			touched := map[string]time.Time{}
			for i := range 1111 {
				k := newKey(ws.ID, userOf(m))
				rows = append(rows, k)
				touched[k.ID] = at(time.Duration(i) * time.Millisecond)
			}
			create(t, s, rows...)
			noErr(t, "TouchKeys", s.TouchKeys(t.Context(), touched))
			keys := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.Key, error) {
				return tx.ListWorkspaceKeys(ctx, ws.ID)
			})
			if len(keys) != len(touched) {
				t.Fatalf("%d keys listed, want %d", len(keys), len(touched))
			}
			for _, k := range keys {
				if want := touched[k.ID]; k.LastUsedAt == nil || !k.LastUsedAt.Equal(want) {
					t.Errorf("key %s: LastUsedAt = %v, want %v", k.ID, k.LastUsedAt, want)
				}
			}
		}},
	}
}

func resolveKeyTests() []conformanceTest {
	return []conformanceTest{
		{"ResolveKey/MemberKey", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			m.Role = store.RoleAdmin
			k := newKey(ws.ID, userOf(m))
			create(t, s, ws, m, k)
			got, err := s.ResolveKey(t.Context(), k.PublicKeyHex)
			noErr(t, "ResolveKey", err)
			equal(t, "resolution", got, store.KeyResolution{
				Key: k, WorkspaceID: ws.ID, Role: store.RoleAdmin, Email: m.Email, Name: m.Name,
			})
		}},
		{"ResolveKey/ServiceAccountKey", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			sa := newServiceAccount(ws.ID, m.ID)
			k := newKey(ws.ID, accountOf(sa))
			create(t, s, ws, m, sa, k)
			got, err := s.ResolveKey(t.Context(), k.PublicKeyHex)
			noErr(t, "ResolveKey", err)
			equal(t, "resolution", got, store.KeyResolution{
				Key: k, WorkspaceID: ws.ID, Role: sa.Role, Email: sa.Email, Name: sa.Name,
			})
		}},
		{"ResolveKey/OwnerAsItIsNow", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			sa := newServiceAccount(ws.ID, m.ID)
			userKey, saKey := newKey(ws.ID, userOf(m)), newKey(ws.ID, accountOf(sa))
			create(t, s, ws, m, sa, userKey, saKey)
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
				if err := tx.UpdateMemberRole(ctx, m.ID, store.RoleAdmin); err != nil {
					return err
				}
				sa.Role = store.RoleAdmin
				return tx.UpdateServiceAccount(ctx, sa)
			})
			for _, k := range []store.Key{userKey, saKey} {
				got, err := s.ResolveKey(t.Context(), k.PublicKeyHex)
				noErr(t, "ResolveKey", err)
				if got.Role != store.RoleAdmin {
					t.Errorf("ResolveKey of %s key: Role = %q after promotion, want admin", k.Owner.Type, got.Role)
				}
			}
		}},
		{"ResolveKey/ActivePreferredOverRevoked", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			hex := newPublicKeyHex()
			old := newKeyWithHex(ws.ID, userOf(m), hex)
			old.CreatedAt = at(0)
			old.RevokedAt = ptr(at(2 * time.Hour)) // revoked after current was made
			current := newKeyWithHex(ws.ID, userOf(m), hex)
			current.CreatedAt = at(time.Hour)
			create(t, s, ws, m, old, current)
			got, err := s.ResolveKey(t.Context(), hex)
			noErr(t, "ResolveKey", err)
			equal(t, "resolved key", got.Key, current)
		}},
		{"ResolveKey/LatestRevokedWhenNoneActive", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			hex := newPublicKeyHex()
			// Created in one order, revoked in the other.
			first := newKeyWithHex(ws.ID, userOf(m), hex)
			first.CreatedAt, first.RevokedAt, first.RevokeReason = at(0), ptr(at(3*time.Hour)), "latest"
			second := newKeyWithHex(ws.ID, userOf(m), hex)
			second.CreatedAt, second.RevokedAt, second.RevokeReason = at(time.Hour), ptr(at(2*time.Hour)), "earlier"
			create(t, s, ws, m, second, first)
			got, err := s.ResolveKey(t.Context(), hex)
			noErr(t, "ResolveKey", err)
			equal(t, "resolved key", got.Key, first)
			if got.OwnerGone {
				t.Errorf("OwnerGone set for a live member")
			}
		}},
		{"ResolveKey/OwnerGone", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m, admin := newMember(ws.ID), newMember(ws.ID)
			sa := newServiceAccount(ws.ID, admin.ID)
			userKey, saKey := newKey(ws.ID, userOf(m)), newKey(ws.ID, accountOf(sa))
			create(t, s, ws, m, admin, sa, userKey, saKey)
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
				if err := tx.MarkMemberRemoved(ctx, m.ID, now()); err != nil {
					return err
				}
				return tx.MarkServiceAccountDeleted(ctx, sa.ID, now())
			})
			for _, want := range []store.KeyResolution{
				{Key: userKey, WorkspaceID: ws.ID, Role: m.Role, Email: m.Email, Name: m.Name, OwnerGone: true},
				{Key: saKey, WorkspaceID: ws.ID, Role: sa.Role, Email: sa.Email, Name: sa.Name, OwnerGone: true},
			} {
				got, err := s.ResolveKey(t.Context(), want.Key.PublicKeyHex)
				noErr(t, "ResolveKey", err)
				equal(t, "resolution of a gone owner's key", got, want)
			}
		}},
		{"ResolveKey/RevocationVisible", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			k := newKey(ws.ID, userOf(m))
			create(t, s, ws, m, k)
			if _, err := s.ResolveKey(t.Context(), k.PublicKeyHex); err != nil {
				t.Fatalf("ResolveKey: %v", err)
			}
			revokedAt := now()
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.RevokeKey(ctx, k.ID, revokedAt, "stolen") })
			got, err := s.ResolveKey(t.Context(), k.PublicKeyHex)
			noErr(t, "ResolveKey after revocation", err)
			k.RevokedAt, k.RevokeReason = &revokedAt, "stolen"
			equal(t, "resolved key", got.Key, k)
		}},
	}
}
