package accounts_test

import (
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// TestKeyUniqueness: an active public key has one owner in the whole
// installation, since the SDK sends only the public key. Registering it
// again, by anyone, is a DUPLICATE_SSH_KEY_ERROR; once the first is
// revoked the public key is free again.
func TestKeyUniqueness(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		for _, tc := range []struct {
			name string
			// uploader returns a way to register a public key for someone
			// other than, or the same as, ws's admin.
			uploader func(t *testing.T, ws, other workspace) func(line string) error
		}{
			{"by the same user", func(_ *testing.T, ws, _ workspace) func(string) error {
				return uploadFor(e, ws.admin)
			}},
			{"by another member", func(t *testing.T, ws, _ workspace) func(string) error {
				bob, _ := e.login(t, e.member(t, ws, "bob", store.RoleMember))
				return uploadFor(e, bob)
			}},
			{"for a service account", func(t *testing.T, ws, _ workspace) func(string) error {
				sa := e.serviceAccount(t, ws, "bot")
				return func(line string) error {
					_, err := e.svc.AddServiceAccountKey(e.ctx, ws.admin, sa.ID, accounts.AddKeyInput{Title: "again", PublicKey: &line})
					return err
				}
			}},
			{"in another workspace", func(_ *testing.T, _, other workspace) func(string) error {
				return uploadFor(e, other.admin)
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ws, other := e.workspace(t, accounts.QuotasPatch{}), e.workspace(t, accounts.QuotasPatch{})
				pub, _, err := sshkey.Generate("")
				if err != nil {
					t.Fatal(err)
				}
				first := must(e.svc.AddOwnKey(e.ctx, ws.admin, accounts.AddKeyInput{Title: "first", PublicKey: &pub.Line}))(t)
				if first.PrivateKey != nil || first.Key.Origin != store.OriginUploaded || first.Key.PublicKeyHex != pub.Hex {
					t.Fatalf("uploaded key %+v", first)
				}
				upload := tc.uploader(t, ws, other)
				wantCode(t, "the same public key again", upload(pub.Line), errs.DuplicateSSHKey)
				ok(t, e.svc.RevokeOwnKey(e.ctx, ws.admin, first.Key.ID))
				if err := upload(pub.Line); err != nil {
					t.Errorf("after the revocation of the first: %v", err)
				}
			})
		}
	})
}

// uploadFor returns a way to register a public key as c's own.
func uploadFor(e *env, c accounts.Caller) func(line string) error {
	return func(line string) error {
		_, err := e.svc.AddOwnKey(e.ctx, c, accounts.AddKeyInput{Title: "again", PublicKey: &line})
		return err
	}
}

// TestRevokedKeys: a revoked key no longer authenticates and says why;
// revoking it again is a no-op; a key that is not the owner's to revoke is
// a 404.
func TestRevokedKeys(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ws := e.workspace(t, accounts.QuotasPatch{})
		bob, _ := e.login(t, e.member(t, ws, "bob", store.RoleMember))
		key := e.ownKey(t, bob)
		adminKey := e.ownKey(t, ws.admin)
		wantCode(t, "bob revoking the admin's key", e.svc.RevokeOwnKey(e.ctx, bob, adminKey.ID), errs.NotFound)
		if _, err := e.svc.ResolveKey(e.ctx, adminKey.PublicKeyHex); err != nil {
			t.Fatalf("the admin's key after bob's attempt: %v", err)
		}
		ok(t, e.svc.RevokeOwnKey(e.ctx, bob, key.ID))
		ok(t, e.svc.RevokeOwnKey(e.ctx, bob, key.ID)) // a retry
		if _, err := e.svc.ResolveKey(e.ctx, key.PublicKeyHex); !isFailure(err, accounts.RevokedKey) || !hasCode(err, errs.Authentication) {
			t.Errorf("a revoked key resolves: %v, want AUTHENTICATION_ERROR (%s)", err, accounts.RevokedKey)
		}
		keys := must(e.svc.ListOwnKeys(e.ctx, bob, everything))(t).Items
		if len(keys) != 1 || keys[0].RevokedAt == nil || keys[0].RevokeReason != accounts.ReasonRevokedByOwner {
			t.Errorf("bob's keys after revoking %+v, want it listed as revoked by its owner", keys)
		}
	})
}
