package accounts

import (
	"context"
	"errors"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// Revocation reasons recorded on keys. They are part of the API: tests and
// the request journal show them.
const (
	ReasonMemberRemoved         = "member removed from the workspace"
	ReasonServiceAccountDeleted = "service account deleted"
	ReasonRevokedByOwner        = "revoked by its owner"
	ReasonRevokedByAdmin        = "revoked by a workspace admin"
)

// Me returns the caller's own membership and workspace.
func (s *Service) Me(ctx context.Context, c Caller) (store.Member, WorkspaceView, error) {
	var (
		me   store.Member
		view WorkspaceView
	)
	err := s.read(ctx, c, false, func(tx store.Tx, ws store.Workspace, m store.Member) error {
		me = m
		var err error
		view, err = workspaceView(ctx, tx, ws)
		return err
	})
	return me, view, err
}

// ListMembers lists one page of the live members of the caller's
// workspace, oldest first.
func (s *Service) ListMembers(ctx context.Context, c Caller, pr PageRequest) (Page[store.Member], error) {
	var out Page[store.Member]
	err := s.read(ctx, c, false, func(tx store.Tx, ws store.Workspace, _ store.Member) error {
		var err error
		out, err = pageOldestFirst(pr, func(p store.Page) ([]store.Member, error) {
			return tx.PageMembers(ctx, ws.ID, false, p)
		}, memberCreated)
		return err
	})
	return out, err
}

// AddMember adds a user to the caller's workspace (admins only). An email
// that is a live member of any workspace is a 409.
func (s *Service) AddMember(ctx context.Context, c Caller, in AddMemberInput) (store.Member, error) {
	if err := in.Validate(); err != nil {
		return store.Member{}, err
	}
	var m store.Member
	err := s.write(ctx, c, true, func(tx store.Tx, ws store.Workspace, _ store.Member) error {
		if err := ensureEmailFree(ctx, tx, "email", in.Email); err != nil {
			return err
		}
		m = store.Member{ID: newID(), WorkspaceID: ws.ID, Email: in.Email, Name: in.Name, Role: in.Role, CreatedAt: s.clock()}
		return memberEmailTaken(tx.CreateMember(ctx, m), "email", in.Email)
	})
	if err == nil {
		s.log.InfoContext(ctx, "member added", "workspace", c.WorkspaceID, "member", m.ID, "role", m.Role, "by", c.MemberID)
	}
	return m, err
}

// SetMemberRole changes a member's role (admins only). Demoting the last
// admin is a 409.
func (s *Service) SetMemberRole(ctx context.Context, c Caller, memberID string, in RoleInput) (store.Member, error) {
	if err := in.Validate(); err != nil {
		return store.Member{}, err
	}
	var target store.Member
	err := s.write(ctx, c, true, func(tx store.Tx, ws store.Workspace, _ store.Member) error {
		var err error
		if target, err = liveMember(ctx, tx, ws, memberID); err != nil {
			return err
		}
		if target.Role == store.RoleAdmin && in.Role != store.RoleAdmin {
			if err := ensureNotLastAdmin(ctx, tx, ws, target, "demoted"); err != nil {
				return err
			}
		}
		target.Role = in.Role
		return tx.UpdateMemberRole(ctx, target.ID, in.Role)
	})
	return target, err
}

// RemoveMember removes a member (admins only). In the same transaction every
// active key of the member is revoked and every session and bearer token it
// holds is deleted, so no request made after this returns authenticates as
// it. Removing the last admin is a 409.
func (s *Service) RemoveMember(ctx context.Context, c Caller, memberID string) error {
	var revoked int
	err := s.write(ctx, c, true, func(tx store.Tx, ws store.Workspace, _ store.Member) error {
		target, err := liveMember(ctx, tx, ws, memberID)
		if err != nil {
			return err
		}
		if target.Role == store.RoleAdmin {
			if err := ensureNotLastAdmin(ctx, tx, ws, target, "removed"); err != nil {
				return err
			}
		}
		now := s.clock()
		if err := tx.MarkMemberRemoved(ctx, target.ID, now); err != nil {
			return err
		}
		owner := store.Owner{Type: store.OwnerUser, ID: target.ID}
		if revoked, err = tx.RevokeOwnerKeys(ctx, owner, now, ReasonMemberRemoved); err != nil {
			return err
		}
		_, err = tx.DeleteOwnerTokens(ctx, owner)
		return err
	})
	if err == nil {
		s.log.InfoContext(ctx, "member removed", "workspace", c.WorkspaceID, "member", memberID, "keysRevoked", revoked, "by", c.MemberID)
	}
	return err
}

// liveMember returns a member of ws that has not been removed; anything else
// (another workspace's member included) is a 404.
func liveMember(ctx context.Context, tx store.Tx, ws store.Workspace, id string) (store.Member, error) {
	m, err := anyMember(ctx, tx, ws, id)
	if err == nil && m.RemovedAt != nil {
		return store.Member{}, errs.New(errs.NotFound, "member %q was removed from this workspace", id)
	}
	return m, err
}

// anyMember returns a member of ws, removed or not; another workspace's
// member is a 404, never a 403.
func anyMember(ctx context.Context, tx store.Tx, ws store.Workspace, id string) (store.Member, error) {
	m, err := tx.GetMember(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && m.WorkspaceID != ws.ID) {
		return store.Member{}, errs.New(errs.NotFound, "no member %q in this workspace", id).WithRemedy(errs.Remedy{Action: errs.ListMembers})
	}
	return m, err
}

func ensureNotLastAdmin(ctx context.Context, tx store.Tx, ws store.Workspace, target store.Member, verb string) error {
	members, err := tx.ListMembers(ctx, ws.ID, false)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.Role == store.RoleAdmin && m.ID != target.ID {
			return nil
		}
	}
	return errs.New(errs.OperationNotAllowed, "%s is the last admin of workspace %q and cannot be %s; make another member admin first", target.Email, ws.Name, verb)
}
