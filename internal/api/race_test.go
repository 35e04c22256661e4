package api_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

const racers = 50

// replicaPairs returns, per backend, two servers that share one state: for
// memory, two routers over one store; for Postgres, two routers over two
// independent pools on one schema, as two replicas would be.
func replicaPairs() []struct {
	name  string
	start func(t *testing.T) [2]*client
} {
	return []struct {
		name  string
		start func(t *testing.T) [2]*client
	}{
		{"memory", func(t *testing.T) [2]*client {
			st := memory.New()
			a, _ := startServer(t, st, api.Config{})
			b, _ := startServer(t, st, api.Config{})
			return [2]*client{a, b}
		}},
		{"postgres", func(t *testing.T) [2]*client {
			db := testenv.NewPostgresDB(t)
			a, _ := startServer(t, db.Open(t), api.Config{})
			b, _ := startServer(t, db.Open(t), api.Config{})
			return [2]*client{a, b}
		}},
	}
}

// race runs fn(i, server) for i in 0..racers-1 concurrently, alternating
// servers, and returns how many answered each status.
func race(t *testing.T, servers [2]*client, fn func(i int, c *client) response) map[int]int {
	t.Helper()
	return testclient.Race(t, racers, []*testclient.Client{servers[0].Client, servers[1].Client}, func(i int, _ *testclient.Client) testclient.Response {
		return fn(i, servers[i%2]).Response
	})
}

func TestRaces(t *testing.T) {
	for _, pair := range replicaPairs() {
		t.Run(pair.name, func(t *testing.T) {
			t.Run("service-account quota", func(t *testing.T) {
				s := pair.start(t)
				ws := s[0].newWorkspace("Acme", "admin@acme.test")
				s[0].must(200, "PATCH", "/_emulator/workspaces/"+ws.ID+"/quotas", "", map[string]any{"serviceAccounts": 3})
				counts := race(t, s, func(i int, c *client) response {
					return c.do("POST", "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": fmt.Sprintf("bot-%d", i)})
				})
				if counts[201] != 3 || counts[409] != racers-3 {
					t.Fatalf("statuses %v, want exactly 3 created and %d refused", counts, racers-3)
				}
				if n := len(s[1].must(200, "GET", "/api/v1/workspace/service-accounts", ws.AdminToken, nil).items()); n != 3 {
					t.Fatalf("%d service accounts listed, want 3", n)
				}
			})

			t.Run("key quota", func(t *testing.T) {
				s := pair.start(t)
				ws := s[0].newWorkspace("Acme", "admin@acme.test")
				sa := s[0].newServiceAccount(ws, "bot")
				path := "/api/v1/workspace/service-accounts/" + sa + "/keys"
				counts := race(t, s, func(i int, c *client) response {
					return c.do("POST", path, ws.AdminToken, map[string]any{"title": fmt.Sprintf("k%d", i)})
				})
				if counts[201] != 5 || counts[409] != racers-5 {
					t.Fatalf("statuses %v, want exactly 5 created", counts)
				}
				if n := len(s[1].must(200, "GET", path, ws.AdminToken, nil).items()); n != 5 {
					t.Fatalf("%d keys listed, want 5", n)
				}
			})

			t.Run("key creation racing the member's removal", func(t *testing.T) {
				s := pair.start(t)
				ws := s[0].newWorkspace("Acme", "admin@acme.test")
				s[0].must(200, "PATCH", "/_emulator/workspaces/"+ws.ID+"/quotas", "", map[string]any{"keysPerUser": racers * 5})
				memberID, token := s[0].addMember(ws, "ada@acme.test", store.RoleMember)
				counts := raceOwnerRemoval(t, s, func(c *client) response {
					return c.do("DELETE", "/api/v1/workspace/members/"+memberID, ws.AdminToken, nil)
				}, func(c *client, publicKey string) response {
					return c.do("POST", "/api/v1/me/keys", token, map[string]any{"title": "laptop", "publicKey": publicKey})
				})
				if counts[204] != 1 || counts[201]+counts[401] != racers-1 {
					t.Fatalf("statuses %v, want the removal's 204 and every creation 201 or 401 (its session ended)", counts)
				}
				wantNoActiveKey(t, s[1], memberID)
			})

			t.Run("key creation racing the service account's deletion", func(t *testing.T) {
				s := pair.start(t)
				ws := s[0].newWorkspace("Acme", "admin@acme.test")
				s[0].must(200, "PATCH", "/_emulator/workspaces/"+ws.ID+"/quotas", "", map[string]any{"keysPerServiceAccount": racers * 5})
				sa := s[0].newServiceAccount(ws, "bot")
				counts := raceOwnerRemoval(t, s, func(c *client) response {
					return c.do("DELETE", "/api/v1/workspace/service-accounts/"+sa, ws.AdminToken, nil)
				}, func(c *client, publicKey string) response {
					return c.do("POST", "/api/v1/workspace/service-accounts/"+sa+"/keys", ws.AdminToken, map[string]any{"title": "ci", "publicKey": publicKey})
				})
				if counts[204] != 1 || counts[201]+counts[404] != racers-1 {
					t.Fatalf("statuses %v, want the deletion's 204 and every creation 201 or 404 (the account is gone)", counts)
				}
				wantNoActiveKey(t, s[1], sa)
			})

			t.Run("same public key from many users", func(t *testing.T) {
				s := pair.start(t)
				tokens := make([]string, racers)
				for i := range racers {
					// Users spread over several workspaces: uniqueness is installation-wide.
					ws := s[0].newWorkspace(fmt.Sprintf("W%d", i), fmt.Sprintf("admin%d@w.test", i))
					tokens[i] = ws.AdminToken
				}
				line := newPublicKey(t)
				counts := race(t, s, func(i int, c *client) response {
					return c.do("POST", "/api/v1/me/keys", tokens[i], map[string]any{"title": "shared", "publicKey": line})
				})
				if counts[201] != 1 || counts[409] != racers-1 {
					t.Fatalf("statuses %v, want exactly 1 created", counts)
				}
			})

			t.Run("same email in many workspaces", func(t *testing.T) {
				s := pair.start(t)
				admins := make([]string, racers)
				for i := range racers {
					admins[i] = s[0].newWorkspace(fmt.Sprintf("W%d", i), fmt.Sprintf("admin%d@w.test", i)).AdminToken
				}
				counts := race(t, s, func(i int, c *client) response {
					return c.do("POST", "/api/v1/workspace/members", admins[i], map[string]any{"email": "roamer@x.test", "name": "Roamer", "role": store.RoleMember})
				})
				if counts[201] != 1 || counts[409] != racers-1 {
					t.Fatalf("statuses %v, want exactly 1 created", counts)
				}
			})
		})
	}
}

// raceOwnerRemoval races one owner's removal (racer racers/2) against key
// creations for that owner: each other racer creates keys, up to five in a
// row, until one is refused, and counts with the status of its last.
func raceOwnerRemoval(t *testing.T, s [2]*client, remove func(c *client) response, addKey func(c *client, publicKey string) response) map[int]int {
	t.Helper()
	const perRacer = 5
	publicKeys := make([]string, racers*perRacer)
	for i := range publicKeys {
		publicKeys[i] = newPublicKey(t)
	}
	return race(t, s, func(i int, c *client) response {
		if i == racers/2 {
			return remove(c)
		}
		var r response
		for j := range perRacer {
			if r = addKey(c, publicKeys[i*perRacer+j]); r.Status != 201 {
				break
			}
		}
		return r
	})
}

// wantNoActiveKey reads the whole state through the control plane and
// fails the test if a key of ownerID is not revoked.
func wantNoActiveKey(t *testing.T, c *client, ownerID string) {
	t.Helper()
	var state struct {
		Keys []struct {
			ID        string
			Owner     struct{ ID string }
			RevokedAt *string
		}
	}
	if err := json.Unmarshal(c.must(200, "GET", "/_emulator/state", "", nil).Raw, &state); err != nil {
		t.Fatal(err)
	}
	owned := 0
	for _, k := range state.Keys {
		if k.Owner.ID != ownerID {
			continue
		}
		owned++
		if k.RevokedAt == nil {
			t.Errorf("key %s of the removed owner %s is active", k.ID, ownerID)
		}
	}
	t.Logf("the removed owner has %d keys, all revoked", owned)
}
