package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
)

// The fuzz targets of this file feed outside input to the parsers of the
// HTTP planes: JSON request bodies, the v1 RPC body and its headers, and
// the query parameters of list endpoints. None may panic, and every
// failure must be the caller's fault: a 4xx, never a 5xx (501 aside, which
// names an SDK call that is not emulated).

// fuzzWorld is a workspace with an admin session, a second member and a
// service account, on a fresh memory store.
type fuzzWorld struct {
	svc       *accounts.Service
	ws        accounts.CreatedWorkspace
	caller    accounts.Caller
	principal accounts.Principal
	memberID  string
	saID      string
}

func newFuzzWorld(t testing.TB) *fuzzWorld {
	t.Helper()
	ctx := context.Background()
	w := &fuzzWorld{svc: accounts.New(memory.New(), accounts.Config{})}
	var err error
	w.ws, err = w.svc.CreateWorkspace(ctx, accounts.CreateWorkspaceInput{Name: "Acme", Admin: accounts.AdminInput{Email: "admin@acme.test", Name: "Ada"},
		Quotas: accounts.QuotasPatch{ServiceAccounts: ptr(5)}})
	if err != nil {
		t.Fatal(err)
	}
	if w.caller, err = w.svc.AuthenticateSession(ctx, w.ws.Session.Token); err != nil {
		t.Fatal(err)
	}
	m, err := w.svc.AddMember(ctx, w.caller, accounts.AddMemberInput{Email: "bob@acme.test", Name: "Bob"})
	if err != nil {
		t.Fatal(err)
	}
	w.memberID = m.ID
	sa, err := w.svc.CreateServiceAccount(ctx, w.caller, accounts.CreateServiceAccountInput{Name: "ci-bot"})
	if err != nil {
		t.Fatal(err)
	}
	w.saID = sa.ID
	// The admin's principal as a key signature authenticates it: only a
	// key mints bearer tokens.
	key, err := w.svc.AddOwnKey(ctx, w.caller, accounts.AddKeyInput{Title: "fuzz"})
	if err != nil {
		t.Fatal(err)
	}
	admin := w.ws.Admin
	w.principal = accounts.Principal{Owner: store.Owner{Type: store.OwnerUser, ID: admin.ID}, WorkspaceID: admin.WorkspaceID, Role: admin.Role, Email: admin.Email, Name: admin.Name,
		KeyID: key.Key.ID, PublicKeyHex: key.Key.PublicKeyHex}
	return w
}

func ptr[T any](v T) *T { return &v }

// fuzzBody is a request body type of the management, control or SDK plane
// and the call that takes it.
type fuzzBody struct {
	name   string
	strict bool // read as the management and control planes do, or as the SDK plane does
	new    func() any
	apply  func(ctx context.Context, w *fuzzWorld, v any) error
}

var fuzzBodies = []fuzzBody{
	{"login", true, func() any { return new(loginRequest) }, func(ctx context.Context, w *fuzzWorld, v any) error {
		_, _, err := w.svc.Login(ctx, v.(*loginRequest).Email)
		return err
	}},
	{"add key", true, func() any { return new(addKeyRequest) }, func(ctx context.Context, w *fuzzWorld, v any) error {
		_, err := w.svc.AddOwnKey(ctx, w.caller, v.(*addKeyRequest).input())
		return err
	}},
	{"add member", true, func() any { return new(addMemberRequest) }, func(ctx context.Context, w *fuzzWorld, v any) error {
		_, err := w.svc.AddMember(ctx, w.caller, v.(*addMemberRequest).input())
		return err
	}},
	{"member role", true, func() any { return new(roleRequest) }, func(ctx context.Context, w *fuzzWorld, v any) error {
		_, err := w.svc.SetMemberRole(ctx, w.caller, w.memberID, v.(*roleRequest).input())
		return err
	}},
	{"create service account", true, func() any { return new(createServiceAccountRequest) }, func(ctx context.Context, w *fuzzWorld, v any) error {
		_, err := w.svc.CreateServiceAccount(ctx, w.caller, v.(*createServiceAccountRequest).input())
		return err
	}},
	{"update service account", true, func() any { return new(updateServiceAccountRequest) }, func(ctx context.Context, w *fuzzWorld, v any) error {
		_, err := w.svc.UpdateServiceAccount(ctx, w.caller, w.saID, v.(*updateServiceAccountRequest).input())
		return err
	}},
	{"add service account key", true, func() any { return new(addKeyRequest) }, func(ctx context.Context, w *fuzzWorld, v any) error {
		_, err := w.svc.AddServiceAccountKey(ctx, w.caller, w.saID, v.(*addKeyRequest).input())
		return err
	}},
	{"create workspace", true, func() any { return new(createWorkspaceRequest) }, func(ctx context.Context, w *fuzzWorld, v any) error {
		_, err := w.svc.CreateWorkspace(ctx, v.(*createWorkspaceRequest).input())
		return err
	}},
	{"quotas", true, func() any { return new(quotasPatchRequest) }, func(ctx context.Context, w *fuzzWorld, v any) error {
		_, err := w.svc.SetQuotas(ctx, w.ws.Workspace.ID, v.(*quotasPatchRequest).input())
		return err
	}},
	{"import state", true, func() any { return new(stateDocument) }, func(ctx context.Context, w *fuzzWorld, v any) error {
		st, err := v.(*stateDocument).state()
		if err != nil {
			return err
		}
		return w.svc.ImportState(ctx, st)
	}},
	{"create resource", true, func() any { return new(createResourceRequest) }, func(ctx context.Context, w *fuzzWorld, v any) error {
		_, err := w.svc.CreateResource(ctx, w.ws.Workspace.ID, v.(*createResourceRequest).input())
		return err
	}},
	{"sdk create dataset", false, func() any { return new(createDatasetRequest) }, func(ctx context.Context, w *fuzzWorld, v any) error {
		_, err := w.svc.CreateDataset(ctx, w.principal, v.(*createDatasetRequest).input())
		return err
	}},
	{"sdk create ontology", false, func() any { return new(createOntologyRequest) }, func(ctx context.Context, w *fuzzWorld, v any) error {
		_, err := w.svc.CreateOntology(ctx, w.principal, v.(*createOntologyRequest).input())
		return err
	}},
	{"sdk create storage folder", false, func() any { return new(createStorageFolderRequest) }, func(ctx context.Context, w *fuzzWorld, v any) error {
		_, err := w.svc.CreateStorageFolder(ctx, w.principal, v.(*createStorageFolderRequest).input())
		return err
	}},
}

// requireClientError fails unless err is coded as the caller's fault.
func requireClientError(t *testing.T, what string, err error) {
	t.Helper()
	e := errs.From(err)
	if status := e.Code.HTTPStatus(); status >= 500 || e.Message == "" {
		t.Fatalf("%s: %s (HTTP %d) for bad input: %v", what, e.Code, status, err)
	}
}

// fuzzBodyLimit is the body limit of FuzzDecodeJSON: small, so that the
// fuzzer reaches the 413 path too.
const fuzzBodyLimit = 16 << 10

// FuzzDecodeJSON decodes arbitrary bytes as each request body type and
// applies what decodes to a fresh workspace.
func FuzzDecodeJSON(f *testing.F) {
	seeds := []struct {
		which int
		body  string
	}{
		{0, `{"email": "admin@acme.test"}`},
		{0, `{"email": "ADMIN@acme.test "}`},
		{1, `{"title": "laptop"}`},
		{1, `{"title": "laptop", "publicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGd5BZg3b7hGhQ0Ch7HkXqkYm1A0i2Cb6Zr3n8Hq0pOK x@y"}`},
		{1, `{"title": "t", "publicKey": "ssh-rsa AAAAB3NzaC1yc2E="}`},
		{2, `{"email": "carol@acme.test", "name": "Carol", "role": "admin"}`},
		{2, `{"email": "bob@acme.test", "name": "Bob"}`},
		{3, `{"role": "admin"}`},
		{3, `{"role": ""}`},
		{4, `{"name": "bot", "description": "CI"}`},
		{5, `{"role": "admin", "description": null}`},
		{6, `{"title": "ci"}`},
		{7, `{"name": "W", "admin": {"email": "w@w.test", "name": "W"}, "quotas": {"serviceAccounts": 3}}`},
		{8, `{"keysPerUser": 1000001}`},
		{8, `{"serviceAccounts": 9223372036854775807}`},
		{9, `{"version": 1, "workspaces": [], "members": [], "serviceAccounts": [], "keys": [], "tokens": [], "resources": []}`},
		{9, `{"version": 1, "workspaces": [{"id": "3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10", "name": "A"}]}`},
		{10, `{"kind": "project", "title": "p", "tags": ["a"], "sharedWith": [{"type": "user", "id": "3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10"}]}`},
		{11, `{"title": "d", "createBackingFolder": true}`},
		{12, `{"title": "o", "editor": {"objects": [], "classifications": null}}`},
		{13, `{"name": "f", "parent": "3F0C1E8A-6B1D-4C6E-9A51-2F4B8D7C9E10"}`},
		{0, ``}, {0, `[]`}, {0, `null`}, {0, `{} {}`}, {0, `{"email": 1}`}, {0, `{"email": "a@b.test", "x": 1}`},
		{0, `"` + strings.Repeat("x", fuzzBodyLimit) + `"`},
	}
	for _, s := range seeds {
		f.Add(uint8(s.which), []byte(s.body))
	}
	// A real export, for the fuzzer to mutate into almost valid states.
	w := newFuzzWorld(f)
	if _, err := w.svc.AddOwnKey(context.Background(), w.caller, accounts.AddKeyInput{Title: "laptop"}); err != nil {
		f.Fatal(err)
	}
	if _, err := w.svc.CreateDataset(context.Background(), w.principal, accounts.CreateDatasetInput{Title: "d", CreateBackingFolder: true}); err != nil {
		f.Fatal(err)
	}
	st, err := w.svc.ExportState(context.Background())
	if err != nil {
		f.Fatal(err)
	}
	export, _ := json.Marshal(stateDocumentOf(st))
	f.Add(uint8(9), export)
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		b := fuzzBodies[int(which)%len(fuzzBodies)]
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Body = http.MaxBytesReader(nil, r.Body, fuzzBodyLimit)
		v := b.new()
		mode := lenient
		if b.strict {
			mode = strict
		}
		if err := decodeBody(r, v, mode); err != nil {
			requireClientError(t, b.name+": decode", err)
			return
		}
		if err := b.apply(context.Background(), newFuzzWorld(t), v); err != nil {
			requireClientError(t, b.name+": apply", err)
		}
	})
}

// fuzzServer is a router over a fuzzWorld, with an SDK bearer token for its
// admin and resources to read. It is rebuilt now and then, so that what
// the fuzzer creates does not pile up.
type fuzzServer struct {
	handler      http.Handler
	world        *fuzzWorld
	bearer       string
	dataset      string
	requestsLeft int
}

func (s *fuzzServer) serve(t *testing.T, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	if s.requestsLeft <= 0 {
		*s = *newFuzzServer(t)
	}
	s.requestsLeft--
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, r)
	return rec
}

func newFuzzServer(t testing.TB) *fuzzServer {
	t.Helper()
	ctx := context.Background()
	w := newFuzzWorld(t)
	issued, err := w.svc.IssueBearerToken(ctx, w.principal)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := w.svc.CreateDataset(ctx, w.principal, accounts.CreateDatasetInput{Title: "Cats", CreateBackingFolder: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"Cats 100%", `Dogs_\`, "Birds"} {
		in := accounts.CreateResourceInput{Kind: store.KindProject, Title: title, Tags: []string{"a", title}}
		if _, err := w.svc.CreateResource(ctx, w.ws.Workspace.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	return &fuzzServer{
		handler:      NewHandler(Config{Accounts: w.svc}),
		world:        w,
		bearer:       issued.Token,
		dataset:      ds.ID,
		requestsLeft: 500,
	}
}

// FuzzV1Call posts arbitrary v1 RPC bodies, with arbitrary ResourceType and
// ResourceID headers, to /public and /public/user as an authenticated
// admin. The answer must be a v1 envelope whose status is the HTTP status,
// and never a 5xx but 501.
func FuzzV1Call(f *testing.F) {
	f.Add(false, "", "", []byte(`{"query_type": "projectwithuserrole", "query_method": "GET", "values": {"uid": null, "payload": {"filter": {}}}}`))
	f.Add(false, "", "", []byte(`{"query_type": "projectwithuserrole", "query_method": "GET", "values": {"uid": null, "payload": {"filter": {"title_like": "%cat_", "created_before": "2024-02-01 01:02:03 00:00", "include_org_access": true}}}}`))
	f.Add(false, "", "", []byte(`{"query_type": "projectwithuserrole", "query_method": "GET", "values": {"uid": null, "payload": {"filter": {"edited_after": "yesterday"}}}}`))
	f.Add(false, "", "", []byte(`{"query_type": "project", "query_method": "POST", "values": {"uid": null, "payload": {"title": "p", "description": "", "dataset_hashes": ["DATASET"]}}}`))
	f.Add(false, "", "", []byte(`{"query_type": "project", "query_method": "POST", "values": {"uid": null, "payload": null}}`))
	f.Add(false, "", "", []byte(`{"query_type": "labelrow", "query_method": "GET", "values": {"uid": "x", "payload": null}}`))
	f.Add(false, "", "", []byte(`{"query_type": "labelrow", "query_method": "GET", "values": {"uid": ["x", 1, {"y": null}], "payload": [true]}}`))
	f.Add(false, "", "", []byte(`{"query_type": "nonsense", "query_method": "GET"}`))
	f.Add(true, "dataset", "DATASET", []byte(`{"query_type": "dataset", "query_method": "GET", "values": {"uid": "DATASET", "payload": null}}`))
	f.Add(true, "project", "not-a-uuid", []byte(`{"query_type": "dataset", "query_method": "GET", "values": {"uid": null, "payload": null}}`))
	f.Add(true, "", "", []byte(`[1, 2`))
	f.Add(false, "", "", []byte(``))

	var srv *fuzzServer
	f.Fuzz(func(t *testing.T, scoped bool, resourceType, resourceID string, body []byte) {
		if srv == nil {
			srv = newFuzzServer(t)
		}
		// DATASET stands for the id of a dataset that exists.
		body = bytes.ReplaceAll(body, []byte("DATASET"), []byte(srv.dataset))
		resourceID = strings.ReplaceAll(resourceID, "DATASET", srv.dataset)
		path := "/public/user"
		if scoped {
			path = "/public"
		}
		r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json") // as the SDK sends
		r.Header.Set("Authorization", "Bearer "+srv.bearer)
		r.Header.Set("ResourceType", resourceType)
		r.Header.Set("ResourceID", resourceID)
		rec := srv.serve(t, r)
		var env struct {
			Status   *int            `json:"status"`
			Response json.RawMessage `json:"response"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Status == nil || *env.Status != rec.Code || env.Response == nil {
			t.Fatalf("HTTP %d answer is not a v1 envelope with that status: %s", rec.Code, rec.Body)
		}
		if rec.Code >= 500 && rec.Code != http.StatusNotImplemented {
			t.Fatalf("HTTP %d for a client's body: %s", rec.Code, rec.Body)
		}
	})
}

// fuzzListEndpoints are the list endpoints whose query parameters
// FuzzListQuery varies: SDK filters and paging, the management plane's
// paging, the journal's filters.
var fuzzListEndpoints = []string{
	"/v2/public/projects",
	"/v2/public/ontologies",
	"/v2/public/datasets/list",
	"/v2/public/storage/folders",
	"/v2/public/cloud-integrations",
	"/v2/public/user/current-organisation/groups",
	"/api/v1/workspace/members",
	"/api/v1/me/keys",
	"/_emulator/workspaces",
	"/_emulator/requests",
}

// FuzzListQuery sends arbitrary query strings to the list endpoints as an
// authenticated admin: a JSON answer, never a 5xx.
func FuzzListQuery(f *testing.F) {
	for i, q := range []string{
		"",
		"includeOrgAccess=True&titleLike=%25cat_&descLike=%5C%25&createdBefore=2030-01-01T00:00:00%2B00:00&pageSize=2",
		"titleEq=Birds&createdAfter=2020-01-01 00:00:00 00:00&editedBefore=2030-01-01&editedAfter=2020-01-01T00:00",
		"tagsAnyof=a&tagsAnyof=b&pageSize=1000&pageToken=AAAA",
		"search=cat&datasetSynced=false&isRecursive=True&order=createdAt&desc=true&pageSize=1",
		"order=size&pageSize=0",
		"filterIntegrationUuids=3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10&filterIntegrationTitles=x",
		"pageSize=1&pageToken=MQ",
		"pageToken=%FF%FE",
		"traceId=abc&keyId=00&outcome=denied&limit=1000",
		"limit=-1",
		"includeOrgAccess=maybe",
		"a=%zz;b",
	} {
		f.Add(uint8(i), q)
	}
	var srv *fuzzServer
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		if srv == nil {
			srv = newFuzzServer(t)
		}
		path := fuzzListEndpoints[int(which)%len(fuzzListEndpoints)]
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.URL.RawQuery = query
		r.RequestURI = path + "?" + query
		if strings.HasPrefix(path, "/v2/") {
			r.Header.Set("Authorization", "Bearer "+srv.bearer)
		} else {
			r.Header.Set("Authorization", "Bearer "+srv.world.ws.Session.Token)
		}
		rec := srv.serve(t, r)
		if rec.Code >= 500 {
			t.Fatalf("GET %s?%s: HTTP %d: %s", path, query, rec.Code, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("GET %s?%s: HTTP %d answer is not JSON: %s", path, query, rec.Code, rec.Body)
		}
	})
}
