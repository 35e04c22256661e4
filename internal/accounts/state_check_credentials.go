package accounts

import (
	"slices"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/textpolicy"
)

// The keys and tokens of an imported state (checkState): key material that
// is its own id and fingerprint, one active key per public key, revocations
// that follow their owners, token hashes, and bearer tokens bound to an
// active key of their owner.

// revokeReasons are the reasons a revoked key may carry.
var revokeReasons = []string{ReasonMemberRemoved, ReasonServiceAccountDeleted, ReasonRevokedByOwner, ReasonRevokedByAdmin}

func (c *stateChecker) checkKeys() error {
	seen := map[string]string{}
	activeHex := map[string]string{}
	for i, k := range c.st.Keys {
		if err := uniqueID(pointer("keys", i, "id"), k.ID, seen); err != nil {
			return err
		}
		if err := c.inWorkspace("keys", i, k.WorkspaceID, k.CreatedAt); err != nil {
			return err
		}
		owner, err := c.owner(pointer("keys", i, "owner"), k.Owner, k.WorkspaceID)
		if err != nil {
			return err
		}
		if err := storedText(textpolicy.Title, pointer("keys", i, "title"), k.Title); err != nil {
			return err
		}
		if err := checkKeyMaterial(i, k); err != nil {
			return err
		}
		if !k.Origin.Valid() {
			return refuse(pointer("keys", i, "origin"), `origin %q is not a key origin: "uploaded" or "generated"`, string(k.Origin))
		}
		switch {
		case k.RevokedAt == nil && k.RevokeReason != "":
			return refuse(pointer("keys", i, "revokeReason"), "an active key has no revocation reason; leave it out, or give revokedAt")
		case k.RevokedAt != nil && !slices.Contains(revokeReasons, k.RevokeReason):
			return refuse(pointer("keys", i, "revokeReason"), "%q is not a revocation reason: one of %q", k.RevokeReason, revokeReasons)
		case k.RevokedAt == nil && !owner.live:
			return refuse(pointer("keys", i, "revokedAt"), "the key is active but its owner %s is removed or deleted, which revokes its keys", owner.pointer)
		case k.RevokedAt == nil:
			if earlier, ok := activeHex[k.PublicKeyHex]; ok {
				return refuse(pointer("keys", i, "publicKeyHex"), "the public key of %s is active already; an active public key belongs to one key only", earlier)
			}
			activeHex[k.PublicKeyHex] = pointer("keys", i)
		}
		c.keys[k.ID] = k
	}
	return nil
}

// checkKeyMaterial requires a valid Ed25519 key whose line, key id and
// fingerprint agree, all in the form the emulator stores.
func checkKeyMaterial(i int, k store.Key) error {
	pub, err := sshkey.Parse(k.PublicKey)
	if err != nil {
		return refuse(pointer("keys", i, "publicKey"), "%v", err)
	}
	if pub.Line != k.PublicKey {
		return refuse(pointer("keys", i, "publicKey"), "write the key as the emulator stores it, without a comment: %q", pub.Line)
	}
	if err := sshkey.ValidatePublicKeyHex(k.PublicKeyHex); err != nil {
		return refuse(pointer("keys", i, "publicKeyHex"), "%v", err)
	}
	if k.PublicKeyHex != pub.Hex {
		return refuse(pointer("keys", i, "publicKeyHex"), "%q is not the key id of publicKey, %q", k.PublicKeyHex, pub.Hex)
	}
	if k.Fingerprint != pub.Fingerprint {
		return refuse(pointer("keys", i, "fingerprint"), "%q is not the fingerprint of publicKey, %q", k.Fingerprint, pub.Fingerprint)
	}
	return nil
}

func (c *stateChecker) checkTokens() error {
	seen := map[string]string{}
	hashes := map[string]string{}
	for i, t := range c.st.Tokens {
		if err := uniqueID(pointer("tokens", i, "id"), t.ID, seen); err != nil {
			return err
		}
		if !isTokenHash(t.Hash) {
			return refuse(pointer("tokens", i, "hash"), "a token is stored as the SHA-256 of its text: 64 lower-case hex digits")
		}
		if earlier, ok := hashes[t.Hash]; ok {
			return refuse(pointer("tokens", i, "hash"), "also the hash of %s; every token is a secret of its own", earlier)
		}
		hashes[t.Hash] = pointer("tokens", i)
		if !t.Kind.Valid() {
			return refuse(pointer("tokens", i, "kind"), `kind %q is not a token kind: "session" or "bearer"`, string(t.Kind))
		}
		if err := c.inWorkspace("tokens", i, t.WorkspaceID, t.CreatedAt); err != nil {
			return err
		}
		owner, err := c.owner(pointer("tokens", i, "owner"), t.Owner, t.WorkspaceID)
		if err != nil {
			return err
		}
		switch {
		case !owner.live:
			return refuse(pointer("tokens", i, "owner"), "its owner %s is removed or deleted, which deletes its tokens", owner.pointer)
		case t.Kind == store.TokenSession && t.Owner.Type != store.OwnerUser:
			return refuse(pointer("tokens", i, "owner", "type"), "a session belongs to a member: service accounts never log in")
		case !t.ExpiresAt.After(t.CreatedAt):
			return refuse(pointer("tokens", i, "expiresAt"), "a token expires after its createdAt (%s)", t.CreatedAt.Format(time.RFC3339Nano))
		}
		if err := c.checkTokenKey(i, t); err != nil {
			return err
		}
	}
	return nil
}

// checkTokenKey requires a bearer to name the active key of its owner that
// minted it (revoking a key deletes its bearers), and a session to name
// none.
func (c *stateChecker) checkTokenKey(i int, t store.Token) error {
	ptr := pointer("tokens", i, "keyId")
	if t.Kind == store.TokenSession {
		if t.KeyID != "" {
			return refuse(ptr, "a session is not minted by a key; leave keyId out")
		}
		return nil
	}
	if err := canonicalID(ptr, t.KeyID); err != nil {
		return refuse(ptr, "a bearer token names the key whose signed request minted it: an id is required, not %q", t.KeyID)
	}
	k, ok := c.keys[t.KeyID]
	switch {
	case !ok || k.Owner != t.Owner:
		return refuse(ptr, "key %q is not a key of the token's owner in the state", t.KeyID)
	case !k.Active():
		return refuse(ptr, "key %q is revoked, which deletes the bearer tokens it minted", t.KeyID)
	}
	return nil
}

// isTokenHash reports whether h is 64 lower-case hex digits.
func isTokenHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for _, r := range h {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}
