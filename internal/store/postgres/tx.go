package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// tx implements store.Tx over one pgx transaction, or, in a View, over the
// pool itself (each read a statement of its own, no BEGIN or COMMIT).
type tx struct {
	tx conn
}

// conn is what both a pgx transaction and the pool offer.
type conn interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

var _ store.Tx = (*tx)(nil)

// createSavepoint guards each insert: a unique violation aborts a Postgres
// transaction, and rolling back to the savepoint keeps the transaction usable
// after a create reported ErrAlreadyExists or ErrDuplicateKey, as it is in
// the memory store.
const createSavepoint = "store_create"

// insert runs one INSERT inside a savepoint. The savepoint, the insert and its
// release travel in one batch, so the guard costs no extra round trip unless
// the insert fails. Errors are the driver's; callers translate them.
func (t *tx) insert(ctx context.Context, sql string, args ...any) error {
	batch := &pgx.Batch{}
	batch.Queue("SAVEPOINT " + createSavepoint)
	batch.Queue(sql, args...)
	batch.Queue("RELEASE SAVEPOINT " + createSavepoint)
	err := t.tx.SendBatch(ctx, batch).Close()
	if err == nil {
		return nil
	}
	if _, rbErr := t.tx.Exec(ctx, "ROLLBACK TO SAVEPOINT "+createSavepoint); rbErr != nil {
		return errors.Join(err, rbErr)
	}
	if _, relErr := t.tx.Exec(ctx, "RELEASE SAVEPOINT "+createSavepoint); relErr != nil {
		return errors.Join(err, relErr)
	}
	return err
}

// execOne runs a statement that addresses one row and reports ErrNotFound
// when it touched none.
func (t *tx) execOne(ctx context.Context, what string, sql string, args ...any) error {
	tag, err := t.tx.Exec(ctx, sql, args...)
	if err != nil {
		return fmt.Errorf("postgres: %s: %w", what, translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: %s: %w", what, store.ErrNotFound)
	}
	return nil
}

// execCount runs a statement and returns how many rows it touched.
func (t *tx) execCount(ctx context.Context, what string, sql string, args ...any) (int, error) {
	tag, err := t.tx.Exec(ctx, sql, args...)
	if err != nil {
		return 0, fmt.Errorf("postgres: %s: %w", what, translate(err))
	}
	return int(tag.RowsAffected()), nil
}

// wrap translates a driver error and names the operation that failed.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("postgres: %s: %w", what, translate(err))
}

// Workspaces.

// LockWorkspace locks the row FOR NO KEY UPDATE: it conflicts with itself
// (two lockers never interleave) and with the deletion of the row, not with
// the foreign-key checks of inserts under it nor with LockOwner.
func (t *tx) LockWorkspace(ctx context.Context, id string) (store.Workspace, error) {
	w, err := scanWorkspace(t.tx.QueryRow(ctx, `SELECT `+workspaceColumns+` FROM workspaces WHERE id = $1 FOR NO KEY UPDATE`, id))
	return w, wrap("lock workspace "+id, err)
}

// lockOwnerSQL takes LockOwner's two locks in one statement, the
// workspace's first, as every writer does (the workspace, then rows under
// it), so that none of them deadlock. The subquery w locks the workspace
// row FOR KEY SHARE: the row cannot be deleted meanwhile, while
// LockWorkspace (FOR NO KEY UPDATE) and other owners' locks go on. Only then,
// for the row w produced, the lateral subquery locks the owner's row in
// that workspace FOR NO KEY UPDATE: that conflicts with itself and with
// every UPDATE of the row (MarkMemberRemoved, MarkServiceAccountDeleted),
// and, as all its lockers lock alike, they queue in turn. A subquery with a
// locking clause is never flattened into its parent, so the order holds.
// %s is the owner's table.
const lockOwnerSQL = `
SELECT ` + workspaceColumns + `
FROM (SELECT ` + workspaceColumns + ` FROM workspaces WHERE id = $1 FOR KEY SHARE) w
LEFT JOIN LATERAL (
    SELECT FROM %s WHERE id = $2 AND workspace_id = w.id FOR NO KEY UPDATE
) owner ON true`

var (
	lockMemberSQL         = fmt.Sprintf(lockOwnerSQL, "members")
	lockServiceAccountSQL = fmt.Sprintf(lockOwnerSQL, "service_accounts")
)

func (t *tx) LockOwner(ctx context.Context, workspaceID string, owner store.Owner) (store.Workspace, error) {
	var sql string
	switch {
	case owner.Type == store.OwnerUser && store.Storable(owner.ID):
		sql = lockMemberSQL
	case owner.Type == store.OwnerServiceAccount && store.Storable(owner.ID):
		sql = lockServiceAccountSQL
	default: // no row holds that owner: only the workspace is locked
		w, err := scanWorkspace(t.tx.QueryRow(ctx, `SELECT `+workspaceColumns+` FROM workspaces WHERE id = $1 FOR KEY SHARE`, workspaceID))
		return w, wrap("lock workspace "+workspaceID+" for an owner", err)
	}
	w, err := scanWorkspace(t.tx.QueryRow(ctx, sql, workspaceID, owner.ID))
	return w, wrap(fmt.Sprintf("lock %s %s of workspace %s", owner.Type, owner.ID, workspaceID), err)
}

func (t *tx) CreateWorkspace(ctx context.Context, w store.Workspace) error {
	if err := w.Check(); err != nil {
		return fmt.Errorf("postgres: create: %w", err)
	}
	err := t.insert(ctx, `INSERT INTO workspaces (`+workspaceColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		w.ID, w.Name, w.CreatedAt, w.Quotas.ServiceAccounts, w.Quotas.KeysPerServiceAccount, w.Quotas.KeysPerUser, w.Quotas.Resources)
	return wrap("create workspace "+w.ID, err)
}

func (t *tx) GetWorkspace(ctx context.Context, id string) (store.Workspace, error) {
	w, err := scanWorkspace(t.tx.QueryRow(ctx, `SELECT `+workspaceColumns+` FROM workspaces WHERE id = $1`, id))
	return w, wrap("get workspace "+id, err)
}

func (t *tx) ListWorkspaces(ctx context.Context) ([]store.Workspace, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+workspaceColumns+` FROM workspaces ORDER BY created_at, id`)
	ws, err := collect(rows, err, scanWorkspace)
	return ws, wrap("list workspaces", err)
}

func (t *tx) UpdateWorkspaceQuotas(ctx context.Context, id string, q store.Quotas) error {
	if err := q.Check(); err != nil {
		return fmt.Errorf("postgres: update: %w", err)
	}
	return t.execOne(ctx, "update quotas of workspace "+id, `
UPDATE workspaces
SET quota_service_accounts = $2, quota_keys_per_service_account = $3, quota_keys_per_user = $4, quota_resources = $5
WHERE id = $1`, id, q.ServiceAccounts, q.KeysPerServiceAccount, q.KeysPerUser, q.Resources)
}

// DeleteWorkspace removes the workspace; the foreign keys cascade to every
// row that belongs to it.
func (t *tx) DeleteWorkspace(ctx context.Context, id string) error {
	return t.execOne(ctx, "delete workspace "+id, `DELETE FROM workspaces WHERE id = $1`, id)
}

// Members.

// CreateMember, like CreateServiceAccount, relies on the schema for email
// uniqueness: members_live_email_key among members, and the identities
// table (kept by a trigger) across members and service accounts.
func (t *tx) CreateMember(ctx context.Context, m store.Member) error {
	if err := m.Check(); err != nil {
		return fmt.Errorf("postgres: create: %w", err)
	}
	err := t.insert(ctx, `INSERT INTO members (`+memberColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		m.ID, m.WorkspaceID, m.Email, m.Name, string(m.Role), m.CreatedAt, m.RemovedAt)
	return wrap("create member "+m.ID, err)
}

func (t *tx) GetMember(ctx context.Context, id string) (store.Member, error) {
	m, err := scanMember(t.tx.QueryRow(ctx, `SELECT `+memberColumns+` FROM members WHERE id = $1`, id))
	return m, wrap("get member "+id, err)
}

func (t *tx) GetMemberByEmail(ctx context.Context, email string) (store.Member, error) {
	m, err := scanMember(t.tx.QueryRow(ctx,
		`SELECT `+memberColumns+` FROM members WHERE lower(email) = lower($1) AND removed_at IS NULL`, email))
	return m, wrap("get member by email", err)
}

func (t *tx) ListMembers(ctx context.Context, workspaceID string, includeRemoved bool) ([]store.Member, error) {
	rows, err := t.tx.Query(ctx, `
SELECT `+memberColumns+` FROM members
WHERE workspace_id = $1 AND ($2 OR removed_at IS NULL)
ORDER BY created_at, id`, workspaceID, includeRemoved)
	ms, err := collect(rows, err, scanMember)
	return ms, wrap("list members of workspace "+workspaceID, err)
}

func (t *tx) UpdateMemberRole(ctx context.Context, id string, role store.Role) error {
	if err := store.CheckRole(role); err != nil {
		return fmt.Errorf("postgres: update member %s: %w", id, err)
	}
	return t.execOne(ctx, "update role of member "+id, `UPDATE members SET role = $2 WHERE id = $1`, id, string(role))
}

func (t *tx) MarkMemberRemoved(ctx context.Context, id string, at time.Time) error {
	return t.execOne(ctx, "remove member "+id,
		`UPDATE members SET removed_at = $2 WHERE id = $1 AND removed_at IS NULL`, id, at)
}

// Service accounts.

func (t *tx) CreateServiceAccount(ctx context.Context, sa store.ServiceAccount) error {
	if err := sa.Check(); err != nil {
		return fmt.Errorf("postgres: create: %w", err)
	}
	err := t.insert(ctx, `INSERT INTO service_accounts (`+serviceAccountColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		sa.ID, sa.WorkspaceID, sa.Name, sa.Description, sa.Email, string(sa.Role), sa.CreatedAt, sa.CreatedByMemberID, sa.DeletedAt)
	return wrap("create service account "+sa.ID, err)
}

func (t *tx) GetServiceAccount(ctx context.Context, id string) (store.ServiceAccount, error) {
	sa, err := scanServiceAccount(t.tx.QueryRow(ctx, `SELECT `+serviceAccountColumns+` FROM service_accounts WHERE id = $1`, id))
	return sa, wrap("get service account "+id, err)
}

func (t *tx) GetServiceAccountByEmail(ctx context.Context, email string) (store.ServiceAccount, error) {
	sa, err := scanServiceAccount(t.tx.QueryRow(ctx,
		`SELECT `+serviceAccountColumns+` FROM service_accounts WHERE lower(email) = lower($1) AND deleted_at IS NULL`, email))
	return sa, wrap("get service account by email", err)
}

func (t *tx) ListServiceAccounts(ctx context.Context, workspaceID string, includeDeleted bool) ([]store.ServiceAccount, error) {
	rows, err := t.tx.Query(ctx, `
SELECT `+serviceAccountColumns+` FROM service_accounts
WHERE workspace_id = $1 AND ($2 OR deleted_at IS NULL)
ORDER BY created_at, id`, workspaceID, includeDeleted)
	sas, err := collect(rows, err, scanServiceAccount)
	return sas, wrap("list service accounts of workspace "+workspaceID, err)
}

func (t *tx) UpdateServiceAccount(ctx context.Context, sa store.ServiceAccount) error {
	if err := sa.CheckUpdate(); err != nil {
		return fmt.Errorf("postgres: update: %w", err)
	}
	return t.execOne(ctx, "update service account "+sa.ID,
		`UPDATE service_accounts SET role = $2, description = $3 WHERE id = $1`, sa.ID, string(sa.Role), sa.Description)
}

func (t *tx) MarkServiceAccountDeleted(ctx context.Context, id string, at time.Time) error {
	return t.execOne(ctx, "delete service account "+id,
		`UPDATE service_accounts SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL`, id, at)
}

// Keys.

func (t *tx) CreateKey(ctx context.Context, k store.Key) error {
	if err := k.Check(); err != nil {
		return fmt.Errorf("postgres: create: %w", err)
	}
	err := t.insert(ctx, `INSERT INTO keys (`+keyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		k.ID, k.WorkspaceID, string(k.Owner.Type), k.Owner.ID, k.Title, k.PublicKey, k.PublicKeyHex,
		k.Fingerprint, string(k.Origin), k.CreatedAt, k.LastUsedAt, k.RevokedAt, k.RevokeReason)
	return wrap("create key "+k.ID, err)
}

func (t *tx) GetKey(ctx context.Context, id string) (store.Key, error) {
	k, err := scanKey(t.tx.QueryRow(ctx, `SELECT `+keyColumns+` FROM keys WHERE id = $1`, id))
	return k, wrap("get key "+id, err)
}

func (t *tx) ListWorkspaceKeys(ctx context.Context, workspaceID string) ([]store.Key, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+keyColumns+` FROM keys WHERE workspace_id = $1 ORDER BY created_at, id`, workspaceID)
	ks, err := collect(rows, err, scanKey)
	return ks, wrap("list keys of workspace "+workspaceID, err)
}

func (t *tx) CountActiveKeys(ctx context.Context, owner store.Owner) (int, error) {
	if !store.Storable(owner.ID) {
		return 0, nil // a count is a row even when nothing matches (unstorable.go)
	}
	// The count kept by the triggers of active_key_counts (migration 5):
	// one primary-key probe however many keys the owner has.
	var n int
	err := t.tx.QueryRow(ctx, `
SELECT COALESCE((SELECT active FROM active_key_counts WHERE owner_type = $1 AND owner_id = $2), 0)`,
		string(owner.Type), owner.ID).Scan(&n)
	return n, wrap(fmt.Sprintf("count keys of %s %s", owner.Type, owner.ID), err)
}

// revokeAndDeleteBearers completes a statement that revokes keys (a CTE
// named revoked returning their ids): it deletes the bearer tokens those
// keys minted, in the same statement, and counts the keys revoked.
const revokeAndDeleteBearers = `,
bearers AS (
    DELETE FROM tokens WHERE key_id IN (SELECT id FROM revoked)
)
SELECT count(*) FROM revoked`

func (t *tx) RevokeKey(ctx context.Context, id string, at time.Time, reason string) error {
	if err := store.CheckReason(reason); err != nil {
		return fmt.Errorf("postgres: revoke key %s: %w", id, err)
	}
	var n int
	err := t.tx.QueryRow(ctx, `
WITH revoked AS (
    UPDATE keys SET revoked_at = $2, revoke_reason = $3 WHERE id = $1 AND revoked_at IS NULL
    RETURNING id
)`+revokeAndDeleteBearers, id, at, reason).Scan(&n)
	if err != nil {
		return wrap("revoke key "+id, err)
	}
	if n == 0 {
		return fmt.Errorf("postgres: revoke key %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// RevokeOwnerKeys locks the owner's keys in id order before writing them, as
// TouchKeys does, so the two cannot deadlock.
func (t *tx) RevokeOwnerKeys(ctx context.Context, owner store.Owner, at time.Time, reason string) (int, error) {
	if err := store.CheckReason(reason); err != nil {
		return 0, fmt.Errorf("postgres: revoke keys: %w", err)
	}
	if !store.Storable(owner.ID) {
		return 0, nil // a count is a row even when nothing matches (unstorable.go)
	}
	var n int
	err := t.tx.QueryRow(ctx, `
WITH revoked AS (
    UPDATE keys SET revoked_at = $3, revoke_reason = $4
    WHERE revoked_at IS NULL AND id IN (
        SELECT id FROM keys
        WHERE owner_type = $1 AND owner_id = $2 AND revoked_at IS NULL
        ORDER BY id
        FOR UPDATE
    )
    RETURNING id
)`+revokeAndDeleteBearers, string(owner.Type), owner.ID, at, reason).Scan(&n)
	return n, wrap(fmt.Sprintf("revoke keys of %s %s", owner.Type, owner.ID), err)
}

// Tokens.

func (t *tx) CreateToken(ctx context.Context, tok store.Token) error {
	if err := tok.Check(); err != nil {
		return fmt.Errorf("postgres: create: %w", err)
	}
	err := t.insert(ctx, `INSERT INTO tokens (`+tokenColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		tok.ID, tok.Hash, string(tok.Kind), string(tok.Owner.Type), tok.Owner.ID, tok.WorkspaceID, nullIfEmpty(tok.KeyID),
		tok.CreatedAt, tok.ExpiresAt)
	return wrap("create token "+tok.ID, err)
}

func (t *tx) DeleteToken(ctx context.Context, hash string) error {
	return t.execOne(ctx, "delete token", `DELETE FROM tokens WHERE hash = $1`, hash)
}

func (t *tx) DeleteOwnerTokens(ctx context.Context, owner store.Owner) (int, error) {
	return t.execCount(ctx, fmt.Sprintf("delete tokens of %s %s", owner.Type, owner.ID),
		`DELETE FROM tokens WHERE owner_type = $1 AND owner_id = $2`, string(owner.Type), owner.ID)
}

func (t *tx) ListWorkspaceTokens(ctx context.Context, workspaceID string) ([]store.Token, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE workspace_id = $1 ORDER BY created_at, id`, workspaceID)
	ts, err := collect(rows, err, scanToken)
	return ts, wrap("list tokens of workspace "+workspaceID, err)
}

// Resources.

func (t *tx) CreateResource(ctx context.Context, r store.Resource) error {
	if err := r.Check(); err != nil {
		return fmt.Errorf("postgres: create: %w", err)
	}
	sharedWith, err := sharedWithParam(r.SharedWith)
	if err != nil {
		return fmt.Errorf("postgres: create resource %s: %w", r.ID, err)
	}
	err = t.insert(ctx, `INSERT INTO resources (`+resourceColumns+`, name_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		r.ID, r.WorkspaceID, string(r.Kind), r.Title, r.Description, string(r.CreatedBy.Type), r.CreatedBy.ID,
		sharedWith, r.CreatedAt, r.UpdatedAt, attributesParam(r.Attributes), store.NameKey(r.Title))
	return wrap("create resource "+r.ID, err)
}

func (t *tx) GetResource(ctx context.Context, workspaceID string, kind store.ResourceKind, id string) (store.Resource, error) {
	r, err := scanResource(t.tx.QueryRow(ctx,
		`SELECT `+resourceColumns+` FROM resources WHERE workspace_id = $1 AND kind = $2 AND id = $3`,
		workspaceID, string(kind), id))
	return r, wrap(fmt.Sprintf("get %s %s", kind, id), err)
}

func (t *tx) ListResources(ctx context.Context, workspaceID string, kind store.ResourceKind) ([]store.Resource, error) {
	rows, err := t.tx.Query(ctx, `
SELECT `+resourceColumns+` FROM resources
WHERE workspace_id = $1 AND kind = $2
ORDER BY created_at, id`, workspaceID, string(kind))
	rs, err := collect(rows, err, scanResource)
	return rs, wrap(fmt.Sprintf("list %s resources of workspace %s", kind, workspaceID), err)
}

func (t *tx) CountResources(ctx context.Context, workspaceID string) (int, error) {
	if !store.Storable(workspaceID) {
		return 0, nil // a count is a row even when nothing matches (unstorable.go)
	}
	var n int
	err := t.tx.QueryRow(ctx, `SELECT count(*) FROM resources WHERE workspace_id = $1`, workspaceID).Scan(&n)
	return n, wrap("count resources of workspace "+workspaceID, err)
}

// UpdateResource addresses the resource by workspace, kind and id, as
// GetResource does.
func (t *tx) UpdateResource(ctx context.Context, r store.Resource) error {
	if err := r.CheckUpdate(); err != nil {
		return fmt.Errorf("postgres: update: %w", err)
	}
	sharedWith, err := sharedWithParam(r.SharedWith)
	if err != nil {
		return fmt.Errorf("postgres: update resource %s: %w", r.ID, err)
	}
	return t.execOne(ctx, fmt.Sprintf("update %s %s", r.Kind, r.ID), `
UPDATE resources
SET title = $4, description = $5, shared_with = $6, updated_at = $7, attributes = $8, name_key = $9
WHERE workspace_id = $1 AND kind = $2 AND id = $3`,
		r.WorkspaceID, string(r.Kind), r.ID, r.Title, r.Description, sharedWith, r.UpdatedAt, attributesParam(r.Attributes), store.NameKey(r.Title))
}

func (t *tx) DeleteResource(ctx context.Context, workspaceID string, kind store.ResourceKind, id string) error {
	return t.execOne(ctx, fmt.Sprintf("delete %s %s", kind, id),
		`DELETE FROM resources WHERE workspace_id = $1 AND kind = $2 AND id = $3`, workspaceID, string(kind), id)
}

// DeleteAll deletes every workspace; the foreign keys cascade to every other
// table, as every row belongs to a workspace.
func (t *tx) DeleteAll(ctx context.Context) error {
	_, err := t.tx.Exec(ctx, `DELETE FROM workspaces`)
	return wrap("delete all", err)
}
