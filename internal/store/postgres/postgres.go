// Package postgres is the Postgres backend of store.Store, for persistence and
// for several server replicas sharing one database. Uniqueness rules are
// constraints of the schema (package migrations), and Tx.LockWorkspace and
// Tx.LockOwner are row locks, so the guarantees of the store contract hold
// across processes.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/encord-emulator/encord-emulator/internal/defaults"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// rollbackTimeout bounds the rollback of a failed transaction, which runs
// even when the caller's context is already done.
const rollbackTimeout = 5 * time.Second

// Options tune the connection pool. Zero fields take the defaults of
// package defaults (DBMaxConns, DBConnectTimeout, DBStatementTimeout).
type Options struct {
	// MaxConns is the size of the connection pool.
	MaxConns int32
	// ConnectTimeout bounds establishing one connection.
	ConnectTimeout time.Duration
	// StatementTimeout is the server-side statement_timeout of every
	// connection: a statement running longer (including waiting for a
	// workspace lock) fails with store.ErrUnavailable.
	StatementTimeout time.Duration
	// Schema, when set, is the Postgres schema holding the tables (the
	// connections' search_path); it must exist before migrations run. By
	// default the tables live where the connection's search_path puts them.
	Schema string
}

func (o Options) withDefaults() Options {
	if o.MaxConns <= 0 {
		o.MaxConns = defaults.DBMaxConns
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = defaults.DBConnectTimeout
	}
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = defaults.DBStatementTimeout
	}
	return o
}

// Store implements store.Store over a pgx connection pool.
type Store struct {
	pool *pgxpool.Pool
	keys *keyLookups
	// reads pipelines View's queries under load; view, a read-only tx over
	// it, holds nothing but that connection, so one serves every View.
	reads *viewReads
	view  store.Tx

	// watching is the context of WatchControls' connections; Close cancels
	// it (stopWatching) before closing the pool.
	watching     context.Context
	stopWatching context.CancelFunc
}

var _ store.Store = (*Store)(nil)

// querier is what both the pool and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Open connects to the database named by dsn: a postgres:// URL, a key=value
// connection string, or "" to use only the PG* environment variables (as
// libpq does; those also fill whatever dsn leaves out).
//
// Open fails with an error wrapping store.ErrUnavailable when the database
// cannot be reached, and with one wrapping ErrSchemaTooNew when a newer build
// migrated it. A database not yet migrated is accepted, so that a replica can
// start while another migrates; Ping reports it as not ready.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	config, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parsing connection string: %w", err)
	}
	config.MaxConns = opts.MaxConns
	config.ConnConfig.ConnectTimeout = opts.ConnectTimeout
	params := config.ConnConfig.RuntimeParams
	params["statement_timeout"] = strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10)
	if opts.Schema != "" {
		params["search_path"] = opts.Schema
	}
	if params["application_name"] == "" {
		params["application_name"] = "encord-emulator"
	}

	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", translate(err))
	}
	s := &Store{pool: pool}
	s.reads = newViewReads(pool, opts.ConnectTimeout+opts.StatementTimeout, batchSlots(opts.MaxConns), viewReadBatch)
	s.view = store.ReadOnly(&tx{tx: storableOnly{s.reads}})
	s.keys = newKeyLookups(s.resolveKeys, opts.ConnectTimeout+opts.StatementTimeout,
		batchSlots(opts.MaxConns), keyLookupBatch)
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connecting: %w", translate(err))
	}
	version, dirty, err := readSchemaVersion(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	if err := checkSchemaVersion(version, dirty); errors.Is(err, ErrSchemaTooNew) {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s.watching, s.stopWatching = context.WithCancel(context.Background())
	return s, nil
}

// Ping reports whether the database answers and carries exactly the schema
// version of this build (not dirty). Every error wraps store.ErrUnavailable;
// a schema in the wrong state also wraps one of the ErrSchema* errors.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return asUnavailable(fmt.Errorf("postgres: ping: %w", translate(err)))
	}
	version, dirty, err := readSchemaVersion(ctx, s.pool)
	if err != nil {
		return asUnavailable(err)
	}
	if err := checkSchemaVersion(version, dirty); err != nil {
		return asUnavailable(fmt.Errorf("postgres: %w", err))
	}
	return nil
}

// Close closes the pool, waiting for connections in use to be returned.
func (s *Store) Close() error {
	s.stopWatching()
	s.pool.Close()
	return nil
}

// Tx runs fn in a read-committed transaction. Writes that depend on counts
// are serialised by row locks (Tx.LockWorkspace, Tx.LockOwner: SELECT ...
// FOR NO KEY UPDATE), uniqueness by the schema's constraints.
func (s *Store) Tx(ctx context.Context, fn func(tx store.Tx) error) error {
	pgTx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", translate(err))
	}
	// Rolling back a committed transaction is a no-op; this also covers a
	// panicking fn.
	defer func() {
		rollbackCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		_ = pgTx.Rollback(rollbackCtx)
	}()

	if err := fn(&tx{tx: storableOnly{pgTx}}); err != nil {
		return err
	}
	if err := pgTx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", translate(err))
	}
	return nil
}

// View implements store.Store: fn's reads run on the pool, each a statement
// of its own under read committed, as they would inside Tx, without the
// round trips of BEGIN and COMMIT; under load, the reads of concurrent Views
// share pipelines (viewReads).
func (s *Store) View(ctx context.Context, fn func(tx store.Tx) error) error {
	return fn(s.view)
}

// ownerNowColumns and ownerNow select, for the key or token aliased owned,
// its owner as it is now: role, email, name and whether the owner is gone
// (a removed member, a deleted service account, or a missing owner row).
// The lateral subquery probes one primary key: owned.owner_type makes one
// of its two branches a one-time filter that is never run. (Two LEFT JOINs,
// one per owner table, took a quarter more time per lookup in pgbench.)
const (
	ownerNowColumns = `
       COALESCE(o.role, ''), COALESCE(o.email, ''), COALESCE(o.name, ''), COALESCE(o.gone, true)`
	ownerNow = `
LEFT JOIN LATERAL (
    SELECT role, email, name, removed_at IS NOT NULL AS gone FROM members
    WHERE owned.owner_type = 'user' AND id = owned.owner_id
    UNION ALL
    SELECT role, email, name, deleted_at IS NOT NULL FROM service_accounts
    WHERE owned.owner_type = 'service_account' AND id = owned.owner_id
) o ON true`
)

// resolveKeysSQL(n) reads, for each of n public keys ($1…$n), the key
// registered under it: the active one first, else the most recently revoked
// (one entry of keys_public_key_hex_idx per public key), with its owner as it
// is now. One statement answers a whole batch of ResolveKey calls
// (keyLookups), prepared once per connection by pgx, with no transaction. A
// public key with no key has no row.
//
// The public keys are a VALUES list, not an array, so that the planner knows
// how many there are: with unnest($1) it guesses ten, its generic plan looks
// ten times dearer than a custom one, and every execution is planned anew
// (0.18 ms, five times the lookup). Batches are padded to a power of two with
// the empty string (which no key has), so a connection prepares at most
// log2(keyLookupBatch)+1 of these statements: resolveKeysSQLs.
func resolveKeysSQL(n int) string {
	var values strings.Builder
	for i := range n {
		if i > 0 {
			values.WriteString(", ")
		}
		fmt.Fprintf(&values, "($%d)", i+1)
	}
	return `
SELECT ` + ownedKeyColumns + `,` + ownerNowColumns + `
FROM (VALUES ` + values.String() + `) AS wanted(public_key_hex)
CROSS JOIN LATERAL (
    SELECT ` + keyColumns + ` FROM keys
    WHERE public_key_hex = wanted.public_key_hex
    ORDER BY revoked_at DESC NULLS FIRST, created_at DESC, id DESC
    LIMIT 1
) owned` + ownerNow
}

// resolveKeysSQLs[i] is resolveKeysSQL(1 << i), for every batch size up to
// keyLookupBatch.
var resolveKeysSQLs = func() []string {
	var sqls []string
	for n := 1; n <= keyLookupBatch; n *= 2 {
		sqls = append(sqls, resolveKeysSQL(n))
	}
	return sqls
}()

// ResolveKey implements store.Store; concurrent calls share statements
// (keyLookups).
func (s *Store) ResolveKey(ctx context.Context, publicKeyHex string) (store.KeyResolution, error) {
	if !store.Storable(publicKeyHex) {
		return store.KeyResolution{}, wrap("resolve key "+publicKeyHex, store.ErrNotFound)
	}
	return s.keys.resolve(ctx, publicKeyHex)
}

// resolveKeys runs resolveKeysSQL: the lookup of keyLookups.
func (s *Store) resolveKeys(ctx context.Context, hexes []string) (map[string]store.KeyResolution, error) {
	size := bits.Len(uint(len(hexes) - 1)) // the batch padded to 1 << size
	args := make([]any, 1<<size)
	for i := range args {
		args[i] = ""
		if i < len(hexes) {
			args[i] = hexes[i]
		}
	}
	rows, err := s.pool.Query(ctx, resolveKeysSQLs[size], args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := make(map[string]store.KeyResolution, len(hexes))
	for rows.Next() {
		var res store.KeyResolution
		var role string
		k := &res.Key
		if err := rows.Scan(append(keyScanTargets(k), &role, &res.Email, &res.Name, &res.OwnerGone)...); err != nil {
			return nil, err
		}
		normalizeKey(k)
		res.WorkspaceID = k.WorkspaceID
		res.Role = store.Role(role)
		found[k.PublicKeyHex] = res
	}
	return found, rows.Err()
}

// resolveTokenSQL is resolveKeysSQL for one token: one lookup on tokens_hash_key,
// with one primary-key probe of the owner's table and, for a bearer, one of
// keys to tell whether the key that minted it is still active.
const resolveTokenSQL = `
SELECT ` + ownedTokenColumns + `,` + ownerNowColumns + `,
       owned.kind = 'bearer' AND (k.id IS NULL OR k.revoked_at IS NOT NULL)
FROM tokens owned` + ownerNow + `
LEFT JOIN keys k ON k.id = owned.key_id
WHERE owned.hash = $1`

// ResolveToken implements store.Store.
func (s *Store) ResolveToken(ctx context.Context, hash string) (store.TokenResolution, error) {
	var res store.TokenResolution
	var role string
	t := &res.Token
	err := storableOnly{s.pool}.QueryRow(ctx, resolveTokenSQL, hash).Scan(append(tokenScanTargets(t), &role, &res.Email, &res.Name, &res.OwnerGone, &res.KeyGone)...)
	if err != nil {
		return store.TokenResolution{}, fmt.Errorf("postgres: resolve token: %w", translate(err))
	}
	normalizeToken(t)
	res.Role = store.Role(role)
	return res, nil
}

// purgeBatch is how many expired tokens one purge statement deletes, so that
// no statement holds many row locks or runs long.
const purgeBatch = 1000

// purgeExpiredTokensSQL deletes up to $2 tokens expired at $1, read from
// tokens_expires_at_idx. SKIP LOCKED passes over rows another purge (or a
// revocation) holds, so purges of several replicas never wait for each
// other; the rows passed over are theirs to delete.
const purgeExpiredTokensSQL = `
DELETE FROM tokens
WHERE id IN (
    SELECT id FROM tokens
    WHERE expires_at <= $1
    ORDER BY expires_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)`

// PurgeExpiredTokens implements store.Store, one batch per statement until a
// batch comes back short.
func (s *Store) PurgeExpiredTokens(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		tag, err := s.pool.Exec(ctx, purgeExpiredTokensSQL, before, purgeBatch)
		if err != nil {
			return total, fmt.Errorf("postgres: purge expired tokens: %w", translate(err))
		}
		total += int(tag.RowsAffected())
		if tag.RowsAffected() < purgeBatch {
			return total, nil
		}
	}
}

// touchKeysSQL sets last_used_at to the later of the stored and given time in
// one statement. The rows are locked in id order before they are written, so
// two concurrent TouchKeys (or a TouchKeys and a RevokeOwnerKeys, which locks
// the same way) cannot deadlock; rows already carrying a later time are not
// written at all.
const touchKeysSQL = `
WITH touched AS (
    SELECT k.id, u.at
    FROM keys k
    JOIN unnest($1::text[], $2::timestamptz[]) AS u(id, at) ON k.id = u.id
    WHERE k.last_used_at IS NULL OR k.last_used_at < u.at
    ORDER BY k.id
    FOR UPDATE OF k
)
UPDATE keys
SET last_used_at = GREATEST(keys.last_used_at, touched.at)
FROM touched
WHERE keys.id = touched.id`

// touchBatch is how many keys one TouchKeys statement writes: a flush of
// every key used in the last second is several short statements, each
// holding its row locks for a moment, rather than one long one that a
// revocation of one of its keys would wait for and that would hold a
// backend (and a core) for its whole length.
const touchBatch = 200

// TouchKeys implements store.Store, in statements of touchBatch keys taken
// in id order.
func (s *Store) TouchKeys(ctx context.Context, lastUsed map[string]time.Time) error {
	ids := slices.Sorted(maps.Keys(lastUsed))
	times := make([]time.Time, len(ids))
	for i, id := range ids {
		times[i] = lastUsed[id]
	}
	for start := 0; start < len(ids); start += touchBatch {
		end := min(start+touchBatch, len(ids))
		if _, err := s.pool.Exec(ctx, touchKeysSQL, ids[start:end], times[start:end]); err != nil {
			return fmt.Errorf("postgres: touch keys: %w", translate(err))
		}
	}
	return nil
}
