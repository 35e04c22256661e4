package api

import (
	"net/http"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	emulator "github.com/encord-emulator/encord-emulator"
)

// openapi.yaml as the tests read it: paths, operations, parameters and
// schemas, references resolved.

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
