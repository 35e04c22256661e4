package api_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// Bodies exactly as the SDK serialises them (Python json.dumps separators).
const (
	v1GetProjects = `{"query_type": "projectwithuserrole", "query_method": "GET", "values": {"uid": null, "payload": {"filter": {}}}}`
	// A v1 call the emulator does not emulate: once authenticated it answers
	// 501, so its status tells authentication apart from everything else.
	v1NotEmulated = `{"query_type": "labelrow", "query_method": "GET", "values": {"uid": "x", "payload": null}}`
	v2BearerPath  = "/v2/public/user/bearer-token"
)

// sdkRequest is one SDK-plane call (testclient.SDKRequest); tamper runs
// after signing.
type sdkRequest struct {
	method, target string
	body           string
	header         http.Header
	now            time.Time
	bearer         string
	tamper         func(r *http.Request)
	traceID        string
}

// sdk sends a request signed with s as the SDK would (v1 for /public*,
// v2 otherwise), or with a bearer token, or unsigned when s is nil.
func (c *client) sdk(s *encordsign.Signer, req sdkRequest) response {
	c.t.Helper()
	return c.answer(c.SDK(context.Background(), testclient.SDKRequest{
		Method: req.method, Target: req.target, Body: req.body, Header: req.header, Signer: s,
		Bearer: req.bearer, Now: req.now, TraceID: req.traceID, Tamper: req.tamper,
	}))
}

func v1(body string) sdkRequest {
	return sdkRequest{method: "POST", target: "/public/user", body: body}
}

// newSigner generates a key pair through the management plane at path
// (a member's /api/v1/me/keys or a service account's keys) and returns a
// signer over the returned private key, and the key's id.
func (c *client) newSigner(token, path string) (*encordsign.Signer, string) {
	c.t.Helper()
	key := c.GenerateKey(c.t, token, path, "sdk")
	return key.Signer, key.ID
}

func unregisteredSigner(t *testing.T) *encordsign.Signer {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return encordsign.New(priv)
}

// wantV2 checks a v2 error: the status and a message mentioning text.
func wantV2(t *testing.T, r response, status int, mentions string) {
	t.Helper()
	msg, _ := r.JSON["message"].(string)
	if r.Status != status || !strings.Contains(msg, mentions) {
		t.Fatalf("got %s, want %d with a message mentioning %q", r, status, mentions)
	}
}

// wantV1 checks a v1 error envelope: HTTP status, {"status": N,
// "response": [code], "payload": message mentioning text}.
func wantV1(t *testing.T, r response, status int, code, mentions string) {
	t.Helper()
	st, _ := r.JSON["status"].(float64)
	resp, _ := r.JSON["response"].([]any)
	payload, _ := r.JSON["payload"].(string)
	if r.Status != status || int(st) != status || len(resp) != 1 || resp[0] != code || !strings.Contains(payload, mentions) {
		t.Fatalf("got %s, want HTTP %d envelope {status: %d, response: [%s]} mentioning %q", r, status, status, code, mentions)
	}
}

func TestSDKAuthentication(t *testing.T) {
	onEachStore(t, func(t *testing.T, c *client, ws workspace) {
		admin, _ := c.newSigner(ws.AdminToken, "/api/v1/me/keys")

		t.Run("valid v1 and v2 signatures authenticate", func(t *testing.T) {
			wantV1(t, c.sdk(admin, v1(v1NotEmulated)), 501, "NOT_IMPLEMENTED_ERROR", `"labelrow"`)
			r := c.sdk(admin, sdkRequest{target: v2BearerPath})
			if r.Status != 200 || !strings.HasPrefix(r.str("token"), "emu-") {
				t.Fatalf("bearer token: %s", r)
			}
		})

		t.Run("no credentials", func(t *testing.T) {
			wantV2(t, c.sdk(nil, sdkRequest{target: v2BearerPath}), 401, "")
			wantV1(t, c.sdk(nil, v1(v1GetProjects)), 401, "AUTHENTICATION_ERROR", "")
		})

		t.Run("malformed headers", func(t *testing.T) {
			wantV1(t, c.sdk(nil, sdkRequest{method: "POST", target: "/public/user", body: v1GetProjects, tamper: func(r *http.Request) {
				r.Header.Set("Authorization", "Signature abc")
			}}), 401, "AUTHENTICATION_ERROR", "")
			wantV2(t, c.sdk(admin, sdkRequest{target: v2BearerPath, tamper: func(r *http.Request) {
				r.Header.Set("Signature-Input", strings.Replace(r.Header.Get("Signature-Input"), "encord-sig=", "other=", 1))
			}}), 401, "")
		})

		t.Run("bad signature", func(t *testing.T) {
			wantV1(t, c.sdk(admin, sdkRequest{method: "POST", target: "/public/user", body: v1GetProjects, tamper: func(r *http.Request) {
				// Signed by another key, claimed by the admin's key id.
				other := unregisteredSigner(t).SignV1([]byte(v1GetProjects))
				r.Header.Set("Authorization", admin.KeyID()+other[64:])
			}}), 401, "AUTHENTICATION_ERROR", "")
			wantV2(t, c.sdk(admin, sdkRequest{target: v2BearerPath, tamper: func(r *http.Request) {
				r.URL.RawQuery = "x=1" // the signed target no longer matches
			}}), 401, "")
		})

		t.Run("content digest mismatch", func(t *testing.T) {
			wantV2(t, c.sdk(admin, sdkRequest{method: "POST", target: "/v2/public/datasets", body: `{"title": "a"}`, tamper: func(r *http.Request) {
				r.Body = ioNopCloser(`{"title": "b"}`)
			}}), 401, "Content-Digest")
		})

		t.Run("created outside the window", func(t *testing.T) {
			wantV2(t, c.sdk(admin, sdkRequest{target: v2BearerPath, now: time.Now().Add(-20 * time.Minute)}), 401, "in the past")
			wantV2(t, c.sdk(admin, sdkRequest{target: v2BearerPath, now: time.Now().Add(5 * time.Minute)}), 401, "in the future")
		})

		t.Run("unknown key", func(t *testing.T) {
			stranger := unregisteredSigner(t)
			wantV2(t, c.sdk(stranger, sdkRequest{target: v2BearerPath}), 401, "The used SSH key does not exist on the Encord platform.")
			wantV1(t, c.sdk(stranger, v1(v1GetProjects)), 400, "SSH_KEY_NOT_FOUND_ERROR", "does not exist")
		})

		t.Run("revoked key", func(t *testing.T) {
			s, keyID := c.newSigner(ws.AdminToken, "/api/v1/me/keys")
			c.must(204, "DELETE", "/api/v1/me/keys/"+keyID, ws.AdminToken, nil)
			wantV2(t, c.sdk(s, sdkRequest{target: v2BearerPath}), 401, "revoked")
			wantV1(t, c.sdk(s, v1(v1GetProjects)), 401, "AUTHENTICATION_ERROR", "revoked")
		})

		t.Run("removed member", func(t *testing.T) {
			id, token := c.addMember(ws, "leaver@acme.test", store.RoleMember)
			s, _ := c.newSigner(token, "/api/v1/me/keys")
			bearer := c.sdk(s, sdkRequest{target: v2BearerPath}).str("token")
			c.must(204, "DELETE", "/api/v1/workspace/members/"+id, ws.AdminToken, nil)
			wantV2(t, c.sdk(s, sdkRequest{target: v2BearerPath}), 401, "removed from the workspace")
			wantV1(t, c.sdk(s, v1(v1GetProjects)), 401, "AUTHENTICATION_ERROR", "removed from the workspace")
			// Its bearer tokens die with it.
			wantV2(t, c.sdk(nil, sdkRequest{target: v2BearerPath, bearer: bearer}), 401, "unknown")
		})

		t.Run("deleted service account", func(t *testing.T) {
			c.must(200, "PATCH", "/_emulator/workspaces/"+ws.ID+"/quotas", "", map[string]any{"serviceAccounts": 10})
			sa := c.newServiceAccount(ws, "doomed")
			s, _ := c.newSigner(ws.AdminToken, "/api/v1/workspace/service-accounts/"+sa+"/keys")
			r := c.sdk(s, sdkRequest{target: v2BearerPath})
			if r.Status != 200 {
				t.Fatalf("service account key before deletion: %s", r)
			}
			c.must(204, "DELETE", "/api/v1/workspace/service-accounts/"+sa, ws.AdminToken, nil)
			wantV2(t, c.sdk(s, sdkRequest{target: v2BearerPath}), 401, "service account")
			wantV1(t, c.sdk(s, v1(v1GetProjects)), 401, "AUTHENTICATION_ERROR", "deleted")
		})

		t.Run("bearer tokens work on both families", func(t *testing.T) {
			token := c.sdk(admin, sdkRequest{target: v2BearerPath}).str("token")
			if r := c.sdk(nil, sdkRequest{target: "/v2/public/projects", bearer: token}); r.Status != 200 {
				t.Fatalf("v2 with bearer: %s", r)
			}
			// Only a key signature mints a bearer token: a bearer cannot
			// renew itself past its key.
			wantV2(t, c.sdk(nil, sdkRequest{target: v2BearerPath, bearer: token}), 401, "a bearer token cannot mint another bearer token")
			wantV1(t, c.sdk(nil, sdkRequest{method: "POST", target: "/public/user", body: v1NotEmulated, bearer: token}), 501, "NOT_IMPLEMENTED_ERROR", "labelrow")
			wantV2(t, c.sdk(nil, sdkRequest{target: v2BearerPath, bearer: "emu-forged"}), 401, "unknown")
			// A management session is not an SDK bearer token.
			wantV2(t, c.sdk(nil, sdkRequest{target: v2BearerPath, bearer: ws.AdminToken}), 401, "session token")
		})

		t.Run("v2 endpoints not emulated answer 501 naming themselves", func(t *testing.T) {
			wantV2(t, c.sdk(admin, sdkRequest{target: "/v2/public/analytics/time-spent?pageSize=10"}), 501, "GET /v2/public/analytics/time-spent is an Encord SDK endpoint the emulator does not emulate")
			wantV2(t, c.sdk(admin, sdkRequest{target: "/v2/public/no/such/endpoint"}), 404, "not an endpoint")
			// Authentication comes first.
			wantV2(t, c.sdk(nil, sdkRequest{target: "/v2/public/analytics/time-spent"}), 401, "")
		})

		t.Run("v1 with a domain given with a trailing slash", func(t *testing.T) {
			wantV1(t, c.sdk(admin, sdkRequest{method: "POST", target: "//public/user", body: v1NotEmulated}), 501, "NOT_IMPLEMENTED_ERROR", "labelrow")
		})

		t.Run("journal says why", func(t *testing.T) {
			trace := "0123456789abcdef0123456789abcdef"
			c.sdk(admin, sdkRequest{target: v2BearerPath, traceID: trace, tamper: func(r *http.Request) { r.URL.RawQuery = "tampered=1" }})
			items := c.must(200, "GET", "/_emulator/requests?traceId="+trace, "", nil).JSON["items"].([]any)
			if len(items) != 1 {
				t.Fatalf("journal has %d entries for the trace, want 1", len(items))
			}
			e := items[0].(map[string]any)
			if e["outcome"] != "denied" || e["reason"] != "bad_signature" || e["keyId"] != admin.KeyID() ||
				!strings.Contains(e["signatureBase"].(string), `"@request-target": /v2/public/user/bearer-token?tampered=1`) {
				t.Fatalf("journal entry %v", e)
			}
			raw := string(c.must(200, "GET", "/_emulator/requests", "", nil).Raw)
			if strings.Contains(raw, "emu-") {
				t.Fatal("the journal shows a bearer token")
			}
		})

		t.Run("whoami", func(t *testing.T) {
			r := c.sdk(admin, sdkRequest{target: "/_emulator/whoami"})
			p, _ := r.JSON["principal"].(map[string]any)
			if r.Status != 200 || p["email"] != "admin@acme.test" || p["role"] != "admin" {
				t.Fatalf("whoami: %s", r)
			}
			r = c.sdk(unregisteredSigner(t), sdkRequest{target: "/_emulator/whoami"})
			if r.Status != 401 || r.str("reason") != "unknown_key" {
				t.Fatalf("whoami with an unknown key: %s", r)
			}
		})
	})
}

// outageStore is a store whose reads can be made to fail as an unreachable
// database would.
type outageStore struct {
	store.Store
	down atomic.Bool
}

func (s *outageStore) ResolveKey(ctx context.Context, hex string) (store.KeyResolution, error) {
	if s.down.Load() {
		return store.KeyResolution{}, fmt.Errorf("dial tcp: connection refused: %w", store.ErrUnavailable)
	}
	return s.Store.ResolveKey(ctx, hex)
}

func (s *outageStore) View(ctx context.Context, fn func(store.Tx) error) error {
	if s.down.Load() {
		return fmt.Errorf("dial tcp: connection refused: %w", store.ErrUnavailable)
	}
	return s.Store.View(ctx, fn)
}

func (s *outageStore) Tx(ctx context.Context, fn func(store.Tx) error) error {
	if s.down.Load() {
		return fmt.Errorf("dial tcp: connection refused: %w", store.ErrUnavailable)
	}
	return s.Store.Tx(ctx, fn)
}

func TestStoreOutageIsServiceUnavailableNeverAuthenticationFailure(t *testing.T) {
	st := &outageStore{Store: memory.New()}
	c, _ := startServer(t, st, api.Config{})
	ws := c.newWorkspace("Acme", "admin@acme.test")
	s, _ := c.newSigner(ws.AdminToken, "/api/v1/me/keys")
	st.down.Store(true)
	wantV2(t, c.sdk(s, sdkRequest{target: v2BearerPath}), 503, "unavailable")
	wantV1(t, c.sdk(s, v1(v1GetProjects)), 503, "SERVICE_UNAVAILABLE_ERROR", "unavailable")
	r := c.do("POST", "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": "x"})
	if r.Status != 503 || r.code() != "SERVICE_UNAVAILABLE_ERROR" {
		t.Fatalf("management plane write during an outage: %s", r)
	}
	if r := c.do("GET", "/api/v1/workspace/members", ws.AdminToken, nil); r.Status != 503 || r.code() != "SERVICE_UNAVAILABLE_ERROR" {
		t.Fatalf("management plane read during an outage: %s", r)
	}
	if r := c.do("GET", "/_emulator/readyz", "", nil); r.Status != 200 {
		// memory Ping is always fine: the outage store only fails reads.
		t.Fatalf("readyz: %s", r)
	}
	st.down.Store(false)
	if r := c.sdk(s, sdkRequest{target: v2BearerPath}); r.Status != 200 {
		t.Fatalf("after the outage: %s", r)
	}
}

// TestRemovalDuringUse removes a member while SDK requests signed with its
// key stream in (through a second server on the same state): no request
// sent after the removal answered may succeed.
func TestRemovalDuringUse(t *testing.T) {
	for _, pair := range replicaPairs() {
		t.Run(pair.name, func(t *testing.T) {
			s := pair.start(t)
			ws := s[0].newWorkspace("Acme", "admin@acme.test")
			id, token := s[0].addMember(ws, "leaver@acme.test", store.RoleMember)
			signer, _ := s[0].newSigner(token, "/api/v1/me/keys")

			var (
				removedAt  atomic.Int64 // unix nanos when the removal answered
				violations atomic.Int64
				successes  atomic.Int64
				wg         sync.WaitGroup
				stop       = make(chan struct{})
			)
			for w := 0; w < 4; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						sent := time.Now().UnixNano()
						var r response
						if w%2 == 0 {
							r = s[1].sdk(signer, sdkRequest{target: v2BearerPath})
						} else {
							r = s[1].sdk(signer, v1(v1NotEmulated))
						}
						ok := r.Status == 200 || r.Status == 501
						if ok {
							successes.Add(1)
						}
						if at := removedAt.Load(); ok && at != 0 && sent > at {
							violations.Add(1)
						}
						if r.Status >= 500 && r.Status != 501 {
							t.Errorf("server error during removal: %s", r)
						}
					}
				}()
			}
			time.Sleep(150 * time.Millisecond)
			s[0].must(204, "DELETE", "/api/v1/workspace/members/"+id, ws.AdminToken, nil)
			removedAt.Store(time.Now().UnixNano())
			time.Sleep(300 * time.Millisecond)
			close(stop)
			wg.Wait()
			if successes.Load() == 0 {
				t.Fatal("no request succeeded before the removal: the test proved nothing")
			}
			if v := violations.Load(); v > 0 {
				t.Fatalf("%d requests sent after the removal answered succeeded", v)
			}
		})
	}
}
