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

// stateEdit edits a valid document so that one value breaks a rule, and
// returns the JSON pointer of that value.
type stateEdit struct {
	name string
	edit func(t *testing.T, doc stateDoc) string
	// mentions is a word the message must hold.
	mentions string
}

func stateAt(list string, i int, fields ...string) string {
	p := "/" + list + "/" + strconv.Itoa(i)
	for _, f := range fields {
		p += "/" + f
	}
	return p
}

// the entries the edits below start from.
func isUploadedKey(e map[string]any) bool { return e["origin"] == "uploaded" && e["revokedAt"] == nil }
func isRevokedKey(e map[string]any) bool  { return e["revokeReason"] == "revoked by its owner" }
func isSession(e map[string]any) bool     { return e["kind"] == "session" }
func isBearer(e map[string]any) bool      { return e["kind"] == "bearer" }
func isKind(k string) func(map[string]any) bool {
	return func(e map[string]any) bool { return e["kind"] == k }
}

var stateEdits = []stateEdit{
	// The examples of the issue.
	{"a token of kind root", func(t *testing.T, d stateDoc) string {
		i, tok := find(t, d, "tokens", isSession)
		tok["kind"] = "root"
		return stateAt("tokens", i, "kind")
	}, "root"},
	{"a quota of -5", func(t *testing.T, d stateDoc) string {
		nested(entries(d, "workspaces")[0].(map[string]any), "quotas")["keysPerUser"] = -5
		return stateAt("workspaces", 0, "quotas", "keysPerUser")
	}, "-5"},
	{"a key of origin stolen", func(t *testing.T, d stateDoc) string {
		i, k := find(t, d, "keys", isUploadedKey)
		k["origin"] = "stolen"
		return stateAt("keys", i, "origin")
	}, "stolen"},
	{"a resource of kind spaceship", func(t *testing.T, d stateDoc) string {
		i, r := find(t, d, "resources", isKind("group"))
		r["kind"] = "spaceship"
		return stateAt("resources", i, "kind")
	}, "spaceship"},
	{`attributes "garbage"`, func(t *testing.T, d stateDoc) string {
		i, r := find(t, d, "resources", isKind("dataset"))
		r["attributes"] = "garbage"
		return stateAt("resources", i, "attributes")
	}, "JSON object"},
	{"an empty member email", func(t *testing.T, d stateDoc) string {
		i, m := find(t, d, "members", hasField("email", "bob@acme.test"))
		m["email"] = ""
		return stateAt("members", i, "email")
	}, "required"},
	{"a NUL in a name", func(t *testing.T, d stateDoc) string {
		i, m := find(t, d, "members", hasField("email", "bob@acme.test"))
		m["name"] = "Bo\x00b"
		return stateAt("members", i, "name")
	}, "U+0000"},
	{"a 10,000 character workspace name", func(t *testing.T, d stateDoc) string {
		entries(d, "workspaces")[0].(map[string]any)["name"] = strings.Repeat("w", 10_000)
		return stateAt("workspaces", 0, "name")
	}, "10000 characters"},
	{"a workspace with no admin", func(t *testing.T, d stateDoc) string {
		for _, e := range entries(d, "members") {
			if m := e.(map[string]any); m["workspaceId"] == entries(d, "workspaces")[0].(map[string]any)["id"] {
				m["role"] = "member"
			}
		}
		return stateAt("workspaces", 0)
	}, "no live admin"},
	// Text, as the API and the seed read it.
	{"a bidi control in a key title", func(t *testing.T, d stateDoc) string {
		i, k := find(t, d, "keys", isUploadedKey)
		k["title"] = "lap\u202Etop"
		return stateAt("keys", i, "title")
	}, "bidi"},
	{"an email that is not lower-case", func(t *testing.T, d stateDoc) string {
		i, m := find(t, d, "members", hasField("email", "bob@acme.test"))
		m["email"] = "Bob@acme.test"
		return stateAt("members", i, "email")
	}, "bob@acme.test"},
	{"a description with a NUL", func(t *testing.T, d stateDoc) string {
		i, r := find(t, d, "resources", isKind("group"))
		r["description"] = "a\x00b"
		return stateAt("resources", i, "description")
	}, "U+0000"},
	{"a blank resource title", func(t *testing.T, d stateDoc) string {
		i, r := find(t, d, "resources", isKind("group"))
		r["title"] = "\u200B"
		return stateAt("resources", i, "title")
	}, "blank"},
	{"a project tag with a line separator", func(t *testing.T, d stateDoc) string {
		i, r := find(t, d, "resources", isKind("project"))
		nested(r, "attributes")["tags"] = []any{"a\u2028b"}
		return stateAt("resources", i, "attributes", "tags", "0")
	}, "line separator"},
	// Ids.
	{"an id that is not a UUID", func(t *testing.T, d stateDoc) string {
		i, m := find(t, d, "members", hasField("email", "bob@acme.test"))
		m["id"] = "bob"
		return stateAt("members", i, "id")
	}, "UUID"},
	{"an id in upper case", func(t *testing.T, d stateDoc) string {
		i, k := find(t, d, "keys", isUploadedKey)
		k["id"] = strings.ToUpper(k["id"].(string))
		return stateAt("keys", i, "id")
	}, "lower-case"},
	{"two members of one id", func(t *testing.T, d stateDoc) string {
		i, m := find(t, d, "members", hasField("email", "bob@acme.test"))
		m["id"] = entries(d, "members")[0].(map[string]any)["id"]
		return stateAt("members", i, "id")
	}, "/members/0"},
	// References.
	{"a member of a workspace not in the state", func(t *testing.T, d stateDoc) string {
		i, m := find(t, d, "members", hasField("email", "bob@acme.test"))
		m["workspaceId"] = "0e6d6b47-5b8e-4a7e-9d2c-6f3a8c1b2d4e"
		return stateAt("members", i, "workspaceId")
	}, "not in the state"},
	{"a key whose owner is not in the state", func(t *testing.T, d stateDoc) string {
		i, k := find(t, d, "keys", isUploadedKey)
		nested(k, "owner")["id"] = "0e6d6b47-5b8e-4a7e-9d2c-6f3a8c1b2d4e"
		return stateAt("keys", i, "owner", "id")
	}, "not in the state"},
	{"a key owned by a member of the other workspace", func(t *testing.T, d stateDoc) string {
		i, k := find(t, d, "keys", isUploadedKey)
		_, eve := find(t, d, "members", hasField("email", "eve@other.test"))
		nested(k, "owner")["id"] = eve["id"]
		return stateAt("keys", i, "owner", "id")
	}, "not in the state under workspace"},
	{"a token whose owner type is unknown", func(t *testing.T, d stateDoc) string {
		i, tok := find(t, d, "tokens", isSession)
		nested(tok, "owner")["type"] = "robot"
		return stateAt("tokens", i, "owner", "type")
	}, "robot"},
	{"a resource without an owner", func(t *testing.T, d stateDoc) string {
		i, r := find(t, d, "resources", isKind("group"))
		r["createdBy"] = map[string]any{"type": "", "id": ""}
		return stateAt("resources", i, "createdBy", "type")
	}, "owner type"},
	{"a resource shared with someone of the other workspace", func(t *testing.T, d stateDoc) string {
		i, r := find(t, d, "resources", isKind("project"))
		_, eve := find(t, d, "members", hasField("email", "eve@other.test"))
		r["sharedWith"] = []any{map[string]any{"type": "user", "id": eve["id"]}}
		return stateAt("resources", i, "sharedWith", "0", "id")
	}, "not in the state under workspace"},
	{"a service account created by a stranger", func(t *testing.T, d stateDoc) string {
		_, eve := find(t, d, "members", hasField("email", "eve@other.test"))
		entries(d, "serviceAccounts")[0].(map[string]any)["createdBy"] = eve["id"]
		return stateAt("serviceAccounts", 0, "createdBy")
	}, "not a member"},
	{"a project over the other workspace's dataset", func(t *testing.T, d stateDoc) string {
		i, r := find(t, d, "resources", isKind("project"))
		_, theirs := find(t, d, "resources", hasField("title", "Theirs"))
		nested(r, "attributes")["datasetHashes"] = []any{theirs["id"]}
		return stateAt("resources", i, "attributes", "datasetHashes", "0")
	}, "not a dataset of workspace"},
	{"a project whose ontology is a dataset", func(t *testing.T, d stateDoc) string {
		i, r := find(t, d, "resources", isKind("project"))
		_, ds := find(t, d, "resources", isKind("dataset"))
		nested(r, "attributes")["ontologyHash"] = ds["id"]
		return stateAt("resources", i, "attributes", "ontologyHash")
	}, "not a ontology"},
	{"a folder that is its own parent", func(t *testing.T, d stateDoc) string {
		i, r := find(t, d, "resources", hasField("title", "Root"))
		nested(r, "attributes")["parent"] = r["id"]
		return stateAt("resources", i, "attributes", "parent")
	}, "tree"},
	{"an attribute a dataset does not have", func(t *testing.T, d stateDoc) string {
		i, r := find(t, d, "resources", isKind("dataset"))
		nested(r, "attributes")["BackingFolderUuid"] = "x"
		return stateAt("resources", i, "attributes", "BackingFolderUuid")
	}, "no attribute"},
	{"attributes on a group", func(t *testing.T, d stateDoc) string {
		i, r := find(t, d, "resources", isKind("group"))
		r["attributes"] = map[string]any{"members": []any{}}
		return stateAt("resources", i, "attributes", "members")
	}, "none"},
	{"an ontology editor without objects", func(t *testing.T, d stateDoc) string {
		i, r := find(t, d, "resources", hasField("title", "Shapes"))
		r["attributes"] = map[string]any{"editor": map[string]any{"classifications": []any{}}}
		return stateAt("resources", i, "attributes", "editor", "objects")
	}, "array"},
	{"an attribute that is null", func(t *testing.T, d stateDoc) string {
		i, r := find(t, d, "resources", hasField("title", "Root"))
		nested(r, "attributes")["clientMetadata"] = nil
		return stateAt("resources", i, "attributes", "clientMetadata")
	}, "null"},
	// Keys.
	{"a public key line with a comment", func(t *testing.T, d stateDoc) string {
		i, k := find(t, d, "keys", isUploadedKey)
		k["publicKey"] = k["publicKey"].(string) + " me@laptop"
		return stateAt("keys", i, "publicKey")
	}, "without a comment"},
	{"the identity point as a public key", func(t *testing.T, d stateDoc) string {
		i, k := find(t, d, "keys", isUploadedKey)
		k["publicKey"] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		return stateAt("keys", i, "publicKey")
	}, "order"},
	{"a key id that is not the public key's", func(t *testing.T, d stateDoc) string {
		i, k := find(t, d, "keys", isUploadedKey)
		_, other := find(t, d, "keys", isRevokedKey)
		k["publicKeyHex"] = other["publicKeyHex"]
		return stateAt("keys", i, "publicKeyHex")
	}, "not the key id"},
	{"a fingerprint that is not the public key's", func(t *testing.T, d stateDoc) string {
		i, k := find(t, d, "keys", isUploadedKey)
		k["fingerprint"] = "SHA256:AAAA"
		return stateAt("keys", i, "fingerprint")
	}, "not the fingerprint"},
	{"one active public key twice", func(t *testing.T, d stateDoc) string {
		i, k := find(t, d, "keys", isRevokedKey)
		_, active := find(t, d, "keys", isUploadedKey)
		for _, f := range []string{"publicKey", "publicKeyHex", "fingerprint"} {
			k[f] = active[f]
		}
		delete(k, "revokedAt")
		delete(k, "revokeReason")
		return stateAt("keys", i, "publicKeyHex")
	}, "active already"},
	{"an active key of a removed member", func(t *testing.T, d stateDoc) string {
		i, k := find(t, d, "keys", isRevokedKey)
		_, carl := find(t, d, "members", hasField("email", "carl@acme.test"))
		nested(k, "owner")["type"], nested(k, "owner")["id"] = "user", carl["id"]
		delete(k, "revokedAt")
		delete(k, "revokeReason")
		return stateAt("keys", i, "revokedAt")
	}, "revokes its keys"},
	{"a revocation reason made up", func(t *testing.T, d stateDoc) string {
		i, k := find(t, d, "keys", isRevokedKey)
		k["revokeReason"] = "lost in a fire"
		return stateAt("keys", i, "revokeReason")
	}, "not a revocation reason"},
	// Tokens.
	{"a token hash that is not hex", func(t *testing.T, d stateDoc) string {
		i, tok := find(t, d, "tokens", isBearer)
		tok["hash"] = "secret"
		return stateAt("tokens", i, "hash")
	}, "SHA-256"},
	{"a session of a service account", func(t *testing.T, d stateDoc) string {
		i, tok := find(t, d, "tokens", isSession)
		nested(tok, "owner")["type"] = "service_account"
		nested(tok, "owner")["id"] = entries(d, "serviceAccounts")[0].(map[string]any)["id"]
		return stateAt("tokens", i, "owner", "type")
	}, "never log in"},
	{"a token that expires before it is created", func(t *testing.T, d stateDoc) string {
		i, tok := find(t, d, "tokens", isBearer)
		tok["expiresAt"] = "2001-01-01T00:00:00Z"
		return stateAt("tokens", i, "expiresAt")
	}, "expires after"},
	{"a token of a removed member", func(t *testing.T, d stateDoc) string {
		i, tok := find(t, d, "tokens", isSession)
		_, carl := find(t, d, "members", hasField("email", "carl@acme.test"))
		nested(tok, "owner")["id"] = carl["id"]
		return stateAt("tokens", i, "owner")
	}, "deletes its tokens"},
	{"a bearer token whose key is revoked", func(t *testing.T, d stateDoc) string {
		i, tok := find(t, d, "tokens", isBearer)
		_, k := find(t, d, "keys", hasField("id", tok["keyId"]))
		k["revokedAt"], k["revokeReason"] = k["createdAt"], "revoked by its owner"
		return stateAt("tokens", i, "keyId")
	}, "deletes the bearer tokens"},
	{"a bearer token that names no key", func(t *testing.T, d stateDoc) string {
		i, tok := find(t, d, "tokens", isBearer)
		delete(tok, "keyId")
		return stateAt("tokens", i, "keyId")
	}, "names the key"},
	{"a bearer token minted by another owner's key", func(t *testing.T, d stateDoc) string {
		i, tok := find(t, d, "tokens", isBearer)
		_, k := find(t, d, "keys", func(e map[string]any) bool {
			return e["revokedAt"] == nil && nested(e, "owner")["type"] == "service_account"
		})
		tok["keyId"] = k["id"]
		return stateAt("tokens", i, "keyId")
	}, "not a key of the token's owner"},
	{"a session that names a key", func(t *testing.T, d stateDoc) string {
		i, tok := find(t, d, "tokens", isSession)
		_, bearer := find(t, d, "tokens", isBearer)
		tok["keyId"] = bearer["keyId"]
		return stateAt("tokens", i, "keyId")
	}, "leave keyId out"},
	{"a resources quota of -1", func(t *testing.T, d stateDoc) string {
		nested(entries(d, "workspaces")[0].(map[string]any), "quotas")["resources"] = -1
		return stateAt("workspaces", 0, "quotas", "resources")
	}, "-1"},
	// Uniqueness and service accounts.
	{"a member in the service accounts' domain", func(t *testing.T, d stateDoc) string {
		i, m := find(t, d, "members", hasField("email", "bob@acme.test"))
		m["email"] = "bob@service-accounts.encord-emulator.local"
		return stateAt("members", i, "email")
	}, "reserved"},
	{"two live members of one email", func(t *testing.T, d stateDoc) string {
		i, m := find(t, d, "members", hasField("email", "eve@other.test"))
		m["email"] = "bob@acme.test"
		return stateAt("members", i, "email")
	}, "one workspace at most"},
	{"a service account whose email is not its name's", func(t *testing.T, d stateDoc) string {
		entries(d, "serviceAccounts")[0].(map[string]any)["email"] = "root@acme.test"
		return stateAt("serviceAccounts", 0, "email")
	}, "follows from its name"},
	{"a service account of role root", func(t *testing.T, d stateDoc) string {
		entries(d, "serviceAccounts")[0].(map[string]any)["role"] = "root"
		return stateAt("serviceAccounts", 0, "role")
	}, "root"},
	// The document itself.
	{"a field the document does not have", func(t *testing.T, d stateDoc) string {
		i, k := find(t, d, "keys", isUploadedKey)
		k["privateKey"] = "x"
		return stateAt("keys", i, "privateKey")
	}, "unknown field"},
	{"a time that is not a time", func(t *testing.T, d stateDoc) string {
		i, m := find(t, d, "members", hasField("email", "bob@acme.test"))
		m["createdAt"] = "yesterday"
		return stateAt("members", i, "createdAt")
	}, "RFC 3339"},
	{"a time left out", func(t *testing.T, d stateDoc) string {
		i, r := find(t, d, "resources", isKind("group"))
		delete(r, "createdAt")
		return stateAt("resources", i, "createdAt")
	}, "required"},
	{"a quota that is not an integer", func(t *testing.T, d stateDoc) string {
		nested(entries(d, "workspaces")[0].(map[string]any), "quotas")["serviceAccounts"] = 1.5
		return stateAt("workspaces", 0, "quotas", "serviceAccounts")
	}, "integer"},
	{"another version", func(t *testing.T, d stateDoc) string {
		d["version"] = 2
		return "/version"
	}, "version"},
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
