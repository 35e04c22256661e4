package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// textField is one user-supplied string of one call, on any plane: send
// makes the call with value in the field, every other field valid.
type textField struct {
	call, field string
	kind        string // "name" (names and titles), "description" or "email"
	send        func(value string) response
}

// refusedText are values the text policy refuses, by kind of field, with
// the reason the answer must give.
var refusedText = map[string][]struct{ value, reason string }{
	"name": {
		{"a\u0000b", "control_character"},
		{"\u200b", "blank"},        // a zero-width space alone
		{"\u200b \u200b", "blank"}, // and with spaces
		{"inv\u202eoice.pdf", "bidi_control"},
		{"line\u2028separator", "line_separator"},
		{"tab\tinside", "control_character"},
		{"", "blank"},
		{strings.Repeat("é", 201), "too_long"},
	},
	"description": {
		{"a\u0000b", "control_character"},
		{"x\u202ey", "bidi_control"},
		{"a\u2028b", "line_separator"},
		{"carriage\rreturn", "control_character"},
		{strings.Repeat("x", 2001), "too_long"},
	},
	"email": {
		{"ada\u0000@acme.test", "control_character"},
		{"ada\u200b@acme.test", "invisible_character"},
		{"ad\u202ea@acme.test", "bidi_control"},
		{"ada", "not_an_email"},
	},
}

// TestTextPolicyOnEveryPath pins docs/rules.md, Text: every user-supplied string, on every
// plane, is refused with 400 naming the field when the text policy refuses it, on both
// stores alike (a NUL in a description was a 500 on Postgres), and accepted as written
// otherwise.
func TestTextPolicyOnEveryPath(t *testing.T) {
	onEachStore(t, func(t *testing.T, c *client, ws workspace) {
		c.must(200, "PATCH", "/_emulator/workspaces/"+ws.ID+"/quotas", "", map[string]any{"serviceAccounts": 100})
		sa := c.newServiceAccount(ws, "robot")
		signer, _ := c.newSigner(ws.AdminToken, "/api/v1/me/keys")
		unique := 0
		next := func() string { unique++; return fmt.Sprintf("n%d", unique) }
		jsonBody := func(fields map[string]any) string {
			b, err := json.Marshal(fields)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		v2 := func(target string, fields map[string]any) response {
			return c.sdk(signer, sdkRequest{method: "POST", target: target, body: jsonBody(fields)})
		}
		v1Project := func(payload map[string]any) response {
			return c.sdk(signer, v1(`{"query_type": "project", "query_method": "POST", "values": {"uid": null, "payload": `+jsonBody(payload)+`}}`))
		}
		resources := "/_emulator/workspaces/" + ws.ID + "/resources"

		fields := []textField{
			{"POST /_emulator/workspaces", "name", "name", func(v string) response {
				return c.do("POST", "/_emulator/workspaces", "", map[string]any{"name": v, "admin": map[string]any{"email": next() + "@acme.test", "name": "A"}})
			}},
			{"POST /_emulator/workspaces", "admin.name", "name", func(v string) response {
				return c.do("POST", "/_emulator/workspaces", "", map[string]any{"name": "W", "admin": map[string]any{"email": next() + "@acme.test", "name": v}})
			}},
			{"POST /_emulator/workspaces", "admin.email", "email", func(v string) response {
				return c.do("POST", "/_emulator/workspaces", "", map[string]any{"name": "W", "admin": map[string]any{"email": v, "name": "A"}})
			}},
			{"POST /api/v1/sessions", "email", "email", func(v string) response {
				return c.do("POST", "/api/v1/sessions", "", map[string]any{"email": v})
			}},
			{"POST /api/v1/workspace/members", "name", "name", func(v string) response {
				return c.do("POST", "/api/v1/workspace/members", ws.AdminToken, map[string]any{"email": next() + "@acme.test", "name": v})
			}},
			{"POST /api/v1/workspace/members", "email", "email", func(v string) response {
				return c.do("POST", "/api/v1/workspace/members", ws.AdminToken, map[string]any{"email": v, "name": "B"})
			}},
			{"POST /api/v1/workspace/service-accounts", "name", "name", func(v string) response {
				return c.do("POST", "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": v})
			}},
			{"POST /api/v1/workspace/service-accounts", "description", "description", func(v string) response {
				return c.do("POST", "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": next(), "description": v})
			}},
			{"PATCH /api/v1/workspace/service-accounts/{saId}", "description", "description", func(v string) response {
				return c.do("PATCH", "/api/v1/workspace/service-accounts/"+sa, ws.AdminToken, map[string]any{"description": v})
			}},
			{"POST /api/v1/me/keys", "title", "name", func(v string) response {
				return c.do("POST", "/api/v1/me/keys", ws.AdminToken, map[string]any{"title": v})
			}},
			{"POST /_emulator/workspaces/{workspaceId}/resources", "title", "name", func(v string) response {
				return c.do("POST", resources, "", map[string]any{"kind": "project", "title": v})
			}},
			{"POST /_emulator/workspaces/{workspaceId}/resources", "description", "description", func(v string) response {
				return c.do("POST", resources, "", map[string]any{"kind": "dataset", "title": "D", "description": v})
			}},
			{"POST /_emulator/workspaces/{workspaceId}/resources", "tags[1]", "name", func(v string) response {
				return c.do("POST", resources, "", map[string]any{"kind": "project", "title": "P", "tags": []string{"ok", v}})
			}},
			{"POST /v2/public/datasets", "title", "name", func(v string) response {
				return v2("/v2/public/datasets", map[string]any{"title": v, "description": "", "createBackingFolder": false, "legacyCall": false})
			}},
			{"POST /v2/public/datasets", "description", "description", func(v string) response {
				return v2("/v2/public/datasets", map[string]any{"title": "D", "description": v, "createBackingFolder": false, "legacyCall": false})
			}},
			{"POST /v2/public/storage/folders", "name", "name", func(v string) response {
				return v2("/v2/public/storage/folders", map[string]any{"name": v, "description": nil, "parent": nil, "clientMetadata": nil})
			}},
			{"POST /v2/public/storage/folders", "description", "description", func(v string) response {
				return v2("/v2/public/storage/folders", map[string]any{"name": "F", "description": v, "parent": nil, "clientMetadata": nil})
			}},
			{"POST /v2/public/ontologies", "title", "name", func(v string) response {
				return v2("/v2/public/ontologies", map[string]any{"title": v, "description": ""})
			}},
			{"POST /v2/public/ontologies", "description", "description", func(v string) response {
				return v2("/v2/public/ontologies", map[string]any{"title": "O", "description": v})
			}},
			{"v1 create_project", "title", "name", func(v string) response {
				return v1Project(map[string]any{"title": v, "description": "", "dataset_hashes": []string{}})
			}},
			{"v1 create_project", "description", "description", func(v string) response {
				return v1Project(map[string]any{"title": "P", "description": v, "dataset_hashes": []string{}})
			}},
		}

		for _, f := range fields {
			for _, bad := range refusedText[f.kind] {
				r := f.send(bad.value)
				if r.Status != 400 {
					t.Errorf("%s with %s %q: got %s, want 400", f.call, f.field, bad.value, shorten(r))
					continue
				}
				wantNamesField(t, f, bad.value, bad.reason, r)
			}
		}

		// What the policy allows on purpose is accepted and stored as
		// written (names trimmed).
		r := c.must(201, "POST", "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{
			"name": "  👩\u200d💻 שלום  ", "description": "line one\r\nline two\n\tindented",
		})
		if r.str("name") != "👩\u200d💻 שלום" || r.str("description") != "line one\r\nline two\n\tindented" {
			t.Errorf("accepted service account: name %q, description %q", r.str("name"), r.str("description"))
		}
		if r := v2("/v2/public/datasets", map[string]any{"title": "Ünïcode 日本", "description": "tab\there", "createBackingFolder": false, "legacyCall": false}); r.Status != 200 {
			t.Errorf("a dataset with ordinary Unicode: got %s", shorten(r))
		}
	})
}

// wantNamesField checks that a 400 names the field and gives the reason,
// in the dialect of the call's plane.
func wantNamesField(t *testing.T, f textField, value, reason string, r response) {
	t.Helper()
	switch {
	case strings.HasPrefix(f.call, "v1 "):
		payload, _ := r.JSON["payload"].(string)
		if !strings.Contains(payload, f.field) {
			t.Errorf("%s with %s %q: payload %q does not name the field", f.call, f.field, value, payload)
		}
	case strings.Contains(f.call, "/v2/"):
		msg, _ := r.JSON["message"].(string)
		if !strings.HasPrefix(msg, f.field) {
			t.Errorf("%s with %s %q: message %q does not start with the field", f.call, f.field, value, msg)
		}
	default:
		e, _ := r.JSON["error"].(map[string]any)
		details, _ := e["details"].(map[string]any)
		if e["code"] != "INVALID_ARGUMENTS_ERROR" || details["field"] != f.field || details["reason"] != reason ||
			!strings.HasPrefix(r.message(), f.field) {
			t.Errorf("%s with %s %q: got %s, want INVALID_ARGUMENTS_ERROR naming %s, reason %s", f.call, f.field, value, shorten(r), f.field, reason)
		}
	}
}

// shorten prints a response without the thousands of characters a long
// value echoes back.
func shorten(r response) string {
	s := r.String()
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
