package api_test

import (
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// TestTokensAreNeverStoredOrShownInClear issues session and bearer tokens,
// uses them on every plane (successfully and not), then searches the
// exported state, every row of the database, the journal of SDK decisions
// and the logs for any token text or private key. Tokens must be stored as
// their SHA-256 only.
func TestTokensAreNeverStoredOrShownInClear(t *testing.T) {
	for _, b := range dumpableBackends() {
		t.Run(b.name, func(t *testing.T) {
			st, dump := b.setup(t)
			c, logs := startServer(t, st, api.Config{})
			ws := c.newWorkspace("Acme", "admin@acme.test")
			_, memberSession := c.addMember(ws, "bob@acme.test", store.RoleMember)
			secondLogin := c.login("admin@acme.test")
			sa := c.newServiceAccount(ws, "bot")

			var pems []string
			generate := func(token, path string) *encordsign.Signer {
				key := c.GenerateKey(t, token, path, "sdk")
				pems = append(pems, key.PrivateKey)
				return key.Signer
			}
			memberKey := generate(memberSession, "/api/v1/me/keys")
			saKey := generate(ws.AdminToken, "/api/v1/workspace/service-accounts/"+sa+"/keys")
			memberBearer := c.sdk(memberKey, sdkRequest{target: v2BearerPath}).str("token")
			saBearer := c.sdk(saKey, sdkRequest{target: v2BearerPath}).str("token")

			tokens := map[string]string{
				"admin session": ws.AdminToken, "member session": memberSession, "second login": secondLogin,
				"member bearer": memberBearer, "service account bearer": saBearer,
			}
			for name, token := range tokens {
				if len(token) < 40 {
					t.Fatalf("%s %q is too short to be 32 random bytes", name, token)
				}
			}

			// Use the tokens: allowed and denied, on both SDK families and
			// on the management plane; a near miss of a real token too.
			nearMiss := memberBearer[:len(memberBearer)-1] + flipLast(memberBearer)
			for _, bearer := range []string{memberBearer, saBearer, nearMiss, ws.AdminToken} {
				c.sdk(nil, sdkRequest{target: "/v2/public/projects", bearer: bearer})
				c.sdk(nil, sdkRequest{method: "POST", target: "/public/user", body: v1GetProjects, bearer: bearer})
				c.sdk(nil, sdkRequest{target: "/_emulator/whoami", bearer: bearer})
				c.do("GET", "/api/v1/me", bearer, nil)
			}
			c.sdk(memberKey, v1(v1GetProjects))
			tokens["near miss"] = nearMiss

			state := c.must(200, "GET", "/_emulator/state", "", nil)
			journal := c.must(200, "GET", "/_emulator/requests?limit=1000", "", nil)
			if len(journal.items()) < 12 {
				t.Fatalf("the journal has %d entries: the search would prove little", len(journal.items()))
			}
			haystacks := map[string]string{"exported state": string(state.Raw), "journal": string(journal.Raw), "logs": logs.String()}
			if dump != nil {
				haystacks["database"] = dump(t)
			}
			for name, token := range tokens {
				if name != "near miss" && !strings.Contains(string(state.Raw), accounts.HashToken(token)) {
					t.Errorf("the state lacks the SHA-256 of the %s: is it stored another way?", name)
				}
				for where, hay := range haystacks {
					// The token's random part, without the "emu-" prefix.
					if secret := token[len(token)-32:]; strings.Contains(hay, secret) {
						t.Errorf("the %s appears in the %s", name, where)
					}
				}
			}
			for i, pem := range pems {
				for _, line := range strings.Split(pem, "\n") {
					if len(line) < 40 || strings.HasPrefix(line, "-----") {
						continue
					}
					for where, hay := range haystacks {
						if strings.Contains(hay, line) {
							t.Errorf("private key %d appears in the %s", i, where)
						}
					}
				}
			}
		})
	}
}

// TestAdminTokenIsNeverLogged sends the control plane's admin token, right
// and wrong, and searches the logs and the journal for either.
func TestAdminTokenIsNeverLogged(t *testing.T) {
	const adminToken = "control-plane-secret-0123456789abcdef"
	const wrongToken = "control-plane-secret-0123456789abcdeX"
	c, logs := startServer(t, memory.New(), api.Config{AdminToken: adminToken})
	c.must(201, "POST", "/_emulator/workspaces", adminToken, map[string]any{"name": "A", "admin": map[string]any{"email": "a@a.test", "name": "A"}})
	if r := c.do("GET", "/_emulator/state", wrongToken, nil); r.Status != 401 {
		t.Fatalf("wrong admin token: %s", r)
	}
	c.do("GET", "/_emulator/whoami", adminToken, nil)
	c.do("GET", "/v2/public/projects", wrongToken, nil)
	journal := string(c.must(200, "GET", "/_emulator/requests", adminToken, nil).Raw)
	for where, hay := range map[string]string{"logs": logs.String(), "journal": journal} {
		for _, token := range []string{adminToken, wrongToken} {
			if strings.Contains(hay, token[len(token)-16:]) {
				t.Errorf("an admin token appears in the %s", where)
			}
		}
	}
}

// flipLast returns a character other than the last of s.
func flipLast(s string) string {
	if s[len(s)-1] == 'A' {
		return "B"
	}
	return "A"
}
