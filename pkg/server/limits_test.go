package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/pkg/server"
)

// TestLimits checks, through a real listener, the limits README's "Limits"
// section and openapi.yaml document: request headers (64 KiB), request
// bodies (--max-body-bytes), page sizes (1 to 1000), name lengths (200).
func TestLimits(t *testing.T) {
	srv, c := start(t, server.Options{MaxBodyBytes: 4096})
	admin := c.NewWorkspace(t, "A", "a@a.test", nil).AdminToken

	send := func(t *testing.T, method, path string, body []byte, header http.Header) (int, string, http.Header) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL()+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if len(body) > 0 {
			req.Header.Set("Content-Type", "application/json")
		}
		for name, values := range header {
			req.Header[name] = values
		}
		r := c.Send(req)
		if r.Err != nil && r.Status == 0 {
			t.Fatal(r.Err)
		}
		return r.Status, string(r.Body), r.Header
	}

	t.Run("headers over 64 KiB are 431", func(t *testing.T) {
		big := http.Header{"X-Padding": {strings.Repeat("h", 100<<10)}}
		status, body, header := send(t, "GET", "/_emulator/healthz", nil, big)
		// Go's server answers this itself, before any handler, in plain text.
		if status != http.StatusRequestHeaderFieldsTooLarge || !strings.Contains(body, "Request Header Fields Too Large") ||
			!strings.HasPrefix(header.Get("Content-Type"), "text/plain") {
			t.Fatalf("100 KiB of headers: got %d %q (%s)", status, body, header.Get("Content-Type"))
		}
		// Just under the limit, the request reaches the router.
		status, body, _ = send(t, "GET", "/_emulator/healthz", nil, http.Header{"X-Padding": {strings.Repeat("h", 60<<10)}})
		if status != http.StatusOK {
			t.Fatalf("60 KiB of headers: got %d %s", status, body)
		}
	})

	t.Run("bodies over --max-body-bytes are 413 on every plane", func(t *testing.T) {
		huge := []byte(`{"name": "` + strings.Repeat("x", 8192) + `"}`)
		auth := http.Header{"Authorization": {"Bearer " + admin}, "Content-Type": {"application/json"}}
		status, body, _ := send(t, "POST", "/api/v1/workspace/service-accounts", huge, auth)
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "PAYLOAD_TOO_LARGE_ERROR") || !strings.Contains(body, `"limit":4096`) {
			t.Fatalf("management plane: got %d %s", status, body)
		}
		status, body, _ = send(t, "POST", "/_emulator/workspaces", huge, nil)
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "PAYLOAD_TOO_LARGE_ERROR") {
			t.Fatalf("control plane: got %d %s", status, body)
		}
		signer := c.GenerateKey(t, admin, testclient.MyKeys, "k").Signer
		for _, path := range []string{"/public/user", "/v2/public/datasets"} {
			r := c.SDK(context.Background(), testclient.SDKRequest{Method: "POST", Target: path, Body: string(huge), Signer: signer})
			if r.Status != http.StatusRequestEntityTooLarge || !json.Valid(r.Body) {
				t.Fatalf("SDK plane %s: got %s", path, r)
			}
		}
	})

	t.Run("page sizes are 1 to 1000", func(t *testing.T) {
		auth := http.Header{"Authorization": {"Bearer " + admin}}
		for size, want := range map[string]int{"0": 400, "1": 200, "1000": 200, "1001": 400} {
			for _, path := range []string{"/api/v1/workspace/members", "/_emulator/workspaces"} {
				if status, body, _ := send(t, "GET", path+"?pageSize="+size, nil, auth); status != want {
					t.Errorf("%s?pageSize=%s: got %d %s, want %d", path, size, status, body, want)
				}
			}
		}
	})

	t.Run("names are at most 200 characters", func(t *testing.T) {
		for n, want := range map[int]int{200: 201, 201: 400} {
			// Multi-byte characters: the limit counts characters, not bytes.
			name := strings.Repeat("é", n)
			r := c.Do(context.Background(), "POST", "/_emulator/workspaces", "", map[string]any{"name": name, "admin": map[string]string{"email": fmt.Sprintf("n%d@a.test", n), "name": "N"}})
			if r.Status != want {
				t.Errorf("a %d-character workspace name: got %s, want %d", n, r, want)
			}
		}
	})
}
