package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestJournalRecordsSDKRelease checks that the journal names the SDK
// release of each request from its User-Agent, in every form the releases
// send, and nothing for another client; and that it marks a v2 signature
// that verified over the percent-decoded target, as 0.1.127 signs.
func TestJournalRecordsSDKRelease(t *testing.T) {
	onEachStore(t, testJournalRecordsSDKRelease)
}

func testJournalRecordsSDKRelease(t *testing.T, c *client, ws workspace) {
	signer := c.sdkKey("/api/v1/me/keys", ws.AdminToken)
	send := func(userAgent, target, signedTarget string) map[string]any {
		t.Helper()
		trace := newTraceID()
		header := http.Header{}
		header.Set("X-Cloud-Trace-Context", trace+"/1;o=1")
		if userAgent != "" {
			header.Set("User-Agent", userAgent)
		}
		signer.SignV2("GET", signedTarget, nil, time.Now().Unix()).Apply(header)
		if r := c.sdk(nil, sdkRequest{target: target, header: header}); r.Status != http.StatusOK {
			t.Fatalf("GET %s: %s", target, r)
		}
		entries := c.must(200, "GET", "/_emulator/requests?traceId="+trace, "", nil).items()
		if len(entries) != 1 {
			t.Fatalf("journal for trace %s: %v", trace, entries)
		}
		return entries[0]
	}
	const groups = "/v2/public/user/current-organisation/groups"
	for _, tc := range []struct{ userAgent, release string }{
		{"encord-sdk-python/0.1.84 python/3.11.7", "0.1.84"},
		{"encord-sdk-python/0.1.145 python/3.11.7 pydantic/2.13.4", "0.1.145"},
		{"encord-sdk-python/0.1.190 python/3.12.1 pydantic/2.9.2 my-pipeline/2.0", "0.1.190"},
		{"encord-sdk-python/0.1.191rc1 python/3.13.0", "0.1.191rc1"},
		{"python-requests/2.31.0", ""},
		{"", ""},
		{"encord-sdk-python/ python/3.11.7", ""},
		{"encord-sdk-python/<script> python/3.11.7", ""},
		{"encord-sdk-python/" + strings.Repeat("1", 40) + " python/3.11.7", ""},
	} {
		e := send(tc.userAgent, groups, groups)
		if got, _ := e["sdkRelease"].(string); got != tc.release {
			t.Errorf("User-Agent %q: sdkRelease %q, want %q", tc.userAgent, got, tc.release)
		}
		if _, ok := e["decodedTarget"]; ok {
			t.Errorf("User-Agent %q: decodedTarget set on a raw-target signature: %v", tc.userAgent, e)
		}
	}

	// 0.1.127 signs the decoded target of a query with escapes.
	const raw = "/v2/public/storage/folders?search=a%2Fb+%C3%BC%26c&isRecursive=False&order=name&desc=False&pageSize=100"
	const decoded = "/v2/public/storage/folders?search=a/b+ü&c&isRecursive=False&order=name&desc=False&pageSize=100"
	e := send("encord-sdk-python/0.1.127 python/3.11.7", raw, decoded)
	if e["decodedTarget"] != true || e["sdkRelease"] != "0.1.127" || e["target"] != raw {
		t.Fatalf("0.1.127's request: journal entry %v, want decodedTarget true, sdkRelease 0.1.127 and the raw target", e)
	}
}
