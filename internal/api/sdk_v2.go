package api

import (
	"net/http"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The handlers of the emulated v2 endpoints. Who sees what is decided by
// package accounts; a handler reads the request, calls it, and writes the
// view.

// bearerToken issues a bearer token for the authenticated principal
// (EncordUserClient.get_bearer_token).
func (p sdkPlane) bearerToken(w http.ResponseWriter, r *http.Request) error {
	issued, err := p.accounts.IssueBearerToken(r.Context(), principal(r))
	if err != nil {
		return err
	}
	writeCredential(w, http.StatusOK, bearerTokenResponse{Token: issued.Token})
	return nil
}

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
	return writeView(w, http.StatusOK, pg, err, resultOf(viewCloudIntegration))
}

// listGroups: uc.list_groups().
func (p sdkPlane) listGroups(w http.ResponseWriter, r *http.Request) error {
	q := newQueryReader(r)
	pr := q.page()
	if q.err != nil {
		return q.err
	}
	pg, err := p.list(r, store.KindGroup, accounts.ResourceFilter{}, pr)
	return writeView(w, http.StatusOK, pg, err, pageOf(viewGroup))
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
	return writeView(w, http.StatusOK, pg, err, pageOf(viewOntology))
}

// getOntology: uc.get_ontology(h), and the second request of get_project.
func (p sdkPlane) getOntology(w http.ResponseWriter, r *http.Request) error {
	return getOneView(p, w, r, store.KindOntology, "ontologyHash", viewOntology)
}

// createOntology: uc.create_ontology(title, description, structure).
func (p sdkPlane) createOntology(w http.ResponseWriter, r *http.Request) error {
	var body createOntologyRequest
	if err := decodeBody(r, &body, lenient); err != nil {
		return err
	}
	v, err := p.accounts.CreateOntology(r.Context(), principal(r), body.input())
	return writeView(w, http.StatusOK, v, err, viewOntology)
}

// listDatasets: uc.get_datasets(...); note "result", not a Page.
func (p sdkPlane) listDatasets(w http.ResponseWriter, r *http.Request) error {
	q := newQueryReader(r)
	f := q.commonFilter("descriptionEq", "descriptionLike")
	if q.err != nil {
		return q.err
	}
	pg, err := p.list(r, store.KindDataset, f, accounts.PageRequest{})
	return writeView(w, http.StatusOK, pg, err, resultOf(viewDataset))
}

// createDataset: uc.create_dataset(title, StorageLocation.CORD_STORAGE, ...).
func (p sdkPlane) createDataset(w http.ResponseWriter, r *http.Request) error {
	var body createDatasetRequest
	if err := decodeBody(r, &body, lenient); err != nil {
		return err
	}
	v, err := p.accounts.CreateDataset(r.Context(), principal(r), body.input())
	return writeView(w, http.StatusOK, v, err, viewCreatedDataset)
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
	return writeView(w, http.StatusOK, pg, err, pageOf(viewProject))
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
	return writeView(w, http.StatusOK, pg, err, pageOf(viewStorageFolder))
}

// getStorageFolder: StorageFolder lookups by uuid.
func (p sdkPlane) getStorageFolder(w http.ResponseWriter, r *http.Request) error {
	return getOneView(p, w, r, store.KindStorageFolder, "folderUuid", viewStorageFolder)
}

// createStorageFolder: uc.create_storage_folder(name, description, ...).
func (p sdkPlane) createStorageFolder(w http.ResponseWriter, r *http.Request) error {
	var body createStorageFolderRequest
	if err := decodeBody(r, &body, lenient); err != nil {
		return err
	}
	v, err := p.accounts.CreateStorageFolder(r.Context(), principal(r), body.input())
	return writeView(w, http.StatusOK, v, err, viewStorageFolder)
}

func getOneView[T any](p sdkPlane, w http.ResponseWriter, r *http.Request, kind store.ResourceKind, param string, view func(accounts.ResourceView) T) error {
	id, err := pathID(r, param)
	if err != nil {
		return err
	}
	v, err := p.accounts.GetResource(r.Context(), principal(r), kind, id)
	return writeView(w, http.StatusOK, v, err, view)
}
