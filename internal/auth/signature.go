package auth

import (
	"crypto/ed25519"
	"errors"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"

	"github.com/encord-emulator/encord-emulator/internal/sshkey"
)

// checkKeyAndSignature refuses, before any signature is verified, a key id
// that no key generator makes (ReasonWeakKey) and a signature that is not in
// canonical form (ReasonNonCanonicalSignature). crypto/ed25519 would take the
// first (and the identity key verifies a forged signature for every message)
// and refuses the second only as a plain mismatch; these checks name both.
// It returns the key's negated point and the signature's S, for
// verifyEd25519.
//
// The key rule is sshkey.ValidatePublicKey, the one every uploaded, seeded
// or imported key passed, so a key stored before that rule existed is
// refused here too. It is applied once per distinct key (keyPoints).
func (v *Verifier) checkKeyAndSignature(keyID string, key *[ed25519.PublicKeySize]byte, sig *[ed25519.SignatureSize]byte) (*edwards25519.Point, *edwards25519.Scalar, *Error) {
	minusA, err := v.points.negated(key)
	if err != nil {
		return nil, nil, weakKeyError(keyID, err)
	}
	s, err := new(edwards25519.Scalar).SetCanonicalBytes(sig[32:])
	if err != nil {
		return nil, nil, errorf(ReasonNonCanonicalSignature,
			"the signature for key %s is not canonical: its S half (the last 32 bytes) is not reduced modulo the group order; Ed25519 signers never write it so, and only the canonical form is accepted",
			keyID)
	}
	if !isCanonicalPointEncoding(sig[:32]) {
		return nil, nil, errorf(ReasonNonCanonicalSignature,
			"the signature for key %s is not canonical: its R half (the first 32 bytes) is a non-canonical point encoding; Ed25519 signers never write it so, and only the canonical form is accepted",
			keyID)
	}
	return minusA, s, nil
}

// weakKeyError explains why the key id names no usable public key.
func weakKeyError(keyID string, err error) *Error {
	var why string
	switch sshkey.KindOf(err) {
	case sshkey.KindSmallOrder:
		var e *sshkey.Error
		errors.As(err, &e) // KindOf found it
		why = "a small-order point (" + e.Point + "), for which anyone can forge signatures without a private key"
	case sshkey.KindNonCanonical:
		why = "a non-canonical encoding of an Ed25519 point, which no key generator writes"
	default:
		why = "not a point of the Ed25519 curve, so no key generator can have made it"
	}
	return errorf(ReasonWeakKey,
		"the key id %s is %s; no signature by it is accepted. Register a key made with ssh-keygen -t ed25519 and sign with it",
		keyID, why)
}

// isCanonicalPointEncoding reports whether b (32 bytes) is how RFC 8032
// encodes a point: y reduced modulo p = 2^255-19, and the sign bit clear when
// x = 0, which is when y = 1 or y = p-1. It does not check that b encodes a
// point at all, so it costs no square root.
func isCanonicalPointEncoding(b []byte) bool {
	var y field.Element
	if _, err := y.SetBytes(b); err != nil {
		return false
	}
	var reduced [32]byte
	copy(reduced[:], y.Bytes())
	for i := range 31 {
		if reduced[i] != b[i] {
			return false
		}
	}
	if reduced[31] != b[31]&0x7f {
		return false
	}
	if b[31]&0x80 == 0 {
		return true
	}
	var one, minusOne field.Element
	one.One()
	minusOne.Negate(&one)
	return y.Equal(&one) == 0 && y.Equal(&minusOne) == 0
}
