package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	emulator "github.com/encord-emulator/encord-emulator"
	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/clock"
	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// client talks to one emulator over real HTTP.
type client struct {
	t    *testing.T
	base string
}

// syncBuffer collects log output written from many goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer serves the router over st and returns a client and the
// captured debug-level logs.
func startServer(t *testing.T, st store.Store, cfg api.Config) (*client, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if cfg.Clock == nil {
		cfg.Clock = clock.New(st)
	}
	cfg.Accounts = accounts.New(st, accounts.Config{Logger: logger, Now: cfg.Clock.Now})
	cfg.Logger = logger
	if cfg.OpenAPI == nil {
		cfg.OpenAPI = emulator.OpenAPI
	}
	srv := httptest.NewServer(api.NewHandler(cfg))
	t.Cleanup(srv.Close)
	return &client{t: t, base: srv.URL}, logs
}

// response is a decoded answer.
type response struct {
	Status int
	Header http.Header
	Raw    []byte
	JSON   map[string]any
}

// code returns error.code of an error answer.
func (r response) code() string {
	e, _ := r.JSON["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func (r response) message() string {
	e, _ := r.JSON["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

func (r response) str(key string) string {
	s, _ := r.JSON[key].(string)
	return s
}

func (r response) String() string { return fmt.Sprintf("%d %s", r.Status, r.Raw) }

// do sends a request; body is JSON-encoded unless it is a string or []byte.
func (c *client) do(method, path, token string, body any, headers ...string) response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	return decodeResponse(c.t, resp)
}

// decodeResponse reads an answer, which must match openapi.yaml; a JSON
// answer must be a JSON object.
func decodeResponse(t *testing.T, resp *http.Response) response {
	t.Helper()
	raw, _ := io.ReadAll(resp.Body)
	checkAgainstSpec(t, resp.Request, resp.StatusCode, resp.Header, raw)
	out := response{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && resp.Request.Method != http.MethodHead {
		if err := json.Unmarshal(raw, &out.JSON); err != nil {
			t.Fatalf("%s %s: answer is not a JSON object: %v: %s", resp.Request.Method, resp.Request.URL, err, raw)
		}
	}
	return out
}

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

// must sends a request and fails the test unless the status is want.
func (c *client) must(want int, method, path, token string, body any) response {
	c.t.Helper()
	r := c.do(method, path, token, body)
	if r.Status != want {
		c.t.Fatalf("%s %s: got %s, want status %d", method, path, r, want)
	}
	return r
}

// workspace is a workspace made through the control plane, with its admin's
// session.
type workspace struct {
	ID, AdminID, AdminToken string
}

func (c *client) newWorkspace(name, adminEmail string) workspace {
	c.t.Helper()
	r := c.must(201, "POST", "/_emulator/workspaces", "", map[string]any{
		"name": name, "admin": map[string]any{"email": adminEmail, "name": "Admin of " + name},
	})
	ws := r.JSON["workspace"].(map[string]any)
	admin := r.JSON["admin"].(map[string]any)
	session := r.JSON["session"].(map[string]any)
	return workspace{ID: ws["id"].(string), AdminID: admin["id"].(string), AdminToken: session["token"].(string)}
}

// addMember adds a member as the admin and logs it in.
func (c *client) addMember(ws workspace, email string, role store.Role) (id, token string) {
	c.t.Helper()
	r := c.must(201, "POST", "/api/v1/workspace/members", ws.AdminToken, map[string]any{"email": email, "name": email, "role": role})
	id = r.str("id")
	return id, c.login(email)
}

func (c *client) login(email string) string {
	c.t.Helper()
	return c.must(201, "POST", "/api/v1/sessions", "", map[string]any{"email": email}).str("token")
}

func (c *client) newServiceAccount(ws workspace, name string) string {
	c.t.Helper()
	return c.must(201, "POST", "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": name}).str("id")
}

// items returns the items of a list answer.
func (r response) items() []map[string]any {
	raw, _ := r.JSON["items"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, it := range raw {
		out = append(out, it.(map[string]any))
	}
	return out
}

func newPublicKey(t *testing.T) string {
	t.Helper()
	pub, _, err := sshkey.Generate("test")
	if err != nil {
		t.Fatal(err)
	}
	return pub.Line
}
