package api

import (
	"net/http"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
)

// createResource adds a resource to a workspace: POST
// /_emulator/workspaces/{workspaceId}/resources. The SDK has no call that
// creates groups or cloud integrations, nor one that shares a resource, so
// tests and seeds populate them here. The answer is the stored resource.
func (c control) createResource(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "workspaceId")
	if err != nil {
		return err
	}
	var in accounts.CreateResourceInput
	if err := decodeBody(r, &in, strict); err != nil {
		return err
	}
	res, err := c.accounts.CreateResource(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}
