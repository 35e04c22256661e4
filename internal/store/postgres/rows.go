package postgres

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// Column lists, in the order of the matching scan targets below. The owned
// variants are qualified by the alias of ResolveKey's and ResolveToken's
// owner lookup (ownerNow).
const (
	workspaceColumns      = `id, name, created_at, quota_service_accounts, quota_keys_per_service_account, quota_keys_per_user, quota_resources`
	memberColumns         = `id, workspace_id, email, name, role, created_at, removed_at`
	serviceAccountColumns = `id, workspace_id, name, description, email, role, created_at, created_by, deleted_at`
	keyColumns            = `id, workspace_id, owner_type, owner_id, title, public_key, public_key_hex, fingerprint, origin, created_at, last_used_at, revoked_at, revoke_reason`
	ownedKeyColumns       = `owned.id, owned.workspace_id, owned.owner_type, owned.owner_id, owned.title, owned.public_key, owned.public_key_hex, owned.fingerprint, owned.origin, owned.created_at, owned.last_used_at, owned.revoked_at, owned.revoke_reason`
	tokenColumns          = `id, hash, kind, owner_type, owner_id, workspace_id, key_id, created_at, expires_at`
	ownedTokenColumns     = `owned.id, owned.hash, owned.kind, owned.owner_type, owned.owner_id, owned.workspace_id, owned.key_id, owned.created_at, owned.expires_at`
	resourceColumns       = `id, workspace_id, kind, title, description, created_by_type, created_by_id, shared_with, created_at, updated_at, attributes`
)

func scanWorkspace(row pgx.Row) (store.Workspace, error) {
	var w store.Workspace
	err := row.Scan(&w.ID, &w.Name, &w.CreatedAt, &w.Quotas.ServiceAccounts, &w.Quotas.KeysPerServiceAccount, &w.Quotas.KeysPerUser, &w.Quotas.Resources)
	w.CreatedAt = w.CreatedAt.UTC()
	return w, err
}

func scanMember(row pgx.Row) (store.Member, error) {
	var m store.Member
	err := row.Scan(&m.ID, &m.WorkspaceID, &m.Email, &m.Name, &m.Role, &m.CreatedAt, &m.RemovedAt)
	m.CreatedAt = m.CreatedAt.UTC()
	m.RemovedAt = utcOrNil(m.RemovedAt)
	return m, err
}

func scanServiceAccount(row pgx.Row) (store.ServiceAccount, error) {
	var sa store.ServiceAccount
	err := row.Scan(&sa.ID, &sa.WorkspaceID, &sa.Name, &sa.Description, &sa.Email, &sa.Role, &sa.CreatedAt, &sa.CreatedByMemberID, &sa.DeletedAt)
	sa.CreatedAt = sa.CreatedAt.UTC()
	sa.DeletedAt = utcOrNil(sa.DeletedAt)
	return sa, err
}

// keyScanTargets returns the destinations of keyColumns in k; call
// normalizeKey after the scan.
func keyScanTargets(k *store.Key) []any {
	return []any{&k.ID, &k.WorkspaceID, &k.Owner.Type, &k.Owner.ID, &k.Title, &k.PublicKey, &k.PublicKeyHex,
		&k.Fingerprint, &k.Origin, &k.CreatedAt, &k.LastUsedAt, &k.RevokedAt, &k.RevokeReason}
}

func normalizeKey(k *store.Key) {
	k.CreatedAt = k.CreatedAt.UTC()
	k.LastUsedAt = utcOrNil(k.LastUsedAt)
	k.RevokedAt = utcOrNil(k.RevokedAt)
}

func scanKey(row pgx.Row) (store.Key, error) {
	var k store.Key
	err := row.Scan(keyScanTargets(&k)...)
	normalizeKey(&k)
	return k, err
}

// tokenScanTargets returns the destinations of tokenColumns in t; call
// normalizeToken after the scan.
func tokenScanTargets(t *store.Token) []any {
	return []any{&t.ID, &t.Hash, &t.Kind, &t.Owner.Type, &t.Owner.ID, &t.WorkspaceID, emptyIfNull{&t.KeyID}, &t.CreatedAt, &t.ExpiresAt}
}

func normalizeToken(t *store.Token) {
	t.CreatedAt = t.CreatedAt.UTC()
	t.ExpiresAt = t.ExpiresAt.UTC()
}

func scanToken(row pgx.Row) (store.Token, error) {
	var t store.Token
	err := row.Scan(tokenScanTargets(&t)...)
	normalizeToken(&t)
	return t, err
}

func scanResource(row pgx.Row) (store.Resource, error) {
	var (
		r          store.Resource
		sharedWith []byte
		attributes []byte
	)
	err := row.Scan(&r.ID, &r.WorkspaceID, &r.Kind, &r.Title, &r.Description, &r.CreatedBy.Type, &r.CreatedBy.ID,
		&sharedWith, &r.CreatedAt, &r.UpdatedAt, &attributes)
	if err != nil {
		return store.Resource{}, err
	}
	r.CreatedAt = r.CreatedAt.UTC()
	r.UpdatedAt = r.UpdatedAt.UTC()
	if sharedWith != nil {
		var owners []ownerColumn
		if err := json.Unmarshal(sharedWith, &owners); err != nil {
			return store.Resource{}, fmt.Errorf("resource %s: decoding shared_with: %w", r.ID, err)
		}
		r.SharedWith = make([]store.Owner, 0, len(owners))
		for _, o := range owners {
			r.SharedWith = append(r.SharedWith, store.Owner{Type: o.Type, ID: o.ID})
		}
	}
	if attributes != nil {
		r.Attributes = json.RawMessage(attributes)
	}
	return r, nil
}

// ownerColumn is an owner as the shared_with column holds it: a JSON array
// of {"type", "id"} objects.
type ownerColumn struct {
	Type store.OwnerType `json:"type"`
	ID   string          `json:"id"`
}

// sharedWithParam encodes a resource's SharedWith for the jsonb column: NULL
// for a nil list, so that nil and empty lists both read back as written.
func sharedWithParam(owners []store.Owner) (any, error) {
	if owners == nil {
		return nil, nil
	}
	column := make([]ownerColumn, 0, len(owners))
	for _, o := range owners {
		column = append(column, ownerColumn{Type: o.Type, ID: o.ID})
	}
	encoded, err := json.Marshal(column)
	if err != nil {
		return nil, fmt.Errorf("encoding shared_with: %w", err)
	}
	return string(encoded), nil
}

// attributesParam passes a resource's Attributes to the json column verbatim,
// or NULL when there are none.
func attributesParam(attributes json.RawMessage) any {
	if len(attributes) == 0 {
		return nil
	}
	return string(attributes)
}

// emptyIfNull scans a nullable text column into a string, NULL as "".
type emptyIfNull struct{ dst *string }

func (e emptyIfNull) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*e.dst = ""
	case string:
		*e.dst = v
	default:
		return fmt.Errorf("scanning %T into a string", src)
	}
	return nil
}

// nullIfEmpty is the parameter of a nullable text column: NULL for "".
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func utcOrNil(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	utc := t.UTC()
	return &utc
}

// collect reads every row of a query with scan. Errors are the driver's;
// callers translate them.
func collect[T any](rows pgx.Rows, err error, scan func(pgx.Row) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (T, error) { return scan(row) })
}
