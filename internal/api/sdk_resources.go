package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The resource endpoints of the SDK plane (protocol §7). Each answer has
// exactly the shape the SDK 0.1.190 parsers accept: camelCase keys on v2,
// snake_case on v1, required-but-nullable keys always present, v2 times in
// ISO 8601 with an offset, legacy v1 times as "2006-01-02 15:04:05". Who
// sees what is decided by package accounts.

// v2ResourceRoutes registers the emulated v2 endpoints of the resource
// model. Path parameter names match sdkV2Endpoints, whose other methods on
// the same paths answer 501.
func (p sdkPlane) v2ResourceRoutes(r chi.Router) {
	r.Get("/cloud-integrations", p.v2(p.listCloudIntegrations))
	r.Get("/user/current-organisation/groups", p.v2(p.listGroups))
	r.Get("/ontologies", p.v2(p.listOntologies))
	r.Post("/ontologies", p.v2(p.createOntology))
	r.Get("/ontologies/{ontologyHash}", p.v2(p.getOntology))
	r.Get("/datasets/list", p.v2(p.listDatasets))
	r.Post("/datasets", p.v2(p.createDataset))
	r.Get("/projects", p.v2(p.listProjects))
	r.Get("/projects/{projectHash}", p.v2(p.getProject))
	r.Get("/storage/folders", p.v2(p.listStorageFolders))
	r.Post("/storage/folders", p.v2(p.createStorageFolder))
	r.Get("/storage/folders/{folderUuid}", p.v2(p.getStorageFolder))
}

// v1Handlers lists the emulated v1 calls.
func (p sdkPlane) v1Handlers() map[v1Route]v1Handler {
	return map[v1Route]v1Handler{
		{path: "/public/user", queryType: "projectwithuserrole", method: "GET"}: p.v1GetProjects,
		{path: "/public/user", queryType: "project", method: "POST"}:            p.v1CreateProject,
		{path: "/public", queryType: "dataset", method: "GET"}:                  p.v1GetDataset,
	}
}

// --- Wire values ---

// sdkTime is a v2 datetime: ISO 8601 with microseconds and an explicit
// offset, which pydantic and the SDK's parse_datetime both read.
type sdkTime time.Time

func (t sdkTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05.000000-07:00") + `"`), nil
}

// legacyTime is a v1 datetime: "%Y-%m-%d %H:%M:%S", UTC.
type legacyTime time.Time

func (t legacyTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(time.DateTime) + `"`), nil
}

// Enum values (protocol §6).
const (
	ontologyRoleAdmin = 0
	ontologyRoleUser  = 1

	projectRoleAdmin     = 0
	projectRoleAnnotator = 1

	storageLocationCord = 0
	// legacyStorageLocationCord is the same location in the legacy v1
	// dataset object, whose dataset_type the SDK reads back by name
	// (Dataset.storage_location looks the string up in its table of names:
	// an integer there raises KeyError on first access).
	legacyStorageLocationCord = "CORD_STORAGE"
)

func ontologyRole(v accounts.ResourceView) int {
	if v.Administered {
		return ontologyRoleAdmin
	}
	return ontologyRoleUser
}

func projectRole(v accounts.ResourceView) int {
	if v.Administered {
		return projectRoleAdmin
	}
	return projectRoleAnnotator
}

// adminOrUser is DatasetUserRoleV2 and StorageUserRole.
func adminOrUser(v accounts.ResourceView) string {
	if v.Administered {
		return "admin"
	}
	return "user"
}

// sdkPage is the SDK's Page[T].
type sdkPage[T any] struct {
	Results       []T     `json:"results"`
	NextPageToken *string `json:"nextPageToken"`
}

// sdkResult is the {"result": [...]} answer of the unpaged listings.
type sdkResult[T any] struct {
	Result []T `json:"result"`
}

func pageOf[T any](pg accounts.Page[accounts.ResourceView], view func(accounts.ResourceView) T) sdkPage[T] {
	out := sdkPage[T]{Results: make([]T, 0, len(pg.Items)), NextPageToken: nextPageToken(pg)}
	for _, v := range pg.Items {
		out.Results = append(out.Results, view(v))
	}
	return out
}

func resultOf[T any](pg accounts.Page[accounts.ResourceView], view func(accounts.ResourceView) T) sdkResult[T] {
	return sdkResult[T]{Result: pageOf(pg, view).Results}
}

// --- Views ---

type cloudIntegrationJSON struct {
	IntegrationUUID string `json:"integrationUuid"`
	Title           string `json:"title"`
}

func viewCloudIntegration(v accounts.ResourceView) cloudIntegrationJSON {
	return cloudIntegrationJSON{IntegrationUUID: v.ID, Title: v.Title}
}

type groupJSON struct {
	GroupHash   string  `json:"groupHash"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	CreatedAt   sdkTime `json:"createdAt"`
}

func viewGroup(v accounts.ResourceView) groupJSON {
	return groupJSON{GroupHash: v.ID, Name: v.Title, Description: v.Description, CreatedAt: sdkTime(v.CreatedAt)}
}

type ontologyJSON struct {
	OntologyUUID string          `json:"ontologyUuid"`
	Title        string          `json:"title"`
	Description  string          `json:"description"`
	Editor       json.RawMessage `json:"editor"`
	CreatedAt    sdkTime         `json:"createdAt"`
	LastEditedAt sdkTime         `json:"lastEditedAt"`
	UserRole     *int            `json:"userRole"`
}

func viewOntology(v accounts.ResourceView) ontologyJSON {
	editor := accounts.AttributesOf[accounts.OntologyAttributes](v.Resource).Editor
	if len(editor) == 0 {
		editor = json.RawMessage(`{"objects":[],"classifications":[]}`)
	}
	role := ontologyRole(v)
	return ontologyJSON{OntologyUUID: v.ID, Title: v.Title, Description: v.Description, Editor: editor,
		CreatedAt: sdkTime(v.CreatedAt), LastEditedAt: sdkTime(v.UpdatedAt), UserRole: &role}
}

type datasetJSON struct {
	DatasetUUID       string  `json:"datasetUuid"`
	Title             string  `json:"title"`
	Description       string  `json:"description"`
	CreatedAt         sdkTime `json:"createdAt"`
	LastEditedAt      sdkTime `json:"lastEditedAt"`
	UserRole          string  `json:"userRole"`
	StorageLocation   int     `json:"storageLocation"`
	BackingFolderUUID *string `json:"backingFolderUuid"`
}

func viewDataset(v accounts.ResourceView) datasetJSON {
	attrs := accounts.AttributesOf[accounts.DatasetAttributes](v.Resource)
	return datasetJSON{DatasetUUID: v.ID, Title: v.Title, Description: v.Description,
		CreatedAt: sdkTime(v.CreatedAt), LastEditedAt: sdkTime(v.UpdatedAt), UserRole: adminOrUser(v),
		StorageLocation: attrs.StorageLocation, BackingFolderUUID: attrs.BackingFolderID}
}

type projectJSON struct {
	ProjectHash    string          `json:"projectHash"`
	ProjectType    string          `json:"projectType"`
	Status         string          `json:"status"`
	Title          string          `json:"title"`
	Description    string          `json:"description"`
	CreatedAt      sdkTime         `json:"createdAt"`
	LastEditedAt   sdkTime         `json:"lastEditedAt"`
	OntologyHash   string          `json:"ontologyHash"`
	EditorOntology json.RawMessage `json:"editorOntology"`
	UserRole       int             `json:"userRole"`
}

func viewProject(v accounts.ResourceView) projectJSON {
	editor := v.OntologyEditor
	if len(editor) == 0 {
		editor = json.RawMessage(`{}`)
	}
	return projectJSON{ProjectHash: v.ID, ProjectType: "workflow", Status: "inProgress", Title: v.Title, Description: v.Description,
		CreatedAt: sdkTime(v.CreatedAt), LastEditedAt: sdkTime(v.UpdatedAt),
		OntologyHash: accounts.AttributesOf[accounts.ProjectAttributes](v.Resource).OntologyID, EditorOntology: editor, UserRole: projectRole(v)}
}

type pathElementJSON struct {
	UUID              string  `json:"uuid"`
	ParentUUID        *string `json:"parentUuid"`
	Name              string  `json:"name"`
	SyncedDatasetHash *string `json:"syncedDatasetHash"`
}

type storageFolderJSON struct {
	UUID              string            `json:"uuid"`
	Parent            *string           `json:"parent"`
	Name              string            `json:"name"`
	Description       string            `json:"description"`
	ClientMetadata    *string           `json:"clientMetadata"`
	Owner             string            `json:"owner"`
	CreatedAt         sdkTime           `json:"createdAt"`
	LastEditedAt      sdkTime           `json:"lastEditedAt"`
	UserRole          string            `json:"userRole"`
	SyncedDatasetHash *string           `json:"syncedDatasetHash"`
	PathToRoot        []pathElementJSON `json:"pathToRoot"`
}

func viewStorageFolder(v accounts.ResourceView) storageFolderJSON {
	attrs := accounts.AttributesOf[accounts.StorageFolderAttributes](v.Resource)
	path := make([]pathElementJSON, 0, len(v.PathToRoot))
	for _, f := range v.PathToRoot {
		fa := accounts.AttributesOf[accounts.StorageFolderAttributes](f)
		path = append(path, pathElementJSON{UUID: f.ID, ParentUUID: fa.ParentID, Name: f.Title, SyncedDatasetHash: fa.SyncedDatasetID})
	}
	return storageFolderJSON{UUID: v.ID, Parent: attrs.ParentID, Name: v.Title, Description: v.Description,
		ClientMetadata: attrs.ClientMetadata, Owner: v.OwnerEmail, CreatedAt: sdkTime(v.CreatedAt), LastEditedAt: sdkTime(v.UpdatedAt),
		UserRole: adminOrUser(v), SyncedDatasetHash: attrs.SyncedDatasetID, PathToRoot: path}
}

// --- v2 handlers ---

func (p sdkPlane) list(r *http.Request, kind store.ResourceKind, f accounts.ResourceFilter, pr accounts.PageRequest) (accounts.Page[accounts.ResourceView], error) {
	return p.accounts.ListResources(r.Context(), principal(r), kind, f, pr)
}

// listCloudIntegrations: uc.get_cloud_integrations(...).
func (p sdkPlane) listCloudIntegrations(w http.ResponseWriter, r *http.Request) error {
	q := newQueryReader(r)
	f := accounts.ResourceFilter{IncludeOrgAccess: q.boolean("includeOrgAccess")}
	f.IDs = q.ids("filterIntegrationUuids")
	f.Titles = q.strs("filterIntegrationTitles")
	if q.err != nil {
		return q.err
	}
	pg, err := p.list(r, store.KindCloudIntegration, f, accounts.PageRequest{})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resultOf(pg, viewCloudIntegration))
	return nil
}

// listGroups: uc.list_groups().
func (p sdkPlane) listGroups(w http.ResponseWriter, r *http.Request) error {
	q := newQueryReader(r)
	pr := q.page()
	if q.err != nil {
		return q.err
	}
	pg, err := p.list(r, store.KindGroup, accounts.ResourceFilter{}, pr)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(pg, viewGroup))
	return nil
}

// listOntologies: uc.get_ontologies(...).
func (p sdkPlane) listOntologies(w http.ResponseWriter, r *http.Request) error {
	q := newQueryReader(r)
	f := q.commonFilter("descEq", "descLike")
	pr := q.page()
	if q.err != nil {
		return q.err
	}
	pg, err := p.list(r, store.KindOntology, f, pr)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(pg, viewOntology))
	return nil
}

// getOntology: uc.get_ontology(h), and the second request of get_project.
func (p sdkPlane) getOntology(w http.ResponseWriter, r *http.Request) error {
	return getOneView(p, w, r, store.KindOntology, "ontologyHash", viewOntology)
}

// createOntology: uc.create_ontology(title, description, structure).
func (p sdkPlane) createOntology(w http.ResponseWriter, r *http.Request) error {
	var in accounts.CreateOntologyInput
	if err := decodeBody(r, &in, lenient); err != nil {
		return err
	}
	v, err := p.accounts.CreateOntology(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewOntology(v))
	return nil
}

// listDatasets: uc.get_datasets(...); note "result", not a Page.
func (p sdkPlane) listDatasets(w http.ResponseWriter, r *http.Request) error {
	q := newQueryReader(r)
	f := q.commonFilter("descriptionEq", "descriptionLike")
	if q.err != nil {
		return q.err
	}
	pg, err := p.list(r, store.KindDataset, f, accounts.PageRequest{})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resultOf(pg, viewDataset))
	return nil
}

type createdDatasetJSON struct {
	DatasetUUID       string  `json:"datasetUuid"`
	BackingFolderUUID *string `json:"backingFolderUuid"`
}

// createDataset: uc.create_dataset(title, StorageLocation.CORD_STORAGE, ...).
func (p sdkPlane) createDataset(w http.ResponseWriter, r *http.Request) error {
	var in accounts.CreateDatasetInput
	if err := decodeBody(r, &in, lenient); err != nil {
		return err
	}
	out, err := p.accounts.CreateDataset(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	resp := createdDatasetJSON{DatasetUUID: out.Dataset.ID}
	if out.BackingFolder != nil {
		resp.BackingFolderUUID = &out.BackingFolder.ID
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// listProjects: uc.list_projects(...).
func (p sdkPlane) listProjects(w http.ResponseWriter, r *http.Request) error {
	q := newQueryReader(r)
	f := q.commonFilter("descEq", "descLike")
	f.TagsAnyOf = q.strs("tagsAnyof")
	pr := q.page()
	if q.err != nil {
		return q.err
	}
	pg, err := p.list(r, store.KindProject, f, pr)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(pg, viewProject))
	return nil
}

// getProject: the first request of uc.get_project(h).
func (p sdkPlane) getProject(w http.ResponseWriter, r *http.Request) error {
	return getOneView(p, w, r, store.KindProject, "projectHash", viewProject)
}

// listStorageFolders: uc.list_storage_folders(...), a paged generator.
func (p sdkPlane) listStorageFolders(w http.ResponseWriter, r *http.Request) error {
	q := newQueryReader(r)
	f := accounts.ResourceFilter{
		IncludeOrgAccess: q.boolean("includeOrgAccess"),
		Search:           q.str("search"),
		DatasetSynced:    q.optBoolean("datasetSynced"),
		Recursive:        q.boolean("isRecursive"),
		Desc:             q.boolean("desc"),
		Order:            accounts.OrderName,
	}
	if order := q.str("order"); order != nil {
		f.Order = accounts.Order(*order)
	}
	pr := q.page()
	if q.err != nil {
		return q.err
	}
	pg, err := p.list(r, store.KindStorageFolder, f, pr)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(pg, viewStorageFolder))
	return nil
}

// getStorageFolder: StorageFolder lookups by uuid.
func (p sdkPlane) getStorageFolder(w http.ResponseWriter, r *http.Request) error {
	return getOneView(p, w, r, store.KindStorageFolder, "folderUuid", viewStorageFolder)
}

// createStorageFolder: uc.create_storage_folder(name, description, ...).
func (p sdkPlane) createStorageFolder(w http.ResponseWriter, r *http.Request) error {
	var in accounts.CreateStorageFolderInput
	if err := decodeBody(r, &in, lenient); err != nil {
		return err
	}
	v, err := p.accounts.CreateStorageFolder(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewStorageFolder(v))
	return nil
}

func getOneView[T any](p sdkPlane, w http.ResponseWriter, r *http.Request, kind store.ResourceKind, param string, view func(accounts.ResourceView) T) error {
	id, err := pathID(r, param)
	if err != nil {
		return err
	}
	v, err := p.accounts.GetResource(r.Context(), principal(r), kind, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, view(v))
	return nil
}

// --- v1 handlers ---

type v1ProjectJSON struct {
	ProjectHash  string     `json:"project_hash"`
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	CreatedAt    legacyTime `json:"created_at"`
	LastEditedAt legacyTime `json:"last_edited_at"`
	OntologyHash string     `json:"ontology_hash"`
}

type v1ProjectWithRoleJSON struct {
	UserRole int           `json:"user_role"`
	Project  v1ProjectJSON `json:"project"`
}

// v1ProjectFilter is the payload of get_projects: {"filter": {...}} with
// the keys of EncordUserClient.get_projects; unknown keys are ignored.
type v1ProjectFilter struct {
	Filter struct {
		TitleEq          *string `json:"title_eq"`
		TitleLike        *string `json:"title_like"`
		DescEq           *string `json:"desc_eq"`
		DescLike         *string `json:"desc_like"`
		CreatedBefore    *string `json:"created_before"`
		CreatedAfter     *string `json:"created_after"`
		EditedBefore     *string `json:"edited_before"`
		EditedAfter      *string `json:"edited_after"`
		IncludeOrgAccess bool    `json:"include_org_access"`
	} `json:"filter"`
}

// v1GetProjects: uc.get_projects() (deprecated), query_type
// projectwithuserrole.
func (p sdkPlane) v1GetProjects(w http.ResponseWriter, r *http.Request, call v1Call) error {
	var payload v1ProjectFilter
	if len(call.Values.Payload) > 0 && string(call.Values.Payload) != "null" {
		if err := json.Unmarshal(call.Values.Payload, &payload); err != nil {
			return errs.Invalid("payload", "payload must be {\"filter\": {...}}: %v", err)
		}
	}
	in := payload.Filter
	f := accounts.ResourceFilter{IncludeOrgAccess: in.IncludeOrgAccess, TitleEq: in.TitleEq, TitleLike: in.TitleLike, DescEq: in.DescEq, DescLike: in.DescLike}
	for _, t := range []struct {
		name string
		raw  *string
		dst  **time.Time
	}{
		{"created_before", in.CreatedBefore, &f.CreatedBefore}, {"created_after", in.CreatedAfter, &f.CreatedAfter},
		{"edited_before", in.EditedBefore, &f.EditedBefore}, {"edited_after", in.EditedAfter, &f.EditedAfter},
	} {
		if t.raw == nil {
			continue
		}
		at, ok := parseSDKTime(*t.raw)
		if !ok {
			return errs.Invalid(t.name, "filter.%s %q is not a datetime (use ISO 8601, e.g. 2024-02-01T01:02:03+00:00)", t.name, *t.raw)
		}
		*t.dst = &at
	}
	pg, err := p.list(r, store.KindProject, f, accounts.PageRequest{})
	if err != nil {
		return err
	}
	out := make([]v1ProjectWithRoleJSON, 0, len(pg.Items))
	for _, v := range pg.Items {
		out = append(out, v1ProjectWithRoleJSON{UserRole: projectRole(v), Project: v1ProjectJSON{
			ProjectHash: v.ID, Title: v.Title, Description: v.Description,
			CreatedAt: legacyTime(v.CreatedAt), LastEditedAt: legacyTime(v.UpdatedAt),
			OntologyHash: accounts.AttributesOf[accounts.ProjectAttributes](v.Resource).OntologyID,
		}})
	}
	writeV1(w, out)
	return nil
}

// v1CreateProject: uc.create_project(title, dataset_hashes, description);
// the response is the new project's hash.
func (p sdkPlane) v1CreateProject(w http.ResponseWriter, r *http.Request, call v1Call) error {
	var in accounts.CreateProjectInput
	if err := json.Unmarshal(call.Values.Payload, &in); err != nil || string(call.Values.Payload) == "null" {
		return errs.Invalid("payload", "payload must be an object with title, description and dataset_hashes")
	}
	project, err := p.accounts.CreateProject(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeV1(w, project.ID)
	return nil
}

type v1DatasetJSON struct {
	DatasetHash       string   `json:"dataset_hash"`
	Title             string   `json:"title"`
	Description       string   `json:"description"`
	DatasetType       string   `json:"dataset_type"`
	DataRows          []string `json:"data_rows"`
	BackingFolderUUID *string  `json:"backing_folder_uuid"`
}

// v1GetDataset: uc.get_dataset(h), on /public with ResourceType: dataset
// and ResourceID: h. A missing dataset is RESOURCE_NOT_FOUND_ERROR, never
// an empty success (the SDK would take a falsy response for not found,
// with a worse message).
func (p sdkPlane) v1GetDataset(w http.ResponseWriter, r *http.Request, call v1Call) error {
	if call.ResourceType != string(store.KindDataset) {
		return errs.Invalid("ResourceType", "query_type dataset needs the header ResourceType: dataset, got %q", call.ResourceType)
	}
	id, err := accounts.ParseID("ResourceID", call.ResourceID)
	if err != nil {
		return err
	}
	v, err := p.accounts.GetResource(r.Context(), principal(r), store.KindDataset, id)
	if err != nil {
		return err
	}
	writeV1(w, v1DatasetJSON{DatasetHash: v.ID, Title: v.Title, Description: v.Description, DatasetType: legacyStorageLocationCord,
		DataRows: []string{}, BackingFolderUUID: accounts.AttributesOf[accounts.DatasetAttributes](v.Resource).BackingFolderID})
	return nil
}

// --- Query parameters ---

// commonFilter reads includeOrgAccess, the title and description filters
// (whose names differ between endpoints) and the four time bounds.
func (qr *queryReader) commonFilter(descEq, descLike string) accounts.ResourceFilter {
	return accounts.ResourceFilter{
		IncludeOrgAccess: qr.boolean("includeOrgAccess"),
		TitleEq:          qr.str("titleEq"),
		TitleLike:        qr.str("titleLike"),
		DescEq:           qr.str(descEq),
		DescLike:         qr.str(descLike),
		CreatedBefore:    qr.time("createdBefore"),
		CreatedAfter:     qr.time("createdAfter"),
		EditedBefore:     qr.time("editedBefore"),
		EditedAfter:      qr.time("editedAfter"),
	}
}

// sdkTimeLayouts are the datetime forms the SDK (or its user) may send:
// ISO 8601 with or without fraction and offset, with T or a space, or a
// bare date. A value without an offset is UTC, as the SDK assumes.
var sdkTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	time.DateOnly,
}

// parseSDKTime parses a datetime leniently. An offset whose "+" arrived
// unencoded (and so was decoded as a space) is repaired first.
func parseSDKTime(raw string) (time.Time, bool) {
	s := strings.TrimSpace(raw)
	if i := strings.LastIndexByte(s, ' '); i > 0 && isOffset(s[i+1:]) && strings.ContainsAny(s[:i], "T ") {
		s = s[:i] + "+" + s[i+1:]
	}
	for _, layout := range sdkTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// isOffset reports whether s is "hh:mm" or "hhmm".
func isOffset(s string) bool {
	digits := strings.Replace(s, ":", "", 1)
	if len(digits) != 4 || (len(s) == 5 && s[2] != ':') {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
