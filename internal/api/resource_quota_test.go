package api_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestResourceQuota: the SDK resources of a workspace, every kind
// together, are bounded by its resources quota, on every plane that
// creates them, under races, and raisable through the control plane.
// docs/rules.md, Resource quota.
func TestResourceQuota(t *testing.T) {
	onEachStore(t, func(t *testing.T, c *client, ws workspace) {
		quotas := "/_emulator/workspaces/" + ws.ID + "/quotas"
		if r := c.must(200, "GET", "/api/v1/workspace", ws.AdminToken, nil); r.JSON["quotas"].(map[string]any)["resources"] != float64(10000) {
			t.Fatalf("default resources quota: %s", r)
		}
		signer, _ := c.newSigner(ws.AdminToken, "/api/v1/me/keys")
		dataset := func(title string, backingFolder bool) response {
			return c.sdk(signer, sdkRequest{method: "POST", target: "/v2/public/datasets",
				body: fmt.Sprintf(`{"title": %q, "description": "", "createBackingFolder": %t, "legacyCall": false}`, title, backingFolder)})
		}

		// The workspace holds its group Everyone: 1 of 3.
		c.must(200, "PATCH", quotas, "", map[string]any{"resources": 3})
		if r := dataset("one", false); r.Status != 200 {
			t.Fatalf("a dataset within the quota: %s", r)
		}
		// A dataset with its backing folder is two resources: 2 + 2 > 3.
		wantV2(t, dataset("two", true), 409, `workspace "Acme" already has 2 of 3 resources (projects, datasets, ontologies, storage folders, groups and cloud integrations together), and this call creates 2`)
		if r := c.sdk(signer, sdkRequest{method: "POST", target: "/v2/public/ontologies", body: `{"title": "o", "description": ""}`}); r.Status != 200 {
			t.Fatalf("an ontology within the quota: %s", r)
		}
		// Full: every plane refuses, naming the limit and the count.
		wantV2(t, c.sdk(signer, sdkRequest{method: "POST", target: "/v2/public/storage/folders", body: `{"name": "f"}`}), 409, "already has 3 of 3 resources")
		wantV1(t, c.sdk(signer, v1(`{"query_type": "project", "query_method": "POST", "values": {"uid": null, "payload": {"title": "p", "description": "", "dataset_hashes": []}}}`)),
			409, "QUOTA_EXCEEDED_ERROR", "already has 3 of 3 resources")
		r := c.do("POST", "/_emulator/workspaces/"+ws.ID+"/resources", "", map[string]any{"kind": "group", "title": "g"})
		details, _ := r.JSON["error"].(map[string]any)["details"].(map[string]any)
		if r.Status != 409 || r.code() != "QUOTA_EXCEEDED_ERROR" || details["limit"] != float64(3) || details["count"] != float64(3) ||
			!strings.Contains(r.message(), "raise the workspace's resources quota with PATCH "+quotas) {
			t.Fatalf("control-plane resource over the quota: %s", r)
		}

		// Out of range values are refused; raising the quota lets creates in.
		for _, bad := range []int{-1, 1_000_001} {
			if r := c.do("PATCH", quotas, "", map[string]any{"resources": bad}); r.Status != 400 || !strings.Contains(r.message(), "quotas.resources") {
				t.Fatalf("resources quota %d: got %s, want 400", bad, r)
			}
		}
		c.must(200, "PATCH", quotas, "", map[string]any{"resources": 8})

		// Racing creates, of five free places, take exactly five.
		const racers = 12
		statuses := make([]int, racers)
		var wg sync.WaitGroup
		for i := range racers {
			wg.Go(func() { statuses[i] = dataset(fmt.Sprintf("race %d", i), false).Status })
		}
		wg.Wait()
		won := 0
		for i, status := range statuses {
			switch status {
			case 200:
				won++
			case 409:
			default:
				t.Errorf("racer %d: status %d", i, status)
			}
		}
		if won != 5 {
			t.Errorf("%d of %d racing creates succeeded with 5 places free, want 5", won, racers)
		}
		state := c.must(200, "GET", "/_emulator/state", "", nil)
		if n := len(state.JSON["resources"].([]any)); n != 8 {
			t.Errorf("the workspace holds %d resources, want its quota of 8", n)
		}
	})
}
