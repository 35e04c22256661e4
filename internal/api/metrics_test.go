package api_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/testclient"
)

const adminToken = "metrics-admin-token"

func scrapeMetrics(t *testing.T, c *client) testclient.Scrape {
	t.Helper()
	r := c.must(200, "GET", "/metrics", adminToken, nil)
	s, err := testclient.ParseScrape(bytes.NewReader(r.Raw))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Counters move by exactly the requests made, under route patterns.
func TestMetrics(t *testing.T) {
	c, _ := startServer(t, memory.New(), api.Config{AdminToken: adminToken})
	if r := c.do("GET", "/metrics", "", nil); r.Status != 401 {
		t.Fatalf("GET /metrics without the admin token: %s, want 401", r)
	}
	created := c.must(201, "POST", "/_emulator/workspaces", adminToken, map[string]any{"name": "M", "admin": map[string]any{"email": "m@m.test", "name": "M"}})
	session := created.JSON["session"].(map[string]any)["token"].(string)
	signer, _ := c.newSigner(session, "/api/v1/me/keys")
	c.must(201, "POST", "/_emulator/faults", adminToken, map[string]any{"match": map[string]any{"path": "/public/user"}, "action": map[string]any{"status": 429}, "fire": map[string]any{"times": 2}})

	before := scrapeMetrics(t, c)
	var hashes []string
	for range 3 {
		hash := uuid.NewString()
		hashes = append(hashes, hash)
		wantV2(t, c.sdk(signer, sdkRequest{target: "/v2/public/projects/" + hash}), 404, "")
	}
	for range 3 {
		c.sdk(signer, v1(v1GetProjects)) // two rate-limited, then served
	}
	for range 2 {
		wantV2(t, c.sdk(nil, sdkRequest{target: "/v2/public/projects"}), 401, "")
	}
	after := scrapeMetrics(t, c)

	moves := []struct {
		family string
		labels testclient.Labels
		want   float64
	}{
		{"encord_emulator_http_requests_total", testclient.Labels{"plane": "sdk", "route": "/v2/public/projects/{projectHash}", "method": "GET", "status": "404"}, 3},
		{"encord_emulator_http_request_duration_seconds", testclient.Labels{"plane": "sdk", "route": "/v2/public/projects/{projectHash}", "method": "GET"}, 3},
		{"encord_emulator_http_requests_total", testclient.Labels{"plane": "sdk", "route": "/public/user", "status": "429"}, 2},
		{"encord_emulator_http_requests_total", testclient.Labels{"plane": "sdk", "route": "/public/user", "status": "200"}, 1},
		{"encord_emulator_http_requests_total", testclient.Labels{"plane": "sdk", "route": "/v2/public/projects", "status": "401"}, 2},
		{"encord_emulator_http_requests_total", testclient.Labels{"plane": "sdk"}, 8},
		{"encord_emulator_sdk_auth_decisions_total", testclient.Labels{"scheme": "none", "outcome": "denied", "reason": "no_credentials"}, 2},
		{"encord_emulator_sdk_auth_decisions_total", testclient.Labels{"scheme": "v2", "outcome": "allowed"}, 3},
		{"encord_emulator_sdk_auth_decisions_total", testclient.Labels{"scheme": "v1", "outcome": "allowed"}, 3},
		{"encord_emulator_faults_fired_total", testclient.Labels{"plane": "sdk", "action": "status", "status": "429"}, 2},
		{"encord_emulator_http_requests_total", testclient.Labels{"plane": "control", "route": "/metrics", "status": "200"}, 1}, // the first scrape
	}
	for _, m := range moves {
		if got := after.Sum(m.family, m.labels) - before.Sum(m.family, m.labels); got != m.want {
			t.Errorf("%s%v moved by %v, want %v", m.family, m.labels, got, m.want)
		}
	}
	for _, route := range after.LabelValues("encord_emulator_http_requests_total", "route") {
		for _, hash := range hashes {
			if strings.Contains(route, hash) {
				t.Errorf("route label %q holds a raw path", route)
			}
		}
	}
}
