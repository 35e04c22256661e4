package console_test

import (
	"context"
	"net/http"
	"testing"
)

type serviceAccount struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

// testServiceAccounts: an admin creates a service account, generates a key
// pair whose private key downloads once as <title>.txt and signs SDK
// requests, makes the account admin, is refused a second account in the
// server's words (quota), and deletes the account, which revokes its key.
func testServiceAccounts(t *testing.T, browserCtx context.Context) {
	base, ws := startAcme(t)
	collection := base + "/api/v1/workspace/service-accounts"

	tb := openTab(t, browserCtx, base)
	tb.logIn("ada@acme.test")
	tb.waitText("#page", "No service accounts yet")

	tb.click("#create-service-account")
	tb.typeInto("#sa-name", "ci-bot")
	tb.typeInto("#sa-description", "Nightly training pipeline")
	tb.submit("#create-service-account-dialog")
	tb.waitText("#page h1", "ci-bot")
	var list struct{ Items []serviceAccount }
	mustAPI(t, http.MethodGet, collection, ws.AdminToken, "", http.StatusOK, &list)
	if len(list.Items) != 1 || list.Items[0].Name != "ci-bot" || list.Items[0].Role != "member" {
		t.Fatalf("after Create, the workspace has the service accounts %+v", list.Items)
	}
	sa := list.Items[0]
	tb.waitText("#notices", "created with the email "+sa.Email, "the role member")

	// New API key: a title, Generate key pair, Add API key.
	tb.click("#new-api-key")
	tb.typeInto("#new-key-title", "ci-bot")
	tb.click("#generate-key-pair")
	tb.waitVisible("#generated-note")
	tb.screenshot("service-account-new-key")
	name, privateKey := tb.download("Add API key", func() { tb.submit("#new-key-dialog") })
	if name != "ci-bot.txt" {
		t.Errorf("the private key downloaded as %q, want ci-bot.txt", name)
	}
	tb.waitGone("#new-key-dialog")
	tb.waitText("#notices", "downloaded as ci-bot.txt")
	if status := sdkCall(t, base, privateKey, ""); status != http.StatusOK {
		t.Fatalf("a request signed with the downloaded key answers %d, want 200", status)
	}
	keys := listKeys(t, collection+"/"+sa.ID+"/keys", ws.AdminToken)
	fingerprint := fingerprintOf(t, privateKey)
	if len(keys) != 1 || keys[0].Fingerprint != fingerprint || keys[0].Title != "ci-bot" {
		t.Fatalf("the service account's keys are %+v, want one ci-bot key with fingerprint %s", keys, fingerprint)
	}
	tb.waitText("#page", fingerprint, keys[0].ID)
	if containsPrivateKey(tb.markup()) {
		t.Error("the page shows a private key")
	}

	// Apply the role admin.
	tb.selectOption("#sa-role", "admin")
	tb.click("#apply-role")
	tb.waitText("#notices", "now has the role admin")
	var updated serviceAccount
	mustAPI(t, http.MethodGet, collection+"/"+sa.ID, ws.AdminToken, "", http.StatusOK, &updated)
	if updated.Role != "admin" {
		t.Fatalf("after Apply role, the role is %q, want admin", updated.Role)
	}
	tb.waitText("#page", "API keys · 1 of 5 active")
	tb.screenshot("service-account")

	// The list: name, email, role, number of keys.
	tb.open("service-accounts")
	row := `tr[data-service-account="ci-bot"]`
	tb.waitText(row, "ci-bot", sa.Email, "admin")
	if got := tb.text(row + " .key-count"); got != "1" {
		t.Errorf("the list shows %q keys for ci-bot, want 1", got)
	}
	tb.waitText("#service-account-quota", "1 of 1 service accounts")
	tb.screenshot("service-accounts")

	// A second account is over the quota: the server's words, in the dialog.
	status, refusal := apiCall(t, http.MethodPost, collection, ws.AdminToken, `{"name": "second", "description": ""}`)
	if status != http.StatusConflict {
		t.Fatalf("a second service account over HTTP: %d %s", status, refusal)
	}
	tb.click("#create-service-account")
	tb.typeInto("#sa-name", "second")
	tb.submit("#create-service-account-dialog")
	tb.waitText("#create-service-account-dialog .dialog-error", "QUOTA_EXCEEDED_ERROR", errorMessage(t, refusal))
	tb.screenshot("service-account-quota")
	tb.click("#create-service-account-dialog [data-action=cancel]")
	tb.waitGone("#create-service-account-dialog")

	// Delete: the dialog says what happens to the keys.
	tb.click(row + " a")
	tb.waitText("#page h1", "ci-bot")
	tb.click("#delete-service-account")
	tb.waitText("#delete-consequence", "1 active API key will be revoked")
	tb.submit("dialog")
	tb.waitText("#notices", "“ci-bot” deleted; 1 API key revoked")
	tb.waitText("#page", "No service accounts yet")
	if status := sdkCall(t, base, privateKey, ""); status != http.StatusUnauthorized {
		t.Errorf("after the service account was deleted, its key answers %d, want 401", status)
	}
}

// testServiceAccountsNeedAnAdmin: a member sees the server's refusal, in
// its words, on the list and on Create.
func testServiceAccountsNeedAnAdmin(t *testing.T, browserCtx context.Context) {
	base, ws := startAcme(t)
	mustAPI(t, http.MethodPost, base+"/api/v1/workspace/members", ws.AdminToken, `{"email": "bob@acme.test", "name": "Bob", "role": "member"}`, http.StatusCreated, nil)
	var bob struct{ Token string }
	mustAPI(t, http.MethodPost, base+"/api/v1/sessions", "", `{"email": "bob@acme.test"}`, http.StatusCreated, &bob)
	collection := base + "/api/v1/workspace/service-accounts"
	_, listRefusal := apiCall(t, http.MethodGet, collection, bob.Token, "")
	status, createRefusal := apiCall(t, http.MethodPost, collection, bob.Token, `{"name": "bob-bot", "description": ""}`)
	if status != http.StatusForbidden {
		t.Fatalf("a member creating a service account over HTTP: %d %s", status, createRefusal)
	}

	tb := openTab(t, browserCtx, base)
	tb.logIn("bob@acme.test")
	tb.waitText(".crumbs", "API keys") // a member lands on its own keys
	tb.open("service-accounts")
	tb.waitText("#service-accounts-error", "AUTHORISATION_ERROR", errorMessage(t, listRefusal))
	tb.click("#create-service-account")
	tb.typeInto("#sa-name", "bob-bot")
	tb.submit("#create-service-account-dialog")
	tb.waitText("#create-service-account-dialog .dialog-error", "AUTHORISATION_ERROR", errorMessage(t, createRefusal))
	var list struct{ Items []serviceAccount }
	mustAPI(t, http.MethodGet, collection, ws.AdminToken, "", http.StatusOK, &list)
	if len(list.Items) != 0 {
		t.Errorf("a member's Create made service accounts %+v", list.Items)
	}
}
