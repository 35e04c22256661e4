// Package auth verifies the credentials the Encord SDK sends: v1 and v2
// Ed25519 request signatures and bearer tokens
// (docs/sdk-protocol.md, v1 signing; v2 signing; Bearer tokens).
//
// It is pure: it looks nothing up. A successful Result names the key id that
// signed the request (lowercase hex of the Ed25519 public key) or the bearer
// token presented; the caller resolves either to a principal and decides
// whether that key or token is still live.
//
// Dispatch follows docs/sdk-protocol.md, Dispatch, on headers only:
//
//  1. a Signature-Input header → v2;
//  2. otherwise Authorization "Bearer {token}" → bearer;
//  3. otherwise Authorization "{64 lowercase hex}:{128 lowercase hex}" → v1;
//  4. otherwise the request is unauthenticated (ReasonNoCredentials) or its
//     Authorization is malformed (ReasonMalformedHeader).
//
// A v2 request is checked in this order, and the first failure is reported:
// header syntax (label, covered components, parameters, alg, key id,
// signature encoding), then Content-Digest against the body, then the
// signature, then the created window. So a forged or corrupted request is
// reported as such even when it is also old, and a signature over a base the
// client built differently is reported with the base the server computed.
//
// @method is the method exactly as received, not case-folded: the SDK always
// sends and signs it in upper case.
//
// Upper-case hex key ids are rejected as malformed, in v1 and v2: the SDK
// always sends lowercase, and accepting one spelling only keeps a key id a
// single string everywhere (journal, store, signature base).
package auth

import (
	"net/http"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/defaults"
)

// Header names, in their canonical form. Header maps passed to Verify must
// be canonicalised, as the ones net/http hands to a server are.
const (
	headerAuthorization  = "Authorization"
	headerContentDigest  = "Content-Digest"
	headerSignatureInput = "Signature-Input"
	headerSignature      = "Signature"

	bearerPrefix = "Bearer "
)

// Window bounds the created parameter of a v2 signature: it is accepted when
// now-Past <= created <= now+Future, in whole seconds (durations are
// truncated to seconds). The zero Window means the defaults.
type Window struct {
	Past   time.Duration
	Future time.Duration
}

// Verifier verifies SDK credentials. The zero value is ready to use with the
// default window and the system clock. A Verifier is safe for concurrent use
// as long as its fields are not changed; it must not be copied after first
// use (it remembers the keys it decoded).
type Verifier struct {
	// Window is the accepted range of v2 created values; zero means
	// {defaults.SignatureMaxAge, defaults.SignatureMaxFuture}.
	Window Window
	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	points keyPoints
}

// Result is the outcome of a verification. It is designed to be journaled
// as JSON as is: the bearer token is never marshalled.
type Result struct {
	// Scheme is the scheme the request was dispatched to, also on failure.
	Scheme Scheme `json:"scheme"`
	// KeyID is the key id the request claims (v1 and v2), set as soon as it
	// could be parsed. It is authenticated only when OK reports true.
	KeyID string `json:"keyId,omitempty"`
	// BearerToken is the token of a bearer request. The caller must look it
	// up; it is not validated beyond being non-empty.
	BearerToken string `json:"-"`
	// Created is the created parameter of a v2 signature, once parsed.
	Created int64 `json:"created,omitempty"`
	// Reason is ReasonNone on success.
	Reason Reason `json:"reason,omitempty"`
	// Message says precisely what was wrong, for the client and the journal.
	// It never contains a secret (bearer tokens and unrecognised Authorization
	// values are not echoed).
	Message string `json:"message,omitempty"`
	// SignatureBase is set when a v2 signature does not verify: the exact
	// bytes the server expected to be signed, to compare with the client's.
	SignatureBase string `json:"signatureBase,omitempty"`
	// DecodedTarget reports that a v2 signature verified over the
	// percent-decoded request target, as SDK release 0.1.127 signs it, and
	// not over the target as sent, which every other release signs.
	DecodedTarget bool `json:"decodedTarget,omitempty"`
}

// OK reports whether the credentials are valid.
func (r Result) OK() bool { return r.Reason == ReasonNone }

// Err returns nil on success and otherwise an *Error.
func (r Result) Err() error {
	if r.OK() {
		return nil
	}
	return &Error{Reason: r.Reason, Message: r.Message}
}

func (r Result) fail(err *Error) Result {
	r.Reason = err.Reason
	r.Message = err.Message
	return r
}

// VerifyRequest verifies the credentials of a request received by a server.
// body must be the complete raw body, read before verification; the same
// bytes are what the handler should use. The v2 request target is
// r.RequestURI, exactly as on the request line (never r.URL, which routers
// may rewrite), so r must be a server request.
func (v *Verifier) VerifyRequest(r *http.Request, body []byte) Result {
	return v.Verify(r.Method, r.RequestURI, r.Header, body)
}

// Verify verifies the credentials in header for a request with the given
// method (as received), raw request target (path and query exactly as on the
// request line) and raw body.
func (v *Verifier) Verify(method, requestURI string, header http.Header, body []byte) Result {
	if sigInput, ok := header[headerSignatureInput]; ok {
		return v.verifyV2(method, requestURI, sigInput, header, body)
	}

	authz := header[headerAuthorization]
	if len(authz) == 0 || (len(authz) == 1 && authz[0] == "") {
		res := Result{Scheme: SchemeNone}
		if _, ok := header[headerSignature]; ok {
			return res.fail(errorf(ReasonMissingHeader,
				"a Signature header is present but Signature-Input is missing; a v2 request needs Content-Digest, Signature-Input and Signature"))
		}
		return res.fail(errorf(ReasonNoCredentials,
			"the request has no Authorization and no Signature-Input header"))
	}
	if len(authz) > 1 {
		return Result{Scheme: SchemeNone}.fail(errorf(ReasonMalformedHeader,
			"the Authorization header appears %d times; send it once", len(authz)))
	}

	value := authz[0]
	if token, ok := strings.CutPrefix(value, bearerPrefix); ok {
		res := Result{Scheme: SchemeBearer}
		if token == "" {
			return res.fail(errorf(ReasonMalformedHeader, `the bearer token is empty: Authorization is "Bearer " with nothing after it`))
		}
		res.BearerToken = token
		return res
	}
	if key, sig, ok := parseV1Authorization(value); ok {
		return v.verifyV1(value[:keyIDLen], &key, &sig, body)
	}
	return Result{Scheme: SchemeNone}.fail(diagnoseAuthorization(value))
}

// window returns the accepted window in whole seconds.
func (v *Verifier) window() (past, future int64) {
	w := v.Window
	if w == (Window{}) {
		w = Window{Past: defaults.SignatureMaxAge, Future: defaults.SignatureMaxFuture}
	}
	return int64(w.Past / time.Second), int64(w.Future / time.Second)
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}
