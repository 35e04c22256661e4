package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
	"github.com/encord-emulator/encord-emulator/pkg/server"
)

// The emulator in a test: a workspace made through the control plane, a key
// pair generated through the management plane as Encord's web UI does, and
// an SDK request signed with it exactly as the Encord SDK signs it.
func Example() {
	srv, err := server.Start(context.Background(), server.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	// One call makes a workspace, its first admin, and the admin's session.
	var workspace struct {
		Session struct{ Token string }
	}
	postJSON(srv.URL()+"/_emulator/workspaces", "", `{"name": "Acme", "admin": {"email": "ada@acme.test", "name": "Ada"}}`, &workspace)

	// The admin generates a key pair; its private key is returned once.
	var key struct{ PrivateKey string }
	postJSON(srv.URL()+"/api/v1/me/keys", workspace.Session.Token, `{"title": "laptop"}`, &key)
	privateKey, err := encordsign.ParsePrivateKey([]byte(key.PrivateKey))
	if err != nil {
		log.Fatal(err)
	}

	// The SDK signs its requests with that key.
	req, err := http.NewRequest(http.MethodGet, srv.URL()+"/v2/public/user/bearer-token", nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := encordsign.New(privateKey).SignRequest(req, nil, time.Now()); err != nil {
		log.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println("SDK bearer token:", resp.Status)

	// Output:
	// POST /_emulator/workspaces: 201 Created
	// POST /api/v1/me/keys: 201 Created
	// SDK bearer token: 200 OK
}

// postJSON posts body with a bearer session (when given), prints the
// status, and decodes the answer into out.
func postJSON(url, session, body string, out any) {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if session != "" {
		req.Header.Set("Authorization", "Bearer "+session)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	fmt.Printf("POST %s: %s\n", req.URL.Path, resp.Status)
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		log.Fatal(err)
	}
}

// A fault rule rate-limits the first SDK request of a test, as Encord
// would; the next one is served. Then the clock is frozen a year ahead,
// and the same signed request falls outside the signature window.
func ExampleServer_AddFault() {
	ctx := context.Background()
	srv, err := server.Start(ctx, server.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	var workspace struct {
		Session struct{ Token string }
	}
	postJSON(srv.URL()+"/_emulator/workspaces", "", `{"name": "Acme", "admin": {"email": "ada@acme.test", "name": "Ada"}}`, &workspace)
	var key struct{ PrivateKey string }
	postJSON(srv.URL()+"/api/v1/me/keys", workspace.Session.Token, `{"title": "laptop"}`, &key)
	privateKey, err := encordsign.ParsePrivateKey([]byte(key.PrivateKey))
	if err != nil {
		log.Fatal(err)
	}
	signer := encordsign.New(privateKey)
	getBearerToken := func() {
		req, err := http.NewRequest(http.MethodGet, srv.URL()+"/v2/public/user/bearer-token", nil)
		if err != nil {
			log.Fatal(err)
		}
		if err := signer.SignRequest(req, nil, time.Now()); err != nil {
			log.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println(strings.TrimSpace("SDK bearer token: " + resp.Status + " " + resp.Header.Get("Retry-After")))
	}

	rule, err := srv.AddFault(ctx, server.FaultRule{
		ID:     "rate-limit",
		Match:  server.FaultMatch{Path: "/v2/public/user/bearer-token"},
		Action: server.FaultAction{Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second},
		Fire:   server.FaultFire{Times: 1},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("rule", rule.ID, "on plane", rule.Match.Plane)
	getBearerToken() // rate-limited: the SDK retries after 2 s
	getBearerToken() // served

	if err := srv.FreezeClock(ctx, time.Now().AddDate(1, 0, 0)); err != nil {
		log.Fatal(err)
	}
	getBearerToken() // signed a year before the emulator's now
	if err := srv.ResetClock(ctx); err != nil {
		log.Fatal(err)
	}
	getBearerToken()

	// Output:
	// POST /_emulator/workspaces: 201 Created
	// POST /api/v1/me/keys: 201 Created
	// rule rate-limit on plane sdk
	// SDK bearer token: 429 Too Many Requests 2
	// SDK bearer token: 200 OK
	// SDK bearer token: 401 Unauthorized
	// SDK bearer token: 200 OK
}
