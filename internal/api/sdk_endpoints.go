package api

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// The calls the Encord SDK releases 0.1.84 to 0.1.190 can make, taken from
// the source of every release in that range
// (docs/sdk-protocol.md, SDK releases 0.1.84 to 0.1.190). Every one is
// routed: those the emulator does not emulate answer 501 and name
// themselves, never an empty success; a call no release of the range makes
// is a 404 (v2) or a 400 (v1).

// sdkReleases is a range of Encord SDK releases, both ends included.
type sdkReleases struct{ first, last string }

func (r sdkReleases) String() string { return r.first + "–" + r.last }

// supportedReleases are the SDK releases the emulator speaks to.
var supportedReleases = sdkReleases{"0.1.84", "0.1.190"}

// sdkV2Endpoints are the v2 endpoints of the supported releases, with the
// releases that call each. Those not emulated answer 501.
var sdkV2Endpoints = []struct{ method, path string }{
	{"POST", "/active/{projectHash}/import"},                                                         // 0.1.153–0.1.190
	{"POST", "/active/{projectHash}/sync"},                                                           // 0.1.153–0.1.190
	{"GET", "/active/{projectUuid}/collections"},                                                     // 0.1.151–0.1.190
	{"GET", "/analytics/collaborators/timers"},                                                       // 0.1.84–0.1.190
	{"GET", "/analytics/task-actions"},                                                               // 0.1.189–0.1.190
	{"GET", "/analytics/time-spent"},                                                                 // 0.1.157–0.1.190
	{"GET", "/cloud-integrations"},                                                                   // 0.1.147–0.1.190
	{"POST", "/datasets"},                                                                            // 0.1.153–0.1.190
	{"GET", "/datasets/list"},                                                                        // 0.1.153–0.1.190
	{"DELETE", "/datasets/{datasetHash}/groups"},                                                     // 0.1.114–0.1.190
	{"GET", "/datasets/{datasetHash}/groups"},                                                        // 0.1.114–0.1.190
	{"POST", "/datasets/{datasetHash}/groups"},                                                       // 0.1.114–0.1.190
	{"POST", "/dicom-deidentification"},                                                              // 0.1.152–0.1.190
	{"GET", "/dicom-deidentification/{dicomDeidUuid}"},                                               // 0.1.152–0.1.190
	{"GET", "/index/collections"},                                                                    // 0.1.136–0.1.190
	{"POST", "/index/collections"},                                                                   // 0.1.136–0.1.190
	{"DELETE", "/index/collections/{collectionUuid}"},                                                // 0.1.136–0.1.190
	{"GET", "/index/presets"},                                                                        // 0.1.136–0.1.190
	{"POST", "/index/presets"},                                                                       // 0.1.145–0.1.190
	{"DELETE", "/index/presets/{presetUuid}"},                                                        // 0.1.136–0.1.190
	{"POST", "/ml-models/{modelHash}/training"},                                                      // 0.1.131–0.1.155
	{"GET", "/ml-models/{modelHash}/{trainingHash}/training"},                                        // 0.1.131–0.1.155
	{"GET", "/ontologies"},                                                                           // 0.1.153–0.1.190
	{"POST", "/ontologies"},                                                                          // 0.1.153–0.1.190
	{"GET", "/ontologies/{ontologyHash}"},                                                            // 0.1.153–0.1.190
	{"PUT", "/ontologies/{ontologyHash}"},                                                            // 0.1.153–0.1.190
	{"DELETE", "/ontologies/{ontologyHash}/groups"},                                                  // 0.1.114–0.1.190
	{"GET", "/ontologies/{ontologyHash}/groups"},                                                     // 0.1.114–0.1.190
	{"POST", "/ontologies/{ontologyHash}/groups"},                                                    // 0.1.114–0.1.190
	{"GET", "/organisation/client-metadata-schema"},                                                  // 0.1.117–0.1.190
	{"POST", "/organisation/client-metadata-schema"},                                                 // 0.1.117–0.1.190
	{"GET", "/organisation/client-metadata-schema-v2"},                                               // 0.1.133–0.1.190
	{"POST", "/organisation/client-metadata-schema-v2"},                                              // 0.1.133–0.1.190
	{"GET", "/organisation/{organisationId}/client-metadata-schema"},                                 // 0.1.113–0.1.116
	{"POST", "/organisation/{organisationId}/client-metadata-schema"},                                // 0.1.113–0.1.116
	{"GET", "/presigned-urls"},                                                                       // 0.1.166–0.1.190
	{"GET", "/projects"},                                                                             // 0.1.155–0.1.190
	{"POST", "/projects/cvat-import"},                                                                // 0.1.147–0.1.190
	{"GET", "/projects/cvat-import/{cvatImportUuid}"},                                                // 0.1.147–0.1.190
	{"GET", "/projects/{projectHash}"},                                                               // 0.1.118–0.1.190
	{"GET", "/projects/{projectHash}/datasets"},                                                      // 0.1.118–0.1.190
	{"GET", "/projects/{projectHash}/editor-logs"},                                                   // 0.1.178–0.1.190
	{"DELETE", "/projects/{projectHash}/groups"},                                                     // 0.1.114–0.1.190
	{"GET", "/projects/{projectHash}/groups"},                                                        // 0.1.114–0.1.190
	{"POST", "/projects/{projectHash}/groups"},                                                       // 0.1.114–0.1.190
	{"GET", "/projects/{projectHash}/issues"},                                                        // 0.1.188–0.1.190
	{"POST", "/projects/{projectHash}/issues"},                                                       // 0.1.163–0.1.190
	{"GET", "/projects/{projectHash}/labels/{labelHash}/validation-state"},                           // 0.1.111–0.1.190
	{"POST", "/projects/{projectHash}/priorities"},                                                   // 0.1.99–0.1.190
	{"PUT", "/projects/{projectHash}/status"},                                                        // 0.1.163–0.1.190
	{"GET", "/projects/{projectHash}/users"},                                                         // 0.1.168–0.1.190
	{"POST", "/projects/{projectHash}/workflow/stages/{stageUuid}/actions"},                          // 0.1.118–0.1.190
	{"POST", "/projects/{projectHash}/workflow/stages/{stageUuid}/move-tasks"},                       // 0.1.176–0.1.190
	{"GET", "/projects/{projectHash}/workflow/stages/{stageUuid}/tasks"},                             // 0.1.118–0.1.190
	{"GET", "/projects/{projectHash}/workflow/stages/{stageUuid}/tasks/{taskUuid}/reviews"},          // 0.1.125–0.1.190
	{"POST", "/projects/{projectHash}/workflow/stages/{stageUuid}/tasks/{taskUuid}/reviews/actions"}, // 0.1.125–0.1.190
	{"GET", "/storage/folders"},                                                                      // 0.1.115–0.1.190
	{"POST", "/storage/folders"},                                                                     // 0.1.112–0.1.190
	{"POST", "/storage/folders/move"},                                                                // 0.1.117–0.1.190
	{"PATCH", "/storage/folders/patch-bulk"},                                                         // 0.1.121–0.1.190
	{"DELETE", "/storage/folders/{folderUuid}"},                                                      // 0.1.112–0.1.190
	{"GET", "/storage/folders/{folderUuid}"},                                                         // 0.1.112–0.1.190
	{"PATCH", "/storage/folders/{folderUuid}"},                                                       // 0.1.116–0.1.190
	{"GET", "/storage/folders/{folderUuid}/cloud-linked-folder-syncs/{syncJobUuid}/long-polling"},    // 0.1.162–0.1.190
	{"POST", "/storage/folders/{folderUuid}/cloud-synced-folder-syncs"},                              // 0.1.162–0.1.190
	{"POST", "/storage/folders/{folderUuid}/create-group-item"},                                      // 0.1.169–0.1.184
	{"POST", "/storage/folders/{folderUuid}/create-group-items"},                                     // 0.1.185–0.1.190
	{"POST", "/storage/folders/{folderUuid}/data-upload-jobs"},                                       // 0.1.115–0.1.190
	{"GET", "/storage/folders/{folderUuid}/data-upload-jobs/{uploadJobId}"},                          // 0.1.115–0.1.190
	{"POST", "/storage/folders/{folderUuid}/data-upload-jobs/{uploadJobId}/cancel"},                  // 0.1.149–0.1.190
	{"GET", "/storage/folders/{folderUuid}/folders"},                                                 // 0.1.115–0.1.190
	{"DELETE", "/storage/folders/{folderUuid}/groups"},                                               // 0.1.125–0.1.190
	{"GET", "/storage/folders/{folderUuid}/groups"},                                                  // 0.1.125–0.1.190
	{"POST", "/storage/folders/{folderUuid}/groups"},                                                 // 0.1.125–0.1.190
	{"GET", "/storage/folders/{folderUuid}/items"},                                                   // 0.1.116–0.1.190
	{"POST", "/storage/folders/{folderUuid}/items/delete"},                                           // 0.1.117–0.1.190
	{"POST", "/storage/folders/{folderUuid}/items/move"},                                             // 0.1.117–0.1.190
	{"PATCH", "/storage/folders/{folderUuid}/items/{itemUuid}"},                                      // 0.1.116–0.1.190
	{"GET", "/storage/folders/{folderUuid}/items/{itemUuid}/child-items"},                            // 0.1.117–0.1.190
	{"GET", "/storage/folders/{folderUuid}/items/{itemUuid}/summary"},                                // 0.1.116–0.1.190
	{"GET", "/storage/folders/{folderUuid}/summary"},                                                 // 0.1.116–0.1.190
	{"POST", "/storage/folders/{folderUuid}/upload-signed-urls"},                                     // 0.1.115–0.1.190
	{"POST", "/storage/items/get-bulk"},                                                              // 0.1.117–0.1.190
	{"POST", "/storage/items/migrate-storage"},                                                       // 0.1.133–0.1.190
	{"PATCH", "/storage/items/patch-bulk"},                                                           // 0.1.121–0.1.190
	{"POST", "/storage/items/reencode"},                                                              // 0.1.118–0.1.190
	{"GET", "/storage/items/reencode/{processHash}"},                                                 // 0.1.118–0.1.190
	{"GET", "/storage/items/{itemUuid}"},                                                             // 0.1.116–0.1.190
	{"GET", "/storage/search/folders"},                                                               // 0.1.115–0.1.190
	{"GET", "/storage/search/items"},                                                                 // 0.1.116–0.1.190
	{"GET", "/user/bearer-token"},                                                                    // 0.1.145–0.1.190
	{"GET", "/user/bearer_token"},                                                                    // 0.1.110–0.1.143
	{"GET", "/user/current-organisation/groups"},                                                     // 0.1.114–0.1.190
}

// sdkV1QueryTypes are the v1 query types of the supported releases: for
// each, the query_methods the SDK sends with it and the releases that send
// each.
var sdkV1QueryTypes = map[string]map[string]sdkReleases{
	"apikeymeta":              {"GET": {"0.1.84", "0.1.145"}},
	"cloudintegration":        {"GET": {"0.1.84", "0.1.145"}},
	"datarow":                 {"GET": {"0.1.84", "0.1.190"}, "POST": {"0.1.84", "0.1.190"}},
	"datarows":                {"GET": {"0.1.84", "0.1.190"}},
	"dataset":                 {"GET": {"0.1.84", "0.1.190"}, "POST": {"0.1.84", "0.1.152"}},
	"datasetapikey":           {"GET": {"0.1.84", "0.1.145"}, "POST": {"0.1.84", "0.1.145"}, "PUT": {"0.1.84", "0.1.141"}},
	"datasetdata":             {"GET": {"0.1.84", "0.1.190"}},
	"datasetdatalongpolling":  {"GET": {"0.1.84", "0.1.190"}, "POST": {"0.1.84", "0.1.190"}},
	"datasetlinkitems":        {"POST": {"0.1.98", "0.1.190"}},
	"datasetusers":            {"POST": {"0.1.84", "0.1.190"}},
	"datasetwithuserrole":     {"GET": {"0.1.84", "0.1.152"}},
	"dicomdeidentifytask":     {"POST": {"0.1.84", "0.1.151"}},
	"dicomseries":             {"POST": {"0.1.84", "0.1.137"}},
	"imagegroup":              {"POST": {"0.1.84", "0.1.137"}, "DELETE": {"0.1.84", "0.1.143"}},
	"imagegroupocr":           {"GET": {"0.1.84", "0.1.190"}},
	"images":                  {"PUT": {"0.1.84", "0.1.137"}},
	"labelingalgorithm":       {"POST": {"0.1.84", "0.1.190"}},
	"labellog":                {"GET": {"0.1.84", "0.1.190"}},
	"labelrow":                {"GET": {"0.1.84", "0.1.190"}, "POST": {"0.1.84", "0.1.190"}, "PUT": {"0.1.84", "0.1.190"}},
	"labelrowmetadata":        {"GET": {"0.1.84", "0.1.190"}},
	"labelstatus":             {"POST": {"0.1.84", "0.1.162"}},
	"labelworkflowgraphnode":  {"POST": {"0.1.84", "0.1.190"}},
	"model":                   {"POST": {"0.1.84", "0.1.155"}, "PUT": {"0.1.84", "0.1.155"}, "DELETE": {"0.1.84", "0.1.155"}},
	"modelconfiguration":      {"GET": {"0.1.84", "0.1.155"}},
	"ontology":                {"GET": {"0.1.84", "0.1.152"}, "POST": {"0.1.84", "0.1.152"}, "PUT": {"0.1.84", "0.1.152"}},
	"ontologywithuserrole":    {"GET": {"0.1.84", "0.1.152"}},
	"project":                 {"GET": {"0.1.84", "0.1.190"}, "POST": {"0.1.84", "0.1.190"}},
	"projectapikey":           {"GET": {"0.1.84", "0.1.145"}, "POST": {"0.1.84", "0.1.145"}, "PUT": {"0.1.84", "0.1.141"}},
	"projectcopy":             {"POST": {"0.1.84", "0.1.190"}},
	"projectdataset":          {"POST": {"0.1.84", "0.1.190"}, "DELETE": {"0.1.84", "0.1.190"}},
	"projectimporter":         {"POST": {"0.1.84", "0.1.145"}},
	"projectimportercvatinfo": {"POST": {"0.1.84", "0.1.142"}},
	"projectusers":            {"POST": {"0.1.84", "0.1.190"}},
	"projectwithuserrole":     {"GET": {"0.1.84", "0.1.190"}},
	"reencodevideotask":       {"GET": {"0.1.84", "0.1.190"}, "PUT": {"0.1.84", "0.1.190"}},
	"review":                  {"PUT": {"0.1.84", "0.1.162"}},
	"signedaudiourl":          {"GET": {"0.1.125", "0.1.164"}},
	"signeddicomsurl":         {"GET": {"0.1.84", "0.1.164"}},
	"signedimagesurl":         {"GET": {"0.1.84", "0.1.165"}},
	"signedvideourl":          {"GET": {"0.1.84", "0.1.164"}},
	"singleimage":             {"POST": {"0.1.84", "0.1.137"}},
	"trainingmetadata":        {"GET": {"0.1.84", "0.1.155"}},
	"video":                   {"POST": {"0.1.84", "0.1.190"}, "PUT": {"0.1.84", "0.1.137"}, "DELETE": {"0.1.84", "0.1.190"}},
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
