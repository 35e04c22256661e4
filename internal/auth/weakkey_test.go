package auth

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"testing"

	"filippo.io/edwards25519"

	"github.com/encord-emulator/encord-emulator/internal/golden"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// smallOrderKeyIDs are the 14 encodings of the 8 small-order points: the 8
// canonical ones, then the 6 non-canonical ones (y written as y+p, or the
// sign bit set where x = 0). TestSmallOrderKeyIDsAreTheTorsionGroup checks
// the list.
var smallOrderKeyIDs = []string{
	"0100000000000000000000000000000000000000000000000000000000000000", // identity
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
	"0000000000000000000000000000000000000000000000000000000000000000", // order 4
	"0000000000000000000000000000000000000000000000000000000000000080", // order 4
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", // order 8
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", // order 8
	"0100000000000000000000000000000000000000000000000000000000000080", // identity, x = 0 with sign
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // order 2, x = 0 with sign
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 4, y = p
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // order 4, y = p
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // identity, y = p+1
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // identity, y = p+1, sign
}

const canonicalSmallOrderPoints = 8

func TestSmallOrderKeyIDsAreTheTorsionGroup(t *testing.T) {
	identity := edwards25519.NewIdentityPoint()
	canonical := map[string]bool{}
	for i, keyID := range smallOrderKeyIDs {
		raw, _ := hex.DecodeString(keyID)
		p, err := new(edwards25519.Point).SetBytes(raw)
		if err != nil {
			t.Fatalf("%s is not a point: %v", keyID, err)
		}
		if new(edwards25519.Point).MultByCofactor(p).Equal(identity) != 1 {
			t.Fatalf("%s: [8]P is not the identity", keyID)
		}
		isCanonical := hex.EncodeToString(p.Bytes()) == keyID
		if isCanonical != (i < canonicalSmallOrderPoints) {
			t.Fatalf("%s: canonical = %v", keyID, isCanonical)
		}
		canonical[hex.EncodeToString(p.Bytes())] = true
	}
	// The small-order subgroup has exactly 8 points.
	if len(canonical) != canonicalSmallOrderPoints {
		t.Fatalf("%d distinct points, want 8", len(canonical))
	}
}

// forgeV1 finds a body and a signature (R, S = 0) with R a small-order
// point, that crypto/ed25519 accepts for the small-order key keyID over
// SHA-256 of the body. With R = -[k]A and S = 0 the verification equation
// holds, and k mod the order of A is right for one R in 8 on average.
func forgeV1(t *testing.T, keyID string) (body []byte, sig [ed25519.SignatureSize]byte) {
	t.Helper()
	key, _ := hex.DecodeString(keyID)
	for i := range 1000 {
		body = fmt.Appendf(nil, `{"query_type": "user", "attempt": %d}`, i)
		digest := sha256.Sum256(body)
		for _, r := range smallOrderKeyIDs[:canonicalSmallOrderPoints] {
			hex.Decode(sig[:32], []byte(r))
			if ed25519.Verify(key, digest[:], sig[:]) {
				return body, sig
			}
		}
	}
	t.Fatalf("no forgery found for %s", keyID)
	return nil, sig
}

// forgeV2 does the same for a v2 request on target at created.
func forgeV2(t *testing.T, keyID, method, target string, created int64) request {
	t.Helper()
	key, _ := hex.DecodeString(keyID)
	params := encordsign.SignatureParams(created, keyID)
	var sig [ed25519.SignatureSize]byte
	for i := range 1000 {
		body := fmt.Appendf(nil, `{"attempt": %d}`, i)
		digest := encordsign.ContentDigest(body)
		base := encordsign.SignatureBase(method, target, digest, params)
		for _, r := range smallOrderKeyIDs[:canonicalSmallOrderPoints] {
			hex.Decode(sig[:32], []byte(r))
			if ed25519.Verify(key, []byte(base), sig[:]) {
				return request{method: method, target: target, header: v2Header(digest, params, sig[:]), body: body}
			}
		}
	}
	t.Fatalf("no forgery found for %s", keyID)
	return request{}
}

// v2Header is the header of a v2 signature sig over the base of digest and
// params, as encordsign.Signer.SignV2 writes it.
func v2Header(digest, params string, sig []byte) http.Header {
	h := http.Header{}
	encordsign.Headers{
		ContentDigest:  digest,
		SignatureInput: encordsign.Label + "=" + params,
		Signature:      encordsign.Label + "=:" + base64.StdEncoding.EncodeToString(sig) + ":",
	}.Apply(h)
	return h
}

// TestIdentityKeyForgery is the forgery of a stored identity key: the v1
// header "01"+62 zeros ":" "01"+126 zeros signs every body, and a v2
// signature of the same shape signs every request (for example the one that
// mints a bearer token). crypto/ed25519 accepts both; the verifier must not.
func TestIdentityKeyForgery(t *testing.T) {
	identity := "01" + strings.Repeat("0", 62)
	forged := "01" + strings.Repeat("0", 126)
	var sig [ed25519.SignatureSize]byte
	hex.Decode(sig[:], []byte(forged))
	verifier := pinnedVerifier(1800000030)

	for _, body := range []string{"", `{"query_type": "user", "query_method": "GET"}`, "anything at all"} {
		digest := sha256.Sum256([]byte(body))
		if !ed25519.Verify(mustHex(identity), digest[:], sig[:]) {
			t.Fatal("crypto/ed25519 no longer accepts the identity forgery; the test premise changed")
		}
		res := verifier.Verify("POST", "/public/user", http.Header{"Authorization": {identity + ":" + forged}}, []byte(body))
		if res.OK() || res.Reason != ReasonWeakKey || res.Scheme != SchemeV1 || res.KeyID != identity {
			t.Fatalf("v1 forgery on %q: %+v", body, res)
		}
		if !strings.Contains(res.Message, "small-order point (the identity)") {
			t.Errorf("message does not say why: %s", res.Message)
		}
	}

	const target = "/v2/public/user/bearer-token"
	params := encordsign.SignatureParams(1800000000, identity)
	digest := encordsign.ContentDigest(nil)
	base := encordsign.SignatureBase("GET", target, digest, params)
	if !ed25519.Verify(mustHex(identity), []byte(base), sig[:]) {
		t.Fatal("crypto/ed25519 no longer accepts the identity forgery; the test premise changed")
	}
	res := verifier.Verify("GET", target, v2Header(digest, params, sig[:]), nil)
	if res.OK() || res.Reason != ReasonWeakKey || res.Scheme != SchemeV2 || res.KeyID != identity {
		t.Fatalf("v2 forgery: %+v", res)
	}
}

// TestSmallOrderKeysRefused forges, for every encoding of every small-order
// point, a v1 and a v2 signature that crypto/ed25519 accepts, and requires the
// verifier to refuse them as weak_key.
func TestSmallOrderKeysRefused(t *testing.T) {
	const created = 1800000000
	verifier := pinnedVerifier(created + 30)
	for _, keyID := range smallOrderKeyIDs {
		t.Run(keyID, func(t *testing.T) {
			body, sig := forgeV1(t, keyID)
			res := verifier.Verify("POST", "/public", http.Header{"Authorization": {keyID + ":" + hex.EncodeToString(sig[:])}}, body)
			if res.Reason != ReasonWeakKey || res.Scheme != SchemeV1 || res.KeyID != keyID {
				t.Errorf("v1: %+v", res)
			}
			if !strings.Contains(res.Message, "small-order point") {
				t.Errorf("v1 message: %s", res.Message)
			}

			for _, target := range []string{"/v2/public/user/bearer-token", "/v2/public/datasets?title=a%20b"} {
				res = verifier.verifyRequest(forgeV2(t, keyID, "POST", target, created))
				if res.Reason != ReasonWeakKey || res.Scheme != SchemeV2 || res.KeyID != keyID || res.DecodedTarget {
					t.Errorf("v2 %s: %+v", target, res)
				}
			}
		})
	}
}

// TestInvalidKeysRefused: key ids that are no point, or a non-canonical
// spelling of a real point, are refused before any signature is checked.
func TestInvalidKeysRefused(t *testing.T) {
	g := golden.MustLoad(t)
	for _, tc := range []struct {
		name, keyID, why string
	}{
		{"not on the curve (y = 2)", "02" + strings.Repeat("0", 62), "not a point of the Ed25519 curve"},
		{"y = p+2, not on the curve", "ef" + strings.Repeat("f", 60) + "7f", "not a point of the Ed25519 curve"},
		// y = p+18, the point y = 18 spelled non-canonically.
		{"ff...7f", strings.Repeat("f", 62) + "7f", "non-canonical encoding"},
		{"y = p+3", "f0" + strings.Repeat("f", 60) + "7f", "non-canonical encoding"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			verifier := pinnedVerifier(1800000030)
			// A signature by the golden key: the verifier must refuse the key,
			// whatever the signature.
			sig := hex.EncodeToString(ed25519.Sign(g.PrivateKey(), []byte("x")))
			res := verifier.Verify("POST", "/public/user", http.Header{"Authorization": {tc.keyID + ":" + sig}}, nil)
			if res.Reason != ReasonWeakKey || !strings.Contains(res.Message, tc.why) || !strings.Contains(res.Message, tc.keyID) {
				t.Errorf("v1: %s: %s", res.Reason, res.Message)
			}
			h := http.Header{}
			encordsign.New(g.PrivateKey()).SignV2("GET", "/v2/public/user", nil, 1800000000).Apply(h)
			h.Set("Signature-Input", strings.Replace(h.Get("Signature-Input"), goldenKeyID, tc.keyID, 1))
			res = verifier.Verify("GET", "/v2/public/user", h, nil)
			if res.Reason != ReasonWeakKey || !strings.Contains(res.Message, tc.why) {
				t.Errorf("v2: %s: %s", res.Reason, res.Message)
			}
		})
	}
}

// groupOrder is L = 2^252 + 27742317777372353535851937790883648493.
var groupOrder, _ = new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)

// addL returns the little-endian 32-byte scalar s + L: the same S modulo L,
// not reduced.
func addL(t *testing.T, s []byte) []byte {
	t.Helper()
	le := func(b []byte) []byte {
		r := make([]byte, len(b))
		for i := range b {
			r[i] = b[len(b)-1-i]
		}
		return r
	}
	sum := new(big.Int).Add(new(big.Int).SetBytes(le(s)), groupOrder)
	out := make([]byte, 32)
	sum.FillBytes(out)
	return le(out)
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// TestNonCanonicalSignatures: a valid signature rewritten with S+L, or with
// R in a non-canonical encoding, is refused with its own reason. The test
// first checks what crypto/ed25519 does with each.
func TestNonCanonicalSignatures(t *testing.T) {
	g := golden.MustLoad(t)
	priv := g.PrivateKey()
	pub := priv.Public().(ed25519.PublicKey)
	verifier := pinnedVerifier(1800000030)

	rewrites := []struct {
		name    string
		rewrite func(sig []byte) []byte
	}{
		{"S + L", func(sig []byte) []byte { return append(sig[:32:32], addL(t, sig[32:])...) }},
		{"R with y = p", func(sig []byte) []byte {
			return append(mustHex("ed"+strings.Repeat("f", 60)+"7f"), sig[32:]...)
		}},
		{"R the identity with the sign bit", func(sig []byte) []byte {
			return append(mustHex("01"+strings.Repeat("0", 60)+"80"), sig[32:]...)
		}},
	}
	for _, rw := range rewrites {
		t.Run(rw.name, func(t *testing.T) {
			body := []byte(`{"query_type": "user"}`)
			digest := sha256.Sum256(body)
			sig := rw.rewrite(ed25519.Sign(priv, digest[:]))
			if ed25519.Verify(pub, digest[:], sig) {
				t.Fatal("crypto/ed25519 accepts the rewritten signature")
			}
			res := verifier.Verify("POST", "/public/user", http.Header{"Authorization": {goldenKeyID + ":" + hex.EncodeToString(sig)}}, body)
			if res.Reason != ReasonNonCanonicalSignature || res.Scheme != SchemeV1 || !strings.Contains(res.Message, "not canonical") {
				t.Errorf("v1: %s: %s", res.Reason, res.Message)
			}

			h := http.Header{}
			signer := encordsign.New(priv)
			signer.SignV2("GET", "/v2/public/user", nil, 1800000000).Apply(h)
			b64 := strings.TrimSuffix(strings.TrimPrefix(h.Get("Signature"), "encord-sig=:"), ":")
			raw, _ := base64.StdEncoding.DecodeString(b64)
			base := encordsign.SignatureBase("GET", "/v2/public/user", h.Get("Content-Digest"), strings.TrimPrefix(h.Get("Signature-Input"), "encord-sig="))
			raw = rw.rewrite(raw)
			if ed25519.Verify(pub, []byte(base), raw) {
				t.Fatal("crypto/ed25519 accepts the rewritten signature")
			}
			h.Set("Signature", "encord-sig=:"+base64.StdEncoding.EncodeToString(raw)+":")
			res = verifier.Verify("GET", "/v2/public/user", h, nil)
			if res.Reason != ReasonNonCanonicalSignature || res.Scheme != SchemeV2 || res.SignatureBase != "" {
				t.Errorf("v2: %s: %s", res.Reason, res.Message)
			}
		})
	}
}

// TestSPlusLIsTheSameSignature shows why S+L must be refused by name: it is
// the same signature, which a verifier doing the arithmetic modulo L would
// accept. The check uses edwards25519 directly.
func TestSPlusLIsTheSameSignature(t *testing.T) {
	priv := golden.MustLoad(t).PrivateKey()
	sig := ed25519.Sign(priv, []byte("m"))
	wide := make([]byte, 64)
	copy(wide, addL(t, sig[32:]))
	reduced, err := new(edwards25519.Scalar).SetUniformBytes(wide)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(reduced.Bytes()) != hex.EncodeToString(sig[32:]) {
		t.Fatal("S+L does not reduce to S")
	}
	if _, err := new(edwards25519.Scalar).SetCanonicalBytes(addL(t, sig[32:])); err == nil {
		t.Fatal("S+L is taken as canonical")
	}
}

// TestIsCanonicalPointEncoding compares the byte-level check with the
// definition, on every non-canonical encoding there is (y in [p, 2^255) with
// either sign, and x = 0 with the sign bit set) and on canonical ones.
func TestIsCanonicalPointEncoding(t *testing.T) {
	for _, tc := range nonCanonicalEncodings() {
		if isCanonicalPointEncoding(tc) {
			t.Errorf("%x is taken as canonical", tc)
		}
	}
	for _, keyID := range append(smallOrderKeyIDs[:canonicalSmallOrderPoints:canonicalSmallOrderPoints], goldenKeyID, "02"+strings.Repeat("0", 62), "ec"+strings.Repeat("f", 60)+"7f") {
		if !isCanonicalPointEncoding(mustHex(keyID)) {
			t.Errorf("%s is taken as non-canonical", keyID)
		}
	}
}

// nonCanonicalEncodings lists all 40 non-canonical point encodings: y = p+k
// for k in 0..18 with either sign bit, and y = 1 or p-1 (x = 0) with the
// sign bit.
func nonCanonicalEncodings() [][]byte {
	var out [][]byte
	for k := range 19 {
		for _, sign := range []byte{0, 0x80} {
			b := mustHex("ed" + strings.Repeat("f", 60) + "7f")
			b[0] += byte(k)
			b[31] |= sign
			out = append(out, b)
		}
	}
	return append(out,
		mustHex("01"+strings.Repeat("0", 60)+"80"),
		mustHex("ec"+strings.Repeat("f", 62)))
}
