// Package defaults is the one set of default settings of the emulator. The
// flags of "encord-emulator serve" show them, the zero fields of
// pkg/server's Options take them (pkg/server re-exports them as its
// Default* constants), and the packages that consume a setting (api,
// accounts, auth, store/postgres) fall back to them when a caller leaves
// it zero. README's configuration table lists them; a test of cmd/server
// checks that it and serve --help agree with this file.
package defaults

import "time"

// Settings of the server process.
const (
	// Addr is the listen address.
	Addr = "127.0.0.1:8080"
	// Store is the store backend: "memory" or "postgres".
	Store = "memory"
	// RequestTimeout bounds one request, database waits included.
	RequestTimeout = 30 * time.Second
	// ReadHeaderTimeout bounds reading a request's headers; a client slower
	// than this has its connection closed.
	ReadHeaderTimeout = 10 * time.Second
	// ReadTimeout bounds reading a request's body, from its first read; a
	// client slower than this (or than RequestTimeout) gets 408.
	ReadTimeout = 20 * time.Second
	// IdleTimeout is how long a keep-alive connection may wait for its next
	// request before the server closes it.
	IdleTimeout = time.Minute
	// ShutdownTimeout bounds the drain of in-flight requests on shutdown.
	ShutdownTimeout = 10 * time.Second
	// MaxBodyBytes is the largest request body accepted.
	MaxBodyBytes = 1 << 20
)

// Settings of the Postgres store.
const (
	// DBMaxConns is the size of the connection pool.
	DBMaxConns = 10
	// DBConnectTimeout bounds establishing one connection.
	DBConnectTimeout = 5 * time.Second
	// DBStatementTimeout bounds every statement, lock waits included.
	DBStatementTimeout = 5 * time.Second
)

// Settings of authentication.
const (
	// SessionTTL is the lifetime of a management-plane session.
	SessionTTL = 24 * time.Hour
	// BearerTTL is the lifetime of an SDK bearer token.
	BearerTTL = time.Hour
	// SignatureMaxAge is how far in the past a v2 signature's created
	// parameter may lie. The SDK sends its clock minus 30 s; Encord's own
	// window is not published.
	SignatureMaxAge = 10 * time.Minute
	// SignatureMaxFuture is how far in the future it may lie (clock skew).
	SignatureMaxFuture = time.Minute
	// LastUsedFlushInterval is how often the last use of keys is written to
	// the store.
	LastUsedFlushInterval = time.Second
	// TokenPurgeInterval is how often expired sessions and bearer tokens
	// are deleted from the store.
	TokenPurgeInterval = time.Minute
)

// Fill sets *setting to def when the caller left it zero (or negative): the
// fallback of every package for a setting it consumes.
func Fill[T ~int | ~int32 | ~int64](setting *T, def T) {
	if *setting <= 0 {
		*setting = def
	}
}
