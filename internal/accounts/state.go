package accounts

import (
	"context"
	"errors"
	"slices"

	"github.com/encord-emulator/encord-emulator/internal/errs"
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
			for _, kind := range store.ResourceKinds() {
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
// error nothing changes. st is checked first, whole, by the rules of the
// API and the seed (checkState, docs/rules.md, State import); a refusal
// names the value at fault by its JSON pointer in the state document. Its
// times are stored in UTC, in whole microseconds.
func (s *Service) ImportState(ctx context.Context, st State) error {
	st = State{
		Workspaces: slices.Clone(st.Workspaces), Members: slices.Clone(st.Members), ServiceAccounts: slices.Clone(st.ServiceAccounts),
		Keys: slices.Clone(st.Keys), Tokens: slices.Clone(st.Tokens), Resources: slices.Clone(st.Resources),
	}
	if err := checkState(&st); err != nil {
		return err
	}
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		if err := tx.DeleteAll(ctx); err != nil {
			return err
		}
		for _, rows := range []func() error{
			func() error { return importRows(ctx, "workspaces", st.Workspaces, tx.CreateWorkspace) },
			func() error { return importRows(ctx, "members", st.Members, tx.CreateMember) },
			func() error { return importRows(ctx, "serviceAccounts", st.ServiceAccounts, tx.CreateServiceAccount) },
			func() error { return importRows(ctx, "keys", st.Keys, tx.CreateKey) },
			func() error { return importRows(ctx, "tokens", st.Tokens, tx.CreateToken) },
			func() error { return importRows(ctx, "resources", st.Resources, tx.CreateResource) },
		} {
			if err := rows(); err != nil {
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

// importRows creates the rows of one list of the state, in order; a
// refusal names the entry (importErr).
func importRows[T any](ctx context.Context, list string, rows []T, create func(context.Context, T) error) error {
	for i, row := range rows {
		if err := importErr(list, i, create(ctx, row)); err != nil {
			return err
		}
	}
	return nil
}

// importErr names the entry a store refused. checkState refuses what the
// stores would first, so these are a second line, alike on both stores.
func importErr(list string, i int, err error) error {
	ptr := pointer(list, i)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrDuplicateKey):
		return errs.Wrap(err, errs.InvalidArguments, "%s: its public key is also registered to another active key; each active public key may appear once", ptr).WithDetail("field", ptr)
	case errors.Is(err, store.ErrAlreadyExists):
		return errs.Wrap(err, errs.InvalidArguments, "%s: its id or email is already used by an earlier entry", ptr).WithDetail("field", ptr)
	case errors.Is(err, store.ErrInvalid):
		return errs.Wrap(err, errs.InvalidArguments, "%s: the store cannot hold this entry", ptr).WithDetail("field", ptr)
	}
	return err
}
