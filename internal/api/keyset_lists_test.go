package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// TestEveryListPagesByKeysetWhileItGrows walks each list of the management
// and control planes, and the request journal, two items a page, adding
// an item to the same list between any two pages: every item that was
// there when the walk began is listed exactly once and no item twice,
// with the one token format of every list.
func TestEveryListPagesByKeysetWhileItGrows(t *testing.T) {
	onEachStore(t, func(t *testing.T, c *client, ws workspace) {
		c.must(200, "PATCH", "/_emulator/workspaces/"+ws.ID+"/quotas", "", map[string]any{"serviceAccounts": 100, "keysPerServiceAccount": 100, "keysPerUser": 100})
		bobID, bob := c.addMember(ws, "bob@acme.test", store.RoleMember)
		saID := c.newServiceAccount(ws, "robot")
		n := 0
		next := func() int { n++; return n }
		addKey := func(path, session string) func() {
			return func() {
				c.must(201, "POST", path, session, map[string]any{"title": fmt.Sprint("key ", next()), "publicKey": newPublicKey(t)})
			}
		}
		lists := []struct {
			name, path, session string
			add                 func()
		}{
			{"own keys", "/api/v1/me/keys", ws.AdminToken, addKey("/api/v1/me/keys", ws.AdminToken)},
			{"a member's keys", "/api/v1/workspace/members/" + bobID + "/keys", ws.AdminToken, addKey("/api/v1/me/keys", bob)},
			{"a service account's keys", "/api/v1/workspace/service-accounts/" + saID + "/keys", ws.AdminToken,
				addKey("/api/v1/workspace/service-accounts/"+saID+"/keys", ws.AdminToken)},
			{"members", "/api/v1/workspace/members", ws.AdminToken, func() {
				c.addMember(ws, fmt.Sprintf("m%d@acme.test", next()), store.RoleMember)
			}},
			{"service accounts", "/api/v1/workspace/service-accounts", ws.AdminToken, func() { c.newServiceAccount(ws, fmt.Sprint("robot-", next())) }},
			{"workspaces", "/_emulator/workspaces", "", func() { c.newWorkspace(fmt.Sprint("W", next()), fmt.Sprintf("admin%d@w.test", n)) }},
			{"request journal", "/_emulator/requests", "", func() {
				c.sdk(unregisteredSigner(t), sdkRequest{target: "/v2/public/user/current-organisation/groups"})
			}},
		}
		tokens := map[string]string{}
		for _, l := range lists {
			for range 5 {
				l.add()
			}
			before := listIDs(c.must(200, "GET", l.path+"?pageSize=1000", l.session, nil))
			var listed []string
			path := l.path + "?pageSize=2"
			for page := 0; ; page++ {
				if page > 100 {
					t.Fatalf("%s: paging never ended", l.name)
				}
				r := c.must(200, "GET", path, l.session, nil)
				ids := listIDs(r)
				if len(ids) > 2 {
					t.Fatalf("%s: a page of 2 holds %d items", l.name, len(ids))
				}
				listed = append(listed, ids...)
				token, _ := r.JSON["nextPageToken"].(string)
				if token == "" {
					break
				}
				tokens[l.name] = token
				l.add()
				path = l.path + "?pageSize=2&pageToken=" + url.QueryEscape(token)
			}
			seen := map[string]int{}
			for _, id := range listed {
				if seen[id]++; seen[id] > 1 {
					t.Errorf("%s: %s listed twice", l.name, id)
				}
			}
			for _, id := range before {
				if seen[id] != 1 {
					t.Errorf("%s: %s, there when paging began, listed %d times", l.name, id, seen[id])
				}
			}
			if len(before) < 5 || len(listed) <= len(before) && l.name != "request journal" {
				// The items added after the position of the walk are
				// listed too, except in the journal, newest first.
				t.Errorf("%s: %d items before, %d listed while adding", l.name, len(before), len(listed))
			}
		}

		// A token of a list in another order is refused, whichever the lists.
		for list, path := range map[string]string{"request journal": "/api/v1/me/keys", "own keys": "/_emulator/requests"} {
			r := c.do("GET", path+"?pageToken="+url.QueryEscape(tokens[list]), ws.AdminToken, nil)
			if r.Status != 400 || r.code() != "INVALID_ARGUMENTS_ERROR" || !strings.Contains(r.message(), "pageToken") {
				t.Errorf("a token of the %s on %s: got %s, want a 400 about pageToken", list, path, r)
			}
		}
	})
}

// listIDs returns the ids of a list's items (the sequence numbers of the
// journal's).
func listIDs(r response) []string {
	var out []string
	for _, it := range r.items() {
		if id, ok := it["id"].(string); ok {
			out = append(out, id)
		} else {
			out = append(out, fmt.Sprint(it["seq"]))
		}
	}
	return out
}
