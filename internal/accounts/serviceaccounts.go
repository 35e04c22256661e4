package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// ServiceAccountEmailDomain is the domain of derived service-account emails.
const ServiceAccountEmailDomain = "service-accounts.encord-emulator.local"

// ServiceAccountEmail derives the email of a service account from its name
// and workspace: "<slug of name>.<first 8 of workspace id>@<domain>". Two
// accounts of one workspace with names of the same slug would share it, and
// the second is refused (409).
func ServiceAccountEmail(name, workspaceID string) string {
	short := workspaceID
	if len(short) > 8 {
		short = short[:8]
	}
	return fmt.Sprintf("%s.%s@%s", slug(name), short, ServiceAccountEmailDomain)
}

// slug keeps lower-case ASCII letters and digits, turns runs of anything
// else into one '-', and caps the length.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 48 {
			break
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if out == "" {
		return "sa"
	}
	return out
}

// ListServiceAccounts lists one page of the live service accounts, oldest
// first (admins only).
func (s *Service) ListServiceAccounts(ctx context.Context, c Caller, pr PageRequest) (Page[store.ServiceAccount], error) {
	var out Page[store.ServiceAccount]
	err := s.read(ctx, c, true, func(tx store.Tx, ws store.Workspace, _ store.Member) error {
		var err error
		out, err = pageOldestFirst(pr, func(p store.Page) ([]store.ServiceAccount, error) {
			return tx.PageServiceAccounts(ctx, ws.ID, false, p)
		}, accountCreated)
		return err
	})
	return out, err
}

// CreateServiceAccount creates a service account with role member (admins
// only), within the workspace's service-account quota.
func (s *Service) CreateServiceAccount(ctx context.Context, c Caller, in CreateServiceAccountInput) (store.ServiceAccount, error) {
	if err := in.Validate(); err != nil {
		return store.ServiceAccount{}, err
	}
	var sa store.ServiceAccount
	err := s.write(ctx, c, true, func(tx store.Tx, ws store.Workspace, me store.Member) error {
		n, err := tx.CountServiceAccounts(ctx, ws.ID)
		if err != nil {
			return err
		}
		if limit := ws.Quotas.ServiceAccounts; n >= limit {
			return errs.New(errs.QuotaExceeded, "workspace %q already has %d of %d service accounts; delete one, or raise the workspace's serviceAccounts quota", ws.Name, n, limit).
				WithDetail("limit", limit).WithDetail("count", n).WithRemedy(errs.Remedy{Action: errs.RaiseQuota, WorkspaceID: ws.ID})
		}
		sa = store.ServiceAccount{
			ID: newID(), WorkspaceID: ws.ID, Name: in.Name, Description: in.Description,
			Email: ServiceAccountEmail(in.Name, ws.ID), Role: store.RoleMember,
			CreatedAt: s.clock(), CreatedByMemberID: me.ID,
		}
		if err := ensureServiceAccountEmailFree(ctx, tx, sa.Email); err != nil {
			return err
		}
		return serviceAccountEmailTaken(tx.CreateServiceAccount(ctx, sa), sa.Email)
	})
	if err == nil {
		s.log.InfoContext(ctx, "service account created", "workspace", c.WorkspaceID, "serviceAccount", sa.ID, "by", c.MemberID)
	}
	return sa, err
}

// GetServiceAccount reads one live service account (admins only).
func (s *Service) GetServiceAccount(ctx context.Context, c Caller, id string) (store.ServiceAccount, error) {
	var sa store.ServiceAccount
	err := s.read(ctx, c, true, func(tx store.Tx, ws store.Workspace, _ store.Member) error {
		var err error
		sa, err = liveServiceAccount(ctx, tx, ws, id)
		return err
	})
	return sa, err
}

// UpdateServiceAccount changes the role or description (admins only).
func (s *Service) UpdateServiceAccount(ctx context.Context, c Caller, id string, in UpdateServiceAccountInput) (store.ServiceAccount, error) {
	if err := in.Validate(); err != nil {
		return store.ServiceAccount{}, err
	}
	var sa store.ServiceAccount
	err := s.write(ctx, c, true, func(tx store.Tx, ws store.Workspace, _ store.Member) error {
		var err error
		if sa, err = liveServiceAccount(ctx, tx, ws, id); err != nil {
			return err
		}
		if in.Role != nil {
			sa.Role = *in.Role
		}
		if in.Description != nil {
			sa.Description = *in.Description
		}
		return tx.UpdateServiceAccount(ctx, sa)
	})
	return sa, err
}

// DeleteServiceAccount deletes a service account (admins only), revoking its
// keys and deleting its bearer tokens in the same transaction.
func (s *Service) DeleteServiceAccount(ctx context.Context, c Caller, id string) error {
	return s.write(ctx, c, true, func(tx store.Tx, ws store.Workspace, _ store.Member) error {
		sa, err := liveServiceAccount(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		now := s.clock()
		if err := tx.MarkServiceAccountDeleted(ctx, sa.ID, now); err != nil {
			return err
		}
		owner := saOwner(sa)
		n, err := tx.RevokeOwnerKeys(ctx, owner, now, ReasonServiceAccountDeleted)
		if err != nil {
			return err
		}
		if _, err := tx.DeleteOwnerTokens(ctx, owner); err != nil {
			return err
		}
		s.log.InfoContext(ctx, "service account deleted", "workspace", ws.ID, "serviceAccount", sa.ID, "keysRevoked", n, "by", c.MemberID)
		return nil
	})
}

// ListServiceAccountKeys lists one page of a service account's keys
// (admins only).
func (s *Service) ListServiceAccountKeys(ctx context.Context, c Caller, id string, pr PageRequest) (Page[store.Key], error) {
	var out Page[store.Key]
	err := s.read(ctx, c, true, func(tx store.Tx, ws store.Workspace, _ store.Member) error {
		sa, err := liveServiceAccount(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		out, err = pageKeys(ctx, tx, saOwner(sa), pr)
		return err
	})
	return out, err
}

// AddServiceAccountKey generates or uploads a key for a service account
// (admins only), within the keys-per-service-account quota.
func (s *Service) AddServiceAccountKey(ctx context.Context, c Caller, id string, in AddKeyInput) (NewKey, error) {
	prepared, err := s.prepareKey(in)
	if err != nil {
		return NewKey{}, err
	}
	owner := store.Owner{Type: store.OwnerServiceAccount, ID: id}
	err = s.writeKeys(ctx, c, true, owner, func(tx store.Tx, ws store.Workspace, _ store.Member) error {
		sa, err := liveServiceAccount(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		return s.insertKey(ctx, tx, ws, saKeyOwner(ws, sa), &prepared)
	})
	return prepared, err
}

// RevokeServiceAccountKey revokes a service account's key (admins only).
func (s *Service) RevokeServiceAccountKey(ctx context.Context, c Caller, id, keyID string) error {
	return s.write(ctx, c, true, func(tx store.Tx, ws store.Workspace, _ store.Member) error {
		sa, err := liveServiceAccount(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		return s.revokeKey(ctx, tx, ws, saOwner(sa), keyID, ReasonRevokedByAdmin)
	})
}

// liveServiceAccount returns a service account of ws that is not deleted;
// anything else, another workspace's account included, is a 404.
func liveServiceAccount(ctx context.Context, tx store.Tx, ws store.Workspace, id string) (store.ServiceAccount, error) {
	sa, err := tx.GetServiceAccount(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (sa.WorkspaceID != ws.ID || sa.DeletedAt != nil)) {
		return store.ServiceAccount{}, errs.New(errs.NotFound, "no service account %q in this workspace", id).WithRemedy(errs.Remedy{Action: errs.ListServiceAccounts})
	}
	return sa, err
}

func saOwner(sa store.ServiceAccount) store.Owner {
	return store.Owner{Type: store.OwnerServiceAccount, ID: sa.ID}
}

func saKeyOwner(ws store.Workspace, sa store.ServiceAccount) keyOwner {
	return keyOwner{owner: saOwner(sa), label: "service account " + sa.Name, quota: ws.Quotas.KeysPerServiceAccount, quotaName: "keysPerServiceAccount"}
}
