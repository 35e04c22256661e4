// Package memory is the in-process store.Store: the zero-setup default of the
// emulator. It keeps every row in maps indexed the way the queries need them
// (a public key resolves in one map lookup however many keys are stored),
// serialises transactions with one lock, and undoes a failed transaction's
// writes from an undo log, so it honours the same contract as the Postgres
// backend and passes the same conformance suite (package storetest).
//
// Nothing is persisted: the state lives as long as the Store value.
package memory

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// Store is an in-memory store.Store. The zero value is not usable; call New.
//
// Transactions hold the store's write lock for their whole duration, so they
// run one at a time: that makes every transaction serialisable, and makes
// the guarantees of Tx.LockWorkspace and Tx.LockOwner hold trivially.
// ResolveKey, ResolveToken, TouchKeys and Ping take the read lock only, so
// the authentication path never waits for other readers, only for a
// transaction in progress.
type Store struct {
	mu     sync.RWMutex
	data   *tables // nil once closed
	closed bool

	controls *controls     // fault rules and clock (controls.go)
	closing  chan struct{} // closed by Close, ending the watches
}

var _ store.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{data: newTables(), controls: newControls(), closing: make(chan struct{})}
}

// tables is the whole state of a store: one table per row type, with the
// secondary indexes each query needs. The ordered indexes (ordered.go)
// serve the paged listings and every listing in a fixed order.
type tables struct {
	workspaces           *table[store.Workspace]
	workspacesByCreation *orderedIndex[store.Workspace, struct{}]

	members                *table[store.Member]
	liveMemberByEmail      *uniqueIndex[store.Member] // lower(email) of members not removed
	membersByWorkspace     *orderedIndex[store.Member, string]
	liveMembersByWorkspace *orderedIndex[store.Member, string]

	accounts                *table[store.ServiceAccount]
	liveAccountByEmail      *uniqueIndex[store.ServiceAccount] // lower(email) of accounts not deleted
	accountsByWorkspace     *orderedIndex[store.ServiceAccount, string]
	liveAccountsByWorkspace *orderedIndex[store.ServiceAccount, string]

	keys              *table[keyRow]
	activeKeyByHex    *uniqueIndex[keyRow]
	revokedKeysByHex  *groupIndex[keyRow, string]
	keysByOwner       *orderedIndex[keyRow, store.Owner]
	activeKeysByOwner *groupIndex[keyRow, store.Owner]
	keysByWorkspace   *groupIndex[keyRow, string]

	tokens            *table[store.Token]
	tokenByHash       *uniqueIndex[store.Token]
	tokensByOwner     *groupIndex[store.Token, store.Owner]
	tokensByWorkspace *groupIndex[store.Token, string]
	tokensByKey       *groupIndex[store.Token, string] // bearers by the key that minted them

	resources            *table[store.Resource]
	resourcesByWorkspace *groupIndex[store.Resource, string]
	// resourcesByKind lists the resources of a kind, in each order;
	// resourcesByAccess lists them under each principal that created them
	// or that they are shared with.
	resourcesByKind   [2]*orderedIndex[store.Resource, workspaceKind]
	resourcesByAccess [2]*orderedIndex[store.Resource, resourceAccess]
}

type workspaceKind struct {
	workspaceID string
	kind        store.ResourceKind
}

// resourceAccess names the resources of a kind a principal reaches
// directly: those it created and those shared with it.
type resourceAccess struct {
	workspaceKind
	owner store.Owner
}

func kindOf(r *store.Resource) workspaceKind { return workspaceKind{r.WorkspaceID, r.Kind} }

func accessOf(r *store.Resource) []resourceAccess {
	out := []resourceAccess{{kindOf(r), r.CreatedBy}}
	for _, o := range r.SharedWith {
		if !slices.ContainsFunc(out, func(a resourceAccess) bool { return a.owner == o }) {
			out = append(out, resourceAccess{kindOf(r), o})
		}
	}
	return out
}

// resourcePosition returns the position function of an order.
func resourcePosition(order store.ResourceOrder) func(*store.Resource) position {
	if order == store.ByName {
		return func(r *store.Resource) position { return namePosition(r.Title, r.ID) }
	}
	return func(r *store.Resource) position { return createdPosition(r.CreatedAt, r.ID) }
}

// keyRow is a stored key. LastUsedAt lives outside the immutable row, in a
// cell shared by every version of the row, because TouchKeys updates it
// under the read lock, concurrently with resolutions; Key.LastUsedAt of a
// keyRow is always nil.
type keyRow struct {
	store.Key
	lastUsed *usageClock
}

func newTables() *tables {
	memberPosition := func(m *store.Member) position { return createdPosition(m.CreatedAt, m.ID) }
	accountPosition := func(sa *store.ServiceAccount) position { return createdPosition(sa.CreatedAt, sa.ID) }
	t := &tables{
		workspacesByCreation: newOrderedIndex(oneGroup(func(*store.Workspace) (struct{}, bool) { return struct{}{}, true }),
			func(w *store.Workspace) position { return createdPosition(w.CreatedAt, w.ID) }),

		liveMemberByEmail: newUniqueIndex(func(m *store.Member) (string, bool) {
			return strings.ToLower(m.Email), m.RemovedAt == nil
		}),
		membersByWorkspace:     newOrderedIndex(oneGroup(func(m *store.Member) (string, bool) { return m.WorkspaceID, true }), memberPosition),
		liveMembersByWorkspace: newOrderedIndex(oneGroup(func(m *store.Member) (string, bool) { return m.WorkspaceID, m.RemovedAt == nil }), memberPosition),

		liveAccountByEmail: newUniqueIndex(func(sa *store.ServiceAccount) (string, bool) {
			return strings.ToLower(sa.Email), sa.DeletedAt == nil
		}),
		accountsByWorkspace:     newOrderedIndex(oneGroup(func(sa *store.ServiceAccount) (string, bool) { return sa.WorkspaceID, true }), accountPosition),
		liveAccountsByWorkspace: newOrderedIndex(oneGroup(func(sa *store.ServiceAccount) (string, bool) { return sa.WorkspaceID, sa.DeletedAt == nil }), accountPosition),

		activeKeyByHex:   newUniqueIndex(func(k *keyRow) (string, bool) { return k.PublicKeyHex, k.Active() }),
		revokedKeysByHex: newGroupIndex(func(k *keyRow) (string, bool) { return k.PublicKeyHex, !k.Active() }),
		keysByOwner: newOrderedIndex(oneGroup(func(k *keyRow) (store.Owner, bool) { return k.Owner, true }),
			func(k *keyRow) position { return createdPosition(k.CreatedAt, k.ID) }),
		activeKeysByOwner: newGroupIndex(func(k *keyRow) (store.Owner, bool) { return k.Owner, k.Active() }),
		keysByWorkspace:   newGroupIndex(func(k *keyRow) (string, bool) { return k.WorkspaceID, true }),

		tokenByHash:       newUniqueIndex(func(tok *store.Token) (string, bool) { return tok.Hash, true }),
		tokensByOwner:     newGroupIndex(func(tok *store.Token) (store.Owner, bool) { return tok.Owner, true }),
		tokensByWorkspace: newGroupIndex(func(tok *store.Token) (string, bool) { return tok.WorkspaceID, true }),
		tokensByKey:       newGroupIndex(func(tok *store.Token) (string, bool) { return tok.KeyID, tok.KeyID != "" }),

		resourcesByWorkspace: newGroupIndex(func(r *store.Resource) (string, bool) { return r.WorkspaceID, true }),
	}
	resourceIndexes := []index[store.Resource]{t.resourcesByWorkspace}
	for _, order := range []store.ResourceOrder{store.ByCreated, store.ByName} {
		t.resourcesByKind[order] = newOrderedIndex(oneGroup(func(r *store.Resource) (workspaceKind, bool) { return kindOf(r), true }), resourcePosition(order))
		t.resourcesByAccess[order] = newOrderedIndex(accessOf, resourcePosition(order))
		resourceIndexes = append(resourceIndexes, t.resourcesByKind[order], t.resourcesByAccess[order])
	}
	t.workspaces = newTable[store.Workspace](t.workspacesByCreation)
	t.members = newTable[store.Member](t.liveMemberByEmail, t.membersByWorkspace, t.liveMembersByWorkspace)
	t.accounts = newTable[store.ServiceAccount](t.liveAccountByEmail, t.accountsByWorkspace, t.liveAccountsByWorkspace)
	t.keys = newTable[keyRow](t.activeKeyByHex, t.revokedKeysByHex, t.keysByOwner, t.activeKeysByOwner, t.keysByWorkspace)
	t.tokens = newTable[store.Token](t.tokenByHash, t.tokensByOwner, t.tokensByWorkspace, t.tokensByKey)
	t.resources = newTable[store.Resource](resourceIndexes...)
	return t
}

// Tx runs fn with the store's write lock held. If fn returns an error or
// panics, every write it made is undone, in reverse order, before the lock is
// released (a panic then continues). A context already done when the
// transaction would start, or once the lock is acquired, stops it before fn
// runs.
//
// fn must not call the Store's own methods (Tx, ResolveKey, ...): they wait
// for the lock fn's transaction holds, so the call would never return. Read
// through tx instead.
func (s *Store) Tx(ctx context.Context, fn func(tx store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory: begin transaction: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory: begin transaction: %w", err)
	}
	if s.closed {
		return errClosed
	}

	tx := &txn{s: s}
	committed := false
	defer func() {
		tx.done.Store(true)
		if !committed {
			tx.rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	committed = true
	return nil
}

// View implements store.Store: fn reads under the shared lock, so views run
// side by side and wait only for transactions.
func (s *Store) View(ctx context.Context, fn func(tx store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory: begin view: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return errClosed
	}
	tx := &txn{s: s}
	defer tx.done.Store(true)
	return fn(store.ReadOnly(tx))
}

// ResolveKey implements store.Store.
func (s *Store) ResolveKey(ctx context.Context, publicKeyHex string) (store.KeyResolution, error) {
	if err := ctx.Err(); err != nil {
		return store.KeyResolution{}, fmt.Errorf("memory: resolve key: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.KeyResolution{}, errClosed
	}

	row := s.data.resolveKeyRow(publicKeyHex)
	if row == nil {
		return store.KeyResolution{}, fmt.Errorf("memory: key %q: %w", publicKeyHex, store.ErrNotFound)
	}
	owner := s.data.describeOwner(row.Owner)
	return store.KeyResolution{
		Key:         row.toKey(),
		WorkspaceID: row.WorkspaceID,
		Role:        owner.role,
		Email:       owner.email,
		Name:        owner.name,
		OwnerGone:   owner.gone,
	}, nil
}

// resolveKeyRow returns the active key registered under publicKeyHex, else the
// most recently revoked one, else nil.
func (t *tables) resolveKeyRow(publicKeyHex string) *keyRow {
	if row := t.activeKeyByHex.lookup(publicKeyHex); row != nil {
		return row
	}
	var latest *keyRow
	for _, id := range t.revokedKeysByHex.lookup(publicKeyHex) {
		row := t.keys.rows[id]
		if latest == nil || revokedLater(row, latest) {
			latest = row
		}
	}
	return latest
}

// revokedLater orders revoked keys by revocation time, then by creation time
// and id so that the choice among equal times is deterministic.
func revokedLater(a, b *keyRow) bool {
	if !a.RevokedAt.Equal(*b.RevokedAt) {
		return a.RevokedAt.After(*b.RevokedAt)
	}
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.After(b.CreatedAt)
	}
	return a.ID > b.ID
}

// ownerView is what resolutions report about a key's or token's owner.
type ownerView struct {
	role        store.Role
	email, name string
	gone        bool
}

// describeOwner describes owner as it is now. An owner without a row (the
// store does not require one when a key or token is created) counts as gone.
func (t *tables) describeOwner(owner store.Owner) ownerView {
	switch owner.Type {
	case store.OwnerUser:
		if m := t.members.rows[owner.ID]; m != nil {
			return ownerView{role: m.Role, email: m.Email, name: m.Name, gone: m.RemovedAt != nil}
		}
	case store.OwnerServiceAccount:
		if sa := t.accounts.rows[owner.ID]; sa != nil {
			return ownerView{role: sa.Role, email: sa.Email, name: sa.Name, gone: sa.DeletedAt != nil}
		}
	}
	return ownerView{gone: true}
}

// ResolveToken implements store.Store.
func (s *Store) ResolveToken(ctx context.Context, hash string) (store.TokenResolution, error) {
	if err := ctx.Err(); err != nil {
		return store.TokenResolution{}, fmt.Errorf("memory: resolve token: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.TokenResolution{}, errClosed
	}

	row := s.data.tokenByHash.lookup(hash)
	if row == nil {
		return store.TokenResolution{}, fmt.Errorf("memory: token: %w", store.ErrNotFound)
	}
	tok := *row
	owner := s.data.describeOwner(tok.Owner)
	return store.TokenResolution{
		Token:     tok,
		Role:      owner.role,
		Email:     owner.email,
		Name:      owner.name,
		OwnerGone: owner.gone,
		KeyGone:   tok.Kind == store.TokenBearer && !s.data.keyActive(tok.KeyID),
	}, nil
}

// keyActive reports whether a key with that id exists and is active.
func (t *tables) keyActive(id string) bool {
	row := t.keys.rows[id]
	return row != nil && row.Active()
}

// PurgeExpiredTokens implements store.Store. It holds the write lock for one
// pass over the tokens, which is as long as a transaction that lists them:
// the purge itself keeps that number down to the tokens still valid.
func (s *Store) PurgeExpiredTokens(ctx context.Context, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("memory: purge expired tokens: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, errClosed
	}
	before = normalTime(before)
	var expired []string
	for id, tok := range s.data.tokens.rows {
		if !tok.ExpiresAt.After(before) {
			expired = append(expired, id)
		}
	}
	for _, id := range expired {
		s.data.tokens.put(id, nil)
	}
	return len(expired), nil
}

// TouchKeys implements store.Store. It runs under the read lock: LastUsedAt
// is kept in a per-key atomic cell, so touches do not block resolutions.
func (s *Store) TouchKeys(ctx context.Context, lastUsed map[string]time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory: touch keys: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return errClosed
	}
	for id, at := range lastUsed {
		if row := s.data.keys.rows[id]; row != nil {
			row.lastUsed.advance(at)
		}
	}
	return nil
}

// Ping implements store.Store: it fails only once the store is closed.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory: ping: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return errClosed
	}
	return nil
}

// Close drops the store's data. Every later call fails with
// store.ErrUnavailable. Closing twice is harmless.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		close(s.closing)
		s.controls.close()
	}
	s.closed = true
	s.data = nil
	return nil
}

var errClosed = fmt.Errorf("memory: store closed: %w", store.ErrUnavailable)

// usageClock holds a key's LastUsedAt as Unix microseconds, neverUsed when
// the key was never used.
type usageClock struct{ micros atomic.Int64 }

const neverUsed = math.MinInt64

func newUsageClock(at *time.Time) *usageClock {
	c := &usageClock{}
	if at == nil {
		c.micros.Store(neverUsed)
	} else {
		c.micros.Store(at.UnixMicro())
	}
	return c
}

// advance sets the clock to at unless it already holds a later time.
func (c *usageClock) advance(at time.Time) {
	next := at.UnixMicro()
	for {
		current := c.micros.Load()
		if current != neverUsed && current >= next {
			return
		}
		if c.micros.CompareAndSwap(current, next) {
			return
		}
	}
}

func (c *usageClock) load() *time.Time {
	micros := c.micros.Load()
	if micros == neverUsed {
		return nil
	}
	at := time.UnixMicro(micros).UTC()
	return &at
}

// toKey returns a copy of the key that shares nothing with the row.
func (k *keyRow) toKey() store.Key {
	key := k.Key
	key.RevokedAt = cloneTime(key.RevokedAt)
	key.LastUsedAt = k.lastUsed.load()
	return key
}

// Values cross the store's boundary as copies, both ways: nothing a caller
// holds aliases a stored row. Times are normalised on the way in to what the
// contract promises to keep (UTC, microseconds), as Postgres would.

func normalTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	normal := normalTime(*t)
	return &normal
}

func cloneWorkspace(w store.Workspace) store.Workspace {
	w.CreatedAt = normalTime(w.CreatedAt)
	return w
}

func cloneMember(m store.Member) store.Member {
	m.CreatedAt = normalTime(m.CreatedAt)
	m.RemovedAt = cloneTime(m.RemovedAt)
	return m
}

func cloneServiceAccount(sa store.ServiceAccount) store.ServiceAccount {
	sa.CreatedAt = normalTime(sa.CreatedAt)
	sa.DeletedAt = cloneTime(sa.DeletedAt)
	return sa
}

func cloneToken(tok store.Token) store.Token {
	tok.CreatedAt = normalTime(tok.CreatedAt)
	tok.ExpiresAt = normalTime(tok.ExpiresAt)
	return tok
}

func cloneResource(r store.Resource) store.Resource {
	r.CreatedAt = normalTime(r.CreatedAt)
	r.UpdatedAt = normalTime(r.UpdatedAt)
	r.SharedWith = slices.Clone(r.SharedWith)
	r.Attributes = slices.Clone(r.Attributes)
	return r
}
