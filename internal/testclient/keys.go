package testclient

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// MyKeys is where a session's user generates and lists its own keys.
const MyKeys = "/api/v1/me/keys"

// ServiceAccountKeys is where an admin generates and lists the keys of the
// service account id.
func ServiceAccountKeys(id string) string {
	return "/api/v1/workspace/service-accounts/" + id + "/keys"
}

// Key is a key pair the emulator generated, with a signer of its private
// half.
type Key struct {
	ID           string
	PublicKeyHex string // the SDK's key id
	PrivateKey   string // OpenSSH PEM, returned once by the API
	Signer       *encordsign.Signer
}

// GenerateKey asks the emulator for a key pair at path (MyKeys, or
// ServiceAccountKeys) with the session token, and fails the test unless it
// gets one with a usable private key.
func (c *Client) GenerateKey(t testing.TB, token, path, title string) Key {
	t.Helper()
	r := c.Must(t, http.StatusCreated, http.MethodPost, path, token, map[string]any{"title": title})
	k, err := ParseGeneratedKey(r)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	return k
}

// ParseGeneratedKey reads the answer of a key generation: the key's id and
// its private key, parsed as the SDK parses it.
func ParseGeneratedKey(r Response) (Key, error) {
	priv, err := encordsign.ParsePrivateKey([]byte(r.Str("privateKey")))
	if err != nil {
		return Key{}, fmt.Errorf("the privateKey of %s: %w", r, err)
	}
	return Key{ID: r.Str("key.id"), PublicKeyHex: r.Str("key.publicKeyHex"), PrivateKey: r.Str("privateKey"), Signer: encordsign.New(priv)}, nil
}

// NewPublicKeyLine returns a fresh "ssh-ed25519 AAAA..." line to upload.
func NewPublicKeyLine(t testing.TB) string {
	t.Helper()
	pub, _, err := sshkey.Generate("")
	if err != nil {
		t.Fatal(err)
	}
	return pub.Line
}
