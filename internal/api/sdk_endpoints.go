package api

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// The calls Encord SDK 0.1.190 can make (docs/sdk-protocol.md lists them
// per release). Every one is routed: those the emulator does not emulate
// answer 501 and name themselves, never an empty success.

// sdkV2Endpoints are the v2 endpoints of Encord SDK 0.1.190. Those not
// emulated answer 501.
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
