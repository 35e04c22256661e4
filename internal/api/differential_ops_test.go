package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// The operations of TestDifferential: each kind of step and the calls it
// makes, state documents edited included.

// asExported marks the import of a state document as it was exported.
const asExported = "as exported"

// diffKind is one kind of step: build makes its calls for a side (none
// when it does not apply), after reads the secrets an answer holds.
type diffKind struct {
	name   string
	weight int
	build  func(s *diffSide, d *draws) []diffCall
	after  func(s *diffSide, c diffCall, r testclient.Response)
}

func one(c diffCall, ok bool) []diffCall {
	if !ok {
		return nil
	}
	return []diffCall{c}
}

var diffKinds = []diffKind{
	{"create a workspace", 2, func(s *diffSide, d *draws) []diffCall {
		quotas := ""
		if d.chance(70) {
			quotas = string(object("serviceAccounts", pickFrom(d, []string{"0", "3", "10", "-1"}), "keysPerUser", pickFrom(d, []string{"", "2", "20"})))
		}
		return one(diffCall{method: "POST", path: "/_emulator/workspaces", body: object(
			"name", text(d),
			"admin", string(object("email", email(d), "name", text(d))),
			"quotas", quotas,
		)}, true)
	}, func(s *diffSide, _ diffCall, r testclient.Response) {
		if r.Status == http.StatusCreated {
			s.sessions[r.Str("admin.id")] = r.Str("session.token")
		}
	}},
	{"log in", 6, func(s *diffSide, d *draws) []diffCall {
		m, ok := pickEntry(s, d, "members")
		if !ok {
			return nil
		}
		email := m["email"].(string)
		switch d.pick(4) {
		case 1:
			email = strings.ToUpper(email)
		case 2:
			email = " " + email + "\t"
		}
		body := object("email", quote(email))
		if d.chance(10) {
			body = object("email", quote(email), "Email", `"other@x.test"`)
		}
		return one(diffCall{method: "POST", path: "/api/v1/sessions", body: body}, true)
	}, func(s *diffSide, _ diffCall, r testclient.Response) {
		if r.Status == http.StatusCreated {
			s.sessions[r.Str("user.id")] = r.Str("token")
		}
	}},
	{"log out", 1, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		return one(diffCall{method: "DELETE", path: "/api/v1/sessions/current", session: token}, ok)
	}, nil},
	{"add a member", 6, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		body := object("email", email(d), "name", text(d), "role", role(d))
		if d.chance(10) {
			body = []byte(strings.Replace(string(body), "}", `, "ROLE": "admin"}`, 1))
		}
		return one(diffCall{method: "POST", path: "/api/v1/workspace/members", session: token, body: body}, ok)
	}, nil},
	{"change a member's role", 4, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		target, ok2 := pickEntry(s, d, "members")
		if !ok || !ok2 {
			return nil
		}
		return one(diffCall{method: "PATCH", path: "/api/v1/workspace/members/" + target["id"].(string), session: token, body: object("role", role(d))}, true)
	}, nil},
	{"remove a member", 3, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		target, ok2 := pickEntry(s, d, "members")
		if !ok || !ok2 {
			return nil
		}
		return one(diffCall{method: "DELETE", path: "/api/v1/workspace/members/" + target["id"].(string), session: token}, true)
	}, nil},
	{"create a service account", 4, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		return one(diffCall{method: "POST", path: "/api/v1/workspace/service-accounts", session: token,
			body: object("name", text(d), "description", optional(d, text))}, ok)
	}, nil},
	{"change a service account", 3, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		sa, ok2 := pickEntry(s, d, "serviceAccounts")
		if !ok || !ok2 {
			return nil
		}
		body := object("role", optional(d, role), "description", optional(d, text))
		return one(diffCall{method: "PATCH", path: "/api/v1/workspace/service-accounts/" + sa["id"].(string), session: token, body: body}, true)
	}, nil},
	{"delete a service account", 2, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		sa, ok2 := pickEntry(s, d, "serviceAccounts")
		if !ok || !ok2 {
			return nil
		}
		return one(diffCall{method: "DELETE", path: "/api/v1/workspace/service-accounts/" + sa["id"].(string), session: token}, true)
	}, nil},
	{"add a key", 8, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		if !ok {
			return nil
		}
		path := "/api/v1/me/keys"
		if d.chance(40) {
			sa, ok := pickEntry(s, d, "serviceAccounts")
			if !ok {
				return nil
			}
			path = "/api/v1/workspace/service-accounts/" + sa["id"].(string) + "/keys"
		}
		publicKey, target := "", ""
		switch d.pick(4) {
		case 0, 1:
			k := d.pick(len(diffKeys()))
			publicKey, target = quote(diffKeys()[k].line), strconv.Itoa(k)
		case 2:
			publicKey = pickFrom(d, []string{`null`, `""`, `"ssh-ed25519"`, "\"\xff\"", `"a\u0000b"`})
		}
		return one(diffCall{method: "POST", path: path, session: token, target: target, body: object("title", text(d), "publicKey", publicKey)}, true)
	}, func(s *diffSide, c diffCall, r testclient.Response) {
		if r.Status != http.StatusCreated {
			return
		}
		if c.target != "" {
			k, _ := strconv.Atoi(c.target)
			s.signers[r.Str("id")] = diffKeys()[k].signer
			return
		}
		if priv, err := encordsign.ParsePrivateKey([]byte(r.Str("privateKey"))); err == nil {
			s.signers[r.Str("key.id")] = encordsign.New(priv)
		}
	}},
	{"revoke a key", 4, func(s *diffSide, d *draws) []diffCall {
		m, token, ok := actor(s, d)
		k, ok2 := pickEntry(s, d, "keys")
		if !ok || !ok2 {
			return nil
		}
		owner := k["owner"].(map[string]any)
		path := "/api/v1/workspace/members/" + owner["id"].(string) + "/keys/" + k["id"].(string)
		switch {
		case owner["type"] == "service_account":
			path = "/api/v1/workspace/service-accounts/" + owner["id"].(string) + "/keys/" + k["id"].(string)
		case owner["id"] == m["id"] && d.chance(70):
			path = "/api/v1/me/keys/" + k["id"].(string)
		}
		return one(diffCall{method: "DELETE", path: path, session: token}, true)
	}, nil},
	{"change quotas", 2, func(s *diffSide, d *draws) []diffCall {
		ws, ok := pickEntry(s, d, "workspaces")
		if !ok {
			return nil
		}
		values := []string{"0", "1", "2", "5", "-5", "1000001", "1.5", `"3"`, "null"}
		return one(diffCall{method: "PATCH", path: "/_emulator/workspaces/" + ws["id"].(string) + "/quotas", body: object(
			"serviceAccounts", pickFrom(d, values), "keysPerServiceAccount", pickFrom(d, append(values, "")), "keysPerUser", pickFrom(d, append(values, "")),
		)}, true)
	}, nil},
	{"create a resource", 3, func(s *diffSide, d *draws) []diffCall {
		ws, ok := pickEntry(s, d, "workspaces")
		if !ok {
			return nil
		}
		createdBy := ""
		if m, ok := pickEntry(s, d, "members"); ok && d.chance(50) {
			createdBy = string(object("type", `"user"`, "id", quote(m["id"].(string))))
		}
		kind := pickFrom(d, []string{`"project"`, `"dataset"`, `"ontology"`, `"storage_folder"`, `"group"`, `"cloud_integration"`, `"spaceship"`})
		return one(diffCall{method: "POST", path: "/_emulator/workspaces/" + ws["id"].(string) + "/resources", body: object(
			"kind", kind, "title", text(d), "description", optional(d, text), "createdBy", createdBy,
		)}, true)
	}, nil},
	{"delete a workspace", 2, func(s *diffSide, d *draws) []diffCall {
		ws, ok := pickEntry(s, d, "workspaces")
		if !ok || len(s.list("workspaces")) < 4 {
			return nil
		}
		return one(diffCall{method: "DELETE", path: "/_emulator/workspaces/" + ws["id"].(string)}, true)
	}, nil},
	{"mint a bearer token", 4, func(s *diffSide, d *draws) []diffCall {
		k, signer, ok := signedBy(s, d)
		if !ok {
			return nil
		}
		c := diffCall{method: "GET", path: "/v2/public/user/bearer-token", signer: signer, target: k["id"].(string)}
		if d.chance(15) { // a bearer asking for a bearer
			if bearer := s.bearers[k["id"].(string)]; bearer != "" {
				c.signer, c.bearer = nil, bearer
			}
		}
		return one(c, true)
	}, func(s *diffSide, c diffCall, r testclient.Response) {
		if r.Status == http.StatusOK {
			s.bearers[c.target] = r.Str("token")
		}
	}},
	{"create through the SDK", 6, func(s *diffSide, d *draws) []diffCall {
		var c diffCall
		title, desc := text(d), optional(d, text)
		switch d.pick(4) {
		case 0:
			c = diffCall{method: "POST", path: "/v2/public/datasets", body: object("title", title, "description", desc, "createBackingFolder", pickFrom(d, []string{"true", "false"}))}
		case 1:
			c = diffCall{method: "POST", path: "/v2/public/ontologies", body: object("title", title, "description", desc, "editor", pickFrom(d, []string{"", `{"objects": []}`, `"x"`}))}
		case 2:
			parent := ""
			if f, ok := pickEntry(s, d, "resources"); ok && d.chance(50) {
				parent = quote(f["id"].(string))
			}
			c = diffCall{method: "POST", path: "/v2/public/storage/folders", body: object("name", title, "description", desc, "parent", parent)}
		case 3:
			payload := object("title", title, "description", desc, "dataset_hashes", "[]")
			c = diffCall{method: "POST", path: "/public/user", body: object("query_type", `"project"`, "query_method", `"POST"`, "values", string(object("uid", "null", "payload", string(payload))))}
		}
		return one(sdkCredential(s, d, c))
	}, nil},
	{"read through the SDK", 5, func(s *diffSide, d *draws) []diffCall {
		paths := []string{"/v2/public/projects", "/v2/public/projects?includeOrgAccess=True", "/v2/public/datasets/list", "/v2/public/storage/folders",
			"/v2/public/ontologies?titleLike=%25a%25", "/v2/public/user/current-organisation/groups", "/v2/public/cloud-integrations"}
		c := diffCall{method: "GET", path: pickFrom(d, paths)}
		if d.chance(25) {
			c = diffCall{method: "POST", path: "/public/user", body: object("query_type", `"projectwithuserrole"`, "query_method", `"GET"`,
				"values", string(object("uid", "null", "payload", string(object("filter", string(object("title_like", text(d))))))))}
		}
		if r, ok := pickEntry(s, d, "resources"); ok && d.chance(25) {
			collection := map[any]string{"project": "projects", "ontology": "ontologies", "storage_folder": "storage/folders"}[r["kind"]]
			if collection == "" {
				collection = "projects" // another kind's id: not found
			}
			c = diffCall{method: "GET", path: "/v2/public/" + collection + "/" + r["id"].(string)}
		}
		return one(sdkCredential(s, d, c))
	}, nil},
	{"read the management plane", 3, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		path := pickFrom(d, []string{"/api/v1/me", "/api/v1/workspace/members", "/api/v1/workspace/service-accounts", "/api/v1/me/keys", "/api/v1/workspace"})
		return one(diffCall{method: "GET", path: path, session: token}, ok)
	}, nil},
	{"send a body that is not what it should be", 2, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		bodies := []string{`{"name": "a", "name": "b"}`, `{"Name": "a"}`, "{\"name\": \"\xff\"}", `{"name": "\ud83d"}`, `[]`, `{"name": "a"} {}`, `{"name": null}`, ``, `{"name": "a", "description": 7}`}
		return one(diffCall{method: "POST", path: "/api/v1/workspace/service-accounts", session: token, body: []byte(pickFrom(d, bodies))}, ok)
	}, nil},
	{"export, edit and import the state", 3, func(s *diffSide, d *draws) []diffCall {
		raw, err := json.Marshal(s.doc)
		if err != nil || len(s.list("workspaces")) == 0 {
			return nil
		}
		c := diffCall{method: "PUT", path: "/_emulator/state", body: raw, target: asExported}
		if d.chance(75) {
			c.body, c.target = editState(raw, d), ""
		}
		return one(c, true)
	}, nil},
}

// editState edits a state document where it is the same on both sides:
// a value of one of its entries (never a time, whose change could make
// two entries tie and their order depend on ids), or one entry left out.
func editState(raw []byte, d *draws) []byte {
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		panic(err)
	}
	var leaves []jsonLeafAt
	collectLeaves(doc, "", &leaves)
	if len(leaves) == 0 {
		return raw
	}
	switch d.pick(4) {
	case 0: // an adversarial value
		l := pickFrom(d, leaves)
		var v any
		if err := json.Unmarshal([]byte(pickFrom(d, diffTexts)), &v); err != nil {
			v = "\u202E"
		}
		l.set(v)
	case 1: // another entry's value of the same field
		l := pickFrom(d, leaves)
		var same []jsonLeafAt
		for _, o := range leaves {
			if o.field == l.field {
				same = append(same, o)
			}
		}
		l.set(pickFrom(d, same).get())
	case 2: // a number
		pickFrom(d, leaves).set(pickFrom(d, []any{-5, 0, 1_000_001, 1.5}))
	case 3: // an entry left out
		lists := []string{"members", "serviceAccounts", "keys", "tokens", "resources"}
		list := pickFrom(d, lists)
		if l, _ := doc.(map[string]any)[list].([]any); len(l) > 0 {
			i := d.pick(len(l))
			doc.(map[string]any)[list] = append(slices.Clone(l[:i]), l[i+1:]...)
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return out
}

// jsonLeafAt is a scalar of a document, its field name and how to change
// it.
type jsonLeafAt struct {
	field string
	get   func() any
	set   func(any)
}

// collectLeaves lists the scalars of v in a fixed order, times and
// versions left out.
func collectLeaves(v any, field string, out *[]jsonLeafAt) {
	switch c := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(c) {
			if strings.HasSuffix(k, "At") || k == "version" {
				continue
			}
			if isJSONContainer(c[k]) {
				collectLeaves(c[k], k, out)
				continue
			}
			*out = append(*out, jsonLeafAt{field: k, get: func() any { return c[k] }, set: func(x any) { c[k] = x }})
		}
	case []any:
		for i := range c {
			if isJSONContainer(c[i]) {
				collectLeaves(c[i], field, out)
				continue
			}
			*out = append(*out, jsonLeafAt{field: field, get: func() any { return c[i] }, set: func(x any) { c[i] = x }})
		}
	}
}

func isJSONContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}
