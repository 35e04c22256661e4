package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/journal"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The diagnostics of the control plane: whoami, which says who SDK
// credentials are or exactly why they fail, and the journal of SDK
// authentication decisions.

type whoamiView struct {
	Authenticated bool           `json:"authenticated"`
	Scheme        string         `json:"scheme"`
	Principal     *principalView `json:"principal,omitempty"`
	Reason        string         `json:"reason,omitempty"`
	Message       string         `json:"message,omitempty"`
	SignatureBase string         `json:"signatureBase,omitempty"`
}

// principalView is who SDK credentials authenticate as.
type principalView struct {
	Owner        ownerJSON  `json:"owner"`
	WorkspaceID  string     `json:"workspaceId"`
	Role         store.Role `json:"role"`
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	KeyID        string     `json:"keyId,omitempty"`
	PublicKeyHex string     `json:"publicKeyHex,omitempty"`
}

func viewPrincipal(p accounts.Principal) *principalView {
	return &principalView{Owner: ownerJSONOf(p.Owner), WorkspaceID: p.WorkspaceID, Role: p.Role, Email: p.Email, Name: p.Name, KeyID: p.KeyID, PublicKeyHex: p.PublicKeyHex}
}

// whoami authenticates the request exactly as the SDK plane does (sign it
// for its own method and target) and says who the credentials are, or
// exactly why they fail.
func (c control) whoami(w http.ResponseWriter, r *http.Request) {
	dec := c.sdk.authenticate(r, v2Dialect{})
	c.sdk.record(r, dec, nil)
	if dec.err != nil {
		writeJSON(w, dec.err.Status(), whoamiView{Scheme: dec.result.Scheme.String(), Reason: dec.reason, Message: dec.err.Message, SignatureBase: dec.result.SignatureBase})
		return
	}
	writeJSON(w, http.StatusOK, whoamiView{Authenticated: true, Scheme: dec.result.Scheme.String(), Principal: viewPrincipal(dec.principal)})
}

type requestsView struct {
	Items         []journalEntryView `json:"items"`
	NextPageToken *string            `json:"nextPageToken"`
}

// journalEntryView is one authentication decision of the SDK plane.
type journalEntryView struct {
	Seq           uint64                `json:"seq"`
	Time          time.Time             `json:"time"`
	TraceID       string                `json:"traceId"`
	Method        string                `json:"method"`
	Target        string                `json:"target"`
	Scheme        string                `json:"scheme"`
	KeyID         string                `json:"keyId,omitempty"`
	Outcome       string                `json:"outcome"`
	Status        int                   `json:"status"`
	Reason        string                `json:"reason,omitempty"`
	Message       string                `json:"message,omitempty"`
	Principal     *journalPrincipalView `json:"principal,omitempty"`
	SignatureBase string                `json:"signatureBase,omitempty"`
	SDKRelease    string                `json:"sdkRelease,omitempty"`
	DecodedTarget bool                  `json:"decodedTarget,omitempty"`
	Fault         *journalFaultView     `json:"fault,omitempty"`
}

// journalFaultView is what a fault rule did to the request.
type journalFaultView struct {
	RuleID  string `json:"ruleId"`
	Match   int64  `json:"match"`
	Status  int    `json:"status,omitempty"`
	Dropped bool   `json:"dropped,omitempty"`
	// Delay is the delay applied before answering, a Go duration.
	Delay string `json:"delay,omitempty"`
}

type journalPrincipalView struct {
	Type        string `json:"type"`
	ID          string `json:"id"`
	Email       string `json:"email"`
	WorkspaceID string `json:"workspaceId"`
	Role        string `json:"role"`
}

func viewJournalEntry(e journal.Entry) journalEntryView {
	v := journalEntryView{Seq: e.Seq, Time: e.Time, TraceID: e.TraceID, Method: e.Method, Target: e.Target, Scheme: e.Scheme,
		KeyID: e.KeyID, Outcome: e.Outcome, Status: e.Status, Reason: e.Reason, Message: e.Message, SignatureBase: e.SignatureBase,
		SDKRelease: e.SDKRelease, DecodedTarget: e.DecodedTarget}
	if p := e.Who; p != nil {
		v.Principal = &journalPrincipalView{Type: p.Type, ID: p.ID, Email: p.Email, WorkspaceID: p.WorkspaceID, Role: p.Role}
	}
	if f := e.Fault; f != nil {
		v.Fault = &journalFaultView{RuleID: f.RuleID, Match: f.Match, Status: f.Status, Dropped: f.Dropped}
		if f.Delay > 0 {
			v.Fault.Delay = f.Delay.String()
		}
	}
	return v
}

// requests lists recent SDK-plane auth decisions and faulted requests,
// newest first, filtered by traceId, keyId, outcome or faultRule, a page
// at a time: pageSize (or limit, its older name) and pageToken, as every
// list reads them.
func (c control) requests(w http.ResponseWriter, r *http.Request) error {
	q := newQueryReader(r)
	pr := q.page()
	if !q.q.Has("pageSize") {
		pr.Size = q.integer("limit", 1, journal.DefaultCapacity, DefaultPageSize) // the older name of pageSize
	}
	f := journal.Filter{TraceID: q.q.Get("traceId"), KeyID: q.q.Get("keyId"), Outcome: q.q.Get("outcome"), FaultRule: q.q.Get("faultRule"),
		Limit: pr.Size + 1}
	if q.err != nil {
		return q.err
	}
	if f.Outcome != "" && f.Outcome != journal.Allowed && f.Outcome != journal.Denied {
		return errs.Invalid("outcome", "outcome must be %q or %q", journal.Allowed, journal.Denied)
	}
	if pr.After != nil {
		seq, err := strconv.ParseUint(pr.After.ID, 10, 64)
		if err != nil || seq == 0 || pr.After.Order != accounts.OrderCreated || !pr.After.Desc {
			return errs.Invalid("pageToken", "pageToken is not a token of this journal; start again without pageToken")
		}
		f.Before = seq
	}
	entries := c.sdk.faults.journal.List(f)
	out := requestsView{}
	if len(entries) > pr.Size {
		entries = entries[:pr.Size]
		last := entries[pr.Size-1]
		next := encodePageToken(accounts.NewestFirstCursor(last.Time, strconv.FormatUint(last.Seq, 10)))
		out.NextPageToken = &next
	}
	out.Items = convertAll(entries, viewJournalEntry)
	writeJSON(w, http.StatusOK, out)
	return nil
}
