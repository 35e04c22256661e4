package testclient

import (
	"net/http"
	"testing"
)

// Workspace is a workspace made through the control plane, with its first
// admin and the admin's session.
type Workspace struct {
	ID, AdminID, AdminToken string
}

// NewWorkspace creates a workspace and its first admin in one call of the
// control plane; quotas, when not nil, replace the defaults
// ({"serviceAccounts": 3}).
func (c *Client) NewWorkspace(t testing.TB, name, adminEmail string, quotas map[string]int) Workspace {
	t.Helper()
	body := map[string]any{"name": name, "admin": map[string]any{"email": adminEmail, "name": "Admin of " + name}}
	if quotas != nil {
		body["quotas"] = quotas
	}
	r := c.Must(t, http.StatusCreated, http.MethodPost, "/_emulator/workspaces", "", body)
	return Workspace{ID: r.Str("workspace.id"), AdminID: r.Str("admin.id"), AdminToken: r.Str("session.token")}
}

// AddMember adds a member with role ("admin" or "member") as the
// workspace's admin and returns the member's id.
func (c *Client) AddMember(t testing.TB, ws Workspace, email, role string) string {
	t.Helper()
	return c.Must(t, http.StatusCreated, http.MethodPost, "/api/v1/workspace/members", ws.AdminToken,
		map[string]any{"email": email, "name": email, "role": role}).Str("id")
}

// Login opens a management session for the member with email and returns
// its token.
func (c *Client) Login(t testing.TB, email string) string {
	t.Helper()
	return c.Must(t, http.StatusCreated, http.MethodPost, "/api/v1/sessions", "", map[string]any{"email": email}).Str("token")
}

// NewServiceAccount creates a service account as the workspace's admin and
// returns its id.
func (c *Client) NewServiceAccount(t testing.TB, ws Workspace, name string) string {
	t.Helper()
	return c.Must(t, http.StatusCreated, http.MethodPost, "/api/v1/workspace/service-accounts", ws.AdminToken,
		map[string]any{"name": name}).Str("id")
}
