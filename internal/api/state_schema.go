package api

import (
	"encoding/json"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// ownerJSON names a user (by membership id) or a service account.
type ownerJSON struct {
	Type store.OwnerType `json:"type"`
	ID   string          `json:"id"`
}

func ownerJSONOf(o store.Owner) ownerJSON { return ownerJSON{Type: o.Type, ID: o.ID} }

func (o ownerJSON) owner() store.Owner { return store.Owner{Type: o.Type, ID: o.ID} }

func ownersOf(list []ownerJSON) []store.Owner {
	if list == nil {
		return nil
	}
	out := make([]store.Owner, 0, len(list))
	for _, o := range list {
		out = append(out, o.owner())
	}
	return out
}

func ownerJSONsOf(list []store.Owner) []ownerJSON {
	if list == nil {
		return nil
	}
	out := make([]ownerJSON, 0, len(list))
	for _, o := range list {
		out = append(out, ownerJSONOf(o))
	}
	return out
}

// stateResource is a resource of the SDK plane as the state document holds
// it; attributes are kept verbatim.
type stateResource struct {
	ID          string             `json:"id"`
	WorkspaceID string             `json:"workspaceId"`
	Kind        store.ResourceKind `json:"kind"`
	Title       string             `json:"title"`
	Description string             `json:"description"`
	CreatedBy   ownerJSON          `json:"createdBy"`
	SharedWith  []ownerJSON        `json:"sharedWith"`
	CreatedAt   time.Time          `json:"createdAt"`
	UpdatedAt   time.Time          `json:"updatedAt"`
	Attributes  json.RawMessage    `json:"attributes,omitempty"`
}

func stateResourceOf(r store.Resource) stateResource {
	return stateResource{ID: r.ID, WorkspaceID: r.WorkspaceID, Kind: r.Kind, Title: r.Title, Description: r.Description,
		CreatedBy: ownerJSONOf(r.CreatedBy), SharedWith: ownerJSONsOf(r.SharedWith), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Attributes: r.Attributes}
}

func (r stateResource) resource() store.Resource {
	return store.Resource{ID: r.ID, WorkspaceID: r.WorkspaceID, Kind: r.Kind, Title: r.Title, Description: r.Description,
		CreatedBy: r.CreatedBy.owner(), SharedWith: ownersOf(r.SharedWith), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Attributes: r.Attributes}
}
