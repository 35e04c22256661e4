package api

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/journal"
	"github.com/encord-emulator/encord-emulator/internal/textpolicy"
)

// openapi.yaml against the Go types: every schema names the JSON fields of
// its type, and the limits of the rules.

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
