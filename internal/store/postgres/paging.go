package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// Keyset pages: each query reads one range of the index named beside it,
// from the position after p.After, and stops at p.Limit rows. The first
// page and the pages after it are two statements, so that each one's plan
// is an index range scan (an optional bound in one statement would make
// the generic plan of a prepared statement scan from the start).

// keysetPage runs the statement of the page p asks for: first when
// p.After is nil, else after with the position's creation time and id
// appended to args, and the limit last.
func keysetPage[T any](ctx context.Context, t *tx, p store.Page, first, after string, scan func(pgx.Row) (T, error), args ...any) ([]T, error) {
	if p.Limit < 1 {
		return nil, nil
	}
	sql := first
	if p.After != nil {
		sql = after
		args = append(args, p.After.CreatedAt, p.After.ID)
	}
	args = append(args, p.Limit)
	rows, err := t.tx.Query(ctx, sql, args...)
	return collect(rows, err, scan)
}

// pageSQL returns the statements of a page of a listing oldest first:
// where is the listing's condition on $1..$n, n its parameter count.
func pageSQL(columns, table, where string, n int) (first, after string) {
	order := ` ORDER BY created_at, id LIMIT `
	first = `SELECT ` + columns + ` FROM ` + table + ` WHERE ` + where + order + fmt.Sprintf("$%d", n+1)
	after = `SELECT ` + columns + ` FROM ` + table + ` WHERE ` + where +
		fmt.Sprintf(` AND (created_at, id) > ($%d, $%d)`, n+1, n+2) + order + fmt.Sprintf("$%d", n+3)
	return first, after
}

var (
	// workspaces_created_at_idx
	pageWorkspacesFirst, pageWorkspacesAfter = pageSQL(workspaceColumns, "workspaces", "true", 0)
	// members_workspace_idx; members_live_workspace_idx
	pageMembersFirst, pageMembersAfter         = pageSQL(memberColumns, "members", "workspace_id = $1", 1)
	pageLiveMembersFirst, pageLiveMembersAfter = pageSQL(memberColumns, "members", "workspace_id = $1 AND removed_at IS NULL", 1)
	// service_accounts_workspace_idx; service_accounts_live_workspace_idx
	pageAccountsFirst, pageAccountsAfter         = pageSQL(serviceAccountColumns, "service_accounts", "workspace_id = $1", 1)
	pageLiveAccountsFirst, pageLiveAccountsAfter = pageSQL(serviceAccountColumns, "service_accounts", "workspace_id = $1 AND deleted_at IS NULL", 1)
	// keys_owner_idx
	pageKeysFirst, pageKeysAfter = pageSQL(keyColumns, "keys", "owner_type = $1 AND owner_id = $2", 2)
)

func (t *tx) PageWorkspaces(ctx context.Context, p store.Page) ([]store.Workspace, error) {
	ws, err := keysetPage(ctx, t, p, pageWorkspacesFirst, pageWorkspacesAfter, scanWorkspace)
	return ws, wrap("page workspaces", err)
}

func (t *tx) PageMembers(ctx context.Context, workspaceID string, includeRemoved bool, p store.Page) ([]store.Member, error) {
	first, after := pageLiveMembersFirst, pageLiveMembersAfter
	if includeRemoved {
		first, after = pageMembersFirst, pageMembersAfter
	}
	ms, err := keysetPage(ctx, t, p, first, after, scanMember, workspaceID)
	return ms, wrap("page members of workspace "+workspaceID, err)
}

// CountMembers reads members_live_workspace_idx alone.
func (t *tx) CountMembers(ctx context.Context, workspaceID string) (int, error) {
	var n int
	err := t.tx.QueryRow(ctx, `SELECT count(*) FROM members WHERE workspace_id = $1 AND removed_at IS NULL`, workspaceID).Scan(&n)
	return n, wrap("count members of workspace "+workspaceID, err)
}

// CountServiceAccounts reads service_accounts_live_workspace_idx alone.
func (t *tx) CountServiceAccounts(ctx context.Context, workspaceID string) (int, error) {
	var n int
	err := t.tx.QueryRow(ctx, `SELECT count(*) FROM service_accounts WHERE workspace_id = $1 AND deleted_at IS NULL`, workspaceID).Scan(&n)
	return n, wrap("count service accounts of workspace "+workspaceID, err)
}

func (t *tx) PageServiceAccounts(ctx context.Context, workspaceID string, includeDeleted bool, p store.Page) ([]store.ServiceAccount, error) {
	first, after := pageLiveAccountsFirst, pageLiveAccountsAfter
	if includeDeleted {
		first, after = pageAccountsFirst, pageAccountsAfter
	}
	sas, err := keysetPage(ctx, t, p, first, after, scanServiceAccount, workspaceID)
	return sas, wrap("page service accounts of workspace "+workspaceID, err)
}

func (t *tx) PageKeys(ctx context.Context, owner store.Owner, p store.Page) ([]store.Key, error) {
	ks, err := keysetPage(ctx, t, p, pageKeysFirst, pageKeysAfter, scanKey, string(owner.Type), owner.ID)
	return ks, wrap(fmt.Sprintf("page keys of %s %s", owner.Type, owner.ID), err)
}
