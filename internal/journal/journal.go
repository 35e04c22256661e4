// Package journal keeps the recent authentication decisions of the SDK
// plane in memory, for GET /_emulator/requests: when an SDK call fails, the
// journal says exactly why (unknown key, revoked because the member was
// removed, signature mismatch with the signature base the server computed,
// created too old, ...), and which fault rule hit a request (on the
// management plane too). Each process keeps its own journal; it holds no
// secret (no token, no signature, no private key).
package journal

import (
	"sync"
	"time"
)

// Principal is who a request authenticated as.
type Principal struct {
	Type        string
	ID          string
	Email       string
	WorkspaceID string
	Role        string
}

// Entry is one authentication decision.
type Entry struct {
	Seq     uint64
	Time    time.Time
	TraceID string
	Method  string
	Target  string
	Scheme  string
	KeyID   string // the SDK's key id (public key hex)
	Outcome string // "allowed" or "denied"
	Status  int
	Reason  string
	Message string
	Who     *Principal
	// SignatureBase is the v2 signature base the server computed, set when
	// the signature did not verify, to compare with the client's.
	SignatureBase string
	// SDKRelease is the Encord SDK release the request's User-Agent names
	// ("0.1.84"); empty for another client.
	SDKRelease string
	// DecodedTarget is set when the v2 signature verified over the
	// percent-decoded request target, as SDK release 0.1.127 signs.
	DecodedTarget bool
	// Fault is the fault rule that fired on the request, if one did.
	Fault *Fault
}

// Fault is what a fault rule did to a request.
type Fault struct {
	RuleID string
	// Match numbers the request among the rule's matches, from 1.
	Match int64
	// Status is the status answered, 0 when none was.
	Status  int
	Dropped bool
	Delay   time.Duration
}

// Outcomes.
const (
	Allowed = "allowed"
	Denied  = "denied"
)

// DefaultCapacity is how many entries a journal keeps by default.
const DefaultCapacity = 1000

// Journal is a fixed-size ring of entries, safe for concurrent use.
type Journal struct {
	mu      sync.Mutex
	entries []Entry
	next    int
	seq     uint64
}

// New returns a journal keeping the last capacity entries.
func New(capacity int) *Journal {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	return &Journal{entries: make([]Entry, 0, capacity)}
}

// Add records e, numbering it, and forgets the oldest entry when full.
func (j *Journal) Add(e Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	if len(j.entries) < cap(j.entries) {
		j.entries = append(j.entries, e)
		return
	}
	j.entries[j.next] = e
	j.next = (j.next + 1) % len(j.entries)
}

// Filter selects entries; zero fields match everything.
type Filter struct {
	TraceID string
	KeyID   string
	Outcome string
	// FaultRule selects the requests that rule fired on.
	FaultRule string
	// Before, when not zero, keeps the entries older than the entry of
	// that sequence number: the page after the one that ended with it.
	Before uint64
	Limit  int
}

func (f Filter) match(e Entry) bool {
	return (f.TraceID == "" || e.TraceID == f.TraceID) &&
		(f.KeyID == "" || e.KeyID == f.KeyID) &&
		(f.Outcome == "" || e.Outcome == f.Outcome) &&
		(f.FaultRule == "" || e.Fault != nil && e.Fault.RuleID == f.FaultRule)
}

// List returns the matching entries, newest first, at most f.Limit (all
// when zero). The ring holds consecutive sequence numbers, so the walk
// starts right at f.Before: a page costs what it reads, not the journal's
// size (all of it when a filter matches little).
func (j *Journal) List(f Filter) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []Entry{}
	n := len(j.entries)
	skip := 0 // newest entries before the walk starts
	if f.Before != 0 {
		if f.Before <= j.seq {
			skip = int(min(j.seq-f.Before+1, uint64(n)))
		}
	}
	for i := skip; i < n; i++ {
		// Walk backwards from the newest entry.
		e := j.entries[(j.next-1-i+2*n)%n]
		if !f.match(e) {
			continue
		}
		out = append(out, e)
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out
}

// Clear forgets every entry (reset).
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = j.entries[:0]
	j.next = 0
}
