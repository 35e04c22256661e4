package encordsign_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/encord-emulator/encord-emulator/internal/golden"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

func TestKeyID(t *testing.T) {
	g := golden.MustLoad(t)
	priv := g.PrivateKey()
	if got := encordsign.New(priv).KeyID(); got != g.Key.PublicKeyHex {
		t.Errorf("KeyID() = %s, want %s", got, g.Key.PublicKeyHex)
	}
}

func TestGoldenVectors(t *testing.T) {
	g := golden.MustLoad(t)
	signer := encordsign.New(g.PrivateKey())
	for _, v := range g.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			body := []byte(v.Body)
			switch v.Scheme {
			case "v1":
				if got, want := signer.SignV1(body), v.ExpectedHeaders["Authorization"]; got != want {
					t.Errorf("SignV1:\n got %s\nwant %s", got, want)
				}
			case "v2":
				digest := encordsign.ContentDigest(body)
				if want := v.ExpectedHeaders["Content-Digest"]; digest != want {
					t.Errorf("ContentDigest = %s, want %s", digest, want)
				}
				params := encordsign.SignatureParams(v.Created, signer.KeyID())
				if want := v.ExpectedHeaders["Signature-Input"]; encordsign.Label+"="+params != want {
					t.Errorf("SignatureParams = %s, want %s", params, want)
				}
				if got := encordsign.SignatureBase(v.Method, v.RequestTarget, digest, params); got != v.SignatureBase {
					t.Errorf("SignatureBase:\n got %q\nwant %q", got, v.SignatureBase)
				}
				got := signer.SignV2(v.Method, v.RequestTarget, body, v.Created)
				want := encordsign.Headers{
					ContentDigest:  v.ExpectedHeaders["Content-Digest"],
					SignatureInput: v.ExpectedHeaders["Signature-Input"],
					Signature:      v.ExpectedHeaders["Signature"],
				}
				if got != want {
					t.Errorf("SignV2:\n got %+v\nwant %+v", got, want)
				}
			default:
				t.Fatalf("unknown scheme %q", v.Scheme)
			}
		})
	}
}

// TestSignRequestGolden signs each vector through SignRequest, with the clock
// the vectors were made with, and checks the request carries exactly the
// golden headers (and no credentials of the other scheme).
func TestSignRequestGolden(t *testing.T) {
	g := golden.MustLoad(t)
	signer := encordsign.New(g.PrivateKey())
	for _, v := range g.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			r, err := http.NewRequest(v.Method, "http://127.0.0.1:8080"+v.RequestTarget, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Stale credentials of both schemes must be replaced.
			r.Header.Set("Authorization", "Bearer stale")
			r.Header.Set("Signature-Input", "stale")
			now := time.Unix(v.ClientTime, 0)
			if v.Scheme == "v1" {
				now = time.Unix(1, 0) // v1 signs no time
			}
			if err := signer.SignRequest(r, []byte(v.Body), now); err != nil {
				t.Fatal(err)
			}
			for name, want := range v.ExpectedHeaders {
				if got := r.Header.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			stale := []string{"Authorization"}
			if v.Scheme == "v1" {
				stale = []string{"Content-Digest", "Signature-Input", "Signature"}
			}
			for _, name := range stale {
				if _, ok := r.Header[name]; ok {
					t.Errorf("%s still set after signing with %s", name, v.Scheme)
				}
			}
			gotBody, err := io.ReadAll(r.Body)
			if err != nil {
				t.Fatal(err)
			}
			if string(gotBody) != v.Body || r.ContentLength != int64(len(v.Body)) {
				t.Errorf("body = %q (ContentLength %d), want %q", gotBody, r.ContentLength, v.Body)
			}
		})
	}
}

// TestSignRequestRawTarget checks that the signed @request-target is what the
// Go client puts on the request line, percent-encoding and '+' included, by
// comparing with the RequestURI a real server receives.
func TestSignRequestRawTarget(t *testing.T) {
	signer := encordsign.New(golden.MustLoad(t).PrivateKey())
	targets := []string{
		"/v2/public/projects?title=a%20b+c&includeOrgAccess=True",
		"/v2/public/storage/folders/a%2Fb/items?x=%C3%A9",
		"/v2/public/user/bearer-token",
	}
	received := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received <- r.RequestURI + "\n" + r.Header.Get("Signature-Input")
	}))
	defer srv.Close()
	now := time.Unix(1700000030, 0)
	for _, target := range targets {
		r, err := http.NewRequest(http.MethodGet, srv.URL+target, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := signer.SignRequest(r, nil, now); err != nil {
			t.Fatal(err)
		}
		want := signer.SignV2("GET", target, nil, 1700000000)
		if got := r.Header.Get("Signature"); got != want.Signature {
			t.Errorf("%s: Signature = %s, want %s", target, got, want.Signature)
		}
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got, wantLine := <-received, target+"\n"+want.SignatureInput; got != wantLine {
			t.Errorf("server received %q, want %q", got, wantLine)
		}
	}
}

func TestSignV2UpperCasesMethod(t *testing.T) {
	signer := encordsign.New(golden.MustLoad(t).PrivateKey())
	lower := signer.SignV2("post", "/v2/public/datasets", []byte("{}"), 5)
	upper := signer.SignV2("POST", "/v2/public/datasets", []byte("{}"), 5)
	if lower != upper {
		t.Errorf("SignV2(post) = %+v, SignV2(POST) = %+v", lower, upper)
	}
	r := httptest.NewRequest("post", "/v2/public/datasets", nil)
	if err := signer.SignRequest(r, []byte("{}"), time.Unix(35, 0)); err != nil {
		t.Fatal(err)
	}
	if r.Method != "POST" || r.Header.Get("Signature") != upper.Signature {
		t.Errorf("SignRequest: method %q, Signature %q; want POST, %q", r.Method, r.Header.Get("Signature"), upper.Signature)
	}
}

func TestBearerHeader(t *testing.T) {
	if got := encordsign.BearerHeader("tok-123"); got != "Bearer tok-123" {
		t.Errorf("BearerHeader = %q", got)
	}
}

func TestParsePrivateKey(t *testing.T) {
	g := golden.MustLoad(t)
	priv := g.PrivateKey()
	got, err := encordsign.ParsePrivateKey([]byte(g.Key.PrivateKeyOpenSSH))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(priv) {
		t.Error("golden OpenSSH key does not match the golden seed")
	}

	encrypted, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecBlock, err := ssh.MarshalPrivateKey(ecKey, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		pem  []byte
		want error
	}{
		{"passphrase", pem.EncodeToMemory(encrypted), encordsign.ErrPassphraseProtected},
		{"pkcs8", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), encordsign.ErrNotOpenSSH},
		{"ecdsa", pem.EncodeToMemory(ecBlock), encordsign.ErrNotEd25519},
		{"public key line", []byte(g.Key.PublicKeyOpenSSH), encordsign.ErrNotOpenSSH},
		{"empty", nil, encordsign.ErrNotOpenSSH},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := encordsign.ParsePrivateKey(tc.pem)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestNewRejectsBadKeyLength(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New accepted a 32-byte key")
		}
	}()
	encordsign.New(make(ed25519.PrivateKey, 32))
}

func ExampleSigner_SignRequest() {
	seed := make([]byte, ed25519.SeedSize) // use a real key: ParsePrivateKey
	signer := encordsign.New(ed25519.NewKeyFromSeed(seed))
	r, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:8080/v2/public/user/bearer-token", nil)
	_ = signer.SignRequest(r, nil, time.Now())
	// r now carries Content-Digest, Signature-Input and Signature.
}
