package accounts

import (
	"context"
	"errors"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// Usage counts what a workspace holds now.
type Usage struct {
	ServiceAccounts int
	Members         int
}

// WorkspaceView is a workspace with its usage.
type WorkspaceView struct {
	store.Workspace
	Usage Usage
}

// IssuedToken is a token text shown once, with its expiry.
type IssuedToken struct {
	Token  string
	Stored store.Token
}

// CreatedWorkspace is the answer of CreateWorkspace.
type CreatedWorkspace struct {
	Workspace WorkspaceView
	Admin     store.Member
	Session   IssuedToken
}

// DefaultGroupName is the group every new workspace starts with, as every
// Encord organisation has one.
const DefaultGroupName = "Everyone"

// CreateWorkspace creates a workspace, its first admin, its default group
// and a session for that admin, in one transaction.
func (s *Service) CreateWorkspace(ctx context.Context, in CreateWorkspaceInput) (CreatedWorkspace, error) {
	if err := in.Validate(); err != nil {
		return CreatedWorkspace{}, err
	}
	now := s.clock()
	ws := store.Workspace{ID: newID(), Name: in.Name, CreatedAt: now, Quotas: in.Quotas.apply(s.quotas)}
	admin := store.Member{ID: newID(), WorkspaceID: ws.ID, Email: in.Admin.Email, Name: in.Admin.Name, Role: store.RoleAdmin, CreatedAt: now}
	var out CreatedWorkspace
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		if err := ensureEmailFree(ctx, tx, "admin.email", admin.Email); err != nil {
			return err
		}
		if err := tx.CreateWorkspace(ctx, ws); err != nil {
			return err
		}
		if err := tx.CreateMember(ctx, admin); err != nil {
			return memberEmailTaken(err, "admin.email", admin.Email)
		}
		// Every Encord organisation has a group of all its members.
		everyone := s.newResource(ws.ID, store.KindGroup, DefaultGroupName, "All members of the workspace", userOwner(admin), nil, now)
		if err := tx.CreateResource(ctx, everyone); err != nil {
			return err
		}
		issued, err := s.issueToken(ctx, tx, store.TokenSession, store.Owner{Type: store.OwnerUser, ID: admin.ID}, ws.ID, "")
		if err != nil {
			return err
		}
		out = CreatedWorkspace{Workspace: WorkspaceView{Workspace: ws, Usage: Usage{Members: 1}}, Admin: admin, Session: issued}
		return nil
	})
	if err != nil {
		return CreatedWorkspace{}, err
	}
	s.log.InfoContext(ctx, "workspace created", "workspace", ws.ID, "admin", admin.ID)
	return out, nil
}

// ListWorkspaces lists one page of the workspaces with their usage, oldest
// first.
func (s *Service) ListWorkspaces(ctx context.Context, pr PageRequest) (Page[WorkspaceView], error) {
	var out Page[WorkspaceView]
	err := s.store.View(ctx, func(tx store.Tx) error {
		page, err := pageOldestFirst(pr, func(p store.Page) ([]store.Workspace, error) { return tx.PageWorkspaces(ctx, p) }, workspaceCreated)
		if err != nil {
			return err
		}
		out = Page[WorkspaceView]{Items: make([]WorkspaceView, 0, len(page.Items)), Next: page.Next}
		for _, ws := range page.Items {
			v, err := workspaceView(ctx, tx, ws)
			if err != nil {
				return err
			}
			out.Items = append(out.Items, v)
		}
		return nil
	})
	return out, err
}

// GetWorkspace returns any workspace by id, with its usage: the control
// plane's read. A caller reads its own with GetOwnWorkspace.
func (s *Service) GetWorkspace(ctx context.Context, id string) (WorkspaceView, error) {
	var out WorkspaceView
	err := s.store.View(ctx, func(tx store.Tx) error {
		ws, err := tx.GetWorkspace(ctx, id)
		if err != nil {
			return workspaceNotFound(err, id)
		}
		out, err = workspaceView(ctx, tx, ws)
		return err
	})
	return out, err
}

// DeleteWorkspace drops a workspace and everything in it.
func (s *Service) DeleteWorkspace(ctx context.Context, id string) error {
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		if _, err := tx.LockWorkspace(ctx, id); err != nil {
			return workspaceNotFound(err, id)
		}
		return tx.DeleteWorkspace(ctx, id)
	})
	if err == nil {
		s.log.InfoContext(ctx, "workspace deleted", "workspace", id)
	}
	return err
}

// SetQuotas changes some quotas of a workspace: the "contact support" path.
// Lowering a quota below current usage is allowed; it only blocks new
// creations.
func (s *Service) SetQuotas(ctx context.Context, id string, patch QuotasPatch) (WorkspaceView, error) {
	if err := patch.Validate(); err != nil {
		return WorkspaceView{}, err
	}
	var out WorkspaceView
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		ws, err := tx.LockWorkspace(ctx, id)
		if err != nil {
			return workspaceNotFound(err, id)
		}
		ws.Quotas = patch.apply(ws.Quotas)
		if err := tx.UpdateWorkspaceQuotas(ctx, id, ws.Quotas); err != nil {
			return err
		}
		out, err = workspaceView(ctx, tx, ws)
		return err
	})
	if err == nil {
		s.log.InfoContext(ctx, "quotas changed", "workspace", id, "quotas", out.Quotas)
	}
	return out, err
}

// GetOwnWorkspace returns the caller's workspace with quotas and usage.
func (s *Service) GetOwnWorkspace(ctx context.Context, c Caller) (WorkspaceView, error) {
	var out WorkspaceView
	err := s.read(ctx, c, false, func(tx store.Tx, ws store.Workspace, _ store.Member) error {
		var err error
		out, err = workspaceView(ctx, tx, ws)
		return err
	})
	return out, err
}

func workspaceView(ctx context.Context, tx store.Tx, ws store.Workspace) (WorkspaceView, error) {
	members, err := tx.CountMembers(ctx, ws.ID)
	if err != nil {
		return WorkspaceView{}, err
	}
	sas, err := tx.CountServiceAccounts(ctx, ws.ID)
	if err != nil {
		return WorkspaceView{}, err
	}
	return WorkspaceView{Workspace: ws, Usage: Usage{ServiceAccounts: sas, Members: members}}, nil
}

func workspaceNotFound(err error, id string) error {
	if errors.Is(err, store.ErrNotFound) {
		return errs.Wrap(err, errs.NotFound, "workspace %q does not exist", id).WithRemedy(errs.Remedy{Action: errs.ListWorkspaces})
	}
	return err
}
