package api

import (
	"time"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The JSON objects of the management and control planes, written out field
// by field so that the API never leaks a domain field by accident and
// optional times are explicit nulls.

// viewAll converts every item of a list for an answer, on every plane: an
// empty list is [], never null.
func viewAll[S, T any](in []S, view func(S) T) []T {
	out := make([]T, 0, len(in))
	for _, s := range in {
		out = append(out, view(s))
	}
	return out
}

type memberView struct {
	ID        string     `json:"id"`
	Email     string     `json:"email"`
	Name      string     `json:"name"`
	Role      store.Role `json:"role"`
	CreatedAt time.Time  `json:"createdAt"`
}

func viewMember(m store.Member) memberView {
	return memberView{ID: m.ID, Email: m.Email, Name: m.Name, Role: m.Role, CreatedAt: m.CreatedAt}
}

type serviceAccountView struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Email       string     `json:"email"`
	Role        store.Role `json:"role"`
	CreatedAt   time.Time  `json:"createdAt"`
	CreatedBy   string     `json:"createdBy"`
}

func viewServiceAccount(sa store.ServiceAccount) serviceAccountView {
	return serviceAccountView{ID: sa.ID, Name: sa.Name, Description: sa.Description, Email: sa.Email, Role: sa.Role, CreatedAt: sa.CreatedAt, CreatedBy: sa.CreatedByMemberID}
}

type keyView struct {
	ID           string          `json:"id"`
	Title        string          `json:"title"`
	PublicKey    string          `json:"publicKey"`
	PublicKeyHex string          `json:"publicKeyHex"`
	Fingerprint  string          `json:"fingerprint"`
	Owner        ownerJSON       `json:"owner"`
	Origin       store.KeyOrigin `json:"origin"`
	CreatedAt    time.Time       `json:"createdAt"`
	LastUsedAt   *time.Time      `json:"lastUsedAt"`
	RevokedAt    *time.Time      `json:"revokedAt"`
	RevokeReason *string         `json:"revokeReason"`
}

func viewKey(k store.Key) keyView {
	v := keyView{ID: k.ID, Title: k.Title, PublicKey: k.PublicKey, PublicKeyHex: k.PublicKeyHex, Fingerprint: k.Fingerprint,
		Owner: ownerJSONOf(k.Owner), Origin: k.Origin, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
	if k.RevokedAt != nil {
		reason := k.RevokeReason
		v.RevokeReason = &reason
	}
	return v
}

type generatedKeyView struct {
	Key        keyView `json:"key"`
	PrivateKey string  `json:"privateKey"`
}

type workspaceView struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"createdAt"`
	Quotas    quotasJSON `json:"quotas"`
	Usage     usageView  `json:"usage"`
}

type usageView struct {
	ServiceAccounts int `json:"serviceAccounts"`
	Members         int `json:"members"`
}

func viewWorkspace(w accounts.WorkspaceView) workspaceView {
	return workspaceView{ID: w.ID, Name: w.Name, CreatedAt: w.CreatedAt, Quotas: quotasJSONOf(w.Quotas),
		Usage: usageView{ServiceAccounts: w.Usage.ServiceAccounts, Members: w.Usage.Members}}
}

type tokenView struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
}

func viewToken(t accounts.IssuedToken) tokenView {
	return tokenView{Token: t.Token, ExpiresAt: t.Stored.ExpiresAt}
}
