package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// bearerTests check that a bearer token lives only as long as the key that
// minted it: ResolveToken reports a bearer whose key is gone, and revoking a
// key deletes its bearers in the revoking transaction.
func bearerTests() []conformanceTest {
	return []conformanceTest{
		{"Bearer/KeyGoneUnlessKeyActive", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			active, revoked := newKey(ws.ID, userOf(m)), newKey(ws.ID, userOf(m))
			revoked.RevokedAt, revoked.RevokeReason = ptr(now()), "rotated"
			bound := newBearer(active)
			// Minted by a key revoked before the token was written (a mint
			// racing the revocation), by a key the store never held, and by
			// no key at all.
			ofRevoked := newBearer(revoked)
			ofUnknown := newBearer(newKey(ws.ID, userOf(m)))
			unbound := newToken(ws.ID, userOf(m), store.TokenBearer)
			session := newToken(ws.ID, userOf(m), store.TokenSession)
			create(t, s, ws, m, active, revoked, bound, ofRevoked, ofUnknown, unbound, session)

			for _, c := range []struct {
				name    string
				tok     store.Token
				keyGone bool
			}{
				{"a bearer of an active key", bound, false},
				{"a bearer of a revoked key", ofRevoked, true},
				{"a bearer of an unknown key", ofUnknown, true},
				{"a bearer naming no key", unbound, true},
				{"a session", session, false},
			} {
				got, err := s.ResolveToken(t.Context(), c.tok.Hash)
				noErr(t, "ResolveToken of "+c.name, err)
				equal(t, "token of "+c.name, got.Token, c.tok)
				if got.KeyGone != c.keyGone {
					t.Errorf("ResolveToken of %s: KeyGone = %t, want %t", c.name, got.KeyGone, c.keyGone)
				}
			}
		}},
		{"Bearer/RevokeKeyDeletesItsBearers", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m, other := newMember(ws.ID), newMember(ws.ID)
			k, sibling, othersKey := newKey(ws.ID, userOf(m)), newKey(ws.ID, userOf(m)), newKey(ws.ID, userOf(other))
			ofK := []store.Token{newBearer(k), newBearer(k)}
			ofSibling, ofOther := newBearer(sibling), newBearer(othersKey)
			session := newToken(ws.ID, userOf(m), store.TokenSession)
			create(t, s, ws, m, other, k, sibling, othersKey, ofK[0], ofK[1], ofSibling, ofOther, session)

			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.RevokeKey(ctx, k.ID, now(), "compromised") })
			for _, tok := range ofK {
				_, err := s.ResolveToken(t.Context(), tok.Hash)
				wantErr(t, "ResolveToken of a bearer of a revoked key", err, store.ErrNotFound)
			}
			for name, tok := range map[string]store.Token{
				"a bearer of the owner's other key": ofSibling,
				"a bearer of another owner's key":   ofOther,
				"the owner's session":               session,
			} {
				got, err := s.ResolveToken(t.Context(), tok.Hash)
				noErr(t, "ResolveToken of "+name, err)
				if got.KeyGone {
					t.Errorf("ResolveToken of %s: KeyGone after another key was revoked", name)
				}
			}
			tokens := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.Token, error) {
				return tx.ListWorkspaceTokens(ctx, ws.ID)
			})
			sameIDSet(t, "tokens after RevokeKey", tokenIDs(tokens), []string{ofSibling.ID, ofOther.ID, session.ID})
		}},
		{"Bearer/RevokeOwnerKeysDeletesTheirBearers", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m, other := newMember(ws.ID), newMember(ws.ID)
			sa := newServiceAccount(ws.ID, m.ID)
			k1, k2 := newKey(ws.ID, accountOf(sa)), newKey(ws.ID, accountOf(sa))
			othersKey := newKey(ws.ID, userOf(other))
			b1, b2, b3 := newBearer(k1), newBearer(k2), newBearer(k2)
			ofOther := newBearer(othersKey)
			create(t, s, ws, m, other, sa, k1, k2, othersKey, b1, b2, b3, ofOther)

			n := read(t, s, func(ctx context.Context, tx store.Tx) (int, error) {
				return tx.RevokeOwnerKeys(ctx, accountOf(sa), now(), "service account deleted")
			})
			if n != 2 {
				t.Errorf("RevokeOwnerKeys = %d, want 2 (keys revoked, not tokens deleted)", n)
			}
			for _, tok := range []store.Token{b1, b2, b3} {
				_, err := s.ResolveToken(t.Context(), tok.Hash)
				wantErr(t, "ResolveToken of a bearer of a revoked owner's key", err, store.ErrNotFound)
			}
			_, err := s.ResolveToken(t.Context(), ofOther.Hash)
			noErr(t, "ResolveToken of another owner's bearer", err)
		}},
		{"Bearer/RevocationRolledBackKeepsBearers", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			k := newKey(ws.ID, userOf(m))
			b := newBearer(k)
			create(t, s, ws, m, k, b)
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
				noErr(t, "RevokeKey", tx.RevokeKey(ctx, k.ID, now(), "rolled back"))
				return errAbort
			})
			wantErr(t, "Tx", err, errAbort)
			got, err := s.ResolveToken(t.Context(), b.Hash)
			noErr(t, "ResolveToken after the rolled back revocation", err)
			if got.KeyGone {
				t.Errorf("KeyGone after the revocation was rolled back")
			}
		}},
	}
}

// raceBearerMintAndRevocation: bearers minted through both stores while the
// key is revoked through one. A mint checks the key inside its transaction,
// as accounts does, but reads and writes under read committed race with the
// revocation; whatever the interleaving, once the revocation has committed,
// no bearer of the key authenticates: it is deleted or reported KeyGone.
func raceBearerMintAndRevocation(t *testing.T, stores [2]store.Store) {
	ws := newWorkspace()
	m := newMember(ws.ID)
	k := newKey(ws.ID, userOf(m))
	create(t, stores[0], ws, m, k)

	errKeyRevoked := errors.New("storetest: key already revoked")
	minted := make([]store.Token, contenders)
	errs := race(t, stores, func(ctx context.Context, s store.Store, i int) error {
		if i == contenders/2 {
			return s.Tx(ctx, func(tx store.Tx) error { return tx.RevokeKey(ctx, k.ID, now(), "compromised") })
		}
		minted[i] = newBearer(k)
		return s.Tx(ctx, func(tx store.Tx) error {
			key, err := tx.GetKey(ctx, k.ID)
			if err != nil {
				return err
			}
			if !key.Active() {
				return errKeyRevoked
			}
			return tx.CreateToken(ctx, minted[i])
		})
	})
	for i, err := range errs {
		if err != nil && !errors.Is(err, errKeyRevoked) {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	for i, tok := range minted {
		if tok.Hash == "" {
			continue
		}
		for j, s := range stores {
			res, err := s.ResolveToken(t.Context(), tok.Hash)
			switch {
			case errors.Is(err, store.ErrNotFound):
			case err != nil:
				t.Errorf("store %d: ResolveToken of bearer %d: %v", j, i, err)
			case !res.KeyGone:
				t.Errorf("store %d: bearer %d of a revoked key resolves with KeyGone false", j, i)
			}
		}
	}
}

// bearerRevocationVisibleToOtherStore: a revocation committed through one
// store ends the key's bearers for the other as soon as the commit returned.
func bearerRevocationVisibleToOtherStore(t *testing.T, stores [2]store.Store) {
	ws := newWorkspace()
	m := newMember(ws.ID)
	k := newKey(ws.ID, userOf(m))
	b := newBearer(k)
	create(t, stores[0], ws, m, k, b)

	res, err := stores[1].ResolveToken(t.Context(), b.Hash)
	noErr(t, "ResolveToken before the revocation", err)
	if res.KeyGone {
		t.Fatalf("KeyGone before the revocation")
	}
	mustTx(t, stores[0], func(ctx context.Context, tx store.Tx) error { return tx.RevokeKey(ctx, k.ID, now(), "compromised") })
	_, err = stores[1].ResolveToken(t.Context(), b.Hash)
	wantErr(t, "other store's ResolveToken after the revocation", err, store.ErrNotFound)

	// A bearer written after the revocation (a mint that lost the race)
	// is refused by the other store's very next resolution.
	late := newBearer(k)
	create(t, stores[0], late)
	res, err = stores[1].ResolveToken(t.Context(), late.Hash)
	noErr(t, "ResolveToken of a bearer written after the revocation", err)
	if !res.KeyGone {
		t.Errorf("other store: a bearer of a revoked key resolves with KeyGone false")
	}
}
