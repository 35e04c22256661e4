package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	emulator "github.com/encord-emulator/encord-emulator"
	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/console"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// The tests in this file keep openapi.yaml, the reference users read, in
// step with what the router serves: the same routes, the same path
// parameters, the same object fields and the same limits. They read the
// embedded copy, which is the one GET /openapi.yaml serves.

func newOpenAPITestHandler() http.Handler {
	return NewHandler(Config{Accounts: accounts.New(memory.New(), accounts.Config{}), OpenAPI: emulator.OpenAPI, Console: console.Handler()})
}

// chiParamPattern matches a chi parameter with a regular expression,
// "{id:[0-9]+}", whose OpenAPI spelling is "{id}".
var chiParamPattern = regexp.MustCompile(`\{([^{}:]+):[^{}]*\}`)

// openAPIPath turns a chi route pattern into the path openapi.yaml uses: the
// "/" route of a sub-router ("/api/v1/me/") answers the path without the
// slash, and parameters lose their regular expressions.
func openAPIPath(chiPattern string) string {
	p := chiParamPattern.ReplaceAllString(chiPattern, "{$1}")
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}

// everyMethod returns the methods chi.Walk reports for a route registered for
// every method (r.Handle, r.HandleFunc): chi's own list, which includes
// methods OpenAPI 3.0 cannot describe (CONNECT, QUERY), read by walking a
// router with one such route.
func everyMethod(t *testing.T) map[string]bool {
	t.Helper()
	probe := chi.NewRouter()
	probe.HandleFunc("/", func(http.ResponseWriter, *http.Request) {})
	methods := map[string]bool{}
	err := chi.Walk(probe, func(method, _ string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		methods[method] = true
		return nil
	})
	if err != nil || len(methods) < 2 {
		t.Fatalf("walk a route of every method: %v, methods %v", err, methods)
	}
	return methods
}

// TestOpenAPIDescribesEveryRoute checks that openapi.yaml describes exactly
// the routes the router serves, on every plane: each method of each path,
// the SDK plane's 501 endpoints included. A route that answers every method
// (/_emulator/whoami) is described by the methods that make sense for it,
// at least one; each of them must be served.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	routes, ok := newOpenAPITestHandler().(chi.Routes)
	if !ok {
		t.Fatalf("NewHandler returns %T, which is not a chi.Routes; this test cannot list its routes", newOpenAPITestHandler())
	}
	servedMethods := map[string]map[string]bool{} // path -> methods
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		path := openAPIPath(route)
		if servedMethods[path] == nil {
			servedMethods[path] = map[string]bool{}
		}
		servedMethods[path][method] = true
		return nil
	})
	if err != nil {
		t.Fatalf("walk routes: %v", err)
	}
	if len(servedMethods) == 0 {
		t.Fatal("the router serves no routes")
	}

	doc := loadOpenAPI(t)
	anyMethod := everyMethod(t)
	var undocumented, unserved []string
	for path, methods := range servedMethods {
		documented := doc.Paths[path].operations()
		if isSuperset(methods, anyMethod) {
			if len(documented) == 0 {
				undocumented = append(undocumented, "(every method) "+path)
			}
			continue
		}
		for method := range methods {
			if documented[method] == nil {
				undocumented = append(undocumented, method+" "+path)
			}
		}
	}
	for path, item := range doc.Paths {
		for method := range item.operations() {
			if !servedMethods[path][method] {
				unserved = append(unserved, method+" "+path)
			}
		}
	}
	sort.Strings(undocumented)
	sort.Strings(unserved)
	if len(undocumented) > 0 {
		t.Errorf("routes served but missing from openapi.yaml:\n\t%s", strings.Join(undocumented, "\n\t"))
	}
	if len(unserved) > 0 {
		t.Errorf("operations in openapi.yaml that the router does not serve:\n\t%s", strings.Join(unserved, "\n\t"))
	}
}

func isSuperset(set, of map[string]bool) bool {
	for k := range of {
		if !set[k] {
			return false
		}
	}
	return true
}

func TestOpenAPIServedIsEmbedded(t *testing.T) {
	rec := httptest.NewRecorder()
	newOpenAPITestHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.yaml", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /openapi.yaml: status %d, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("GET /openapi.yaml: Content-Type %q, want application/yaml", ct)
	}
	body, _ := io.ReadAll(rec.Body)
	if !bytes.Equal(body, emulator.OpenAPI) {
		t.Errorf("GET /openapi.yaml served %d bytes that differ from the embedded openapi.yaml (%d bytes)", len(body), len(emulator.OpenAPI))
	}
}

var templateParam = regexp.MustCompile(`\{([^{}]+)\}`)

// TestOpenAPIPathParametersAreDeclared checks that each operation declares
// exactly the parameters of its path template, as required path parameters.
func TestOpenAPIPathParametersAreDeclared(t *testing.T) {
	doc := loadOpenAPI(t)
	for path, item := range doc.Paths {
		var inTemplate []string
		for _, m := range templateParam.FindAllStringSubmatch(path, -1) {
			inTemplate = append(inTemplate, m[1])
		}
		slices.Sort(inTemplate)
		for method, op := range item.operations() {
			declared := map[string]openAPIParameter{}
			// Operation-level parameters override path-level ones of the
			// same name and location.
			for _, p := range slices.Concat(item.Parameters, op.Parameters) {
				if p = doc.parameter(t, p); p.In == "path" {
					declared[p.Name] = p
				}
			}
			var names []string
			for name, p := range declared {
				names = append(names, name)
				if !p.Required {
					t.Errorf("%s %s: path parameter %q must be required: true", method, path, name)
				}
			}
			slices.Sort(names)
			if !slices.Equal(names, inTemplate) {
				t.Errorf("%s %s: path parameters declared %v, template has %v", method, path, names, inTemplate)
			}
		}
	}
}

// TestOpenAPIErrorCodesMatchErrs checks the ErrorCode enum against the codes
// of package errs.
func TestOpenAPIErrorCodesMatchErrs(t *testing.T) {
	var want []string
	for _, c := range errs.Codes() {
		want = append(want, string(c))
	}
	slices.Sort(want)
	got := slices.Sorted(slices.Values(loadOpenAPI(t).Components.Schemas["ErrorCode"].Enum))
	if !slices.Equal(got, want) {
		t.Errorf("ErrorCode enum %v, want the codes of package errs %v", got, want)
	}
}

// newSDKTestClient serves the router with one registered key, the admin's
// of a new workspace, so that every SDK-plane endpoint gets past
// authentication; it returns a client of it and the key's signer.
func newSDKTestClient(t *testing.T) (*testclient.Client, *encordsign.Signer) {
	t.Helper()
	srv := httptest.NewServer(newOpenAPITestHandler())
	t.Cleanup(srv.Close)
	c := testclient.NewForTest(t, srv.URL, testclient.Options{})
	ws := c.NewWorkspace(t, "openapi", "ada@example.com", nil)
	return c, c.GenerateKey(t, ws.AdminToken, testclient.MyKeys, "openapi").Signer
}

// TestOpenAPINotEmulatedMatchesServer sends every v2 SDK operation of
// openapi.yaml, authenticated, and checks the spec says which ones the
// emulator emulates: an operation answering 501 must document 501 and no
// success, with the message the NotEmulated response promises; any other
// must document a success and no 501. Ids in paths are fresh UUIDs and
// bodies "{}", so emulated endpoints answer 200, 400 or 404, never 501.
func TestOpenAPINotEmulatedMatchesServer(t *testing.T) {
	doc := loadOpenAPI(t)
	c, signer := newSDKTestClient(t)
	const id = "3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10"
	var checked int
	for path, item := range doc.Paths {
		if !strings.HasPrefix(path, "/v2/public/") {
			continue
		}
		for method, op := range item.operations() {
			var body string
			if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
				body = "{}"
			}
			r := c.SDK(context.Background(), testclient.SDKRequest{Method: method, Target: templateParam.ReplaceAllString(path, id), Body: body, Signer: signer})
			if r.Status == http.StatusUnauthorized || r.Err != nil {
				t.Fatalf("%s %s: %s; the test's signature should authenticate", method, path, r)
			}
			_, documents501 := op.Responses["501"]
			documentsSuccess := slices.ContainsFunc(slices.Collect(maps.Keys(op.Responses)), func(status string) bool {
				return strings.HasPrefix(status, "2")
			})
			if r.Status != http.StatusNotImplemented {
				if documents501 || !documentsSuccess {
					t.Errorf("%s %s answered %d, so it is emulated, but openapi.yaml documents responses %v (want a 2xx and no 501)",
						method, path, r.Status, slices.Sorted(maps.Keys(op.Responses)))
				}
				checked++
				continue
			}
			if !documents501 || documentsSuccess {
				t.Errorf("%s %s answered 501, but openapi.yaml documents responses %v (want 501 and no 2xx)",
					method, path, slices.Sorted(maps.Keys(op.Responses)))
			}
			var answer v2Message
			want := method + " " + path + " is an Encord SDK endpoint the emulator does not emulate yet"
			if err := json.Unmarshal(r.Body, &answer); err != nil || answer.Message != want {
				t.Errorf("%s %s: 501 body %s, want {\"message\": %q}", method, path, r.Body, want)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("openapi.yaml documents no v2 SDK operation")
	}
}
