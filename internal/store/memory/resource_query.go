package memory

import (
	"context"
	"slices"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// PageResources implements store.Tx. Without VisibleTo it walks the kind's
// index in q's order; with it, the principal's access index (what it
// created or was shared), merged with the AlsoVisible rows. Either walk
// stops once the page is full.
func (tx *txn) PageResources(ctx context.Context, workspaceID string, kind store.ResourceKind, q store.ResourceQuery) ([]store.Resource, error) {
	t, err := tx.begin(ctx)
	if err != nil {
		return nil, err
	}
	if q.Page.Limit < 1 {
		return nil, nil
	}
	order := q.Order
	if order != store.ByName {
		order = store.ByCreated
	}
	after := pagePosition(q.Page.After, order)
	match := resourceFilter(q)
	var out []store.Resource
	take := func(r *store.Resource) bool {
		if match == nil || match(r) {
			out = append(out, cloneResource(*r))
		}
		return len(out) < q.Page.Limit
	}
	wk := workspaceKind{workspaceID, kind}
	if q.VisibleTo == nil {
		t.resourcesByKind[order].scan(wk, after, q.Desc, take)
		return out, nil
	}

	// The AlsoVisible rows of this listing that come after the position,
	// in the listing's order, merged into the walk of the access index.
	posOf := resourcePosition(order)
	before := func(a, b position) bool {
		if q.Desc {
			return a.compare(b) > 0
		}
		return a.compare(b) < 0
	}
	var extra []*store.Resource
	for _, id := range q.AlsoVisible {
		r := t.resources.rows[id]
		if r != nil && kindOf(r) == wk && (after == nil || before(*after, posOf(r))) {
			extra = append(extra, r)
		}
	}
	slices.SortFunc(extra, func(a, b *store.Resource) int {
		c := posOf(a).compare(posOf(b))
		if q.Desc {
			return -c
		}
		return c
	})
	extra = slices.Compact(extra)
	more := true
	t.resourcesByAccess[order].scan(resourceAccess{wk, *q.VisibleTo}, after, q.Desc, func(r *store.Resource) bool {
		p := posOf(r)
		for more && len(extra) > 0 && !before(p, posOf(extra[0])) {
			if extra[0] != r { // listed in both: once
				more = take(extra[0])
			}
			extra = extra[1:]
		}
		if more {
			more = take(r)
		}
		return more
	})
	for ; more && len(extra) > 0; extra = extra[1:] {
		more = take(extra[0])
	}
	return out, nil
}

// resourceFilter returns q's filters as one predicate, nil when there are
// none. Time bounds are truncated to microseconds first, as stored times
// are (and as Postgres truncates its parameters).
func resourceFilter(q store.ResourceQuery) func(*store.Resource) bool {
	if q.TitleEq == nil && q.DescriptionEq == nil && q.IDs == nil && q.Titles == nil && q.CreatedAfter == nil &&
		q.CreatedBefore == nil && q.UpdatedAfter == nil && q.UpdatedBefore == nil && q.Match == nil {
		return nil
	}
	bound := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		b := t.Truncate(time.Microsecond)
		return &b
	}
	createdAfter, createdBefore := bound(q.CreatedAfter), bound(q.CreatedBefore)
	updatedAfter, updatedBefore := bound(q.UpdatedAfter), bound(q.UpdatedBefore)
	return func(r *store.Resource) bool {
		switch {
		case q.TitleEq != nil && r.Title != *q.TitleEq,
			q.DescriptionEq != nil && r.Description != *q.DescriptionEq,
			q.IDs != nil && !slices.Contains(q.IDs, r.ID),
			q.Titles != nil && !slices.Contains(q.Titles, r.Title),
			createdAfter != nil && !r.CreatedAt.After(*createdAfter),
			createdBefore != nil && !r.CreatedAt.Before(*createdBefore),
			updatedAfter != nil && !r.UpdatedAt.After(*updatedAfter),
			updatedBefore != nil && !r.UpdatedAt.Before(*updatedBefore):
			return false
		}
		return q.Match == nil || q.Match(cloneResource(*r))
	}
}
