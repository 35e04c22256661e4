package auth

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
)

// The fixed v2 profile of the SDK (docs/sdk-protocol.md, v2 signing).
const (
	signatureLabel      = "encord-sig"
	signatureInputLabel = signatureLabel + "="
	signatureLabelOpen  = signatureLabel + "=:"
	coveredComponents   = `("@method" "@request-target" "content-digest")`
	algorithm           = "ed25519"
	contentDigestPrefix = "sha-256=:"

	// maxCreatedDigits is the RFC 8941 limit on integers; it also keeps
	// created far from int64 overflow.
	maxCreatedDigits = 15

	signatureBase64Len = 88 // standard base64 of 64 bytes, with "==" padding
	contentDigestLen   = len(contentDigestPrefix) + 44 + 1

	// signatureBaseBuffer is the stack buffer for the signature base; longer
	// request targets spill to the heap.
	signatureBaseBuffer = 512
)

// signatureInput is a parsed Signature-Input header.
type signatureInput struct {
	params  string // the signature parameters: the value after "encord-sig="
	created int64
	keyID   string
}

func (v *Verifier) verifyV2(method, target string, sigInputs []string, header http.Header, body []byte) Result {
	res := Result{Scheme: SchemeV2}
	sigInputValue, err := singleHeader(header, headerSignatureInput, sigInputs)
	if err != nil {
		return res.fail(err)
	}
	in, err := parseSignatureInput(sigInputValue)
	res.KeyID, res.Created = in.keyID, in.created
	if err != nil {
		return res.fail(err)
	}
	sigValue, err := singleHeader(header, headerSignature, header[headerSignature])
	if err != nil {
		return res.fail(err)
	}
	var sig [ed25519.SignatureSize]byte
	if err := parseSignature(&sig, sigValue); err != nil {
		return res.fail(err)
	}
	digestHeader, err := singleHeader(header, headerContentDigest, header[headerContentDigest])
	if err != nil {
		return res.fail(err)
	}

	var digestBuf [contentDigestLen]byte
	digest := appendContentDigest(digestBuf[:0], body)
	if string(digest) != digestHeader {
		return res.fail(digestError(digestHeader, string(digest), len(body)))
	}

	var key [ed25519.PublicKeySize]byte
	decodeLowerHex(key[:], in.keyID) // validated by parseSignatureInput
	minusA, s, keyErr := v.checkKeyAndSignature(in.keyID, &key, &sig)
	if keyErr != nil {
		return res.fail(keyErr)
	}
	baseBuf := make([]byte, 0, signatureBaseBuffer)
	base := appendSignatureBase(baseBuf, method, target, digestHeader, in.params)
	if !verifyEd25519(minusA, s, &key, base, &sig) {
		// The second chance of SDK 0.1.127, which signed the target
		// percent-decoded (see decodeTargetAsSDK0127).
		decoded, differs := decodeTargetAsSDK0127(target)
		if !differs || !verifyEd25519(minusA, s, &key, appendSignatureBase(nil, method, decoded, digestHeader, in.params), &sig) {
			res.SignatureBase = string(base)
			also := ""
			if differs {
				also = "; the percent-decoded target, which SDK 0.1.127 alone signs, does not verify either"
			}
			return res.fail(errorf(ReasonBadSignature,
				"the v2 signature does not verify for keyid %s; signatureBase holds the exact bytes the server verified: compare them with what the client signed (@request-target must be the raw path and query as sent)%s",
				in.keyID, also))
		}
		res.DecodedTarget = true
	}

	past, future := v.window()
	now := v.now().Unix()
	switch age := now - in.created; {
	case age > past:
		return res.fail(errorf(ReasonCreatedTooOld,
			"created=%d is %d s in the past; the accepted window is %d s (the request is replayed, or the client clock is slow)",
			in.created, age, past))
	case -age > future:
		return res.fail(errorf(ReasonCreatedInFuture,
			"created=%d is %d s in the future; at most %d s is accepted (the SDK sends its clock minus 30 s, so the client clock is about %d s fast)",
			in.created, -age, future, -age+30))
	}
	return res
}

// singleHeader returns the only value of a header, or why there is not
// exactly one.
func singleHeader(header http.Header, name string, values []string) (string, *Error) {
	switch len(values) {
	case 1:
		return values[0], nil
	case 0:
		var present []string
		for _, h := range [...]string{headerContentDigest, headerSignatureInput, headerSignature} {
			if _, ok := header[h]; ok {
				present = append(present, h)
			}
		}
		return "", errorf(ReasonMissingHeader,
			"the %s header is missing (present: %s); a v2 request needs Content-Digest, Signature-Input and Signature",
			name, strings.Join(present, ", "))
	default:
		return "", errorf(ReasonMalformedHeader,
			"the %s header appears %d times; the SDK sends it once, with a single encord-sig signature", name, len(values))
	}
}

// parseSignatureInput parses a Signature-Input value of the exact shape
//
//	encord-sig=("@method" "@request-target" "content-digest");created=INT;keyid="HEX64";alg="ed25519"
//
// where INT is a plain decimal integer (no sign, no leading zero, at most 15
// digits) and HEX64 is lowercase hex, and nothing else: no other label,
// component, parameter, order, whitespace or second signature. The accepted
// values are exactly those the SDK can produce. On failure the returned signatureInput holds what was parsed
// before the failure.
func parseSignatureInput(value string) (signatureInput, *Error) {
	var in signatureInput
	params, ok := strings.CutPrefix(value, signatureInputLabel)
	if !ok {
		if label, _, found := strings.Cut(value, "="); found && label != "" && !strings.ContainsAny(label, `("; `) {
			return in, errorf(ReasonMalformedHeader, "Signature-Input has the label %s; the SDK signs with the label %s",
				excerpt(label), signatureLabel)
		}
		return in, errorf(ReasonMalformedHeader, "Signature-Input %s does not start with %s", excerpt(value), signatureInputLabel)
	}
	in.params = params

	rest := params
	if !strings.HasPrefix(rest, "(") {
		return in, errorf(ReasonMalformedHeader,
			"Signature-Input must continue with the covered components %s after %s, found %s",
			coveredComponents, signatureInputLabel, excerpt(rest))
	}
	end := strings.IndexByte(rest, ')')
	if end < 0 {
		return in, errorf(ReasonMalformedHeader, "the covered component list %s is not closed with ')'", excerpt(rest))
	}
	if covered := rest[:end+1]; covered != coveredComponents {
		return in, errorf(ReasonUnsupportedComponents,
			"the signature covers %s; the SDK covers exactly %s, in this order", truncate(covered), coveredComponents)
	}
	rest = rest[end+1:]

	if rest, ok = strings.CutPrefix(rest, ";created="); !ok {
		return in, expectedParameter("created", rest)
	}
	n := 0
	for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
		n++
	}
	switch {
	case n == 0:
		return in, errorf(ReasonMalformedHeader, "created must be a non-negative integer of Unix seconds, found %s", excerpt(rest))
	case n > maxCreatedDigits:
		return in, errorf(ReasonMalformedHeader, "created has %d digits; at most %d are allowed", n, maxCreatedDigits)
	case n > 1 && rest[0] == '0':
		return in, errorf(ReasonMalformedHeader, "created %s has a leading zero; the SDK writes it as a plain integer", excerpt(rest[:n]))
	}
	var created int64
	for _, c := range []byte(rest[:n]) {
		created = created*10 + int64(c-'0')
	}
	in.created = created
	rest = rest[n:]

	if rest, ok = strings.CutPrefix(rest, `;keyid="`); !ok {
		return in, expectedParameter("keyid", rest)
	}
	closing := strings.IndexByte(rest, '"')
	if closing < 0 {
		return in, errorf(ReasonMalformedHeader, "keyid is not a closed quoted string: %s", excerpt(rest))
	}
	if problem := checkKeyID(rest[:closing]); problem != "" {
		return in, errorf(ReasonMalformedHeader, "Signature-Input keyid: %s", problem)
	}
	in.keyID = rest[:closing]
	rest = rest[closing+1:]

	if rest, ok = strings.CutPrefix(rest, `;alg="`); !ok {
		return in, expectedParameter("alg", rest)
	}
	closing = strings.IndexByte(rest, '"')
	if closing < 0 {
		return in, errorf(ReasonMalformedHeader, "alg is not a closed quoted string: %s", excerpt(rest))
	}
	if alg := rest[:closing]; alg != algorithm {
		return in, errorf(ReasonBadAlgorithm, "alg is %s; only %q is supported", excerpt(alg), algorithm)
	}
	if rest = rest[closing+1:]; rest != "" {
		return in, errorf(ReasonMalformedHeader,
			"unexpected %s after alg; the SDK sends exactly the parameters created, keyid and alg, and a single signature",
			excerpt(rest))
	}
	return in, nil
}

func expectedParameter(name, found string) *Error {
	if found == "" {
		return errorf(ReasonMalformedHeader, "Signature-Input ends before the %s parameter; the SDK sends created, keyid and alg, in this order", name)
	}
	return errorf(ReasonMalformedHeader,
		"expected ;%s= but found %s; the SDK sends the parameters created, keyid and alg, in this order, and no others",
		name, excerpt(found))
}

// parseSignature decodes a Signature value of the exact shape
// encord-sig=:{canonical standard base64 of 64 bytes}: into sig.
func parseSignature(sig *[ed25519.SignatureSize]byte, value string) *Error {
	encoded, ok := strings.CutPrefix(value, signatureLabelOpen)
	if !ok {
		return errorf(ReasonMalformedHeader, "Signature %s does not start with %s", excerpt(value), signatureLabelOpen)
	}
	encoded, ok = strings.CutSuffix(encoded, ":")
	if !ok {
		return errorf(ReasonMalformedHeader, "Signature %s does not end with ':'", excerpt(value))
	}
	if len(encoded) != signatureBase64Len {
		return errorf(ReasonMalformedHeader,
			"Signature carries %d base64 characters; an Ed25519 signature is 64 bytes, %d characters of standard base64",
			len(encoded), signatureBase64Len)
	}
	if i := decodeSignatureBase64(sig, encoded); i >= 0 {
		return errorf(ReasonMalformedHeader,
			"Signature is not canonical standard base64: %q at position %d", encoded[i], i)
	}
	return nil
}

// decodeSignatureBase64 decodes the 88-character canonical standard base64
// encoding of a 64-byte signature into dst, and returns -1, or the position of
// the first character that is invalid or makes the encoding non-canonical
// (non-zero padding bits, missing "=="). Canonical decoding matters: a lenient
// decoder would accept several spellings of one signature, so a changed
// Signature header could still verify.
func decodeSignatureBase64(dst *[ed25519.SignatureSize]byte, s string) int {
	const groups = ed25519.SignatureSize / 3 // 21 full groups: 63 bytes
	for g := range groups {
		var v uint32
		for j := range 4 {
			c, ok := base64Value(s[4*g+j])
			if !ok {
				return 4*g + j
			}
			v = v<<6 | uint32(c)
		}
		dst[3*g], dst[3*g+1], dst[3*g+2] = byte(v>>16), byte(v>>8), byte(v)
	}
	c0, ok := base64Value(s[4*groups])
	if !ok {
		return 4 * groups
	}
	c1, ok := base64Value(s[4*groups+1])
	if !ok || c1&0x0f != 0 {
		return 4*groups + 1
	}
	dst[3*groups] = c0<<2 | c1>>4
	for i := 4*groups + 2; i < len(s); i++ {
		if s[i] != '=' {
			return i
		}
	}
	return -1
}

func base64Value(c byte) (byte, bool) {
	switch {
	case 'A' <= c && c <= 'Z':
		return c - 'A', true
	case 'a' <= c && c <= 'z':
		return c - 'a' + 26, true
	case '0' <= c && c <= '9':
		return c - '0' + 52, true
	case c == '+':
		return 62, true
	case c == '/':
		return 63, true
	}
	return 0, false
}

// appendContentDigest appends the Content-Digest value of body:
// "sha-256=:{standard base64 of SHA-256(body)}:".
func appendContentDigest(dst, body []byte) []byte {
	sum := sha256.Sum256(body)
	dst = append(dst, contentDigestPrefix...)
	dst = base64.StdEncoding.AppendEncode(dst, sum[:])
	return append(dst, ':')
}

func digestError(received, computed string, bodyLen int) *Error {
	if !strings.HasPrefix(received, contentDigestPrefix) || !strings.HasSuffix(received, ":") || len(received) != contentDigestLen {
		return errorf(ReasonMalformedHeader,
			"Content-Digest %s is not of the form sha-256=:{base64 of SHA-256(body)}: (the SDK sends sha-256 only)", excerpt(received))
	}
	return errorf(ReasonDigestMismatch,
		"Content-Digest is %s but the %d-byte body received hashes to %s; the body must be sent exactly as it was hashed",
		truncate(received), bodyLen, computed)
}

// appendSignatureBase appends the RFC 9421 signature base of the SDK's
// profile: four lines joined by LF, no trailing newline. params is the
// signature parameters string exactly as received.
func appendSignatureBase(dst []byte, method, target, contentDigest, params string) []byte {
	dst = append(dst, `"@method": `...)
	dst = append(dst, method...)
	dst = append(dst, "\n\"@request-target\": "...)
	dst = append(dst, target...)
	dst = append(dst, "\n\"content-digest\": "...)
	dst = append(dst, contentDigest...)
	dst = append(dst, "\n\"@signature-params\": "...)
	return append(dst, params...)
}

const maxExcerpt = 100

// excerpt quotes s for a message, cut to a readable length.
func excerpt(s string) string {
	if len(s) > maxExcerpt {
		return fmt.Sprintf("%q...", s[:maxExcerpt])
	}
	return fmt.Sprintf("%q", s)
}

// truncate cuts s to a readable length, and leaves it unquoted when it is
// printable ASCII (quoting a list of quoted strings only hurts reading).
func truncate(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return excerpt(s)
		}
	}
	if len(s) > maxExcerpt {
		return s[:maxExcerpt] + "..."
	}
	return s
}
