// Package store defines the persistence contract of the emulator: the domain
// types, the sentinel errors, and the Store interface that the memory and
// Postgres backends implement. The rules of the product (quotas, roles,
// last-admin protection, ...) do not live here: they live in package accounts,
// which composes the atomic primitives below. A store guarantees only what its
// comments say, and package storetest checks every backend against exactly that.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Sentinel errors. Backends wrap them (fmt.Errorf("...: %w", ErrX)) so callers
// use errors.Is. No backend returns a raw driver error for these conditions.
var (
	// ErrNotFound: the addressed row does not exist (or, for lookups by a
	// natural key such as an email, no live row carries it).
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a create would break a uniqueness rule other than key
	// uniqueness: an id reused, or an email already held by a live member of
	// some workspace or by a live service account (one identity, one email).
	ErrAlreadyExists = errors.New("already exists")
	// ErrDuplicateKey: a create would register a public key that is already
	// registered to an active (unrevoked) key anywhere in the installation.
	ErrDuplicateKey = errors.New("duplicate public key")
	// ErrUnavailable: the backend cannot be reached or did not answer in time.
	// Callers answer 503; it is never an authentication failure.
	ErrUnavailable = errors.New("store unavailable")
	// ErrReadOnly: a write (or LockWorkspace, LockOwner) was attempted
	// inside View.
	ErrReadOnly = errors.New("write in a read-only view")
	// ErrInvalid: a create or update would write a row that not every
	// backend can hold (the Check methods of the row types, check.go): a
	// value outside its enumeration, a negative quota, an owner without a
	// type or an id (a resource without an owner among them), text that is
	// not UTF-8 or holds NUL, attributes that are not JSON. Nothing is
	// written.
	ErrInvalid = errors.New("invalid row")
)

// Role is a workspace role of a member or a service account.
type Role string

const (
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Valid reports whether r is one of the two workspace roles.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleMember }

// OwnerType says whether a key or token belongs to a user or a service account.
type OwnerType string

const (
	OwnerUser           OwnerType = "user"
	OwnerServiceAccount OwnerType = "service_account"
)

// Owner names the principal a key or token belongs to. For OwnerUser the id is
// a Member id (a membership: re-adding an email creates a new one).
type Owner struct {
	Type OwnerType
	ID   string
}

// Quotas are the per-workspace limits. Zero values are never stored: accounts
// fills in the defaults before creating a workspace.
type Quotas struct {
	ServiceAccounts       int
	KeysPerServiceAccount int
	KeysPerUser           int
	// Resources bounds the SDK-plane resources of the workspace, every
	// kind together.
	Resources int
}

// Workspace is an Encord organisation.
type Workspace struct {
	ID        string
	Name      string
	CreatedAt time.Time
	Quotas    Quotas
}

// Member is one membership of a user (an email) in a workspace. A removed
// member keeps its row with RemovedAt set, so that its keys keep an owner;
// the email is then free to join any workspace as a new Member.
type Member struct {
	ID          string
	WorkspaceID string
	Email       string // lower-cased by accounts
	Name        string
	Role        Role
	CreatedAt   time.Time
	RemovedAt   *time.Time
}

// ServiceAccount is a workspace's SDK-only principal. A deleted account keeps
// its row with DeletedAt set, so that its revoked keys keep an owner.
type ServiceAccount struct {
	ID                string
	WorkspaceID       string
	Name              string
	Description       string
	Email             string
	Role              Role
	CreatedAt         time.Time
	CreatedByMemberID string // the admin who created it
	DeletedAt         *time.Time
}

// KeyOrigin says how a key came to exist.
type KeyOrigin string

const (
	OriginUploaded  KeyOrigin = "uploaded"
	OriginGenerated KeyOrigin = "generated"
)

// Key is a registered Ed25519 public key. Only the public half is ever stored.
// A key is active while RevokedAt is nil; revoked keys are history.
type Key struct {
	ID           string
	WorkspaceID  string
	Owner        Owner
	Title        string
	PublicKey    string // canonical "ssh-ed25519 AAAA..." line, no comment
	PublicKeyHex string // lowercase hex of the 32 raw key bytes: the SDK's key id
	Fingerprint  string // "SHA256:..." as ssh-keygen -lf prints it
	Origin       KeyOrigin
	CreatedAt    time.Time
	LastUsedAt   *time.Time
	RevokedAt    *time.Time
	RevokeReason string
}

// Active reports whether the key can still authenticate.
func (k Key) Active() bool { return k.RevokedAt == nil }

// TokenKind distinguishes management-plane sessions from SDK bearer tokens.
type TokenKind string

const (
	TokenSession TokenKind = "session"
	TokenBearer  TokenKind = "bearer"
)

// Token is a session or bearer token. The store holds only Hash (hex SHA-256
// of the token text); the token itself is returned to its caller once.
type Token struct {
	ID          string
	Hash        string
	Kind        TokenKind
	Owner       Owner
	WorkspaceID string
	// KeyID is, for a bearer token, the id of the key whose signed request
	// minted it: the bearer lives only as long as that key is active. It is
	// empty for a session.
	KeyID     string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// ResourceKind is the kind of an SDK-plane resource.
type ResourceKind string

const (
	KindProject          ResourceKind = "project"
	KindDataset          ResourceKind = "dataset"
	KindOntology         ResourceKind = "ontology"
	KindStorageFolder    ResourceKind = "storage_folder"
	KindGroup            ResourceKind = "group"
	KindCloudIntegration ResourceKind = "cloud_integration"
)

// ResourceKinds returns every resource kind, in the order above.
func ResourceKinds() []ResourceKind {
	return []ResourceKind{KindProject, KindDataset, KindOntology, KindStorageFolder, KindGroup, KindCloudIntegration}
}

// Resource is one object of the small SDK-plane resource model. Attributes
// holds kind-specific JSON (an ontology's editor structure, a project's
// dataset hashes, ...) that the store keeps verbatim.
type Resource struct {
	ID          string
	WorkspaceID string
	Kind        ResourceKind
	Title       string
	Description string
	CreatedBy   Owner
	SharedWith  []Owner // principals invited to it besides its creator
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Attributes  json.RawMessage
}

// KeyResolution is what authentication needs to know about a public key, read
// in one indexed lookup. Owner fields describe the key's owner as it is now.
type KeyResolution struct {
	Key         Key
	WorkspaceID string
	Role        Role
	Email       string
	Name        string
	// OwnerGone is set when the owning member was removed or the owning
	// service account deleted.
	OwnerGone bool
}

// TokenResolution is the token with its owner, as KeyResolution is for keys.
type TokenResolution struct {
	Token     Token
	Role      Role
	Email     string
	Name      string
	OwnerGone bool
	// KeyGone is set for a bearer token whose key (Token.KeyID) is revoked,
	// no longer exists, or was never recorded: such a bearer never
	// authenticates. Always false for a session.
	KeyGone bool
}

// Store is a backend. Every method is safe for concurrent use, including by
// several Store values (processes) sharing one database, where the backend
// supports that.
//
// Times are stored with microsecond precision; callers pass UTC times already
// truncated to microseconds so that a value read back equals the value written.
type Store interface {
	// Tx runs fn in one transaction. Either every write fn made commits, or,
	// when fn returns an error (which Tx returns unchanged, wrapped at most)
	// or the commit fails, none does. Transactions are isolated from each
	// other: reads inside fn see the transaction's own writes, and the locks
	// taken by Tx.LockWorkspace and Tx.LockOwner make check-then-write
	// sequences safe against concurrent transactions, in this process and in
	// others.
	Tx(ctx context.Context, fn func(tx Tx) error) error

	// View runs fn with a read-only view of the store, for callers that only
	// read: it is cheaper than Tx (no write lock in memory, no BEGIN/COMMIT
	// round trips on Postgres) and views never wait for each other. Every
	// read sees all writes committed before the read started; the reads of
	// one View need not share one snapshot (use Tx for that). Writes,
	// LockWorkspace and LockOwner fail with ErrReadOnly and change nothing. fn's error is
	// returned unchanged, wrapped at most.
	View(ctx context.Context, fn func(tx Tx) error) error

	// ResolveKey finds the key registered under publicKeyHex: the active one
	// if there is one, else the most recently revoked one (so callers can say
	// why it no longer works). ErrNotFound if the key was never registered.
	// A revocation committed before ResolveKey starts is always visible.
	ResolveKey(ctx context.Context, publicKeyHex string) (KeyResolution, error)

	// ResolveToken finds a token by the hex SHA-256 of its text, with its
	// owner and, for a bearer, whether its key is gone, read in the same one
	// lookup: a key revocation committed before ResolveToken starts is always
	// visible, whichever process committed it. Expired tokens are returned
	// as they are; callers check ExpiresAt. ErrNotFound if no such token
	// exists (never issued, deleted, or purged).
	ResolveToken(ctx context.Context, hash string) (TokenResolution, error)

	// PurgeExpiredTokens deletes every token (session or bearer) whose
	// ExpiresAt is not after before, and returns how many it deleted. It
	// runs outside any transaction, in short steps that never wait for each
	// other, so several processes may purge one database at once; a token
	// deleted by another purge is simply not counted twice.
	PurgeExpiredTokens(ctx context.Context, before time.Time) (int, error)

	// TouchKeys sets LastUsedAt of the given keys (key id → time), keeping the
	// later of the stored and given time. Unknown ids are ignored.
	TouchKeys(ctx context.Context, lastUsed map[string]time.Time) error

	// Ping reports whether the backend is reachable and ready to serve.
	Ping(ctx context.Context) error

	// Close releases the backend's resources.
	Close() error

	// Controls keeps the fault rules and the clock setting (controls.go).
	Controls
}

// Tx is the view of the store inside one transaction. Methods that address a
// row by id return ErrNotFound when it does not exist. Creates take fully
// formed values (ids and times chosen by the caller) and store them as given;
// creates and updates refuse, with ErrInvalid, a row its Check method
// refuses. A lookup by text that is not Storable finds nothing.
type Tx interface {
	// LockWorkspace returns the workspace and holds an exclusive lock on it
	// until the transaction ends. Every write whose validity depends on counts
	// within a workspace (quotas, admins) must take this lock first; two
	// transactions that both lock one workspace never interleave.
	LockWorkspace(ctx context.Context, id string) (Workspace, error)
	// LockOwner returns the workspace and holds, until the transaction
	// ends, an exclusive lock on owner (its member or service account row)
	// when owner belongs to that workspace (an owner of another workspace,
	// or none, is not locked), and a lock that keeps the workspace from
	// being deleted. Every write whose validity depends on one owner's keys
	// (the keys-per-owner quotas; no active key of a removed owner) takes
	// this lock instead of LockWorkspace:
	//   - two transactions that lock one owner never interleave;
	//   - nor does one that locked the owner with one that marks it removed
	//     or deleted (MarkMemberRemoved, MarkServiceAccountDeleted) or
	//     deletes its workspace;
	//   - transactions that lock different owners, or an owner and its
	//     workspace (LockWorkspace), need not wait for each other (the
	//     memory store runs every transaction alone; Postgres runs them
	//     side by side), so the workspace's own state (quotas, roles) may
	//     change before the transaction ends.
	// ErrNotFound when the workspace does not exist.
	LockOwner(ctx context.Context, workspaceID string, owner Owner) (Workspace, error)

	CreateWorkspace(ctx context.Context, w Workspace) error // ErrAlreadyExists on a reused id
	GetWorkspace(ctx context.Context, id string) (Workspace, error)
	ListWorkspaces(ctx context.Context) ([]Workspace, error) // oldest first
	// PageWorkspaces lists the workspaces by creation time, then id: the
	// page p asks for (paging.go).
	PageWorkspaces(ctx context.Context, p Page) ([]Workspace, error)
	UpdateWorkspaceQuotas(ctx context.Context, id string, q Quotas) error
	// DeleteWorkspace removes the workspace and every row that belongs to it
	// (members, service accounts, keys, tokens, resources), freeing their
	// emails and public keys.
	DeleteWorkspace(ctx context.Context, id string) error

	// CreateMember adds a membership. ErrAlreadyExists when the id is reused
	// or, for a live membership, the email (compared case-insensitively) is
	// held by a live member of any workspace or by a live service account:
	// an email names one identity, installation-wide, also under concurrent
	// transactions of several processes.
	CreateMember(ctx context.Context, m Member) error
	GetMember(ctx context.Context, id string) (Member, error)
	// GetMemberByEmail returns the live (not removed) membership of the email,
	// compared case-insensitively, in any workspace.
	GetMemberByEmail(ctx context.Context, email string) (Member, error)
	// ListMembers lists the workspace's members, oldest first; removed ones
	// only when includeRemoved.
	ListMembers(ctx context.Context, workspaceID string, includeRemoved bool) ([]Member, error)
	// PageMembers lists the workspace's members by creation time, then
	// id, removed ones only when includeRemoved: the page p asks for.
	PageMembers(ctx context.Context, workspaceID string, includeRemoved bool, p Page) ([]Member, error)
	// CountMembers counts the workspace's members that are not removed.
	CountMembers(ctx context.Context, workspaceID string) (int, error)
	UpdateMemberRole(ctx context.Context, id string, role Role) error
	// MarkMemberRemoved sets RemovedAt; ErrNotFound if already removed.
	MarkMemberRemoved(ctx context.Context, id string, at time.Time) error

	// CreateServiceAccount: ErrAlreadyExists when the id is reused or, for a
	// live account, the email (compared case-insensitively) is held by a live
	// service account or a live member, as for CreateMember.
	CreateServiceAccount(ctx context.Context, sa ServiceAccount) error
	GetServiceAccount(ctx context.Context, id string) (ServiceAccount, error)
	// GetServiceAccountByEmail returns the live (not deleted) service account
	// holding the email, compared case-insensitively, in any workspace.
	GetServiceAccountByEmail(ctx context.Context, email string) (ServiceAccount, error)
	// ListServiceAccounts lists the workspace's accounts, oldest first;
	// deleted ones only when includeDeleted.
	ListServiceAccounts(ctx context.Context, workspaceID string, includeDeleted bool) ([]ServiceAccount, error)
	// PageServiceAccounts lists the workspace's accounts by creation time,
	// then id, deleted ones only when includeDeleted: the page p asks for.
	PageServiceAccounts(ctx context.Context, workspaceID string, includeDeleted bool, p Page) ([]ServiceAccount, error)
	// CountServiceAccounts counts the workspace's accounts that are not
	// deleted.
	CountServiceAccounts(ctx context.Context, workspaceID string) (int, error)
	// UpdateServiceAccount stores Role and Description of sa (other fields
	// are ignored).
	UpdateServiceAccount(ctx context.Context, sa ServiceAccount) error
	// MarkServiceAccountDeleted sets DeletedAt; ErrNotFound if already deleted.
	MarkServiceAccountDeleted(ctx context.Context, id string, at time.Time) error

	// CreateKey registers a key. ErrDuplicateKey when an active key with the
	// same PublicKeyHex exists anywhere; ErrAlreadyExists on a reused id.
	// Revoked keys never block a create.
	CreateKey(ctx context.Context, k Key) error
	GetKey(ctx context.Context, id string) (Key, error)
	// PageKeys lists an owner's keys, active and revoked, by creation
	// time, then id: the page p asks for.
	PageKeys(ctx context.Context, owner Owner, p Page) ([]Key, error)
	// ListWorkspaceKeys lists every key of a workspace, oldest first.
	ListWorkspaceKeys(ctx context.Context, workspaceID string) ([]Key, error)
	CountActiveKeys(ctx context.Context, owner Owner) (int, error)
	// RevokeKey sets RevokedAt and RevokeReason of an active key and deletes
	// the bearer tokens it minted (those whose KeyID is the key's id);
	// ErrNotFound when the key does not exist or is already revoked.
	RevokeKey(ctx context.Context, id string, at time.Time, reason string) error
	// RevokeOwnerKeys revokes every active key of owner, deleting their
	// bearer tokens as RevokeKey does, and returns how many keys it revoked.
	RevokeOwnerKeys(ctx context.Context, owner Owner, at time.Time, reason string) (int, error)

	// CreateToken stores t; ErrAlreadyExists on a reused id or hash. The
	// store does not check that a bearer's KeyID names a key: ResolveToken
	// reports a bearer without an active key as KeyGone.
	CreateToken(ctx context.Context, t Token) error
	// DeleteToken deletes the token with the given hash; ErrNotFound if none.
	DeleteToken(ctx context.Context, hash string) error
	// DeleteOwnerTokens deletes every token of owner and returns how many.
	DeleteOwnerTokens(ctx context.Context, owner Owner) (int, error)
	// ListWorkspaceTokens lists every token of a workspace (for export).
	ListWorkspaceTokens(ctx context.Context, workspaceID string) ([]Token, error)

	// CreateResource stores r; ErrAlreadyExists on a reused id.
	CreateResource(ctx context.Context, r Resource) error
	// GetResource returns the resource of that kind and id in the workspace;
	// ErrNotFound for any other workspace.
	GetResource(ctx context.Context, workspaceID string, kind ResourceKind, id string) (Resource, error)
	// ListResources lists the workspace's resources of a kind, oldest first.
	ListResources(ctx context.Context, workspaceID string, kind ResourceKind) ([]Resource, error)
	// PageResources lists the workspace's resources of a kind that q
	// selects, in q's order: the page q asks for (paging.go).
	PageResources(ctx context.Context, workspaceID string, kind ResourceKind, q ResourceQuery) ([]Resource, error)
	// CountResources counts the workspace's resources of every kind (for
	// Quotas.Resources; callers hold LockWorkspace).
	CountResources(ctx context.Context, workspaceID string) (int, error)
	// UpdateResource stores Title, Description, SharedWith, UpdatedAt and
	// Attributes of r.
	UpdateResource(ctx context.Context, r Resource) error
	DeleteResource(ctx context.Context, workspaceID string, kind ResourceKind, id string) error

	// DeleteAll removes every row of every table (reset and state import).
	DeleteAll(ctx context.Context) error
}
