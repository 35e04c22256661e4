// Package faults makes the emulator misbehave on purpose, the way Encord can:
// rate limits, server errors, outages, slowness, dropped connections. A
// Rule says which requests it matches, what it does to them, and how often
// it fires. Rules live in the store, so every replica applies them; each
// replica keeps a copy, so a request that no rule matches costs no store
// round trip. A matching request asks the store whether the rule fires
// (store.Controls.FireFaultRule), which keeps "the first N" exact and a
// seeded probability reproducible across replicas.
//
// The answer of a fault is written by the HTTP planes in the error dialect
// of the path, with the rule's status: see docs/faults.md for what each SDK
// release does with each status.
package faults

import (
	"net/http"
	"time"
)

// Plane is the plane a rule applies to. The control plane is never faulted,
// so a test can always remove its rules.
type Plane string

const (
	// PlaneSDK is /public, /public/user and /v2/public/...
	PlaneSDK Plane = "sdk"
	// PlaneManagement is /api/v1/...
	PlaneManagement Plane = "management"
)

// Rule is one fault rule.
type Rule struct {
	// ID names the rule in listings and in the journal: chosen by its
	// author (letters, digits, '.', '_', '-'; at most 64) or generated.
	ID        string
	CreatedAt time.Time
	Match     Match
	Action    Action
	Fire      Fire
}

// Match selects requests. Zero fields match everything; the others must
// all match.
type Match struct {
	// Plane defaults to the plane of Path, else to PlaneSDK.
	Plane Plane
	// Method is an HTTP method in upper case.
	Method string
	// Path is a path pattern (pattern.go): "/v2/public/projects/{projectHash}"
	// as openapi.yaml writes it, a concrete path, or "/v2/public/**".
	Path string
	// QueryType and QueryMethod select a v1 call by the query_type and
	// query_method of its body ("projectwithuserrole", "GET"); v2
	// requests never match them.
	QueryType   string
	QueryMethod string
	// Principal is an email (any case), an SDK key id (the 64 hex digits
	// of an Ed25519 public key), or the id of a key, a member or a service
	// account. Only authenticated requests have a principal.
	Principal string
	// Workspace is the id of the workspace of the request's principal.
	Workspace string
}

// Action is what a firing rule does. At least one of Status, Drop and
// Delay is set.
type Action struct {
	// Status (400 to 599) is answered instead of the request, in the
	// path's error dialect, with Code and Message.
	Status int
	// Code is the error code of the v1 envelope and of the management
	// plane's error, one of errs.Codes(); empty means the code of Status
	// (DefaultCode).
	Code string
	// Message is the error's message; empty means one naming the rule.
	Message string
	// RetryAfter, when set, is sent as Retry-After in whole seconds.
	RetryAfter *int
	// Delay is waited before answering; alone, the request is then served
	// as usual (a slow Encord).
	Delay time.Duration
	// Drop closes the connection without an answer.
	Drop bool
}

// Fire says on which matches a rule fires: each match draws with
// Probability (Draw), and the rule fires at most Times times. A rule with
// neither fires on every match.
type Fire struct {
	// Times, when set, is at least 1.
	Times *int64
	// Probability, when set, lies in (0, 1).
	Probability *float64
	// Seed makes the draws reproducible. Set (generated when not given)
	// exactly when Probability is.
	Seed *int64
}

// draws reports whether the rule fires on a fraction of its matches only.
func (f Fire) draws() bool { return f.Probability != nil && *f.Probability < 1 }

// limit is the store's limit of the rule's firings (0: none).
func (f Fire) limit() int64 {
	if f.Times == nil {
		return 0
	}
	return *f.Times
}

// Request is what a rule can match of a request.
type Request struct {
	Plane  Plane
	Method string
	// Path is the request's path, as routed.
	Path string
	// QueryType and QueryMethod are those of a v1 body, "" elsewhere.
	QueryType, QueryMethod string
	// Principal is who the request authenticated as; the zero value for a
	// request without one.
	Principal Principal
}

// Principal is the identity of an authenticated request.
type Principal struct {
	Email        string
	PublicKeyHex string // the SDK's key id; empty for a bearer token
	KeyID        string // the id of the key that signed; empty for a bearer token
	OwnerID      string // the id of the member or service account
	WorkspaceID  string
}

// Decision is a rule firing on one request.
type Decision struct {
	RuleID string
	Action Action
	// Ordinal numbers the match among the rule's matches, from 1.
	Ordinal int64
}

// Methods a rule may match.
var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
