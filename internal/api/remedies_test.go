package api_test

import (
	"strings"
	"testing"
)

// TestRemediesNameTheirRoutes checks that errors whose remedy is a route
// of the API name that route in their message, on every plane: package
// accounts names the remedy, the API spells it out.
func TestRemediesNameTheirRoutes(t *testing.T) {
	onEachStore(t, func(t *testing.T, c *client, ws workspace) {
		const unknown = "3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10"
		c.must(201, "POST", "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": "bot"})

		for _, tc := range []struct {
			name     string
			r        response
			mentions string
		}{
			{"unknown session", c.do("GET", "/api/v1/me", "nonsense", nil), "POST /api/v1/sessions"},
			{"unknown email", c.do("POST", "/api/v1/sessions", "", map[string]any{"email": "nobody@acme.test"}), "POST /api/v1/workspace/members"},
			{"unknown member", c.do("GET", "/api/v1/workspace/members/"+unknown+"/keys", ws.AdminToken, nil), "GET /api/v1/workspace/members"},
			{"unknown service account", c.do("GET", "/api/v1/workspace/service-accounts/"+unknown, ws.AdminToken, nil), "GET /api/v1/workspace/service-accounts"},
			{"unknown workspace", c.do("GET", "/_emulator/workspaces/"+unknown, "", nil), "GET /_emulator/workspaces"},
			{"quota", c.do("POST", "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": "bot2"}), "raise the workspace's serviceAccounts quota with PATCH /_emulator/workspaces/" + ws.ID + "/quotas"},
		} {
			if msg := tc.r.message(); !strings.Contains(msg, tc.mentions) {
				t.Errorf("%s: message %q does not mention %q", tc.name, msg, tc.mentions)
			}
		}

		stranger := unregisteredSigner(t)
		wantV2(t, c.sdk(stranger, sdkRequest{target: v2BearerPath}), 401, "Register its public half with POST /api/v1/me/keys")
		wantV1(t, c.sdk(stranger, v1(v1GetProjects)), 400, "SSH_KEY_NOT_FOUND_ERROR", "Register its public half with POST /api/v1/me/keys")
		session := c.login("admin@acme.test")
		wantV2(t, c.sdk(nil, sdkRequest{target: "/v2/public/projects", bearer: session}), 401, "from GET /v2/public/user/bearer-token")
	})
}
