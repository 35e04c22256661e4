package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// NewKey is a key just registered. PrivateKey is set only for a generated
// pair: the unencrypted OpenSSH PEM, returned this once and never stored.
type NewKey struct {
	Key        store.Key
	PrivateKey []byte
}

// keyOwner describes whose key is being added, for quota decisions and
// messages.
type keyOwner struct {
	owner     store.Owner
	label     string // "user ada@example.com", "service account sa-1"
	quota     int
	quotaName string // the QuotasPatch field that raises the limit
}

// ListOwnKeys lists one page of the caller's keys, active and revoked,
// oldest first.
func (s *Service) ListOwnKeys(ctx context.Context, c Caller, pr PageRequest) (Page[store.Key], error) {
	var out Page[store.Key]
	err := s.read(ctx, c, false, func(tx store.Tx, _ store.Workspace, me store.Member) error {
		var err error
		out, err = pageKeys(ctx, tx, userOwner(me), pr)
		return err
	})
	return out, err
}

// pageKeys reads one page of an owner's keys, oldest first.
func pageKeys(ctx context.Context, tx store.Tx, owner store.Owner, pr PageRequest) (Page[store.Key], error) {
	return pageOldestFirst(pr, func(p store.Page) ([]store.Key, error) { return tx.PageKeys(ctx, owner, p) }, keyCreated)
}

// AddOwnKey uploads or generates a key for the caller.
func (s *Service) AddOwnKey(ctx context.Context, c Caller, in AddKeyInput) (NewKey, error) {
	prepared, err := s.prepareKey(in)
	if err != nil {
		return NewKey{}, err
	}
	owner := store.Owner{Type: store.OwnerUser, ID: c.MemberID}
	err = s.writeKeys(ctx, c, false, owner, func(tx store.Tx, ws store.Workspace, me store.Member) error {
		return s.insertKey(ctx, tx, ws, userKeyOwner(ws, me), &prepared)
	})
	return prepared, err
}

// writeKeys is write for adding a key to owner. Instead of the workspace's
// lock it takes owner's (Tx.LockOwner), so that key creations of different
// principals run side by side, and what the rules of keys need still holds
// until commit: the creations of one owner serialise (its quota count), and
// so do the owner's removal or deletion and a creation (no active key of a
// removed owner). The workspace's quotas and the caller's role are those
// read at the start: a change of either committed meanwhile orders after
// the creation, as if it had come a moment later (a lowered quota blocks
// new creations only).
func (s *Service) writeKeys(ctx context.Context, c Caller, adminOnly bool, owner store.Owner, fn func(tx store.Tx, ws store.Workspace, me store.Member) error) error {
	return s.store.Tx(ctx, func(tx store.Tx) error {
		lock := func(ctx context.Context, workspaceID string) (store.Workspace, error) {
			return tx.LockOwner(ctx, workspaceID, owner)
		}
		return asCaller(ctx, tx, c, adminOnly, lock, fn)
	})
}

// RevokeOwnKey revokes one of the caller's keys.
func (s *Service) RevokeOwnKey(ctx context.Context, c Caller, keyID string) error {
	return s.write(ctx, c, false, func(tx store.Tx, ws store.Workspace, me store.Member) error {
		return s.revokeKey(ctx, tx, ws, userOwner(me), keyID, ReasonRevokedByOwner)
	})
}

// ListMemberKeys lists one page of a member's keys (admins only); removed
// members' keys stay listed as history.
func (s *Service) ListMemberKeys(ctx context.Context, c Caller, memberID string, pr PageRequest) (Page[store.Key], error) {
	var out Page[store.Key]
	err := s.read(ctx, c, true, func(tx store.Tx, ws store.Workspace, _ store.Member) error {
		m, err := anyMember(ctx, tx, ws, memberID)
		if err != nil {
			return err
		}
		out, err = pageKeys(ctx, tx, userOwner(m), pr)
		return err
	})
	return out, err
}

// RevokeMemberKey revokes a member's key (admins only).
func (s *Service) RevokeMemberKey(ctx context.Context, c Caller, memberID, keyID string) error {
	return s.write(ctx, c, true, func(tx store.Tx, ws store.Workspace, _ store.Member) error {
		m, err := anyMember(ctx, tx, ws, memberID)
		if err != nil {
			return err
		}
		return s.revokeKey(ctx, tx, ws, userOwner(m), keyID, ReasonRevokedByAdmin)
	})
}

// prepareKey parses an uploaded public key or generates a pair. It runs
// before the transaction: key generation is CPU work that must not hold a
// lock.
func (s *Service) prepareKey(in AddKeyInput) (NewKey, error) {
	if err := in.Validate(); err != nil {
		return NewKey{}, err
	}
	var (
		pub    sshkey.PublicKey
		pem    []byte
		origin = store.OriginUploaded
	)
	if in.PublicKey != nil {
		var err error
		if pub, err = sshkey.Parse(*in.PublicKey); err != nil {
			return NewKey{}, errs.Wrap(err, errs.InvalidArguments, "publicKey: %s", err.Error()).WithDetail("field", "publicKey")
		}
	} else {
		var err error
		if pub, pem, err = sshkey.Generate(in.Title); err != nil {
			return NewKey{}, fmt.Errorf("generate key pair: %w", err)
		}
		origin = store.OriginGenerated
	}
	return NewKey{
		Key: store.Key{
			ID:           newID(),
			Title:        in.Title,
			PublicKey:    pub.Line,
			PublicKeyHex: pub.Hex,
			Fingerprint:  pub.Fingerprint,
			Origin:       origin,
		},
		PrivateKey: pem,
	}, nil
}

// insertKey registers a prepared key for o inside a transaction that holds
// o's lock (writeKeys): the quota count and the insert cannot interleave
// with another creation for o, nor with o's removal.
func (s *Service) insertKey(ctx context.Context, tx store.Tx, ws store.Workspace, o keyOwner, nk *NewKey) error {
	n, err := tx.CountActiveKeys(ctx, o.owner)
	if err != nil {
		return err
	}
	if n >= o.quota {
		return errs.New(errs.QuotaExceeded, "%s already has %d of %d keys; revoke one, or raise the workspace's %s quota", o.label, n, o.quota, o.quotaName).
			WithDetail("limit", o.quota).WithDetail("count", n).WithRemedy(errs.Remedy{Action: errs.RaiseQuota, WorkspaceID: ws.ID})
	}
	nk.Key.WorkspaceID = ws.ID
	nk.Key.Owner = o.owner
	nk.Key.CreatedAt = s.clock()
	err = tx.CreateKey(ctx, nk.Key)
	if errors.Is(err, store.ErrDuplicateKey) {
		return errs.Wrap(err, errs.DuplicateSSHKey, "the public key %s is already registered: the SDK sends only the public key, so each key can have one owner. Generate a new one with ssh-keygen -t ed25519", nk.Key.Fingerprint)
	}
	if err == nil {
		s.log.InfoContext(ctx, "key registered", "workspace", ws.ID, "key", nk.Key.ID, "owner", o.owner.ID, "ownerType", o.owner.Type, "origin", nk.Key.Origin, "fingerprint", nk.Key.Fingerprint)
	}
	return err
}

// revokeKey revokes the key keyID of owner; a key of anyone else is a 404.
// Revoking an already revoked key is a no-op, so retries are safe.
func (s *Service) revokeKey(ctx context.Context, tx store.Tx, ws store.Workspace, owner store.Owner, keyID, reason string) error {
	k, err := tx.GetKey(ctx, keyID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (k.Owner != owner || k.WorkspaceID != ws.ID)) {
		return errs.New(errs.NotFound, "no key %q belongs to this %s", keyID, ownerNoun(owner))
	}
	if err != nil || !k.Active() {
		return err
	}
	if err := tx.RevokeKey(ctx, keyID, s.clock(), reason); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "key revoked", "workspace", ws.ID, "key", keyID, "reason", reason)
	return nil
}

func userOwner(m store.Member) store.Owner { return store.Owner{Type: store.OwnerUser, ID: m.ID} }

func userKeyOwner(ws store.Workspace, m store.Member) keyOwner {
	return keyOwner{owner: userOwner(m), label: "user " + m.Email, quota: ws.Quotas.KeysPerUser, quotaName: "keysPerUser"}
}

func ownerNoun(o store.Owner) string {
	if o.Type == store.OwnerServiceAccount {
		return "service account"
	}
	return "member"
}
