package api_test

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// The families of SDK releases before 0.1.153 (sdk_releases_test.go): what
// each sends, and the shapes of the replies its parsers need.

// releaseFamily is a run of SDK releases that send the same bytes for the
// v1 calls of the release tests and need the same replies.
type releaseFamily struct {
	releases string // the run, for messages
	release  string // one release of the run, named in its User-Agent
	// pydantic: the User-Agent names pydantic's version (from 0.1.145).
	pydantic bool

	// userHeaders are the resource headers of its /public/user requests:
	// absent up to 0.1.109, present and empty from 0.1.110.
	userHeaders []string
	// traceSpan is the span of X-Cloud-Trace-Context: a random integer up
	// to 0.1.104, then 1.
	traceSpan string

	// The v1 bodies, with %q for the strings the caller chooses.
	getDatasets    string
	createDataset  string // title, description
	createOntology string // title, description
	// projectOverV1: get_project reads the project with a v1 project GET
	// (up to 0.1.117), else with GET /v2/public/projects/{h}.
	projectOverV1 bool
	// v2GetHeaders are the extra headers of its v2 GETs (up to 0.1.127).
	v2GetHeaders []string
	// cloudOverV1: get_cloud_integrations is a v1 call (up to 0.1.145).
	cloudOverV1 bool

	// What its parsers need.
	cloudItem    replyShape
	datasetInfo  replyShape
	ontology     replyShape
	createdDS    replyShape
	legacyProjct replyShape
}

const (
	getCloudIntegrationsBody = `{"query_type": "cloudintegration", "query_method": "GET", "values": {"uid": null, "payload": null}}`
	getOntologiesBody        = `{"query_type": "ontologywithuserrole", "query_method": "GET", "values": {"uid": null, "payload": {"filter": {}}}}`
	getOntologyBody          = `{"query_type": "ontology", "query_method": "GET", "values": {"uid": %q, "payload": null}}`
	getLegacyProjectBody     = `{"query_type": "project", "query_method": "GET", "values": {"uid": null, "payload": {"include_labels_metadata": false}}}`

	getDatasetsBody            = `{"query_type": "datasetwithuserrole", "query_method": "GET", "values": {"uid": null, "payload": {"filter": {}}}}`
	getDatasetsStorageAPIBody  = `{"query_type": "datasetwithuserrole", "query_method": "GET", "values": {"uid": null, "payload": {"filter": {}, "enable_storage_api": true}}}`
	createDatasetBody          = `{"query_type": "dataset", "query_method": "POST", "values": {"uid": null, "payload": {"title": %q, "type": 0, "description": %q}}}`
	createDatasetBackingBody   = `{"query_type": "dataset", "query_method": "POST", "values": {"uid": null, "payload": {"title": %q, "type": 0, "create_backing_folder": true, "description": %q}}}`
	createOntologyEmptyBody    = `{"query_type": "ontology", "query_method": "POST", "values": {"uid": null, "payload": {"title": %q, "description": %q, "editor": {}}}}`
	createOntologyArraysBody   = `{"query_type": "ontology", "query_method": "POST", "values": {"uid": null, "payload": {"title": %q, "description": %q, "editor": {"objects": [], "classifications": []}}}}`
	createOntologySkeletonBody = `{"query_type": "ontology", "query_method": "POST", "values": {"uid": null, "payload": {"title": %q, "description": %q, "editor": {"objects": [], "classifications": [], "skeleton_templates": []}}}}`
)

// replyShape is what a parser needs of an object: the keys it reads, the
// keys it may read, and whether any other key makes it raise (the old
// parsers that build dataclasses from the reply).
type replyShape struct {
	required map[string]keyKind
	optional map[string]keyKind
	exact    bool
}

var (
	// v1 cloud integration: {id, title}; up to 0.1.103 nothing else.
	cloudIntegrationKeys = map[string]keyKind{"id": kUUID, "title": kString}
	// v1 dataset of get_datasets: a dataclass in every release up to
	// 0.1.152; backing_folder_uuid raises up to 0.1.97.
	datasetInfoKeys = map[string]keyKind{"dataset_hash": kUUID, "user_hash": kUUID, "title": kString, "description": kString,
		"type": kInt, "created_at": kLegacy, "last_edited_at": kLegacy}
	// v1 ontology: extra keys ignored; the dates are read from 0.1.93.
	ontologyCoreKeys = map[string]keyKind{"ontology_hash": kUUID, "title": kString, "description": kString, "editor": kEditor}
	ontologyKeys     = map[string]keyKind{"ontology_hash": kUUID, "title": kString, "description": kString, "editor": kEditor,
		"created_at": kLegacy, "last_edited_at": kLegacy}
	// v1 create_dataset: user_hash is read (KeyError without it).
	createdDatasetKeys = map[string]keyKind{"title": kString, "type": kInt, "dataset_hash": kUUID, "user_hash": kUUID}
	// v1 project of get_project up to 0.1.117: ontology_hash is read, and
	// the dates must be "YYYY-MM-DD HH:MM:SS" (an ISO date raises).
	legacyProjectKeys = map[string]keyKind{"project_hash": kUUID, "title": kString, "description": kString,
		"created_at": kLegacy, "last_edited_at": kLegacy, "ontology_hash": kUUID}
	legacyProjectOptional = map[string]keyKind{"editor_ontology": kEditor, "datasets": kArray, "label_rows": kArray}
	// backingFolder: backing_folder_uuid, read from 0.1.98.
	backingFolder = map[string]keyKind{"backing_folder_uuid": kUUIDOrNull}
)

// The shapes most families share.
var (
	datasetInfoWithFolder    = replyShape{required: datasetInfoKeys, optional: backingFolder, exact: true}
	createdDatasetWithFolder = replyShape{required: createdDatasetKeys, optional: backingFolder}
	ontologyReply            = replyShape{required: ontologyKeys}
	legacyProjectShape       = replyShape{required: legacyProjectKeys, optional: legacyProjectOptional}
)

var releaseFamilies = []releaseFamily{
	{
		releases: "0.1.84–0.1.91", release: "0.1.84", traceSpan: "7938792783990879603",
		getDatasets: getDatasetsBody, createDataset: createDatasetBody, createOntology: createOntologyEmptyBody,
		projectOverV1: true, cloudOverV1: true,
		cloudItem:   replyShape{required: cloudIntegrationKeys, exact: true},
		datasetInfo: replyShape{required: datasetInfoKeys, exact: true},
		ontology:    replyShape{required: ontologyCoreKeys, optional: map[string]keyKind{"created_at": kString, "last_edited_at": kString}},
		createdDS:   replyShape{required: createdDatasetKeys}, legacyProjct: legacyProjectShape,
	},
	{
		releases: "0.1.93–0.1.97", release: "0.1.93", traceSpan: "4112088734469023521",
		getDatasets: getDatasetsBody, createDataset: createDatasetBody, createOntology: createOntologyEmptyBody,
		projectOverV1: true, cloudOverV1: true,
		cloudItem:   replyShape{required: cloudIntegrationKeys, exact: true},
		datasetInfo: replyShape{required: datasetInfoKeys, exact: true},
		ontology:    ontologyReply,
		createdDS:   replyShape{required: createdDatasetKeys}, legacyProjct: legacyProjectShape,
	},
	{
		releases: "0.1.98–0.1.103", release: "0.1.98", traceSpan: "811256311620417237",
		getDatasets: getDatasetsStorageAPIBody, createDataset: createDatasetBackingBody, createOntology: createOntologyEmptyBody,
		projectOverV1: true, cloudOverV1: true,
		cloudItem:    replyShape{required: cloudIntegrationKeys, exact: true},
		datasetInfo:  datasetInfoWithFolder,
		ontology:     ontologyReply,
		createdDS:    createdDatasetWithFolder,
		legacyProjct: legacyProjectShape,
	},
	{
		releases: "0.1.104–0.1.109", release: "0.1.104", traceSpan: "1",
		getDatasets: getDatasetsStorageAPIBody, createDataset: createDatasetBackingBody, createOntology: createOntologyArraysBody,
		projectOverV1: true, cloudOverV1: true,
		cloudItem:    replyShape{required: cloudIntegrationKeys},
		datasetInfo:  datasetInfoWithFolder,
		ontology:     ontologyReply,
		createdDS:    createdDatasetWithFolder,
		legacyProjct: legacyProjectShape,
	},
	{
		releases: "0.1.110–0.1.114", release: "0.1.110", traceSpan: "1", userHeaders: []string{"ResourceType", "", "ResourceID", ""},
		getDatasets: getDatasetsStorageAPIBody, createDataset: createDatasetBackingBody, createOntology: createOntologyArraysBody,
		projectOverV1: true, cloudOverV1: true,
		cloudItem:    replyShape{required: cloudIntegrationKeys},
		datasetInfo:  datasetInfoWithFolder,
		ontology:     ontologyReply,
		createdDS:    createdDatasetWithFolder,
		legacyProjct: legacyProjectShape,
	},
	{
		releases: "0.1.115–0.1.117", release: "0.1.115", traceSpan: "1", userHeaders: []string{"ResourceType", "", "ResourceID", ""},
		getDatasets: getDatasetsStorageAPIBody, createDataset: createDatasetBackingBody, createOntology: createOntologySkeletonBody,
		projectOverV1: true, cloudOverV1: true,
		cloudItem:    replyShape{required: cloudIntegrationKeys},
		datasetInfo:  datasetInfoWithFolder,
		ontology:     ontologyReply,
		createdDS:    createdDatasetWithFolder,
		legacyProjct: legacyProjectShape,
	},
	{
		releases: "0.1.118–0.1.145", release: "0.1.118", traceSpan: "1", userHeaders: []string{"ResourceType", "", "ResourceID", ""},
		getDatasets: getDatasetsStorageAPIBody, createDataset: createDatasetBackingBody, createOntology: createOntologySkeletonBody,
		v2GetHeaders: []string{"Accept", "application/json", "Content-Type", "application/json"},
		cloudOverV1:  true,
		cloudItem:    replyShape{required: cloudIntegrationKeys},
		datasetInfo:  datasetInfoWithFolder,
		ontology:     ontologyReply,
		createdDS:    createdDatasetWithFolder,
	},
	{
		releases: "0.1.147–0.1.152", release: "0.1.147", pydantic: true, traceSpan: "1", userHeaders: []string{"ResourceType", "", "ResourceID", ""},
		getDatasets: getDatasetsStorageAPIBody, createDataset: createDatasetBackingBody, createOntology: createOntologySkeletonBody,
		datasetInfo: datasetInfoWithFolder,
		ontology:    ontologyReply,
		createdDS:   createdDatasetWithFolder,
	},
}

// userAgent is the family's User-Agent: "encord-sdk-python/<release>
// python/<version>", with " pydantic/<version>" from 0.1.145.
func (f releaseFamily) userAgent() string {
	ua := "encord-sdk-python/" + f.release + " python/3.11.7"
	if f.pydantic {
		ua += " pydantic/2.13.4"
	}
	return ua
}

// sendAs sends one request as a release of family f does, signed with u's
// key (v1 for /public paths, v2 for /v2/public), with its User-Agent and
// trace header and the given headers; the answer is checked against
// openapi.yaml.
func (u sdkUser) sendAs(f releaseFamily, traceID, method, target, body string, headers ...string) response {
	u.c.t.Helper()
	header := http.Header{}
	header.Set("User-Agent", f.userAgent())
	header.Set("X-Cloud-Trace-Context", traceID+"/"+f.traceSpan+";o=1")
	for i := 0; i+1 < len(headers); i += 2 {
		header.Set(headers[i], headers[i+1])
	}
	return u.c.sdk(u.signer, sdkRequest{method: method, target: target, body: body, header: header})
}

// userCall is a v1 call to /public/user as f sends it.
func (u sdkUser) userCall(f releaseFamily, body string) response {
	u.c.t.Helper()
	return u.sendAs(f, newTraceID(), "POST", "/public/user", body, append([]string{"Accept", "application/json"}, f.userHeaders...)...)
}

// resourceCall is a v1 call to /public about one resource, as f sends it.
func (u sdkUser) resourceCall(f releaseFamily, resourceType, resourceID, body string) response {
	u.c.t.Helper()
	return u.sendAs(f, newTraceID(), "POST", "/public", body, "Accept", "application/json", "ResourceType", resourceType, "ResourceID", resourceID)
}

// v1Success returns the response of a v1 success, failing otherwise.
func v1Success(t *testing.T, what string, r response) any {
	t.Helper()
	if r.Status != http.StatusOK || r.JSON["status"] != float64(200) || len(r.JSON) != 2 {
		t.Fatalf("%s: got %s, want HTTP 200 and exactly {status: 200, response}", what, r)
	}
	return r.JSON["response"]
}

// newTraceID is a fresh trace id of 32 hex digits.
func newTraceID() string {
	return strings.ReplaceAll(uuid.NewString(), "-", "")
}

// check asserts obj has what s needs: every required key of its kind,
// optional keys of their kind, and no other key when s is exact.
func (s replyShape) check(t *testing.T, what string, obj any) map[string]any {
	t.Helper()
	m := shape(t, what, obj, s.required)
	for key, kind := range s.optional {
		if _, ok := m[key]; ok {
			shape(t, what, m, map[string]keyKind{key: kind})
		}
	}
	if s.exact {
		for key := range m {
			_, req := s.required[key]
			_, opt := s.optional[key]
			if !req && !opt {
				t.Fatalf("%s: key %q would make the parser raise (it takes exactly %v): %v", what, key, slices.Sorted(maps.Keys(s.required)), m)
			}
		}
	}
	return m
}

// findBy returns the item of a v1 listing whose inner object (under
// inner, or the item itself) has key == id.
func findBy(t *testing.T, what string, listing any, inner, key, id string) map[string]any {
	t.Helper()
	items, ok := listing.([]any)
	if !ok {
		t.Fatalf("%s: response %v is not a list", what, listing)
	}
	for _, it := range items {
		m, _ := it.(map[string]any)
		obj := m
		if inner != "" {
			obj, _ = m[inner].(map[string]any)
		}
		if obj[key] == id {
			return m
		}
	}
	t.Fatalf("%s: no item with %s %s in %v", what, key, id, listing)
	return nil
}
