// Package encordsign signs HTTP requests exactly as the Encord Python SDK
// (version 0.1.190) does, so that Go programs can talk to Encord, or to an
// emulator of it, with the same Ed25519 keys.
//
// The SDK uses two schemes on the same host:
//
//   - v1, for POST /public and POST /public/user: the Authorization header is
//     "{public key hex}:{signature hex}", an Ed25519 signature over the 32 raw
//     bytes of SHA-256(body). Nothing else is signed.
//   - v2, for /v2/public/...: a fixed profile of RFC 9421 HTTP Message
//     Signatures with the label "encord-sig", covering the method, the raw
//     request target and the Content-Digest header. It sends Content-Digest,
//     Signature-Input and Signature, and no Authorization header.
//
// Every value this package produces is byte for byte what the SDK sends;
// Ed25519 is deterministic, so the same key, body and time give the same
// headers.
package encordsign

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Names and fixed values of the SDK's signing profile.
const (
	// Label is the RFC 9421 signature label of the v2 scheme.
	Label = "encord-sig"
	// CoveredComponents is the inner list of components every v2 signature
	// covers, in this order.
	CoveredComponents = `("@method" "@request-target" "content-digest")`
	// Algorithm is the value of the alg parameter of a v2 signature.
	Algorithm = "ed25519"

	HeaderAuthorization  = "Authorization"
	HeaderContentDigest  = "Content-Digest"
	HeaderSignatureInput = "Signature-Input"
	HeaderSignature      = "Signature"

	// V1Path and V1UserPath are the two endpoints signed with the v1 scheme.
	V1Path     = "/public"
	V1UserPath = "/public/user"
)

// CreatedOffset is how far the SDK backdates the created parameter of a v2
// signature: created is the client's Unix time minus 30 seconds, a workaround
// for clients whose clocks run fast.
const CreatedOffset = 30 * time.Second

// Headers are the three header values of a v2 signature.
type Headers struct {
	ContentDigest  string // Content-Digest
	SignatureInput string // Signature-Input, including the "encord-sig=" label
	Signature      string // Signature, including the "encord-sig=" label
}

// Apply sets the three headers on h, replacing any previous values.
func (hs Headers) Apply(h http.Header) {
	h.Set(HeaderContentDigest, hs.ContentDigest)
	h.Set(HeaderSignatureInput, hs.SignatureInput)
	h.Set(HeaderSignature, hs.Signature)
}

// Signer signs requests with one Ed25519 private key. It is immutable and safe
// for concurrent use.
type Signer struct {
	key   ed25519.PrivateKey
	keyID string
}

// New returns a Signer for priv. It panics if priv is not a valid Ed25519
// private key length, as crypto/ed25519 does.
func New(priv ed25519.PrivateKey) *Signer {
	if len(priv) != ed25519.PrivateKeySize {
		panic("encordsign: bad private key length " + strconv.Itoa(len(priv)))
	}
	pub := priv.Public().(ed25519.PublicKey)
	return &Signer{key: priv, keyID: hex.EncodeToString(pub)}
}

// KeyID returns the key identifier the SDK sends: the lowercase hex of the
// 32-byte public key.
func (s *Signer) KeyID() string { return s.keyID }

// SignV1 returns the v1 Authorization header value for body:
// "{key id}:{lowercase hex of the Ed25519 signature over SHA-256(body)}".
func (s *Signer) SignV1(body []byte) string {
	digest := sha256.Sum256(body)
	return s.keyID + ":" + hex.EncodeToString(ed25519.Sign(s.key, digest[:]))
}

// SignV2 returns the v2 signature headers of a request. method is upper-cased
// (the SDK's HTTP library upper-cases it before signing and sending);
// requestTarget is the path and query exactly as they will appear on the HTTP
// request line, percent-encoding included; created is a Unix time in seconds
// (the SDK passes its clock minus CreatedOffset).
func (s *Signer) SignV2(method, requestTarget string, body []byte, created int64) Headers {
	digest := ContentDigest(body)
	params := SignatureParams(created, s.keyID)
	base := SignatureBase(strings.ToUpper(method), requestTarget, digest, params)
	sig := ed25519.Sign(s.key, []byte(base))
	return Headers{
		ContentDigest:  digest,
		SignatureInput: Label + "=" + params,
		Signature:      Label + "=:" + base64.StdEncoding.EncodeToString(sig) + ":",
	}
}

// SignRequest signs r the way the SDK would at time now, replacing r's body
// with body and removing any credentials r already carried.
//
// Requests to exactly /public or /public/user get a v1 Authorization header;
// every other path gets the v2 headers, with created = now - CreatedOffset and
// the request target taken from r.URL.RequestURI(), which is what net/http
// writes on the request line (it is not, when the request goes through an
// HTTP proxy that needs the absolute form). r.Method is upper-cased.
func (s *Signer) SignRequest(r *http.Request, body []byte, now time.Time) error {
	if r.URL == nil {
		return errors.New("encordsign: request has no URL")
	}
	r.Method = strings.ToUpper(r.Method)
	setBody(r, body)
	if p := r.URL.Path; p == V1Path || p == V1UserPath {
		r.Header.Del(HeaderContentDigest)
		r.Header.Del(HeaderSignatureInput)
		r.Header.Del(HeaderSignature)
		r.Header.Set(HeaderAuthorization, s.SignV1(body))
		return nil
	}
	r.Header.Del(HeaderAuthorization)
	created := now.Add(-CreatedOffset).Unix()
	s.SignV2(r.Method, r.URL.RequestURI(), body, created).Apply(r.Header)
	return nil
}

// setBody makes body the request body, with a GetBody for redirects and
// retries. An empty body is sent as no body at all, as the SDK does.
func setBody(r *http.Request, body []byte) {
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	r.ContentLength = int64(len(body))
	if len(body) == 0 {
		r.Body = http.NoBody
		r.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(body)), nil
	}
}

// ContentDigest returns the Content-Digest header value of body:
// "sha-256=:{standard base64 of SHA-256(body)}:".
func ContentDigest(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}

// SignatureParams returns the v2 signature parameters string, the value of
// Signature-Input after "encord-sig=":
//
//	("@method" "@request-target" "content-digest");created=N;keyid="HEX";alg="ed25519"
func SignatureParams(created int64, keyID string) string {
	return CoveredComponents +
		";created=" + strconv.FormatInt(created, 10) +
		`;keyid="` + keyID + `"` +
		`;alg="` + Algorithm + `"`
}

// SignatureBase returns the RFC 9421 signature base that a v2 signature signs:
// four lines joined by LF, with no trailing newline. params is the signature
// parameters string (see SignatureParams).
func SignatureBase(method, requestTarget, contentDigest, params string) string {
	return `"@method": ` + method +
		"\n" + `"@request-target": ` + requestTarget +
		"\n" + `"content-digest": ` + contentDigest +
		"\n" + `"@signature-params": ` + params
}

// BearerHeader returns the Authorization header value of a bearer token, as
// the SDK's bearer mode sends it.
func BearerHeader(token string) string { return "Bearer " + token }
