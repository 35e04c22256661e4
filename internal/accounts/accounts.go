// Package accounts implements the rules of the product (docs/rules.md)
// once, over store transactions: who may do what, quotas, uniqueness of
// public keys, revocation on removal, last-admin protection, workspace
// isolation. The HTTP planes and the seed loader call it; nothing else
// decides a rule.
//
// Every error a method returns for a rule or for bad input is an
// *errs.Error whose message says what was wrong and what to do. Store
// outages come back wrapping store.ErrUnavailable.
package accounts

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/encord-emulator/encord-emulator/internal/defaults"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// DefaultQuotas are Encord's documented defaults.
var DefaultQuotas = store.Quotas{ServiceAccounts: 1, KeysPerServiceAccount: 5, KeysPerUser: 100, Resources: 10_000}

// Config tunes a Service. Zero fields take the documented defaults.
type Config struct {
	// SessionTTL is the lifetime of a management-plane session (default 24 h).
	SessionTTL time.Duration
	// BearerTTL is the lifetime of an SDK bearer token (default 1 h).
	BearerTTL time.Duration
	// Quotas are given to workspaces created without explicit ones.
	Quotas store.Quotas
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives audit lines for rule-relevant writes (default: discard).
	Logger *slog.Logger
}

// Service applies the rules over a store.
type Service struct {
	store      store.Store
	sessionTTL time.Duration
	bearerTTL  time.Duration
	quotas     store.Quotas
	now        func() time.Time
	log        *slog.Logger
	keyUse     keyUse
}

// New returns a Service over st.
func New(st store.Store, cfg Config) *Service {
	s := &Service{
		store:      st,
		sessionTTL: cfg.SessionTTL,
		bearerTTL:  cfg.BearerTTL,
		quotas:     fillQuotas(cfg.Quotas, DefaultQuotas),
		now:        cfg.Now,
		log:        cfg.Logger,
	}
	defaults.Fill(&s.sessionTTL, defaults.SessionTTL)
	defaults.Fill(&s.bearerTTL, defaults.BearerTTL)
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// Store returns the store the service works on.
func (s *Service) Store() store.Store { return s.store }

// clock returns the current time as stores keep it: UTC, microseconds.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

func newID() string { return uuid.NewString() }

// newToken returns a fresh random token text and the hash the store keeps.
func newToken(prefix string) (text, hash string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("accounts: crypto/rand failed: " + err.Error()) // never happens on supported platforms
	}
	text = prefix + base64.RawURLEncoding.EncodeToString(b[:])
	return text, HashToken(text)
}

// HashToken is the form in which tokens are stored and looked up.
func HashToken(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}
