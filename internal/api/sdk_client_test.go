package api_test

import (
	"net/http"
	"testing"

	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// The SDK as the tests of this package drive it: requests signed as the
// Encord SDK signs them, on v2 and v1.

// sdkUser sends requests signed exactly as the Encord SDK signs them, with
// a key registered through the management plane.
type sdkUser struct {
	c      *client
	signer *encordsign.Signer
	owner  map[string]any // {"type", "id"} for the control plane
}

// send signs and sends one SDK request; body "" sends none.
func (u sdkUser) send(method, target, body string, headers ...string) response {
	u.c.t.Helper()
	header := http.Header{}
	for i := 0; i+1 < len(headers); i += 2 {
		header.Set(headers[i], headers[i+1])
	}
	r := u.c.sdk(u.signer, sdkRequest{method: method, target: target, body: body, header: header})
	if r.JSON == nil {
		u.c.t.Fatalf("%s %s: answer is not a JSON object: %s", method, target, r)
	}
	return r
}

// get is a v2 GET that must answer want.
func (u sdkUser) get(want int, target string) response {
	u.c.t.Helper()
	r := u.send("GET", target, "")
	if r.Status != want {
		u.c.t.Fatalf("GET %s: got %s, want %d", target, r, want)
	}
	return r
}

// post is a v2 POST of a raw JSON body that must answer want.
func (u sdkUser) post(want int, target, body string) response {
	u.c.t.Helper()
	r := u.send("POST", target, body)
	if r.Status != want {
		u.c.t.Fatalf("POST %s %s: got %s, want %d", target, body, r, want)
	}
	return r
}

// v1 sends a v1 call to /public/user (resourceType "") or /public.
func (u sdkUser) v1(resourceType, resourceID, body string) response {
	u.c.t.Helper()
	path := "/public/user"
	if resourceType != "" {
		path = "/public"
	}
	return u.send("POST", path, body, "Accept", "application/json", "ResourceType", resourceType, "ResourceID", resourceID)
}

// v1OK sends a v1 call and returns its response field, failing unless the
// envelope says 200.
func (u sdkUser) v1OK(resourceType, resourceID, body string) any {
	u.c.t.Helper()
	r := u.v1(resourceType, resourceID, body)
	if r.JSON["status"] != float64(200) {
		u.c.t.Fatalf("v1 %s: got %s, want status 200 in the envelope", body, r)
	}
	return r.JSON["response"]
}

// v1Error asserts a v1 error envelope.
func v1Error(t *testing.T, r response, status int, code string) {
	t.Helper()
	resp, _ := r.JSON["response"].([]any)
	if r.JSON["status"] != float64(status) || len(resp) != 1 || resp[0] != code || r.Status != status {
		t.Fatalf("got %s, want HTTP and envelope status %d with response [%q]", r, status, code)
	}
	if msg, _ := r.JSON["payload"].(string); msg == "" {
		t.Fatalf("error envelope without a payload message: %s", r)
	}
}

// sdkKey registers a generated key through the management plane (path is
// /api/v1/me/keys or a service account's keys) and returns its signer.
func (c *client) sdkKey(path, session string) *encordsign.Signer {
	c.t.Helper()
	signer, _ := c.newSigner(session, path)
	return signer
}
