package api_test

import (
	"net/http"
	"testing"
	"time"
)

// TestSDKBearerTokenLegacyPath checks GET /v2/public/user/bearer_token,
// which releases 0.1.110 to 0.1.143 call: it mints as the hyphenated path
// does, its signature covers the path as sent (no rewrite before
// verification), and the token works on both SDK planes.
func TestSDKBearerTokenLegacyPath(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		for _, f := range []releaseFamily{releaseFamilies[4], releaseFamilies[6]} { // 0.1.110 (extra GET headers), 0.1.118
			trace := newTraceID()
			r := w.memberSA.sendAs(f, trace, "GET", "/v2/public/user/bearer_token", "", f.v2GetHeaders...)
			token, _ := r.JSON["token"].(string)
			if r.Status != http.StatusOK || len(r.JSON) != 1 || token == "" || r.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("%s: GET /v2/public/user/bearer_token: %s, want 200 {\"token\"} with Cache-Control: no-store", f.release, r)
			}
			// The token is the service account's, on v1 and v2.
			r = w.c.sdk(nil, sdkRequest{method: "POST", target: "/public/user", body: getProjectsBody, bearer: token})
			v1Success(t, "get_projects with the token", r)
			if r := w.c.sdk(nil, sdkRequest{target: "/v2/public/user/current-organisation/groups", bearer: token}); r.Status != http.StatusOK {
				t.Fatalf("list_groups with the token: %s", r)
			}
			entries := w.c.must(200, "GET", "/_emulator/requests?traceId="+trace, "", nil).items()
			if len(entries) != 1 || entries[0]["target"] != "/v2/public/user/bearer_token" || entries[0]["outcome"] != "allowed" {
				t.Fatalf("journal of the alias: %v, want one allowed decision on the path as sent", entries)
			}
		}

		// A signature over the hyphenated path does not cover the alias:
		// the server verifies the target it received.
		header := http.Header{}
		w.bob.signer.SignV2("GET", "/v2/public/user/bearer-token", nil, time.Now().Unix()).Apply(header)
		if r := w.c.sdk(nil, sdkRequest{target: "/v2/public/user/bearer_token", header: header}); r.Status != http.StatusUnauthorized {
			t.Fatalf("signature over another path: %s, want 401", r)
		}
	})
}
