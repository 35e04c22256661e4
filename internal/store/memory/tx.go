package memory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// errTxDone is returned by the methods of a transaction whose function has
// already returned.
var errTxDone = errors.New("memory: transaction already ended")

// txn is a store.Tx. It runs with the store's write lock held; it must not be
// used from several goroutines at once, nor after its function returned.
type txn struct {
	s    *Store
	done atomic.Bool
	undo []func()
}

var _ store.Tx = (*txn)(nil)

// begin is called first by every method: it refuses a finished transaction
// (whose lock is no longer held) and a done context, and returns the tables.
func (tx *txn) begin(ctx context.Context) (*tables, error) {
	if tx.done.Load() {
		return nil, errTxDone
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memory: %w", err)
	}
	return tx.s.data, nil
}

// rollback undoes every write of the transaction, newest first.
func (tx *txn) rollback() {
	for i := len(tx.undo) - 1; i >= 0; i-- {
		tx.undo[i]()
	}
	tx.undo = nil
}

// put writes row to table t (nil deletes) and logs how to undo it.
func put[T any](tx *txn, t *table[T], id string, row *T) {
	old := t.put(id, row)
	tx.undo = append(tx.undo, func() { t.put(id, old) })
}

func notFound(what, id string) error {
	return fmt.Errorf("memory: %s %q: %w", what, id, store.ErrNotFound)
}

func alreadyExists(what, id string) error {
	return fmt.Errorf("memory: %s %q: %w", what, id, store.ErrAlreadyExists)
}

// oldestFirst sorts rows by creation time, then id.
func oldestFirst[T any](rows []T, createdAt func(*T) time.Time, id func(*T) string) {
	slices.SortFunc(rows, func(a, b T) int {
		if c := createdAt(&a).Compare(createdAt(&b)); c != 0 {
			return c
		}
		return cmp.Compare(id(&a), id(&b))
	})
}

// Workspaces.

func (tx *txn) LockWorkspace(ctx context.Context, id string) (store.Workspace, error) {
	// Transactions are serialised by the store's lock: holding the
	// transaction is holding every workspace lock.
	return tx.GetWorkspace(ctx, id)
}

func (tx *txn) LockOwner(ctx context.Context, workspaceID string, _ store.Owner) (store.Workspace, error) {
	// As for LockWorkspace: no transaction runs beside this one.
	return tx.GetWorkspace(ctx, workspaceID)
}

func (tx *txn) CreateWorkspace(ctx context.Context, w store.Workspace) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	if err := w.Check(); err != nil {
		return err
	}
	if t.workspaces.rows[w.ID] != nil {
		return alreadyExists("workspace", w.ID)
	}
	w = cloneWorkspace(w)
	put(tx, t.workspaces, w.ID, &w)
	return nil
}

func (tx *txn) GetWorkspace(ctx context.Context, id string) (store.Workspace, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return store.Workspace{}, err
	}
	w := t.workspaces.rows[id]
	if w == nil {
		return store.Workspace{}, notFound("workspace", id)
	}
	return *w, nil
}

func (tx *txn) ListWorkspaces(ctx context.Context) ([]store.Workspace, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return nil, err
	}
	return all(t.workspacesByCreation, struct{}{}, copyOf), nil
}

func (tx *txn) PageWorkspaces(ctx context.Context, p store.Page) ([]store.Workspace, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return nil, err
	}
	return page(t.workspacesByCreation, struct{}{}, p, copyOf), nil
}

// copyOf returns a copy of a row whose fields share nothing with the
// stored row beyond immutable strings.
func copyOf[T any](row *T) T { return *row }

func (tx *txn) UpdateWorkspaceQuotas(ctx context.Context, id string, q store.Quotas) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	if err := q.Check(); err != nil {
		return err
	}
	old := t.workspaces.rows[id]
	if old == nil {
		return notFound("workspace", id)
	}
	w := *old
	w.Quotas = q
	put(tx, t.workspaces, id, &w)
	return nil
}

func (tx *txn) DeleteWorkspace(ctx context.Context, id string) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	if t.workspaces.rows[id] == nil {
		return notFound("workspace", id)
	}
	// Keys and tokens are found both by workspace and by owner, so that
	// nothing of a deleted principal survives even if it was written with a
	// workspace id that is not its owner's.
	var owners []store.Owner
	for _, memberID := range t.membersByWorkspace.ids(id) {
		owners = append(owners, store.Owner{Type: store.OwnerUser, ID: memberID})
		put(tx, t.members, memberID, nil)
	}
	for _, accountID := range t.accountsByWorkspace.ids(id) {
		owners = append(owners, store.Owner{Type: store.OwnerServiceAccount, ID: accountID})
		put(tx, t.accounts, accountID, nil)
	}
	keyIDs := t.keysByWorkspace.lookup(id)
	tokenIDs := t.tokensByWorkspace.lookup(id)
	for _, owner := range owners {
		keyIDs = append(keyIDs, t.keysByOwner.ids(owner)...)
		tokenIDs = append(tokenIDs, t.tokensByOwner.lookup(owner)...)
	}
	for _, keyID := range keyIDs {
		if t.keys.rows[keyID] != nil {
			put(tx, t.keys, keyID, nil)
		}
	}
	for _, tokenID := range tokenIDs {
		if t.tokens.rows[tokenID] != nil {
			put(tx, t.tokens, tokenID, nil)
		}
	}
	for _, resourceID := range t.resourcesByWorkspace.lookup(id) {
		put(tx, t.resources, resourceID, nil)
	}
	put(tx, t.workspaces, id, nil)
	return nil
}

// requireWorkspace is the foreign key of every workspace-owned row.
func requireWorkspace(t *tables, id string) error {
	if t.workspaces.rows[id] == nil {
		return notFound("workspace", id)
	}
	return nil
}

// Members.

func (tx *txn) CreateMember(ctx context.Context, m store.Member) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	if err := m.Check(); err != nil {
		return err
	}
	if err := requireWorkspace(t, m.WorkspaceID); err != nil {
		return err
	}
	if t.members.rows[m.ID] != nil {
		return alreadyExists("member", m.ID)
	}
	if m.RemovedAt == nil {
		if err := t.emailFree(m.Email); err != nil {
			return err
		}
	}
	m = cloneMember(m)
	put(tx, t.members, m.ID, &m)
	return nil
}

func (tx *txn) GetMember(ctx context.Context, id string) (store.Member, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return store.Member{}, err
	}
	m := t.members.rows[id]
	if m == nil {
		return store.Member{}, notFound("member", id)
	}
	return cloneMember(*m), nil
}

func (tx *txn) GetMemberByEmail(ctx context.Context, email string) (store.Member, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return store.Member{}, err
	}
	m := t.liveMemberByEmail.lookup(strings.ToLower(email))
	if m == nil {
		return store.Member{}, notFound("member email", email)
	}
	return cloneMember(*m), nil
}

func (tx *txn) ListMembers(ctx context.Context, workspaceID string, includeRemoved bool) ([]store.Member, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return nil, err
	}
	return all(t.membersOf(includeRemoved), workspaceID, memberOf), nil
}

func (tx *txn) PageMembers(ctx context.Context, workspaceID string, includeRemoved bool, p store.Page) ([]store.Member, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return nil, err
	}
	return page(t.membersOf(includeRemoved), workspaceID, p, memberOf), nil
}

func (tx *txn) CountMembers(ctx context.Context, workspaceID string) (int, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return 0, err
	}
	return t.liveMembersByWorkspace.count(workspaceID), nil
}

func (t *tables) membersOf(includeRemoved bool) *orderedIndex[store.Member, string] {
	if includeRemoved {
		return t.membersByWorkspace
	}
	return t.liveMembersByWorkspace
}

func memberOf(m *store.Member) store.Member { return cloneMember(*m) }

func (tx *txn) UpdateMemberRole(ctx context.Context, id string, role store.Role) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	if err := store.CheckRole(role); err != nil {
		return err
	}
	old := t.members.rows[id]
	if old == nil {
		return notFound("member", id)
	}
	m := *old
	m.Role = role
	put(tx, t.members, id, &m)
	return nil
}

func (tx *txn) MarkMemberRemoved(ctx context.Context, id string, at time.Time) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	old := t.members.rows[id]
	if old == nil || old.RemovedAt != nil {
		return notFound("live member", id)
	}
	m := *old
	m.RemovedAt = cloneTime(&at)
	put(tx, t.members, id, &m)
	return nil
}

// Service accounts.

func (tx *txn) CreateServiceAccount(ctx context.Context, sa store.ServiceAccount) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	if err := sa.Check(); err != nil {
		return err
	}
	if err := requireWorkspace(t, sa.WorkspaceID); err != nil {
		return err
	}
	if t.accounts.rows[sa.ID] != nil {
		return alreadyExists("service account", sa.ID)
	}
	if sa.DeletedAt == nil {
		if err := t.emailFree(sa.Email); err != nil {
			return err
		}
	}
	sa = cloneServiceAccount(sa)
	put(tx, t.accounts, sa.ID, &sa)
	return nil
}

// emailFree is the rule of one identity per email: no live member and no
// live service account holds it, compared case-insensitively.
func (t *tables) emailFree(email string) error {
	lower := strings.ToLower(email)
	if t.liveMemberByEmail.lookup(lower) != nil {
		return alreadyExists("email of a live member", email)
	}
	if t.liveAccountByEmail.lookup(lower) != nil {
		return alreadyExists("email of a live service account", email)
	}
	return nil
}

func (tx *txn) GetServiceAccountByEmail(ctx context.Context, email string) (store.ServiceAccount, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return store.ServiceAccount{}, err
	}
	sa := t.liveAccountByEmail.lookup(strings.ToLower(email))
	if sa == nil {
		return store.ServiceAccount{}, notFound("service account email", email)
	}
	return cloneServiceAccount(*sa), nil
}

func (tx *txn) GetServiceAccount(ctx context.Context, id string) (store.ServiceAccount, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return store.ServiceAccount{}, err
	}
	sa := t.accounts.rows[id]
	if sa == nil {
		return store.ServiceAccount{}, notFound("service account", id)
	}
	return cloneServiceAccount(*sa), nil
}

func (tx *txn) ListServiceAccounts(ctx context.Context, workspaceID string, includeDeleted bool) ([]store.ServiceAccount, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return nil, err
	}
	return all(t.accountsOf(includeDeleted), workspaceID, accountOf), nil
}

func (tx *txn) PageServiceAccounts(ctx context.Context, workspaceID string, includeDeleted bool, p store.Page) ([]store.ServiceAccount, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return nil, err
	}
	return page(t.accountsOf(includeDeleted), workspaceID, p, accountOf), nil
}

func (tx *txn) CountServiceAccounts(ctx context.Context, workspaceID string) (int, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return 0, err
	}
	return t.liveAccountsByWorkspace.count(workspaceID), nil
}

func (t *tables) accountsOf(includeDeleted bool) *orderedIndex[store.ServiceAccount, string] {
	if includeDeleted {
		return t.accountsByWorkspace
	}
	return t.liveAccountsByWorkspace
}

func accountOf(sa *store.ServiceAccount) store.ServiceAccount { return cloneServiceAccount(*sa) }

func (tx *txn) UpdateServiceAccount(ctx context.Context, sa store.ServiceAccount) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	if err := sa.CheckUpdate(); err != nil {
		return err
	}
	old := t.accounts.rows[sa.ID]
	if old == nil {
		return notFound("service account", sa.ID)
	}
	updated := *old
	updated.Role = sa.Role
	updated.Description = sa.Description
	put(tx, t.accounts, sa.ID, &updated)
	return nil
}

func (tx *txn) MarkServiceAccountDeleted(ctx context.Context, id string, at time.Time) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	old := t.accounts.rows[id]
	if old == nil || old.DeletedAt != nil {
		return notFound("live service account", id)
	}
	sa := *old
	sa.DeletedAt = cloneTime(&at)
	put(tx, t.accounts, id, &sa)
	return nil
}

// Keys.

func (tx *txn) CreateKey(ctx context.Context, k store.Key) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	if err := k.Check(); err != nil {
		return err
	}
	if err := requireWorkspace(t, k.WorkspaceID); err != nil {
		return err
	}
	if t.keys.rows[k.ID] != nil {
		return alreadyExists("key", k.ID)
	}
	if k.Active() {
		if t.activeKeyByHex.lookup(k.PublicKeyHex) != nil {
			return fmt.Errorf("memory: key %s: %w", k.PublicKeyHex, store.ErrDuplicateKey)
		}
	}
	row := &keyRow{Key: k, lastUsed: newUsageClock(cloneTime(k.LastUsedAt))}
	row.CreatedAt = normalTime(row.CreatedAt)
	row.RevokedAt = cloneTime(row.RevokedAt)
	row.LastUsedAt = nil
	put(tx, t.keys, k.ID, row)
	return nil
}

func (tx *txn) GetKey(ctx context.Context, id string) (store.Key, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return store.Key{}, err
	}
	row := t.keys.rows[id]
	if row == nil {
		return store.Key{}, notFound("key", id)
	}
	return row.toKey(), nil
}

func (tx *txn) PageKeys(ctx context.Context, owner store.Owner, p store.Page) ([]store.Key, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return nil, err
	}
	return page(t.keysByOwner, owner, p, (*keyRow).toKey), nil
}

func (tx *txn) ListWorkspaceKeys(ctx context.Context, workspaceID string) ([]store.Key, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return nil, err
	}
	ids := t.keysByWorkspace.lookup(workspaceID)
	list := make([]store.Key, 0, len(ids))
	for _, id := range ids {
		list = append(list, t.keys.rows[id].toKey())
	}
	oldestFirst(list, func(k *store.Key) time.Time { return k.CreatedAt }, func(k *store.Key) string { return k.ID })
	return list, nil
}

func (tx *txn) CountActiveKeys(ctx context.Context, owner store.Owner) (int, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return 0, err
	}
	return t.activeKeysByOwner.count(owner), nil
}

func (tx *txn) RevokeKey(ctx context.Context, id string, at time.Time, reason string) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	if err := store.CheckReason(reason); err != nil {
		return err
	}
	old := t.keys.rows[id]
	if old == nil || !old.Active() {
		return notFound("active key", id)
	}
	tx.revoke(t, old, at, reason)
	return nil
}

func (tx *txn) RevokeOwnerKeys(ctx context.Context, owner store.Owner, at time.Time, reason string) (int, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return 0, err
	}
	if err := store.CheckReason(reason); err != nil {
		return 0, err
	}
	ids := t.activeKeysByOwner.lookup(owner)
	for _, id := range ids {
		tx.revoke(t, t.keys.rows[id], at, reason)
	}
	return len(ids), nil
}

// revoke revokes one key and deletes the bearer tokens it minted.
func (tx *txn) revoke(t *tables, old *keyRow, at time.Time, reason string) {
	row := *old // shares the usage clock: touches outlive the revocation
	row.RevokedAt = cloneTime(&at)
	row.RevokeReason = reason
	put(tx, t.keys, row.ID, &row)
	for _, tokenID := range t.tokensByKey.lookup(row.ID) {
		put(tx, t.tokens, tokenID, nil)
	}
}

// Tokens.

func (tx *txn) CreateToken(ctx context.Context, tok store.Token) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	if err := tok.Check(); err != nil {
		return err
	}
	if err := requireWorkspace(t, tok.WorkspaceID); err != nil {
		return err
	}
	if t.tokens.rows[tok.ID] != nil {
		return alreadyExists("token", tok.ID)
	}
	if t.tokenByHash.lookup(tok.Hash) != nil {
		return alreadyExists("token hash", tok.Hash)
	}
	tok = cloneToken(tok)
	put(tx, t.tokens, tok.ID, &tok)
	return nil
}

func (tx *txn) DeleteToken(ctx context.Context, hash string) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	tok := t.tokenByHash.lookup(hash)
	if tok == nil {
		return fmt.Errorf("memory: token: %w", store.ErrNotFound)
	}
	put(tx, t.tokens, tok.ID, nil)
	return nil
}

func (tx *txn) DeleteOwnerTokens(ctx context.Context, owner store.Owner) (int, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return 0, err
	}
	ids := t.tokensByOwner.lookup(owner)
	for _, id := range ids {
		put(tx, t.tokens, id, nil)
	}
	return len(ids), nil
}

func (tx *txn) ListWorkspaceTokens(ctx context.Context, workspaceID string) ([]store.Token, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return nil, err
	}
	ids := t.tokensByWorkspace.lookup(workspaceID)
	list := make([]store.Token, 0, len(ids))
	for _, id := range ids {
		list = append(list, *t.tokens.rows[id])
	}
	oldestFirst(list, func(tok *store.Token) time.Time { return tok.CreatedAt }, func(tok *store.Token) string { return tok.ID })
	return list, nil
}

// Resources.

func (tx *txn) CreateResource(ctx context.Context, r store.Resource) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	if err := r.Check(); err != nil {
		return err
	}
	if err := requireWorkspace(t, r.WorkspaceID); err != nil {
		return err
	}
	if t.resources.rows[r.ID] != nil {
		return alreadyExists("resource", r.ID)
	}
	r = cloneResource(r)
	put(tx, t.resources, r.ID, &r)
	return nil
}

func (tx *txn) CountResources(ctx context.Context, workspaceID string) (int, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return 0, err
	}
	return t.resourcesByWorkspace.count(workspaceID), nil
}

// resource returns the stored resource with that id if it belongs to the
// workspace and is of that kind: a resource of another workspace does not
// exist as far as the caller is concerned.
func (t *tables) resource(workspaceID string, kind store.ResourceKind, id string) (*store.Resource, error) {
	r := t.resources.rows[id]
	if r == nil || r.WorkspaceID != workspaceID || r.Kind != kind {
		return nil, notFound(string(kind), id)
	}
	return r, nil
}

func (tx *txn) GetResource(ctx context.Context, workspaceID string, kind store.ResourceKind, id string) (store.Resource, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return store.Resource{}, err
	}
	r, err := t.resource(workspaceID, kind, id)
	if err != nil {
		return store.Resource{}, err
	}
	return cloneResource(*r), nil
}

func (tx *txn) ListResources(ctx context.Context, workspaceID string, kind store.ResourceKind) ([]store.Resource, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return nil, err
	}
	return all(t.resourcesByKind[store.ByCreated], workspaceKind{workspaceID, kind}, resourceOf), nil
}

func resourceOf(r *store.Resource) store.Resource { return cloneResource(*r) }

// UpdateResource addresses the resource by r's workspace, kind and id, like
// GetResource, and stores its mutable fields.
func (tx *txn) UpdateResource(ctx context.Context, r store.Resource) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	if err := r.CheckUpdate(); err != nil {
		return err
	}
	old, err := t.resource(r.WorkspaceID, r.Kind, r.ID)
	if err != nil {
		return err
	}
	r = cloneResource(r)
	updated := *old
	updated.Title = r.Title
	updated.Description = r.Description
	updated.SharedWith = r.SharedWith
	updated.UpdatedAt = r.UpdatedAt
	updated.Attributes = r.Attributes
	put(tx, t.resources, r.ID, &updated)
	return nil
}

func (tx *txn) DeleteResource(ctx context.Context, workspaceID string, kind store.ResourceKind, id string) error {
	t, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	if _, err := t.resource(workspaceID, kind, id); err != nil {
		return err
	}
	put(tx, t.resources, id, nil)
	return nil
}

// DeleteAll replaces the whole state by an empty one; undoing it puts the old
// state back, so its cost does not depend on how much was stored.
func (tx *txn) DeleteAll(ctx context.Context) error {
	old, err := tx.begin(ctx)
	if err != nil {
		return err
	}
	tx.s.data = newTables()
	tx.undo = append(tx.undo, func() { tx.s.data = old })
	return nil
}
