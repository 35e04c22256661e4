package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestAmbiguousJSONIsRefused sends bodies that could be read two ways, or
// that are not JSON by their Content-Type, to every plane: each is refused
// with a message naming what was wrong, and nothing is created.
func TestAmbiguousJSONIsRefused(t *testing.T) {
	onEachStore(t, func(t *testing.T, c *client, ws workspace) {
		members := "/api/v1/workspace/members"
		sas := "/api/v1/workspace/service-accounts"

		for _, tc := range []struct {
			name, method, path string
			body               any
			headers            []string
			status             int
			code, field        string
			mentions           string
		}{
			{"field of another case", "POST", members, `{"email": "m1@acme.test", "name": "M", "role": "member", "ROLE": "admin"}`, nil, 400, "INVALID_ARGUMENTS_ERROR", "ROLE", `did you mean "role"`},
			{"duplicate field", "POST", members, `{"email": "m2@acme.test", "name": "A", "role": "admin", "role": "member"}`, nil, 400, "INVALID_ARGUMENTS_ERROR", "role", "twice"},
			{"nested duplicate", "POST", "/_emulator/workspaces", `{"name": "W", "admin": {"email": "w@w.test", "email": "v@w.test", "name": "W"}}`, nil, 400, "INVALID_ARGUMENTS_ERROR", "admin.email", "twice"},
			{"text/plain", "POST", sas, `{"name": "bot"}`, []string{"Content-Type", "text/plain"}, 415, "UNSUPPORTED_MEDIA_TYPE_ERROR", "", "text/plain"},
			{"form", "POST", "/_emulator/workspaces", `{"name": "W"}`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "UNSUPPORTED_MEDIA_TYPE_ERROR", "", "application/json"},
			{"no Content-Type", "POST", "/api/v1/sessions", `{"email": "admin@acme.test"}`, []string{"Content-Type", ""}, 415, "UNSUPPORTED_MEDIA_TYPE_ERROR", "", "no Content-Type"},
			{"not UTF-8", "PATCH", "/_emulator/workspaces/" + ws.ID + "/quotas", `{"keysPerUser": 5}`, []string{"Content-Type", "application/json; charset=iso-8859-1"}, 415, "UNSUPPORTED_MEDIA_TYPE_ERROR", "", "UTF-8"},
			{"null name", "POST", sas, `{"name": null}`, nil, 400, "INVALID_ARGUMENTS_ERROR", "name", "null"},
			{"null public key", "POST", "/api/v1/me/keys", `{"title": "k", "publicKey": null}`, nil, 400, "INVALID_ARGUMENTS_ERROR", "publicKey", "leave publicKey out"},
			{"null quota", "PATCH", "/_emulator/workspaces/" + ws.ID + "/quotas", `{"keysPerUser": null}`, nil, 400, "INVALID_ARGUMENTS_ERROR", "keysPerUser", "null"},
			{"null role", "PATCH", sas + "/3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10", `{"role": null}`, nil, 400, "INVALID_ARGUMENTS_ERROR", "role", "null"},
			{"invalid UTF-8", "POST", sas, []byte("{\"name\": \"bot\xff\"}"), nil, 400, "INVALID_ARGUMENTS_ERROR", "name", "not UTF-8"},
			{"lone surrogate", "POST", sas, `{"name": "bot\ud800"}`, nil, 400, "INVALID_ARGUMENTS_ERROR", "name", `\ud800`},
			{"lone surrogate in a key title", "POST", "/api/v1/me/keys", `{"title": "\udc00"}`, nil, 400, "INVALID_ARGUMENTS_ERROR", "title", `\udc00`},
			{"state with a duplicate", "PUT", "/_emulator/state", `{"version": 1, "workspaces": [{"id": "w", "id": "v", "name": "W", "createdAt": "2025-01-02T03:04:05Z", "quotas": {"serviceAccounts": 1, "keysPerServiceAccount": 1, "keysPerUser": 1}}]}`, nil, 400, "INVALID_ARGUMENTS_ERROR", "/workspaces/0/id", "twice"},
			{"state with a null name", "PUT", "/_emulator/state", `{"version": 1, "workspaces": [{"id": "w", "name": null, "createdAt": "2025-01-02T03:04:05Z", "quotas": {"serviceAccounts": 1, "keysPerServiceAccount": 1, "keysPerUser": 1}}]}`, nil, 400, "INVALID_ARGUMENTS_ERROR", "/workspaces/0/name", "null"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := c.do(tc.method, tc.path, ws.AdminToken, tc.body, tc.headers...)
				e, _ := r.JSON["error"].(map[string]any)
				details, _ := e["details"].(map[string]any)
				field, _ := details["field"].(string)
				if r.Status != tc.status || r.code() != tc.code || field != tc.field || !strings.Contains(r.message(), tc.mentions) {
					t.Fatalf("got %.400s, want %d %s on field %q mentioning %q", r, tc.status, tc.code, tc.field, tc.mentions)
				}
			})
		}

		// Nothing of the above was created or changed.
		if got := c.must(200, "GET", members, ws.AdminToken, nil).items(); len(got) != 1 {
			t.Errorf("%d members, want the admin alone", len(got))
		}
		if got := c.must(200, "GET", sas, ws.AdminToken, nil).items(); len(got) != 0 {
			t.Errorf("%d service accounts, want none", len(got))
		}
		if got := c.must(200, "GET", "/api/v1/me/keys", ws.AdminToken, nil).items(); len(got) != 0 {
			t.Errorf("%d keys, want none: publicKey null must not generate a pair", len(got))
		}
		if got := c.must(200, "GET", "/_emulator/workspaces", "", nil).items(); len(got) != 1 {
			t.Errorf("%d workspaces, want the one of the test: the state import must not have happened", len(got))
		}

		// JSON under another declared JSON type, and UTF-8 declared, is JSON.
		c.must(201, "POST", "/api/v1/sessions", "", `{"email": "admin@acme.test"}`)
		r := c.do("POST", sas, ws.AdminToken, `{"name": "bot"}`, "Content-Type", "application/json; charset=UTF-8")
		if r.Status != 201 {
			t.Fatalf("charset=UTF-8: got %s, want 201", r)
		}
		// A request without a body needs no Content-Type.
		if r := c.do("DELETE", "/api/v1/workspace/service-accounts/"+r.str("id"), ws.AdminToken, nil, "Content-Type", "text/plain"); r.Status != 204 {
			t.Fatalf("DELETE without a body: got %s, want 204", r)
		}
		// An empty body is missing, whatever its type says.
		if r := c.do("POST", "/api/v1/sessions", "", "", "Content-Type", "text/plain"); r.Status != 400 || !strings.Contains(r.message(), "empty") {
			t.Fatalf("empty body: got %s, want 400 saying it is empty", r)
		}
	})
}

// TestSDKPlaneReadsWhatTheSDKSends checks the SDK plane's reader: fields it
// does not know stay tolerated (a newer SDK may send more), but a field of
// another case is not the field, and duplicates, invalid UTF-8, null where
// a value is required and bodies that are not JSON are refused, in both
// dialects.
func TestSDKPlaneReadsWhatTheSDKSends(t *testing.T) {
	onEachStore(t, func(t *testing.T, c *client, ws workspace) {
		admin, _ := c.newSigner(ws.AdminToken, "/api/v1/me/keys")
		post := func(target, body string, tamper func(*http.Request)) response {
			return c.sdk(admin, sdkRequest{method: "POST", target: target, body: body, tamper: tamper})
		}
		textPlain := func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }

		r := post("/v2/public/datasets", `{"title": "Cats", "description": "", "createBackingFolder": false, "legacyCall": false, "future": {"x": 1}}`, nil)
		if r.Status != 200 || r.str("datasetUuid") == "" {
			t.Fatalf("a body with fields the emulator does not know: got %s, want 200", r)
		}
		wantV2(t, post("/v2/public/datasets", `{"TITLE": "Cats"}`, nil), 400, "title is required")
		wantV2(t, post("/v2/public/datasets", `{"title": "Cats", "title": "Dogs"}`, nil), 400, `"title" appears twice`)
		wantV2(t, post("/v2/public/ontologies", "{\"title\": \"O\xff\"}", nil), 400, "title holds bytes that are not UTF-8")
		wantV2(t, post("/v2/public/storage/folders", `{"name": "\ud800"}`, nil), 400, `\ud800`)
		wantV2(t, post("/v2/public/storage/folders", `{"name": null}`, nil), 400, "name is null")
		wantV2(t, post("/v2/public/datasets", `{"title": "Cats"}`, textPlain), 415, "text/plain")
		// What the SDK sends as null stays accepted.
		if r := post("/v2/public/storage/folders", `{"name": "F", "description": null, "parent": null, "clientMetadata": null}`, nil); r.Status != 200 {
			t.Fatalf("a folder with the SDK's nulls: got %s, want 200", r)
		}

		payload := func(p string) string {
			return `{"query_type": "project", "query_method": "POST", "values": {"uid": null, "payload": ` + p + `}}`
		}
		wantV1(t, c.sdk(admin, v1(payload(`{"title": "P", "title": "Q", "dataset_hashes": []}`))), 400, "INVALID_ARGUMENTS_ERROR", `"values.payload.title" appears twice`)
		wantV1(t, c.sdk(admin, v1(`{"query_type": "project", "query_type": "projectwithuserrole", "query_method": "GET"}`)), 400, "INVALID_ARGUMENTS_ERROR", `"query_type" appears twice`)
		// uid may be any JSON value: a list of strings is still the call.
		wantV1(t, c.sdk(admin, v1(`{"query_type": "labelrow", "query_method": "GET", "values": {"uid": ["a", "b"], "payload": null}}`)), 501, "NOT_IMPLEMENTED_ERROR", "labelrow")
		wantV1(t, c.sdk(admin, v1(payload(`["P"]`))), 400, "INVALID_ARGUMENTS_ERROR", "values.payload must be a JSON object, not an array")
		wantV1(t, c.sdk(admin, v1(payload(`{"title": null}`))), 400, "INVALID_ARGUMENTS_ERROR", "values.payload.title is null")
		req := v1(v1GetProjects)
		req.tamper = textPlain
		wantV1(t, c.sdk(admin, req), 415, "UNSUPPORTED_MEDIA_TYPE_ERROR", "text/plain")
		if r := c.sdk(admin, v1(payload(`{"title": "P", "description": "", "dataset_hashes": [], "workflow_type": "manual", "source_projects": []}`))); r.Status != 200 {
			t.Fatalf("create_project with a field the emulator does not know: got %s, want 200", r)
		}
	})
}
