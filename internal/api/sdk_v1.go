package api

import (
	"encoding/json"
	"net/http"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The v1 RPC calls: one POST endpoint per scope, the call named by the
// body's query_type and query_method.
// See docs/sdk-protocol.md, Emulated calls.

// v1Call is the body of a v1 request.
type v1Call struct {
	QueryType   string `json:"query_type"`
	QueryMethod string `json:"query_method"`
	Values      struct {
		UID     json.RawMessage `json:"uid"`
		Payload json.RawMessage `json:"payload"`
	} `json:"values"`
	// From the headers, for /public.
	ResourceType string `json:"-"`
	ResourceID   string `json:"-"`
}

// payloadAbsent reports a payload that is null or not sent.
func (c v1Call) payloadAbsent() bool {
	return len(c.Values.Payload) == 0 || string(c.Values.Payload) == "null"
}

// v1Handler answers one v1 query type and method.
type v1Handler func(w http.ResponseWriter, r *http.Request, call v1Call) error

// dispatchV1 routes a v1 call by its query_type and query_method.
func (p sdkPlane) dispatchV1(w http.ResponseWriter, r *http.Request, scoped bool) error {
	var call v1Call
	if err := decodeBody(r, &call, lenient); err != nil {
		return err
	}
	if call.QueryType == "" || call.QueryMethod == "" {
		return errs.New(errs.InvalidArguments, "the v1 body needs query_type and query_method")
	}
	call.ResourceType, call.ResourceID = r.Header.Get("ResourceType"), r.Header.Get("ResourceID")
	path := "/public/user"
	if scoped {
		path = "/public"
	}
	if h, ok := p.v1[v1Route{path: path, queryType: call.QueryType, method: call.QueryMethod}]; ok {
		return h(w, r, call)
	}
	methods, known := sdkV1QueryTypes[call.QueryType]
	if !known {
		return errs.New(errs.InvalidArguments, "unknown v1 query_type %q: no Encord SDK release from %s to %s sends it", call.QueryType, supportedReleases.first, supportedReleases.last)
	}
	releases, sent := methods[call.QueryMethod]
	if !sent {
		return errs.New(errs.InvalidArguments, "v1 query_type %q with query_method %q: no Encord SDK release from %s to %s sends it", call.QueryType, call.QueryMethod, supportedReleases.first, supportedReleases.last)
	}
	return errs.New(errs.NotImplemented, "v1 query_type %q with query_method %s on POST %s is an Encord SDK call (releases %s) the emulator does not emulate yet", call.QueryType, call.QueryMethod, path, releases)
}

// writeV1 answers a v1 call successfully.
func writeV1(w http.ResponseWriter, response any) {
	writeJSON(w, http.StatusOK, v1Envelope{Status: http.StatusOK, Response: response})
}

// v1GetProjects: uc.get_projects() (deprecated), query_type
// projectwithuserrole.
func (p sdkPlane) v1GetProjects(w http.ResponseWriter, r *http.Request, call v1Call) error {
	return v1List(p, w, r, call, store.KindProject, viewV1ProjectWithRole)
}

// v1CreateProject: uc.create_project(title, dataset_hashes, description);
// the response is the new project's hash.
func (p sdkPlane) v1CreateProject(w http.ResponseWriter, r *http.Request, call v1Call) error {
	var payload v1CreateProjectPayload
	if err := v1RequiredPayload(call, &payload, "an object with title, description and dataset_hashes"); err != nil {
		return err
	}
	project, err := p.accounts.CreateProject(r.Context(), principal(r), payload.input())
	if err != nil {
		return err
	}
	writeV1(w, project.ID)
	return nil
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
	writeV1(w, viewV1Dataset(v))
	return nil
}
