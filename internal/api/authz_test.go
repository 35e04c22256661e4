package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// The authorization matrix: every route of the router, called by every kind
// of caller, with a valid request (path parameters naming real objects of
// the right workspace, minimal valid bodies), so that the status says what
// authorization decided and nothing else.

// callerKind is a column of the matrix. Each kind presents the credential
// its plane takes: on the management and control planes an
// "Authorization: Bearer" session or token, on the SDK plane (and
// GET /_emulator/whoami) a request signed with a key, or a bearer token.
type callerKind int

const (
	anonymous            callerKind = iota // no credentials at all
	member                                 // workspace A's member: session; its key
	admin                                  // workspace A's admin: session; its key
	otherAdmin                             // workspace B's admin, on A's objects: session; its key
	removedMember                          // A's removed member: its old session; its old key
	expiredCredential                      // A's member: an expired session; an expired SDK bearer token
	serviceAccountKey                      // A's service account (role member): a request signed with its key
	serviceAccountBearer                   // the same service account's SDK bearer token
	revokedKey                             // a request signed with a revoked key of A's member
	unknownKey                             // a request signed with a key never registered
	controlToken                           // the control plane's admin token
	wrongControlToken                      // a wrong control-plane token
	numCallerKinds
)

var callerKindNames = [numCallerKinds]string{
	"anonymous", "member", "admin", "otherAdmin", "removedMember", "expiredCredential",
	"serviceAccountKey", "serviceAccountBearer", "revokedKey", "unknownKey", "controlToken", "wrongControlToken",
}

func (k callerKind) String() string { return callerKindNames[k] }

// Rows that repeat: an Encord SDK endpoint the emulator does not emulate
// answers 501 once authenticated.
const (
	sdkNotEmulated = "401 501 501 501 401 401 501 501 401 401 401 401"
	controlOnly201 = "401 401 401 401 401 401 401 401 401 401 201 401"
	controlOnly200 = "401 401 401 401 401 401 401 401 401 401 200 401"
	controlOnly204 = "401 401 401 401 401 401 401 401 401 401 204 401"
	everyone200    = "200 200 200 200 200 200 200 200 200 200 200 200"
	whoamiAnswer   = "401 200 200 200 401 401 200 200 401 401 401 401"
)

// authzMatrix is the expected status of every cell, keyed by "METHOD
// /pattern" as chi.Walk reports the route, optionally followed by a space
// and a variant name (same route, another request). Every route of the
// router must have a row, and every row a route.
//
// Columns, in callerKind order:
//
//	anonymous member admin otherAdmin removedMember expiredCredential
//	serviceAccountKey serviceAccountBearer revokedKey unknownKey
//	controlToken wrongControlToken
var authzMatrix = map[string]string{
	"GET /openapi.yaml": everyone200,

	// Management plane: sessions only; admins only where docs/rules.md
	// says so; another workspace's objects are 404, never 403.
	//                                                                ano mem adm oth rmv exp saK saB rvk unk ctl bad
	"POST /api/v1/sessions":                                         "401 201 201 201 401 201 401 401 201 401 401 401",
	"DELETE /api/v1/sessions/current":                               "401 204 204 204 401 401 401 401 401 401 401 401",
	"GET /api/v1/me/":                                               "401 200 200 200 401 401 401 401 401 401 401 401",
	"GET /api/v1/me/keys":                                           "401 200 200 200 401 401 401 401 401 401 401 401",
	"POST /api/v1/me/keys":                                          "401 201 201 201 401 401 401 401 401 401 401 401",
	"DELETE /api/v1/me/keys/{keyId}":                                "401 204 404 404 401 401 401 401 401 401 401 401",
	"GET /api/v1/workspace/":                                        "401 200 200 200 401 401 401 401 401 401 401 401",
	"GET /api/v1/workspace/members/":                                "401 200 200 200 401 401 401 401 401 401 401 401",
	"POST /api/v1/workspace/members/":                               "401 403 201 201 401 401 401 401 401 401 401 401",
	"PATCH /api/v1/workspace/members/{memberId}":                    "401 403 200 404 401 401 401 401 401 401 401 401",
	"DELETE /api/v1/workspace/members/{memberId}":                   "401 403 204 404 401 401 401 401 401 401 401 401",
	"GET /api/v1/workspace/members/{memberId}/keys":                 "401 403 200 404 401 401 401 401 401 401 401 401",
	"DELETE /api/v1/workspace/members/{memberId}/keys/{keyId}":      "401 403 204 404 401 401 401 401 401 401 401 401",
	"GET /api/v1/workspace/service-accounts/":                       "401 403 200 200 401 401 401 401 401 401 401 401",
	"POST /api/v1/workspace/service-accounts/":                      "401 403 201 201 401 401 401 401 401 401 401 401",
	"GET /api/v1/workspace/service-accounts/{saId}":                 "401 403 200 404 401 401 401 401 401 401 401 401",
	"PATCH /api/v1/workspace/service-accounts/{saId}":               "401 403 200 404 401 401 401 401 401 401 401 401",
	"DELETE /api/v1/workspace/service-accounts/{saId}":              "401 403 204 404 401 401 401 401 401 401 401 401",
	"GET /api/v1/workspace/service-accounts/{saId}/keys":            "401 403 200 404 401 401 401 401 401 401 401 401",
	"POST /api/v1/workspace/service-accounts/{saId}/keys":           "401 403 201 404 401 401 401 401 401 401 401 401",
	"DELETE /api/v1/workspace/service-accounts/{saId}/keys/{keyId}": "401 403 204 404 401 401 401 401 401 401 401 401",

	// Control plane, configured with an admin token: the token and nothing
	// else, but for the health checks and whoami (which authenticates like
	// the SDK plane, on every method).
	"GET /_emulator/healthz":                             everyone200,
	"GET /_emulator/readyz":                              everyone200,
	"GET /_emulator/workspaces/":                         controlOnly200,
	"POST /_emulator/workspaces/":                        controlOnly201,
	"GET /_emulator/workspaces/{workspaceId}":            controlOnly200,
	"DELETE /_emulator/workspaces/{workspaceId}":         controlOnly204,
	"PATCH /_emulator/workspaces/{workspaceId}/quotas":   controlOnly200,
	"POST /_emulator/workspaces/{workspaceId}/resources": controlOnly201,
	"POST /_emulator/reset":                              controlOnly204,
	"GET /_emulator/requests":                            controlOnly200,
	"GET /_emulator/state":                               controlOnly200,
	"PUT /_emulator/state":                               controlOnly204,
	"GET /_emulator/faults/":                             controlOnly200,
	"POST /_emulator/faults/":                            controlOnly201,
	"DELETE /_emulator/faults/":                          controlOnly200,
	"DELETE /_emulator/faults/{ruleId}":                  controlOnly204,
	"GET /_emulator/clock/":                              controlOnly200,
	"PUT /_emulator/clock/":                              controlOnly200,
	"DELETE /_emulator/clock/":                           controlOnly200,
	"GET /metrics":                                       controlOnly200,
	"GET /_emulator/whoami":                              whoamiAnswer,
	"HEAD /_emulator/whoami":                             whoamiAnswer,
	"POST /_emulator/whoami":                             whoamiAnswer,
	"PUT /_emulator/whoami":                              whoamiAnswer,
	"PATCH /_emulator/whoami":                            whoamiAnswer,
	"DELETE /_emulator/whoami":                           whoamiAnswer,
	"OPTIONS /_emulator/whoami":                          whoamiAnswer,
	"CONNECT /_emulator/whoami":                          whoamiAnswer,
	"TRACE /_emulator/whoami":                            whoamiAnswer,
	"QUERY /_emulator/whoami":                            whoamiAnswer,

	// SDK plane, v1: the envelope's status is the HTTP status; a key never
	// registered is SSH_KEY_NOT_FOUND_ERROR (400), as Encord answers. The
	// objects named belong to A's admin and are shared with nobody.
	//                                       ano mem adm oth rmv exp saK saB rvk unk ctl bad
	"POST /public/user":                    "401 200 200 200 401 401 200 200 401 400 401 401",
	"POST /public/user include_org_access": "401 403 200 200 401 401 403 403 401 400 401 401",
	"POST /public":                         "401 403 200 404 401 401 403 403 401 400 401 401",

	// SDK plane, v2, emulated.
	//                                                     ano mem adm oth rmv exp saK saB rvk unk ctl bad
	"GET /v2/public/user/bearer-token":                   "401 200 200 200 401 401 200 401 401 401 401 401", // a bearer never mints a bearer
	"GET /v2/public/user/bearer_token":                   "401 200 200 200 401 401 200 401 401 401 401 401",
	"GET /v2/public/user/current-organisation/groups":    "401 200 200 200 401 401 200 200 401 401 401 401",
	"GET /v2/public/cloud-integrations":                  "401 200 200 200 401 401 200 200 401 401 401 401",
	"GET /v2/public/cloud-integrations includeOrgAccess": "401 403 200 200 401 401 403 403 401 401 401 401",
	"GET /v2/public/ontologies":                          "401 200 200 200 401 401 200 200 401 401 401 401",
	"GET /v2/public/ontologies includeOrgAccess":         "401 403 200 200 401 401 403 403 401 401 401 401",
	"POST /v2/public/ontologies":                         "401 200 200 200 401 401 200 200 401 401 401 401",
	"GET /v2/public/ontologies/{ontologyHash}":           "401 403 200 404 401 401 403 403 401 401 401 401",
	"GET /v2/public/datasets/list":                       "401 200 200 200 401 401 200 200 401 401 401 401",
	"GET /v2/public/datasets/list includeOrgAccess":      "401 403 200 200 401 401 403 403 401 401 401 401",
	"POST /v2/public/datasets":                           "401 200 200 200 401 401 200 200 401 401 401 401",
	"GET /v2/public/projects":                            "401 200 200 200 401 401 200 200 401 401 401 401",
	"GET /v2/public/projects includeOrgAccess":           "401 403 200 200 401 401 403 403 401 401 401 401",
	"GET /v2/public/projects/{projectHash}":              "401 403 200 404 401 401 403 403 401 401 401 401",
	"GET /v2/public/storage/folders":                     "401 200 200 200 401 401 200 200 401 401 401 401",
	"GET /v2/public/storage/folders includeOrgAccess":    "401 403 200 200 401 401 403 403 401 401 401 401",
	"POST /v2/public/storage/folders":                    "401 200 200 200 401 401 200 200 401 401 401 401",
	"GET /v2/public/storage/folders/{folderUuid}":        "401 403 200 404 401 401 403 403 401 401 401 401",

	// SDK plane, v2, not emulated (docs/sdk-protocol.md lists the SDK's
	// endpoints).
	"POST /v2/public/active/{projectHash}/import":                                                         sdkNotEmulated,
	"POST /v2/public/active/{projectHash}/sync":                                                           sdkNotEmulated,
	"GET /v2/public/active/{projectUuid}/collections":                                                     sdkNotEmulated,
	"GET /v2/public/analytics/collaborators/timers":                                                       sdkNotEmulated,
	"GET /v2/public/analytics/task-actions":                                                               sdkNotEmulated,
	"GET /v2/public/analytics/time-spent":                                                                 sdkNotEmulated,
	"DELETE /v2/public/datasets/{datasetHash}/groups":                                                     sdkNotEmulated,
	"GET /v2/public/datasets/{datasetHash}/groups":                                                        sdkNotEmulated,
	"POST /v2/public/datasets/{datasetHash}/groups":                                                       sdkNotEmulated,
	"POST /v2/public/dicom-deidentification":                                                              sdkNotEmulated,
	"GET /v2/public/dicom-deidentification/{dicomDeidUuid}":                                               sdkNotEmulated,
	"GET /v2/public/index/collections":                                                                    sdkNotEmulated,
	"POST /v2/public/index/collections":                                                                   sdkNotEmulated,
	"DELETE /v2/public/index/collections/{collectionUuid}":                                                sdkNotEmulated,
	"GET /v2/public/index/presets":                                                                        sdkNotEmulated,
	"POST /v2/public/index/presets":                                                                       sdkNotEmulated,
	"DELETE /v2/public/index/presets/{presetUuid}":                                                        sdkNotEmulated,
	"PUT /v2/public/ontologies/{ontologyHash}":                                                            sdkNotEmulated,
	"DELETE /v2/public/ontologies/{ontologyHash}/groups":                                                  sdkNotEmulated,
	"GET /v2/public/ontologies/{ontologyHash}/groups":                                                     sdkNotEmulated,
	"POST /v2/public/ontologies/{ontologyHash}/groups":                                                    sdkNotEmulated,
	"GET /v2/public/organisation/client-metadata-schema":                                                  sdkNotEmulated,
	"POST /v2/public/organisation/client-metadata-schema":                                                 sdkNotEmulated,
	"GET /v2/public/organisation/client-metadata-schema-v2":                                               sdkNotEmulated,
	"POST /v2/public/organisation/client-metadata-schema-v2":                                              sdkNotEmulated,
	"GET /v2/public/presigned-urls":                                                                       sdkNotEmulated,
	"POST /v2/public/projects/cvat-import":                                                                sdkNotEmulated,
	"GET /v2/public/projects/cvat-import/{cvatImportUuid}":                                                sdkNotEmulated,
	"GET /v2/public/projects/{projectHash}/datasets":                                                      sdkNotEmulated,
	"GET /v2/public/projects/{projectHash}/editor-logs":                                                   sdkNotEmulated,
	"DELETE /v2/public/projects/{projectHash}/groups":                                                     sdkNotEmulated,
	"GET /v2/public/projects/{projectHash}/groups":                                                        sdkNotEmulated,
	"POST /v2/public/projects/{projectHash}/groups":                                                       sdkNotEmulated,
	"GET /v2/public/projects/{projectHash}/labels/{labelHash}/validation-state":                           sdkNotEmulated,
	"POST /v2/public/projects/{projectHash}/priorities":                                                   sdkNotEmulated,
	"PUT /v2/public/projects/{projectHash}/status":                                                        sdkNotEmulated,
	"GET /v2/public/projects/{projectHash}/users":                                                         sdkNotEmulated,
	"POST /v2/public/storage/folders/move":                                                                sdkNotEmulated,
	"PATCH /v2/public/storage/folders/patch-bulk":                                                         sdkNotEmulated,
	"DELETE /v2/public/storage/folders/{folderUuid}":                                                      sdkNotEmulated,
	"PATCH /v2/public/storage/folders/{folderUuid}":                                                       sdkNotEmulated,
	"GET /v2/public/storage/folders/{folderUuid}/cloud-linked-folder-syncs/{syncJobUuid}/long-polling":    sdkNotEmulated,
	"POST /v2/public/storage/folders/{folderUuid}/create-group-items":                                     sdkNotEmulated,
	"GET /v2/public/storage/folders/{folderUuid}/data-upload-jobs/{uploadJobId}":                          sdkNotEmulated,
	"POST /v2/public/storage/folders/{folderUuid}/data-upload-jobs/{uploadJobId}/cancel":                  sdkNotEmulated,
	"DELETE /v2/public/storage/folders/{folderUuid}/groups":                                               sdkNotEmulated,
	"GET /v2/public/storage/folders/{folderUuid}/groups":                                                  sdkNotEmulated,
	"POST /v2/public/storage/folders/{folderUuid}/groups":                                                 sdkNotEmulated,
	"GET /v2/public/storage/folders/{folderUuid}/items":                                                   sdkNotEmulated,
	"POST /v2/public/storage/folders/{folderUuid}/items/delete":                                           sdkNotEmulated,
	"POST /v2/public/storage/folders/{folderUuid}/items/move":                                             sdkNotEmulated,
	"PATCH /v2/public/storage/folders/{folderUuid}/items/{itemUuid}":                                      sdkNotEmulated,
	"GET /v2/public/storage/folders/{folderUuid}/items/{itemUuid}/child-items":                            sdkNotEmulated,
	"GET /v2/public/storage/folders/{folderUuid}/items/{itemUuid}/summary":                                sdkNotEmulated,
	"GET /v2/public/storage/folders/{folderUuid}/summary":                                                 sdkNotEmulated,
	"POST /v2/public/storage/folders/{folderUuid}/upload-signed-urls":                                     sdkNotEmulated,
	"POST /v2/public/storage/items/get-bulk":                                                              sdkNotEmulated,
	"PATCH /v2/public/storage/items/patch-bulk":                                                           sdkNotEmulated,
	"POST /v2/public/storage/items/reencode":                                                              sdkNotEmulated,
	"GET /v2/public/storage/items/reencode/{processHash}":                                                 sdkNotEmulated,
	"GET /v2/public/storage/items/{itemUuid}":                                                             sdkNotEmulated,
	"POST /v2/public/ml-models/{modelHash}/training":                                                      sdkNotEmulated,
	"GET /v2/public/ml-models/{modelHash}/{trainingHash}/training":                                        sdkNotEmulated,
	"GET /v2/public/organisation/{organisationId}/client-metadata-schema":                                 sdkNotEmulated,
	"POST /v2/public/organisation/{organisationId}/client-metadata-schema":                                sdkNotEmulated,
	"GET /v2/public/projects/{projectHash}/issues":                                                        sdkNotEmulated,
	"POST /v2/public/projects/{projectHash}/issues":                                                       sdkNotEmulated,
	"POST /v2/public/projects/{projectHash}/workflow/stages/{stageUuid}/actions":                          sdkNotEmulated,
	"POST /v2/public/projects/{projectHash}/workflow/stages/{stageUuid}/move-tasks":                       sdkNotEmulated,
	"GET /v2/public/projects/{projectHash}/workflow/stages/{stageUuid}/tasks":                             sdkNotEmulated,
	"GET /v2/public/projects/{projectHash}/workflow/stages/{stageUuid}/tasks/{taskUuid}/reviews":          sdkNotEmulated,
	"POST /v2/public/projects/{projectHash}/workflow/stages/{stageUuid}/tasks/{taskUuid}/reviews/actions": sdkNotEmulated,
	"POST /v2/public/storage/folders/{folderUuid}/cloud-synced-folder-syncs":                              sdkNotEmulated,
	"POST /v2/public/storage/folders/{folderUuid}/create-group-item":                                      sdkNotEmulated,
	"POST /v2/public/storage/folders/{folderUuid}/data-upload-jobs":                                       sdkNotEmulated,
	"GET /v2/public/storage/folders/{folderUuid}/folders":                                                 sdkNotEmulated,
	"POST /v2/public/storage/items/migrate-storage":                                                       sdkNotEmulated,
	"GET /v2/public/storage/search/folders":                                                               sdkNotEmulated,
	"GET /v2/public/storage/search/items":                                                                 sdkNotEmulated,
}

// TestAuthorizationMatrix walks every route and checks every cell.
func TestAuthorizationMatrix(t *testing.T) {
	routes := walkRoutes(t)
	rowsOf := map[string][]string{} // route -> its rows (variants included)
	for key := range authzMatrix {
		route := routeOfRow(key)
		rowsOf[route] = append(rowsOf[route], key)
		if !slices.Contains(routes, route) {
			t.Errorf("authzMatrix has a row for %q, which the router does not serve", key)
		}
	}
	for key := range authzRequests {
		if _, ok := authzMatrix[key]; !ok {
			t.Errorf("authzRequests builds %q, which has no row in authzMatrix", key)
		}
	}
	for _, route := range routes {
		if len(rowsOf[route]) == 0 {
			t.Errorf("route %q has no row in authzMatrix: say who may call it", route)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	keys := make([]string, 0, len(authzMatrix))
	for key := range authzMatrix {
		keys = append(keys, key)
	}
	slices.Sort(keys)

	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		w := newAuthzWorld(t, newStore(t))
		snapshot := w.c.must(200, "GET", "/_emulator/state", w.controlToken, nil).Raw
		for _, key := range keys {
			want := parseAuthzRow(t, key, authzMatrix[key])
			t.Run(key, func(t *testing.T) {
				// Every row starts from the same state: a cell may log out,
				// delete, reset or import, and must not change the next
				// row's answers.
				w.t = t
				w.c.t = t
				w.c.must(204, "PUT", "/_emulator/state", w.controlToken, snapshot)
				for k := range numCallerKinds {
					status, body := w.call(key, k)
					if status != want[k] {
						t.Errorf("%s as %s: got %d, want %d: %.300s", key, k, status, want[k], body)
						continue
					}
					if err := checkDenial(key, status, body); err != nil {
						t.Errorf("%s as %s: %v", key, k, err)
					}
				}
			})
		}
	})
}

// denialCodes are the error codes a denial carries, by status.
var denialCodes = map[int]string{
	400: "SSH_KEY_NOT_FOUND_ERROR", 401: "AUTHENTICATION_ERROR", 403: "AUTHORISATION_ERROR", 404: "RESOURCE_NOT_FOUND_ERROR",
}

// checkDenial checks that a 4xx answer speaks its plane's dialect: the
// management and control planes' {"error": {"code"}}, the v1 envelope's
// response code, v2's message, whoami's reason.
func checkDenial(key string, status int, body string) error {
	want, ok := denialCodes[status]
	if !ok || strings.HasPrefix(key, "HEAD ") {
		return nil
	}
	var got struct {
		Error    struct{ Code string } `json:"error"`
		Response any                   `json:"response"`
		Message  string                `json:"message"`
		Reason   string                `json:"reason"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		return fmt.Errorf("%d answer is not JSON: %.200s", status, body)
	}
	_, pattern, _ := strings.Cut(routeOfRow(key), " ")
	switch {
	case pattern == "/_emulator/whoami":
		if got.Reason == "" {
			return fmt.Errorf("whoami's %d says no reason: %.200s", status, body)
		}
	case strings.HasPrefix(pattern, "/public"):
		if codes, _ := got.Response.([]any); len(codes) != 1 || codes[0] != want {
			return fmt.Errorf("v1 %d envelope has response %v, want [%s]", status, got.Response, want)
		}
	case strings.HasPrefix(pattern, "/v2/"):
		if got.Message == "" {
			return fmt.Errorf("v2 %d has no message: %.200s", status, body)
		}
	default:
		if got.Error.Code != want {
			return fmt.Errorf("%d has code %q, want %s", status, got.Error.Code, want)
		}
	}
	return nil
}

// walkRoutes lists "METHOD /pattern" of every route of the router.
func walkRoutes(t *testing.T) []string {
	t.Helper()
	h := api.NewHandler(api.Config{Accounts: accounts.New(memory.New(), accounts.Config{})})
	var routes []string
	err := chi.Walk(h.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) < 50 {
		t.Fatalf("chi.Walk found %d routes: the walk proves nothing", len(routes))
	}
	return routes
}

// routeOfRow returns the "METHOD /pattern" of a row key.
func routeOfRow(key string) string {
	method, rest, _ := strings.Cut(key, " ")
	pattern, _, _ := strings.Cut(rest, " ")
	return method + " " + pattern
}

func parseAuthzRow(t *testing.T, key, row string) [numCallerKinds]int {
	t.Helper()
	var out [numCallerKinds]int
	fields := strings.Fields(row)
	if len(fields) != int(numCallerKinds) {
		t.Fatalf("row %q has %d cells, want %d", key, len(fields), numCallerKinds)
	}
	for i, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil || n < 100 || n > 599 {
			t.Fatalf("row %q: cell %d (%s) is %q, not a status", key, i, callerKind(i), f)
		}
		out[i] = n
	}
	return out
}
