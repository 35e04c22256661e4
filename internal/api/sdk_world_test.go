package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// The world of the SDK-plane tests: two workspaces with every kind of
// principal, and the resources they create.

// world is two workspaces with every kind of principal in the first.
type world struct {
	c                  *client
	ws, other          workspace
	admin, bob, carol  sdkUser // users of ws: an admin and two members
	adminSA, memberSA  sdkUser // service accounts of ws
	outsider           sdkUser // the admin of other
	bobID, carolID     string
	adminSAID, botSAID string
}

// forEachWorld runs test once per backend, in a world over a fresh store.
func forEachWorld(t *testing.T, test func(t *testing.T, w *world)) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		test(t, newWorld(t, newStore(t)))
	})
}

func newWorld(t *testing.T, st store.Store) *world {
	c, _ := startServer(t, st, api.Config{})
	w := &world{c: c}
	w.ws = c.newWorkspace("Acme", "admin@acme.test")
	w.other = c.newWorkspace("Globex", "admin@globex.test")
	user := func(id, session string) sdkUser {
		return sdkUser{c: c, signer: c.sdkKey("/api/v1/me/keys", session), owner: map[string]any{"type": "user", "id": id}}
	}
	w.admin = user(w.ws.AdminID, w.ws.AdminToken)
	w.outsider = user(w.other.AdminID, w.other.AdminToken)
	var bobSession, carolSession string
	w.bobID, bobSession = c.addMember(w.ws, "bob@acme.test", store.RoleMember)
	w.carolID, carolSession = c.addMember(w.ws, "carol@acme.test", store.RoleMember)
	w.bob, w.carol = user(w.bobID, bobSession), user(w.carolID, carolSession)

	c.must(200, "PATCH", "/_emulator/workspaces/"+w.ws.ID+"/quotas", "", map[string]any{"serviceAccounts": 2})
	sa := func(name string, role store.Role) (sdkUser, string) {
		id := c.newServiceAccount(w.ws, name)
		if role == store.RoleAdmin {
			c.must(200, "PATCH", "/api/v1/workspace/service-accounts/"+id, w.ws.AdminToken, map[string]any{"role": "admin"})
		}
		signer := c.sdkKey("/api/v1/workspace/service-accounts/"+id+"/keys", w.ws.AdminToken)
		return sdkUser{c: c, signer: signer, owner: map[string]any{"type": "service_account", "id": id}}, id
	}
	w.adminSA, w.adminSAID = sa("ops", store.RoleAdmin)
	w.memberSA, w.botSAID = sa("bot", store.RoleMember)
	return w
}

// resource creates a resource through the control plane.
func (w *world) resource(ws workspace, body map[string]any) map[string]any {
	w.c.t.Helper()
	return w.c.must(201, "POST", "/_emulator/workspaces/"+ws.ID+"/resources", "", body).JSON
}

var (
	ontologyShape = map[string]keyKind{"ontologyUuid": kUUID, "title": kString, "description": kString, "editor": kEditor, "createdAt": kTime, "lastEditedAt": kTime, "userRole": kInt}
	datasetShape  = map[string]keyKind{"datasetUuid": kUUID, "title": kString, "description": kString, "createdAt": kTime, "lastEditedAt": kTime, "userRole": kString, "storageLocation": kInt, "backingFolderUuid": kUUIDOrNull}
	projectShape  = map[string]keyKind{"projectHash": kUUID, "projectType": kString, "status": kString, "title": kString, "description": kString, "createdAt": kTime, "lastEditedAt": kTime, "ontologyHash": kUUID, "editorOntology": kObject, "userRole": kInt}
	folderShape   = map[string]keyKind{"uuid": kUUID, "parent": kUUIDOrNull, "name": kString, "description": kString, "clientMetadata": kNull, "owner": kString, "createdAt": kTime, "lastEditedAt": kTime, "userRole": kString, "syncedDatasetHash": kUUIDOrNull, "pathToRoot": kArray}
	groupShape    = map[string]keyKind{"groupHash": kUUID, "name": kString, "description": kString, "createdAt": kTime}
	cloudShape    = map[string]keyKind{"integrationUuid": kUUID, "title": kString}
)

const listFoldersQuery = "/v2/public/storage/folders?isRecursive=False&order=name&desc=False&pageSize=100"

// createDataset sends create_dataset's exact body and returns the ids.
func (u sdkUser) createDataset(title string, backingFolder bool) (dataset, folder string) {
	u.c.t.Helper()
	body := fmt.Sprintf(`{"title": %q, "description": "d", "createBackingFolder": %t, "legacyCall": false}`, title, backingFolder)
	r := u.post(200, "/v2/public/datasets", body)
	dataset, _ = r.JSON["datasetUuid"].(string)
	folder, _ = r.JSON["backingFolderUuid"].(string)
	return dataset, folder
}

func (u sdkUser) createProject(title string, datasets ...string) string {
	u.c.t.Helper()
	quoted := make([]string, len(datasets))
	for i, d := range datasets {
		quoted[i] = `"` + d + `"`
	}
	body := fmt.Sprintf(`{"query_type": "project", "query_method": "POST", "values": {"uid": null, "payload": {"title": %q, "description": "", "dataset_hashes": [%s], "workflow_type": "manual"}}}`, title, strings.Join(quoted, ", "))
	h, ok := u.v1OK("", "", body).(string)
	if !ok || !lowerUUID.MatchString(h) {
		u.c.t.Fatalf("create_project answered %v, want a project hash", h)
	}
	return h
}

func getDatasetBody() string {
	return `{"query_type": "dataset", "query_method": "GET", "values": {"uid": null, "payload": {"dataset_access_settings": {"fetch_client_metadata": false}}}}`
}

const getProjectsBody = `{"query_type": "projectwithuserrole", "query_method": "GET", "values": {"uid": null, "payload": {"filter": {}}}}`
