package sshkey

import (
	"crypto/ed25519"
	"encoding/hex"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// An Ed25519 public key is the 32-byte encoding of a curve point A: the
// y coordinate in little-endian order, with the sign of x in the top bit. A
// key generator computes A = [s]B for a secret scalar s, so every real key is
// a point of the large prime-order subgroup, canonically encoded. Three kinds
// of 32 bytes are no such key, yet crypto/ed25519 takes each of them:
//
//   - bytes that encode no point at all (KindNotOnCurve): no signature can
//     verify for them, so they are dead keys that only look usable;
//   - a small-order point (KindSmallOrder), one of the 8 points T with
//     [8]T = identity, in any of its 14 encodings: there is no private key
//     behind it, and signatures can be forged for it. For the identity,
//     R = identity and S = 0 verify for every message, which is why the SDK's
//     header "01" + 62 zeros ":" + "01" + 126 zeros would sign any request;
//   - a non-canonical encoding of a large-order point (KindNonCanonical): y
//     written as y + p. It is another spelling of a real key, so one key would
//     have two key ids. (The other non-canonical form, x = 0 with the sign bit
//     set, exists only for the identity and the point of order 2, which are
//     refused as small-order points.)
//
// ValidatePublicKey refuses all three; every PublicKey this package returns
// has passed it. It accepts a large-order point outside the prime-order
// subgroup (a real key plus a small-order point): no generator makes one
// either, but telling it apart costs a full scalar multiplication, and it
// gives nobody a forgery, since signing for it needs the secret scalar of its
// prime-order part.

// ValidatePublicKey reports whether raw is a usable Ed25519 public key: 32
// bytes that canonically encode a point of large order. It returns nil or an *Error of kind KindMalformed (not 32 bytes),
// KindNotOnCurve, KindSmallOrder or KindNonCanonical, whose message says why
// and what to do.
//
// It is cheap enough to run on every signature verification: one point
// decoding (a field square root), three doublings and a comparison, and no
// allocation.
func ValidatePublicKey(raw []byte) error {
	if len(raw) != ed25519.PublicKeySize {
		return newError(KindMalformed, nil,
			"This is not an Ed25519 public key: it has %d bytes instead of %d.", len(raw), ed25519.PublicKeySize)
	}
	var point edwards25519.Point
	if _, err := point.SetBytes(raw); err != nil {
		return newError(KindNotOnCurve, err,
			"This ssh-ed25519 public key is not a point of the Ed25519 curve, so no key generator can have made it and no signature can ever verify for it. "+
				"Copy the whole line from your .pub file again, or create a key pair with: %s", keygenAdvice)
	}
	var eightA edwards25519.Point
	if eightA.MultByCofactor(&point).Equal(edwards25519.NewIdentityPoint()) == 1 {
		return smallOrderError(&point, raw)
	}
	if !isCanonicalY(raw) {
		return newError(KindNonCanonical, nil,
			"This ssh-ed25519 public key is written in a non-canonical encoding (its y coordinate is not reduced modulo 2^255-19), "+
				"which no key generator produces: the same key has a shorter, canonical spelling. "+
				"Upload the key exactly as ssh-keygen wrote it in your .pub file, or create a key pair with: %s", keygenAdvice)
	}
	return nil
}

// ValidatePublicKeyHex is ValidatePublicKey for a key id: the 64 hex digits
// of the 32 raw key bytes, as the Encord SDK sends them and as the emulator
// stores them. Upper-case digits are accepted. Text that is not 64 hex digits
// is an *Error of kind KindMalformed.
func ValidatePublicKeyHex(keyID string) error {
	raw, err := decodeKeyID(keyID)
	if err != nil {
		return err
	}
	return ValidatePublicKey(raw)
}

// decodeKeyID decodes the 64 hex digits of a key id.
func decodeKeyID(keyID string) ([]byte, error) {
	if len(keyID) != 2*ed25519.PublicKeySize {
		return nil, newError(KindMalformed, nil,
			"This is not an Ed25519 key id: a key id is %d hexadecimal digits.", 2*ed25519.PublicKeySize)
	}
	raw, err := hex.DecodeString(keyID)
	if err != nil {
		return nil, newError(KindMalformed, err,
			"This is not an Ed25519 key id: a key id is %d hexadecimal digits (0-9, a-f).", 2*ed25519.PublicKeySize)
	}
	return raw, nil
}

// isCanonicalY reports whether the y coordinate of a point encoding (the 255
// low bits) is reduced modulo p = 2^255-19, by comparing it with its
// reduction.
func isCanonicalY(raw []byte) bool {
	var y field.Element
	if _, err := y.SetBytes(raw); err != nil {
		return false
	}
	var reduced [32]byte
	copy(reduced[:], y.Bytes())
	for i := range 31 {
		if reduced[i] != raw[i] {
			return false
		}
	}
	return reduced[31] == raw[31]&0x7f
}

// smallOrderError refuses the small-order point p, encoded as raw, naming
// which one it is.
func smallOrderError(p *edwards25519.Point, raw []byte) *Error {
	which := smallOrderName(p)
	encoding := ""
	if string(p.Bytes()) != string(raw) {
		encoding = ", in a non-canonical encoding"
	}
	e := newError(KindSmallOrder, nil,
		"This ssh-ed25519 public key is a small-order point (%s%s): it cannot be a real Ed25519 key, "+
			"because no private key belongs to it and signatures for it can be forged by anyone. "+
			"Generate a key with: %s", which, encoding, keygenAdvice)
	e.Point = which
	return e
}

// smallOrderName names a point of order dividing 8 by its order.
func smallOrderName(p *edwards25519.Point) string {
	identity := edwards25519.NewIdentityPoint()
	if p.Equal(identity) == 1 {
		return "the identity"
	}
	var q edwards25519.Point
	q.Add(p, p)
	if q.Equal(identity) == 1 {
		return "the point of order 2"
	}
	if q.Add(&q, &q).Equal(identity) == 1 {
		return "a point of order 4"
	}
	return "a point of order 8"
}

// isInvalidPoint reports whether err refuses a well-formed key for its
// point: not on the curve, small-order or non-canonical.
func isInvalidPoint(err error) bool {
	switch KindOf(err) {
	case KindNotOnCurve, KindSmallOrder, KindNonCanonical:
		return true
	}
	return false
}
