package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// The wire facts of the Encord SDK releases 0.1.84 to 0.1.152, which make
// over v1 the calls later releases make over v2: what each family of
// releases sends, byte for byte, and what its parsers need back. The
// families split where a request or a parser changes; the replies carry
// the keys every family's parser takes at once (no User-Agent sniffing),
// so each family's needs are checked against the same answers. These
// tests need no SDK: they replay the requests the releases send.

// TestSDKReleaseFamiliesV1 replays, for every family of releases before
// 0.1.153, the requests of its v1 calls byte for byte (and the v2 read of
// get_project from 0.1.118) and checks each answer against what that
// family's parsers need.
func TestSDKReleaseFamiliesV1(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		bob := w.bob
		integration := w.resource(w.ws, map[string]any{"kind": "cloud_integration", "title": "bob's bucket", "createdBy": bob.owner})["id"].(string)
		for _, f := range releaseFamilies {
			t.Run(f.releases, func(t *testing.T) {
				title := "dataset of " + f.release

				// create_dataset(title, CORD_STORAGE, description).
				created := f.createdDS.check(t, "create_dataset", v1Success(t, "create_dataset", bob.userCall(f, fmt.Sprintf(f.createDataset, title, "made by "+f.release))))
				dataset := created["dataset_hash"].(string)
				if created["title"] != title || created["type"] != float64(0) || created["user_hash"] != bob.owner["id"] {
					t.Fatalf("create_dataset = %v, want the title, type 0 and bob's hash as user_hash", created)
				}
				backing, hasBacking := created["backing_folder_uuid"].(string)
				if wantBacking := strings.Contains(f.createDataset, "create_backing_folder"); hasBacking != wantBacking {
					t.Fatalf("create_dataset backing_folder_uuid = %v, want one exactly when create_backing_folder is sent", created["backing_folder_uuid"])
				}

				// get_datasets(): the new dataset, bob's, with exactly the
				// keys of the dataclasses.
				item := findBy(t, "get_datasets", v1Success(t, "get_datasets", bob.userCall(f, f.getDatasets)), "dataset", "dataset_hash", dataset)
				replyShape{required: map[string]keyKind{"user_role": kInt, "dataset": kObject}, exact: true}.check(t, "get_datasets item", item)
				info := f.datasetInfo.check(t, "get_datasets dataset", item["dataset"])
				if item["user_role"] != float64(0) || info["title"] != title || info["description"] != "made by "+f.release || info["user_hash"] != bob.owner["id"] || info["type"] != float64(0) {
					t.Fatalf("get_datasets item = %v, want bob's dataset with user_role 0 (admin)", item)
				}

				// get_dataset(h) reads what create_dataset made.
				ds := v1Success(t, "get_dataset", bob.resourceCall(f, "dataset", dataset, getDatasetBody())).(map[string]any)
				if ds["title"] != title || (hasBacking && ds["backing_folder_uuid"] != backing) {
					t.Fatalf("get_dataset = %v", ds)
				}

				// create_ontology(title, description): the structure is
				// kept as sent, completed with the arrays the parser reads.
				onto := f.ontology.check(t, "create_ontology", v1Success(t, "create_ontology", bob.userCall(f, fmt.Sprintf(f.createOntology, "ontology of "+f.release, "d"))))
				ontology := onto["ontology_hash"].(string)
				_, skeletons := onto["editor"].(map[string]any)["skeleton_templates"]
				if onto["title"] != "ontology of "+f.release || skeletons != strings.Contains(f.createOntology, "skeleton_templates") {
					t.Fatalf("create_ontology = %v", onto)
				}

				// get_ontologies(): exactly user_role, user_email, ontology.
				item = findBy(t, "get_ontologies", v1Success(t, "get_ontologies", bob.userCall(f, getOntologiesBody)), "ontology", "ontology_hash", ontology)
				replyShape{required: map[string]keyKind{"user_role": kInt, "user_email": kString, "ontology": kObject}, exact: true}.check(t, "get_ontologies item", item)
				f.ontology.check(t, "get_ontologies ontology", item["ontology"])
				if item["user_role"] != float64(0) || item["user_email"] != "bob@acme.test" {
					t.Fatalf("get_ontologies item = %v, want user_role 0 and bob's email", item)
				}

				// get_ontology(h): ResourceType ontology, uid and ResourceID h.
				got := f.ontology.check(t, "get_ontology", v1Success(t, "get_ontology", bob.resourceCall(f, "ontology", ontology, fmt.Sprintf(getOntologyBody, ontology))))
				if got["ontology_hash"] != ontology || got["title"] != "ontology of "+f.release {
					t.Fatalf("get_ontology = %v", got)
				}

				// get_project(p): the project read, then its ontology with
				// ResourceType project and uid the ontology hash.
				project := bob.createProjectAs(f, "project of "+f.release, dataset)
				var projectOntology string
				if f.projectOverV1 {
					p := f.legacyProjct.check(t, "get_project (v1 project)", v1Success(t, "get_project", bob.resourceCall(f, "project", project, getLegacyProjectBody)))
					datasets, _ := p["datasets"].([]any)
					if p["project_hash"] != project || p["title"] != "project of "+f.release || len(datasets) != 1 {
						t.Fatalf("get_project (v1 project) = %v", p)
					}
					shape(t, "project dataset", datasets[0], map[string]keyKind{"dataset_hash": kUUID, "title": kString, "description": kString})
					if datasets[0].(map[string]any)["dataset_hash"] != dataset {
						t.Fatalf("project datasets = %v, want %s", datasets, dataset)
					}
					projectOntology = p["ontology_hash"].(string)
				} else {
					r := bob.sendAs(f, newTraceID(), "GET", "/v2/public/projects/"+project, "", f.v2GetHeaders...)
					if r.Status != http.StatusOK {
						t.Fatalf("get_project (v2): %s", r)
					}
					projectOntology = shape(t, "get_project (v2)", r.JSON, projectShape)["ontologyHash"].(string)
				}
				got = f.ontology.check(t, "get_project's ontology", v1Success(t, "get_project's ontology", bob.resourceCall(f, "project", project, fmt.Sprintf(getOntologyBody, projectOntology))))
				if got["ontology_hash"] != projectOntology {
					t.Fatalf("get_project's ontology = %v, want %s", got, projectOntology)
				}

				// get_cloud_integrations(), up to 0.1.145.
				if f.cloudOverV1 {
					it := findBy(t, "get_cloud_integrations", v1Success(t, "get_cloud_integrations", bob.userCall(f, getCloudIntegrationsBody)), "", "id", integration)
					if f.cloudItem.check(t, "cloud integration", it)["title"] != "bob's bucket" {
						t.Fatalf("cloud integration = %v", it)
					}
				}
			})
		}
	})
}

// createProjectAs is create_project(title, [dataset]) as f sends it.
func (u sdkUser) createProjectAs(f releaseFamily, title, dataset string) string {
	u.c.t.Helper()
	body := fmt.Sprintf(`{"query_type": "project", "query_method": "POST", "values": {"uid": null, "payload": {"title": %q, "description": "", "dataset_hashes": [%q], "workflow_type": "manual"}}}`, title, dataset)
	h, ok := v1Success(u.c.t, "create_project", u.userCall(f, body)).(string)
	if !ok || !lowerUUID.MatchString(h) {
		u.c.t.Fatalf("create_project answered %v, want a project hash", h)
	}
	return h
}

// The oldest and the newest family of the v1 calls, and the v2 bodies of
// 0.1.190, for the tests across releases.
var (
	oldestFamily = releaseFamilies[0]
	lastV1Family = releaseFamilies[len(releaseFamilies)-1]
)

// TestSDKReleasesSeeEachOther checks that what one release creates another
// reads: datasets and ontologies created over v1 (0.1.84) are read over
// v2 (0.1.190), and those created over v2 are read over v1, with the keys
// the old parsers need even when the resource has more (a backing folder).
func TestSDKReleasesSeeEachOther(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		bob := w.bob

		// 0.1.84 creates; 0.1.190 lists and reads.
		oldDS := v1Success(t, "create_dataset", bob.userCall(oldestFamily, fmt.Sprintf(oldestFamily.createDataset, "from 0.1.84", "old"))).(map[string]any)["dataset_hash"].(string)
		var seen map[string]any
		for _, it := range list(t, bob.get(200, "/v2/public/datasets/list?includeOrgAccess=False"), "result") {
			if it["datasetUuid"] == oldDS {
				seen = shape(t, "v2 dataset", it, datasetShape)
			}
		}
		if seen == nil || seen["title"] != "from 0.1.84" || seen["userRole"] != "admin" || seen["backingFolderUuid"] != nil || seen["storageLocation"] != float64(0) {
			t.Fatalf("0.1.190's get_datasets: %v, want the dataset 0.1.84 created", seen)
		}
		oldOnto := v1Success(t, "create_ontology", bob.userCall(oldestFamily, fmt.Sprintf(oldestFamily.createOntology, "from 0.1.84", "old"))).(map[string]any)["ontology_hash"].(string)
		o := shape(t, "v2 ontology", bob.get(200, "/v2/public/ontologies/"+oldOnto).JSON, ontologyShape)
		if o["title"] != "from 0.1.84" || o["userRole"] != float64(0) {
			t.Fatalf("0.1.190's get_ontology = %v", o)
		}

		// 0.1.190 creates (with a backing folder); 0.1.84 and 0.1.147 list
		// and read: exactly the dataclass keys, no backing_folder_uuid.
		newDS, folder := bob.createDataset("from 0.1.190", true)
		for _, f := range []releaseFamily{oldestFamily, lastV1Family} {
			item := findBy(t, "get_datasets of "+f.release, v1Success(t, "get_datasets", bob.userCall(f, f.getDatasets)), "dataset", "dataset_hash", newDS)
			info := replyShape{required: datasetInfoKeys, exact: true}.check(t, "get_datasets dataset of "+f.release, item["dataset"])
			if info["title"] != "from 0.1.190" || info["description"] != "d" {
				t.Fatalf("%s's get_datasets item = %v", f.release, item)
			}
			// Both releases still see what 0.1.84 made.
			findBy(t, "get_datasets of "+f.release, v1Success(t, "get_datasets", bob.userCall(f, f.getDatasets)), "dataset", "dataset_hash", oldDS)
		}
		ds := v1Success(t, "get_dataset", bob.resourceCall(oldestFamily, "dataset", newDS, getDatasetBody())).(map[string]any)
		if ds["backing_folder_uuid"] != folder {
			t.Fatalf("get_dataset of a v2 dataset = %v, want its backing folder %s", ds, folder)
		}
		newOnto := bob.post(200, "/v2/public/ontologies", `{"title": "from 0.1.190", "description": "new", "editor": {"objects": [{"id": "1", "name": "cat"}]}}`).JSON["ontologyUuid"].(string)
		got := replyShape{required: ontologyKeys}.check(t, "v1 get_ontology", v1Success(t, "get_ontology", bob.resourceCall(oldestFamily, "ontology", newOnto, fmt.Sprintf(getOntologyBody, newOnto))))
		if objs, _ := got["editor"].(map[string]any)["objects"].([]any); got["title"] != "from 0.1.190" || len(objs) != 1 {
			t.Fatalf("0.1.84's get_ontology of a v2 ontology = %v", got)
		}
		findBy(t, "get_ontologies", v1Success(t, "get_ontologies", bob.userCall(lastV1Family, getOntologiesBody)), "ontology", "ontology_hash", newOnto)

		// A project made by 0.1.190's create_project over datasets of both
		// eras, read by 0.1.84's get_project.
		project := bob.createProject("mixed", oldDS, newDS)
		p := v1Success(t, "get_project", bob.resourceCall(oldestFamily, "project", project, getLegacyProjectBody)).(map[string]any)
		var listed []string
		for _, d := range p["datasets"].([]any) {
			listed = append(listed, d.(map[string]any)["dataset_hash"].(string))
		}
		sameIDs(t, "project datasets", listed, []string{oldDS, newDS})
	})
}

// TestSDKLegacyListVisibility checks that the v1 listings of releases
// before 0.1.153 follow the visibility rule of their v2 successors: a
// member sees what it created or was shared, an admin user what it created
// unless it asks for include_org_access, an admin service account
// everything; include_org_access by a member is a 403.
func TestSDKLegacyListVisibility(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		f := releaseFamilies[4] // 0.1.110: empty resource headers
		mk := func(u sdkUser, title string) (dataset, ontology string) {
			t.Helper()
			dataset = v1Success(t, "create_dataset", u.userCall(f, fmt.Sprintf(f.createDataset, title, ""))).(map[string]any)["dataset_hash"].(string)
			ontology = v1Success(t, "create_ontology", u.userCall(f, fmt.Sprintf(f.createOntology, title, ""))).(map[string]any)["ontology_hash"].(string)
			return dataset, ontology
		}
		bobDS, bobOnto := mk(w.bob, "bob's")
		carolDS, carolOnto := mk(w.carol, "carol's")
		botDS, botOnto := mk(w.memberSA, "bot's")
		adminDS, adminOnto := mk(w.admin, "admin's")
		sharedDS := w.resource(w.ws, map[string]any{"kind": "dataset", "title": "shared", "createdBy": w.carol.owner, "sharedWith": []any{w.bob.owner}})["id"].(string)
		sharedOnto := w.resource(w.ws, map[string]any{"kind": "ontology", "title": "shared", "createdBy": w.carol.owner, "sharedWith": []any{w.bob.owner}})["id"].(string)
		mk(w.outsider, "globex")
		bobCloud := w.resource(w.ws, map[string]any{"kind": "cloud_integration", "title": "bob's bucket", "createdBy": w.bob.owner})["id"].(string)
		carolCloud := w.resource(w.ws, map[string]any{"kind": "cloud_integration", "title": "carol's bucket", "createdBy": w.carol.owner})["id"].(string)

		listing := func(u sdkUser, body, inner, key string) []string {
			t.Helper()
			var out []string
			for _, it := range v1Success(t, body, u.userCall(f, body)).([]any) {
				m := it.(map[string]any)
				if inner != "" {
					m = m[inner].(map[string]any)
				}
				out = append(out, m[key].(string))
			}
			return sorted(out...)
		}
		withOrgAccess := func(body string) string {
			return strings.Replace(body, `"filter": {}`, `"filter": {"include_org_access": true}`, 1)
		}
		datasets := func(u sdkUser, body string) []string { return listing(u, body, "dataset", "dataset_hash") }
		ontologies := func(u sdkUser, body string) []string { return listing(u, body, "ontology", "ontology_hash") }

		sameIDs(t, "member's datasets", datasets(w.bob, f.getDatasets), sorted(bobDS, sharedDS))
		sameIDs(t, "member service account's datasets", datasets(w.memberSA, f.getDatasets), []string{botDS})
		sameIDs(t, "admin user's datasets", datasets(w.admin, f.getDatasets), []string{adminDS})
		all := sorted(bobDS, carolDS, botDS, adminDS, sharedDS)
		sameIDs(t, "admin user's datasets with include_org_access", datasets(w.admin, withOrgAccess(f.getDatasets)), all)
		sameIDs(t, "admin service account's datasets", datasets(w.adminSA, f.getDatasets), all)

		sameIDs(t, "member's ontologies", ontologies(w.bob, getOntologiesBody), sorted(bobOnto, sharedOnto))
		sameIDs(t, "other member's ontologies", ontologies(w.carol, getOntologiesBody), sorted(carolOnto, sharedOnto))
		sameIDs(t, "admin user's ontologies with include_org_access", ontologies(w.admin, withOrgAccess(getOntologiesBody)),
			sorted(bobOnto, carolOnto, botOnto, adminOnto, sharedOnto))

		sameIDs(t, "member's cloud integrations", listing(w.bob, getCloudIntegrationsBody, "", "id"), []string{bobCloud})
		sameIDs(t, "admin service account's cloud integrations", listing(w.adminSA, getCloudIntegrationsBody, "", "id"), sorted(bobCloud, carolCloud))
		// Nothing to list is [], which the SDK reads as an empty result (a
		// null response would be "not found" to it).
		if r := v1Success(t, "get_cloud_integrations", w.memberSA.userCall(f, getCloudIntegrationsBody)); r == nil || len(r.([]any)) != 0 {
			t.Fatalf("an empty listing answered %#v, want []", r)
		}

		// Roles: bob administers his own, uses what is shared with him.
		for _, it := range v1Success(t, "get_datasets", w.bob.userCall(f, f.getDatasets)).([]any) {
			m := it.(map[string]any)
			want := map[bool]float64{true: 0, false: 1}[m["dataset"].(map[string]any)["dataset_hash"] == bobDS]
			if m["user_role"] != want {
				t.Fatalf("bob's user_role on %v = %v, want %v", m["dataset"], m["user_role"], want)
			}
		}
		sharedItem := findBy(t, "get_ontologies", v1Success(t, "get_ontologies", w.bob.userCall(f, getOntologiesBody)), "ontology", "ontology_hash", sharedOnto)
		if sharedItem["user_role"] != float64(1) || sharedItem["user_email"] != "bob@acme.test" {
			t.Fatalf("a shared ontology's item = %v, want user_role 1 and bob's email", sharedItem)
		}

		// include_org_access by a member is a 403 in the v1 dialect.
		for _, body := range []string{withOrgAccess(f.getDatasets), withOrgAccess(getOntologiesBody)} {
			v1Error(t, w.bob.userCall(f, body), 403, "AUTHORISATION_ERROR")
		}

		// Single reads: another's ontology is a 403, another workspace's a
		// 404; an ontology is read through a project shared with the
		// reader even though the ontology itself is not.
		v1Error(t, w.bob.resourceCall(f, "ontology", carolOnto, fmt.Sprintf(getOntologyBody, carolOnto)), 403, "AUTHORISATION_ERROR")
		v1Error(t, w.outsider.resourceCall(f, "ontology", bobOnto, fmt.Sprintf(getOntologyBody, bobOnto)), 404, "RESOURCE_NOT_FOUND_ERROR")
		project := w.resource(w.ws, map[string]any{"kind": "project", "title": "team", "createdBy": w.carol.owner, "sharedWith": []any{w.bob.owner}})["id"].(string)
		p := v1Success(t, "get_project", w.bob.resourceCall(f, "project", project, getLegacyProjectBody)).(map[string]any)
		ontology := p["ontology_hash"].(string)
		v1Success(t, "get_project's ontology", w.bob.resourceCall(f, "project", project, fmt.Sprintf(getOntologyBody, ontology)))
		v1Error(t, w.memberSA.resourceCall(f, "project", project, getLegacyProjectBody), 403, "AUTHORISATION_ERROR")
		v1Error(t, w.memberSA.resourceCall(f, "project", project, fmt.Sprintf(getOntologyBody, ontology)), 403, "AUTHORISATION_ERROR")
		v1Error(t, w.outsider.resourceCall(f, "project", project, getLegacyProjectBody), 404, "RESOURCE_NOT_FOUND_ERROR")
	})
}

// TestSDKLegacyRefusals checks that every refusal of the v1 calls of old
// releases is a dialect error on 400, 401, 403 or 404, the statuses every
// release reads the body of (413, 429 and 5xx are retried and, up to
// 0.1.171, never read), with a message that says what was wrong; and that
// a create_dataset on a cloud storage, which the emulator does not
// emulate, is a 501 naming itself.
func TestSDKLegacyRefusals(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		f := oldestFamily
		bob := w.bob
		ontology := v1Success(t, "create_ontology", bob.userCall(f, fmt.Sprintf(f.createOntology, "o", ""))).(map[string]any)["ontology_hash"].(string)
		project := bob.createProject("p")
		other := v1Success(t, "create_ontology", bob.userCall(f, fmt.Sprintf(f.createOntology, "other", ""))).(map[string]any)["ontology_hash"].(string)
		const missing = "0b8f9e8c-1111-4222-8333-444455556666"
		for _, tc := range []struct {
			name             string
			resourceType, id string // "" for /public/user
			body             string
			status           int
			code, inMessage  string
		}{
			{"create_dataset without payload", "", "", `{"query_type": "dataset", "query_method": "POST", "values": {"uid": null, "payload": null}}`, 400, "INVALID_ARGUMENTS_ERROR", "values.payload"},
			{"create_dataset without title", "", "", `{"query_type": "dataset", "query_method": "POST", "values": {"uid": null, "payload": {"title": " ", "type": 0}}}`, 400, "INVALID_ARGUMENTS_ERROR", "title"},
			{"create_dataset of no storage location", "", "", `{"query_type": "dataset", "query_method": "POST", "values": {"uid": null, "payload": {"title": "t", "type": 9}}}`, 400, "INVALID_ARGUMENTS_ERROR", "values.payload.type"},
			{"create_dataset on AWS", "", "", `{"query_type": "dataset", "query_method": "POST", "values": {"uid": null, "payload": {"title": "t", "type": 1}}}`, 501, "NOT_IMPLEMENTED_ERROR", "cloud storage location (type 1)"},
			{"create_ontology with an editor that is no object", "", "", `{"query_type": "ontology", "query_method": "POST", "values": {"uid": null, "payload": {"title": "t", "description": "", "editor": []}}}`, 400, "INVALID_ARGUMENTS_ERROR", "editor"},
			{"get_datasets with a bad date", "", "", `{"query_type": "datasetwithuserrole", "query_method": "GET", "values": {"uid": null, "payload": {"filter": {"created_before": "yesterday"}}}}`, 400, "INVALID_ARGUMENTS_ERROR", "values.payload.filter.created_before"},
			{"get_ontologies with a filter that is no object", "", "", `{"query_type": "ontologywithuserrole", "query_method": "GET", "values": {"uid": null, "payload": {"filter": []}}}`, 400, "INVALID_ARGUMENTS_ERROR", "filter"},
			{"get_ontology without ResourceType", "", "", fmt.Sprintf(getOntologyBody, ontology), 501, "NOT_IMPLEMENTED_ERROR", "ontology"},
			{"get_ontology of another kind", "dataset", ontology, fmt.Sprintf(getOntologyBody, ontology), 400, "INVALID_ARGUMENTS_ERROR", "ResourceType"},
			{"get_ontology of a malformed id", "ontology", "nope", fmt.Sprintf(getOntologyBody, "nope"), 400, "INVALID_ARGUMENTS_ERROR", "ResourceID"},
			{"get_ontology naming two ontologies", "ontology", ontology, fmt.Sprintf(getOntologyBody, other), 400, "INVALID_ARGUMENTS_ERROR", "values.uid"},
			{"get_ontology with a uid that is no string", "ontology", ontology, `{"query_type": "ontology", "query_method": "GET", "values": {"uid": 7, "payload": null}}`, 400, "INVALID_ARGUMENTS_ERROR", "values.uid"},
			{"get_ontology missing", "ontology", missing, fmt.Sprintf(getOntologyBody, missing), 404, "RESOURCE_NOT_FOUND_ERROR", missing},
			{"project's ontology that is not the project's", "project", project, fmt.Sprintf(getOntologyBody, other), 404, "RESOURCE_NOT_FOUND_ERROR", "its ontology is"},
			{"project's ontology of a missing project", "project", missing, fmt.Sprintf(getOntologyBody, other), 404, "RESOURCE_NOT_FOUND_ERROR", missing},
			{"get_project of another kind", "dataset", project, getLegacyProjectBody, 400, "INVALID_ARGUMENTS_ERROR", "ResourceType"},
			{"get_project missing", "project", missing, getLegacyProjectBody, 404, "RESOURCE_NOT_FOUND_ERROR", missing},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var r response
				if tc.resourceType == "" {
					r = bob.userCall(f, tc.body)
				} else {
					r = bob.resourceCall(f, tc.resourceType, tc.id, tc.body)
				}
				v1Error(t, r, tc.status, tc.code)
				if msg := r.JSON["payload"].(string); !strings.Contains(msg, tc.inMessage) {
					t.Fatalf("message %q does not name %q", msg, tc.inMessage)
				}
			})
		}

		// Credentials fail as on every v1 call: 401, never a 5xx.
		v1Error(t, w.c.sdk(w.bob.signer, sdkRequest{method: "POST", target: "/public/user", body: getOntologiesBody,
			tamper: func(r *http.Request) {
				r.Header.Set("Authorization", w.bob.signer.KeyID()+":"+strings.Repeat("0", 128))
			}}), 401, "AUTHENTICATION_ERROR")
	})
}
