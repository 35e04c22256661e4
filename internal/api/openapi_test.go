package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"gopkg.in/yaml.v3"

	emulator "github.com/encord-emulator/encord-emulator"
	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/console"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/journal"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/internal/textpolicy"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// The tests in this file keep openapi.yaml, the reference users read, in
// step with what the router serves: the same routes, the same path
// parameters, the same object fields and the same limits. They read the
// embedded copy, which is the one GET /openapi.yaml serves.

// openAPIDocument is the part of an OpenAPI 3 document the tests compare.
type openAPIDocument struct {
	OpenAPI    string                     `yaml:"openapi"`
	Paths      map[string]openAPIPathItem `yaml:"paths"`
	Components struct {
		Parameters map[string]openAPIParameter `yaml:"parameters"`
		Schemas    map[string]openAPISchema    `yaml:"schemas"`
	} `yaml:"components"`
}

type openAPIPathItem struct {
	Parameters []openAPIParameter `yaml:"parameters"`
	Get        *openAPIOperation  `yaml:"get"`
	Put        *openAPIOperation  `yaml:"put"`
	Post       *openAPIOperation  `yaml:"post"`
	Delete     *openAPIOperation  `yaml:"delete"`
	Options    *openAPIOperation  `yaml:"options"`
	Head       *openAPIOperation  `yaml:"head"`
	Patch      *openAPIOperation  `yaml:"patch"`
	Trace      *openAPIOperation  `yaml:"trace"`
}

// operations returns the item's operations by upper-case HTTP method.
func (p openAPIPathItem) operations() map[string]*openAPIOperation {
	all := map[string]*openAPIOperation{
		http.MethodGet: p.Get, http.MethodPut: p.Put, http.MethodPost: p.Post, http.MethodDelete: p.Delete,
		http.MethodOptions: p.Options, http.MethodHead: p.Head, http.MethodPatch: p.Patch, http.MethodTrace: p.Trace,
	}
	for method, op := range all {
		if op == nil {
			delete(all, method)
		}
	}
	return all
}

type openAPIOperation struct {
	Parameters []openAPIParameter `yaml:"parameters"`
	// Responses maps each documented status ("200", "501") to its
	// response; only the statuses are compared.
	Responses map[string]any `yaml:"responses"`
}

type openAPIParameter struct {
	Ref      string        `yaml:"$ref"`
	Name     string        `yaml:"name"`
	In       string        `yaml:"in"`
	Required bool          `yaml:"required"`
	Schema   openAPISchema `yaml:"schema"`
}

type openAPISchema struct {
	Ref                  string                   `yaml:"$ref"`
	AllOf                []openAPISchema          `yaml:"allOf"`
	Properties           map[string]openAPISchema `yaml:"properties"`
	Required             []string                 `yaml:"required"`
	AdditionalProperties any                      `yaml:"additionalProperties"`
	Enum                 []string                 `yaml:"enum"`
	Nullable             bool                     `yaml:"nullable"`
	MaxLength            *int                     `yaml:"maxLength"`
	Minimum              *int                     `yaml:"minimum"`
	Maximum              *int                     `yaml:"maximum"`
	Default              any                      `yaml:"default"`
}

func loadOpenAPI(t *testing.T) *openAPIDocument {
	t.Helper()
	var doc openAPIDocument
	if err := yaml.Unmarshal(emulator.OpenAPI, &doc); err != nil {
		t.Fatalf("openapi.yaml is not valid YAML: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.yaml declares openapi %q, want 3.x", doc.OpenAPI)
	}
	return &doc
}

// parameter resolves a "#/components/parameters/..." reference.
func (d *openAPIDocument) parameter(t *testing.T, p openAPIParameter) openAPIParameter {
	t.Helper()
	if p.Ref == "" {
		return p
	}
	name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/")
	resolved, found := d.Components.Parameters[name]
	if !ok || !found {
		t.Fatalf("parameter reference %q does not resolve", p.Ref)
	}
	return resolved
}

// schema returns the component schema name, with $ref and allOf resolved
// into one flat set of properties and required fields.
func (d *openAPIDocument) schema(t *testing.T, name string) openAPISchema {
	t.Helper()
	s, ok := d.Components.Schemas[name]
	if !ok {
		t.Fatalf("openapi.yaml has no schema %q", name)
	}
	return d.flatten(t, s)
}

func (d *openAPIDocument) flatten(t *testing.T, s openAPISchema) openAPISchema {
	t.Helper()
	if s.Ref != "" {
		name, ok := strings.CutPrefix(s.Ref, "#/components/schemas/")
		if !ok {
			t.Fatalf("schema reference %q is not local", s.Ref)
		}
		return d.schema(t, name)
	}
	if len(s.AllOf) == 0 {
		return s
	}
	flat := s
	flat.AllOf = nil
	flat.Properties = map[string]openAPISchema{}
	for name, p := range s.Properties {
		flat.Properties[name] = p
	}
	for _, part := range s.AllOf {
		part = d.flatten(t, part)
		for name, p := range part.Properties {
			flat.Properties[name] = p
		}
		flat.Required = append(flat.Required, part.Required...)
	}
	return flat
}

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

// jsonField is how encoding/json writes one struct field.
type jsonField struct {
	omitempty bool
	// pointer: a nil value is written as null.
	pointer bool
	// nilable: the zero value is written as null (pointers, slices, maps,
	// interfaces).
	nilable bool
}

// jsonFields returns the JSON fields of the struct type typ by name, with
// embedded structs flattened as encoding/json does.
func jsonFields(typ reflect.Type) map[string]jsonField {
	fields := map[string]jsonField{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for n, jf := range jsonFields(f.Type) {
				fields[n] = jf
			}
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		kind := f.Type.Kind()
		fields[name] = jsonField{
			omitempty: slices.Contains(strings.Split(opts, ","), "omitempty"),
			pointer:   kind == reflect.Pointer,
			nilable:   kind == reflect.Pointer || kind == reflect.Slice || kind == reflect.Map || kind == reflect.Interface,
		}
	}
	return fields
}

// TestOpenAPISchemasMatchGoTypes checks each schema against the Go type the
// router encodes or decodes for it: the same fields; for what the server
// writes, every field it always writes is required, a pointer it always
// writes is nullable (the SDK's "required but nullable" keys), and only what
// it can write as null is nullable; for what it reads strictly, unknown
// fields are refused (decodeJSON disallows them).
func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	doc := loadOpenAPI(t)
	for _, tc := range []struct {
		schema  string
		goValue any
		written bool // the server writes it: non-omitempty fields are required
		read    bool // the server reads it strictly: additionalProperties: false
	}{
		{"Member", memberView{}, true, false},
		{"Me", meView{}, true, false},
		{"ServiceAccount", serviceAccountView{}, true, false},
		{"Key", keyView{}, true, false},
		{"GeneratedKey", generatedKeyView{}, true, false},
		{"Workspace", workspaceView{}, true, false},
		{"Usage", usageView{}, true, false},
		{"Session", loginResponse{}, true, false},
		{"SessionToken", tokenView{}, true, false},
		{"CreatedWorkspace", createdWorkspaceView{}, true, false},
		{"Health", healthView{}, true, false},
		{"Error", errorBody{}, true, false},
		{"MemberList", listView[memberView]{}, true, false},
		{"ServiceAccountList", listView[serviceAccountView]{}, true, false},
		{"KeyList", listView[keyView]{}, true, false},
		{"WorkspaceList", listView[workspaceView]{}, true, false},

		{"LoginRequest", loginRequest{}, false, true},
		{"AddKeyRequest", addKeyRequest{}, false, true},
		{"AddMemberRequest", addMemberRequest{}, false, true},
		{"RoleRequest", roleRequest{}, false, true},
		{"CreateServiceAccountRequest", createServiceAccountRequest{}, false, true},
		{"UpdateServiceAccountRequest", updateServiceAccountRequest{}, false, true},
		{"CreateWorkspaceRequest", createWorkspaceRequest{}, false, true},
		{"WorkspaceAdmin", workspaceAdminRequest{}, false, true},
		{"QuotasPatch", quotasPatchRequest{}, false, true},

		// The state document is exported and imported.
		{"State", stateDocument{}, true, true},
		{"StateWorkspace", stateWorkspace{}, true, true},
		{"StateMember", stateMember{}, true, true},
		{"StateServiceAccount", stateServiceAccount{}, true, true},
		{"StateKey", stateKey{}, true, true},
		{"StateToken", stateToken{}, true, true},
		{"StateResource", stateResource{}, true, true},
		{"Quotas", quotasJSON{}, true, true},
		{"KeyOwner", ownerJSON{}, true, true},

		// Control plane: resources and diagnostics.
		{"CreateResourceRequest", createResourceRequest{}, false, true},
		{"RequestList", requestsView{}, true, false},
		{"JournalEntry", journalEntryView{}, true, false},
		{"JournalPrincipal", journalPrincipalView{}, true, false},
		{"Whoami", whoamiView{}, true, false},
		{"Principal", principalView{}, true, false},
		{"JournalFault", journalFaultView{}, true, false},

		// Control plane: fault rules and the clock.
		{"FaultRuleRequest", faultRuleRequest{}, false, true},
		{"FaultMatch", faultMatchJSON{}, true, true},
		{"FaultAction", faultActionJSON{}, true, true},
		{"FaultFire", faultFireJSON{}, true, true},
		{"FaultRule", faultRuleView{}, true, false},
		{"FaultRuleList", listView[faultRuleView]{}, true, false},
		{"DeletedCount", deletedView{}, true, false},
		{"ClockRequest", clockRequest{}, false, true},
		{"Clock", clockView{}, true, false},

		// SDK plane, v2. Request bodies are read leniently (unknown fields
		// ignored, as Encord's pydantic models do).
		{"V2Message", v2Message{}, true, false},
		{"BearerToken", bearerTokenResponse{}, true, false},
		{"CloudIntegration", cloudIntegrationJSON{}, true, false},
		{"CloudIntegrationResult", sdkResult[cloudIntegrationJSON]{}, true, false},
		{"Group", groupJSON{}, true, false},
		{"GroupPage", sdkPage[groupJSON]{}, true, false},
		{"Ontology", ontologyJSON{}, true, false},
		{"OntologyPage", sdkPage[ontologyJSON]{}, true, false},
		{"Dataset", datasetJSON{}, true, false},
		{"DatasetResult", sdkResult[datasetJSON]{}, true, false},
		{"CreatedDataset", createdDatasetJSON{}, true, false},
		{"Project", projectJSON{}, true, false},
		{"ProjectPage", sdkPage[projectJSON]{}, true, false},
		{"StorageFolder", storageFolderJSON{}, true, false},
		{"StorageFolderPathElement", pathElementJSON{}, true, false},
		{"StorageFolderPage", sdkPage[storageFolderJSON]{}, true, false},
		{"CreateOntologyRequest", createOntologyRequest{}, false, false},
		{"CreateDatasetRequest", createDatasetRequest{}, false, false},
		{"CreateStorageFolderRequest", createStorageFolderRequest{}, false, false},

		// SDK plane, v1.
		{"V1Envelope", v1Envelope{}, true, false},
		{"V1Call", v1Call{}, false, false},
		{"V1ListingPayload", v1ListingPayload{}, false, false},
		{"V1ListingFilter", v1ListingFilter{}, false, false},
		{"V1CreateDatasetPayload", v1CreateDatasetPayload{}, false, false},
		{"V1CreateOntologyPayload", createOntologyRequest{}, false, false}, // the same keys as the v2 body
		{"V1CreateProjectPayload", v1CreateProjectPayload{}, false, false},
		{"V1Project", v1ProjectJSON{}, true, false},
		{"V1ProjectWithUserRole", v1ProjectWithRoleJSON{}, true, false},
		{"V1Dataset", v1DatasetJSON{}, true, false},
		{"V1CloudIntegration", v1CloudIntegrationJSON{}, true, false},
		{"V1DatasetInfo", v1DatasetInfoJSON{}, true, false},
		{"V1DatasetWithUserRole", v1DatasetWithRoleJSON{}, true, false},
		{"V1CreatedDataset", v1CreatedDatasetJSON{}, true, false},
		{"V1Ontology", v1OntologyJSON{}, true, false},
		{"V1OntologyWithUserRole", v1OntologyWithRoleJSON{}, true, false},
		{"V1ProjectDetail", v1ProjectDetailJSON{}, true, false},
		{"V1ProjectDataset", v1ProjectDatasetJSON{}, true, false},
	} {
		t.Run(tc.schema, func(t *testing.T) {
			s := doc.schema(t, tc.schema)
			fields := jsonFields(reflect.TypeOf(tc.goValue))

			goNames := slices.Sorted(maps.Keys(fields))
			specNames := slices.Sorted(maps.Keys(s.Properties))
			if !slices.Equal(goNames, specNames) {
				t.Errorf("properties %v, but %T has JSON fields %v", specNames, tc.goValue, goNames)
			}

			if tc.written {
				var always []string
				for name, f := range fields {
					if !f.omitempty {
						always = append(always, name)
					}
				}
				slices.Sort(always)
				required := slices.Sorted(slices.Values(s.Required))
				if !slices.Equal(required, always) {
					t.Errorf("required %v, but %T always writes %v", required, tc.goValue, always)
				}
				for name, f := range fields {
					p, ok := s.Properties[name]
					if !ok {
						continue
					}
					nullable := doc.flatten(t, p).Nullable
					switch {
					case f.pointer && !f.omitempty && !nullable:
						t.Errorf("%s: %T writes it always, as null when unset, so it must be nullable: true", name, tc.goValue)
					case nullable && !f.nilable:
						t.Errorf("%s: nullable, but %T never writes null there", name, tc.goValue)
					}
				}
			}
			if tc.read && s.AdditionalProperties != false {
				t.Errorf("additionalProperties is %v; the server refuses unknown fields, so it must be false", s.AdditionalProperties)
			}
		})
	}
}

// TestOpenAPILimitsMatchRules checks the documented limits against the ones
// package accounts and the paging code enforce.
func TestOpenAPILimitsMatchRules(t *testing.T) {
	doc := loadOpenAPI(t)
	maxLength := []struct {
		schema, property string
		want             int
	}{
		{"LoginRequest", "email", textpolicy.MaxEmailLength},
		{"AddMemberRequest", "email", textpolicy.MaxEmailLength},
		{"AddMemberRequest", "name", textpolicy.MaxNameLength},
		{"WorkspaceAdmin", "email", textpolicy.MaxEmailLength},
		{"WorkspaceAdmin", "name", textpolicy.MaxNameLength},
		{"CreateWorkspaceRequest", "name", textpolicy.MaxNameLength},
		{"CreateServiceAccountRequest", "name", textpolicy.MaxNameLength},
		{"CreateServiceAccountRequest", "description", textpolicy.MaxDescriptionLength},
		{"UpdateServiceAccountRequest", "description", textpolicy.MaxDescriptionLength},
		{"AddKeyRequest", "title", textpolicy.MaxTitleLength},
		{"CreateResourceRequest", "title", textpolicy.MaxTitleLength},
		{"CreateResourceRequest", "description", textpolicy.MaxDescriptionLength},
		{"CreateOntologyRequest", "title", textpolicy.MaxTitleLength},
		{"CreateOntologyRequest", "description", textpolicy.MaxDescriptionLength},
		{"CreateDatasetRequest", "title", textpolicy.MaxTitleLength},
		{"CreateDatasetRequest", "description", textpolicy.MaxDescriptionLength},
		{"CreateStorageFolderRequest", "name", textpolicy.MaxNameLength},
		{"CreateStorageFolderRequest", "description", textpolicy.MaxDescriptionLength},
		{"V1CreateProjectPayload", "title", textpolicy.MaxTitleLength},
		{"V1CreateProjectPayload", "description", textpolicy.MaxDescriptionLength},
	}
	for _, tc := range maxLength {
		p := doc.schema(t, tc.schema).Properties[tc.property]
		if p.MaxLength == nil || *p.MaxLength != tc.want {
			t.Errorf("%s.%s: maxLength %s, want %d", tc.schema, tc.property, intOrNone(p.MaxLength), tc.want)
		}
	}

	for _, schema := range []string{"Quotas", "QuotasPatch"} {
		s := doc.schema(t, schema)
		for name := range jsonFields(reflect.TypeOf(quotasJSON{})) {
			p := s.Properties[name]
			if p.Minimum == nil || *p.Minimum != 0 || p.Maximum == nil || *p.Maximum != accounts.MaxQuota {
				t.Errorf("%s.%s: range %s..%s, want 0..%d", schema, name, intOrNone(p.Minimum), intOrNone(p.Maximum), accounts.MaxQuota)
			}
		}
	}

	size := doc.Components.Parameters["PageSize"].Schema
	if size.Minimum == nil || *size.Minimum != 1 || size.Maximum == nil || *size.Maximum != MaxPageSize || size.Default != DefaultPageSize {
		t.Errorf("pageSize: range %s..%s default %v, want 1..%d default %d", intOrNone(size.Minimum), intOrNone(size.Maximum), size.Default, MaxPageSize, DefaultPageSize)
	}

	// GET /_emulator/requests?limit= reads 1..the journal's default
	// capacity, 100 by default.
	var limit *openAPISchema
	if op := doc.Paths["/_emulator/requests"].Get; op != nil {
		for _, p := range op.Parameters {
			if p = doc.parameter(t, p); p.In == "query" && p.Name == "limit" {
				limit = &p.Schema
			}
		}
	}
	switch {
	case limit == nil:
		t.Error("GET /_emulator/requests documents no limit query parameter")
	case limit.Minimum == nil || *limit.Minimum != 1 || limit.Maximum == nil || *limit.Maximum != journal.DefaultCapacity || limit.Default != DefaultPageSize:
		t.Errorf("requests limit: range %s..%s default %v, want 1..%d default %d", intOrNone(limit.Minimum), intOrNone(limit.Maximum), limit.Default, journal.DefaultCapacity, DefaultPageSize)
	}
}

func intOrNone(p *int) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprint(*p)
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
