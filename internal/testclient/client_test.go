package testclient_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/pkg/server"
)

// received is what a fake server saw of one request.
type received struct {
	method, path, body string
	header             http.Header
}

// fakeServer answers every request with status and body (as JSON) and
// passes what it received on got.
func fakeServer(t *testing.T, status int, body string) (*httptest.Server, chan received) {
	got := make(chan received, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- received{r.Method, r.URL.RequestURI(), string(b), r.Header.Clone()}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func TestDo(t *testing.T) {
	srv, got := fakeServer(t, http.StatusConflict, `{"error": {"code": "ALREADY_EXISTS_ERROR", "message": "taken", "details": {}}, "items": [{"id": "a"}, {"id": "b"}]}`)
	var checked atomic.Int32
	c := testclient.New(srv.URL, testclient.Options{Check: func(req *http.Request, status int, _ http.Header, body []byte) {
		if req.URL.Path == "/x" && status == http.StatusConflict && len(body) > 0 {
			checked.Add(1)
		}
	}})
	defer c.Close()

	r := c.Do(context.Background(), "POST", "/x", "tok", map[string]any{"a": 1}, "X-Extra", "yes")
	req := <-got
	if req.method != "POST" || req.body != `{"a":1}` || req.header.Get("Authorization") != "Bearer tok" ||
		req.header.Get("Content-Type") != "application/json" || req.header.Get("X-Extra") != "yes" {
		t.Errorf("server received %+v", req)
	}
	if r.Err != nil || r.Code() != "ALREADY_EXISTS_ERROR" || r.Message() != "taken" || len(r.Items()) != 2 || r.Items()[1]["id"] != "b" {
		t.Errorf("decoded %+v", r)
	}
	if err := r.Want(http.StatusConflict); err != nil {
		t.Error(err)
	}
	if err := r.Want(http.StatusOK); err == nil || !strings.Contains(err.Error(), "ALREADY_EXISTS_ERROR") {
		t.Errorf("Want(200) of a 409 = %v, want an error showing the answer", err)
	}
	if err := r.WantError(http.StatusConflict, "NOT_FOUND_ERROR"); err == nil {
		t.Error("WantError accepted another code")
	}

	c.Do(context.Background(), "GET", "/x", "", nil)
	if req := <-got; req.body != "" || req.header.Get("Content-Type") != "" || req.header.Get("Authorization") != "" {
		t.Errorf("a request without body or token sent %+v", req)
	}
	c.Do(context.Background(), "POST", "/x", "", `{"raw": `)
	if req := <-got; req.body != `{"raw": ` {
		t.Errorf("a string body was sent as %q", req.body)
	}
	if checked.Load() != 3 {
		t.Errorf("Check saw %d answers, want 3", checked.Load())
	}
}

func TestAnswersWithoutAUsableBody(t *testing.T) {
	srv, _ := fakeServer(t, http.StatusOK, `[1, 2]`)
	c := testclient.New(srv.URL, testclient.Options{})
	defer c.Close()
	if r := c.Do(context.Background(), "GET", "/", "", nil); r.Err == nil || r.Status != http.StatusOK {
		t.Errorf("a JSON answer that is not an object: %+v, want Err set", r)
	}
	srv.Close()
	r := c.Do(context.Background(), "GET", "/", "", nil)
	if r.Err == nil || r.Status != 0 || !strings.HasPrefix(r.String(), "no answer: ") {
		t.Errorf("a server that is gone: %+v (%s)", r, r)
	}
	if err := r.Want(http.StatusOK); err == nil {
		t.Error("Want accepted a missing answer")
	}
}

// TestCheckSeesTheRequestAnswered: after a redirect, Check gets the request
// the answer is for; a HEAD answer has no body to decode.
func TestCheckSeesTheRequestAnswered(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new", http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if r.Method != http.MethodHead {
			io.WriteString(w, `{"at": "new"}`)
		}
	}))
	defer srv.Close()
	var checked []string
	c := testclient.New(srv.URL, testclient.Options{Check: func(req *http.Request, status int, _ http.Header, _ []byte) {
		checked = append(checked, req.Method+" "+req.URL.Path)
	}})
	defer c.Close()
	if r := c.Do(context.Background(), "GET", "/old", "", nil); r.Err != nil || r.Str("at") != "new" {
		t.Errorf("GET /old: %+v", r)
	}
	if r := c.Do(context.Background(), "HEAD", "/new", "", nil); r.Err != nil || r.Status != http.StatusOK || r.JSON != nil {
		t.Errorf("HEAD /new: %+v, want 200 without error or JSON", r)
	}
	if want := []string{"GET /new", "HEAD /new"}; !slices.Equal(checked, want) {
		t.Errorf("Check saw %q, want %q", checked, want)
	}
}

// TestAgainstTheEmulator runs the helpers against a real server: a
// workspace, a member who logs in, a service account, keys generated for
// both, and SDK calls signed with them, with a bearer token, and unsigned.
func TestAgainstTheEmulator(t *testing.T) {
	srv, err := server.Start(context.Background(), server.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := testclient.New(srv.URL(), testclient.Options{})
	defer c.Close()
	ctx := context.Background()

	ws := c.NewWorkspace(t, "Acme", "admin@acme.test", map[string]int{"serviceAccounts": 2})
	if ws.ID == "" || ws.AdminID == "" || ws.AdminToken == "" {
		t.Fatalf("workspace %+v", ws)
	}
	memberID := c.AddMember(t, ws, "bob@acme.test", "member")
	session := c.Login(t, "bob@acme.test")
	members := c.Must(t, http.StatusOK, "GET", "/api/v1/workspace/members", ws.AdminToken, nil)
	if len(members.Items()) != 2 || memberID == "" {
		t.Fatalf("members %s, added %q", members, memberID)
	}
	sa := c.NewServiceAccount(t, ws, "bot")
	c.NewServiceAccount(t, ws, "second bot") // the raised quota allows it

	for _, key := range []testclient.Key{
		c.GenerateKey(t, session, testclient.MyKeys, "laptop"),
		c.GenerateKey(t, ws.AdminToken, testclient.ServiceAccountKeys(sa), "ci"),
	} {
		if key.ID == "" || len(key.PublicKeyHex) != 64 || key.Signer.KeyID() != key.PublicKeyHex {
			t.Fatalf("generated key %+v", key)
		}
		v2 := c.SDK(ctx, testclient.SDKRequest{Signer: key.Signer, Target: testclient.BearerTokenPath})
		if err := v2.Want(http.StatusOK); err != nil || v2.Str("token") == "" {
			t.Fatalf("v2 signed: %v", err)
		}
		v1 := c.SDK(ctx, testclient.SDKRequest{Signer: key.Signer, Method: "POST", Target: "/public/user",
			Body: `{"query_type": "projectwithuserrole", "query_method": "GET", "values": {"uid": null, "payload": {"filter": {}}}}`})
		if v1.Status != http.StatusOK || v1.JSON["status"] != float64(200) {
			t.Fatalf("v1 signed: %s", v1)
		}
		groups := c.SDK(ctx, testclient.SDKRequest{Bearer: v2.Str("token"), Target: "/v2/public/user/current-organisation/groups"})
		if groups.Status != http.StatusOK {
			t.Fatalf("with the bearer token: %s", groups)
		}
	}
	if r := c.SDK(ctx, testclient.SDKRequest{Target: testclient.BearerTokenPath}); r.Status != http.StatusUnauthorized {
		t.Fatalf("unsigned: %s", r)
	}
	if r := c.Do(ctx, "POST", testclient.MyKeys, session, map[string]any{"title": "up", "publicKey": testclient.NewPublicKeyLine(t)}); r.Status != http.StatusCreated {
		t.Fatalf("uploading NewPublicKeyLine: %s", r)
	}
}

func TestRace(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusCreated)
			return
		}
		w.WriteHeader(http.StatusConflict)
	}))
	defer srv.Close()
	a, b := testclient.New(srv.URL, testclient.Options{}), testclient.New(srv.URL, testclient.Options{})
	var onA atomic.Int32
	counts := testclient.Race(t, 20, []*testclient.Client{a, b}, func(i int, c *testclient.Client) testclient.Response {
		if c == a {
			onA.Add(1)
		}
		return c.Do(context.Background(), "POST", "/", "", nil)
	})
	if counts[http.StatusCreated] != 1 || counts[http.StatusConflict] != 19 || onA.Load() != 10 {
		t.Fatalf("counts %v, %d calls on the first client; want 1 created, 19 conflicts, 10 on each client", counts, onA.Load())
	}
}
