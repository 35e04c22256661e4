package api_test

import (
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// TestMethodNotAllowedSaysAllow checks that every 405, on every plane,
// lists the methods of the path in an Allow header.
func TestMethodNotAllowedSaysAllow(t *testing.T) {
	onEachStore(t, func(t *testing.T, c *client, ws workspace) {
		admin, _ := c.newSigner(ws.AdminToken, "/api/v1/me/keys")
		const id = "3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10"
		for _, tc := range []struct {
			name  string
			r     response
			allow string
		}{
			{"management", c.do("PUT", "/api/v1/workspace/members", ws.AdminToken, nil), "GET, HEAD, POST"},
			{"management, by id", c.do("GET", "/api/v1/workspace/members/"+id, ws.AdminToken, nil), "PATCH, DELETE"},
			{"control", c.do("DELETE", "/_emulator/state", "", nil), "GET, HEAD, PUT"},
			{"spec", c.do("POST", "/openapi.yaml", "", nil), "GET, HEAD"},
			{"v1", c.do("GET", "/public/user", "", nil), "POST"},
			{"v1, HEAD", c.do("HEAD", "/public", "", nil), "POST"},
			{"v2", c.sdk(admin, sdkRequest{method: "DELETE", target: "/v2/public/projects"}), "GET, HEAD"},
			{"v2, emulated and not", c.sdk(admin, sdkRequest{method: "DELETE", target: "/v2/public/ontologies/" + id}), "GET, HEAD, PUT"},
		} {
			if tc.r.Status != 405 || tc.r.Header.Get("Allow") != tc.allow {
				t.Errorf("%s: got %d with Allow %q, want 405 with Allow %q: %s", tc.name, tc.r.Status, tc.r.Header.Get("Allow"), tc.allow, tc.r)
			}
		}
	})
}

// TestHeadAnswersAsGet checks that HEAD on a GET route answers as GET
// does, status and headers, without the body, on every plane.
func TestHeadAnswersAsGet(t *testing.T) {
	onEachStore(t, func(t *testing.T, c *client, ws workspace) {
		admin, _ := c.newSigner(ws.AdminToken, "/api/v1/me/keys")
		for _, tc := range []struct {
			name      string
			get, head func() response
		}{
			{"management", func() response { return c.do("GET", "/api/v1/me", ws.AdminToken, nil) }, func() response { return c.do("HEAD", "/api/v1/me", ws.AdminToken, nil) }},
			{"management list", func() response { return c.do("GET", "/api/v1/workspace/members", ws.AdminToken, nil) }, func() response { return c.do("HEAD", "/api/v1/workspace/members", ws.AdminToken, nil) }},
			{"management, denied", func() response { return c.do("GET", "/api/v1/me", "", nil) }, func() response { return c.do("HEAD", "/api/v1/me", "", nil) }},
			{"control", func() response { return c.do("GET", "/_emulator/healthz", "", nil) }, func() response { return c.do("HEAD", "/_emulator/healthz", "", nil) }},
			{"spec", func() response { return c.do("GET", "/openapi.yaml", "", nil) }, func() response { return c.do("HEAD", "/openapi.yaml", "", nil) }},
			{"v2", func() response { return c.sdk(admin, sdkRequest{target: "/v2/public/projects"}) }, func() response { return c.sdk(admin, sdkRequest{method: "HEAD", target: "/v2/public/projects"}) }},
		} {
			get, head := tc.get(), tc.head()
			if head.Status != get.Status || len(head.Raw) != 0 ||
				head.Header.Get("Content-Type") != get.Header.Get("Content-Type") || head.Header.Get("Content-Length") != get.Header.Get("Content-Length") {
				t.Errorf("%s: HEAD answered %d %q (Content-Type %q, Content-Length %q); GET %d (%q, %q)", tc.name,
					head.Status, head.Raw, head.Header.Get("Content-Type"), head.Header.Get("Content-Length"),
					get.Status, get.Header.Get("Content-Type"), get.Header.Get("Content-Length"))
			}
		}
	})
}

// TestCredentialsAreNotCached checks that every answer carrying a session
// or bearer token, or a private key, says Cache-Control: no-store, and
// that other answers do not need to.
func TestCredentialsAreNotCached(t *testing.T) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		c, _ := startServer(t, newStore(t), api.Config{})
		created := c.do("POST", "/_emulator/workspaces", "", map[string]any{"name": "Acme", "admin": map[string]any{"email": "admin@acme.test", "name": "Ada"}})
		token := created.JSON["session"].(map[string]any)["token"].(string)
		admin, _ := c.newSigner(token, "/api/v1/me/keys")
		for _, tc := range []struct {
			name string
			r    response
		}{
			{"workspace creation (admin session)", created},
			{"login", c.do("POST", "/api/v1/sessions", "", map[string]any{"email": "admin@acme.test"})},
			{"generated key", c.do("POST", "/api/v1/me/keys", token, map[string]any{"title": "k"})},
			{"bearer token", c.sdk(admin, sdkRequest{target: v2BearerPath})},
		} {
			if tc.r.Status >= 300 || tc.r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: got %d with Cache-Control %q, want a success with no-store: %s", tc.name, tc.r.Status, tc.r.Header.Get("Cache-Control"), tc.r)
			}
		}
		if r := c.do("GET", "/api/v1/me", token, nil); strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
			t.Errorf("GET /api/v1/me carries no credential but says Cache-Control %q", r.Header.Get("Cache-Control"))
		}
	})
}
