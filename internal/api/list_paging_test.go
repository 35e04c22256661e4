package api_test

import (
	"fmt"
	"net/url"
	"testing"
)

// TestListPagingIsKeyset checks that a management list's page token names
// a position, not an offset: removing a member the first page returned
// does not make the second page skip the member after it.
func TestListPagingIsKeyset(t *testing.T) {
	onEachStore(t, func(t *testing.T, c *client, ws workspace) {
		var ids []string
		for i := range 3 {
			r := c.must(201, "POST", "/api/v1/workspace/members", ws.AdminToken, map[string]any{"email": fmt.Sprintf("m%d@acme.test", i), "name": "M"})
			ids = append(ids, r.str("id"))
		}
		first := c.must(200, "GET", "/api/v1/workspace/members?pageSize=2", ws.AdminToken, nil)
		token, _ := first.JSON["nextPageToken"].(string)
		if items := first.items(); len(items) != 2 || items[0]["id"] != ws.AdminID || items[1]["id"] != ids[0] || token == "" {
			t.Fatalf("first page: %s", first)
		}
		c.must(204, "DELETE", "/api/v1/workspace/members/"+ids[0], ws.AdminToken, nil)
		second := c.must(200, "GET", "/api/v1/workspace/members?pageSize=2&pageToken="+url.QueryEscape(token), ws.AdminToken, nil)
		if items := second.items(); len(items) != 2 || items[0]["id"] != ids[1] || items[1]["id"] != ids[2] || second.JSON["nextPageToken"] != nil {
			t.Fatalf("second page after removing an item of the first: %s, want %s then %s and no next page", second, ids[1], ids[2])
		}
		// A token that is not one, or one cut short, is refused rather than
		// read as some other position.
		for _, bad := range []string{"zzz", token[:len(token)-2]} {
			r := c.do("GET", "/api/v1/workspace/members?pageToken="+url.QueryEscape(bad), ws.AdminToken, nil)
			if r.Status != 400 || r.code() != "INVALID_ARGUMENTS_ERROR" {
				t.Errorf("pageToken %q: got %s, want 400", bad, r)
			}
		}
	})
}
