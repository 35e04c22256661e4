package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// sdkPlane serves the endpoints the Encord SDK calls (design.md 3.1).
type sdkPlane struct {
	accounts *accounts.Service
	auth     sdkAuth
	v1Errors errorWriter
	v2Errors errorWriter
	v1       map[v1Route]v1Handler // built once by newSDKPlane
}

func newSDKPlane(a *accounts.Service, auth sdkAuth, log *slog.Logger) sdkPlane {
	p := sdkPlane{accounts: a, auth: auth, v1Errors: errorWriter{log: log, dialect: v1Dialect{}}, v2Errors: errorWriter{log: log, dialect: v2Dialect{}}}
	p.v1 = p.v1Handlers()
	return p
}

func (p sdkPlane) v2(fn handlerFunc) http.HandlerFunc { return p.v2Errors.handle(fn) }

func (p sdkPlane) routes(r chi.Router) {
	r.Route("/v2/public", func(r chi.Router) {
		r.Use(p.auth.middleware(p.v2Errors))
		r.Get("/user/bearer-token", p.v2(p.bearerToken))
		p.v2ResourceRoutes(r)
		// Every other endpoint the SDK can call answers 501, naming itself.
		for _, e := range sdkV2Endpoints {
			if !r.(chi.Routes).Match(chi.NewRouteContext(), e.method, samplePath(e.path)) {
				r.Method(e.method, e.path, p.v2(notEmulated))
			}
		}
		r.NotFound(p.v2(func(w http.ResponseWriter, r *http.Request) error {
			return errs.New(errs.NotFound, "%s %s is not an endpoint of the Encord SDK 0.1.190", r.Method, r.URL.Path)
		}))
		r.MethodNotAllowed(p.v2(func(w http.ResponseWriter, r *http.Request) error {
			return errs.New(errs.MethodNotAllowed, "%s is not allowed on %s", r.Method, r.URL.Path)
		}))
	})
	for _, path := range []string{"/public", "/public/user"} {
		scoped := path == "/public"
		r.With(p.auth.middleware(p.v1Errors)).Post(path, p.v1Errors.handle(func(w http.ResponseWriter, r *http.Request) error {
			return p.dispatchV1(w, r, scoped)
		}))
	}
}

type bearerTokenResponse struct {
	Token string `json:"token"`
}

// bearerToken issues a bearer token for the authenticated principal
// (EncordUserClient.get_bearer_token).
func (p sdkPlane) bearerToken(w http.ResponseWriter, r *http.Request) error {
	issued, err := p.accounts.IssueBearerToken(r.Context(), principal(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, bearerTokenResponse{Token: issued.Token})
	return nil
}

// notEmulated answers a v2 endpoint the SDK can call but the emulator does
// not emulate: 501, never an empty success.
func notEmulated(w http.ResponseWriter, r *http.Request) error {
	return errs.New(errs.NotImplemented, "%s %s is an Encord SDK endpoint the emulator does not emulate yet", r.Method, chi.RouteContext(r.Context()).RoutePattern())
}

// samplePath fills the {parameters} of a chi pattern with a value.
func samplePath(pattern string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			b.WriteString(pattern)
			return b.String()
		}
		j := strings.IndexByte(pattern[i:], '}')
		b.WriteString(pattern[:i])
		b.WriteString("x")
		pattern = pattern[i+j+1:]
	}
}

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

// v1Route names a v1 call.
type v1Route struct {
	path, queryType, method string
}

// sdkV2Endpoints are the v2 endpoints of Encord SDK 0.1.190 (protocol
// Appendix A). Those not emulated answer 501.
var sdkV2Endpoints = []struct{ method, path string }{
	{"POST", "/active/{projectHash}/import"},
	{"POST", "/active/{projectHash}/sync"},
	{"GET", "/active/{projectUuid}/collections"},
	{"GET", "/analytics/collaborators/timers"},
	{"GET", "/analytics/task-actions"},
	{"GET", "/analytics/time-spent"},
	{"GET", "/cloud-integrations"},
	{"POST", "/datasets"},
	{"GET", "/datasets/list"},
	{"DELETE", "/datasets/{datasetHash}/groups"},
	{"GET", "/datasets/{datasetHash}/groups"},
	{"POST", "/datasets/{datasetHash}/groups"},
	{"POST", "/dicom-deidentification"},
	{"GET", "/dicom-deidentification/{dicomDeidUuid}"},
	{"GET", "/index/collections"},
	{"POST", "/index/collections"},
	{"DELETE", "/index/collections/{collectionUuid}"},
	{"GET", "/index/presets"},
	{"POST", "/index/presets"},
	{"DELETE", "/index/presets/{presetUuid}"},
	{"GET", "/ontologies"},
	{"POST", "/ontologies"},
	{"GET", "/ontologies/{ontologyHash}"},
	{"PUT", "/ontologies/{ontologyHash}"},
	{"DELETE", "/ontologies/{ontologyHash}/groups"},
	{"GET", "/ontologies/{ontologyHash}/groups"},
	{"POST", "/ontologies/{ontologyHash}/groups"},
	{"GET", "/organisation/client-metadata-schema"},
	{"POST", "/organisation/client-metadata-schema"},
	{"GET", "/organisation/client-metadata-schema-v2"},
	{"POST", "/organisation/client-metadata-schema-v2"},
	{"GET", "/presigned-urls"},
	{"GET", "/projects"},
	{"POST", "/projects/cvat-import"},
	{"GET", "/projects/cvat-import/{cvatImportUuid}"},
	{"GET", "/projects/{projectHash}"},
	{"GET", "/projects/{projectHash}/datasets"},
	{"GET", "/projects/{projectHash}/editor-logs"},
	{"DELETE", "/projects/{projectHash}/groups"},
	{"GET", "/projects/{projectHash}/groups"},
	{"POST", "/projects/{projectHash}/groups"},
	{"GET", "/projects/{projectHash}/labels/{labelHash}/validation-state"},
	{"POST", "/projects/{projectHash}/priorities"},
	{"PUT", "/projects/{projectHash}/status"},
	{"GET", "/projects/{projectHash}/users"},
	{"POST", "/storage/folders"},
	{"POST", "/storage/folders/move"},
	{"PATCH", "/storage/folders/patch-bulk"},
	{"GET", "/storage/folders/{folderUuid}"},
	{"POST", "/storage/folders/{folderUuid}/items/delete"},
	{"POST", "/storage/folders/{folderUuid}/items/move"},
	{"PATCH", "/storage/folders/{folderUuid}/items/{itemUuid}"},
	{"GET", "/storage/folders/{folderUuid}/items/{itemUuid}/child-items"},
	{"GET", "/storage/folders/{folderUuid}/items/{itemUuid}/summary"},
	{"DELETE", "/storage/folders/{folderUuid}"},
	{"PATCH", "/storage/folders/{folderUuid}"},
	{"GET", "/storage/folders/{folderUuid}/cloud-linked-folder-syncs/{syncJobUuid}/long-polling"},
	{"POST", "/storage/folders/{folderUuid}/create-group-items"},
	{"GET", "/storage/folders/{folderUuid}/data-upload-jobs/{uploadJobId}"},
	{"POST", "/storage/folders/{folderUuid}/data-upload-jobs/{uploadJobId}/cancel"},
	{"DELETE", "/storage/folders/{folderUuid}/groups"},
	{"GET", "/storage/folders/{folderUuid}/groups"},
	{"POST", "/storage/folders/{folderUuid}/groups"},
	{"GET", "/storage/folders/{folderUuid}/items"},
	{"GET", "/storage/folders/{folderUuid}/summary"},
	{"POST", "/storage/folders/{folderUuid}/upload-signed-urls"},
	{"POST", "/storage/items/get-bulk"},
	{"PATCH", "/storage/items/patch-bulk"},
	{"POST", "/storage/items/reencode"},
	{"GET", "/storage/items/reencode/{processHash}"},
	{"GET", "/storage/items/{itemUuid}"},
	{"GET", "/user/bearer-token"},
	{"GET", "/user/current-organisation/groups"},
	{"GET", "/storage/folders"},
}

// sdkV1QueryTypes are the v1 query types of Encord SDK 0.1.190.
var sdkV1QueryTypes = map[string]bool{
	"datarow": true, "datarows": true, "datasetdata": true, "datasetdatalongpolling": true,
	"datasetlinkitems": true, "datasetusers": true, "imagegroupocr": true, "labellog": true,
	"labelrow": true, "labelrowmetadata": true, "labelworkflowgraphnode": true,
	"labelingalgorithm": true, "dataset": true, "project": true, "projectcopy": true,
	"projectdataset": true, "projectusers": true, "projectwithuserrole": true,
	"reencodevideotask": true, "video": true,
}
