package api

import (
	"net/http"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// createResourceRequest is the body of POST
// /_emulator/workspaces/{workspaceId}/resources.
type createResourceRequest struct {
	Kind        store.ResourceKind `json:"kind"`
	Title       string             `json:"title"`
	Description string             `json:"description"`
	CreatedBy   *ownerJSON         `json:"createdBy,omitempty"`
	SharedWith  []ownerJSON        `json:"sharedWith,omitempty"`
	Tags        []string           `json:"tags,omitempty"`
}

func (b createResourceRequest) input() accounts.CreateResourceInput {
	in := accounts.CreateResourceInput{Kind: b.Kind, Title: b.Title, Description: b.Description, SharedWith: ownersOf(b.SharedWith), Tags: b.Tags}
	if b.CreatedBy != nil {
		owner := b.CreatedBy.owner()
		in.CreatedBy = &owner
	}
	return in
}

// createResource adds a resource to a workspace: POST
// /_emulator/workspaces/{workspaceId}/resources. The SDK has no call that
// creates groups or cloud integrations, nor one that shares a resource, so
// tests and seeds populate them here. The answer is the stored resource,
// as the state document holds it.
func (c control) createResource(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "workspaceId")
	if err != nil {
		return err
	}
	var body createResourceRequest
	if err := decodeBody(r, &body, strict); err != nil {
		return err
	}
	v, err := c.accounts.CreateResource(r.Context(), id, body.input())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, stateResourceOf(v.Resource))
	return nil
}
