package api

import (
	"bytes"
	"fmt"
	"io"
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
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
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
	return NewHandler(Config{Accounts: accounts.New(memory.New(), accounts.Config{}), OpenAPI: emulator.OpenAPI})
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

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	routes, ok := newOpenAPITestHandler().(chi.Routes)
	if !ok {
		t.Fatalf("NewHandler returns %T, which is not a chi.Routes; this test cannot list its routes", newOpenAPITestHandler())
	}
	served := map[string]bool{}
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		served[method+" "+openAPIPath(route)] = true
		return nil
	})
	if err != nil {
		t.Fatalf("walk routes: %v", err)
	}
	if len(served) == 0 {
		t.Fatal("the router serves no routes")
	}

	documented := map[string]bool{}
	for path, item := range loadOpenAPI(t).Paths {
		for method := range item.operations() {
			documented[method+" "+path] = true
		}
	}

	var undocumented, unserved []string
	for op := range served {
		if !documented[op] {
			undocumented = append(undocumented, op)
		}
	}
	for op := range documented {
		if !served[op] {
			unserved = append(unserved, op)
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

// jsonFields returns the JSON field names of the struct type typ, each
// mapped to whether it is omitempty, with embedded structs flattened as
// encoding/json does.
func jsonFields(typ reflect.Type) map[string]bool {
	fields := map[string]bool{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for n, omit := range jsonFields(f.Type) {
				fields[n] = omit
			}
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = slices.Contains(strings.Split(opts, ","), "omitempty")
	}
	return fields
}

// TestOpenAPISchemasMatchGoTypes checks each schema against the Go type the
// router encodes or decodes for it: the same fields; for what the server
// writes, every field it always writes is required; for what it reads,
// unknown fields are refused (decodeJSON disallows them).
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
		{"Usage", accounts.Usage{}, true, false},
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
		{"AddKeyRequest", accounts.AddKeyInput{}, false, true},
		{"AddMemberRequest", accounts.AddMemberInput{}, false, true},
		{"RoleRequest", accounts.RoleInput{}, false, true},
		{"CreateServiceAccountRequest", accounts.CreateServiceAccountInput{}, false, true},
		{"UpdateServiceAccountRequest", accounts.UpdateServiceAccountInput{}, false, true},
		{"CreateWorkspaceRequest", accounts.CreateWorkspaceInput{}, false, true},
		{"WorkspaceAdmin", accounts.AdminInput{}, false, true},
		{"QuotasPatch", accounts.QuotasPatch{}, false, true},

		// The state document is exported and imported.
		{"State", accounts.State{}, true, true},
		{"StateWorkspace", store.Workspace{}, true, true},
		{"StateMember", store.Member{}, true, true},
		{"StateServiceAccount", store.ServiceAccount{}, true, true},
		{"StateKey", store.Key{}, true, true},
		{"StateToken", store.Token{}, true, true},
		{"StateResource", store.Resource{}, true, true},
		{"Quotas", store.Quotas{}, true, true},
		{"KeyOwner", store.Owner{}, true, true},
	} {
		t.Run(tc.schema, func(t *testing.T) {
			s := doc.schema(t, tc.schema)
			fields := jsonFields(reflect.TypeOf(tc.goValue))

			var goNames, specNames []string
			for name := range fields {
				goNames = append(goNames, name)
			}
			for name := range s.Properties {
				specNames = append(specNames, name)
			}
			slices.Sort(goNames)
			slices.Sort(specNames)
			if !slices.Equal(goNames, specNames) {
				t.Errorf("properties %v, but %T has JSON fields %v", specNames, tc.goValue, goNames)
			}

			if tc.written {
				var always []string
				for name, omitempty := range fields {
					if !omitempty {
						always = append(always, name)
					}
				}
				slices.Sort(always)
				required := slices.Sorted(slices.Values(s.Required))
				if !slices.Equal(required, always) {
					t.Errorf("required %v, but %T always writes %v", required, tc.goValue, always)
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
		{"LoginRequest", "email", accounts.MaxEmailLength},
		{"AddMemberRequest", "email", accounts.MaxEmailLength},
		{"AddMemberRequest", "name", accounts.MaxNameLength},
		{"WorkspaceAdmin", "email", accounts.MaxEmailLength},
		{"WorkspaceAdmin", "name", accounts.MaxNameLength},
		{"CreateWorkspaceRequest", "name", accounts.MaxNameLength},
		{"CreateServiceAccountRequest", "name", accounts.MaxNameLength},
		{"CreateServiceAccountRequest", "description", accounts.MaxDescriptionLength},
		{"UpdateServiceAccountRequest", "description", accounts.MaxDescriptionLength},
		{"AddKeyRequest", "title", accounts.MaxNameLength},
	}
	for _, tc := range maxLength {
		p := doc.schema(t, tc.schema).Properties[tc.property]
		if p.MaxLength == nil || *p.MaxLength != tc.want {
			t.Errorf("%s.%s: maxLength %s, want %d", tc.schema, tc.property, intOrNone(p.MaxLength), tc.want)
		}
	}

	for _, schema := range []string{"Quotas", "QuotasPatch"} {
		s := doc.schema(t, schema)
		for name := range jsonFields(reflect.TypeOf(store.Quotas{})) {
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
	codes := []errs.Code{
		errs.InvalidArguments, errs.Authentication, errs.Authorisation, errs.NotFound,
		errs.DuplicateSSHKey, errs.ResourceExists, errs.QuotaExceeded, errs.OperationNotAllowed,
		errs.PayloadTooLarge, errs.MethodNotAllowed, errs.NotImplemented, errs.ServiceUnavailable,
		errs.Unknown,
	}
	var want []string
	for _, c := range codes {
		want = append(want, string(c))
	}
	slices.Sort(want)
	got := slices.Sorted(slices.Values(loadOpenAPI(t).Components.Schemas["ErrorCode"].Enum))
	if !slices.Equal(got, want) {
		t.Errorf("ErrorCode enum %v, want the codes of package errs %v", got, want)
	}
}
