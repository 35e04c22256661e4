package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/journal"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// control serves /_emulator: what only an emulator has (docs/architecture.md,
// the three planes).
type control struct {
	accounts   *accounts.Service
	adminToken string
	reseed     func(context.Context) error
	ready      func(context.Context) error
	sdk        sdkAuth
	errorWriter
}

func (c control) routes(r chi.Router) {
	r.Get("/healthz", c.healthz)
	r.Get("/readyz", c.readyz)
	// whoami authenticates with SDK credentials, which use the
	// Authorization header too, so the admin token cannot guard it; it
	// reveals nothing the credentials' holder does not already own.
	r.HandleFunc("/whoami", c.whoami)
	r.Group(func(r chi.Router) {
		r.Use(c.requireAdminToken)
		r.Route("/workspaces", func(r chi.Router) {
			r.Get("/", c.handle(c.listWorkspaces))
			r.Post("/", c.handle(c.createWorkspace))
			r.Get("/{workspaceId}", c.handle(c.getWorkspace))
			r.Delete("/{workspaceId}", c.handle(c.deleteWorkspace))
			r.Patch("/{workspaceId}/quotas", c.handle(c.setQuotas))
			r.Post("/{workspaceId}/resources", c.handle(c.createResource))
		})
		r.Post("/reset", c.handle(c.reset))
		r.Get("/requests", c.handle(c.requests))
		r.Get("/state", c.handle(c.exportState))
		r.Put("/state", c.handle(c.importState))
	})
}

// requireAdminToken enforces EMULATOR_ADMIN_TOKEN when one is configured.
// Tokens are compared through their hashes in constant time.
func (c control) requireAdminToken(next http.Handler) http.Handler {
	if c.adminToken == "" {
		return next
	}
	want := sha256.Sum256([]byte(c.adminToken))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r)
		got := sha256.Sum256([]byte(token))
		if !ok || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			c.write(w, r, errs.New(errs.Authentication, "the control plane needs Authorization: Bearer <EMULATOR_ADMIN_TOKEN>; the token is missing or wrong"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

type healthView struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

func (c control) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, healthView{Status: "ok"})
}

func (c control) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := c.ready(ctx); err != nil {
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusServiceUnavailable, healthView{Status: "not ready", Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, healthView{Status: "ready"})
}

type createdWorkspaceView struct {
	Workspace workspaceView `json:"workspace"`
	Admin     memberView    `json:"admin"`
	Session   tokenView     `json:"session"`
}

func (c control) createWorkspace(w http.ResponseWriter, r *http.Request) error {
	var body createWorkspaceRequest
	if err := decodeBody(r, &body, strict); err != nil {
		return err
	}
	out, err := c.accounts.CreateWorkspace(r.Context(), body.input())
	if err != nil {
		return err
	}
	writeCredential(w, http.StatusCreated, createdWorkspaceView{Workspace: viewWorkspace(out.Workspace), Admin: viewMember(out.Admin), Session: viewToken(out.Session)})
	return nil
}

func (c control) listWorkspaces(w http.ResponseWriter, r *http.Request) error {
	all, err := c.accounts.ListWorkspaces(r.Context())
	return writeList(w, r, all, err, workspaceCursor, viewWorkspace)
}

func (c control) getWorkspace(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "workspaceId")
	if err != nil {
		return err
	}
	ws, err := c.accounts.GetWorkspace(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewWorkspace(ws))
	return nil
}

func (c control) deleteWorkspace(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "workspaceId")
	if err != nil {
		return err
	}
	return writeNoContent(w, c.accounts.DeleteWorkspace(r.Context(), id))
}

func (c control) setQuotas(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "workspaceId")
	if err != nil {
		return err
	}
	var body quotasPatchRequest
	if err := decodeBody(r, &body, strict); err != nil {
		return err
	}
	ws, err := c.accounts.SetQuotas(r.Context(), id, body.input())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewWorkspace(ws))
	return nil
}

func (c control) reset(w http.ResponseWriter, r *http.Request) error {
	if err := c.accounts.Reset(r.Context()); err != nil {
		return err
	}
	c.sdk.journal.Clear()
	if c.reseed != nil {
		if err := c.reseed(r.Context()); err != nil {
			// Keep the seed's own message: it names the file, line and entry.
			return errs.Wrap(err, errs.From(err).Code, "the state was wiped but replaying the seed failed: %s", err.Error())
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

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
	c.sdk.record(r, dec)
	if dec.err != nil {
		writeJSON(w, dec.err.Status(), whoamiView{Scheme: dec.result.Scheme.String(), Reason: dec.reason, Message: dec.err.Message, SignatureBase: dec.result.SignatureBase})
		return
	}
	writeJSON(w, http.StatusOK, whoamiView{Authenticated: true, Scheme: dec.result.Scheme.String(), Principal: viewPrincipal(dec.principal)})
}

type requestsView struct {
	Items []journalEntryView `json:"items"`
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
		KeyID: e.KeyID, Outcome: e.Outcome, Status: e.Status, Reason: e.Reason, Message: e.Message, SignatureBase: e.SignatureBase}
	if p := e.Who; p != nil {
		v.Principal = &journalPrincipalView{Type: p.Type, ID: p.ID, Email: p.Email, WorkspaceID: p.WorkspaceID, Role: p.Role}
	}
	return v
}

// requests lists recent SDK-plane auth decisions, newest first, filtered
// by traceId, keyId or outcome, at most limit (default 100).
func (c control) requests(w http.ResponseWriter, r *http.Request) error {
	q := newQueryReader(r)
	f := journal.Filter{TraceID: q.q.Get("traceId"), KeyID: q.q.Get("keyId"), Outcome: q.q.Get("outcome"),
		Limit: q.integer("limit", 1, journal.DefaultCapacity, DefaultPageSize)}
	if q.err != nil {
		return q.err
	}
	if f.Outcome != "" && f.Outcome != journal.Allowed && f.Outcome != journal.Denied {
		return errs.Invalid("outcome", "outcome must be %q or %q", journal.Allowed, journal.Denied)
	}
	writeJSON(w, http.StatusOK, requestsView{Items: convertAll(c.sdk.journal.List(f), viewJournalEntry)})
	return nil
}
