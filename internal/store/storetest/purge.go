package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// purgeTests check PurgeExpiredTokens: it deletes exactly the tokens whose
// expiry is not after the given instant, of every kind and workspace.
func purgeTests() []conformanceTest {
	return []conformanceTest{
		{"Purge/DeletesExpiredOnly", func(t *testing.T, s store.Store) {
			ws, other := newWorkspace(), newWorkspace()
			m, outsider := newMember(ws.ID), newMember(other.ID)
			k := newKey(ws.ID, userOf(m))
			cutoff := at(24 * time.Hour)
			expiring := func(tok store.Token, expiresAt time.Time) store.Token {
				tok.CreatedAt, tok.ExpiresAt = at(0), expiresAt
				return tok
			}
			expired := []store.Token{
				expiring(newToken(ws.ID, userOf(m), store.TokenSession), cutoff.Add(-time.Hour)),
				expiring(newBearer(k), cutoff.Add(-time.Microsecond)),
				expiring(newToken(other.ID, userOf(outsider), store.TokenSession), cutoff), // expires at the cutoff
			}
			valid := []store.Token{
				expiring(newToken(ws.ID, userOf(m), store.TokenSession), cutoff.Add(time.Microsecond)),
				expiring(newBearer(k), cutoff.Add(time.Hour)),
				expiring(newToken(other.ID, userOf(outsider), store.TokenSession), cutoff.Add(48*time.Hour)),
			}
			rows := []any{ws, other, m, outsider, k}
			for _, tok := range append(append([]store.Token{}, expired...), valid...) {
				rows = append(rows, tok)
			}
			create(t, s, rows...)

			n, err := s.PurgeExpiredTokens(t.Context(), cutoff)
			noErr(t, "PurgeExpiredTokens", err)
			if n != len(expired) {
				t.Errorf("PurgeExpiredTokens = %d, want %d", n, len(expired))
			}
			for _, tok := range expired {
				_, err := s.ResolveToken(t.Context(), tok.Hash)
				wantErr(t, "ResolveToken of a purged token", err, store.ErrNotFound)
			}
			for _, tok := range valid {
				got, err := s.ResolveToken(t.Context(), tok.Hash)
				noErr(t, "ResolveToken of a token still valid", err)
				equal(t, "token still valid", got.Token, tok)
			}
			n, err = s.PurgeExpiredTokens(t.Context(), cutoff)
			noErr(t, "PurgeExpiredTokens again", err)
			if n != 0 {
				t.Errorf("PurgeExpiredTokens again = %d, want 0", n)
			}
		}},
		{"Purge/ManyTokens", func(t *testing.T, s store.Store) {
			// More tokens than a backend would delete in one step.
			ws := newWorkspace()
			m := newMember(ws.ID)
			create(t, s, ws, m)
			const expired = 2100
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
				if err := addExpiredSessions(ctx, tx, ws, m, expired); err != nil {
					return err
				}
				return tx.CreateToken(ctx, newToken(ws.ID, userOf(m), store.TokenSession))
			})
			n, err := s.PurgeExpiredTokens(t.Context(), at(time.Hour))
			noErr(t, "PurgeExpiredTokens", err)
			if n != expired {
				t.Errorf("PurgeExpiredTokens = %d, want %d", n, expired)
			}
			left := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.Token, error) {
				return tx.ListWorkspaceTokens(ctx, ws.ID)
			})
			if len(left) != 1 {
				t.Errorf("%d tokens left, want the 1 still valid", len(left))
			}
		}},
		{"Purge/ContextDone", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			tok := newToken(ws.ID, userOf(m), store.TokenSession)
			tok.CreatedAt, tok.ExpiresAt = at(0), at(time.Hour)
			create(t, s, ws, m, tok)
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			if _, err := s.PurgeExpiredTokens(ctx, at(time.Hour)); err == nil {
				t.Errorf("PurgeExpiredTokens with a cancelled context succeeded")
			}
		}},
	}
}

// addExpiredSessions creates n sessions of m that expire at(time.Hour).
func addExpiredSessions(ctx context.Context, tx store.Tx, ws store.Workspace, m store.Member, n int) error {
	for range n {
		tok := newToken(ws.ID, userOf(m), store.TokenSession)
		tok.CreatedAt, tok.ExpiresAt = at(0), at(time.Hour)
		if err := tx.CreateToken(ctx, tok); err != nil {
			return err
		}
	}
	return nil
}

// racePurge: purges from both stores at once delete every expired token
// exactly once between them, and nothing else.
func racePurge(t *testing.T, stores [2]store.Store) {
	ws := newWorkspace()
	m := newMember(ws.ID)
	create(t, stores[0], ws, m)
	const expired = 1500
	var valid store.Token
	mustTx(t, stores[0], func(ctx context.Context, tx store.Tx) error {
		if err := addExpiredSessions(ctx, tx, ws, m, expired); err != nil {
			return err
		}
		valid = newToken(ws.ID, userOf(m), store.TokenSession)
		return tx.CreateToken(ctx, valid)
	})

	purged := make([]int, contenders)
	errs := race(t, stores, func(ctx context.Context, s store.Store, i int) error {
		var err error
		purged[i], err = s.PurgeExpiredTokens(ctx, at(time.Hour))
		return err
	})
	wantWinners(t, errs, contenders, nil)
	total := 0
	for _, n := range purged {
		total += n
	}
	if total != expired {
		t.Errorf("the purges deleted %d tokens between them, want %d", total, expired)
	}
	left := read(t, stores[1], func(ctx context.Context, tx store.Tx) ([]store.Token, error) {
		return tx.ListWorkspaceTokens(ctx, ws.ID)
	})
	sameIDs(t, "tokens left", tokenIDs(left), []string{valid.ID})
}
