package auth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/defaults"
	"github.com/encord-emulator/encord-emulator/internal/golden"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// TestDecodeTargetAsSDK0127 pins the decoder to Python's
// urllib.parse.unquote: every expected value was printed by Python 3.11 for
// the input beside it. (A run over 60,000 random strings of escapes, hex
// digits, '%' and non-ASCII characters found no difference either.)
func TestDecodeTargetAsSDK0127(t *testing.T) {
	for _, tc := range []struct{ target, python string }{
		// list_storage_folders(search="a/b ü&c"): requests writes the
		// space as '+', which unquote leaves alone.
		{"/v2/public/storage/folders?search=a%2Fb+%C3%BC%26c&pageSize=100", "/v2/public/storage/folders?search=a/b+ü&c&pageSize=100"},
		{"/v2/public/datasets/%41%42", "/v2/public/datasets/AB"},
		{"%41%62", "Ab"},
		{"%4", "%4"},
		{"%", "%"},
		{"%%", "%%"},
		{"%%41", "%A"},
		{"%zz", "%zz"},
		{"%4g", "%4g"},
		{"%e2%82%ac", "€"},
		{"%E2%82%AC", "€"},
		// Ill-formed UTF-8: one U+FFFD per maximal subpart.
		{"%E2%82", "\uFFFD"},
		{"%E2%82A", "\uFFFDA"},
		{"%C0%AF", "\uFFFD\uFFFD"},
		{"%ED%A0%80", "\uFFFD\uFFFD\uFFFD"},
		{"%F4%90%80%80", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"%F0%9F%98", "\uFFFD"},
		{"%F0%9F%98%80", "😀"},
		{"%FF", "\uFFFD"},
		{"%80%80", "\uFFFD\uFFFD"},
		{"%EF%BF%BD", "\uFFFD"},
		{"%00", "\x00"},
		{"%0A", "\x0a"},
		// One pass only.
		{"/a%2520b", "/a%20b"},
		{"/x?q=%E2%82%AC%2B+&r=%3D", "/x?q=€++&r=="},
		// Characters outside ASCII are kept, and split the escapes around
		// them into runs decoded apart.
		{"é%41", "éA"},
		{"%C3é%A9", "\uFFFDé\uFFFD"},
	} {
		got, differs := decodeTargetAsSDK0127(tc.target)
		if got != tc.python {
			t.Errorf("decode(%q) = %q, Python says %q", tc.target, got, tc.python)
		}
		if differs != (tc.python != tc.target) {
			t.Errorf("decode(%q): differs = %v", tc.target, differs)
		}
	}
	for _, target := range []string{"", "/v2/public/user", "/v2/public/projects?title=a+b"} {
		if got, differs := decodeTargetAsSDK0127(target); got != target || differs {
			t.Errorf("decode(%q) = %q, %v; want it unchanged", target, got, differs)
		}
	}
}

// sdk0127Request is a v2 request for target signed by the golden key the
// way SDK 0.1.127 signs it: over signedTarget (the decoded target), while the
// request line carries target.
func sdk0127Request(t *testing.T, method, target, signedTarget, body string, created int64) request {
	t.Helper()
	h := make(http.Header)
	encordsign.New(golden.MustLoad(t).PrivateKey()).SignV2(method, signedTarget, []byte(body), created).Apply(h)
	return request{method: method, target: target, header: h, body: []byte(body)}
}

func TestDecodedTargetOfSDK0127Accepted(t *testing.T) {
	const created = 1800000000
	verifier := pinnedVerifier(created + 30)
	for _, tc := range []struct{ method, target, body string }{
		{"GET", "/v2/public/storage/folders?search=a%2Fb+%C3%BC%26c&pageSize=100", ""},
		{"GET", "/v2/public/datasets?titleLike=caf%C3%A9%25", ""},
		{"POST", "/v2/public/storage/folders/a%20b", `{"name": "x"}`},
		{"GET", "/v2/public/x?bad=%E2%82", ""},
	} {
		t.Run(tc.target, func(t *testing.T) {
			decoded, differs := decodeTargetAsSDK0127(tc.target)
			if !differs {
				t.Fatalf("%q decodes to itself", tc.target)
			}
			res := verifier.verifyRequest(sdk0127Request(t, tc.method, tc.target, decoded, tc.body, created))
			if !res.OK() || !res.DecodedTarget || res.Scheme != SchemeV2 || res.KeyID != goldenKeyID {
				t.Fatalf("signature over the decoded target: %+v", res)
			}
			raw, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(raw), `"decodedTarget":true`) {
				t.Errorf("the journal cannot tell the decoded target verified: %s", raw)
			}

			// Every other release signs the raw target: accepted, and not
			// marked as decoded.
			res = verifier.verifyRequest(sdk0127Request(t, tc.method, tc.target, tc.target, tc.body, created))
			if !res.OK() || res.DecodedTarget {
				t.Fatalf("signature over the raw target: %+v", res)
			}
			if raw, _ := json.Marshal(res); strings.Contains(string(raw), "decodedTarget") {
				t.Errorf("raw target marked in the journal: %s", raw)
			}
		})
	}
}

func TestDecodedTargetFallbackIsNarrow(t *testing.T) {
	const created = 1800000000
	verifier := pinnedVerifier(created + 30)
	const target = "/v2/public/storage/folders?search=a%2Fb+%C3%BC%26c"
	decoded, _ := decodeTargetAsSDK0127(target)
	for _, tc := range []struct {
		name         string
		target       string // on the request line
		signedTarget string // in the signature base
	}{
		{"another path", target, strings.Replace(decoded, "folders", "datasets", 1)},
		{"plus as space (unquote_plus, not unquote)", target, strings.Replace(decoded, "+", " ", 1)},
		{"decoded twice", "/v2/public/x?q=%2541", "/v2/public/x?q=A"},
		{"decoded target of another request line", "/v2/public/x?q=%41", "/v2/public/x?q=B"},
		{"target without escape", "/v2/public/x?q=A", "/v2/public/x?q=B"},
		{"raw signed, decoded sent", decoded, target},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := verifier.verifyRequest(sdk0127Request(t, "GET", tc.target, tc.signedTarget, "", created))
			if res.Reason != ReasonBadSignature || res.DecodedTarget {
				t.Fatalf("got %s (decoded %v), want bad_signature", res.Reason, res.DecodedTarget)
			}
			if tried := strings.Contains(res.Message, "percent-decoded target"); tried != strings.Contains(tc.target, "%") {
				t.Errorf("message %q: decoded target tried = %v", res.Message, tried)
			}
			// The base shown is the one of the raw target, which every
			// release but 0.1.127 signs.
			if !strings.Contains(res.SignatureBase, "\n\"@request-target\": "+tc.target+"\n") {
				t.Errorf("SignatureBase %q does not hold the raw target %q", res.SignatureBase, tc.target)
			}
		})
	}
}

// The decoded target is a second try of the signature, not a way around the
// other checks: a weak key, a changed body or a stale created still fail.
func TestDecodedTargetKeepsOtherChecks(t *testing.T) {
	const created = 1800000000
	const target = "/v2/public/x?q=%C3%A9"
	decoded, _ := decodeTargetAsSDK0127(target)

	r := sdk0127Request(t, "GET", target, decoded, "", created)
	if res := pinnedVerifier(created + 30 + int64(defaults.SignatureMaxAge/time.Second)).verifyRequest(r); res.Reason != ReasonCreatedTooOld {
		t.Errorf("stale: got %s, want created_too_old", res.Reason)
	}
	r = sdk0127Request(t, "POST", target, decoded, "{}", created)
	r.body = []byte("[]")
	if res := pinnedVerifier(created).verifyRequest(r); res.Reason != ReasonDigestMismatch {
		t.Errorf("changed body: got %s, want digest_mismatch", res.Reason)
	}
}

// TestDecodedTargetOverHTTP sends the percent-encoded target through a real
// server, so the request target is what net/http hands over in RequestURI.
func TestDecodedTargetOverHTTP(t *testing.T) {
	const created = 1800000000
	verifier := pinnedVerifier(created + 30)
	results := make(chan Result, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		results <- verifier.VerifyRequest(r, nil)
	}))
	defer srv.Close()

	const target = "/v2/public/storage/folders?search=a%2Fb+%C3%BC%26c&pageSize=100"
	decoded, _ := decodeTargetAsSDK0127(target)
	req, err := http.NewRequest("GET", srv.URL+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	encordsign.New(golden.MustLoad(t).PrivateKey()).SignV2("GET", decoded, nil, created).Apply(req.Header)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if res := <-results; !res.OK() || !res.DecodedTarget {
		t.Fatalf("0.1.127 request over HTTP: %+v", res)
	}
}
