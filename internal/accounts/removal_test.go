package accounts_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// removal is a member's removal or a service account's deletion: an owner
// with keys and tokens, and the call that ends it.
type removal struct {
	name    string
	failure accounts.CredentialFailure // why its keys no longer resolve
	reason  string                     // recorded on its keys
	// setup makes the owner and returns its keys, the token texts it holds
	// (sessions, bearer tokens), and the call that removes it.
	setup func(t *testing.T, e *env, ws workspace) (keys []store.Key, tokens []string, remove func() error)
}

func removals() []removal {
	return []removal{
		{
			name: "member removal", failure: accounts.MemberRemoved, reason: accounts.ReasonMemberRemoved,
			setup: func(t *testing.T, e *env, ws workspace) ([]store.Key, []string, func() error) {
				bob := e.member(t, ws, "bob", store.RoleMember)
				caller, session := e.login(t, bob)
				keys := []store.Key{e.ownKey(t, caller), e.ownKey(t, caller)}
				bearer := must(e.svc.IssueBearerToken(e.ctx, e.principal(t, keys[0])))(t)
				return keys, []string{session, bearer.Token}, func() error { return e.svc.RemoveMember(e.ctx, ws.admin, bob.ID) }
			},
		},
		{
			name: "service account deletion", failure: accounts.ServiceAccountDeleted, reason: accounts.ReasonServiceAccountDeleted,
			setup: func(t *testing.T, e *env, ws workspace) ([]store.Key, []string, func() error) {
				sa := e.serviceAccount(t, ws, "bot")
				keys := []store.Key{e.serviceAccountKey(t, ws, sa), e.serviceAccountKey(t, ws, sa)}
				bearer := must(e.svc.IssueBearerToken(e.ctx, e.principal(t, keys[1])))(t)
				return keys, []string{bearer.Token}, func() error { return e.svc.DeleteServiceAccount(e.ctx, ws.admin, sa.ID) }
			},
		},
	}
}

// TestRemovalRevokesAtOnce: when the removal returns, every key of the
// owner is revoked with the reason and refused with it, and every session
// and bearer token it held is gone.
func TestRemovalRevokesAtOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		for _, tc := range removals() {
			t.Run(tc.name, func(t *testing.T) {
				ws := e.workspace(t, accounts.QuotasPatch{})
				keys, tokens, remove := tc.setup(t, e, ws)
				ok(t, remove())
				for _, k := range keys {
					if _, err := e.svc.ResolveKey(e.ctx, k.PublicKeyHex); !isFailure(err, tc.failure) {
						t.Errorf("key %s after the removal: %v, want %s", k.Title, err, tc.failure)
					}
				}
				for _, token := range tokens {
					if _, err := e.svc.ResolveBearer(e.ctx, token); !isFailure(err, accounts.UnknownToken) {
						t.Errorf("a bearer token after the removal: %v, want %s", err, accounts.UnknownToken)
					}
					_, err := e.svc.AuthenticateSession(e.ctx, token)
					wantCode(t, "a session after the removal", err, errs.Authentication)
				}
				st := must(e.svc.ExportState(e.ctx))(t)
				for _, k := range st.Keys {
					if k.Owner == keys[0].Owner && (k.RevokedAt == nil || k.RevokeReason != tc.reason) {
						t.Errorf("key %+v, want revoked with %q", k, tc.reason)
					}
				}
				for _, tk := range st.Tokens {
					if tk.Owner == keys[0].Owner {
						t.Errorf("token %+v of the removed owner is still stored", tk)
					}
				}
			})
		}
	})
}

// TestRemovalIsOneTransaction makes the last step of a removal (deleting
// the owner's tokens) fail: the removal then fails as a whole, and the
// owner, its keys and its tokens are all as they were.
func TestRemovalIsOneTransaction(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		faulty := &tokenDeletionFails{Store: e.st}
		e.svc = accounts.New(faulty, accounts.Config{})
		for _, tc := range removals() {
			t.Run(tc.name, func(t *testing.T) {
				ws := e.workspace(t, accounts.QuotasPatch{})
				keys, tokens, remove := tc.setup(t, e, ws)
				before := must(e.svc.ExportState(e.ctx))(t)
				faulty.on.Store(true)
				err := remove()
				faulty.on.Store(false)
				if !errors.Is(err, errTokenDeletion) {
					t.Fatalf("removal with a failing token deletion: %v, want the failure", err)
				}
				if after := must(e.svc.ExportState(e.ctx))(t); !sameState(before, after) {
					t.Errorf("the failed removal changed the state:\n%s\nwas:\n%s", canonicalState(after), canonicalState(before))
				}
				for _, k := range keys {
					if _, err := e.svc.ResolveKey(e.ctx, k.PublicKeyHex); err != nil {
						t.Errorf("key %s after the failed removal: %v", k.Title, err)
					}
				}
				if _, err := e.svc.ResolveBearer(e.ctx, tokens[len(tokens)-1]); err != nil {
					t.Errorf("the bearer token after the failed removal: %v", err)
				}
			})
		}
	})
}

var errTokenDeletion = errors.New("injected: deleting the owner's tokens failed")

// tokenDeletionFails is a store whose transactions fail DeleteOwnerTokens
// while on is set.
type tokenDeletionFails struct {
	store.Store
	on atomic.Bool
}

func (s *tokenDeletionFails) Tx(ctx context.Context, fn func(store.Tx) error) error {
	return s.Store.Tx(ctx, func(tx store.Tx) error {
		if s.on.Load() {
			tx = failingTokenDeletion{tx}
		}
		return fn(tx)
	})
}

type failingTokenDeletion struct{ store.Tx }

func (failingTokenDeletion) DeleteOwnerTokens(context.Context, store.Owner) (int, error) {
	return 0, errTokenDeletion
}
