// Package sshkey parses, canonicalises and fingerprints the Ed25519 SSH keys
// the Encord SDK authenticates with, and generates new key pairs.
//
// The Encord SDK signs requests with an Ed25519 private key read from an
// unencrypted OpenSSH private key file, and names the key by the lowercase hex
// of its 32 raw public-key bytes. Accordingly this package accepts plain
// ssh-ed25519 keys only, and every rejection is an *Error whose Kind tells
// the cases apart and whose message tells a person what to do (see Kind).
//
// Parse reads a public key as a user pastes it into a form field;
// ParsePrivateKey reads a private key file; Generate makes a new pair;
// FromEd25519 and FromHex rebuild a PublicKey from raw bytes or a key id.
//
// Every key is checked to be a canonical encoding of an Ed25519 point of large
// order (ValidatePublicKey): bytes that are no point, small-order points such
// as the identity (for which anyone can forge signatures) and second
// spellings of a real key are refused wherever a key enters. Callers that
// hold only raw bytes or a key id use ValidatePublicKey or
// ValidatePublicKeyHex.
//
// Inputs may contain private key material: callers must not log them, and
// this package's error messages never repeat them.
package sshkey

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"golang.org/x/crypto/ssh"
)

// MaxPublicKeyLength bounds the input of Parse, in bytes. An ssh-ed25519 line
// is under 100 bytes plus its comment; anything longer is rejected as not a
// key before any parsing work is done.
const MaxPublicKeyLength = 16 << 10

// KeyType is the only key type this package accepts.
const KeyType = ssh.KeyAlgoED25519

// keygenAdvice is the command that makes a key the Encord SDK can use.
const keygenAdvice = `ssh-keygen -t ed25519 -N ""`

// PublicKey is a parsed ssh-ed25519 public key in the forms the emulator
// stores and shows.
type PublicKey struct {
	// Key is the raw 32-byte Ed25519 public key.
	Key ed25519.PublicKey

	// Line is the canonical authorized_keys form without comment:
	// "ssh-ed25519 AAAA...".
	Line string

	// Hex is the lowercase hex of the 32 raw key bytes: the key id the
	// Encord SDK sends.
	Hex string

	// Fingerprint is "SHA256:" followed by the unpadded base64 of the
	// SHA-256 of the wire-format key, exactly as ssh-keygen -lf prints it.
	Fingerprint string

	// Comment is the comment that followed the key on the parsed line, or the
	// comment given to Generate; empty otherwise.
	Comment string
}

// Equal reports whether k and other are the same key; comments are ignored.
func (k PublicKey) Equal(other PublicKey) bool {
	return k.Key.Equal(other.Key)
}

// String returns the canonical line.
func (k PublicKey) String() string { return k.Line }

// Parse reads one ssh-ed25519 public key as a user pastes it: a single
// authorized_keys line "ssh-ed25519 AAAA... [comment]", with any surrounding
// white space and line endings (CR, LF, CRLF) and a leading byte order mark.
// Anything else is rejected with an *Error; see Kind for the cases.
func Parse(text string) (PublicKey, error) {
	if len(text) > MaxPublicKeyLength {
		return PublicKey{}, newError(KindMalformed, nil,
			"This is not an SSH public key: it is longer than %d KiB, and an ssh-ed25519 public key is a single line of about 100 characters. "+
				"Paste the contents of your .pub file (for example ~/.ssh/id_ed25519.pub).", MaxPublicKeyLength>>10)
	}
	// A byte order mark is what Windows editors put before a saved .pub file.
	text = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), "\uFEFF"))
	if text == "" {
		return PublicKey{}, newError(KindEmpty, nil,
			"No public key was given. Paste the contents of your .pub file (for example ~/.ssh/id_ed25519.pub): "+
				"one line that starts with ssh-ed25519. To create a key pair, run: %s", keygenAdvice)
	}
	if looksLikePrivateKey(text) {
		return PublicKey{}, newError(KindPrivateKey, nil,
			"This is a PRIVATE key. A private key must never be shared or uploaded; keep it on your computer. "+
				"Paste the public key instead: the single line in the matching .pub file (for example ~/.ssh/id_ed25519.pub), "+
				"which starts with ssh-ed25519.")
	}
	if err := checkPublicKeyEncoding(text); err != nil {
		return PublicKey{}, err
	}

	lines := nonEmptyLines(text)
	if len(lines) > 1 {
		return PublicKey{}, severalLinesError(lines)
	}
	return parseLine(lines[0])
}

// FromEd25519 builds the PublicKey of a raw Ed25519 public key, for example
// the public half of a private key. The result has no comment. It fails when
// key is not 32 bytes long or is not a valid public key (see
// ValidatePublicKey).
func FromEd25519(key ed25519.PublicKey) (PublicKey, error) {
	if len(key) != ed25519.PublicKeySize {
		return PublicKey{}, newError(KindMalformed, nil,
			"This is not an Ed25519 public key: it has %d bytes instead of %d.", len(key), ed25519.PublicKeySize)
	}
	sshKey, err := ssh.NewPublicKey(key)
	if err != nil {
		return PublicKey{}, newError(KindMalformed, err, "This is not a valid Ed25519 public key.")
	}
	return newPublicKey(sshKey, "")
}

// FromHex builds the PublicKey named by a key id: the 64 hex digits of the 32
// raw key bytes, as the Encord SDK sends them. Upper-case digits are accepted;
// the result's Hex is always lower case.
func FromHex(keyID string) (PublicKey, error) {
	raw, err := decodeKeyID(keyID)
	if err != nil {
		return PublicKey{}, err
	}
	return FromEd25519(raw)
}

// newPublicKey converts an ssh-ed25519 ssh.PublicKey. The caller has checked
// the type. Every PublicKey of this package is made here, after
// ValidatePublicKey.
func newPublicKey(sshKey ssh.PublicKey, comment string) (PublicKey, error) {
	var raw ed25519.PublicKey
	if cryptoKey, ok := sshKey.(ssh.CryptoPublicKey); ok {
		raw, _ = cryptoKey.CryptoPublicKey().(ed25519.PublicKey)
	}
	if len(raw) != ed25519.PublicKeySize {
		return PublicKey{}, unsupportedTypeError(sshKey.Type(), "public key")
	}
	if err := ValidatePublicKey(raw); err != nil {
		return PublicKey{}, err
	}
	return PublicKey{
		Key:         bytes.Clone(raw),
		Line:        strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshKey))),
		Hex:         hex.EncodeToString(raw),
		Fingerprint: ssh.FingerprintSHA256(sshKey),
		Comment:     comment,
	}, nil
}

// parseLine parses a single trimmed, non-empty line.
func parseLine(line string) (PublicKey, error) {
	sshKey, comment, options, _, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return PublicKey{}, classifyUnparsableLine(line, err)
	}
	// The type comes first: a key of the wrong type must be replaced, which
	// makes any other complaint about the line moot.
	if sshKey.Type() != KeyType {
		return PublicKey{}, unsupportedTypeError(sshKey.Type(), "public key")
	}
	if len(options) > 0 {
		return PublicKey{}, newError(KindOptions, nil,
			"This line starts with authorized_keys options (such as command=\"...\", from=\"...\" or restrict) before the key. "+
				"Paste the key alone: the line starting with ssh-ed25519, without options.")
	}
	if hasSecondKey(comment) {
		return PublicKey{}, newError(KindMultipleKeys, nil,
			"This line contains more than one key. Upload one key at a time: one line starting with ssh-ed25519.")
	}
	return newPublicKey(sshKey, comment)
}

// classifyUnparsableLine explains why ssh.ParseAuthorizedKey rejected line.
func classifyUnparsableLine(line string, cause error) error {
	fields := strings.Fields(line)
	declared := fields[0]
	if declared != KeyType && isKeyTypeName(declared) {
		// A key type this package does not accept, perhaps one x/crypto does
		// not even parse (ssh-dss, ssh-ed448, ...): the type is what matters.
		return unsupportedTypeError(declared, "public key")
	}
	if declared == KeyType {
		return newError(KindMalformed, cause,
			"This ssh-ed25519 public key is damaged or incomplete: the text after ssh-ed25519 is not a valid key. "+
				"Copy the whole line from your .pub file again, without line breaks.")
	}
	if len(fields) == 1 && isBareKeyBlob(declared) {
		return newError(KindMalformed, cause,
			"The key type is missing: the line must start with ssh-ed25519, followed by a space and the key (AAAA...). "+
				"Paste the whole line from your .pub file.")
	}
	return newError(KindMalformed, cause,
		"This is not an SSH public key. Paste the contents of your .pub file (for example ~/.ssh/id_ed25519.pub): "+
			"one line that starts with ssh-ed25519 AAAA. To create a key pair, run: %s", keygenAdvice)
}

// severalLinesError explains input of more than one non-empty line: several
// keys when at least two lines are keys (of any type), else a key that is not
// on a single line.
func severalLinesError(lines []string) error {
	keys := 0
	for _, line := range lines {
		if isKeyLine(line) {
			keys++
		}
	}
	if keys > 1 {
		return newError(KindMultipleKeys, nil,
			"%d keys were given, one per line. Upload one key at a time: a single line starting with ssh-ed25519.", keys)
	}
	return newError(KindMalformed, nil,
		"An SSH public key is a single line, but %d lines were given. "+
			"Paste the contents of your .pub file (for example ~/.ssh/id_ed25519.pub) without line breaks: one line that starts with ssh-ed25519.",
		len(lines))
}

// isKeyLine reports whether line holds a key of any type, accepted or not:
// one that parses, with or without options, or one whose first field names a
// key type (which may be one x/crypto cannot parse, such as ssh-dss).
func isKeyLine(line string) bool {
	if _, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line)); err == nil {
		return true
	}
	first, _, _ := strings.Cut(line, " ")
	first, _, _ = strings.Cut(first, "\t")
	return isKeyTypeName(first)
}

// hasSecondKey reports whether a parsed line's comment holds another key,
// which is what two keys pasted on one line look like to ParseAuthorizedKey.
func hasSecondKey(comment string) bool {
	fields := strings.Fields(comment)
	for i := 0; i+1 < len(fields); i++ {
		if !isKeyTypeName(fields[i]) {
			continue
		}
		if _, _, _, _, err := ssh.ParseAuthorizedKey([]byte(fields[i] + " " + fields[i+1])); err == nil {
			return true
		}
	}
	return false
}

// looksLikePrivateKey reports whether text is or contains a private key in
// any common encoding: a PEM block (OpenSSH, PKCS#1, PKCS#8, SEC 1,
// encrypted or not), the bare base64 body of an OpenSSH private key, or a
// PuTTY key file.
func looksLikePrivateKey(text string) bool {
	return strings.Contains(text, "PRIVATE KEY-----") ||
		strings.HasPrefix(text, openSSHPrivateKeyBase64Prefix) ||
		strings.HasPrefix(text, puttyPrivateKeyPrefix)
}

const (
	// openSSHPrivateKeyBase64Prefix is how the base64 body of every OpenSSH
	// private key starts: the encoding of "openssh-key-v1".
	openSSHPrivateKeyBase64Prefix = "b3BlbnNzaC1rZXktdjE"
	puttyPrivateKeyPrefix         = "PuTTY-User-Key-File-"
)

// checkPublicKeyEncoding rejects public keys in multi-line encodings other
// than the OpenSSH line.
func checkPublicKeyEncoding(text string) error {
	switch {
	case strings.HasPrefix(text, "---- BEGIN SSH2 PUBLIC KEY ----"):
		return newError(KindUnsupportedFormat, nil,
			"This public key is in SSH2 (RFC 4716) format, as PuTTYgen and some other tools write it. "+
				"Paste it in OpenSSH format instead: one line that starts with ssh-ed25519. "+
				"Convert it with: ssh-keygen -i -f FILE (or copy PuTTYgen's \"Public key for pasting into OpenSSH authorized_keys file\").")
	case strings.HasPrefix(text, "-----BEGIN ") && strings.Contains(text, "PUBLIC KEY-----"):
		return newError(KindUnsupportedFormat, nil,
			"This public key is in PEM format. Paste it in OpenSSH format instead: one line that starts with ssh-ed25519, "+
				"as in the .pub file that ssh-keygen writes. To create a key pair, run: %s", keygenAdvice)
	}
	return nil
}

// nonEmptyLines splits text into lines, trimmed of white space (including the
// CR of CRLF), dropping empty ones.
func nonEmptyLines(text string) []string {
	var lines []string
	for line := range strings.SplitSeq(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}

// maxKeyTypeNameLength bounds what isKeyTypeName accepts; the longest
// OpenSSH name, "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", has 43 bytes.
const maxKeyTypeNameLength = 64

// isKeyTypeName reports whether s looks like an SSH key type name
// ("ssh-rsa", "ecdsa-sha2-nistp256", "sk-ssh-ed25519@openssh.com", ...). Only
// such names are ever repeated in error messages.
func isKeyTypeName(s string) bool {
	if len(s) > maxKeyTypeNameLength {
		return false
	}
	if !strings.HasPrefix(s, "ssh-") && !strings.HasPrefix(s, "ecdsa-") && !strings.HasPrefix(s, "sk-") {
		return false
	}
	for _, c := range []byte(s) {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '@', c == '.':
		default:
			return false
		}
	}
	return true
}

// isBareKeyBlob reports whether s is the base64 of a wire-format SSH public
// key: a key line missing its type field.
func isBareKeyBlob(s string) bool {
	blob, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return false
	}
	_, err = ssh.ParsePublicKey(blob)
	return err == nil
}

// unsupportedTypeError rejects a key of type keyType; what says which kind of
// key it is ("public key", "private key") for the message.
func unsupportedTypeError(keyType, what string) *Error {
	if !isKeyTypeName(keyType) {
		return newError(KindUnsupportedType, nil,
			"This %s is not of type ssh-ed25519. Only ssh-ed25519 keys are accepted, because the Encord SDK signs requests with Ed25519. "+
				"To create one, run: %s", what, keygenAdvice)
	}
	e := newError(KindUnsupportedType, nil,
		"This %s has type %s, which is not supported. Only ssh-ed25519 keys are accepted, because the Encord SDK signs requests with Ed25519. "+
			"To create one, run: %s", what, keyType, keygenAdvice)
	e.KeyType = keyType
	return e
}
