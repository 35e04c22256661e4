package api_test

import (
	"strconv"
	"strings"
	"testing"
)

// The edits of TestStateImportRefusals: a valid document broken in one
// value, for every rule an import keeps.

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
