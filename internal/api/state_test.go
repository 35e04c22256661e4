package api_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// TestStateVersion1Imports imports a document exported by an earlier
// build (testdata/state-v1.json: a removed member, a service account, a
// key, a session, a dataset with its backing folder, a shared project) and
// exports it again: the format of version 1 must read and write the same.
// The document predates the resources quota: its workspaces import with
// the default, which the export then shows.
func TestStateVersion1Imports(t *testing.T) {
	golden, err := os.ReadFile("testdata/state-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(golden, &want); err != nil {
		t.Fatal(err)
	}
	for _, ws := range want["workspaces"].([]any) {
		quotas := ws.(map[string]any)["quotas"].(map[string]any)
		if _, ok := quotas["resources"]; ok {
			t.Fatal("testdata/state-v1.json has a resources quota: it no longer tests a document that predates it")
		}
		quotas["resources"] = float64(accounts.DefaultQuotas.Resources)
	}
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		c, _ := startServer(t, newStore(t), api.Config{})
		c.must(204, "PUT", "/_emulator/state", "", golden)
		var got any
		if err := json.Unmarshal(c.must(200, "GET", "/_emulator/state", "", nil).Raw, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			out, _ := json.MarshalIndent(got, "", "  ")
			t.Fatalf("exported again:\n%s\nwant testdata/state-v1.json", out)
		}
		// Another version, or none, is refused and changes nothing.
		for _, version := range []string{`"version": 2`, `"version": 0`} {
			doc := strings.Replace(string(golden), `"version": 1`, version, 1)
			if r := c.do("PUT", "/_emulator/state", "", doc); r.Status != 400 || !strings.Contains(r.message(), "version") {
				t.Errorf("%s: got %s, want 400 naming the version", version, r)
			}
		}
		unversioned := strings.Replace(string(golden), `"version": 1,`, "", 1)
		if r := c.do("PUT", "/_emulator/state", "", unversioned); r.Status != 400 || !strings.Contains(r.message(), "version") {
			t.Errorf("no version: got %s, want 400 naming the version", r)
		}
	})
}
