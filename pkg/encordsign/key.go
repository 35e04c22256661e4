package encordsign

import (
	"crypto/ed25519"
	"encoding/pem"
	"errors"
	"fmt"

	"golang.org/x/crypto/ssh"
)

// Errors of ParsePrivateKey. Each names a key the SDK itself refuses.
var (
	// ErrNotOpenSSH: the text is not an "OPENSSH PRIVATE KEY" PEM block (for
	// example PKCS#8 "PRIVATE KEY"). The SDK loads only the OpenSSH format.
	ErrNotOpenSSH = errors.New("not an OpenSSH private key (-----BEGIN OPENSSH PRIVATE KEY-----)")
	// ErrPassphraseProtected: the key is encrypted. The SDK cannot use such
	// keys in practice (it lacks the bcrypt module they need).
	ErrPassphraseProtected = errors.New("the private key is passphrase-protected; the Encord SDK can only use unencrypted keys")
	// ErrNotEd25519: the key is of another type (RSA, ECDSA, ...). The SDK
	// signs with Ed25519 only.
	ErrNotEd25519 = errors.New("the private key is not an Ed25519 key")
)

const openSSHPrivateKeyType = "OPENSSH PRIVATE KEY"

// ParsePrivateKey reads an unencrypted OpenSSH Ed25519 private key, the only
// kind the Encord SDK accepts, and fails with ErrNotOpenSSH,
// ErrPassphraseProtected or ErrNotEd25519 (wrapped, test with errors.Is) for
// the kinds it refuses. Error messages never contain key material.
func ParsePrivateKey(pemBytes []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != openSSHPrivateKeyType {
		return nil, ErrNotOpenSSH
	}
	raw, err := ssh.ParseRawPrivateKey(pemBytes)
	if err != nil {
		if _, ok := errors.AsType[*ssh.PassphraseMissingError](err); ok {
			return nil, ErrPassphraseProtected
		}
		return nil, fmt.Errorf("reading OpenSSH private key: %w", err)
	}
	switch key := raw.(type) {
	case *ed25519.PrivateKey:
		return *key, nil
	case ed25519.PrivateKey:
		return key, nil
	default:
		return nil, fmt.Errorf("%w (it is %T)", ErrNotEd25519, raw)
	}
}
