package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// PageResources implements store.Tx with one statement per batch.
//
// Without VisibleTo it reads resources_workspace_kind_idx (by creation) or
// resources_workspace_kind_name_idx (by name) from the page's position.
// With it, the union of two ranges, each already in the listing's order
// and cut at the limit: the principal's rows of resource_access (index
// resource_access_created_idx or _name_idx, joined to resources by primary
// key), and the AlsoVisible ids (primary key lookups). The column filters
// are conditions of the same statement. When q.Match is set, rows are read
// in batches and Match keeps or drops each, until the page is full or the
// listing ends.
func (t *tx) PageResources(ctx context.Context, workspaceID string, kind store.ResourceKind, q store.ResourceQuery) ([]store.Resource, error) {
	if q.Page.Limit < 1 {
		return nil, nil
	}
	batch := q.Page.Limit
	if q.Match != nil {
		batch = max(batch, minMatchBatch)
	}
	after := q.Page.After
	var out []store.Resource
	for {
		sql, args := resourcePageSQL(workspaceID, kind, q, after, batch)
		rows, err := t.tx.Query(ctx, sql, args...)
		rs, err := collect(rows, err, scanResource)
		if err != nil {
			return nil, wrap(fmt.Sprintf("page %s resources of workspace %s", kind, workspaceID), err)
		}
		for _, r := range rs {
			if q.Match == nil || q.Match(r) {
				out = append(out, r)
				if len(out) == q.Page.Limit {
					return out, nil
				}
			}
		}
		if len(rs) < batch {
			return out, nil
		}
		last := rs[len(rs)-1]
		after = &store.Position{CreatedAt: last.CreatedAt, Name: store.NameKey(last.Title), ID: last.ID}
	}
}

// minMatchBatch is the fewest rows a batch reads when Match filters them.
const minMatchBatch = 100

// resourcePageSQL builds the statement of one batch of q after a position.
func resourcePageSQL(workspaceID string, kind store.ResourceKind, q store.ResourceQuery, after *store.Position, limit int) (string, []any) {
	b := &sqlBuilder{}
	ws, k, lim := b.arg(workspaceID), b.arg(string(kind)), b.arg(limit)

	keyCol, keyArg := "created_at", ""
	if q.Order == store.ByName {
		keyCol = "name_key"
	}
	var afterID string
	if after != nil {
		if q.Order == store.ByName {
			keyArg = b.arg(after.Name)
		} else {
			keyArg = b.arg(after.CreatedAt)
		}
		afterID = b.arg(after.ID)
	}
	dir, cmp := "", ">"
	if q.Desc {
		dir, cmp = " DESC", "<"
	}
	// keyset is the position condition and order on the columns of alias
	// a (sort key keyCol, id idCol).
	keyset := func(a, idCol string) (where, order string) {
		if after != nil {
			where = fmt.Sprintf(" AND (%s.%s, %s.%s) %s (%s, %s)", a, keyCol, a, idCol, cmp, keyArg, afterID)
		}
		return where, fmt.Sprintf(" ORDER BY %s.%s%s, %s.%s%s", a, keyCol, dir, a, idCol, dir)
	}
	filters := resourceFilterSQL(b, q)

	if q.VisibleTo == nil {
		where, order := keyset("r", "id")
		return `SELECT ` + resourceColumnsOfR + ` FROM resources r WHERE r.workspace_id = ` + ws + ` AND r.kind = ` + k +
			where + filters + order + ` LIMIT ` + lim, b.args
	}
	accessWhere, accessOrder := keyset("a", "resource_id")
	extraWhere, extraOrder := keyset("r", "id")
	_, outerOrder := keyset("r", "id")
	sql := `SELECT ` + resourceColumnsOfR + ` FROM resources r WHERE r.id IN (
    (SELECT a.resource_id FROM resource_access a JOIN resources r ON r.id = a.resource_id
     WHERE a.workspace_id = ` + ws + ` AND a.kind = ` + k + ` AND a.owner_type = ` + b.arg(string(q.VisibleTo.Type)) + ` AND a.owner_id = ` + b.arg(q.VisibleTo.ID) +
		accessWhere + filters + accessOrder + ` LIMIT ` + lim + `)
    UNION
    (SELECT r.id FROM resources r
     WHERE r.id = ANY(` + b.arg(nonNil(q.AlsoVisible)) + `) AND r.workspace_id = ` + ws + ` AND r.kind = ` + k +
		extraWhere + filters + extraOrder + ` LIMIT ` + lim + `)
)` + outerOrder + ` LIMIT ` + lim
	return sql, b.args
}

// resourceFilterSQL returns q's column filters as conditions on alias r.
func resourceFilterSQL(b *sqlBuilder, q store.ResourceQuery) string {
	var sb strings.Builder
	cond := func(format string, v any) { fmt.Fprintf(&sb, " AND "+format, b.arg(v)) }
	if q.TitleEq != nil {
		cond("r.title = %s", *q.TitleEq)
	}
	if q.DescriptionEq != nil {
		cond("r.description = %s", *q.DescriptionEq)
	}
	if q.IDs != nil {
		cond("r.id = ANY(%s)", q.IDs)
	}
	if q.Titles != nil {
		cond("r.title = ANY(%s)", q.Titles)
	}
	if q.CreatedAfter != nil {
		cond("r.created_at > %s", *q.CreatedAfter)
	}
	if q.CreatedBefore != nil {
		cond("r.created_at < %s", *q.CreatedBefore)
	}
	if q.UpdatedAfter != nil {
		cond("r.updated_at > %s", *q.UpdatedAfter)
	}
	if q.UpdatedBefore != nil {
		cond("r.updated_at < %s", *q.UpdatedBefore)
	}
	return sb.String()
}

// sqlBuilder numbers the parameters of a statement built piece by piece.
type sqlBuilder struct{ args []any }

func (b *sqlBuilder) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

// resourceColumnsOfR is resourceColumns of the alias r, which every page
// selects: built once, not for every page.
var resourceColumnsOfR = qualified("r", resourceColumns)

// qualified prefixes each column of a column list with alias.
func qualified(alias, columns string) string {
	parts := strings.Split(columns, ", ")
	for i, c := range parts {
		parts[i] = alias + "." + c
	}
	return strings.Join(parts, ", ")
}

func nonNil(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}
