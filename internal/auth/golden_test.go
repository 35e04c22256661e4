package auth

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/golden"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// request is everything Verify looks at.
type request struct {
	method string
	target string
	header http.Header
	body   []byte
}

// goldenRequest is the request the SDK sent for v.
func goldenRequest(v golden.Vector) request {
	h := make(http.Header)
	for name, value := range v.SentHeaders() {
		h.Set(name, value)
	}
	return request{method: v.Method, target: v.RequestTarget, header: h, body: []byte(v.Body)}
}

func (r request) clone() request {
	return request{method: r.method, target: r.target, header: r.header.Clone(), body: append([]byte(nil), r.body...)}
}

func (v *Verifier) verifyRequest(r request) Result {
	return v.Verify(r.method, r.target, r.header, r.body)
}

// pinnedVerifier returns a Verifier whose clock reads unix. Golden vectors
// want pinnedVerifier(v.ClientTime) (v1 vectors have no client time; v1
// checks no time).
func pinnedVerifier(unix int64) *Verifier {
	now := time.Unix(unix, 0)
	return &Verifier{Now: func() time.Time { return now }}
}

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
