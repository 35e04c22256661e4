package auth

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/encord-emulator/encord-emulator/internal/golden"
	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// The fuzz targets check that the verifier never panics, that every failure
// is explained, and that whatever it accepts is accepted by an independent
// reference built from the standard library and pkg/encordsign.

func checkExplained(t *testing.T, res Result) {
	t.Helper()
	if res.OK() != (res.Message == "") {
		t.Fatalf("OK=%v with message %q", res.OK(), res.Message)
	}
	if !utf8.ValidString(res.Message) {
		t.Fatalf("message is not valid UTF-8: %q", res.Message)
	}
	if strings.HasPrefix(res.Reason.String(), "Reason(") || strings.HasPrefix(res.Scheme.String(), "Scheme(") {
		t.Fatalf("unnamed reason or scheme: %+v", res)
	}
	if res.SignatureBase != "" && (res.Reason != ReasonBadSignature || res.Scheme != SchemeV2) {
		t.Fatalf("SignatureBase set for %s/%s", res.Scheme, res.Reason)
	}
}

func FuzzVerifyV1Header(f *testing.F) {
	g := golden.MustLoad(f)
	for _, v := range g.Vectors {
		if v.Scheme != "v1" {
			continue
		}
		authz := v.ExpectedHeaders["Authorization"]
		f.Add(authz, []byte(v.Body))
		f.Add(authz, []byte(v.Body+" "))
		f.Add(strings.ToUpper(authz), []byte(v.Body))
		f.Add(authz[:100], []byte(v.Body))
		f.Add(strings.Replace(authz, ":", "::", 1), []byte(v.Body))
	}
	for _, s := range []string{"", "Bearer ", "Bearer", "Bearer x", "bearer x", "Basic a:b", ":", "a:b", "\x00:\xff"} {
		f.Add(s, []byte{})
	}

	verifier := pinnedVerifier(1700000030)
	f.Fuzz(func(t *testing.T, authz string, body []byte) {
		res := verifier.Verify("POST", "/public/user", http.Header{"Authorization": {authz}}, body)
		checkExplained(t, res)
		if !res.OK() {
			if res.Scheme == SchemeNone && authz != "" && !strings.HasPrefix(authz, "Bearer ") &&
				len(authz) == v1AuthorizeLen && authz == strings.ToLower(authz) && isV1Reference(authz) {
				t.Fatalf("a well-formed v1 value was not dispatched to v1: %+v", res)
			}
			return
		}
		switch res.Scheme {
		case SchemeBearer:
			if "Bearer "+res.BearerToken != authz || res.BearerToken == "" {
				t.Fatalf("bearer token %q from %q", res.BearerToken, authz)
			}
		case SchemeV1:
			// Reference: the protocol's regexp and encoding/hex.
			if !isV1Reference(authz) || res.KeyID != authz[:64] {
				t.Fatalf("accepted %q as v1 with key id %q", authz, res.KeyID)
			}
			pub, _ := hex.DecodeString(authz[:64])
			sig, _ := hex.DecodeString(authz[65:])
			digest := encordsignDigest(body)
			if !ed25519.Verify(pub, digest, sig) {
				t.Fatalf("accepted a v1 signature the reference rejects: %q", authz)
			}
			if err := sshkey.ValidatePublicKey(pub); err != nil {
				t.Fatalf("accepted a v1 signature by an invalid key: %v", err)
			}
		default:
			t.Fatalf("accepted with scheme %s", res.Scheme)
		}
	})
}

// isV1Reference is ^[0-9a-f]{64}:[0-9a-f]{128}$ written the obvious way.
func isV1Reference(s string) bool {
	key, sig, ok := strings.Cut(s, ":")
	if !ok || len(key) != 64 || len(sig) != 128 {
		return false
	}
	return strings.Trim(key+sig, "0123456789abcdef") == ""
}

func encordsignDigest(body []byte) []byte {
	d, _ := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(encordsign.ContentDigest(body), "sha-256=:"), ":"))
	return d
}

func FuzzVerifyV2Headers(f *testing.F) {
	g := golden.MustLoad(f)
	for _, v := range g.Vectors {
		if v.Scheme != "v2" {
			continue
		}
		h := v.ExpectedHeaders
		add := func(method, target, digest, input, sig, body string) {
			f.Add(method, target, digest, input, sig, []byte(body))
		}
		add(v.Method, v.RequestTarget, h["Content-Digest"], h["Signature-Input"], h["Signature"], v.Body)
		add(v.Method, v.RequestTarget+"x", h["Content-Digest"], h["Signature-Input"], h["Signature"], v.Body)
		add(v.Method, v.RequestTarget, h["Content-Digest"], h["Signature-Input"], h["Signature"], v.Body+"x")
		add(v.Method, v.RequestTarget, h["Content-Digest"], strings.ToUpper(h["Signature-Input"]), h["Signature"], v.Body)
		add(v.Method, v.RequestTarget, h["Content-Digest"], h["Signature-Input"]+";nonce=\"1\"", h["Signature"], v.Body)
		add(v.Method, v.RequestTarget, h["Content-Digest"], strings.Replace(h["Signature-Input"], "ed25519", "hmac", 1), h["Signature"], v.Body)
		add(v.Method, v.RequestTarget, h["Content-Digest"], h["Signature-Input"], strings.Replace(h["Signature"], "==", "", 1), v.Body)
		add(v.Method, v.RequestTarget, "", h["Signature-Input"], "", v.Body)
	}
	add := func(input string) { f.Add("GET", "/", "", input, "", []byte{}) }
	for _, s := range []string{"", "encord-sig=", "encord-sig=(", "encord-sig=()", `encord-sig=("@method" "@request-target" "content-digest")`,
		`encord-sig=("@method" "@request-target" "content-digest");created=`, `encord-sig=("@method" "@request-target" "content-digest");created=1;keyid="`} {
		add(s)
	}

	verifier := pinnedVerifier(1700000030)
	f.Fuzz(func(t *testing.T, method, target, digest, input, sig string, body []byte) {
		h := http.Header{"Signature-Input": {input}}
		if digest != "" {
			h["Content-Digest"] = []string{digest}
		}
		if sig != "" {
			h["Signature"] = []string{sig}
		}
		res := verifier.Verify(method, target, h, body)
		checkExplained(t, res)
		if res.Scheme != SchemeV2 {
			t.Fatalf("Signature-Input present but dispatched to %s", res.Scheme)
		}
		if res.Reason == ReasonBadSignature {
			want := encordsign.SignatureBase(method, target, digest, strings.TrimPrefix(input, "encord-sig="))
			if res.SignatureBase != want {
				t.Fatalf("SignatureBase %q, reference %q", res.SignatureBase, want)
			}
		}
		if !res.OK() {
			return
		}
		// Reference: every accepted request is exactly what the SDK would
		// send, and its signature verifies with stdlib decoders.
		if input != "encord-sig="+encordsign.SignatureParams(res.Created, res.KeyID) {
			t.Fatalf("accepted Signature-Input %q", input)
		}
		if digest != encordsign.ContentDigest(body) {
			t.Fatalf("accepted Content-Digest %q for body %q", digest, body)
		}
		raw, ok := strings.CutPrefix(sig, "encord-sig=:")
		raw, ok2 := strings.CutSuffix(raw, ":")
		sigBytes, err := base64.StdEncoding.Strict().DecodeString(raw)
		if !ok || !ok2 || err != nil {
			t.Fatalf("accepted Signature %q: %v", sig, err)
		}
		pub, _ := hex.DecodeString(res.KeyID)
		if err := sshkey.ValidatePublicKey(pub); err != nil {
			t.Fatalf("accepted a signature by an invalid key: %v", err)
		}
		signed := target
		if res.DecodedTarget {
			if !strings.Contains(target, "%") {
				t.Fatalf("verified over the decoded form of %q, which has no escape", target)
			}
			signed, _ = decodeTargetAsSDK0127(target) // checked against Python in target_test.go
		}
		base := encordsign.SignatureBase(method, signed, digest, strings.TrimPrefix(input, "encord-sig="))
		if !ed25519.Verify(pub, []byte(base), sigBytes) {
			t.Fatal("accepted a signature the reference rejects")
		}
	})
}

func FuzzParseSignatureInput(f *testing.F) {
	g := golden.MustLoad(f)
	for _, v := range g.Vectors {
		if in := v.ExpectedHeaders["Signature-Input"]; in != "" {
			f.Add(in)
			f.Add(strings.Replace(in, "1700000000", "0", 1))
			f.Add(strings.Replace(in, "1700000000", "007", 1))
			f.Add(strings.Replace(in, `"content-digest"`, `"content-digest" "@path"`, 1))
			f.Add(strings.Replace(in, `;alg="ed25519"`, `;alg="ed25519";expires=1`, 1))
			f.Add(in + `, sig2=("@method");created=1`)
			f.Add(in[:len(in)-3])
		}
	}
	f.Add("")
	f.Add("encord-sig=")
	f.Add("sig1=(\"@method\")")

	f.Fuzz(func(t *testing.T, value string) {
		in, err := parseSignatureInput(value)
		if err != nil {
			if err.Message == "" || err.Reason == ReasonNone {
				t.Fatalf("unexplained failure %+v", err)
			}
			if !utf8.ValidString(err.Message) {
				t.Fatalf("message is not valid UTF-8: %q", err.Message)
			}
			return
		}
		// The parser accepts exactly the strings the SDK can produce.
		if want := "encord-sig=" + encordsign.SignatureParams(in.created, in.keyID); value != want {
			t.Fatalf("accepted %q, which round-trips to %q", value, want)
		}
		if in.params != strings.TrimPrefix(value, "encord-sig=") || checkKeyID(in.keyID) != "" || in.created < 0 {
			t.Fatalf("bad parse of %q: %+v", value, in)
		}
	})
}
