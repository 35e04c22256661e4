package api_test

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	emulator "github.com/encord-emulator/encord-emulator"
)

// Every answer the HTTP tests receive (through the Check of the client of
// newClient, so c.do, c.must and c.sdk) and every cell of the authorization matrix is checked
// against openapi.yaml with kin-openapi: the status must be documented for
// the operation, the Content-Type must be one the operation lists, and a
// JSON body must match its schema. A request to no route of the spec must
// answer 404 or 405, as the spec's conventions say.

// specRouter is openapi.yaml, validated and routed, loaded once for every
// test of the package.
var specRouter = sync.OnceValues(func() (routers.Router, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(emulator.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml does not load: %w", err)
	}
	// Match paths on any host: the tests' servers listen on random ports.
	doc.Servers = nil
	router, err := legacy.NewRouter(doc) // validates the document first
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	return router, nil
})

// checkAgainstSpec reports, as a test error, an answer that openapi.yaml
// does not describe.
func checkAgainstSpec(t testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	if err := specMismatch(req, status, header, body); err != nil {
		t.Errorf("%s %s answered %d, which openapi.yaml does not describe: %v\nbody: %.500s", req.Method, req.URL.RequestURI(), status, err, body)
	}
}

// anyMethodAsGET are the paths whose every method answers as GET does.
// OpenAPI 3.0 cannot name CONNECT or QUERY, so the spec describes GET and
// POST and says so in words; the other methods are checked against GET.
var anyMethodAsGET = map[string]bool{"/_emulator/whoami": true}

// specMismatch returns why an answer does not match openapi.yaml, or nil.
func specMismatch(req *http.Request, status int, header http.Header, body []byte) error {
	router, err := specRouter()
	if err != nil {
		return err
	}
	// The server routes "//public..." as "/public..." (a domain given with
	// a trailing slash); so does the check.
	routed := req.Clone(context.Background())
	if strings.HasPrefix(routed.URL.Path, "//public") {
		routed.URL.Path = routed.URL.Path[1:]
		routed.URL.RawPath = ""
	}
	if anyMethodAsGET[routed.URL.Path] && routed.Method != http.MethodPost {
		routed.Method = http.MethodGet
	}
	// HEAD answers as GET does, without the body (the spec's conventions
	// say so): its status and headers are checked against GET.
	head := routed.Method == http.MethodHead
	if head {
		routed.Method = http.MethodGet
	}
	route, params, err := router.FindRoute(routed)
	if err != nil {
		var routeErr *routers.RouteError
		if !errors.As(err, &routeErr) {
			return err
		}
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
			return fmt.Errorf("no operation of the spec matches (%v), so the answer must be 404 or 405", err)
		}
		return nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: routed, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	in.SetBodyBytes(body)
	switch mediaType, _, _ := mime.ParseMediaType(header.Get("Content-Type")); {
	case head:
		in.Options.ExcludeResponseBody = true
	case status == http.StatusNoContent:
		if len(body) != 0 {
			return fmt.Errorf("204 with a body of %d bytes", len(body))
		}
		in.Options.ExcludeResponseBody = true
	case openapi3filter.RegisteredBodyDecoder(mediaType) == nil:
		// kin-openapi cannot read the body (a PEM download): the media
		// type must still be one the operation answers with.
		if resp := route.Operation.Responses.Status(status); resp == nil || resp.Value.Content.Get(mediaType) == nil {
			return fmt.Errorf("Content-Type %q is not documented for status %d", mediaType, status)
		}
		in.Options.ExcludeResponseBody = true
	}
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// TestSpecCheckRejects makes sure the check above can fail: an undocumented
// status, a body missing a required field, an undocumented media type, a
// non-route answered 200.
func TestSpecCheckRejects(t *testing.T) {
	json := http.Header{"Content-Type": {"application/json"}}
	cases := []struct {
		name, method, target string
		status               int
		header               http.Header
		body                 string
	}{
		{"undocumented status", "GET", "/api/v1/me", http.StatusTeapot, json, `{"error": {"code": "X", "message": "m", "details": {}}}`},
		{"required field missing", "GET", "/api/v1/me", 200, json, `{"id": "3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10"}`},
		{"wrong error shape", "GET", "/api/v1/me", 401, json, `{"message": "no"}`},
		{"v1 envelope expected", "POST", "/public/user", 401, json, `{"error": {"code": "AUTHENTICATION_ERROR", "message": "m", "details": {}}}`},
		{"undocumented media type", "POST", "/api/v1/me/keys", 201, http.Header{"Content-Type": {"text/csv"}}, "a,b"},
		{"not a route", "GET", "/api/v1/nowhere", 200, json, `{}`},
		{"204 with a body", "DELETE", "/api/v1/sessions/current", 204, json, `{}`},
		{"a session that may be cached", "POST", "/api/v1/sessions", 201, json,
			`{"token": "t", "expiresAt": "2025-01-02T03:04:05Z", "user": {"id": "3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10", "email": "a@b.test", "name": "A", "role": "admin", "createdAt": "2025-01-02T03:04:05Z"}}`},
	}
	for _, tc := range cases {
		req := httptest.NewRequest(tc.method, tc.target, nil)
		if err := specMismatch(req, tc.status, tc.header, []byte(tc.body)); err == nil {
			t.Errorf("%s: %s %s answering %d %s passes the check", tc.name, tc.method, tc.target, tc.status, tc.body)
		}
	}
	ok := httptest.NewRequest("GET", "/_emulator/healthz", nil)
	if err := specMismatch(ok, 200, json, []byte(`{"status": "ok"}`)); err != nil {
		t.Errorf("a healthy healthz fails the check: %v", err)
	}
	session := cases[len(cases)-1]
	noStore := http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-store"}}
	if err := specMismatch(httptest.NewRequest(session.method, session.target, nil), session.status, noStore, []byte(session.body)); err != nil {
		t.Errorf("a session that says no-store fails the check: %v", err)
	}
}
