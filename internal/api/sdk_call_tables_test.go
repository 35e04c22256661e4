package api_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestSDKCallTables checks the tables of the SDK's calls over the whole
// range 0.1.84 to 0.1.190: a call some release makes and the emulator does
// not emulate is a 501 that names itself (and, on v1, the releases that
// make it); a call no release makes is a 400 (v1) or a 404 (v2).
func TestSDKCallTables(t *testing.T) {
	onEachStore(t, testSDKCallTables)
}

func testSDKCallTables(t *testing.T, c *client, ws workspace) {
	u := sdkUser{c: c, signer: c.sdkKey("/api/v1/me/keys", ws.AdminToken)}
	f := oldestFamily
	for _, tc := range []struct {
		queryType, method string
		scoped            bool
		status            int
		inMessage         string
	}{
		// Sent only by releases before 0.1.190, not emulated.
		{"labelstatus", "POST", true, 501, `"labelstatus" with query_method POST on POST /public is an Encord SDK call (releases 0.1.84–0.1.162)`},
		{"model", "DELETE", true, 501, "(releases 0.1.84–0.1.155)"},
		{"signedaudiourl", "GET", true, 501, "(releases 0.1.125–0.1.164)"},
		{"apikeymeta", "GET", false, 501, "(releases 0.1.84–0.1.145)"},
		{"ontology", "PUT", true, 501, "(releases 0.1.84–0.1.152)"},
		{"projectimportercvatinfo", "POST", false, 501, "(releases 0.1.84–0.1.142)"},
		// Sent by 0.1.190 too.
		{"labelrow", "GET", true, 501, "(releases 0.1.84–0.1.190)"},
		// Sent by no release.
		{"projects", "GET", false, 400, `unknown v1 query_type "projects": no Encord SDK release from 0.1.84 to 0.1.190 sends it`},
		{"ontology", "DELETE", true, 400, `v1 query_type "ontology" with query_method "DELETE": no Encord SDK release from 0.1.84 to 0.1.190 sends it`},
	} {
		body := fmt.Sprintf(`{"query_type": %q, "query_method": %q, "values": {"uid": null, "payload": null}}`, tc.queryType, tc.method)
		var r response
		if tc.scoped {
			r = u.resourceCall(f, "project", "0b8f9e8c-1111-4222-8333-444455556666", body)
		} else {
			r = u.userCall(f, body)
		}
		code := map[int]string{501: "NOT_IMPLEMENTED_ERROR", 400: "INVALID_ARGUMENTS_ERROR"}[tc.status]
		v1Error(t, r, tc.status, code)
		if msg := r.JSON["payload"].(string); !strings.Contains(msg, tc.inMessage) {
			t.Errorf("%s %s: message %q does not say %q", tc.queryType, tc.method, msg, tc.inMessage)
		}
	}

	v2 := releaseFamilies[6] // 0.1.118
	for _, tc := range []struct {
		method, target, pattern string
		status                  int
	}{
		{"POST", "/v2/public/ml-models/m1/training", "/v2/public/ml-models/{modelHash}/training", 501},
		{"GET", "/v2/public/ml-models/m1/t1/training", "/v2/public/ml-models/{modelHash}/{trainingHash}/training", 501},
		{"GET", "/v2/public/organisation/12/client-metadata-schema", "/v2/public/organisation/{organisationId}/client-metadata-schema", 501},
		{"GET", "/v2/public/storage/search/items?search=x", "/v2/public/storage/search/items", 501},
		{"GET", "/v2/public/storage/search/folders", "/v2/public/storage/search/folders", 501},
		{"POST", "/v2/public/storage/folders/0b8f9e8c-1111-4222-8333-444455556666/create-group-item", "/v2/public/storage/folders/{folderUuid}/create-group-item", 501},
		{"POST", "/v2/public/projects/0b8f9e8c-1111-4222-8333-444455556666/issues", "/v2/public/projects/{projectHash}/issues", 501},
		{"GET", "/v2/public/projects/p/workflow/stages/s/tasks", "/v2/public/projects/{projectHash}/workflow/stages/{stageUuid}/tasks", 501},
		{"POST", "/v2/public/storage/items/migrate-storage", "/v2/public/storage/items/migrate-storage", 501},
		{"GET", "/v2/public/user/bearer-tokens", "", 404},
	} {
		body := ""
		if tc.method == "POST" {
			body = "{}"
		}
		r := u.sendAs(v2, newTraceID(), tc.method, tc.target, body, v2.v2GetHeaders...)
		want := tc.method + " " + tc.pattern + " is an Encord SDK endpoint the emulator does not emulate yet"
		if tc.status == 404 {
			want = "is not an endpoint of any Encord SDK release from 0.1.84 to 0.1.190"
		}
		if r.Status != tc.status || !strings.Contains(r.str("message"), want) {
			t.Errorf("%s %s: got %s, want %d saying %q", tc.method, tc.target, r, tc.status, want)
		}
	}
}
