package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	emulator "github.com/encord-emulator/encord-emulator"
	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// The world of the authorization matrix: two workspaces, one credential of
// every caller kind, and the call of one cell with that credential.

// authzClock is the accounts clock of the matrix's server: real time plus
// an offset the test moves to issue credentials that are already expired.
type authzClock struct{ offset atomic.Int64 }

func (c *authzClock) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// authzWorld holds two workspaces and one credential of every kind.
type authzWorld struct {
	t            *testing.T
	c            *client
	handler      http.Handler
	controlToken string
	seq          int

	a, b                          workspace
	memberID, memberToken         string
	memberKey, adminKey, otherKey *encordsign.Signer
	removedToken                  string
	removedKey                    *encordsign.Signer
	expiredSession, expiredBearer string
	saID, saBearer                string
	saKey                         *encordsign.Signer
	revoked, unknown              *encordsign.Signer

	// Objects of A's admin, shared with nobody.
	project, ontology, dataset, folder string
}

const (
	memberEmail  = "member@acme.test"
	removedEmail = "leaver@acme.test"
	expiredEmail = "sleeper@acme.test"
)

// startAuthzServer serves the router over st with an accounts clock the
// test controls and a control-plane admin token.
func startAuthzServer(t *testing.T, st store.Store, clock *authzClock, adminToken string) (*client, http.Handler) {
	t.Helper()
	h := api.NewHandler(api.Config{
		Accounts:   accounts.New(st, accounts.Config{Now: clock.now}),
		AdminToken: adminToken,
		OpenAPI:    emulator.OpenAPI,
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return newClient(t, srv.URL), h
}

func newAuthzWorld(t *testing.T, st store.Store) *authzWorld {
	t.Helper()
	clock := &authzClock{}
	w := &authzWorld{t: t, controlToken: "control-" + uuid.NewString()}
	w.c, w.handler = startAuthzServer(t, st, clock, w.controlToken)
	c := w.c

	w.a = w.newWorkspace("Acme", "admin@acme.test")
	w.b = w.newWorkspace("Other", "admin@other.test")
	w.adminKey, _ = c.newSigner(w.a.AdminToken, "/api/v1/me/keys")
	w.otherKey, _ = c.newSigner(w.b.AdminToken, "/api/v1/me/keys")

	w.memberID, w.memberToken = c.addMember(w.a, memberEmail, store.RoleMember)
	w.memberKey, _ = c.newSigner(w.memberToken, "/api/v1/me/keys")
	var revokedID string
	w.revoked, revokedID = c.newSigner(w.memberToken, "/api/v1/me/keys")
	c.must(204, "DELETE", "/api/v1/me/keys/"+revokedID, w.memberToken, nil)
	w.unknown = unregisteredSigner(t)

	var removedID string
	removedID, w.removedToken = c.addMember(w.a, removedEmail, store.RoleMember)
	w.removedKey, _ = c.newSigner(w.removedToken, "/api/v1/me/keys")
	c.must(204, "DELETE", "/api/v1/workspace/members/"+removedID, w.a.AdminToken, nil)

	// Issued 25 hours ago: the session (24 h) and the bearer token (1 h)
	// have expired; the member and its key are live.
	clock.offset.Store(int64(-25 * time.Hour))
	var expiredKey *encordsign.Signer
	_, w.expiredSession = c.addMember(w.a, expiredEmail, store.RoleMember)
	expiredKey, _ = c.newSigner(w.expiredSession, "/api/v1/me/keys")
	w.expiredBearer = c.sdk(expiredKey, sdkRequest{target: v2BearerPath}).str("token")
	clock.offset.Store(0)
	if w.expiredBearer == "" {
		t.Fatal("no bearer token for the expired column")
	}

	w.saID = c.newServiceAccount(w.a, "ci-bot")
	w.saKey, _ = c.newSigner(w.a.AdminToken, "/api/v1/workspace/service-accounts/"+w.saID+"/keys")
	w.saBearer = c.sdk(w.saKey, sdkRequest{target: v2BearerPath}).str("token")

	w.project = w.newResource("project")
	w.ontology = w.newResource("ontology")
	w.dataset = w.newResource("dataset")
	w.folder = w.newResource("storage_folder")
	w.newResource("cloud_integration")
	return w
}

// newWorkspace creates a workspace with room for the matrix's service
// accounts and keys.
func (w *authzWorld) newWorkspace(name, adminEmail string) workspace {
	w.t.Helper()
	r := w.c.must(201, "POST", "/_emulator/workspaces", w.controlToken, map[string]any{
		"name": name, "admin": map[string]any{"email": adminEmail, "name": "Admin of " + name},
		"quotas": map[string]any{"serviceAccounts": 1000, "keysPerServiceAccount": 1000, "keysPerUser": 1000},
	})
	return workspace{
		ID:         r.JSON["workspace"].(map[string]any)["id"].(string),
		AdminID:    r.JSON["admin"].(map[string]any)["id"].(string),
		AdminToken: r.JSON["session"].(map[string]any)["token"].(string),
	}
}

func (w *authzWorld) newResource(kind string) string {
	w.t.Helper()
	return w.c.must(201, "POST", "/_emulator/workspaces/"+w.a.ID+"/resources", w.controlToken, map[string]any{"kind": kind, "title": kind}).str("id")
}

func (w *authzWorld) next() int { w.seq++; return w.seq }

// freshMember adds a member to A and returns its id.
func (w *authzWorld) freshMember() string {
	w.t.Helper()
	id, _ := w.c.addMember(w.a, fmt.Sprintf("victim-%d@acme.test", w.next()), store.RoleMember)
	return id
}

// freshKey generates a key at path (a keys collection) and returns its id.
func (w *authzWorld) freshKey(token, path string) string {
	w.t.Helper()
	return w.c.must(201, "POST", path, token, map[string]any{"title": "victim"}).JSON["key"].(map[string]any)["id"].(string)
}

// email is the address a caller kind logs in with ("" when it has none).
func (w *authzWorld) email(k callerKind) string {
	switch k {
	case member, revokedKey:
		return memberEmail
	case admin:
		return "admin@acme.test"
	case otherAdmin:
		return "admin@other.test"
	case removedMember:
		return removedEmail
	case expiredCredential:
		return expiredEmail
	case serviceAccountKey, serviceAccountBearer:
		return accounts.ServiceAccountEmail("ci-bot", w.a.ID)
	default:
		return "nobody@nowhere.test"
	}
}

// defaultParam names the world's object for a path parameter.
func (w *authzWorld) defaultParam(name string) string {
	switch name {
	case "memberId":
		return w.memberID
	case "saId":
		return w.saID
	case "workspaceId":
		return w.a.ID
	case "projectHash", "projectUuid":
		return w.project
	case "ontologyHash":
		return w.ontology
	case "datasetHash":
		return w.dataset
	case "folderUuid":
		return w.folder
	}
	return uuid.NewString()
}

var patternParam = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// sdkStyle reports whether a path authenticates like the SDK plane.
func sdkStyle(path string) bool {
	return strings.HasPrefix(path, "/public") || strings.HasPrefix(path, "/v2/public/") || path == "/_emulator/whoami"
}

// call sends the row's request as caller k, in process, checks the answer
// against openapi.yaml, and returns the status and body.
func (w *authzWorld) call(key string, k callerKind) (int, string) {
	w.t.Helper()
	method, pattern, _ := strings.Cut(routeOfRow(key), " ")
	var req authzRequest
	if build, ok := authzRequests[key]; ok {
		req = build(w, k)
	}
	path := patternParam.ReplaceAllStringFunc(pattern, func(p string) string {
		name := p[1 : len(p)-1]
		if v, ok := req.params[name]; ok {
			return v
		}
		return w.defaultParam(name)
	})
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	target := path
	if req.query != "" {
		target += "?" + req.query
	}
	r := httptest.NewRequest(method, target, strings.NewReader(req.body))
	for name, values := range req.header {
		r.Header[name] = values
	}
	if req.body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w.authenticate(r, []byte(req.body), k, sdkStyle(path))
	rec := httptest.NewRecorder()
	w.handler.ServeHTTP(rec, r)
	checkAgainstSpec(w.t, r, rec.Code, rec.Header(), rec.Body.Bytes())
	return rec.Code, rec.Body.String()
}

// authenticate puts caller k's credential on r.
func (w *authzWorld) authenticate(r *http.Request, body []byte, k callerKind, sdk bool) {
	w.t.Helper()
	bearer := func(token string) { r.Header.Set("Authorization", "Bearer "+token) }
	sign := func(s *encordsign.Signer) {
		if err := s.SignRequest(r, body, time.Now()); err != nil {
			w.t.Fatal(err)
		}
	}
	either := func(session string, key *encordsign.Signer) {
		if sdk {
			sign(key)
		} else {
			bearer(session)
		}
	}
	switch k {
	case anonymous:
	case member:
		either(w.memberToken, w.memberKey)
	case admin:
		either(w.a.AdminToken, w.adminKey)
	case otherAdmin:
		either(w.b.AdminToken, w.otherKey)
	case removedMember:
		either(w.removedToken, w.removedKey)
	case expiredCredential:
		if sdk {
			bearer(w.expiredBearer)
		} else {
			bearer(w.expiredSession)
		}
	case serviceAccountKey:
		sign(w.saKey)
	case serviceAccountBearer:
		bearer(w.saBearer)
	case revokedKey:
		sign(w.revoked)
	case unknownKey:
		sign(w.unknown)
	case controlToken:
		bearer(w.controlToken)
	case wrongControlToken:
		bearer("wrong-" + w.controlToken)
	}
}
