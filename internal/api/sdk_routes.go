package api

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// sdkPlane serves the endpoints the Encord SDK calls: /v2/public/... and
// the v1 RPC endpoints /public and /public/user.
type sdkPlane struct {
	accounts *accounts.Service
	auth     sdkAuth
	v1Errors errorWriter
	v2Errors errorWriter
	v1       map[v1Route]v1Handler // built once by newSDKPlane
	// allRoutes are every route of the router, which a 405 lists.
	allRoutes *routeTable
}

func newSDKPlane(a *accounts.Service, auth sdkAuth, log *slog.Logger, routes *routeTable) sdkPlane {
	p := sdkPlane{accounts: a, auth: auth, v1Errors: errorWriter{log: log, dialect: v1Dialect{}}, v2Errors: errorWriter{log: log, dialect: v2Dialect{}}, allRoutes: routes}
	p.v1 = p.v1Handlers()
	return p
}

func (p sdkPlane) v2(fn handlerFunc) http.HandlerFunc { return p.v2Errors.handle(fn) }

// routes registers every route of the SDK plane: the emulated v2
// endpoints, then every other v2 endpoint of the SDK (501), then the two
// v1 RPC endpoints, whose calls v1Handlers lists. Path parameter names
// match sdkV2Endpoints. What each endpoint answers is described in
// docs/sdk-protocol.md.
func (p sdkPlane) routes(r chi.Router) {
	r.Route("/v2/public", func(r chi.Router) {
		r.Use(p.auth.middleware(p.v2Errors))
		r.Get("/user/bearer-token", p.v2(p.bearerToken))
		// The path releases 0.1.110 to 0.1.143 call. Routed as it is sent:
		// the v2 signature covers it, so nothing rewrites it.
		r.Get("/user/bearer_token", p.v2(p.bearerToken))
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

		for _, e := range sdkV2Endpoints {
			if !r.(chi.Routes).Match(chi.NewRouteContext(), e.method, samplePath(e.path)) {
				r.Method(e.method, e.path, p.v2(notEmulated))
			}
		}
		r.NotFound(p.v2(func(w http.ResponseWriter, r *http.Request) error {
			return errs.New(errs.NotFound, "%s %s is not an endpoint of any Encord SDK release from %s to %s", r.Method, r.URL.Path, supportedReleases.first, supportedReleases.last)
		}))
		r.MethodNotAllowed(p.allRoutes.methodNotAllowed(p.v2Errors))
	})
	for _, path := range []string{"/public", "/public/user"} {
		scoped := path == "/public"
		r.With(p.auth.middleware(p.v1Errors)).Post(path, p.v1Errors.handle(func(w http.ResponseWriter, r *http.Request) error {
			return p.dispatchV1(w, r, scoped)
		}))
	}
}

// v1Route names a v1 call.
type v1Route struct {
	path, queryType, method string
}

// v1Handlers lists the emulated v1 calls; every other call of the SDK
// answers 501 (sdkV1QueryTypes). The calls every supported release makes
// come first, then those of the releases before 0.1.153, which later
// releases make over v2 (docs/sdk-protocol.md, Per-call matrix).
func (p sdkPlane) v1Handlers() map[v1Route]v1Handler {
	return map[v1Route]v1Handler{
		{path: "/public/user", queryType: "projectwithuserrole", method: "GET"}: p.v1GetProjects,
		{path: "/public/user", queryType: "project", method: "POST"}:            p.v1CreateProject,
		{path: "/public", queryType: "dataset", method: "GET"}:                  p.v1GetDataset,

		{path: "/public/user", queryType: "cloudintegration", method: "GET"}:     p.v1GetCloudIntegrations,
		{path: "/public/user", queryType: "datasetwithuserrole", method: "GET"}:  p.v1GetDatasets,
		{path: "/public/user", queryType: "dataset", method: "POST"}:             p.v1CreateDataset,
		{path: "/public/user", queryType: "ontologywithuserrole", method: "GET"}: p.v1GetOntologies,
		{path: "/public/user", queryType: "ontology", method: "POST"}:            p.v1CreateOntology,
		{path: "/public", queryType: "ontology", method: "GET"}:                  p.v1GetOntology,
		{path: "/public", queryType: "project", method: "GET"}:                   p.v1GetProject,
	}
}
