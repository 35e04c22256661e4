package auth

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

const (
	keyIDLen        = 2 * ed25519.PublicKeySize // 64 hex characters
	v1SignatureLen  = 2 * ed25519.SignatureSize // 128 hex characters
	v1AuthorizeLen  = keyIDLen + 1 + v1SignatureLen
	v1ExpectedShape = `"{64 lowercase hex key id}:{128 lowercase hex signature}"`
)

// parseV1Authorization decodes an Authorization value of the exact v1 shape
// ^[0-9a-f]{64}:[0-9a-f]{128}$. ok is false for any other value.
func parseV1Authorization(value string) (key [ed25519.PublicKeySize]byte, sig [ed25519.SignatureSize]byte, ok bool) {
	if len(value) != v1AuthorizeLen || value[keyIDLen] != ':' {
		return key, sig, false
	}
	if !decodeLowerHex(key[:], value[:keyIDLen]) || !decodeLowerHex(sig[:], value[keyIDLen+1:]) {
		return key, sig, false
	}
	return key, sig, true
}

// verifyV1 checks an Ed25519 signature over the 32 raw bytes of SHA-256(body).
func (v *Verifier) verifyV1(keyID string, key *[ed25519.PublicKeySize]byte, sig *[ed25519.SignatureSize]byte, body []byte) Result {
	res := Result{Scheme: SchemeV1, KeyID: keyID}
	minusA, s, err := v.checkKeyAndSignature(keyID, key, sig)
	if err != nil {
		return res.fail(err)
	}
	digest := sha256.Sum256(body)
	if !verifyEd25519(minusA, s, key, digest[:], sig) {
		return res.fail(errorf(ReasonBadSignature,
			"the v1 signature does not verify for key %s over SHA-256 of the %d-byte body (%s); the client must sign the exact bytes it sends",
			keyID, len(body), hex.EncodeToString(digest[:])))
	}
	return res
}

// diagnoseAuthorization explains why an Authorization value is neither a
// bearer token nor a v1 signature. It never echoes the value itself, which may
// be a secret of some other scheme; it shows only key ids and positions.
func diagnoseAuthorization(value string) *Error {
	if value == strings.TrimSpace(bearerPrefix) {
		return errorf(ReasonMalformedHeader, `the bearer token is empty: Authorization is "Bearer" with nothing after it`)
	}
	if scheme, _, found := strings.Cut(value, " "); found {
		if strings.EqualFold(scheme, "Bearer") {
			return errorf(ReasonMalformedHeader, `Authorization uses the scheme %q; a bearer token must be sent as "Bearer {token}" (case-sensitive)`, scheme)
		}
		if isSchemeName(scheme) {
			return errorf(ReasonMalformedHeader,
				`Authorization uses the unsupported scheme %q; expected "Bearer {token}" or a v1 signature %s`,
				scheme, v1ExpectedShape)
		}
		return errorf(ReasonMalformedHeader,
			`Authorization (%d characters, not shown) is neither "Bearer {token}" nor a v1 signature %s`,
			len(value), v1ExpectedShape)
	}
	keyID, sig, found := strings.Cut(value, ":")
	if !found {
		return errorf(ReasonMalformedHeader,
			`Authorization (%d characters, not shown) is neither "Bearer {token}" nor a v1 signature %s`,
			len(value), v1ExpectedShape)
	}
	if err := checkKeyID(keyID); err != "" {
		return errorf(ReasonMalformedHeader, "v1 Authorization: %s", err)
	}
	if len(sig) != v1SignatureLen {
		return errorf(ReasonMalformedHeader,
			"v1 Authorization for key %s: the signature has %d characters; it must be %d lowercase hex characters (64 bytes)",
			keyID, len(sig), v1SignatureLen)
	}
	if i, c := firstNonLowerHex(sig); i >= 0 {
		return errorf(ReasonMalformedHeader,
			"v1 Authorization for key %s: the signature has %q at position %d; it must be lowercase hex",
			keyID, c, i)
	}
	// Unreachable for values parseV1Authorization rejects, kept as a safe
	// default.
	return errorf(ReasonMalformedHeader, "Authorization is not a v1 signature %s", v1ExpectedShape)
}

// isSchemeName reports whether s looks like an authentication scheme name
// (Basic, Digest, Token, ...), short and harmless to echo in a message.
func isSchemeName(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// checkKeyID returns "" if keyID is 64 lowercase hex characters, and otherwise
// what is wrong with it.
func checkKeyID(keyID string) string {
	if len(keyID) != keyIDLen {
		return fmt.Sprintf("the key id has %d characters; it must be the %d lowercase hex characters of the Ed25519 public key",
			len(keyID), keyIDLen)
	}
	i, c := firstNonLowerHex(keyID)
	switch {
	case i < 0:
		return ""
	case 'A' <= c && c <= 'F':
		return fmt.Sprintf("the key id has the upper-case hex digit %q at position %d; key ids are lowercase hex, as the SDK sends them", c, i)
	default:
		return fmt.Sprintf("the key id has %q at position %d, which is not a hex digit", c, i)
	}
}

// firstNonLowerHex returns the index and value of the first byte of s that is
// not in [0-9a-f], or -1.
func firstNonLowerHex(s string) (int, byte) {
	for i := 0; i < len(s); i++ {
		if _, ok := lowerHexValue(s[i]); !ok {
			return i, s[i]
		}
	}
	return -1, 0
}

// decodeLowerHex decodes s, which must be exactly 2*len(dst) characters of
// [0-9a-f], into dst. It reports false otherwise. Unlike encoding/hex it
// rejects upper case and needs no []byte copy of s.
func decodeLowerHex(dst []byte, s string) bool {
	if len(s) != 2*len(dst) {
		return false
	}
	for i := range dst {
		hi, ok1 := lowerHexValue(s[2*i])
		lo, ok2 := lowerHexValue(s[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func lowerHexValue(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

func errorf(reason Reason, format string, args ...any) *Error {
	return &Error{Reason: reason, Message: fmt.Sprintf(format, args...)}
}
