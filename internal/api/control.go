package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/clock"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/faults"
)

// control serves /_emulator: what only an emulator has (docs/architecture.md,
// Planes).
type control struct {
	accounts   *accounts.Service
	adminToken string
	reseed     func(context.Context) error
	ready      func(context.Context) error
	sdk        sdkAuth
	faults     *faults.Engine
	clock      *clock.Clock
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
		r.Route("/faults", func(r chi.Router) {
			r.Get("/", c.handle(c.listFaultRules))
			r.Post("/", c.handle(c.createFaultRule))
			r.Delete("/", c.handle(c.deleteFaultRules))
			r.Delete("/{ruleId}", c.handle(c.deleteFaultRule))
		})
		r.Route("/clock", func(r chi.Router) {
			r.Get("/", c.handle(c.getClock))
			r.Put("/", c.handle(c.setClock))
			r.Delete("/", c.handle(c.resetClock))
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
	return listPage(w, r, func(pr accounts.PageRequest) (accounts.Page[accounts.WorkspaceView], error) {
		return c.accounts.ListWorkspaces(r.Context(), pr)
	}, viewWorkspace)
}

func (c control) getWorkspace(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "workspaceId")
	if err != nil {
		return err
	}
	ws, err := c.accounts.GetWorkspace(r.Context(), id)
	return writeView(w, http.StatusOK, ws, err, viewWorkspace)
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
	return writeView(w, http.StatusOK, ws, err, viewWorkspace)
}

// reset wipes the state, the fault rules and the clock setting, then
// replays the seed (its rules included).
func (c control) reset(w http.ResponseWriter, r *http.Request) error {
	if _, err := c.faults.Clear(r.Context()); err != nil {
		return err
	}
	if err := c.clock.Reset(r.Context()); err != nil {
		return err
	}
	if err := c.accounts.Reset(r.Context()); err != nil {
		return err
	}
	c.sdk.faults.journal.Clear()
	if c.reseed != nil {
		if err := c.reseed(r.Context()); err != nil {
			// Keep the seed's own message: it names the file, line and entry.
			return errs.Wrap(err, errs.From(err).Code, "the state was wiped but replaying the seed failed: %s", err.Error())
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
