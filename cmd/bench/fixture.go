package main

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// signerCount is how many distinct keys the load generator signs with, so
// that every request looks a different key up.
const signerCount = 1000

// fixture is the state a load run serves: one workspace, memberCount
// members (the first an admin), and keyCount registered keys. Key i belongs
// to member i mod memberCount; each member signs with its first key (the
// public half of a signer), the other keys are random public keys nobody
// signs with. The signed-request loads use signerCount members; the page
// costs one member owning every key.
//
// A fixture is a pure function of keyCount, memberCount and the creation
// time: the bench process and the server process it starts build the same
// one independently, so no key material crosses the process boundary.
type fixture struct {
	keyCount  int
	createdAt time.Time
	workspace store.Workspace
	members   []store.Member
	signers   []signer
}

// signer is a key the load generator signs with.
type signer struct {
	public ed25519.PublicKey
	*encordsign.Signer
}

func newFixture(keyCount, memberCount int, createdAt time.Time) *fixture {
	ids := rand.New(rand.NewChaCha8(seed("fixture ids")))
	memberCount = max(1, min(keyCount, memberCount))
	f := &fixture{keyCount: keyCount, createdAt: createdAt}
	f.workspace = store.Workspace{
		ID: newUUID(ids), Name: "bench", CreatedAt: createdAt,
		Quotas: store.Quotas{ServiceAccounts: 1, KeysPerServiceAccount: 5, KeysPerUser: keyCount/memberCount + 1, Resources: 10_000},
	}
	for i := range memberCount {
		role := store.RoleMember
		if i == 0 {
			role = store.RoleAdmin
		}
		f.members = append(f.members, store.Member{
			ID: newUUID(ids), WorkspaceID: f.workspace.ID, Email: "user" + strconv.Itoa(i) + "@bench.test",
			Name: "User " + strconv.Itoa(i), Role: role, CreatedAt: createdAt,
		})
		priv := ed25519.NewKeyFromSeed(seedBytes("signer " + strconv.Itoa(i)))
		f.signers = append(f.signers, signer{public: priv.Public().(ed25519.PublicKey), Signer: encordsign.New(priv)})
	}
	return f
}

// keyStream yields the keys of a fixture in order.
type keyStream struct {
	f      *fixture
	random *rand.Rand
	raw    ed25519.PublicKey
	next   int
}

func (f *fixture) keys() *keyStream {
	return &keyStream{f: f, random: rand.New(rand.NewChaCha8(seed("fixture keys"))), raw: make(ed25519.PublicKey, ed25519.PublicKeySize)}
}

// Next returns the next key; ok is false after the last.
func (s *keyStream) Next() (k store.Key, ok bool, err error) {
	i := s.next
	if i >= s.f.keyCount {
		return store.Key{}, false, nil
	}
	s.next++
	pub := s.raw
	if i < len(s.f.signers) {
		pub = s.f.signers[i].public
	} else {
		// Random bytes until they are a valid key: about one try in two,
		// since half of all y coordinates are on the curve.
		for {
			for j := range pub {
				pub[j] = byte(s.random.Uint32())
			}
			if sshkey.ValidatePublicKey(pub) == nil {
				break
			}
		}
	}
	ssh, err := sshkey.FromEd25519(pub)
	if err != nil {
		return store.Key{}, false, fmt.Errorf("fixture key %d: %w", i, err)
	}
	owner := s.f.members[i%len(s.f.members)]
	return store.Key{
		ID: newUUID(s.random), WorkspaceID: s.f.workspace.ID,
		Owner: store.Owner{Type: store.OwnerUser, ID: owner.ID},
		Title: "bench " + strconv.Itoa(i), PublicKey: ssh.Line, PublicKeyHex: ssh.Hex, Fingerprint: ssh.Fingerprint,
		Origin: store.OriginUploaded, CreatedAt: s.f.createdAt,
	}, true, nil
}

// load writes the fixture into st through its transactions, in batches.
func (f *fixture) load(ctx context.Context, st store.Store) error {
	err := st.Tx(ctx, func(tx store.Tx) error {
		if err := tx.CreateWorkspace(ctx, f.workspace); err != nil {
			return err
		}
		for _, m := range f.members {
			if err := tx.CreateMember(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("loading the fixture's workspace: %w", err)
	}
	const batch = 10000
	keys := make([]store.Key, 0, batch)
	flush := func() error {
		err := st.Tx(ctx, func(tx store.Tx) error {
			for _, k := range keys {
				if err := tx.CreateKey(ctx, k); err != nil {
					return err
				}
			}
			return nil
		})
		keys = keys[:0]
		return err
	}
	stream := f.keys()
	for err == nil {
		var k store.Key
		var ok bool
		if k, ok, err = stream.Next(); err != nil || !ok {
			break
		}
		if keys = append(keys, k); len(keys) == batch {
			err = flush()
		}
	}
	if err == nil {
		err = flush()
	}
	if err != nil {
		return fmt.Errorf("loading the fixture's keys: %w", err)
	}
	return nil
}

func seedBytes(label string) []byte {
	sum := sha256.Sum256([]byte("encord-emulator bench: " + label))
	return sum[:]
}

func seed(label string) [32]byte { return sha256.Sum256([]byte("encord-emulator bench: " + label)) }

func newUUID(r *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	id, err := uuid.FromBytes(b[:])
	if err != nil {
		panic(err) // 16 bytes always make a UUID
	}
	id[6] = id[6]&0x0f | 0x40 // version 4
	id[8] = id[8]&0x3f | 0x80 // RFC 4122 variant
	return id.String()
}
