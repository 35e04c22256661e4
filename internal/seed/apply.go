package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// undoTimeout bounds the deletion of a failed run's workspaces. The undo
// runs even when ctx was cancelled, since cancellation is one of the ways a
// run fails midway.
const undoTimeout = 30 * time.Second

// Apply creates the seed's entries through svc, in file order. When an
// entry fails, Apply deletes the workspaces this run created and returns an
// *Error naming the entry (joined with the undo's error if that failed too).
// See the package documentation for what Apply expects of the store.
func (f *File) Apply(ctx context.Context, svc *accounts.Service) error {
	run := &run{svc: svc, file: f}
	err := run.apply(ctx)
	if err == nil {
		return nil
	}
	if undoErr := run.undo(ctx); undoErr != nil {
		return errors.Join(err, undoErr)
	}
	return err
}

// run is one application of a File.
type run struct {
	svc     *accounts.Service
	file    *File
	created []string // ids of the workspaces created so far
}

func (r *run) apply(ctx context.Context) error {
	whole := entry{file: r.file.path}
	for i := range r.file.Workspaces {
		w := &r.file.Workspaces[i]
		if err := r.workspace(ctx, whole.child("workspaces", i, w.Name, w.line), w); err != nil {
			return err
		}
	}
	return nil
}

// workspace creates w with its admin, then, acting as that admin, its
// members and service accounts.
func (r *run) workspace(ctx context.Context, at entry, w *Workspace) error {
	created, err := r.svc.CreateWorkspace(ctx, accounts.CreateWorkspaceInput{
		Name:   w.Name,
		Admin:  accounts.AdminInput{Email: w.Admin.Email, Name: w.Admin.Name},
		Quotas: w.Quotas,
	})
	if err != nil {
		return at.fail(err)
	}
	r.created = append(r.created, created.Workspace.ID)
	adminAt := at.named(fmt.Sprintf("admin %q", w.Admin.Email), w.Admin.line)
	// The session CreateWorkspace opens is the control plane's answer; the
	// seed acts without sessions.
	if err := r.svc.EndSession(ctx, created.Session); err != nil {
		return adminAt.fail(fmt.Errorf("end the admin session of the new workspace: %w", err))
	}
	admin := accounts.ActingAs(created.Admin)

	if err := r.ownKeys(ctx, adminAt, admin, w.Admin.Keys); err != nil {
		return err
	}
	for j := range w.Members {
		m := &w.Members[j]
		if err := r.member(ctx, at.child("members", j, m.Email, m.line), admin, m); err != nil {
			return err
		}
	}
	for j := range w.ServiceAccounts {
		sa := &w.ServiceAccounts[j]
		if err := r.serviceAccount(ctx, at.child("serviceAccounts", j, sa.Name, sa.line), admin, sa); err != nil {
			return err
		}
	}
	return nil
}

// member adds m as admin does, then uploads its keys acting as m, as m
// would: a user's keys are its own to add.
func (r *run) member(ctx context.Context, at entry, admin accounts.Caller, m *Member) error {
	added, err := r.svc.AddMember(ctx, admin, accounts.AddMemberInput{Email: m.Email, Name: m.Name, Role: m.Role})
	if err != nil {
		return at.fail(err)
	}
	return r.ownKeys(ctx, at, accounts.ActingAs(added), m.Keys)
}

// ownKeys uploads keys as the caller's own.
func (r *run) ownKeys(ctx context.Context, owner entry, c accounts.Caller, keys []Key) error {
	return addKeys(owner, keys, func(in accounts.AddKeyInput) error {
		_, err := r.svc.AddOwnKey(ctx, c, in)
		return err
	})
}

// addKeys adds the keys of the entry owner with add, in file order.
func addKeys(owner entry, keys []Key, add func(accounts.AddKeyInput) error) error {
	for i := range keys {
		k := &keys[i]
		at := owner.child("keys", i, k.Title, k.line)
		in, err := k.input()
		if err != nil {
			return at.fail(err)
		}
		if err := add(in); err != nil {
			return at.fail(err)
		}
	}
	return nil
}

// serviceAccount creates sa as admin does, grants its role, and uploads its
// keys.
func (r *run) serviceAccount(ctx context.Context, at entry, admin accounts.Caller, sa *ServiceAccount) error {
	created, err := r.svc.CreateServiceAccount(ctx, admin, accounts.CreateServiceAccountInput{Name: sa.Name, Description: sa.Description})
	if err != nil {
		return at.fail(err)
	}
	if sa.Role != "" && sa.Role != created.Role {
		role := sa.Role
		if _, err := r.svc.UpdateServiceAccount(ctx, admin, created.ID, accounts.UpdateServiceAccountInput{Role: &role}); err != nil {
			return at.fail(err)
		}
	}
	return addKeys(at, sa.Keys, func(in accounts.AddKeyInput) error {
		_, err := r.svc.AddServiceAccountKey(ctx, admin, created.ID, in)
		return err
	})
}

// undo deletes the workspaces the run created, newest first, with
// everything in them: members, service accounts, keys and sessions.
func (r *run) undo(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), undoTimeout)
	defer cancel()
	var failed []error
	for i := len(r.created) - 1; i >= 0; i-- {
		id := r.created[i]
		err := r.svc.DeleteWorkspace(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			failed = append(failed, fmt.Errorf("seed: undo: workspace %s created by this run is left in the store: %w", id, err))
		}
	}
	return errors.Join(failed...)
}
