package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// State is the whole state of the emulator: every row of every table,
// removed members and deleted service accounts included. It holds public
// keys and token hashes only: nothing in it is a secret. The control plane
// exports and imports it as a versioned document of its own.
type State struct {
	Workspaces      []store.Workspace
	Members         []store.Member
	ServiceAccounts []store.ServiceAccount
	Keys            []store.Key
	Tokens          []store.Token
	Resources       []store.Resource
}

var resourceKinds = []store.ResourceKind{
	store.KindProject, store.KindDataset, store.KindOntology,
	store.KindStorageFolder, store.KindGroup, store.KindCloudIntegration,
}

// ExportState reads the whole state in one transaction.
func (s *Service) ExportState(ctx context.Context) (State, error) {
	var st State
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		all, err := tx.ListWorkspaces(ctx)
		if err != nil {
			return err
		}
		st.Workspaces = all
		for _, ws := range all {
			members, err := tx.ListMembers(ctx, ws.ID, true)
			if err != nil {
				return err
			}
			sas, err := tx.ListServiceAccounts(ctx, ws.ID, true)
			if err != nil {
				return err
			}
			keys, err := tx.ListWorkspaceKeys(ctx, ws.ID)
			if err != nil {
				return err
			}
			tokens, err := tx.ListWorkspaceTokens(ctx, ws.ID)
			if err != nil {
				return err
			}
			st.Members = append(st.Members, members...)
			st.ServiceAccounts = append(st.ServiceAccounts, sas...)
			st.Keys = append(st.Keys, keys...)
			st.Tokens = append(st.Tokens, tokens...)
			for _, kind := range resourceKinds {
				rs, err := tx.ListResources(ctx, ws.ID, kind)
				if err != nil {
					return err
				}
				st.Resources = append(st.Resources, rs...)
			}
		}
		return nil
	})
	return st, err
}

// ImportState replaces the whole state by st in one transaction: on any
// error nothing changes. st is checked first (references, roles, keys);
// uniqueness is then enforced by the store as for any write.
func (s *Service) ImportState(ctx context.Context, st State) error {
	if err := st.validate(); err != nil {
		return err
	}
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		if err := tx.DeleteAll(ctx); err != nil {
			return err
		}
		for i, w := range st.Workspaces {
			if err := importErr("workspaces", i, tx.CreateWorkspace(ctx, w)); err != nil {
				return err
			}
		}
		for i, m := range st.Members {
			if err := importErr("members", i, tx.CreateMember(ctx, m)); err != nil {
				return err
			}
		}
		for i, sa := range st.ServiceAccounts {
			if err := importErr("serviceAccounts", i, tx.CreateServiceAccount(ctx, sa)); err != nil {
				return err
			}
		}
		for i, k := range st.Keys {
			if err := importErr("keys", i, tx.CreateKey(ctx, k)); err != nil {
				return err
			}
		}
		for i, t := range st.Tokens {
			if err := importErr("tokens", i, tx.CreateToken(ctx, t)); err != nil {
				return err
			}
		}
		for i, r := range st.Resources {
			if err := importErr("resources", i, tx.CreateResource(ctx, r)); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		s.log.InfoContext(ctx, "state imported", "workspaces", len(st.Workspaces), "keys", len(st.Keys))
	}
	return err
}

// Reset deletes every row; the caller replays the seed afterwards.
func (s *Service) Reset(ctx context.Context) error {
	return s.store.Tx(ctx, func(tx store.Tx) error { return tx.DeleteAll(ctx) })
}

func importErr(list string, i int, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrDuplicateKey):
		return errs.Wrap(err, errs.InvalidArguments, "%s[%d]: its public key is also registered to another active key; each active public key may appear once", list, i)
	case errors.Is(err, store.ErrAlreadyExists):
		return errs.Wrap(err, errs.InvalidArguments, "%s[%d]: its id or email is already used by an earlier entry", list, i)
	}
	return err
}

// validate checks what the store does not: references between entries,
// enum values, and that every key is the ed25519 key it claims.
func (st *State) validate() error {
	bad := func(list string, i int, format string, args ...any) error {
		return errs.Invalid(fmt.Sprintf("%s[%d]", list, i), "%s[%d]: %s", list, i, fmt.Sprintf(format, args...))
	}
	workspaces := map[string]bool{}
	for i, w := range st.Workspaces {
		if w.ID == "" || w.Name == "" {
			return bad("workspaces", i, "id and name are required")
		}
		workspaces[w.ID] = true
	}
	owners := map[store.Owner]string{} // owner → workspace
	for i, m := range st.Members {
		if !workspaces[m.WorkspaceID] {
			return bad("members", i, "workspace %q is not in the state", m.WorkspaceID)
		}
		if m.ID == "" || !m.Role.Valid() {
			return bad("members", i, `id is required and role must be "admin" or "member"`)
		}
		owners[store.Owner{Type: store.OwnerUser, ID: m.ID}] = m.WorkspaceID
	}
	for i, sa := range st.ServiceAccounts {
		if !workspaces[sa.WorkspaceID] {
			return bad("serviceAccounts", i, "workspace %q is not in the state", sa.WorkspaceID)
		}
		if sa.ID == "" || !sa.Role.Valid() {
			return bad("serviceAccounts", i, `id is required and role must be "admin" or "member"`)
		}
		owners[store.Owner{Type: store.OwnerServiceAccount, ID: sa.ID}] = sa.WorkspaceID
	}
	for i, k := range st.Keys {
		if ws, ok := owners[k.Owner]; !ok || ws != k.WorkspaceID {
			return bad("keys", i, "owner %s %q is not in the state under workspace %q", k.Owner.Type, k.Owner.ID, k.WorkspaceID)
		}
		pub, err := sshkey.Parse(k.PublicKey)
		if err != nil {
			return bad("keys", i, "publicKey: %v", err)
		}
		if pub.Hex != k.PublicKeyHex || pub.Fingerprint != k.Fingerprint || pub.Line != k.PublicKey {
			return bad("keys", i, "publicKeyHex and fingerprint must be those of publicKey (%s, %s)", pub.Hex, pub.Fingerprint)
		}
	}
	for i, t := range st.Tokens {
		if ws, ok := owners[t.Owner]; !ok || ws != t.WorkspaceID {
			return bad("tokens", i, "owner %s %q is not in the state under workspace %q", t.Owner.Type, t.Owner.ID, t.WorkspaceID)
		}
	}
	for i, r := range st.Resources {
		if !workspaces[r.WorkspaceID] {
			return bad("resources", i, "workspace %q is not in the state", r.WorkspaceID)
		}
	}
	return nil
}
