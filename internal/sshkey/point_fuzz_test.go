package sshkey

import (
	"bytes"
	"encoding/hex"
	"testing"

	"filippo.io/edwards25519"
)

// FuzzValidatePublicKey compares ValidatePublicKey with the definition of a
// valid key, written with edwards25519 alone: the bytes decode to a point,
// [8]P is not the identity, and encoding the point again gives the same
// bytes. The committed corpus (testdata/fuzz/FuzzValidatePublicKey) holds
// every small-order encoding, the boundary values of y and a real key.
func FuzzValidatePublicKey(f *testing.F) {
	for _, p := range smallOrderPoints {
		f.Add(mustHex(f, p.hex))
	}
	for _, raw := range nonCanonicalEncodings(f) {
		f.Add(raw)
	}
	f.Add(mustHex(f, goldenPublicHex))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		err := ValidatePublicKey(raw)
		if hexErr := ValidatePublicKeyHex(hex.EncodeToString(raw)); KindOf(hexErr) != KindOf(err) {
			t.Fatalf("ValidatePublicKey says %v, ValidatePublicKeyHex %v", err, hexErr)
		}
		want := referenceKind(raw)
		if KindOf(err) != want {
			t.Fatalf("%x: got %v, want kind %v", raw, err, want)
		}
		if err != nil {
			checkRejection(t, err)
			return
		}
		pk, err := FromEd25519(raw)
		if err != nil {
			t.Fatalf("%x: valid, but FromEd25519: %v", raw, err)
		}
		checkAccepted(t, pk)
	})
}

// referenceKind classifies raw by the definition, or returns 0 for a valid
// key.
func referenceKind(raw []byte) Kind {
	if len(raw) != 32 {
		return KindMalformed
	}
	p, err := new(edwards25519.Point).SetBytes(raw)
	switch {
	case err != nil:
		return KindNotOnCurve
	case new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) == 1:
		return KindSmallOrder
	case !bytes.Equal(p.Bytes(), raw):
		return KindNonCanonical
	}
	return 0
}
