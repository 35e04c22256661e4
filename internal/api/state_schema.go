package api

import (
	"encoding/json"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The state document and the wire types it shares with the other answers
// of the control and management planes.

// ownerJSON names a user (by membership id) or a service account.
type ownerJSON struct {
	Type store.OwnerType `json:"type"`
	ID   string          `json:"id"`
}

func ownerJSONOf(o store.Owner) ownerJSON { return ownerJSON{Type: o.Type, ID: o.ID} }

func (o ownerJSON) owner() store.Owner { return store.Owner{Type: o.Type, ID: o.ID} }

func ownersOf(list []ownerJSON) []store.Owner { return convertAll(list, ownerJSON.owner) }

func ownerJSONsOf(list []store.Owner) []ownerJSON { return convertAll(list, ownerJSONOf) }

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

// stateVersion is the version of the state document this build writes and
// reads. Version 1 is the format of every export so far.
const stateVersion = 1

// stateDocument is the whole state of the emulator as GET and PUT
// /_emulator/state carry it: one versioned document, described in
// openapi.yaml (State). Lists are null when empty.
type stateDocument struct {
	Version         int                   `json:"version"`
	Workspaces      []stateWorkspace      `json:"workspaces"`
	Members         []stateMember         `json:"members"`
	ServiceAccounts []stateServiceAccount `json:"serviceAccounts"`
	Keys            []stateKey            `json:"keys"`
	Tokens          []stateToken          `json:"tokens"`
	Resources       []stateResource       `json:"resources"`
}

type quotasJSON struct {
	ServiceAccounts       int `json:"serviceAccounts"`
	KeysPerServiceAccount int `json:"keysPerServiceAccount"`
	KeysPerUser           int `json:"keysPerUser"`
	Resources             int `json:"resources"`
}

func quotasJSONOf(q store.Quotas) quotasJSON {
	return quotasJSON{ServiceAccounts: q.ServiceAccounts, KeysPerServiceAccount: q.KeysPerServiceAccount, KeysPerUser: q.KeysPerUser, Resources: q.Resources}
}

func (q quotasJSON) quotas() store.Quotas {
	return store.Quotas{ServiceAccounts: q.ServiceAccounts, KeysPerServiceAccount: q.KeysPerServiceAccount, KeysPerUser: q.KeysPerUser, Resources: q.Resources}
}

// UnmarshalJSON reads quotas; a state exported before the resources quota
// existed has none, and its workspaces get the default, as they did from
// the schema migration that introduced it.
func (q *quotasJSON) UnmarshalJSON(data []byte) error {
	type plain quotasJSON
	p := plain{Resources: accounts.DefaultQuotas.Resources}
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*q = quotasJSON(p)
	return nil
}

type stateWorkspace struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"createdAt"`
	Quotas    quotasJSON `json:"quotas"`
}

type stateMember struct {
	ID          string     `json:"id"`
	WorkspaceID string     `json:"workspaceId"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	Role        store.Role `json:"role"`
	CreatedAt   time.Time  `json:"createdAt"`
	RemovedAt   *time.Time `json:"removedAt,omitempty"`
}

type stateServiceAccount struct {
	ID          string     `json:"id"`
	WorkspaceID string     `json:"workspaceId"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Email       string     `json:"email"`
	Role        store.Role `json:"role"`
	CreatedAt   time.Time  `json:"createdAt"`
	// CreatedBy is the member id of the admin who created it.
	CreatedBy string     `json:"createdBy"`
	DeletedAt *time.Time `json:"deletedAt,omitempty"`
}

type stateKey struct {
	ID           string          `json:"id"`
	WorkspaceID  string          `json:"workspaceId"`
	Owner        ownerJSON       `json:"owner"`
	Title        string          `json:"title"`
	PublicKey    string          `json:"publicKey"`
	PublicKeyHex string          `json:"publicKeyHex"`
	Fingerprint  string          `json:"fingerprint"`
	Origin       store.KeyOrigin `json:"origin"`
	CreatedAt    time.Time       `json:"createdAt"`
	LastUsedAt   *time.Time      `json:"lastUsedAt,omitempty"`
	RevokedAt    *time.Time      `json:"revokedAt,omitempty"`
	RevokeReason string          `json:"revokeReason,omitempty"`
}

// stateToken is a session or bearer token as the hex SHA-256 of its text.
type stateToken struct {
	ID          string          `json:"id"`
	Hash        string          `json:"hash"`
	Kind        store.TokenKind `json:"kind"`
	Owner       ownerJSON       `json:"owner"`
	WorkspaceID string          `json:"workspaceId"`
	KeyID       string          `json:"keyId,omitempty"`
	CreatedAt   time.Time       `json:"createdAt"`
	ExpiresAt   time.Time       `json:"expiresAt"`
}

// convertAll converts every item of a list; nil stays nil (viewAll makes
// it empty).
func convertAll[S, T any](in []S, convert func(S) T) []T {
	if in == nil {
		return nil
	}
	return viewAll(in, convert)
}

// stateDocumentOf is the document of an exported state.
func stateDocumentOf(st accounts.State) stateDocument {
	return stateDocument{
		Version: stateVersion,
		Workspaces: convertAll(st.Workspaces, func(w store.Workspace) stateWorkspace {
			return stateWorkspace{ID: w.ID, Name: w.Name, CreatedAt: w.CreatedAt, Quotas: quotasJSONOf(w.Quotas)}
		}),
		Members: convertAll(st.Members, func(m store.Member) stateMember {
			return stateMember{ID: m.ID, WorkspaceID: m.WorkspaceID, Email: m.Email, Name: m.Name, Role: m.Role, CreatedAt: m.CreatedAt, RemovedAt: m.RemovedAt}
		}),
		ServiceAccounts: convertAll(st.ServiceAccounts, func(sa store.ServiceAccount) stateServiceAccount {
			return stateServiceAccount{ID: sa.ID, WorkspaceID: sa.WorkspaceID, Name: sa.Name, Description: sa.Description, Email: sa.Email,
				Role: sa.Role, CreatedAt: sa.CreatedAt, CreatedBy: sa.CreatedByMemberID, DeletedAt: sa.DeletedAt}
		}),
		Keys: convertAll(st.Keys, func(k store.Key) stateKey {
			return stateKey{ID: k.ID, WorkspaceID: k.WorkspaceID, Owner: ownerJSONOf(k.Owner), Title: k.Title, PublicKey: k.PublicKey,
				PublicKeyHex: k.PublicKeyHex, Fingerprint: k.Fingerprint, Origin: k.Origin, CreatedAt: k.CreatedAt,
				LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt, RevokeReason: k.RevokeReason}
		}),
		Tokens: convertAll(st.Tokens, func(t store.Token) stateToken {
			return stateToken{ID: t.ID, Hash: t.Hash, Kind: t.Kind, Owner: ownerJSONOf(t.Owner), WorkspaceID: t.WorkspaceID, KeyID: t.KeyID, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt}
		}),
		Resources: convertAll(st.Resources, stateResourceOf),
	}
}

// state is the state a document holds, once its version is one this build
// reads.
func (d stateDocument) state() (accounts.State, error) {
	if d.Version != stateVersion {
		return accounts.State{}, errs.Invalid("/version", "/version: state version %d is not supported; this emulator reads version %d (export a fresh state with GET /_emulator/state)", d.Version, stateVersion)
	}
	return accounts.State{
		Workspaces: convertAll(d.Workspaces, func(w stateWorkspace) store.Workspace {
			return store.Workspace{ID: w.ID, Name: w.Name, CreatedAt: w.CreatedAt, Quotas: w.Quotas.quotas()}
		}),
		Members: convertAll(d.Members, func(m stateMember) store.Member {
			return store.Member{ID: m.ID, WorkspaceID: m.WorkspaceID, Email: m.Email, Name: m.Name, Role: m.Role, CreatedAt: m.CreatedAt, RemovedAt: m.RemovedAt}
		}),
		ServiceAccounts: convertAll(d.ServiceAccounts, func(sa stateServiceAccount) store.ServiceAccount {
			return store.ServiceAccount{ID: sa.ID, WorkspaceID: sa.WorkspaceID, Name: sa.Name, Description: sa.Description, Email: sa.Email,
				Role: sa.Role, CreatedAt: sa.CreatedAt, CreatedByMemberID: sa.CreatedBy, DeletedAt: sa.DeletedAt}
		}),
		Keys: convertAll(d.Keys, func(k stateKey) store.Key {
			return store.Key{ID: k.ID, WorkspaceID: k.WorkspaceID, Owner: k.Owner.owner(), Title: k.Title, PublicKey: k.PublicKey,
				PublicKeyHex: k.PublicKeyHex, Fingerprint: k.Fingerprint, Origin: k.Origin, CreatedAt: k.CreatedAt,
				LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt, RevokeReason: k.RevokeReason}
		}),
		Tokens: convertAll(d.Tokens, func(t stateToken) store.Token {
			return store.Token{ID: t.ID, Hash: t.Hash, Kind: t.Kind, Owner: t.Owner.owner(), WorkspaceID: t.WorkspaceID, KeyID: t.KeyID, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt}
		}),
		Resources: convertAll(d.Resources, stateResource.resource),
	}, nil
}
