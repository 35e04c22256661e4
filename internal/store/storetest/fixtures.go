package storetest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// Fixture constructors build fully formed values with fresh random ids, the
// way package accounts does; they do not write anything. Ids are UUIDs,
// because that is what callers use, but backends must accept any string.

func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// now is the current time as callers pass it: UTC, microsecond precision.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// at returns a fixed, microsecond-precise instant plus offset, for tests that
// order rows by explicit times.
func at(offset time.Duration) time.Time {
	return time.Date(2024, time.March, 1, 9, 30, 0, 123456000, time.UTC).Add(offset)
}

func ptr[T any](v T) *T { return &v }

func newWorkspace() store.Workspace {
	id := newID()
	return store.Workspace{
		ID:        id,
		Name:      "workspace " + id[:8],
		CreatedAt: now(),
		Quotas:    store.Quotas{ServiceAccounts: 5, KeysPerServiceAccount: 5, KeysPerUser: 10, Resources: 50},
	}
}

func newMember(workspaceID string) store.Member {
	id := newID()
	return store.Member{
		ID:          id,
		WorkspaceID: workspaceID,
		Email:       "user-" + id[:8] + "@example.com",
		Name:        "User " + id[:8],
		Role:        store.RoleMember,
		CreatedAt:   now(),
	}
}

func newServiceAccount(workspaceID, createdByMemberID string) store.ServiceAccount {
	id := newID()
	return store.ServiceAccount{
		ID:                id,
		WorkspaceID:       workspaceID,
		Name:              "robot " + id[:8],
		Description:       "CI pipeline",
		Email:             "sa-" + id[:8] + "@service-accounts.example.com",
		Role:              store.RoleMember,
		CreatedAt:         now(),
		CreatedByMemberID: createdByMemberID,
	}
}

func userOf(m store.Member) store.Owner {
	return store.Owner{Type: store.OwnerUser, ID: m.ID}
}

func accountOf(sa store.ServiceAccount) store.Owner {
	return store.Owner{Type: store.OwnerServiceAccount, ID: sa.ID}
}

// newPublicKeyHex returns the hex of 32 random bytes: a fresh Ed25519 key id.
func newPublicKeyHex() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// newKey returns an active key of owner with a fresh random public key.
func newKey(workspaceID string, owner store.Owner) store.Key {
	return newKeyWithHex(workspaceID, owner, newPublicKeyHex())
}

// newKeyWithHex returns an active key of owner for the given public key, with
// the public key line and fingerprint that belong to it.
func newKeyWithHex(workspaceID string, owner store.Owner, publicKeyHex string) store.Key {
	raw, err := hex.DecodeString(publicKeyHex)
	if err != nil {
		panic(err)
	}
	var blob []byte
	for _, field := range [][]byte{[]byte("ssh-ed25519"), raw} {
		blob = binary.BigEndian.AppendUint32(blob, uint32(len(field)))
		blob = append(blob, field...)
	}
	sum := sha256.Sum256(blob)
	id := newID()
	return store.Key{
		ID:           id,
		WorkspaceID:  workspaceID,
		Owner:        owner,
		Title:        "key " + id[:8],
		PublicKey:    "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob),
		PublicKeyHex: publicKeyHex,
		Fingerprint:  "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:]),
		Origin:       store.OriginUploaded,
		CreatedAt:    now(),
	}
}

func newToken(workspaceID string, owner store.Owner, kind store.TokenKind) store.Token {
	secret := make([]byte, 32)
	rand.Read(secret)
	sum := sha256.Sum256(secret)
	created := now()
	return store.Token{
		ID:          newID(),
		Hash:        hex.EncodeToString(sum[:]),
		Kind:        kind,
		Owner:       owner,
		WorkspaceID: workspaceID,
		CreatedAt:   created,
		ExpiresAt:   created.Add(time.Hour),
	}
}

// newBearer returns a bearer token minted by key k, owned by k's owner.
func newBearer(k store.Key) store.Token {
	tok := newToken(k.WorkspaceID, k.Owner, store.TokenBearer)
	tok.KeyID = k.ID
	return tok
}

func newResource(workspaceID string, kind store.ResourceKind, createdBy store.Owner) store.Resource {
	id := newID()
	created := now()
	return store.Resource{
		ID:          id,
		WorkspaceID: workspaceID,
		Kind:        kind,
		Title:       string(kind) + " " + id[:8],
		Description: "made by the conformance suite",
		CreatedBy:   createdBy,
		CreatedAt:   created,
		UpdatedAt:   created,
	}
}
