package api

import (
	"encoding/json"
	"net/http"
	"time"

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
	if sdkV1QueryTypes[call.QueryType] {
		return errs.New(errs.NotImplemented, "v1 query_type %q with query_method %s on POST %s is an Encord SDK call the emulator does not emulate yet", call.QueryType, call.QueryMethod, path)
	}
	return errs.New(errs.InvalidArguments, "unknown v1 query_type %q: the Encord SDK 0.1.190 never sends it", call.QueryType)
}

// writeV1 answers a v1 call successfully.
func writeV1(w http.ResponseWriter, response any) {
	writeJSON(w, http.StatusOK, v1Envelope{Status: http.StatusOK, Response: response})
}

// v1GetProjects: uc.get_projects() (deprecated), query_type
// projectwithuserrole.
func (p sdkPlane) v1GetProjects(w http.ResponseWriter, r *http.Request, call v1Call) error {
	var payload v1ProjectFilter
	if len(call.Values.Payload) > 0 && string(call.Values.Payload) != "null" {
		if err := decodeJSON(call.Values.Payload, &payload, lenient, "values.payload"); err != nil {
			return err
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
		out = append(out, viewV1ProjectWithRole(v))
	}
	writeV1(w, out)
	return nil
}

// v1CreateProject: uc.create_project(title, dataset_hashes, description);
// the response is the new project's hash.
func (p sdkPlane) v1CreateProject(w http.ResponseWriter, r *http.Request, call v1Call) error {
	if len(call.Values.Payload) == 0 || string(call.Values.Payload) == "null" {
		return errs.Invalid("values.payload", "values.payload must be an object with title, description and dataset_hashes")
	}
	var payload v1CreateProjectPayload
	if err := decodeJSON(call.Values.Payload, &payload, lenient, "values.payload"); err != nil {
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
