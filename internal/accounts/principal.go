package accounts

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// Principal is who an SDK-plane request acts as: a user or a service
// account, in one workspace, with its role as it is now.
type Principal struct {
	Owner       store.Owner
	WorkspaceID string
	Role        store.Role
	Email       string
	Name        string
	// KeyID and PublicKeyHex name the key that authenticated the request;
	// empty for a bearer token.
	KeyID        string
	PublicKeyHex string
}

// IsAdmin reports whether the principal is a workspace admin.
func (p Principal) IsAdmin() bool { return p.Role == store.RoleAdmin }

// CredentialFailure says why credentials with a valid signature (or a
// well-formed bearer token) do not resolve to a principal. ResolveKey and
// ResolveBearer return it wrapped in an AUTHENTICATION_ERROR (401, never a
// server error); errors.Is and errors.As find it there.
type CredentialFailure string

const (
	// UnknownKey: no key with this public key was ever registered (or its
	// workspace was deleted). The v1 dialect answers it as
	// SSH_KEY_NOT_FOUND_ERROR.
	UnknownKey CredentialFailure = "unknown_key"
	// RevokedKey: the key was revoked (by its owner or an admin).
	RevokedKey CredentialFailure = "key_revoked"
	// MemberRemoved: the key's user was removed from the workspace.
	MemberRemoved CredentialFailure = "member_removed"
	// ServiceAccountDeleted: the key's service account was deleted.
	ServiceAccountDeleted CredentialFailure = "service_account_deleted"
	// UnknownToken: the bearer token was never issued, or was deleted with
	// its owner's removal.
	UnknownToken CredentialFailure = "unknown_token"
	// ExpiredToken: the bearer token's lifetime is over.
	ExpiredToken CredentialFailure = "token_expired"
	// WrongTokenKind: a management-plane session token was sent to the SDK
	// plane.
	WrongTokenKind CredentialFailure = "wrong_token_kind"
)

func (f CredentialFailure) Error() string { return string(f) }

func credentialError(f CredentialFailure, format string, args ...any) *errs.Error {
	return errs.Wrap(f, errs.Authentication, format, args...)
}

// ResolveKey resolves the public key (lowercase hex, the SDK's key id) of a
// verified signature to its principal, in one store lookup and with no
// cache: a revocation committed before the call is always seen. Store
// outages come back wrapping store.ErrUnavailable.
func (s *Service) ResolveKey(ctx context.Context, publicKeyHex string) (Principal, error) {
	res, err := s.store.ResolveKey(ctx, publicKeyHex)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, credentialError(UnknownKey, "The used SSH key does not exist on the Encord platform. Its key id is %s.", publicKeyHex).WithRemedy(errs.Remedy{Action: errs.RegisterKey})
	}
	if err != nil {
		return Principal{}, err
	}
	k := res.Key
	switch {
	case k.RevokedAt != nil && k.RevokeReason == ReasonMemberRemoved:
		return Principal{}, credentialError(MemberRemoved, "the key %q (%s) stopped working at %s: its user %s was removed from the workspace", k.Title, k.Fingerprint, k.RevokedAt.Format(time.RFC3339), res.Email)
	case k.RevokedAt != nil && k.RevokeReason == ReasonServiceAccountDeleted:
		return Principal{}, credentialError(ServiceAccountDeleted, "the key %q (%s) stopped working at %s: its service account %s was deleted", k.Title, k.Fingerprint, k.RevokedAt.Format(time.RFC3339), res.Email)
	case k.RevokedAt != nil:
		return Principal{}, credentialError(RevokedKey, "the key %q (%s) was revoked at %s (%s); register a new key", k.Title, k.Fingerprint, k.RevokedAt.Format(time.RFC3339), k.RevokeReason)
	case res.OwnerGone:
		// Removal revokes keys in the same transaction, so an active key of
		// a gone owner means state imported by hand; refuse it all the same.
		return Principal{}, credentialError(MemberRemoved, "the owner of key %q no longer exists in the workspace", k.Title)
	}
	s.keyUse.record(k.ID, s.clock())
	return Principal{
		Owner: k.Owner, WorkspaceID: res.WorkspaceID, Role: res.Role, Email: res.Email, Name: res.Name,
		KeyID: k.ID, PublicKeyHex: k.PublicKeyHex,
	}, nil
}

// ResolveBearer resolves an SDK bearer token to its principal.
func (s *Service) ResolveBearer(ctx context.Context, token string) (Principal, error) {
	res, err := s.store.ResolveToken(ctx, HashToken(token))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Principal{}, credentialError(UnknownToken, "the bearer token is unknown: it was never issued by this emulator, or its owner was removed, or the state was reset. Get a new one with EncordUserClient.get_bearer_token()")
	case err != nil:
		return Principal{}, err
	case res.Token.Kind != store.TokenBearer:
		return Principal{}, credentialError(WrongTokenKind, "this is a management-plane session token; the SDK plane takes bearer tokens").WithRemedy(errs.Remedy{Action: errs.GetBearerToken})
	case !s.clock().Before(res.Token.ExpiresAt):
		return Principal{}, credentialError(ExpiredToken, "the bearer token expired at %s; get a new one with EncordUserClient.get_bearer_token()", res.Token.ExpiresAt.Format(time.RFC3339))
	case res.OwnerGone:
		return Principal{}, credentialError(MemberRemoved, "the bearer token's owner %s is no longer in the workspace", res.Email)
	case res.KeyGone:
		// Revoking a key deletes its bearers in the same transaction; a
		// bearer left is one minted while the revocation committed.
		return Principal{}, credentialError(RevokedKey, "the bearer token's key was revoked: a bearer token lives only as long as the key that minted it; sign with an active key to get a new one").WithRemedy(errs.Remedy{Action: errs.GetBearerToken})
	}
	return Principal{Owner: res.Token.Owner, WorkspaceID: res.Token.WorkspaceID, Role: res.Role, Email: res.Email, Name: res.Name}, nil
}

// IssueBearerToken issues an SDK bearer token for p, living BearerTTL, bound
// to the key that signed p's request: revoking that key, removing its owner
// or deleting the service account deletes the token at once. Only a key
// signature mints a bearer: a principal authenticated by a bearer token gets
// 401, so that access always ends with the key.
// docs/rules.md, Bearer tokens bound to their key.
func (s *Service) IssueBearerToken(ctx context.Context, p Principal) (IssuedToken, error) {
	if p.KeyID == "" {
		return IssuedToken{}, errs.New(errs.Authentication, "a bearer token cannot mint another bearer token, or access would outlive the key that minted the first: sign the request with a key (v1 or v2 signature) to get a new one").WithRemedy(errs.Remedy{Action: errs.GetBearerToken})
	}
	var issued IssuedToken
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		k, err := tx.GetKey(ctx, p.KeyID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err != nil || !k.Active() {
			return credentialError(RevokedKey, "the key that signed this request was revoked while it was being answered; register or use an active key")
		}
		issued, err = s.issueToken(ctx, tx, store.TokenBearer, p.Owner, p.WorkspaceID, p.KeyID)
		return err
	})
	return issued, err
}

// keyUse collects the last use of each key in memory, so that the SDK hot
// path never writes to the store; FlushKeyUse writes the batch.
type keyUse struct {
	mu      sync.Mutex
	pending map[string]time.Time
}

func (u *keyUse) record(keyID string, at time.Time) {
	u.mu.Lock()
	if u.pending == nil {
		u.pending = make(map[string]time.Time)
	}
	u.pending[keyID] = at
	u.mu.Unlock()
}

func (u *keyUse) take() map[string]time.Time {
	u.mu.Lock()
	defer u.mu.Unlock()
	batch := u.pending
	u.pending = nil
	return batch
}

// FlushKeyUse writes the recorded last uses of keys to the store. On
// failure the batch is kept for the next flush.
func (s *Service) FlushKeyUse(ctx context.Context) error {
	batch := s.keyUse.take()
	if len(batch) == 0 {
		return nil
	}
	if err := s.store.TouchKeys(ctx, batch); err != nil {
		for id, at := range batch {
			s.keyUse.recordIfLater(id, at)
		}
		return err
	}
	return nil
}

func (u *keyUse) recordIfLater(keyID string, at time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.pending == nil {
		u.pending = make(map[string]time.Time)
	}
	if cur, ok := u.pending[keyID]; !ok || at.After(cur) {
		u.pending[keyID] = at
	}
}

// RunKeyUseFlusher flushes key uses every interval until ctx is done, then
// once more. It logs failures and never stops early.
func (s *Service) RunKeyUseFlusher(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := s.FlushKeyUse(final); err != nil {
				s.log.Warn("could not record the last use of keys at shutdown", "err", err)
			}
			cancel()
			return
		case <-t.C:
			if err := s.FlushKeyUse(ctx); err != nil {
				s.log.WarnContext(ctx, "could not record the last use of keys; will retry", "err", err)
			}
		}
	}
}
