package api

import (
	"encoding/json"
	"net/http"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/accounts/attributes"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The v1 calls of the SDK releases before 0.1.153, which later releases make
// over v2: the listings of cloud integrations, datasets and ontologies, the
// creates of datasets and ontologies, get_ontology, and the project and
// ontology reads of get_project (docs/sdk-protocol.md, Per-call matrix).
// They read and write the same resources as the v2 endpoints, under the
// same visibility rule, so what one release creates every other release
// reads. Their answers carry exactly the keys the oldest parsers accept,
// whatever the release: no User-Agent sniffing.

// v1GetCloudIntegrations: uc.get_cloud_integrations() (releases 0.1.84 to
// 0.1.145), uid and payload null.
func (p sdkPlane) v1GetCloudIntegrations(w http.ResponseWriter, r *http.Request, _ v1Call) error {
	pg, err := p.list(r, store.KindCloudIntegration, accounts.ResourceFilter{}, accounts.PageRequest{})
	if err != nil {
		return err
	}
	writeV1(w, viewAll(pg.Items, viewV1CloudIntegration))
	return nil
}

// v1GetDatasets: uc.get_datasets(...) (releases 0.1.84 to 0.1.152).
func (p sdkPlane) v1GetDatasets(w http.ResponseWriter, r *http.Request, call v1Call) error {
	return v1List(p, w, r, call, store.KindDataset, viewV1DatasetWithRole)
}

// v1GetOntologies: uc.get_ontologies(...) (releases 0.1.84 to 0.1.152).
// user_email is the caller's, whose role user_role is.
func (p sdkPlane) v1GetOntologies(w http.ResponseWriter, r *http.Request, call v1Call) error {
	email := principal(r).Email
	return v1List(p, w, r, call, store.KindOntology, func(v accounts.ResourceView) v1OntologyWithRoleJSON {
		return viewV1OntologyWithRole(v, email)
	})
}

// v1CreateDataset: uc.create_dataset(title, CORD_STORAGE, description)
// (releases 0.1.84 to 0.1.152).
func (p sdkPlane) v1CreateDataset(w http.ResponseWriter, r *http.Request, call v1Call) error {
	var payload v1CreateDatasetPayload
	if err := v1RequiredPayload(call, &payload, "an object with title and type"); err != nil {
		return err
	}
	in, err := payload.input()
	if err != nil {
		return err
	}
	v, err := p.accounts.CreateDataset(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeV1(w, viewV1CreatedDataset(v))
	return nil
}

// v1CreateOntology: uc.create_ontology(title, description, structure)
// (releases 0.1.84 to 0.1.152).
func (p sdkPlane) v1CreateOntology(w http.ResponseWriter, r *http.Request, call v1Call) error {
	var payload createOntologyRequest
	if err := v1RequiredPayload(call, &payload, "an object with title, description and editor"); err != nil {
		return err
	}
	v, err := p.accounts.CreateOntology(r.Context(), principal(r), payload.input())
	if err != nil {
		return err
	}
	writeV1(w, viewV1Ontology(v))
	return nil
}

// v1GetOntology answers two calls on /public, uid naming the ontology:
//   - uc.get_ontology(h) (releases 0.1.84 to 0.1.152), with ResourceType:
//     ontology and ResourceID: h;
//   - the second read of uc.get_project(p) (the same releases), with
//     ResourceType: project and ResourceID: p. The ontology must be p's; it
//     is visible to whoever sees p, as on v2.
func (p sdkPlane) v1GetOntology(w http.ResponseWriter, r *http.Request, call v1Call) error {
	if call.ResourceType != string(store.KindOntology) && call.ResourceType != string(store.KindProject) {
		return errs.Invalid("ResourceType", "query_type ontology needs the header ResourceType: ontology (get_ontology) or project (get_project), got %q", call.ResourceType)
	}
	id, err := accounts.ParseID("ResourceID", call.ResourceID)
	if err != nil {
		return err
	}
	uid, err := v1UID(call)
	if err != nil {
		return err
	}
	ctx, who := r.Context(), principal(r)
	named := id // the ontology the headers name
	if call.ResourceType == string(store.KindProject) {
		project, err := p.accounts.GetResource(ctx, who, store.KindProject, id)
		if err != nil {
			return err
		}
		named = attributes.Of[attributes.Project](project.Resource).OntologyID
	}
	switch {
	case uid == "":
		uid = named
	case uid != named && call.ResourceType == string(store.KindOntology):
		return errs.Invalid("values.uid", "values.uid %s and ResourceID %s name different ontologies; get_ontology sends the same hash in both", uid, id)
	case uid != named:
		return errs.New(errs.NotFound, "project %s has no ontology %s: its ontology is %s", id, uid, named)
	}
	v, err := p.accounts.GetResource(ctx, who, store.KindOntology, uid)
	if err != nil {
		return err
	}
	writeV1(w, viewV1Ontology(v))
	return nil
}

// v1GetProject: the first read of uc.get_project(p) (releases 0.1.84 to
// 0.1.117), on /public with ResourceType: project and ResourceID: p.
// payload.include_labels_metadata changes nothing: the emulator keeps no
// labels.
func (p sdkPlane) v1GetProject(w http.ResponseWriter, r *http.Request, call v1Call) error {
	if call.ResourceType != string(store.KindProject) {
		return errs.Invalid("ResourceType", "query_type project with query_method GET needs the header ResourceType: project, got %q", call.ResourceType)
	}
	id, err := accounts.ParseID("ResourceID", call.ResourceID)
	if err != nil {
		return err
	}
	d, err := p.accounts.GetProjectDetail(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeV1(w, viewV1ProjectDetail(d))
	return nil
}

// v1List answers a v1 listing of kind: what the caller sees of it, under
// the filter of the call's payload, each item as view. An empty listing is
// [], which the SDK reads as no results (a null response is "not found"
// to it).
func v1List[T any](p sdkPlane, w http.ResponseWriter, r *http.Request, call v1Call, kind store.ResourceKind, view func(accounts.ResourceView) T) error {
	f, err := v1Listing(call)
	if err != nil {
		return err
	}
	pg, err := p.list(r, kind, f, accounts.PageRequest{})
	if err != nil {
		return err
	}
	writeV1(w, viewAll(pg.Items, view))
	return nil
}

// v1Listing reads the payload of a v1 listing; null or absent lists
// everything the caller sees.
func v1Listing(call v1Call) (accounts.ResourceFilter, error) {
	var payload v1ListingPayload
	if !call.payloadAbsent() {
		if err := decodeJSON(call.Values.Payload, &payload, lenient, "values.payload"); err != nil {
			return accounts.ResourceFilter{}, err
		}
	}
	return payload.Filter.resourceFilter()
}

// v1RequiredPayload decodes the payload a create needs; what describes it
// in the error.
func v1RequiredPayload(call v1Call, dst any, what string) error {
	if call.payloadAbsent() {
		return errs.Invalid("values.payload", "values.payload must be %s", what)
	}
	return decodeJSON(call.Values.Payload, dst, lenient, "values.payload")
}

// v1UID reads values.uid as a resource id; "" when it is null or absent.
func v1UID(call v1Call) (string, error) {
	if len(call.Values.UID) == 0 || string(call.Values.UID) == "null" {
		return "", nil
	}
	var raw string
	if err := json.Unmarshal(call.Values.UID, &raw); err != nil {
		return "", errs.Invalid("values.uid", "values.uid must be a hash (a string), got %s", call.Values.UID)
	}
	return accounts.ParseID("values.uid", raw)
}
