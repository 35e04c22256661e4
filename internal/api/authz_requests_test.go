package api_test

import (
	"fmt"
	"net/http"
)

// The request of every row of the authorization matrix: path parameters
// and a minimal valid body, before the credentials of a column.

// authzRequest is the request of one cell, before credentials.
type authzRequest struct {
	// params fill the pattern's {parameters}; the world's defaults fill
	// the others.
	params map[string]string
	query  string
	body   string
	header http.Header
}

// authzRequests build the requests of rows that need more than the route's
// pattern filled with the world's objects: a body, a query, or a fresh
// object to delete or change (each cell gets its own, so that cells do not
// depend on one another).
var authzRequests = map[string]func(w *authzWorld, k callerKind) authzRequest{
	"POST /api/v1/sessions": func(w *authzWorld, k callerKind) authzRequest {
		return authzRequest{body: fmt.Sprintf(`{"email": %q}`, w.email(k))}
	},
	"POST /api/v1/me/keys": titleBody,
	"DELETE /api/v1/me/keys/{keyId}": func(w *authzWorld, _ callerKind) authzRequest {
		return authzRequest{params: map[string]string{"keyId": w.freshKey(w.memberToken, "/api/v1/me/keys")}}
	},
	"POST /api/v1/workspace/members/": func(w *authzWorld, _ callerKind) authzRequest {
		return authzRequest{body: fmt.Sprintf(`{"email": "new-%d@acme.test", "name": "New", "role": "member"}`, w.next())}
	},
	"PATCH /api/v1/workspace/members/{memberId}": func(w *authzWorld, _ callerKind) authzRequest {
		return authzRequest{params: map[string]string{"memberId": w.freshMember()}, body: `{"role": "admin"}`}
	},
	"DELETE /api/v1/workspace/members/{memberId}": func(w *authzWorld, _ callerKind) authzRequest {
		return authzRequest{params: map[string]string{"memberId": w.freshMember()}}
	},
	"DELETE /api/v1/workspace/members/{memberId}/keys/{keyId}": func(w *authzWorld, _ callerKind) authzRequest {
		return authzRequest{params: map[string]string{"keyId": w.freshKey(w.memberToken, "/api/v1/me/keys")}}
	},
	"POST /api/v1/workspace/service-accounts/": func(w *authzWorld, _ callerKind) authzRequest {
		return authzRequest{body: fmt.Sprintf(`{"name": "bot-%d", "description": "made by the matrix"}`, w.next())}
	},
	"PATCH /api/v1/workspace/service-accounts/{saId}": func(*authzWorld, callerKind) authzRequest {
		return authzRequest{body: `{"description": "changed"}`}
	},
	"DELETE /api/v1/workspace/service-accounts/{saId}": func(w *authzWorld, _ callerKind) authzRequest {
		return authzRequest{params: map[string]string{"saId": w.c.newServiceAccount(w.a, fmt.Sprintf("victim-%d", w.next()))}}
	},
	"POST /api/v1/workspace/service-accounts/{saId}/keys": titleBody,
	"DELETE /api/v1/workspace/service-accounts/{saId}/keys/{keyId}": func(w *authzWorld, _ callerKind) authzRequest {
		return authzRequest{params: map[string]string{"keyId": w.freshKey(w.a.AdminToken, "/api/v1/workspace/service-accounts/"+w.saID+"/keys")}}
	},

	"POST /_emulator/workspaces/": func(w *authzWorld, _ callerKind) authzRequest {
		n := w.next()
		return authzRequest{body: fmt.Sprintf(`{"name": "W%d", "admin": {"email": "admin-%d@w.test", "name": "Admin"}}`, n, n)}
	},
	"DELETE /_emulator/workspaces/{workspaceId}": func(w *authzWorld, _ callerKind) authzRequest {
		n := w.next()
		victim := w.newWorkspace(fmt.Sprintf("Victim %d", n), fmt.Sprintf("victim-%d@victim.test", n))
		return authzRequest{params: map[string]string{"workspaceId": victim.ID}}
	},
	"PATCH /_emulator/workspaces/{workspaceId}/quotas": func(*authzWorld, callerKind) authzRequest {
		return authzRequest{body: `{"keysPerUser": 50}`}
	},
	"POST /_emulator/workspaces/{workspaceId}/resources": func(*authzWorld, callerKind) authzRequest {
		return authzRequest{body: `{"kind": "group", "title": "reviewers"}`}
	},
	// Rules that match no caller of the matrix, so that they fault nothing.
	"POST /_emulator/faults/": func(w *authzWorld, _ callerKind) authzRequest {
		return authzRequest{body: fmt.Sprintf(`{"id": "matrix-%d", "match": {"principal": "nobody@nowhere.test"}, "action": {"status": 503}}`, w.next())}
	},
	"DELETE /_emulator/faults/{ruleId}": func(w *authzWorld, _ callerKind) authzRequest {
		id := fmt.Sprintf("victim-%d", w.next())
		w.c.must(201, "POST", "/_emulator/faults", w.controlToken, map[string]any{"id": id, "match": map[string]any{"principal": "nobody@nowhere.test"}, "action": map[string]any{"status": 503}})
		return authzRequest{params: map[string]string{"ruleId": id}}
	},
	"PUT /_emulator/clock/": func(*authzWorld, callerKind) authzRequest { return authzRequest{body: `{"offset": "0s"}`} },
	"PUT /_emulator/state": func(w *authzWorld, _ callerKind) authzRequest {
		return authzRequest{body: string(w.c.must(200, "GET", "/_emulator/state", w.controlToken, nil).Raw)}
	},

	"POST /public/user": func(*authzWorld, callerKind) authzRequest { return authzRequest{body: v1GetProjects} },
	"POST /public/user include_org_access": func(*authzWorld, callerKind) authzRequest {
		return authzRequest{body: `{"query_type": "projectwithuserrole", "query_method": "GET", "values": {"uid": null, "payload": {"filter": {"include_org_access": true}}}}`}
	},
	"POST /public": func(w *authzWorld, _ callerKind) authzRequest {
		return authzRequest{
			body:   fmt.Sprintf(`{"query_type": "dataset", "query_method": "GET", "values": {"uid": %q, "payload": null}}`, w.dataset),
			header: http.Header{"Resourcetype": {"dataset"}, "Resourceid": {w.dataset}},
		}
	},
	"GET /v2/public/cloud-integrations includeOrgAccess": orgAccessQuery,
	"GET /v2/public/ontologies includeOrgAccess":         orgAccessQuery,
	"GET /v2/public/datasets/list includeOrgAccess":      orgAccessQuery,
	"GET /v2/public/projects includeOrgAccess":           orgAccessQuery,
	"GET /v2/public/storage/folders includeOrgAccess":    orgAccessQuery,
	"POST /v2/public/ontologies":                         func(*authzWorld, callerKind) authzRequest { return authzRequest{body: `{"title": "o"}`} },
	"POST /v2/public/datasets":                           func(*authzWorld, callerKind) authzRequest { return authzRequest{body: `{"title": "d"}`} },
	"POST /v2/public/storage/folders":                    func(*authzWorld, callerKind) authzRequest { return authzRequest{body: `{"name": "f"}`} },
}

func titleBody(*authzWorld, callerKind) authzRequest { return authzRequest{body: `{"title": "k"}`} }

func orgAccessQuery(*authzWorld, callerKind) authzRequest {
	return authzRequest{query: "includeOrgAccess=True"}
}
