package e2e

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// client speaks JSON to one server over loopback HTTP.
type client struct {
	t    testing.TB
	base string
	http *http.Client
}

// newClient returns a client of base whose requests give up after timeout.
func newClient(t testing.TB, base string, timeout time.Duration) *client {
	transport := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	t.Cleanup(transport.CloseIdleConnections)
	return &client{t: t, base: base, http: &http.Client{Timeout: timeout, Transport: transport}}
}

// response is an HTTP answer, or the transport error that replaced it.
type response struct {
	Status int
	Body   []byte
	Err    error
}

func (r response) String() string {
	if r.Err != nil {
		return "transport error: " + r.Err.Error()
	}
	return fmt.Sprintf("%d %s", r.Status, bytes.TrimSpace(r.Body))
}

// json decodes the body as an object; an undecodable body is an empty map.
func (r response) json() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.Body, &m)
	return m
}

// str returns a string field of the body, following a dotted path
// ("key.id").
func (r response) str(path string) string {
	var v any = r.json()
	for field := range strings.SplitSeq(path, ".") {
		m, _ := v.(map[string]any)
		v = m[field]
	}
	s, _ := v.(string)
	return s
}

// errorCode is the management plane's error.code.
func (r response) errorCode() string { return r.str("error.code") }

// do sends a JSON request; token, when set, is a management session.
func (c *client) do(ctx context.Context, method, path, token string, body any) response {
	var reader io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Errorf("encoding %s %s: %v", method, path, err)
			return response{Err: err}
		}
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, reader)
	if err != nil {
		return response{Err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return c.send(req)
}

func (c *client) send(req *http.Request) response {
	resp, err := c.http.Do(req)
	if err != nil {
		return response{Err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Body: b, Err: err}
}

// must sends a request and fails the test unless it answers want.
func (c *client) must(want int, method, path, token string, body any) response {
	c.t.Helper()
	r := c.do(context.Background(), method, path, token, body)
	if r.Err != nil || r.Status != want {
		c.t.Fatalf("%s %s: want %d, got %s", method, path, want, r)
	}
	return r
}

// sdkBearerToken is the SDK call that any valid key may make.
const sdkBearerToken = "/v2/public/user/bearer-token"

// sdkGet sends a GET signed with v2 exactly as the SDK signs it.
func (c *client) sdkGet(ctx context.Context, signer *encordsign.Signer, path string) response {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return response{Err: err}
	}
	if err := signer.SignRequest(req, nil, time.Now()); err != nil {
		return response{Err: err}
	}
	return c.send(req)
}

// workspace is a workspace made through the control plane, with its
// admin's session.
type workspace struct {
	ID, AdminID, AdminToken string
}

func (c *client) newWorkspace(name, adminEmail string, quotas map[string]int) workspace {
	c.t.Helper()
	body := map[string]any{"name": name, "admin": map[string]any{"email": adminEmail, "name": "Admin of " + name}}
	if quotas != nil {
		body["quotas"] = quotas
	}
	r := c.must(http.StatusCreated, http.MethodPost, "/_emulator/workspaces", "", body)
	return workspace{ID: r.str("workspace.id"), AdminID: r.str("admin.id"), AdminToken: r.str("session.token")}
}

// addMember adds a member as the admin and returns its id.
func (c *client) addMember(ws workspace, email string) string {
	c.t.Helper()
	return c.must(http.StatusCreated, http.MethodPost, "/api/v1/workspace/members", ws.AdminToken,
		map[string]any{"email": email, "name": email, "role": "member"}).str("id")
}

// login opens a management session for a member.
func (c *client) login(email string) string {
	c.t.Helper()
	return c.must(http.StatusCreated, http.MethodPost, "/api/v1/sessions", "", map[string]any{"email": email}).str("token")
}

// generateKey asks the server for a key pair of the session's user and
// returns the key's id and a signer of its private half.
func (c *client) generateKey(token, title string) (string, *encordsign.Signer) {
	c.t.Helper()
	r := c.must(http.StatusCreated, http.MethodPost, "/api/v1/me/keys", token, map[string]any{"title": title})
	return r.str("key.id"), parseSigner(c.t, r)
}

// parseSigner reads the privateKey of a generated key pair answer.
func parseSigner(t testing.TB, r response) *encordsign.Signer {
	t.Helper()
	priv, err := encordsign.ParsePrivateKey([]byte(r.str("privateKey")))
	if err != nil {
		t.Fatalf("private key of %s: %v", r, err)
	}
	return encordsign.New(priv)
}

// newPublicKeyLine returns a fresh "ssh-ed25519 AAAA..." line.
func newPublicKeyLine(t testing.TB) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub)))
}
