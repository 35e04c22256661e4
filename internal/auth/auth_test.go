package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/golden"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

func TestGoldenVectorsAccepted(t *testing.T) {
	g := golden.MustLoad(t)
	for _, v := range g.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			res := pinnedVerifier(v.ClientTime).verifyRequest(goldenRequest(v))
			if !res.OK() {
				t.Fatalf("rejected: %s: %s\nbase: %s", res.Reason, res.Message, res.SignatureBase)
			}
			if res.Scheme.String() != v.Scheme {
				t.Errorf("Scheme = %s, want %s", res.Scheme, v.Scheme)
			}
			if res.KeyID != g.Key.PublicKeyHex {
				t.Errorf("KeyID = %s, want %s", res.KeyID, g.Key.PublicKeyHex)
			}
			if res.Created != v.Created {
				t.Errorf("Created = %d, want %d", res.Created, v.Created)
			}
			if res.Message != "" || res.SignatureBase != "" || res.Err() != nil {
				t.Errorf("success carries failure details: %+v", res)
			}
		})
	}
}

// TestGoldenVectorsOverHTTP sends each vector through a real Go client and
// server and verifies it with VerifyRequest, so the request target is the
// RequestURI net/http produces.
func TestGoldenVectorsOverHTTP(t *testing.T) {
	g := golden.MustLoad(t)
	for _, v := range g.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			results := make(chan Result, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, err := io.ReadAll(r.Body)
				if err != nil {
					t.Error(err)
				}
				results <- pinnedVerifier(v.ClientTime).VerifyRequest(r, body)
			}))
			defer srv.Close()
			var body io.Reader
			if v.Body != "" {
				body = strings.NewReader(v.Body)
			}
			r, err := http.NewRequest(v.Method, srv.URL+v.RequestTarget, body)
			if err != nil {
				t.Fatal(err)
			}
			for name, value := range v.ExpectedHeaders {
				r.Header.Set(name, value)
			}
			resp, err := srv.Client().Do(r)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if res := <-results; !res.OK() {
				t.Fatalf("rejected over HTTP: %s: %s\nbase: %s", res.Reason, res.Message, res.SignatureBase)
			}
		})
	}
}

// TestSignedByEncordsign checks that what pkg/encordsign produces for paths
// the vectors do not cover (percent-encoding, '+', bodies with non-ASCII
// escapes, every method) passes through a real client and server.
func TestSignedByEncordsign(t *testing.T) {
	priv := golden.MustLoad(t).PrivateKey()
	signer := encordsign.New(priv)
	now := time.Unix(1800000000, 0)
	verifier := pinnedVerifier(now.Unix())
	results := make(chan Result, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		results <- verifier.VerifyRequest(r, body)
	}))
	defer srv.Close()
	for _, tc := range []struct{ method, target, body string }{
		{"GET", "/v2/public/projects?title=a%20b+c&includeOrgAccess=True", ""},
		{"GET", "/v2/public/storage/folders/a%2Fb/items?q=%C3%A9", ""},
		{"POST", "/v2/public/datasets", `{"title": "caf\u00e9"}`},
		{"PUT", "/v2/public/x", `{}`},
		{"PATCH", "/v2/public/x", `{"a": 1}`},
		{"DELETE", "/v2/public/x/1", ""},
		{"POST", "/v2/public/empty", ""},
		{"POST", "/public", `{"query_type": "dataset"}`},
		{"POST", "/public/user", `{"query_type": "projectwithuserrole"}`},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			r, err := http.NewRequest(tc.method, srv.URL+tc.target, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := signer.SignRequest(r, []byte(tc.body), now); err != nil {
				t.Fatal(err)
			}
			resp, err := srv.Client().Do(r)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			res := <-results
			if !res.OK() {
				t.Fatalf("rejected: %s: %s\nbase: %s", res.Reason, res.Message, res.SignatureBase)
			}
			if res.KeyID != signer.KeyID() {
				t.Errorf("KeyID = %s, want %s", res.KeyID, signer.KeyID())
			}
			wantScheme := SchemeV2
			if strings.HasPrefix(tc.target, "/public") {
				wantScheme = SchemeV1
			}
			if res.Scheme != wantScheme {
				t.Errorf("Scheme = %s, want %s", res.Scheme, wantScheme)
			}
		})
	}
}

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
