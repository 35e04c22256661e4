package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/golden"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

func TestCreatedWindow(t *testing.T) {
	priv := golden.MustLoad(t).PrivateKey()
	signer := encordsign.New(priv)
	const now = 1800000000
	signed := func(created int64) request {
		h := make(http.Header)
		signer.SignV2("GET", "/v2/public/user", nil, created).Apply(h)
		return request{method: "GET", target: "/v2/public/user", header: h}
	}
	for _, tc := range []struct {
		name    string
		window  Window
		created int64
		want    Reason
		message string
	}{
		{"now", Window{}, now, ReasonNone, ""},
		{"as the SDK sends it", Window{}, now - 30, ReasonNone, ""},
		{"oldest accepted", Window{}, now - 600, ReasonNone, ""},
		{"one second too old", Window{}, now - 601, ReasonCreatedTooOld,
			"created=1799999399 is 601 s in the past; the accepted window is 600 s"},
		{"newest accepted", Window{}, now + 60, ReasonNone, ""},
		{"one second in the future", Window{}, now + 61, ReasonCreatedInFuture,
			"created=1800000061 is 61 s in the future; at most 60 s is accepted (the SDK sends its clock minus 30 s, so the client clock is about 91 s fast)"},
		{"zero", Window{}, 0, ReasonCreatedTooOld, "created=0 is 1800000000 s in the past"},
		{"custom past edge", Window{Past: 10 * time.Second, Future: 5 * time.Second}, now - 10, ReasonNone, ""},
		{"custom past", Window{Past: 10 * time.Second, Future: 5 * time.Second}, now - 11, ReasonCreatedTooOld, "the accepted window is 10 s"},
		{"custom future", Window{Past: 10 * time.Second, Future: 5 * time.Second}, now + 6, ReasonCreatedInFuture, "at most 5 s is accepted"},
		{"no future tolerance", Window{Past: time.Hour}, now + 1, ReasonCreatedInFuture, "1 s in the future"},
		{"sub-second durations truncate", Window{Past: 10*time.Second + 999*time.Millisecond, Future: time.Second}, now - 11, ReasonCreatedTooOld, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := pinnedVerifier(now)
			v.Window = tc.window
			res := v.verifyRequest(signed(tc.created))
			if res.Reason != tc.want {
				t.Fatalf("reason %s (%s), want %s", res.Reason, res.Message, tc.want)
			}
			if !strings.Contains(res.Message, tc.message) {
				t.Errorf("message %q does not contain %q", res.Message, tc.message)
			}
			if res.Created != tc.created || res.KeyID != signer.KeyID() {
				t.Errorf("Created %d KeyID %s, want %d %s", res.Created, res.KeyID, tc.created, signer.KeyID())
			}
		})
	}
}

// TestCheckOrder pins the documented order: syntax, digest, signature, window.
func TestCheckOrder(t *testing.T) {
	g := golden.MustLoad(t)
	v := g.Vectors[2] // POST with a body
	if v.Scheme != "v2" || v.Body == "" {
		t.Fatalf("vector %s is not a v2 request with a body", v.Name)
	}
	old := pinnedVerifier(v.ClientTime + 3600)
	for _, tc := range []struct {
		name  string
		apply func(*request)
		want  Reason
	}{
		{"old and forged is bad signature", func(r *request) { r.target += "x" }, ReasonBadSignature},
		{"old, forged, body changed is digest mismatch", func(r *request) { r.target += "x"; r.body[0] ^= 1 }, ReasonDigestMismatch},
		{"digest mismatch and bad alg is bad alg", func(r *request) {
			r.body[0] ^= 1
			editHeader("Signature-Input", `"ed25519"`, `"hmac"`)(r)
		}, ReasonBadAlgorithm},
		{"only old", func(r *request) {}, ReasonCreatedTooOld},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := goldenRequest(v)
			tc.apply(&r)
			if res := old.verifyRequest(r); res.Reason != tc.want {
				t.Errorf("reason %s (%s), want %s", res.Reason, res.Message, tc.want)
			}
		})
	}
}

func TestDispatchAndMalformed(t *testing.T) {
	const validV1 = goldenKeyID + ":" +
		"c0fb563515c422260c3b822ec1c0af43d778ebeb4fb3d6da05d50d777ea1204e3e6a49f6e88aa87242ef6af557789d0fbe808fb1d6510d8d0b703a9cfd41da01"
	const validInput = `encord-sig=("@method" "@request-target" "content-digest");created=1700000000;keyid="` + goldenKeyID + `";alg="ed25519"`
	const emptyDigest = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"
	const validSig = "encord-sig=:syD5q2Ulr5IDBsNO/X53CCTUkzRCV+woS0eRO+VdehCPT5/ghlfwG0ploq34x/avZ6k6OqNmh+i/oJqVqdSnAA==:"
	v2 := func(input string) http.Header {
		return http.Header{"Signature-Input": {input}, "Signature": {validSig}, "Content-Digest": {emptyDigest}}
	}
	for _, tc := range []struct {
		name    string
		header  http.Header
		scheme  Scheme
		want    Reason
		message string // substring
	}{
		{"no headers", http.Header{}, SchemeNone, ReasonNoCredentials, "no Authorization"},
		{"empty authorization", http.Header{"Authorization": {""}}, SchemeNone, ReasonNoCredentials, ""},
		{"only signature", http.Header{"Signature": {validSig}}, SchemeNone, ReasonMissingHeader, "Signature-Input is missing"},
		{"bearer", http.Header{"Authorization": {"Bearer tok"}}, SchemeBearer, ReasonNone, ""},
		{"bearer empty", http.Header{"Authorization": {"Bearer "}}, SchemeBearer, ReasonMalformedHeader, "empty"},
		{"bearer trimmed by net/http", http.Header{"Authorization": {"Bearer"}}, SchemeNone, ReasonMalformedHeader, "empty"},
		{"bearer lower case", http.Header{"Authorization": {"bearer tok"}}, SchemeNone, ReasonMalformedHeader, `scheme "bearer"`},
		{"basic", http.Header{"Authorization": {"Basic dXNlcjpwYXNz"}}, SchemeNone, ReasonMalformedHeader, `unsupported scheme "Basic"`},
		{"old api key, not echoed", http.Header{"Authorization": {"s3cr3t-api-key"}}, SchemeNone, ReasonMalformedHeader, "14 characters, not shown"},
		{"two authorizations", http.Header{"Authorization": {"Bearer a", "Bearer b"}}, SchemeNone, ReasonMalformedHeader, "2 times"},
		{"v1 short key", http.Header{"Authorization": {"abc:" + validV1[65:]}}, SchemeNone, ReasonMalformedHeader, "key id has 3 characters"},
		{"v1 upper-case key", http.Header{"Authorization": {strings.ToUpper(validV1[:64]) + validV1[64:]}}, SchemeNone, ReasonMalformedHeader, "upper-case hex digit"},
		{"v1 short signature", http.Header{"Authorization": {validV1[:190]}}, SchemeNone, ReasonMalformedHeader, "signature has 125 characters"},
		{"v1 non-hex signature", http.Header{"Authorization": {validV1[:100] + "g" + validV1[101:]}}, SchemeNone, ReasonMalformedHeader, `'g' at position 35`},
		{"v1 wrong body", http.Header{"Authorization": {validV1}}, SchemeV1, ReasonBadSignature, "SHA-256 of the 0-byte body (e3b0c442"},
		{"v2 takes precedence over authorization", func() http.Header {
			h := v2(validInput)
			h.Set("Authorization", validV1)
			return h
		}(), SchemeV2, ReasonNone, ""},
		{"v2 empty input", v2(""), SchemeV2, ReasonMalformedHeader, "does not start with encord-sig="},
		{"v2 other label", v2(strings.Replace(validInput, "encord-sig", "sig1", 1)), SchemeV2, ReasonMalformedHeader, `label "sig1"`},
		{"v2 two signatures", v2(validInput + `, sig2=("@method");created=1`), SchemeV2, ReasonMalformedHeader, "unexpected"},
		{"v2 two input headers", http.Header{"Signature-Input": {validInput, validInput}, "Signature": {validSig}, "Content-Digest": {emptyDigest}}, SchemeV2, ReasonMalformedHeader, "2 times"},
		{"v2 no inner list", v2("encord-sig=created=1"), SchemeV2, ReasonMalformedHeader, "covered components"},
		{"v2 unclosed list", v2(`encord-sig=("@method"`), SchemeV2, ReasonMalformedHeader, "not closed"},
		{"v2 extra component", v2(strings.Replace(validInput, `"content-digest")`, `"content-digest" "@authority")`, 1)), SchemeV2, ReasonUnsupportedComponents, `"@authority"`},
		{"v2 expires", v2(strings.Replace(validInput, ";keyid", ";expires=1;keyid", 1)), SchemeV2, ReasonMalformedHeader, `expected ;keyid= but found ";expires=1`},
		{"v2 no created", v2(strings.Replace(validInput, "created=1700000000;", "", 1)), SchemeV2, ReasonMalformedHeader, "expected ;created="},
		{"v2 negative created", v2(strings.Replace(validInput, "=1700000000", "=-1", 1)), SchemeV2, ReasonMalformedHeader, "non-negative integer"},
		{"v2 leading zero", v2(strings.Replace(validInput, "=1700000000", "=01700000000", 1)), SchemeV2, ReasonMalformedHeader, "leading zero"},
		{"v2 huge created", v2(strings.Replace(validInput, "=1700000000", "=99999999999999999999", 1)), SchemeV2, ReasonMalformedHeader, "20 digits"},
		{"v2 unquoted keyid", v2(strings.Replace(validInput, `keyid="`+goldenKeyID+`"`, "keyid="+goldenKeyID, 1)), SchemeV2, ReasonMalformedHeader, `expected ;keyid="`[:15]},
		{"v2 unclosed keyid", v2(`encord-sig=("@method" "@request-target" "content-digest");created=1;keyid="abc`), SchemeV2, ReasonMalformedHeader, "not a closed quoted string"},
		{"v2 short keyid", v2(strings.Replace(validInput, goldenKeyID, goldenKeyID[:62], 1)), SchemeV2, ReasonMalformedHeader, "key id has 62 characters"},
		{"v2 rsa", v2(strings.Replace(validInput, `"ed25519"`, `"rsa-pss-sha512"`, 1)), SchemeV2, ReasonBadAlgorithm, `alg is "rsa-pss-sha512"`},
		{"v2 no alg", v2(strings.Replace(validInput, `;alg="ed25519"`, "", 1)), SchemeV2, ReasonMalformedHeader, "ends before the alg parameter"},
		{"v2 unquoted alg", v2(strings.Replace(validInput, `alg="ed25519"`, `alg=ed25519`, 1)), SchemeV2, ReasonMalformedHeader, "expected ;alg="},
		{"v2 trailing space", v2(validInput + " "), SchemeV2, ReasonMalformedHeader, `unexpected " "`},
		{"v2 signature not base64", func() http.Header {
			h := v2(validInput)
			h.Set("Signature", "encord-sig=:"+strings.Repeat("*", 88)+":")
			return h
		}(), SchemeV2, ReasonMalformedHeader, `'*' at position 0`},
		{"v2 signature short", func() http.Header {
			h := v2(validInput)
			h.Set("Signature", "encord-sig=:AAAA:")
			return h
		}(), SchemeV2, ReasonMalformedHeader, "4 base64 characters"},
		{"v2 signature unpadded", func() http.Header {
			h := v2(validInput)
			h.Set("Signature", strings.Replace(validSig, "==:", ":", 1))
			return h
		}(), SchemeV2, ReasonMalformedHeader, "86 base64 characters"},
		{"v2 signature no closing colon", func() http.Header {
			h := v2(validInput)
			h.Set("Signature", strings.TrimSuffix(validSig, ":"))
			return h
		}(), SchemeV2, ReasonMalformedHeader, "does not end with ':'"},
		{"v2 digest of something else", func() http.Header {
			h := v2(validInput)
			h.Set("Content-Digest", encordsign.ContentDigest([]byte("x")))
			return h
		}(), SchemeV2, ReasonDigestMismatch, "the 0-byte body received hashes to " + emptyDigest},
		{"v2 multiple digests", func() http.Header {
			h := v2(validInput)
			h.Set("Content-Digest", emptyDigest+", sha-512=:AAAA:")
			return h
		}(), SchemeV2, ReasonMalformedHeader, "not of the form"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := pinnedVerifier(1700000030).Verify("GET", "/v2/public/cloud-integrations?includeOrgAccess=False", tc.header, nil)
			if res.Scheme != tc.scheme || res.Reason != tc.want {
				t.Fatalf("got %s/%s (%s), want %s/%s", res.Scheme, res.Reason, res.Message, tc.scheme, tc.want)
			}
			if !strings.Contains(res.Message, tc.message) {
				t.Errorf("message %q does not contain %q", res.Message, tc.message)
			}
			if tc.want != ReasonNone && res.Message == "" {
				t.Error("failure without a message")
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	res := new(Verifier).Verify("GET", "/v2/public/user", http.Header{"Authorization": {"Bearer abc.def"}}, nil)
	if !res.OK() || res.Scheme != SchemeBearer || res.BearerToken != "abc.def" || res.KeyID != "" {
		t.Fatalf("got %+v", res)
	}
	raw, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("abc.def")) {
		t.Errorf("bearer token leaked into JSON: %s", raw)
	}
}

func TestResultJSONAndErr(t *testing.T) {
	g := golden.MustLoad(t)
	v := g.Vectors[1]
	r := goldenRequest(v)
	r.method = "POST"
	res := pinnedVerifier(v.ClientTime).verifyRequest(r)
	raw, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got["scheme"] != "v2" || got["reason"] != "bad_signature" || got["keyId"] != goldenKeyID ||
		got["created"] != float64(v.Created) || !strings.HasPrefix(got["signatureBase"].(string), `"@method": POST`+"\n") {
		t.Errorf("JSON = %s", raw)
	}

	err = res.Err()
	var authErr *Error
	if !errors.As(err, &authErr) || authErr.Reason != ReasonBadSignature || authErr.Message != res.Message {
		t.Errorf("errors.As(%v) = %+v", err, authErr)
	}

	okRaw, _ := json.Marshal(pinnedVerifier(v.ClientTime).verifyRequest(goldenRequest(v)))
	if want := `{"scheme":"v2","keyId":"` + goldenKeyID + `","created":1700000000}`; string(okRaw) != want {
		t.Errorf("success JSON = %s, want %s", okRaw, want)
	}
}

func TestReasonAndSchemeNames(t *testing.T) {
	seen := map[string]bool{}
	for r := ReasonNone; r <= ReasonNonCanonicalSignature; r++ {
		code := r.String()
		if seen[code] || strings.HasPrefix(code, "Reason(") || r.Message() == "" {
			t.Errorf("Reason %d: code %q message %q", r, code, r.Message())
		}
		seen[code] = true
	}
	if got := Reason(200).String(); got != "Reason(200)" {
		t.Errorf("unknown reason = %q", got)
	}
	for s, want := range map[Scheme]string{SchemeNone: "none", SchemeV1: "v1", SchemeV2: "v2", SchemeBearer: "bearer", 9: "Scheme(9)"} {
		if s.String() != want {
			t.Errorf("Scheme(%d) = %q, want %q", s, s.String(), want)
		}
	}
}

func TestDefaultClock(t *testing.T) {
	priv := golden.MustLoad(t).PrivateKey()
	h := make(http.Header)
	encordsign.New(priv).SignV2("GET", "/v2/public/user", nil, time.Now().Add(-encordsign.CreatedOffset).Unix()).Apply(h)
	if res := new(Verifier).Verify("GET", "/v2/public/user", h, nil); !res.OK() {
		t.Errorf("fresh signature rejected with the system clock: %s", res.Message)
	}
}
