package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSDKResourceCalls runs every emulated resource call of the SDK
// (docs/sdk-protocol.md) over real HTTP,
// signed as the SDK signs, and checks each answer has the keys the SDK's
// parsers require.
func TestSDKResourceCalls(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		bob := w.bob

		// create_dataset with a backing folder.
		dataset, folder := bob.createDataset("probe dataset", true)
		if !lowerUUID.MatchString(dataset) || !lowerUUID.MatchString(folder) {
			t.Fatalf("create_dataset ids %q, %q are not lowercase UUIDs", dataset, folder)
		}
		plain, noFolder := bob.createDataset("plain", false)
		if noFolder != "" {
			t.Fatalf("create_dataset without a backing folder returned one: %q", noFolder)
		}

		// get_datasets: {"result": [...]}, not a Page.
		r := bob.get(200, "/v2/public/datasets/list?includeOrgAccess=False")
		if len(r.JSON) != 1 {
			t.Fatalf("get_datasets answers only result: %s", r)
		}
		items := list(t, r, "result")
		sameIDs(t, "datasets", ids(items, "datasetUuid"), sorted(dataset, plain))
		for _, it := range items {
			m := shape(t, "dataset", it, datasetShape)
			if m["userRole"] != "admin" {
				t.Fatalf("creator's dataset userRole = %v, want admin", m["userRole"])
			}
			if m["datasetUuid"] == dataset && m["backingFolderUuid"] != folder {
				t.Fatalf("backingFolderUuid = %v, want %s", m["backingFolderUuid"], folder)
			}
		}

		// v1 get_dataset.
		ds := shape(t, "get_dataset", bob.v1OK("dataset", dataset, getDatasetBody()), map[string]keyKind{
			"dataset_hash": kUUID, "title": kString, "description": kString, "dataset_type": kString, "data_rows": kEmptyArr, "backing_folder_uuid": kUUID,
		})
		if ds["dataset_hash"] != dataset || ds["title"] != "probe dataset" || ds["backing_folder_uuid"] != folder {
			t.Fatalf("get_dataset = %v", ds)
		}
		// The SDK's legacy Dataset.storage_location looks dataset_type up by
		// name ("CORD_STORAGE", "AWS_S3", ...); an integer raises KeyError.
		if ds["dataset_type"] != "CORD_STORAGE" {
			t.Fatalf("get_dataset dataset_type = %#v, want the legacy name \"CORD_STORAGE\"", ds["dataset_type"])
		}

		// create_ontology, get_ontology, get_ontologies.
		r = bob.post(200, "/v2/public/ontologies", `{"title": "animals", "description": "zoo", "editor": {"objects": [{"id": "1", "name": "cat", "shape": "bounding_box"}]}}`)
		onto := shape(t, "create_ontology", r.JSON, ontologyShape)["ontologyUuid"].(string)
		if objs := r.JSON["editor"].(map[string]any)["objects"].([]any); len(objs) != 1 {
			t.Fatalf("editor objects not kept: %s", r)
		}
		got := shape(t, "get_ontology", bob.get(200, "/v2/public/ontologies/"+onto).JSON, ontologyShape)
		if got["title"] != "animals" || got["userRole"] != float64(0) {
			t.Fatalf("get_ontology = %v", got)
		}
		for _, it := range page(t, bob.get(200, "/v2/public/ontologies?includeOrgAccess=False")) {
			shape(t, "get_ontologies item", it, ontologyShape)
		}

		// create_project (v1), then list_projects, get_project and the
		// ontology fetch that follows it, and the legacy get_projects.
		project := bob.createProject("first project", dataset)
		items = page(t, bob.get(200, "/v2/public/projects?includeOrgAccess=False"))
		sameIDs(t, "projects", ids(items, "projectHash"), []string{project})
		p := shape(t, "project", bob.get(200, "/v2/public/projects/"+project).JSON, projectShape)
		if p["projectType"] != "workflow" || p["status"] != "inProgress" || p["userRole"] != float64(0) {
			t.Fatalf("get_project = %v", p)
		}
		shape(t, "project editorOntology", p, map[string]keyKind{"editorOntology": kEditor})
		shape(t, "project's ontology", bob.get(200, "/v2/public/ontologies/"+p["ontologyHash"].(string)).JSON, ontologyShape)

		legacy, ok := bob.v1OK("", "", getProjectsBody).([]any)
		if !ok || len(legacy) != 1 {
			t.Fatalf("get_projects = %v, want one project", legacy)
		}
		entry := shape(t, "get_projects entry", legacy[0], map[string]keyKind{"user_role": kInt, "project": kObject})
		lp := shape(t, "get_projects project", entry["project"], map[string]keyKind{
			"project_hash": kUUID, "title": kString, "description": kString, "created_at": kLegacy, "last_edited_at": kLegacy, "ontology_hash": kUUID,
		})
		if lp["project_hash"] != project || lp["ontology_hash"] != p["ontologyHash"] {
			t.Fatalf("get_projects project = %v, want %s with ontology %v", lp, project, p["ontologyHash"])
		}

		// list_storage_folders, exactly as the SDK asks: the backing folder.
		items = page(t, bob.get(200, listFoldersQuery))
		if len(items) != 1 {
			t.Fatalf("storage folders = %v, want the backing folder", items)
		}
		f := shape(t, "storage folder", items[0], folderShape)
		if f["uuid"] != folder || f["syncedDatasetHash"] != dataset || f["owner"] != "bob@acme.test" || f["userRole"] != "admin" || f["parent"] != nil {
			t.Fatalf("backing folder = %v", f)
		}
		shape(t, "storage folder", f, map[string]keyKind{"pathToRoot": kEmptyArr})

		// Every workspace starts with the group "Everyone"; more groups and
		// the cloud integrations come from the control plane.
		w.resource(w.ws, map[string]any{"kind": "group", "title": "Annotators"})
		w.resource(w.ws, map[string]any{"kind": "cloud_integration", "title": "s3 bucket", "createdBy": bob.owner})
		groups := page(t, bob.get(200, "/v2/public/user/current-organisation/groups"))
		if len(groups) != 2 || shape(t, "group", groups[0], groupShape)["name"] != "Everyone" || groups[1]["name"] != "Annotators" {
			t.Fatalf("groups = %v, want Everyone then Annotators", groups)
		}
		// Bad create bodies are 400s naming the field.
		for _, bad := range []struct{ target, body, field string }{
			{"/v2/public/datasets", `{"title": "  ", "description": "", "createBackingFolder": false, "legacyCall": false}`, "title"},
			{"/v2/public/datasets", `[]`, "JSON object"},
			{"/v2/public/ontologies", `{"title": "o", "description": "", "editor": {"objects": 1}}`, "editor.objects"},
			{"/v2/public/storage/folders", `{"name": "f", "description": null, "parent": "nope", "clientMetadata": null}`, "parent"},
		} {
			if r := bob.post(400, bad.target, bad.body); !strings.Contains(r.str("message"), bad.field) {
				t.Fatalf("POST %s %s: message %q does not name %s", bad.target, bad.body, r.str("message"), bad.field)
			}
		}

		// Other methods on the emulated paths still answer 501.
		for _, req := range [][2]string{{"PUT", "/v2/public/ontologies/" + onto}, {"DELETE", "/v2/public/storage/folders/" + folder}, {"GET", "/v2/public/storage/folders/" + folder + "/items"}} {
			if r := bob.send(req[0], req[1], ""); r.Status != http.StatusNotImplemented {
				t.Fatalf("%s %s: got %s, want 501", req[0], req[1], r)
			}
		}

		r = bob.get(200, "/v2/public/cloud-integrations?includeOrgAccess=False")
		clouds := list(t, r, "result")
		if len(r.JSON) != 1 || len(clouds) != 1 || shape(t, "cloud integration", clouds[0], cloudShape)["title"] != "s3 bucket" {
			t.Fatalf("cloud integrations = %s", r)
		}
	})
}

// TestSDKResourceVisibility checks who sees what (accounts/visibility.go).
func TestSDKResourceVisibility(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		bobDS, _ := w.bob.createDataset("bob's", false)
		carolDS, _ := w.carol.createDataset("carol's", false)
		botDS, _ := w.memberSA.createDataset("bot's", false)
		shared := w.resource(w.ws, map[string]any{"kind": "dataset", "title": "shared with bob", "createdBy": w.carol.owner, "sharedWith": []any{w.bob.owner}})["id"].(string)
		// Without createdBy, the control plane makes the oldest admin the owner.
		adminDS := w.resource(w.ws, map[string]any{"kind": "dataset", "title": "admin's"})["id"].(string)
		w.outsider.createDataset("globex", false)
		all := sorted(bobDS, carolDS, botDS, shared, adminDS)

		datasets := func(u sdkUser, orgAccess string) []string {
			t.Helper()
			return ids(list(t, u.get(200, "/v2/public/datasets/list?includeOrgAccess="+orgAccess), "result"), "datasetUuid")
		}
		sameIDs(t, "member", datasets(w.bob, "False"), sorted(bobDS, shared))
		sameIDs(t, "other member", datasets(w.carol, "False"), sorted(carolDS, shared))
		sameIDs(t, "member service account", datasets(w.memberSA, "False"), []string{botDS})
		sameIDs(t, "admin user without org access", datasets(w.admin, "False"), []string{adminDS})
		sameIDs(t, "admin user with org access", datasets(w.admin, "True"), all)
		sameIDs(t, "admin service account", datasets(w.adminSA, "False"), all)

		// userRole: the admin administers what it sees, a sharee does not.
		for _, it := range list(t, w.bob.get(200, "/v2/public/datasets/list?includeOrgAccess=False"), "result") {
			if want := map[bool]string{true: "admin", false: "user"}[it["datasetUuid"] == bobDS]; it["userRole"] != want {
				t.Fatalf("bob's userRole on %v = %v, want %s", it["title"], it["userRole"], want)
			}
		}

		// includeOrgAccess=True by a member is a 403 with a message.
		for _, u := range []sdkUser{w.bob, w.memberSA} {
			for _, target := range []string{"/v2/public/datasets/list", "/v2/public/projects", "/v2/public/ontologies", "/v2/public/cloud-integrations", "/v2/public/storage/folders"} {
				r := u.get(403, target+"?includeOrgAccess=True")
				if !strings.Contains(r.str("message"), "includeOrgAccess=True needs a workspace admin") {
					t.Fatalf("GET %s: message %q does not explain the 403", target, r.str("message"))
				}
			}
		}

		// Single reads: invisible → 403, other workspace or missing → 404.
		v1Error(t, w.bob.v1("dataset", carolDS, getDatasetBody()), 403, "AUTHORISATION_ERROR")
		v1Error(t, w.outsider.v1("dataset", bobDS, getDatasetBody()), 404, "RESOURCE_NOT_FOUND_ERROR")
		v1Error(t, w.bob.v1("dataset", "0b8f9e8c-1111-4222-8333-444455556666", getDatasetBody()), 404, "RESOURCE_NOT_FOUND_ERROR")
		if got := w.bob.v1OK("dataset", shared, getDatasetBody()).(map[string]any)["dataset_hash"]; got != shared {
			t.Fatalf("a sharee reads the shared dataset: got %v", got)
		}
		w.adminSA.v1OK("dataset", carolDS, getDatasetBody())
		// A workspace admin user reads anything of its workspace by id; only
		// listings need includeOrgAccess=True.
		w.admin.v1OK("dataset", carolDS, getDatasetBody())

		r := w.carol.post(200, "/v2/public/ontologies", `{"title": "carol's ontology", "description": "", "editor": {}}`)
		carolOnto := r.JSON["ontologyUuid"].(string)
		w.bob.get(403, "/v2/public/ontologies/"+carolOnto)
		w.outsider.get(404, "/v2/public/ontologies/"+carolOnto)
		w.carol.get(200, "/v2/public/ontologies/"+carolOnto)
		if got := w.bob.get(400, "/v2/public/ontologies/not-a-uuid"); !strings.Contains(got.str("message"), "ontologyHash") {
			t.Fatalf("malformed id: %s", got)
		}

		// create_project: datasets must exist and be visible.
		v1Error(t, w.bob.v1("", "", fmt.Sprintf(`{"query_type": "project", "query_method": "POST", "values": {"uid": null, "payload": {"title": "p", "description": "", "dataset_hashes": [%q], "workflow_type": "manual"}}}`, carolDS)), 403, "AUTHORISATION_ERROR")
		v1Error(t, w.bob.v1("", "", `{"query_type": "project", "query_method": "POST", "values": {"uid": null, "payload": {"title": "p", "description": "", "dataset_hashes": ["0b8f9e8c-1111-4222-8333-444455556666"], "workflow_type": "manual"}}}`), 404, "RESOURCE_NOT_FOUND_ERROR")
		v1Error(t, w.bob.v1("", "", `{"query_type": "project", "query_method": "POST", "values": {"uid": null, "payload": {"title": "", "description": "", "dataset_hashes": [], "workflow_type": "manual"}}}`), 400, "INVALID_ARGUMENTS_ERROR")

		// A project shared with carol: she reads it and its ontology
		// (get_project's second request), though the ontology is bob's.
		project := w.bob.createProject("bob's project", bobDS)
		w.carol.get(403, "/v2/public/projects/"+project)
		w.admin.get(200, "/v2/public/projects/"+project)
		sharedProject := w.resource(w.ws, map[string]any{"kind": "project", "title": "team project", "createdBy": w.bob.owner, "sharedWith": []any{w.carol.owner}})["id"].(string)
		p := w.carol.get(200, "/v2/public/projects/"+sharedProject).JSON
		if p["userRole"] != float64(1) {
			t.Fatalf("a sharee's project userRole = %v, want 1 (annotator)", p["userRole"])
		}
		w.carol.get(200, "/v2/public/ontologies/"+p["ontologyHash"].(string))
		legacy := w.carol.v1OK("", "", getProjectsBody).([]any)
		if len(legacy) != 1 || legacy[0].(map[string]any)["user_role"] != float64(1) {
			t.Fatalf("carol's get_projects = %v, want the shared project as annotator", legacy)
		}
		legacy = w.admin.v1OK("", "", `{"query_type": "projectwithuserrole", "query_method": "GET", "values": {"uid": null, "payload": {"filter": {"include_org_access": true}}}}`).([]any)
		if len(legacy) != 2 {
			t.Fatalf("admin's get_projects with org access = %v, want both projects", legacy)
		}

		// Groups belong to the organisation: everyone in it sees them, and
		// no one sees another organisation's.
		w.resource(w.other, map[string]any{"kind": "group", "title": "Globex staff"})
		for _, u := range []sdkUser{w.bob, w.memberSA, w.admin} {
			if g := page(t, u.get(200, "/v2/public/user/current-organisation/groups")); len(g) != 1 || g[0]["name"] != "Everyone" {
				t.Fatalf("groups = %v, want Everyone only", g)
			}
		}

		// Cloud integrations follow the rule, and filter by uuid and title.
		mine := w.resource(w.ws, map[string]any{"kind": "cloud_integration", "title": "bob's bucket", "createdBy": w.bob.owner})["id"].(string)
		theirs := w.resource(w.ws, map[string]any{"kind": "cloud_integration", "title": "carol's bucket", "createdBy": w.carol.owner})["id"].(string)
		clouds := func(u sdkUser, query string) []string {
			t.Helper()
			return ids(list(t, u.get(200, "/v2/public/cloud-integrations?"+query), "result"), "integrationUuid")
		}
		sameIDs(t, "bob's integrations", clouds(w.bob, "includeOrgAccess=False"), []string{mine})
		sameIDs(t, "all integrations", clouds(w.admin, "includeOrgAccess=True"), sorted(mine, theirs))
		sameIDs(t, "by uuid", clouds(w.admin, "includeOrgAccess=True&filterIntegrationUuids="+theirs), []string{theirs})
		sameIDs(t, "by title", clouds(w.admin, "includeOrgAccess=True&filterIntegrationTitles=bob%27s+bucket&filterIntegrationTitles=nope"), []string{mine})
		w.admin.get(400, "/v2/public/cloud-integrations?filterIntegrationUuids=bucket")
	})
}

// TestSDKResourceFilters checks the title, description, time and tag
// filters, and that bad values are 400s naming the parameter.
func TestSDKResourceFilters(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		bob := w.bob
		created := map[string]string{}
		var order []string
		for _, title := range []string{"cars-1", "Cars_2", "boats"} {
			id := bob.createProject(title)
			created[title] = id
			order = append(order, id)
			time.Sleep(2 * time.Millisecond) // distinct creation times on any clock
		}
		projects := func(query string) []string {
			t.Helper()
			return ids(page(t, bob.get(200, "/v2/public/projects?includeOrgAccess=False&"+query)), "projectHash")
		}
		sameIDs(t, "titleEq", projects("titleEq=cars-1"), []string{created["cars-1"]})
		sameIDs(t, "titleEq is exact", projects("titleEq=CARS-1"), []string{})
		sameIDs(t, "titleLike %cars% (case-insensitive)", projects("titleLike=%25cars%25"), sorted(created["cars-1"], created["Cars_2"]))
		sameIDs(t, "titleLike _ is one character", projects("titleLike=cars_1"), []string{created["cars-1"]})
		sameIDs(t, "titleLike escaped _", projects("titleLike=cars%5C_%25"), []string{created["Cars_2"]})
		sameIDs(t, "titleLike without wildcard", projects("titleLike=boat"), []string{})

		// Time bounds are strict; the SDK sends offsets percent-encoded.
		second := bob.get(200, "/v2/public/projects/"+created["Cars_2"]).str("createdAt")
		at, err := time.Parse(time.RFC3339Nano, second)
		if err != nil {
			t.Fatal(err)
		}
		enc := url.QueryEscape
		sameIDs(t, "createdAfter", projects("createdAfter="+enc(second)), []string{created["boats"]})
		sameIDs(t, "createdBefore", projects("createdBefore="+enc(second)), []string{created["cars-1"]})
		sameIDs(t, "createdAfter, Z form", projects("createdAfter="+enc(at.Add(-time.Microsecond).UTC().Format("2006-01-02T15:04:05.999999Z"))), sorted(created["Cars_2"], created["boats"]))
		sameIDs(t, "editedBefore far future", projects("editedBefore=2999-01-01T00%3A00%3A00%2B00%3A00"), sorted(order...))
		sameIDs(t, "editedAfter far future", projects("editedAfter=2999-01-01"), []string{})
		// An unencoded "+" arrives as a space; it still means an offset.
		sameIDs(t, "createdAfter with a raw +", projects("createdAfter=2000-01-01T00:00:00+00:00"), sorted(order...))

		for _, bad := range []struct{ query, param string }{
			{"createdAfter=yesterday", "createdAfter"},
			{"editedBefore=2024-13-45", "editedBefore"},
			{"includeOrgAccess=maybe", "includeOrgAccess"},
			{"pageSize=0", "pageSize"},
			{"pageToken=not-a-token", "pageToken"},
		} {
			r := bob.get(400, "/v2/public/projects?"+bad.query)
			if !strings.Contains(r.str("message"), bad.param) {
				t.Fatalf("%s: message %q does not name %s", bad.query, r.str("message"), bad.param)
			}
		}

		// Descriptions: descEq/descLike on ontologies, descriptionEq/Like on datasets.
		bob.post(200, "/v2/public/ontologies", `{"title": "o1", "description": "Road signs", "editor": {}}`)
		bob.post(200, "/v2/public/ontologies", `{"title": "o2", "description": "birds", "editor": {}}`)
		if got := page(t, bob.get(200, "/v2/public/ontologies?includeOrgAccess=False&descLike=road%25")); len(got) != 1 || got[0]["title"] != "o1" {
			t.Fatalf("descLike: %v", got)
		}
		if got := page(t, bob.get(200, "/v2/public/ontologies?includeOrgAccess=False&descEq=birds")); len(got) != 1 || got[0]["title"] != "o2" {
			t.Fatalf("descEq: %v", got)
		}
		bob.post(200, "/v2/public/datasets", `{"title": "ds", "description": "lidar scans", "createBackingFolder": false, "legacyCall": false}`)
		if got := list(t, bob.get(200, "/v2/public/datasets/list?includeOrgAccess=False&descriptionLike=%25LIDAR%25"), "result"); len(got) != 1 {
			t.Fatalf("descriptionLike: %v", got)
		}
		if got := list(t, bob.get(200, "/v2/public/datasets/list?includeOrgAccess=False&descriptionEq=lidar"), "result"); len(got) != 0 {
			t.Fatalf("descriptionEq is exact: %v", got)
		}

		// Tags (projects made through the control plane carry them).
		tagged := w.resource(w.ws, map[string]any{"kind": "project", "title": "tagged", "createdBy": bob.owner, "tags": []any{"x", "y"}})["id"].(string)
		sameIDs(t, "tagsAnyof", projects("tagsAnyof=y&tagsAnyof=z"), []string{tagged})
		sameIDs(t, "tagsAnyof no match", projects("tagsAnyof=z"), []string{})
	})
}

// TestSDKStorageFolderPaging walks list_storage_folders over three pages as
// the SDK's paged iterator does.
func TestSDKStorageFolderPaging(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		bob := w.bob
		names := []string{"g", "b", "E", "a", "f", "c", "d"}
		for _, n := range names {
			r := bob.post(200, "/v2/public/storage/folders", fmt.Sprintf(`{"name": %q, "description": null, "parent": null, "clientMetadata": null}`, n))
			shape(t, "created folder", r.JSON, folderShape)
		}
		w.carol.post(200, "/v2/public/storage/folders", `{"name": "carol's", "description": "", "parent": null, "clientMetadata": null}`)

		var got []string
		pages := 0
		query := "/v2/public/storage/folders?isRecursive=False&order=name&desc=False&pageSize=3"
		token := ""
		for {
			target := query
			if token != "" {
				target += "&pageToken=" + url.QueryEscape(token)
			}
			r := bob.get(200, target)
			pages++
			for _, it := range page(t, r) {
				got = append(got, it["name"].(string))
			}
			next, _ := r.JSON["nextPageToken"].(string)
			if next == "" {
				if r.JSON["nextPageToken"] != nil {
					t.Fatalf("last page's nextPageToken = %#v, want null", r.JSON["nextPageToken"])
				}
				break
			}
			if pages > 5 {
				t.Fatal("paging does not end")
			}
			token = next
		}
		if want := []string{"a", "b", "c", "d", "E", "f", "g"}; pages != 3 || !slices.Equal(got, want) {
			t.Fatalf("%d pages of %v, want 3 pages of %v", pages, got, want)
		}

		// desc=True reverses; order=createdAt follows creation.
		r := bob.get(200, "/v2/public/storage/folders?isRecursive=False&order=name&desc=True&pageSize=2")
		if it := page(t, r); it[0]["name"] != "g" || it[1]["name"] != "f" {
			t.Fatalf("desc order: %v", it)
		}
		byCreation := page(t, bob.get(200, "/v2/public/storage/folders?isRecursive=False&order=createdAt&desc=False&pageSize=100"))
		if len(byCreation) != len(names) || byCreation[0]["name"] != "g" || byCreation[6]["name"] != "d" {
			t.Fatalf("createdAt order: %v", byCreation)
		}
		bob.get(400, "/v2/public/storage/folders?order=size")

		// Subfolders appear only with isRecursive=True, with their path.
		parent := byCreation[0]["uuid"].(string)
		child := bob.post(200, "/v2/public/storage/folders", fmt.Sprintf(`{"name": "child", "description": "", "parent": %q, "clientMetadata": "{\"k\": 1}"}`, parent)).JSON
		if child["parent"] != parent || child["clientMetadata"] != `{"k": 1}` {
			t.Fatalf("child folder = %v", child)
		}
		path := child["pathToRoot"].([]any)
		if len(path) != 1 || shape(t, "path element", path[0], map[string]keyKind{"uuid": kUUID, "parentUuid": kUUIDOrNull, "name": kString, "syncedDatasetHash": kUUIDOrNull})["uuid"] != parent {
			t.Fatalf("pathToRoot = %v", path)
		}
		if n := len(page(t, bob.get(200, listFoldersQuery))); n != len(names) {
			t.Fatalf("top-level listing has %d folders, want %d", n, len(names))
		}
		if n := len(page(t, bob.get(200, "/v2/public/storage/folders?isRecursive=True&order=name&desc=False&pageSize=100"))); n != len(names)+1 {
			t.Fatalf("recursive listing has %d folders, want %d", n, len(names)+1)
		}
		if got := page(t, bob.get(200, "/v2/public/storage/folders?isRecursive=True&order=name&desc=False&pageSize=100&search=CHI")); len(got) != 1 {
			t.Fatalf("search: %v", got)
		}
		bob.get(200, "/v2/public/storage/folders/"+child["uuid"].(string))
		w.carol.get(403, "/v2/public/storage/folders/"+parent)
		w.carol.post(403, "/v2/public/storage/folders", fmt.Sprintf(`{"name": "intruder", "description": "", "parent": %q, "clientMetadata": null}`, parent))

		// datasetSynced keeps backing folders only.
		_, backing := bob.createDataset("synced", true)
		synced := page(t, bob.get(200, "/v2/public/storage/folders?isRecursive=False&order=name&desc=False&pageSize=100&datasetSynced=True"))
		if len(synced) != 1 || synced[0]["uuid"] != backing {
			t.Fatalf("datasetSynced=True: %v", synced)
		}
	})
}

// TestControlPlaneResources checks the control route that populates the
// resource model.
func TestControlPlaneResources(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		c := w.c
		path := "/_emulator/workspaces/" + w.ws.ID + "/resources"
		r := c.must(201, "POST", path, "", map[string]any{"kind": "group", "title": "Reviewers", "description": "they review"})
		if r.str("kind") != "group" || !lowerUUID.MatchString(r.str("id")) || r.str("workspaceId") != w.ws.ID {
			t.Fatalf("created = %s", r)
		}
		for _, bad := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"kind": "label", "title": "x"}, "kind"},
			{map[string]any{"kind": "group"}, "title"},
			{map[string]any{"kind": "dataset", "title": "x", "createdBy": map[string]any{"type": "user", "id": w.other.AdminID}}, "createdBy"},
			{map[string]any{"kind": "dataset", "title": "x", "sharedWith": []any{map[string]any{"type": "robot", "id": w.bobID}}}, "sharedWith[0].type"},
			{map[string]any{"kind": "group", "title": "x", "tags": []any{"t"}}, "tags"},
		} {
			got := c.must(400, "POST", path, "", bad.body)
			if got.JSON["error"].(map[string]any)["details"].(map[string]any)["field"] != bad.field {
				t.Fatalf("%v: got %s, want field %s", bad.body, got, bad.field)
			}
		}
		c.must(404, "POST", "/_emulator/workspaces/0b8f9e8c-1111-4222-8333-444455556666/resources", "", map[string]any{"kind": "group", "title": "x"})
		// Resources made here are in the exported state.
		st := c.must(200, "GET", "/_emulator/state", "", nil)
		if !bytes.Contains(st.Raw, []byte(`"Reviewers"`)) {
			t.Fatalf("state export lacks the resource: %s", st.Raw)
		}
	})
}
