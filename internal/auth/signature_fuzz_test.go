package auth

import (
	"math/big"
	"strings"
	"testing"
	"unicode/utf8"
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

// FuzzDecodeTargetAsSDK0127 checks what holds for any target: no '%' means
// no change, the result of an ASCII target is valid UTF-8, and decoding never
// lengthens a target (an escape is 3 bytes, and so is the U+FFFD that
// replaces it at most).
func FuzzDecodeTargetAsSDK0127(f *testing.F) {
	for _, s := range []string{"", "/v2/public/x?q=%C3%A9", "%", "%%41", "%E2%82", "é%41", "%C3é%A9", "/a%2520b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, target string) {
		decoded, differs := decodeTargetAsSDK0127(target)
		if differs != (decoded != target) {
			t.Fatalf("differs = %v for %q -> %q", differs, target, decoded)
		}
		if !strings.Contains(target, "%") && differs {
			t.Fatalf("%q has no escape but decodes to %q", target, decoded)
		}
		ascii := true
		for i := 0; i < len(target); i++ {
			ascii = ascii && target[i] < utf8.RuneSelf
		}
		if ascii && !utf8.ValidString(decoded) {
			t.Fatalf("%q decodes to invalid UTF-8 %q", target, decoded)
		}
		if len(decoded) > len(target) {
			t.Fatalf("%q decodes to a longer %q", target, decoded)
		}
	})
}
