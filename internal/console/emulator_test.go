package console_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
	"github.com/encord-emulator/encord-emulator/pkg/server"
)

// What the browser tests do to the emulator behind the console's back:
// set up workspaces on the control plane, read state over the management
// plane, and call the SDK plane as the SDK does.

// apiCall sends a JSON request with an optional bearer token and returns
// the status and body.
func apiCall(t *testing.T, method, url, token, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// mustAPI is apiCall that expects status want and decodes the body into
// into (when not nil).
func mustAPI(t *testing.T, method, url, token, body string, want int, into any) {
	t.Helper()
	status, out := apiCall(t, method, url, token, body)
	if status != want {
		t.Fatalf("%s %s: %d %s, want %d", method, url, status, out, want)
	}
	if into != nil {
		if err := json.Unmarshal(out, into); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, out)
		}
	}
}

// errorMessage returns the message of an {"error": {...}} body.
func errorMessage(t *testing.T, body []byte) string {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error.Message == "" {
		t.Fatalf("not an error body: %s", body)
	}
	return e.Error.Message
}

// workspace is a workspace created on the control plane, with a session
// of its first admin for the test's own management calls.
type workspace struct {
	ID         string
	AdminToken string
}

// startAcme starts an emulator with the console on, holding the workspace
// Acme Robotics whose admin is Ada Lovelace (ada@acme.test); it returns the
// emulator's base URL and the workspace.
func startAcme(t *testing.T) (string, workspace) {
	t.Helper()
	base := startEmulator(t, server.Options{}).URL()
	return base, createWorkspace(t, base, "", "Acme Robotics", "ada@acme.test", "Ada Lovelace")
}

// createWorkspace creates a workspace through the control plane;
// controlToken is its EMULATOR_ADMIN_TOKEN, "" when none protects it.
func createWorkspace(t *testing.T, base, controlToken, name, adminEmail, adminName string) workspace {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"name": name, "admin": map[string]string{"email": adminEmail, "name": adminName}})
	var created struct {
		Workspace struct{ ID string }    `json:"workspace"`
		Session   struct{ Token string } `json:"session"`
	}
	mustAPI(t, http.MethodPost, base+"/_emulator/workspaces", controlToken, string(body), http.StatusCreated, &created)
	return workspace{ID: created.Workspace.ID, AdminToken: created.Session.Token}
}

// key is a management-plane key object, the fields the tests read.
type key struct {
	ID           string  `json:"id"`
	Title        string  `json:"title"`
	Fingerprint  string  `json:"fingerprint"`
	PublicKeyHex string  `json:"publicKeyHex"`
	RevokedAt    *string `json:"revokedAt"`
	RevokeReason *string `json:"revokeReason"`
}

func listKeys(t *testing.T, url, token string) []key {
	t.Helper()
	var page struct{ Items []key }
	mustAPI(t, http.MethodGet, url, token, "", http.StatusOK, &page)
	return page.Items
}

// sdkCall signs GET /v2/public/user/bearer-token with the private key as
// the SDK does, with the trace id in X-Cloud-Trace-Context, and returns
// the status.
func sdkCall(t *testing.T, base string, privateKey []byte, traceID string) int {
	t.Helper()
	priv, err := encordsign.ParsePrivateKey(privateKey)
	if err != nil {
		t.Fatalf("the private key does not parse as the SDK's: %v\n%s", err, privateKey)
	}
	return signedCall(t, base, encordsign.New(priv), traceID)
}

func signedCall(t *testing.T, base string, signer *encordsign.Signer, traceID string) int {
	t.Helper()
	c := testclient.NewForTest(t, base, testclient.Options{})
	r := c.SDK(context.Background(), testclient.SDKRequest{Signer: signer, Target: testclient.BearerTokenPath, TraceID: traceID})
	if r.Err != nil && r.Status == 0 {
		t.Fatal(r.Err)
	}
	return r.Status
}

// newEd25519 returns a fresh key pair as an authorized_keys line, an
// unencrypted OpenSSH private key and the SSH fingerprint.
func newEd25519(t *testing.T, comment string) (publicLine string, private []byte, fingerprint string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, comment)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))) + " " + comment
	return line, pem.EncodeToMemory(block), ssh.FingerprintSHA256(sshPub)
}

// fingerprintOf returns the SSH fingerprint of a private key's public half.
func fingerprintOf(t *testing.T, private []byte) string {
	t.Helper()
	signer, err := ssh.ParsePrivateKey(private)
	if err != nil {
		t.Fatalf("parse private key: %v", err)
	}
	return ssh.FingerprintSHA256(signer.PublicKey())
}

// passphraseKey returns an OpenSSH Ed25519 private key encrypted with a
// passphrase.
func passphraseKey(t *testing.T) []byte {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(block)
}

// containsPrivateKey reports whether text holds a PEM private key.
func containsPrivateKey(text string) bool {
	return bytes.Contains([]byte(text), []byte("PRIVATE KEY-----"))
}
