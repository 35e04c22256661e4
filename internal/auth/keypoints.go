package auth

import (
	"crypto/ed25519"
	"crypto/sha512"
	"crypto/subtle"
	"sync"

	"filippo.io/edwards25519"

	"github.com/encord-emulator/encord-emulator/internal/sshkey"
)

// maxKeyPoints bounds keyPoints: past it the cache starts over. An entry is
// about 200 bytes, so the cache stays under 13 MiB whatever key ids clients
// send; a deployment signing with more distinct keys than this at once
// pays, on a miss, what every request paid before the cache.
const maxKeyPoints = 1 << 16

// keyPoints remembers, for each public key that passed the weak-key rule
// (sshkey.ValidatePublicKey), the negation of the curve point it encodes.
// A request signed by a key seen before then costs neither the rule's
// decoding of the point nor the one ed25519.Verify makes: together about a
// seventh of a verification.
//
// What 32 bytes encode never changes, so nothing cached here can outlive a
// revocation or a removal: the cache holds points, not verdicts on keys, and
// the caller still resolves every key in the store.
type keyPoints struct {
	limit int // 0 means maxKeyPoints

	mu     sync.RWMutex
	points map[[ed25519.PublicKeySize]byte]*edwards25519.Point
}

// negated returns -A for the point A that key encodes, or the weak-key
// rule's error (an *sshkey.Error); refused keys are not remembered.
func (c *keyPoints) negated(key *[ed25519.PublicKeySize]byte) (*edwards25519.Point, error) {
	c.mu.RLock()
	minusA, ok := c.points[*key]
	c.mu.RUnlock()
	if ok {
		return minusA, nil
	}
	if err := sshkey.ValidatePublicKey(key[:]); err != nil {
		return nil, err
	}
	a, err := new(edwards25519.Point).SetBytes(key[:])
	if err != nil {
		return nil, err // ValidatePublicKey decoded it: not reached
	}
	minusA = new(edwards25519.Point).Negate(a)
	c.mu.Lock()
	limit := c.limit
	if limit <= 0 {
		limit = maxKeyPoints
	}
	if c.points == nil || len(c.points) >= limit {
		c.points = make(map[[ed25519.PublicKeySize]byte]*edwards25519.Point)
	}
	c.points[*key] = minusA
	c.mu.Unlock()
	return minusA, nil
}

// len reports how many keys are remembered.
func (c *keyPoints) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.points)
}

// verifyEd25519 is ed25519.Verify(key, msg, sig) for a key whose negated
// point minusA is already decoded and a signature whose S half s is already
// read as a canonical scalar: RFC 8032's verification as crypto/ed25519 does
// it (cofactorless), [S]B - [k]A must encode exactly to R, with
// k = SHA-512(R || A || msg) reduced modulo the group order.
// TestVerifyEd25519MatchesStdlib and FuzzVerifyEd25519MatchesStdlib hold it
// to crypto/ed25519's answer.
func verifyEd25519(minusA *edwards25519.Point, s *edwards25519.Scalar, key *[ed25519.PublicKeySize]byte, msg []byte, sig *[ed25519.SignatureSize]byte) bool {
	h := sha512.New()
	h.Write(sig[:32])
	h.Write(key[:])
	h.Write(msg)
	var digest [sha512.Size]byte
	k, err := new(edwards25519.Scalar).SetUniformBytes(h.Sum(digest[:0]))
	if err != nil {
		return false // 64 bytes: not reached
	}
	r := new(edwards25519.Point).VarTimeDoubleScalarBaseMult(k, minusA, s)
	return subtle.ConstantTimeCompare(r.Bytes(), sig[:32]) == 1
}
