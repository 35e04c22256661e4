package auth

import (
	"math/big"
	"testing"
)

// fieldPrime is p = 2^255 - 19.
var fieldPrime = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))

// FuzzCanonicalPointEncoding compares isCanonicalPointEncoding with the
// definition computed with math/big: y (the 255 low bits, little-endian) is
// below p, and the sign bit is clear when x = 0, that is when y is 1 or p-1.
func FuzzCanonicalPointEncoding(f *testing.F) {
	for _, keyID := range smallOrderKeyIDs {
		f.Add(mustHex(keyID))
	}
	for _, b := range nonCanonicalEncodings() {
		f.Add(b)
	}
	f.Add(mustHex(goldenKeyID))
	f.Fuzz(func(t *testing.T, b []byte) {
		b = append(b, make([]byte, 32)...)[:32] // any input is a 32-byte encoding
		le := make([]byte, 32)
		for i := range b {
			le[31-i] = b[i]
		}
		le[0] &= 0x7f
		y := new(big.Int).SetBytes(le)
		sign := b[31]&0x80 != 0
		pMinus1 := new(big.Int).Sub(fieldPrime, big.NewInt(1))
		want := y.Cmp(fieldPrime) < 0 && !(sign && (y.Cmp(big.NewInt(1)) == 0 || y.Cmp(pMinus1) == 0))
		if got := isCanonicalPointEncoding(b); got != want {
			t.Fatalf("%x: canonical = %v, want %v", b, got, want)
		}
	})
}
