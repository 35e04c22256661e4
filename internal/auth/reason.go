package auth

import "fmt"

// Scheme is the credential scheme a request used, decided from the headers
// alone (docs/sdk-protocol.md, Dispatch).
type Scheme uint8

const (
	SchemeNone   Scheme = iota // no recognisable credentials
	SchemeV1                   // Authorization: {key hex}:{signature hex}
	SchemeV2                   // Signature-Input / Signature / Content-Digest
	SchemeBearer               // Authorization: Bearer {token}
)

var schemeNames = [...]string{
	SchemeNone:   "none",
	SchemeV1:     "v1",
	SchemeV2:     "v2",
	SchemeBearer: "bearer",
}

// String returns "none", "v1", "v2" or "bearer".
func (s Scheme) String() string {
	if int(s) < len(schemeNames) {
		return schemeNames[s]
	}
	return fmt.Sprintf("Scheme(%d)", uint8(s))
}

// MarshalText encodes s as its String, so JSON shows "v2" rather than 2.
func (s Scheme) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Reason says why verification failed. The zero Reason, ReasonNone, means it
// did not. Every failure is an authentication failure (HTTP 401 or the v1
// AUTHENTICATION_ERROR); the Reason tells the journal which one.
type Reason uint8

const (
	// ReasonNone: the credentials are valid.
	ReasonNone Reason = iota
	// ReasonNoCredentials: no Signature-Input and no (or an empty)
	// Authorization header.
	ReasonNoCredentials
	// ReasonMissingHeader: some but not all of the v2 headers are present.
	ReasonMissingHeader
	// ReasonMalformedHeader: a header does not have the exact shape the SDK
	// sends (wrong label, parameters, key id encoding, base64, repeated
	// header, empty bearer token, unrecognised Authorization value, ...).
	ReasonMalformedHeader
	// ReasonUnsupportedComponents: a v2 signature covers components other
	// than ("@method" "@request-target" "content-digest") in that order.
	ReasonUnsupportedComponents
	// ReasonBadAlgorithm: a v2 signature declares an alg other than ed25519.
	ReasonBadAlgorithm
	// ReasonDigestMismatch: Content-Digest does not match the received body.
	ReasonDigestMismatch
	// ReasonBadSignature: the Ed25519 signature does not verify for the key
	// id it names.
	ReasonBadSignature
	// ReasonCreatedTooOld: a valid v2 signature whose created parameter lies
	// further in the past than the window allows.
	ReasonCreatedTooOld
	// ReasonCreatedInFuture: a valid v2 signature whose created parameter lies
	// further in the future than the window allows.
	ReasonCreatedInFuture
	// ReasonWeakKey: the key id (v1 or v2) is no public key a key generator
	// makes: bytes that are no curve point, a small-order point such as the
	// identity (for which anyone can forge signatures), or a non-canonical
	// encoding. No signature by it is accepted, even when stored as a key.
	ReasonWeakKey
	// ReasonNonCanonicalSignature: the signature is not in the one canonical
	// form Ed25519 signers write: its S half is not reduced modulo the group
	// order, or its R half is a non-canonical point encoding.
	ReasonNonCanonicalSignature
)

var reasonInfo = [...]struct{ code, summary string }{
	ReasonNone:                  {"none", "credentials are valid"},
	ReasonNoCredentials:         {"no_credentials", "the request carries no credentials"},
	ReasonMissingHeader:         {"missing_header", "a v2 signature header is missing"},
	ReasonMalformedHeader:       {"malformed_header", "an authentication header is malformed"},
	ReasonUnsupportedComponents: {"unsupported_components", "the v2 signature covers unsupported components"},
	ReasonBadAlgorithm:          {"bad_algorithm", "the v2 signature algorithm is not ed25519"},
	ReasonDigestMismatch:        {"digest_mismatch", "Content-Digest does not match the request body"},
	ReasonBadSignature:          {"bad_signature", "the signature does not verify"},
	ReasonCreatedTooOld:         {"created_too_old", "the v2 signature was created too long ago"},
	ReasonCreatedInFuture:       {"created_in_future", "the v2 signature was created in the future"},
	ReasonWeakKey:               {"weak_key", "the key id is not a usable Ed25519 public key"},
	ReasonNonCanonicalSignature: {"non_canonical_signature", "the signature is not canonically encoded"},
}

// String returns a stable snake_case code such as "bad_signature", suitable
// for logs, metrics and JSON.
func (r Reason) String() string {
	if int(r) < len(reasonInfo) {
		return reasonInfo[r].code
	}
	return fmt.Sprintf("Reason(%d)", uint8(r))
}

// Message returns a one-line generic description of r. Result.Message holds
// the precise one for a given request.
func (r Reason) Message() string {
	if int(r) < len(reasonInfo) {
		return reasonInfo[r].summary
	}
	return r.String()
}

// MarshalText encodes r as its String code.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// Error is a failed verification as an error, for callers that log or wrap
// it; errors.As recovers the Reason.
type Error struct {
	Reason  Reason
	Message string
}

func (e *Error) Error() string { return e.Reason.String() + ": " + e.Message }
