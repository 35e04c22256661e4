package sshkey

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// MaxPrivateKeyLength bounds the input of ParsePrivateKey, in bytes. An
// OpenSSH Ed25519 private key file is about 400 bytes and even a 16384-bit RSA
// key stays under 13 KiB; anything longer is rejected before it is parsed.
const MaxPrivateKeyLength = 64 << 10

// pemTypeOpenSSH is the PEM block type of OpenSSH private key files, the only
// private key format the Encord SDK reads.
const pemTypeOpenSSH = "OPENSSH PRIVATE KEY"

// passphraseAdvice is the command that removes a passphrase in place.
const passphraseAdvice = `ssh-keygen -p -N "" -f FILE`

// Generate makes a new Ed25519 key pair from crypto/rand. It returns the
// public key (with the given comment) and the private key as an unencrypted
// OpenSSH private key file, "-----BEGIN OPENSSH PRIVATE KEY-----": the only
// form the Encord SDK can load. The comment is also stored inside the private
// key file, as ssh-keygen does.
func Generate(comment string) (PublicKey, []byte, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return PublicKey{}, nil, fmt.Errorf("sshkey: generate ed25519 key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, comment)
	if err != nil {
		return PublicKey{}, nil, fmt.Errorf("sshkey: encode private key: %w", err)
	}
	pk, err := FromEd25519(pub)
	if err != nil {
		return PublicKey{}, nil, err
	}
	pk.Comment = comment
	return pk, pem.EncodeToMemory(block), nil
}

// ParsePrivateKey reads a private key file for the project's tools: an
// unencrypted OpenSSH Ed25519 private key, the only kind the Encord SDK can
// use. It returns the private key and its public half (without comment).
//
// Other inputs are rejected with an *Error whose message says what to do:
// passphrase-protected keys (KindPassphraseProtected), other key types in any
// format (KindUnsupportedType), Ed25519 keys in PKCS#8 or PuTTY format
// (KindUnsupportedFormat: the SDK would fail on them too, so accepting them
// here would only defer the failure), public keys and anything else that is
// not a private key (KindNotPrivateKey), and damaged OpenSSH key files
// (KindMalformed).
func ParsePrivateKey(pemBytes []byte) (ed25519.PrivateKey, PublicKey, error) {
	if len(pemBytes) > MaxPrivateKeyLength {
		return nil, PublicKey{}, newError(KindNotPrivateKey, nil,
			"This is not an SSH private key: it is longer than %d KiB. "+
				"Give an OpenSSH private key file, which starts with -----BEGIN OPENSSH PRIVATE KEY-----.", MaxPrivateKeyLength>>10)
	}
	text := bytes.TrimSpace(pemBytes)
	if len(text) == 0 {
		return nil, PublicKey{}, newError(KindEmpty, nil,
			"The private key is empty. Give an OpenSSH private key file, which starts with -----BEGIN OPENSSH PRIVATE KEY-----. "+
				"To create a key pair, run: %s", keygenAdvice)
	}
	if bytes.HasPrefix(text, []byte(puttyPrivateKeyPrefix)) {
		return nil, PublicKey{}, newError(KindUnsupportedFormat, nil,
			"This is a PuTTY private key (.ppk), but the Encord SDK reads only OpenSSH private keys. "+
				"In PuTTYgen, load the key, clear the passphrase, and use Conversions > Export OpenSSH key (force new file format).")
	}

	block, rest := pem.Decode(text)
	if block == nil {
		return nil, PublicKey{}, notPrivateKeyError(text)
	}
	if bytes.Contains(rest, []byte("-----BEGIN ")) {
		return nil, PublicKey{}, newError(KindMultipleKeys, nil,
			"This file holds more than one key. Give a file with a single OpenSSH private key.")
	}

	switch block.Type {
	case pemTypeOpenSSH:
		return parseOpenSSHPrivateKey(text)
	case "PRIVATE KEY":
		return nil, PublicKey{}, pkcs8Error(block.Bytes)
	case "ENCRYPTED PRIVATE KEY":
		return nil, PublicKey{}, newError(KindUnsupportedFormat, nil,
			"This is an encrypted PKCS#8 private key, but the Encord SDK reads only unencrypted OpenSSH private keys "+
				"(-----BEGIN OPENSSH PRIVATE KEY-----). To create one, run: %s", keygenAdvice)
	case "RSA PRIVATE KEY":
		return nil, PublicKey{}, unsupportedTypeError(ssh.KeyAlgoRSA, "private key")
	case "DSA PRIVATE KEY":
		return nil, PublicKey{}, unsupportedTypeError(ssh.InsecureKeyAlgoDSA, "private key")
	case "EC PRIVATE KEY":
		keyType := "ecdsa"
		if key, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
			keyType = ecdsaKeyType(key)
		}
		return nil, PublicKey{}, unsupportedTypeError(keyType, "private key")
	}
	return nil, PublicKey{}, notPrivateKeyError(text)
}

// openSSHEnvelope is the unencrypted outer layer of an OpenSSH private key
// file (PROTOCOL.key in OpenSSH), after the "openssh-key-v1\x00" magic. It is
// read here, before x/crypto parses the whole file, because it names the key
// type even when the private part is encrypted or of a type x/crypto cannot
// parse.
type openSSHEnvelope struct {
	CipherName   string
	KDFName      string
	KDFOptions   string
	NumKeys      uint32
	PublicKey    []byte
	PrivateBlock []byte
	Rest         []byte `ssh:"rest"`
}

const openSSHMagic = "openssh-key-v1\x00"

// parseOpenSSHPrivateKey parses an "OPENSSH PRIVATE KEY" file. The type is
// judged from the envelope first, so that an encrypted RSA key is reported as
// RSA: removing its passphrase would not make it usable.
func parseOpenSSHPrivateKey(text []byte) (ed25519.PrivateKey, PublicKey, error) {
	block, _ := pem.Decode(text)
	if !bytes.HasPrefix(block.Bytes, []byte(openSSHMagic)) {
		return nil, PublicKey{}, damagedPrivateKeyError(nil)
	}
	var env openSSHEnvelope
	if err := ssh.Unmarshal(block.Bytes[len(openSSHMagic):], &env); err != nil {
		return nil, PublicKey{}, damagedPrivateKeyError(err)
	}
	if env.NumKeys > 1 {
		return nil, PublicKey{}, newError(KindMultipleKeys, nil,
			"This OpenSSH file holds %d keys. Give a file with a single private key.", env.NumKeys)
	}
	var pubHeader struct {
		Type string
		Rest []byte `ssh:"rest"`
	}
	if err := ssh.Unmarshal(env.PublicKey, &pubHeader); err != nil {
		return nil, PublicKey{}, damagedPrivateKeyError(err)
	}
	if pubHeader.Type != KeyType {
		return nil, PublicKey{}, unsupportedTypeError(pubHeader.Type, "private key")
	}

	raw, err := ssh.ParseRawPrivateKey(text)
	if err != nil {
		var missing *ssh.PassphraseMissingError
		if errors.As(err, &missing) {
			return nil, PublicKey{}, passphraseError(err)
		}
		return nil, PublicKey{}, damagedPrivateKeyError(err)
	}
	var priv ed25519.PrivateKey
	switch k := raw.(type) {
	case *ed25519.PrivateKey:
		priv = *k
	case ed25519.PrivateKey:
		priv = k
	default:
		return nil, PublicKey{}, unsupportedTypeError("", "private key")
	}

	// The file stores the public key three times: in the envelope, in the
	// private section, and as the second half of the private key (seed and
	// public key). x/crypto checks none of them against each other; a file
	// whose copies disagree would sign with one key while naming another.
	if len(priv) != ed25519.PrivateKeySize ||
		!ed25519.NewKeyFromSeed(priv.Seed()).Equal(priv) {
		return nil, PublicKey{}, damagedPrivateKeyError(nil)
	}
	sshKey, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		return nil, PublicKey{}, damagedPrivateKeyError(err)
	}
	if !bytes.Equal(sshKey.Marshal(), env.PublicKey) {
		return nil, PublicKey{}, damagedPrivateKeyError(nil)
	}
	// The private section (unencrypted, or x/crypto would have failed)
	// repeats the public key; OpenSSH rejects a file where it differs,
	// x/crypto ignores it.
	var section struct {
		Check1, Check2 uint32
		Type           string
		PublicKey      []byte
		Rest           []byte `ssh:"rest"`
	}
	if err := ssh.Unmarshal(env.PrivateBlock, &section); err != nil ||
		section.Type != KeyType || !bytes.Equal(section.PublicKey, priv.Public().(ed25519.PublicKey)) {
		return nil, PublicKey{}, damagedPrivateKeyError(err)
	}
	pub, err := newPublicKey(sshKey, "")
	if err != nil {
		return nil, PublicKey{}, err
	}
	return priv, pub, nil
}

// pkcs8Error rejects an unencrypted PKCS#8 key, naming its type when it is
// RSA or ECDSA.
func pkcs8Error(der []byte) error {
	key, err := x509.ParsePKCS8PrivateKey(der)
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return unsupportedTypeError(ssh.KeyAlgoRSA, "private key")
	case *ecdsa.PrivateKey:
		return unsupportedTypeError(ecdsaKeyType(k), "private key")
	}
	// Ed25519, or a type or encoding crypto/x509 does not know (Ed448, ...).
	return newError(KindUnsupportedFormat, err,
		"This private key is in PKCS#8 format (-----BEGIN PRIVATE KEY-----), "+
			"but the Encord SDK reads only Ed25519 keys in OpenSSH format (-----BEGIN OPENSSH PRIVATE KEY-----). "+
			"To create a key pair in that format, run: %s", keygenAdvice)
}

// notPrivateKeyError rejects text that holds no private key, saying so more
// precisely when it is a public key.
func notPrivateKeyError(text []byte) error {
	s := string(text)
	if _, err := Parse(s); err == nil || errors.Is(err, KindUnsupportedType) ||
		errors.Is(err, KindOptions) || errors.Is(err, KindMultipleKeys) ||
		errors.Is(err, KindUnsupportedFormat) || isInvalidPoint(err) {
		return newError(KindNotPrivateKey, nil,
			"This is a public key, not a private key. Give the private key file: the one without .pub "+
				"(for example ~/.ssh/id_ed25519), which starts with -----BEGIN OPENSSH PRIVATE KEY-----.")
	}
	return newError(KindNotPrivateKey, nil,
		"This is not an SSH private key. Give an unencrypted OpenSSH private key file, "+
			"which starts with -----BEGIN OPENSSH PRIVATE KEY-----. To create a key pair, run: %s", keygenAdvice)
}

func passphraseError(cause error) error {
	return newError(KindPassphraseProtected, cause,
		"This private key is protected by a passphrase, and the Encord SDK cannot use passphrase-protected keys. "+
			"Remove the passphrase with: %s (it asks for the current passphrase and rewrites FILE without one).", passphraseAdvice)
}

func damagedPrivateKeyError(cause error) error {
	return newError(KindMalformed, cause,
		"This OpenSSH private key is damaged or incomplete. Copy the whole file again, "+
			"from -----BEGIN OPENSSH PRIVATE KEY----- to -----END OPENSSH PRIVATE KEY-----.")
}

// ecdsaKeyType names an ECDSA key as OpenSSH does.
func ecdsaKeyType(key *ecdsa.PrivateKey) string {
	if key.Curve == nil {
		return "ecdsa"
	}
	switch name := key.Curve.Params().Name; name {
	case "P-256", "P-384", "P-521":
		return "ecdsa-sha2-nistp" + strings.TrimPrefix(name, "P-")
	}
	return "ecdsa"
}
