package auth

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"testing"

	"filippo.io/edwards25519"

	"github.com/encord-emulator/encord-emulator/internal/golden"
	"github.com/encord-emulator/encord-emulator/internal/sshkey"
)

// verifyBoth answers whether sig verifies for key over msg by
// verifyEd25519 (through a keyPoints) and by crypto/ed25519, or says why
// keyPoints refused the key.
func verifyBoth(t testing.TB, c *keyPoints, key, msg, sig []byte) (ours, std bool, refused error) {
	t.Helper()
	var k [ed25519.PublicKeySize]byte
	var s [ed25519.SignatureSize]byte
	copy(k[:], key)
	copy(s[:], sig)
	std = ed25519.Verify(key, msg, sig)
	minusA, err := c.negated(&k)
	if err != nil {
		return false, std, err
	}
	scalar, err := new(edwards25519.Scalar).SetCanonicalBytes(s[32:])
	if err != nil {
		return false, std, nil // the verifier refuses it before verifying
	}
	return verifyEd25519(minusA, scalar, &k, msg, &s), std, nil
}

// The verification with a cached point answers as crypto/ed25519 does, for
// good signatures and for every kind of damage: a bit of R, of S or of the
// message flipped, another key, S replaced by S+L (non-canonical).
func TestVerifyEd25519MatchesStdlib(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var c keyPoints
	seed := make([]byte, ed25519.SeedSize)
	for i := range 300 {
		for j := range seed {
			seed[j] = byte(rng.Uint32())
		}
		priv := ed25519.NewKeyFromSeed(seed)
		pub := priv.Public().(ed25519.PublicKey)
		msg := make([]byte, rng.IntN(200))
		for j := range msg {
			msg[j] = byte(rng.Uint32())
		}
		sig := ed25519.Sign(priv, msg)

		cases := map[string][3][]byte{"good": {pub, msg, sig}}
		bad := append([]byte(nil), sig...)
		bad[rng.IntN(32)] ^= 1 << rng.IntN(8)
		cases["R bit"] = [3][]byte{pub, msg, bad}
		bad = append([]byte(nil), sig...)
		bad[32+rng.IntN(31)] ^= 1 << rng.IntN(8)
		cases["S bit"] = [3][]byte{pub, msg, bad}
		if len(msg) > 0 {
			m := append([]byte(nil), msg...)
			m[rng.IntN(len(m))] ^= 1 << rng.IntN(8)
			cases["message bit"] = [3][]byte{pub, m, sig}
		}
		other := ed25519.NewKeyFromSeed(append(slices.Clone(seed[1:]), seed[0]+1)).Public().(ed25519.PublicKey)
		cases["other key"] = [3][]byte{other, msg, sig}
		cases["S+L"] = [3][]byte{pub, msg, addOrder(t, sig)}

		for name, in := range cases {
			ours, std, refused := verifyBoth(t, &c, in[0], in[1], in[2])
			if refused != nil {
				t.Fatalf("key %d, %s: a generated key was refused: %v", i, name, refused)
			}
			if ours != std {
				t.Fatalf("key %d, %s: verifyEd25519 says %t, crypto/ed25519 %t", i, name, ours, std)
			}
			if name == "good" && !ours {
				t.Fatalf("key %d: a good signature does not verify", i)
			}
		}
	}
}

// addOrder returns sig with S replaced by S+L: the same scalar, not reduced.
func addOrder(t testing.TB, sig []byte) []byte {
	t.Helper()
	l, _ := hex.DecodeString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010") // L, little-endian
	out := append([]byte(nil), sig...)
	carry := 0
	for i := range 32 {
		v := int(out[32+i]) + int(l[i]) + carry
		out[32+i], carry = byte(v), v>>8
	}
	return out
}

func FuzzVerifyEd25519MatchesStdlib(f *testing.F) {
	g := golden.MustLoad(f)
	pub, _ := hex.DecodeString(g.Key.PublicKeyHex)
	f.Add(pub, []byte("message"), make([]byte, 64))
	f.Add(make([]byte, 32), []byte{}, make([]byte, 64))
	var c keyPoints
	f.Fuzz(func(t *testing.T, key, msg, sig []byte) {
		if len(key) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
			return
		}
		ours, std, refused := verifyBoth(t, &c, key, msg, sig)
		if refused != nil {
			// A refused (weak) key: crypto/ed25519 may accept forged
			// signatures by it; the verifier never asks.
			var e *sshkey.Error
			if !errors.As(refused, &e) {
				t.Fatalf("refusal is not an *sshkey.Error: %v", refused)
			}
			return
		}
		if ours != std {
			t.Fatalf("key %x msg %x sig %x: verifyEd25519 says %t, crypto/ed25519 %t", key, msg, sig, ours, std)
		}
	})
}

// A refused key is not remembered; an accepted one is, as the negation of
// its point; past the limit the cache starts over instead of growing.
func TestKeyPoints(t *testing.T) {
	c := keyPoints{limit: 4}
	identity := make([]byte, 32)
	identity[0] = 1
	var k [32]byte
	copy(k[:], identity)
	if _, err := c.negated(&k); sshkey.KindOf(err) != sshkey.KindSmallOrder {
		t.Errorf("identity key: %v, want a small-order refusal", err)
	}
	if c.len() != 0 {
		t.Errorf("a refused key was remembered")
	}

	keys := make([][32]byte, 6)
	for i := range keys {
		seed := make([]byte, ed25519.SeedSize)
		seed[0] = byte(i)
		copy(keys[i][:], ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey))
	}
	first, err := c.negated(&keys[0])
	if err != nil {
		t.Fatal(err)
	}
	again, _ := c.negated(&keys[0])
	if first != again {
		t.Errorf("the second lookup decoded the key again")
	}
	a, _ := new(edwards25519.Point).SetBytes(keys[0][:])
	if new(edwards25519.Point).Add(a, first).Equal(edwards25519.NewIdentityPoint()) != 1 {
		t.Errorf("the remembered point is not -A")
	}
	for i := range keys {
		if _, err := c.negated(&keys[i]); err != nil {
			t.Fatal(err)
		}
		if n := c.len(); n > 4 {
			t.Fatalf("after %d keys the cache holds %d, over its limit of 4", i+1, n)
		}
	}
}

// Concurrent verifications through one Verifier, with a cache small enough
// to start over while they run (run with -race): every good signature
// verifies and every forged one fails, whichever goroutine decoded the key.
func TestVerifierConcurrentUse(t *testing.T) {
	v := &Verifier{}
	v.points.limit = 2
	type signed struct {
		header http.Header
		body   []byte
		good   bool
	}
	var reqs []signed
	for i := range 5 {
		seed := make([]byte, ed25519.SeedSize)
		seed[0] = byte(i + 1)
		priv := ed25519.NewKeyFromSeed(seed)
		body := []byte(fmt.Sprintf(`{"query_type":"project","n":%d}`, i))
		digest := sha256.Sum256(body)
		sig := ed25519.Sign(priv, digest[:])
		keyHex := hex.EncodeToString(priv.Public().(ed25519.PublicKey))
		reqs = append(reqs, signed{http.Header{"Authorization": {keyHex + ":" + hex.EncodeToString(sig)}}, body, true})
		forged := append([]byte(nil), sig...)
		forged[0] ^= 1
		reqs = append(reqs, signed{http.Header{"Authorization": {keyHex + ":" + hex.EncodeToString(forged)}}, body, false})
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				for _, r := range reqs {
					if res := v.Verify("POST", "/public/user", r.header, r.body); res.OK() != r.good {
						t.Errorf("good=%t: OK=%t (%s)", r.good, res.OK(), res.Message)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
