package console_test

import (
	"context"
	"net/http"
	"testing"
)

type member struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

func findMember(t *testing.T, base, token, email string) (member, bool) {
	t.Helper()
	var list struct{ Items []member }
	mustAPI(t, http.MethodGet, base+"/api/v1/workspace/members", token, "", http.StatusOK, &list)
	for _, m := range list.Items {
		if m.Email == email {
			return m, true
		}
	}
	return member{}, false
}

// testMembers: an admin adds a member by email with a role; the member,
// logged in in another tab, generates a key pair whose .txt signs SDK
// requests; the admin changes the member's role, then removes it, and the
// page shows the key the removal revoked. The key then fails on the SDK
// plane, and the member's own tab is sent back to the login.
func testMembers(t *testing.T, browserCtx context.Context) {
	base, ws := startAcme(t)

	admin := openTab(t, browserCtx, base)
	admin.logIn("ada@acme.test")
	admin.open("members")
	admin.click("#add-member")
	admin.typeInto("#member-email", "grace@acme.test")
	admin.typeInto("#member-name", "Grace Hopper")
	admin.selectOption("#member-role", "member")
	admin.submit("#add-member-dialog")
	admin.waitText("#notices", "grace@acme.test added as a member")
	graceRow := `tr[data-member="grace@acme.test"]`
	admin.waitText(graceRow, "Grace Hopper")
	grace, ok := findMember(t, base, ws.AdminToken, "grace@acme.test")
	if !ok || grace.Role != "member" {
		t.Fatalf("after Add member, grace is %+v (found %v), want a member", grace, ok)
	}

	// Grace logs in in her own tab and generates a key pair.
	graceTab := openTab(t, browserCtx, base)
	graceTab.logIn("grace@acme.test")
	graceTab.open("api-keys")
	graceTab.click("#new-key")
	graceTab.typeInto("#new-key-title", "grace-laptop")
	graceTab.click("#generate-key-pair")
	_, graceKey := graceTab.download("Grace's key pair", func() { graceTab.submit("#new-key-dialog") })
	graceTab.waitGone("#new-key-dialog")
	if status := sdkCall(t, base, graceKey, ""); status != http.StatusOK {
		t.Fatalf("grace's downloaded key answers %d, want 200", status)
	}

	// Change a role, and back.
	admin.open("members")
	admin.waitText(graceRow+" .key-count", "1")
	admin.selectOption(`select[data-role-of="grace@acme.test"]`, "admin")
	admin.waitText("#notices", "grace@acme.test is now an admin")
	if g, _ := findMember(t, base, ws.AdminToken, "grace@acme.test"); g.Role != "admin" {
		t.Fatalf("after the role change, grace is %q", g.Role)
	}
	admin.selectOption(`select[data-role-of="grace@acme.test"]`, "member")
	admin.waitText("#notices", "grace@acme.test is now a member")
	if g, _ := findMember(t, base, ws.AdminToken, "grace@acme.test"); g.Role != "member" {
		t.Fatalf("after the second role change, grace is %q", g.Role)
	}

	// Remove: the dialog says what happens to the keys, the page shows what
	// the server revoked.
	admin.click(`button[data-remove="grace@acme.test"]`)
	admin.waitText("#remove-consequence", "1 active API key is revoked")
	admin.submit("dialog")
	fingerprint := fingerprintOf(t, graceKey)
	admin.waitText("#removal-result", "grace@acme.test was removed", "1 API key revoked", "grace-laptop", fingerprint, "member removed from the workspace")
	admin.waitGone(graceRow)
	admin.screenshot("members")
	if _, ok := findMember(t, base, ws.AdminToken, "grace@acme.test"); ok {
		t.Fatal("grace is still listed after Remove")
	}
	if status := sdkCall(t, base, graceKey, ""); status != http.StatusUnauthorized {
		t.Errorf("the removed member's key answers %d, want 401", status)
	}

	// Grace's tab: the next action finds the session ended.
	graceTab.click(`a.nav-link[href="#/members"]`)
	graceTab.waitText("#login-status", "Your session ended")
}

// testLastAdmin: the last admin can be neither demoted nor removed; the
// page shows the server's refusal and keeps the role.
func testLastAdmin(t *testing.T, browserCtx context.Context) {
	base, ws := startAcme(t)
	mustAPI(t, http.MethodPost, base+"/api/v1/workspace/members", ws.AdminToken, `{"email": "bob@acme.test", "name": "Bob", "role": "member"}`, http.StatusCreated, nil)
	ada, _ := findMember(t, base, ws.AdminToken, "ada@acme.test")
	status, demoteRefusal := apiCall(t, http.MethodPatch, base+"/api/v1/workspace/members/"+ada.ID, ws.AdminToken, `{"role": "member"}`)
	if status != http.StatusConflict {
		t.Fatalf("demoting the last admin over HTTP: %d %s", status, demoteRefusal)
	}
	status, removeRefusal := apiCall(t, http.MethodDelete, base+"/api/v1/workspace/members/"+ada.ID, ws.AdminToken, "")
	if status != http.StatusConflict {
		t.Fatalf("removing the last admin over HTTP: %d %s", status, removeRefusal)
	}

	tb := openTab(t, browserCtx, base)
	tb.logIn("ada@acme.test")
	tb.open("members")
	adaRole := `select[data-role-of="ada@acme.test"]`
	tb.selectOption(adaRole, "member")
	tb.waitText("#notices", "OPERATION_NOT_ALLOWED", errorMessage(t, demoteRefusal))
	if v := tb.value(adaRole); v != "admin" {
		t.Errorf("after the refusal, the role shows %q, want admin", v)
	}
	tb.click(`button[data-remove="ada@acme.test"]`)
	tb.submit("dialog")
	tb.waitText("dialog .dialog-error", "OPERATION_NOT_ALLOWED", errorMessage(t, removeRefusal))
	tb.screenshot("members-last-admin")
	if a, ok := findMember(t, base, ws.AdminToken, "ada@acme.test"); !ok || a.Role != "admin" {
		t.Errorf("after the refusals, ada is %+v (found %v), want the admin", a, ok)
	}
}
