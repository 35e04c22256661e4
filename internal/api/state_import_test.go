package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// stateDoc is a state document as JSON values, to be edited by tests.
type stateDoc = map[string]any

// buildStateWorld fills a server through its three planes with one of
// everything the state holds, in two workspaces: live, removed and
// deleted principals, uploaded, generated and revoked keys, a session and
// a bearer token, and resources of every kind that reference each other.
// It returns the exported document.
func buildStateWorld(t *testing.T, c *client) stateDoc {
	t.Helper()
	ws := c.newWorkspace("Acme", "ada@acme.test")
	c.must(200, "PATCH", "/_emulator/workspaces/"+ws.ID+"/quotas", "", map[string]any{"serviceAccounts": 3})
	c.addMember(ws, "bob@acme.test", store.RoleMember)
	carl, _ := c.addMember(ws, "carl@acme.test", store.RoleMember)
	_, bobToken := c.addMember(ws, "dora@acme.test", store.RoleAdmin)
	saID := c.newServiceAccount(ws, "ci bot")
	oldSA := c.newServiceAccount(ws, "old bot")
	c.must(201, "POST", "/api/v1/workspace/service-accounts/"+saID+"/keys", ws.AdminToken, map[string]any{"title": "ci"})
	c.must(201, "POST", "/api/v1/workspace/service-accounts/"+oldSA+"/keys", ws.AdminToken, map[string]any{"title": "old"})
	c.must(201, "POST", "/api/v1/me/keys", ws.AdminToken, map[string]any{"title": "laptop", "publicKey": newPublicKey(t)})
	signer, _ := c.newSigner(ws.AdminToken, "/api/v1/me/keys")
	revoked := c.must(201, "POST", "/api/v1/me/keys", bobToken, map[string]any{"title": "old laptop", "publicKey": newPublicKey(t)}).str("id")
	c.must(204, "DELETE", "/api/v1/me/keys/"+revoked, bobToken, nil)
	c.must(204, "DELETE", "/api/v1/workspace/members/"+carl, ws.AdminToken, nil)
	c.must(204, "DELETE", "/api/v1/workspace/service-accounts/"+oldSA, ws.AdminToken, nil)
	if r := c.sdk(signer, sdkRequest{target: v2BearerPath}); r.Status != 200 {
		t.Fatalf("bearer token: %s", r)
	}
	if r := c.sdk(signer, sdkRequest{method: "POST", target: "/v2/public/datasets", body: `{"title": "Cats", "createBackingFolder": true}`}); r.Status != 200 {
		t.Fatalf("dataset: %s", r)
	}
	root := c.sdk(signer, sdkRequest{method: "POST", target: "/v2/public/storage/folders", body: `{"name": "Root", "clientMetadata": "{\"a\": 1}"}`})
	if root.Status != 200 {
		t.Fatalf("folder: %s", root)
	}
	if r := c.sdk(signer, sdkRequest{method: "POST", target: "/v2/public/storage/folders", body: fmt.Sprintf(`{"name": "Child", "parent": %q}`, root.str("uuid"))}); r.Status != 200 {
		t.Fatalf("child folder: %s", r)
	}
	if r := c.sdk(signer, sdkRequest{method: "POST", target: "/v2/public/ontologies", body: `{"title": "Shapes"}`}); r.Status != 200 {
		t.Fatalf("ontology: %s", r)
	}
	c.must(201, "POST", "/_emulator/workspaces/"+ws.ID+"/resources", "", map[string]any{
		"kind": "project", "title": "P", "tags": []string{"t"}, "sharedWith": []map[string]any{{"type": "service_account", "id": saID}},
	})
	c.must(201, "POST", "/_emulator/workspaces/"+ws.ID+"/resources", "", map[string]any{"kind": "group", "title": "Everyone"})
	c.must(201, "POST", "/_emulator/workspaces/"+ws.ID+"/resources", "", map[string]any{"kind": "cloud_integration", "title": "S3"})
	other := c.newWorkspace("Other", "eve@other.test")
	c.must(201, "POST", "/_emulator/workspaces/"+other.ID+"/resources", "", map[string]any{"kind": "dataset", "title": "Theirs"})
	return exportDoc(t, c)
}

func exportDoc(t *testing.T, c *client) stateDoc {
	t.Helper()
	var doc stateDoc
	if err := json.Unmarshal(c.must(200, "GET", "/_emulator/state", "", nil).Raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// copyDoc is a deep copy of doc.
func copyDoc(t *testing.T, doc stateDoc) stateDoc {
	t.Helper()
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var out stateDoc
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// entries returns the list of doc.
func entries(doc stateDoc, list string) []any {
	l, _ := doc[list].([]any)
	return l
}

// find returns the index of the first entry of list for which match is
// true, and the entry.
func find(t *testing.T, doc stateDoc, list string, match func(e map[string]any) bool) (int, map[string]any) {
	t.Helper()
	for i, e := range entries(doc, list) {
		if m := e.(map[string]any); match(m) {
			return i, m
		}
	}
	t.Fatalf("no entry of %s matches", list)
	return 0, nil
}

func hasField(name string, value any) func(map[string]any) bool {
	return func(e map[string]any) bool { return reflect.DeepEqual(e[name], value) }
}

func nested(e map[string]any, path ...string) map[string]any {
	for _, p := range path {
		e = e[p].(map[string]any)
	}
	return e
}

// TestStateImportRefusals: every value that breaks a rule of the API is
// refused with 400 INVALID_ARGUMENTS_ERROR naming it by its JSON pointer,
// and nothing changes; the same on both stores.
func TestStateImportRefusals(t *testing.T) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		c, _ := startServer(t, newStore(t), api.Config{})
		valid := buildStateWorld(t, c)
		// The world re-imports as it is: the edits below are what breaks it.
		c.must(204, "PUT", "/_emulator/state", "", valid)
		if got := exportDoc(t, c); !reflect.DeepEqual(got, valid) {
			t.Fatalf("the exported world does not import and export again the same")
		}
		for _, e := range stateEdits {
			t.Run(e.name, func(t *testing.T) {
				c.t = t
				doc := copyDoc(t, valid)
				ptr := e.edit(t, doc)
				r := c.do("PUT", "/_emulator/state", "", doc)
				if r.Status != 400 || r.code() != "INVALID_ARGUMENTS_ERROR" || r.field() != ptr {
					t.Fatalf("got %s, want 400 INVALID_ARGUMENTS_ERROR naming %s", r, ptr)
				}
				if !strings.Contains(r.message(), ptr) || !strings.Contains(r.message(), e.mentions) {
					t.Errorf("message %q does not name %s and say %q", r.message(), ptr, e.mentions)
				}
				if !pointerResolves(doc, ptr) {
					t.Errorf("pointer %s names nothing in the document, nor a field of an object in it", ptr)
				}
				if got := exportDoc(t, c); !reflect.DeepEqual(got, valid) {
					t.Errorf("a refused import changed the state")
				}
			})
		}
	})
}

// field is error.details.field of an error answer.
func (r response) field() string {
	e, _ := r.JSON["error"].(map[string]any)
	d, _ := e["details"].(map[string]any)
	f, _ := d["field"].(string)
	return f
}

// pointerResolves reports whether ptr names a value of doc, or a field
// left out of an object of doc.
func pointerResolves(doc stateDoc, ptr string) bool {
	var v any = map[string]any(doc)
	parts := strings.Split(ptr, "/")[1:]
	for i, p := range parts {
		switch c := v.(type) {
		case map[string]any:
			next, ok := c[p]
			if !ok {
				return i == len(parts)-1
			}
			v = next
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(c) {
				return false
			}
			v = c[n]
		case string:
			// attributes written as a string: the pointer stops at it.
			return false
		default:
			return false
		}
	}
	return true
}

// TestStateImportNormalisesTimes: times in another zone or with
// nanoseconds import as the stores keep them, UTC in whole microseconds;
// everything else exports as it was imported.
func TestStateImportNormalisesTimes(t *testing.T) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		c, _ := startServer(t, newStore(t), api.Config{})
		valid := buildStateWorld(t, c)
		doc := copyDoc(t, valid)
		ws := entries(doc, "workspaces")[0].(map[string]any)
		ws["createdAt"] = "2025-01-02T05:04:05.123456789+02:00"
		c.must(204, "PUT", "/_emulator/state", "", doc)
		got := exportDoc(t, c)
		if at := entries(got, "workspaces")[0].(map[string]any)["createdAt"]; at != "2025-01-02T03:04:05.123456Z" {
			t.Errorf("createdAt exported as %v, want 2025-01-02T03:04:05.123456Z", at)
		}
		entries(got, "workspaces")[0].(map[string]any)["createdAt"] = entries(valid, "workspaces")[0].(map[string]any)["createdAt"]
		if !reflect.DeepEqual(got, valid) {
			t.Errorf("the rest of the state changed on the way")
		}
	})
}

// failingStore fails every CreateResource with an outage once armed, after
// the import has written every other entry in the same transaction.
type failingStore struct {
	store.Store
	armed atomic.Bool
}

func (s *failingStore) Tx(ctx context.Context, fn func(store.Tx) error) error {
	return s.Store.Tx(ctx, func(tx store.Tx) error { return fn(failingTx{Tx: tx, s: s}) })
}

type failingTx struct {
	store.Tx
	s *failingStore
}

func (tx failingTx) CreateResource(ctx context.Context, r store.Resource) error {
	if tx.s.armed.Load() {
		return fmt.Errorf("injected outage: %w", store.ErrUnavailable)
	}
	return tx.Tx.CreateResource(ctx, r)
}

// TestStateImportIsAllOrNothing: a store that fails midway through an
// import (503) leaves the state as it was, on both stores.
func TestStateImportIsAllOrNothing(t *testing.T) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := &failingStore{Store: newStore(t)}
		c, _ := startServer(t, st, api.Config{})
		before := buildStateWorld(t, c)
		// Import a smaller state: one workspace fewer.
		doc := copyDoc(t, before)
		other := entries(doc, "workspaces")[1].(map[string]any)["id"]
		for _, list := range []string{"workspaces", "members", "serviceAccounts", "keys", "tokens", "resources"} {
			var kept []any
			for _, e := range entries(doc, list) {
				m := e.(map[string]any)
				if m["id"] != other && m["workspaceId"] != other {
					kept = append(kept, m)
				}
			}
			doc[list] = kept
		}
		st.armed.Store(true)
		if r := c.do("PUT", "/_emulator/state", "", doc); r.Status != 503 || r.code() != "SERVICE_UNAVAILABLE_ERROR" {
			t.Fatalf("import with the store failing midway: got %s, want 503", r)
		}
		st.armed.Store(false)
		if got := exportDoc(t, c); !reflect.DeepEqual(got, before) {
			t.Fatalf("an import that failed midway changed the state")
		}
		c.must(204, "PUT", "/_emulator/state", "", doc)
		if got := exportDoc(t, c); !reflect.DeepEqual(got, doc) {
			t.Fatalf("the import, once the store answers, did not give the document")
		}
	})
}
