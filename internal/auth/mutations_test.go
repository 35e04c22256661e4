package auth

import (
	"fmt"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/golden"
)

// Mutations of signed requests: every byte a signature covers matters, and
// a refusal says which base the server verified.

// mutation changes one signed input of a golden request.
type mutation struct {
	name   string
	apply  func(*request)
	want   Reason
	scheme Scheme
}

// replaceAt returns s with the byte at i replaced by c.
func replaceAt(s string, i int, c byte) string {
	b := []byte(s)
	b[i] = c
	return string(b)
}

// editHeader replaces the first occurrence of old in header name.
func editHeader(name, old, new string) func(*request) {
	return func(r *request) {
		v := r.header.Get(name)
		if !strings.Contains(v, old) {
			panic(fmt.Sprintf("%s %q does not contain %q", name, v, old))
		}
		r.header.Set(name, strings.Replace(v, old, new, 1))
	}
}

// flipHex changes the hex digit at position i of header name to another
// lowercase hex digit.
func flipHex(name string, i int) func(*request) {
	return func(r *request) {
		v := r.header.Get(name)
		c := byte('0')
		if v[i] == '0' {
			c = '1'
		}
		r.header.Set(name, replaceAt(v, i, c))
	}
}

// flipBase64 changes the character at position i (counted from the start of
// the base64 text after prefix) to another base64 character with the same low
// bits cleared, so the encoding stays canonical.
func flipBase64(name, prefix string, i int) func(*request) {
	return func(r *request) {
		v := r.header.Get(name)
		j := len(prefix) + i
		c := byte('A')
		if v[j] == 'A' {
			c = 'Q'
		}
		r.header.Set(name, replaceAt(v, j, c))
	}
}

func flipBody(i int) func(*request) {
	return func(r *request) {
		if len(r.body) == 0 {
			r.body = []byte("x")
			return
		}
		r.body[i%len(r.body)] ^= 0x01
	}
}

const goldenKeyID = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"

func TestGoldenVectorMutations(t *testing.T) {
	g := golden.MustLoad(t)
	v1Mutations := []mutation{
		{"body first byte", flipBody(0), ReasonBadSignature, SchemeV1},
		{"body last byte", flipBody(-1 + len(g.Vectors[0].Body)), ReasonBadSignature, SchemeV1},
		{"body appended byte", func(r *request) { r.body = append(r.body, ' ') }, ReasonBadSignature, SchemeV1},
		{"body empty", func(r *request) { r.body = nil }, ReasonBadSignature, SchemeV1},
		// Changing digit 12 of the golden key id gives another curve point,
		// digit 10 bytes that are no point at all.
		{"authorization key id", flipHex("Authorization", 12), ReasonBadSignature, SchemeV1},
		{"authorization key id off the curve", flipHex("Authorization", 10), ReasonWeakKey, SchemeV1},
		{"authorization signature first", flipHex("Authorization", 65), ReasonBadSignature, SchemeV1},
		{"authorization signature last", flipHex("Authorization", 192), ReasonBadSignature, SchemeV1},
		{"authorization upper case", func(r *request) {
			r.header.Set("Authorization", strings.ToUpper(r.header.Get("Authorization")))
		}, ReasonMalformedHeader, SchemeNone},
		{"authorization colon", editHeader("Authorization", ":", ";"), ReasonMalformedHeader, SchemeNone},
		{"authorization truncated", func(r *request) {
			r.header.Set("Authorization", r.header.Get("Authorization")[:192])
		}, ReasonMalformedHeader, SchemeNone},
		// v1 signs neither the method nor the path nor other headers.
		{"method (not signed)", func(r *request) { r.method = "PUT" }, ReasonNone, SchemeV1},
		{"target (not signed)", func(r *request) { r.target = "/public" }, ReasonNone, SchemeV1},
		{"resource headers (not signed)", func(r *request) { r.header.Set("ResourceType", "project") }, ReasonNone, SchemeV1},
	}
	v2Mutations := []mutation{
		{"method", func(r *request) { r.method = replaceAt(r.method, 0, r.method[0]^1) }, ReasonBadSignature, SchemeV2},
		{"method lower case", func(r *request) { r.method = strings.ToLower(r.method) }, ReasonBadSignature, SchemeV2},
		{"target first byte", func(r *request) { r.target = replaceAt(r.target, 1, 'w') }, ReasonBadSignature, SchemeV2},
		{"target last byte", func(r *request) { r.target = r.target[:len(r.target)-1] + "Z" }, ReasonBadSignature, SchemeV2},
		{"target decoded form", func(r *request) { r.target += "%41" }, ReasonBadSignature, SchemeV2},
		{"body", flipBody(3), ReasonDigestMismatch, SchemeV2},
		{"content-digest", flipBase64("Content-Digest", "sha-256=:", 5), ReasonDigestMismatch, SchemeV2},
		{"content-digest algorithm", editHeader("Content-Digest", "sha-256", "sha-512"), ReasonMalformedHeader, SchemeV2},
		{"created", editHeader("Signature-Input", "created=1700000000", "created=1700000001"), ReasonBadSignature, SchemeV2},
		{"keyid", editHeader("Signature-Input", `keyid="03a1`, `keyid="13a1`), ReasonBadSignature, SchemeV2},
		{"keyid upper case", editHeader("Signature-Input", goldenKeyID, strings.ToUpper(goldenKeyID)), ReasonMalformedHeader, SchemeV2},
		{"alg", editHeader("Signature-Input", `alg="ed25519"`, `alg="ed25518"`), ReasonBadAlgorithm, SchemeV2},
		{"components order", editHeader("Signature-Input", `"@method" "@request-target"`, `"@request-target" "@method"`), ReasonUnsupportedComponents, SchemeV2},
		{"components subset", editHeader("Signature-Input", ` "content-digest"`, ``), ReasonUnsupportedComponents, SchemeV2},
		{"label", editHeader("Signature-Input", "encord-sig=", "encord-sih="), ReasonMalformedHeader, SchemeV2},
		{"parameter order", editHeader("Signature-Input", `;alg="ed25519"`, `;alg="ed25519";nonce="x"`), ReasonMalformedHeader, SchemeV2},
		{"signature first char", flipBase64("Signature", "encord-sig=:", 0), ReasonBadSignature, SchemeV2},
		// Position 84 holds the 6 high bits of the last byte of S: they stay
		// below the group order with 'A' and 'B', not with '/'.
		{"signature last data char", func(r *request) {
			v := r.header.Get("Signature")
			j := len("encord-sig=:") + 84
			c := byte('A')
			if v[j] == 'A' {
				c = 'B'
			}
			r.header.Set("Signature", replaceAt(v, j, c))
		}, ReasonBadSignature, SchemeV2},
		{"signature S not reduced", func(r *request) {
			v := r.header.Get("Signature")
			r.header.Set("Signature", replaceAt(v, len("encord-sig=:")+84, '/'))
		}, ReasonNonCanonicalSignature, SchemeV2},
		{"signature padding bits", func(r *request) {
			// Position 85 holds 2 data bits and 4 padding bits, which must be 0.
			v := r.header.Get("Signature")
			r.header.Set("Signature", replaceAt(v, len("encord-sig=:")+85, v[len("encord-sig=:")+85]+1))
		}, ReasonMalformedHeader, SchemeV2},
		{"signature label", editHeader("Signature", "encord-sig=", "sig1="), ReasonMalformedHeader, SchemeV2},
		{"signature missing", func(r *request) { r.header.Del("Signature") }, ReasonMissingHeader, SchemeV2},
		{"content-digest missing", func(r *request) { r.header.Del("Content-Digest") }, ReasonMissingHeader, SchemeV2},
		// An Authorization header does not change the dispatch to v2.
		{"stray authorization", func(r *request) { r.header.Set("Authorization", "Bearer x") }, ReasonNone, SchemeV2},
	}
	for _, v := range g.Vectors {
		mutations := v2Mutations
		if v.Scheme == "v1" {
			mutations = v1Mutations
		}
		for _, m := range mutations {
			t.Run(v.Name+"/"+m.name, func(t *testing.T) {
				r := goldenRequest(v)
				m.apply(&r)
				res := pinnedVerifier(v.ClientTime).verifyRequest(r)
				if res.Reason != m.want || res.Scheme != m.scheme {
					t.Fatalf("got %s/%s (%s), want %s/%s", res.Scheme, res.Reason, res.Message, m.scheme, m.want)
				}
				if m.want != ReasonNone && res.Message == "" {
					t.Error("failure without a message")
				}
				if (res.Reason == ReasonBadSignature && res.Scheme == SchemeV2) != (res.SignatureBase != "") {
					t.Errorf("SignatureBase = %q for %s/%s", res.SignatureBase, res.Scheme, res.Reason)
				}
			})
		}
	}
}

// TestEverySignedByteMatters changes every byte of every signed input of every
// vector, one at a time, and requires a rejection each time.
func TestEverySignedByteMatters(t *testing.T) {
	g := golden.MustLoad(t)
	for _, v := range g.Vectors {
		base := goldenRequest(v)
		verifier := pinnedVerifier(v.ClientTime)
		check := func(what string, i int, r request) {
			t.Helper()
			if res := verifier.verifyRequest(r); res.OK() {
				t.Errorf("%s: changing byte %d of %s was accepted", v.Name, i, what)
			}
		}
		// Replacement bytes: a neighbour (often still valid hex or base64)
		// and a byte outside every alphabet.
		for _, delta := range []byte{1, 0x80} {
			for i := range base.body {
				r := base.clone()
				r.body[i] ^= delta
				check("body", i, r)
			}
			headers := []string{"Authorization"}
			if v.Scheme == "v2" {
				headers = []string{"Content-Digest", "Signature-Input", "Signature"}
				for i := range base.target {
					r := base.clone()
					r.target = replaceAt(r.target, i, r.target[i]^delta)
					check("request target", i, r)
				}
				for i := range base.method {
					r := base.clone()
					r.method = replaceAt(r.method, i, r.method[i]^delta)
					check("method", i, r)
				}
			}
			for _, name := range headers {
				value := base.header.Get(name)
				for i := range value {
					r := base.clone()
					r.header.Set(name, replaceAt(value, i, value[i]^delta))
					check(name, i, r)
				}
			}
		}
		r := base.clone()
		r.body = append(r.body, '\n')
		check("body (appended)", len(base.body), r)
	}
}

func TestBadSignatureReportsServerBase(t *testing.T) {
	g := golden.MustLoad(t)
	for _, v := range g.Vectors {
		if v.Scheme != "v2" {
			continue
		}
		r := goldenRequest(v)
		r.target += "&extra=1"
		res := pinnedVerifier(v.ClientTime).verifyRequest(r)
		if res.Reason != ReasonBadSignature {
			t.Fatalf("%s: reason %s, want bad_signature", v.Name, res.Reason)
		}
		want := strings.Replace(v.SignatureBase, v.RequestTarget, r.target, 1)
		if res.SignatureBase != want {
			t.Errorf("%s: SignatureBase\n got %q\nwant %q", v.Name, res.SignatureBase, want)
		}
		if res.KeyID != goldenKeyID || res.Created != v.Created {
			t.Errorf("%s: KeyID %q Created %d not reported on failure", v.Name, res.KeyID, res.Created)
		}
	}
}
