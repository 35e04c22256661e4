package server

import (
	"log/slog"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/defaults"
)

// Store backends.
const (
	// StoreMemory keeps the state in the process: nothing to set up, state
	// gone on Close.
	StoreMemory = "memory"
	// StorePostgres persists the state in a Postgres database, which several
	// servers (replicas) may share.
	StorePostgres = "postgres"
)

// Defaults of the zero fields of Options; the flags of "encord-emulator
// serve" default to the same values. The comment of each is its value.
const (
	DefaultAddr                  = defaults.Addr                  // 127.0.0.1:8080
	DefaultStore                 = defaults.Store                 // memory
	DefaultDBMaxConns            = defaults.DBMaxConns            // 10
	DefaultDBStatementTimeout    = defaults.DBStatementTimeout    // 5s
	DefaultSessionTTL            = defaults.SessionTTL            // 24h
	DefaultBearerTTL             = defaults.BearerTTL             // 1h
	DefaultSignatureMaxAge       = defaults.SignatureMaxAge       // 10m
	DefaultSignatureMaxFuture    = defaults.SignatureMaxFuture    // 1m
	DefaultMaxBodyBytes          = defaults.MaxBodyBytes          // 1048576 (1 MiB)
	DefaultRequestTimeout        = defaults.RequestTimeout        // 30s
	DefaultShutdownTimeout       = defaults.ShutdownTimeout       // 10s
	DefaultReadHeaderTimeout     = defaults.ReadHeaderTimeout     // 10s
	DefaultReadTimeout           = defaults.ReadTimeout           // 20s
	DefaultIdleTimeout           = defaults.IdleTimeout           // 1m
	DefaultLastUsedFlushInterval = defaults.LastUsedFlushInterval // 1s
)

// Options configure a server. A zero field takes the default named in its
// comment.
type Options struct {
	// Addr is the listen address of Start (DefaultAddr); "127.0.0.1:0"
	// picks a free port.
	Addr string
	// Store is StoreMemory or StorePostgres (DefaultStore).
	Store string
	// DatabaseURL names the Postgres database: a postgres:// URL or a
	// key=value string; "" uses the PG* environment variables.
	DatabaseURL string
	// SkipMigrations leaves the Postgres schema as it is at startup;
	// otherwise the embedded migrations are applied (safe with several
	// servers starting at once: they take a lock).
	SkipMigrations bool
	// DBMaxConns is the Postgres pool size (DefaultDBMaxConns).
	DBMaxConns int64
	// DBStatementTimeout bounds every Postgres statement, lock waits
	// included; past it the request answers 503 (DefaultDBStatementTimeout).
	DBStatementTimeout time.Duration
	// SeedFile is a YAML seed applied at startup to an empty store and
	// replayed by POST /_emulator/reset; "" means none.
	SeedFile string
	// AdminToken, when set, protects the control plane: every route of
	// /_emulator but healthz, readyz and whoami then needs
	// "Authorization: Bearer <AdminToken>".
	AdminToken string
	// SessionTTL is the lifetime of a management-plane session
	// (DefaultSessionTTL).
	SessionTTL time.Duration
	// BearerTTL is the lifetime of an SDK bearer token (DefaultBearerTTL).
	BearerTTL time.Duration
	// SignatureMaxAge and SignatureMaxFuture bound a v2 signature's created
	// parameter around now (DefaultSignatureMaxAge, DefaultSignatureMaxFuture).
	SignatureMaxAge    time.Duration
	SignatureMaxFuture time.Duration
	// MaxBodyBytes limits request bodies; larger ones answer 413
	// (DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// RequestTimeout bounds one request (DefaultRequestTimeout): past it,
	// the request's store calls are cancelled and it answers 503. It is what
	// bounds requests when the database stops answering without closing
	// connections, which DBStatementTimeout, enforced by Postgres, cannot.
	RequestTimeout time.Duration
	// ReadHeaderTimeout bounds reading a request's headers: a client slower
	// than this has its connection closed (DefaultReadHeaderTimeout).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a request's body, from its first read and
	// within RequestTimeout: a client slower than this gets 408
	// REQUEST_TIMEOUT_ERROR in the dialect of its plane, never a 5xx
	// (DefaultReadTimeout).
	ReadTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its next
	// request before the server closes it (DefaultIdleTimeout).
	IdleTimeout time.Duration
	// ShutdownTimeout bounds the drain of in-flight requests by Close
	// (DefaultShutdownTimeout).
	ShutdownTimeout time.Duration
	// LastUsedFlushInterval is how often the last use of keys is written to
	// the store (DefaultLastUsedFlushInterval); the SDK's requests
	// themselves never write.
	LastUsedFlushInterval time.Duration
	// Console serves the web console at /console/ and redirects / there
	// (cmd/server turns it on unless --console=false).
	Console bool
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
}
