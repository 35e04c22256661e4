package sshkey

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"filippo.io/edwards25519"
)

// smallOrderPoints are the 14 encodings of the 8 small-order points, with
// the name ValidatePublicKey gives each: the 8 canonical encodings, then the
// 6 non-canonical ones. TestSmallOrderPointsAreTheTorsionGroup checks the
// list against the curve.
var smallOrderPoints = []struct {
	hex, name string
}{
	{"0100000000000000000000000000000000000000000000000000000000000000", "the identity"},
	{"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "the point of order 2"},
	{"0000000000000000000000000000000000000000000000000000000000000000", "a point of order 4"},
	{"0000000000000000000000000000000000000000000000000000000000000080", "a point of order 4"},
	{"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", "a point of order 8"},
	{"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", "a point of order 8"},
	{"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", "a point of order 8"},
	{"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", "a point of order 8"},
	// x = 0 with the sign bit set.
	{"0100000000000000000000000000000000000000000000000000000000000080", "the identity"},
	{"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "the point of order 2"},
	// y = p (that is 0) and y = p+1 (that is 1), with either sign bit.
	{"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "a point of order 4"},
	{"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "a point of order 4"},
	{"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "the identity"},
	{"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "the identity"},
}

const canonicalSmallOrderPoints = 8

// identityLine is the key of the report that opened this check: an
// ssh-ed25519 line whose key is the identity point.
const identityLine = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

// authorizedKeyLine returns the ssh-ed25519 line of 32 raw key bytes,
// written by hand so that it does not depend on the package's parser.
func authorizedKeyLine(raw []byte) string {
	var blob []byte
	for _, field := range [][]byte{[]byte(KeyType), raw} {
		blob = binary.BigEndian.AppendUint32(blob, uint32(len(field)))
		blob = append(blob, field...)
	}
	return KeyType + " " + base64.StdEncoding.EncodeToString(blob)
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSmallOrderPointsAreTheTorsionGroup(t *testing.T) {
	identity := edwards25519.NewIdentityPoint()
	distinct := map[string]bool{}
	for i, p := range smallOrderPoints {
		point, err := new(edwards25519.Point).SetBytes(mustHex(t, p.hex))
		if err != nil {
			t.Fatalf("%s is not a point: %v", p.hex, err)
		}
		if new(edwards25519.Point).MultByCofactor(point).Equal(identity) != 1 {
			t.Fatalf("%s: [8]P is not the identity", p.hex)
		}
		canonical := hex.EncodeToString(point.Bytes())
		if (canonical == p.hex) != (i < canonicalSmallOrderPoints) {
			t.Fatalf("%s: canonical encoding %s", p.hex, canonical)
		}
		distinct[canonical] = true
	}
	// The small-order subgroup has exactly 8 points, so these are all.
	if len(distinct) != canonicalSmallOrderPoints {
		t.Fatalf("%d distinct points, want 8", len(distinct))
	}
}

// TestSmallOrderPointsRefused: every encoding of every small-order point is
// refused by every way a public key enters.
func TestSmallOrderPointsRefused(t *testing.T) {
	for _, p := range smallOrderPoints {
		t.Run(p.hex, func(t *testing.T) {
			raw := mustHex(t, p.hex)
			e := checkError(t, ValidatePublicKey(raw), KindSmallOrder, "small-order point ("+p.name, "ssh-keygen -t ed25519")
			if e.Point != p.name {
				t.Errorf("Point = %q, want %q", e.Point, p.name)
			}
			checkError(t, ValidatePublicKeyHex(p.hex), KindSmallOrder)
			checkError(t, ValidatePublicKeyHex(strings.ToUpper(p.hex)), KindSmallOrder)
			_, err := FromEd25519(raw)
			checkError(t, err, KindSmallOrder)
			_, err = FromHex(p.hex)
			checkError(t, err, KindSmallOrder)
			line := authorizedKeyLine(raw)
			_, err = Parse(line + " attacker@example\n")
			checkError(t, err, KindSmallOrder, p.name)
			if strings.Contains(err.Error(), strings.Fields(line)[1]) {
				t.Errorf("the message repeats the key: %s", err)
			}
		})
	}
}

// TestIdentityKeyFromReport is the key of the report: accepted before, it
// let anyone sign as its owner.
func TestIdentityKeyFromReport(t *testing.T) {
	_, err := Parse(identityLine)
	checkError(t, err, KindSmallOrder,
		"is a small-order point (the identity): it cannot be a real Ed25519 key",
		"Generate a key with: ssh-keygen -t ed25519")
	if !errors.Is(err, KindSmallOrder) || errors.Is(err, KindMalformed) {
		t.Errorf("errors.Is does not tell the kind: %v", err)
	}
	// Given where a private key belongs, it is still recognised as a public
	// key.
	_, _, err = ParsePrivateKey([]byte(identityLine))
	checkError(t, err, KindNotPrivateKey, "This is a public key")
}

// TestEveryNonCanonicalEncodingRefused goes through all 40 non-canonical
// encodings there are: y = p+k for k in 0..18 with either sign bit, and
// x = 0 (y = 1 or p-1) with the sign bit set. Each is refused: as no point,
// as a small-order point, or as a non-canonical encoding of a real one.
func TestEveryNonCanonicalEncodingRefused(t *testing.T) {
	kinds := map[Kind]int{}
	for _, raw := range nonCanonicalEncodings(t) {
		err := ValidatePublicKey(raw)
		kind := KindOf(err)
		kinds[kind]++
		point, decodeErr := new(edwards25519.Point).SetBytes(raw)
		switch {
		case decodeErr != nil:
			checkError(t, err, KindNotOnCurve, "not a point of the Ed25519 curve")
		case new(edwards25519.Point).MultByCofactor(point).Equal(edwards25519.NewIdentityPoint()) == 1:
			checkError(t, err, KindSmallOrder, "in a non-canonical encoding")
		default:
			checkError(t, err, KindNonCanonical, "non-canonical encoding", "ssh-keygen")
			// The canonical spelling of the same point is a valid key.
			if err := ValidatePublicKey(point.Bytes()); err != nil {
				t.Errorf("%x: the canonical spelling %x is refused: %v", raw, point.Bytes(), err)
			}
		}
		if _, err := Parse(authorizedKeyLine(raw)); KindOf(err) != kind {
			t.Errorf("%x: Parse says %v, ValidatePublicKey %v", raw, err, kind)
		}
	}
	if kinds[KindSmallOrder] != len(smallOrderPoints)-canonicalSmallOrderPoints || kinds[KindNonCanonical] == 0 || kinds[KindNotOnCurve] == 0 {
		t.Errorf("kinds of the 40 encodings: %v", kinds)
	}
}

func nonCanonicalEncodings(t testing.TB) [][]byte {
	var out [][]byte
	for k := range 19 {
		for _, sign := range []byte{0, 0x80} {
			b := mustHex(t, "ed"+strings.Repeat("f", 60)+"7f") // p
			b[0] += byte(k)
			b[31] |= sign
			out = append(out, b)
		}
	}
	return append(out,
		mustHex(t, "01"+strings.Repeat("0", 60)+"80"),
		mustHex(t, "ec"+strings.Repeat("f", 62)))
}

func TestInvalidPointsRefused(t *testing.T) {
	for _, tc := range []struct {
		name, hex string
		kind      Kind
		message   string
	}{
		// The "ff...7f" key of the report: y = 2^255-1 = p+18, the point
		// with y = 18 written non-canonically.
		{"ff...7f", strings.Repeat("f", 62) + "7f", KindNonCanonical, "non-canonical encoding"},
		{"y = 2", "02" + strings.Repeat("0", 62), KindNotOnCurve, "not a point of the Ed25519 curve"},
		{"y = p+2", "ef" + strings.Repeat("f", 60) + "7f", KindNotOnCurve, "not a point of the Ed25519 curve"},
		{"y = p+3", "f0" + strings.Repeat("f", 60) + "7f", KindNonCanonical, "not reduced modulo 2^255-19"},
		{"y = p+3, sign set", "f0" + strings.Repeat("f", 62), KindNonCanonical, "non-canonical"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := mustHex(t, tc.hex)
			e := checkError(t, ValidatePublicKey(raw), tc.kind, tc.message)
			if e.Point != "" {
				t.Errorf("Point = %q for %v", e.Point, tc.kind)
			}
			_, err := Parse(authorizedKeyLine(raw) + " comment")
			checkError(t, err, tc.kind, tc.message)
			_, err = FromHex(tc.hex)
			checkError(t, err, tc.kind)
			checkError(t, ValidatePublicKeyHex(tc.hex), tc.kind)
			_, _, err = ParsePrivateKey([]byte(authorizedKeyLine(raw)))
			checkError(t, err, KindNotPrivateKey, "This is a public key")
		})
	}
}

func TestValidPublicKeysAccepted(t *testing.T) {
	if err := ValidatePublicKeyHex(goldenPublicHex); err != nil {
		t.Fatalf("golden key: %v", err)
	}
	if _, err := Parse(goldenPublicLine); err != nil {
		t.Fatalf("golden line: %v", err)
	}
	for i := range 200 {
		seed := make([]byte, ed25519.SeedSize)
		binary.LittleEndian.PutUint64(seed, uint64(i))
		pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
		if err := ValidatePublicKey(pub); err != nil {
			t.Fatalf("key of seed %d: %v", i, err)
		}
		if _, err := Parse(authorizedKeyLine(pub)); err != nil {
			t.Fatalf("line of seed %d: %v", i, err)
		}
	}
	for range 20 {
		pub, _, err := Generate("")
		if err != nil {
			t.Fatal(err)
		}
		if err := ValidatePublicKey(pub.Key); err != nil {
			t.Fatalf("generated key %s: %v", pub.Hex, err)
		}
	}
}

func TestValidatePublicKeyMalformed(t *testing.T) {
	for _, raw := range [][]byte{nil, make([]byte, 31), make([]byte, 33)} {
		checkError(t, ValidatePublicKey(raw), KindMalformed, "bytes instead of 32")
	}
	for _, keyID := range []string{"", "01", strings.Repeat("g", 64), strings.Repeat("0", 66)} {
		checkError(t, ValidatePublicKeyHex(keyID), KindMalformed, "key id")
	}
}

func TestPointKindNames(t *testing.T) {
	seen := map[string]bool{}
	for k := KindEmpty; k <= KindNonCanonical; k++ {
		s := k.String()
		if seen[s] || strings.HasPrefix(s, "sshkey.Kind(") {
			t.Errorf("Kind %d: %q", k, s)
		}
		seen[s] = true
	}
}

// BenchmarkValidatePublicKey is the cost the verifier adds to every signed
// request; compare it with one ed25519.Verify (BenchmarkEd25519VerifyDigest
// in internal/auth).
func BenchmarkValidatePublicKey(b *testing.B) {
	raw := mustHex(b, goldenPublicHex)
	b.ReportAllocs()
	for b.Loop() {
		if err := ValidatePublicKey(raw); err != nil {
			b.Fatal(err)
		}
	}
}
