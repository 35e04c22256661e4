package api

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// management serves /api/v1: what Encord's web UI does (docs/architecture.md,
// Planes).
type management struct {
	accounts *accounts.Service
	faults   faultGate
	errorWriter
}

func (m management) routes(r chi.Router) {
	faulted := m.faults.management(m.errorWriter)
	r.With(faulted).Post("/sessions", m.handle(m.login))
	r.Group(func(r chi.Router) {
		r.Use(m.requireSession, faulted)
		r.Delete("/sessions/current", m.handle(m.logout))
		r.Route("/me", func(r chi.Router) {
			r.Get("/", m.handle(m.me))
			r.Get("/keys", m.handle(m.listOwnKeys))
			r.Post("/keys", m.handle(m.addOwnKey))
			r.Delete("/keys/{keyId}", m.handle(m.revokeOwnKey))
		})
		r.Route("/workspace", func(r chi.Router) {
			r.Get("/", m.handle(m.workspace))
			r.Route("/members", func(r chi.Router) {
				r.Get("/", m.handle(m.listMembers))
				r.Post("/", m.handle(m.addMember))
				r.Patch("/{memberId}", m.handle(m.setMemberRole))
				r.Delete("/{memberId}", m.handle(m.removeMember))
				r.Get("/{memberId}/keys", m.handle(m.listMemberKeys))
				r.Delete("/{memberId}/keys/{keyId}", m.handle(m.revokeMemberKey))
			})
			r.Route("/service-accounts", func(r chi.Router) {
				r.Get("/", m.handle(m.listServiceAccounts))
				r.Post("/", m.handle(m.createServiceAccount))
				r.Get("/{saId}", m.handle(m.getServiceAccount))
				r.Patch("/{saId}", m.handle(m.updateServiceAccount))
				r.Delete("/{saId}", m.handle(m.deleteServiceAccount))
				r.Get("/{saId}/keys", m.handle(m.listServiceAccountKeys))
				r.Post("/{saId}/keys", m.handle(m.addServiceAccountKey))
				r.Delete("/{saId}/keys/{keyId}", m.handle(m.revokeServiceAccountKey))
			})
		})
	})
}

// requireSession authenticates the session token and puts the Caller in
// the request context.
func (m management) requireSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r)
		if !ok {
			m.write(w, r, errs.New(errs.Authentication, "missing session: send Authorization: Bearer <token> with a token from POST /api/v1/sessions"))
			return
		}
		c, err := m.accounts.AuthenticateSession(r.Context(), token)
		if err != nil {
			m.write(w, r, err)
			return
		}
		next.ServeHTTP(w, withCaller(r, c))
	})
}

// bearerToken returns the token of an "Authorization: Bearer <token>" header.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return "", false
	}
	t := strings.TrimSpace(h[7:])
	return t, t != ""
}

type loginResponse struct {
	Token     string     `json:"token"`
	ExpiresAt any        `json:"expiresAt"`
	User      memberView `json:"user"`
}

func (m management) login(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := decodeBody(r, &req, strict); err != nil {
		return err
	}
	issued, member, err := m.accounts.Login(r.Context(), req.Email)
	if err != nil {
		return err
	}
	writeCredential(w, http.StatusCreated, loginResponse{Token: issued.Token, ExpiresAt: issued.Stored.ExpiresAt, User: viewMember(member)})
	return nil
}

func (m management) logout(w http.ResponseWriter, r *http.Request) error {
	if err := m.accounts.Logout(r.Context(), caller(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type meView struct {
	memberView
	WorkspaceID string        `json:"workspaceId"`
	Workspace   workspaceView `json:"workspace"`
}

func (m management) me(w http.ResponseWriter, r *http.Request) error {
	me, ws, err := m.accounts.Me(r.Context(), caller(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, meView{memberView: viewMember(me), WorkspaceID: ws.ID, Workspace: viewWorkspace(ws)})
	return nil
}

func (m management) listOwnKeys(w http.ResponseWriter, r *http.Request) error {
	return listPage(w, r, func(pr accounts.PageRequest) (accounts.Page[store.Key], error) {
		return m.accounts.ListOwnKeys(r.Context(), caller(r), pr)
	}, viewKey)
}

func (m management) addOwnKey(w http.ResponseWriter, r *http.Request) error {
	var body addKeyRequest
	if err := decodeBody(r, &body, strict); err != nil {
		return err
	}
	nk, err := m.accounts.AddOwnKey(r.Context(), caller(r), body.input())
	if err != nil {
		return err
	}
	writeNewKey(w, r, nk)
	return nil
}

func (m management) revokeOwnKey(w http.ResponseWriter, r *http.Request) error {
	keyID, err := pathID(r, "keyId")
	if err != nil {
		return err
	}
	return writeNoContent(w, m.accounts.RevokeOwnKey(r.Context(), caller(r), keyID))
}

func (m management) workspace(w http.ResponseWriter, r *http.Request) error {
	ws, err := m.accounts.GetOwnWorkspace(r.Context(), caller(r))
	return writeView(w, http.StatusOK, ws, err, viewWorkspace)
}

func (m management) listMembers(w http.ResponseWriter, r *http.Request) error {
	return listPage(w, r, func(pr accounts.PageRequest) (accounts.Page[store.Member], error) {
		return m.accounts.ListMembers(r.Context(), caller(r), pr)
	}, viewMember)
}

func (m management) addMember(w http.ResponseWriter, r *http.Request) error {
	var body addMemberRequest
	if err := decodeBody(r, &body, strict); err != nil {
		return err
	}
	member, err := m.accounts.AddMember(r.Context(), caller(r), body.input())
	return writeView(w, http.StatusCreated, member, err, viewMember)
}

func (m management) setMemberRole(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "memberId")
	if err != nil {
		return err
	}
	var body roleRequest
	if err := decodeBody(r, &body, strict); err != nil {
		return err
	}
	member, err := m.accounts.SetMemberRole(r.Context(), caller(r), id, body.input())
	return writeView(w, http.StatusOK, member, err, viewMember)
}

func (m management) removeMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "memberId")
	if err != nil {
		return err
	}
	return writeNoContent(w, m.accounts.RemoveMember(r.Context(), caller(r), id))
}

func (m management) listMemberKeys(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "memberId")
	if err != nil {
		return err
	}
	return listPage(w, r, func(pr accounts.PageRequest) (accounts.Page[store.Key], error) {
		return m.accounts.ListMemberKeys(r.Context(), caller(r), id, pr)
	}, viewKey)
}

func (m management) revokeMemberKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "memberId")
	if err != nil {
		return err
	}
	keyID, err := pathID(r, "keyId")
	if err != nil {
		return err
	}
	return writeNoContent(w, m.accounts.RevokeMemberKey(r.Context(), caller(r), id, keyID))
}

func (m management) listServiceAccounts(w http.ResponseWriter, r *http.Request) error {
	return listPage(w, r, func(pr accounts.PageRequest) (accounts.Page[store.ServiceAccount], error) {
		return m.accounts.ListServiceAccounts(r.Context(), caller(r), pr)
	}, viewServiceAccount)
}

func (m management) createServiceAccount(w http.ResponseWriter, r *http.Request) error {
	var body createServiceAccountRequest
	if err := decodeBody(r, &body, strict); err != nil {
		return err
	}
	sa, err := m.accounts.CreateServiceAccount(r.Context(), caller(r), body.input())
	return writeView(w, http.StatusCreated, sa, err, viewServiceAccount)
}

func (m management) getServiceAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "saId")
	if err != nil {
		return err
	}
	sa, err := m.accounts.GetServiceAccount(r.Context(), caller(r), id)
	return writeView(w, http.StatusOK, sa, err, viewServiceAccount)
}

func (m management) updateServiceAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "saId")
	if err != nil {
		return err
	}
	var body updateServiceAccountRequest
	if err := decodeBody(r, &body, strict); err != nil {
		return err
	}
	sa, err := m.accounts.UpdateServiceAccount(r.Context(), caller(r), id, body.input())
	return writeView(w, http.StatusOK, sa, err, viewServiceAccount)
}

func (m management) deleteServiceAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "saId")
	if err != nil {
		return err
	}
	return writeNoContent(w, m.accounts.DeleteServiceAccount(r.Context(), caller(r), id))
}

func (m management) listServiceAccountKeys(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "saId")
	if err != nil {
		return err
	}
	return listPage(w, r, func(pr accounts.PageRequest) (accounts.Page[store.Key], error) {
		return m.accounts.ListServiceAccountKeys(r.Context(), caller(r), id, pr)
	}, viewKey)
}

func (m management) addServiceAccountKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "saId")
	if err != nil {
		return err
	}
	var body addKeyRequest
	if err := decodeBody(r, &body, strict); err != nil {
		return err
	}
	nk, err := m.accounts.AddServiceAccountKey(r.Context(), caller(r), id, body.input())
	if err != nil {
		return err
	}
	writeNewKey(w, r, nk)
	return nil
}

func (m management) revokeServiceAccountKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "saId")
	if err != nil {
		return err
	}
	keyID, err := pathID(r, "keyId")
	if err != nil {
		return err
	}
	return writeNoContent(w, m.accounts.RevokeServiceAccountKey(r.Context(), caller(r), id, keyID))
}
