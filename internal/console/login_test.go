package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// testLogIn: / leads to the console; a service account cannot log in and
// the page says so in the server's words; a member logs in by email and
// lands in the workspace; logging out ends the session on the server.
func testLogIn(t *testing.T, browserCtx context.Context) {
	base, ws := startAcme(t)
	var sa struct{ Email string }
	mustAPI(t, http.MethodPost, base+"/api/v1/workspace/service-accounts", ws.AdminToken, `{"name": "ci-bot", "description": "CI"}`, http.StatusCreated, &sa)

	tb := openTab(t, browserCtx, base)
	tb.navigate("/")
	if loc := tb.location(); loc != base+"/console/" {
		t.Fatalf("/ led to %s, want %s/console/", loc, base)
	}
	tb.waitVisible("#login-email")
	tb.screenshot("login")

	// A service account's email: the server refuses, and says why.
	status, body := apiCall(t, http.MethodPost, base+"/api/v1/sessions", "", `{"email": "`+sa.Email+`"}`)
	if status != http.StatusUnauthorized {
		t.Fatalf("a service account logging in over HTTP: %d %s", status, body)
	}
	tb.typeInto("#login-email", sa.Email)
	tb.click("#login-submit")
	shown := tb.waitText("#login-status", errorMessage(t, body))
	if !strings.Contains(shown, "service accounts can never log in") || !strings.Contains(shown, "AUTHENTICATION_ERROR") {
		t.Errorf("the login page says %q for a service account", shown)
	}
	tb.screenshot("login-service-account")

	// A member logs in by email, in any case.
	tb.typeInto("#login-email", "ADA@acme.test")
	tb.click("#login-submit")
	tb.waitText(".workspace-name", "Acme Robotics")
	tb.waitText(".user", "ada@acme.test", "admin")
	tb.waitText(".crumbs", "Workspace settings", "Service accounts")
	if n := tb.count(".nav-link"); n != 4 {
		t.Errorf("the sidebar has %d links, want Service accounts, Members, API keys, Requests", n)
	}
	token := sessionTokenSent(t, tb)
	if status, _ := apiCall(t, http.MethodGet, base+"/api/v1/me", token, ""); status != http.StatusOK {
		t.Fatalf("the console's session does not work over HTTP: %d", status)
	}

	tb.click("#logout")
	tb.waitText("#login-status", "logged out")
	if status, _ := apiCall(t, http.MethodGet, base+"/api/v1/me", token, ""); status != http.StatusUnauthorized {
		t.Errorf("after Log out, the session still answers %d, want 401", status)
	}
	// The session was only ever in memory: the back button and a reload
	// show the login page.
	tb.navigate("/console/#/members")
	tb.waitVisible("#login-email")
}

// sessionTokenSent returns the session token the page sent last.
func sessionTokenSent(t *testing.T, tb *tab) string {
	t.Helper()
	reqs := tb.sent()
	for i := len(reqs) - 1; i >= 0; i-- {
		if auth := header(reqs[i], "Authorization"); strings.HasPrefix(reqs[i].URL, tb.base+"/api/v1/") && strings.HasPrefix(auth, "Bearer ") {
			return strings.TrimPrefix(auth, "Bearer ")
		}
	}
	t.Fatal("the page sent no session token")
	return ""
}
