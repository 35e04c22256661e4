package accounts

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/accounts/attributes"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/like"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The listing engine of the SDK plane: the resources a principal sees
// (visibility.go), narrowed by the filters of the SDK's list calls, sorted
// and paged by keyset (paging.go), each completed into a ResourceView
// (resource_views.go).

// ResourceFilter narrows a listing. The zero value lists everything the
// principal sees, oldest first. Nil pointers and nil slices mean "no
// filter".
type ResourceFilter struct {
	// IncludeOrgAccess asks for every resource of the workspace; only
	// workspace admins may.
	IncludeOrgAccess bool

	TitleEq   *string // exact, case-sensitive
	TitleLike *string // SQL LIKE: % any run, _ one character, \ escapes; case-insensitive
	DescEq    *string
	DescLike  *string

	CreatedBefore, CreatedAfter *time.Time // strict bounds
	EditedBefore, EditedAfter   *time.Time

	// TagsAnyOf keeps projects carrying at least one of the tags. A
	// non-nil empty list matches nothing.
	TagsAnyOf []string
	// IDs and Titles keep resources whose id (title) is in the list.
	IDs, Titles []string

	// Storage folders only.
	Search        *string // substring of the name, case-insensitive
	DatasetSynced *bool   // synced with a dataset (true) or not (false)
	Recursive     bool    // false lists top-level folders only

	Order Order
	Desc  bool
}

// ListResources lists the resources of a kind that p sees, filtered, in
// one page (every match at once when pr.Size is 0, as the SDK's unpaged
// calls answer). includeOrgAccess by a non-admin is a 403.
//
// The store reads the page from the index of the listing's order
// (resourceQuery says which filters it checks there); a page costs what
// it reads, not the workspace's size.
func (s *Service) ListResources(ctx context.Context, p Principal, kind store.ResourceKind, f ResourceFilter, pr PageRequest) (Page[ResourceView], error) {
	if f.IncludeOrgAccess && !p.IsAdmin() {
		return Page[ResourceView]{}, errs.New(errs.Authorisation, "includeOrgAccess=True needs a workspace admin; %s is a member", p.Email)
	}
	order := f.Order
	if order == "" {
		order = OrderCreated
	}
	if order != OrderCreated && order != OrderName {
		return Page[ResourceView]{}, errs.Invalid("order", "order must be %q or %q, got %q", OrderName, OrderCreated, string(order))
	}
	cursorOf := createdResourceCursor
	if order == OrderName {
		cursorOf = namedResourceCursor
	}
	var page Page[ResourceView]
	err := s.store.View(ctx, func(tx store.Tx) error {
		q, err := resourceQuery(ctx, tx, p, kind, f, order)
		if err != nil {
			return err
		}
		var cut Page[store.Resource]
		if pr.Size == 0 {
			cut.Items, err = everyResource(ctx, tx, p.WorkspaceID, kind, q)
		} else {
			if q.Page, err = storePage(pr, order, f.Desc); err != nil {
				return err
			}
			var rs []store.Resource
			rs, err = tx.PageResources(ctx, p.WorkspaceID, kind, q)
			cut = pageOf(rs, pr, order, f.Desc, cursorOf)
		}
		if err != nil {
			return err
		}
		vw := newViewer(ctx, tx, p)
		page.Next = cut.Next
		page.Items = make([]ResourceView, 0, len(cut.Items))
		for _, r := range cut.Items {
			v, err := vw.view(r)
			if err != nil {
				return err
			}
			page.Items = append(page.Items, v)
		}
		return nil
	})
	return page, err
}

func createdResourceCursor(r store.Resource) Cursor { return CreatedCursor(r.CreatedAt, r.ID) }

func namedResourceCursor(r store.Resource) Cursor { return Cursor{Key: nameKey(r.Title), ID: r.ID} }

// resourceQuery is the store's query of a listing: the visibility rule
// (visibility.go), then the filters. Those on columns (titles and
// descriptions equal, ids, titles, time bounds) are checked by the store
// on each row it reads from the order's index; the others (LIKE, search,
// tags, a storage folder's parent and sync) are Match, which the store
// calls on the rows that passed: a listing that they narrow much reads
// the rows they reject.
func resourceQuery(ctx context.Context, tx store.Tx, p Principal, kind store.ResourceKind, f ResourceFilter, order Order) (store.ResourceQuery, error) {
	q := store.ResourceQuery{
		Desc:          f.Desc,
		TitleEq:       f.TitleEq,
		DescriptionEq: f.DescEq,
		IDs:           f.IDs,
		Titles:        f.Titles,
		CreatedAfter:  f.CreatedAfter,
		CreatedBefore: ceilMicrosecond(f.CreatedBefore),
		UpdatedAfter:  f.EditedAfter,
		UpdatedBefore: ceilMicrosecond(f.EditedBefore),
	}
	if order == OrderName {
		q.Order = store.ByName
	}
	if f.unindexed(kind) {
		q.Match = f.unindexedMatcher()
	}
	if !seesAll(p, kind, f.IncludeOrgAccess) {
		q.VisibleTo = &p.Owner
		if kind == store.KindOntology {
			var err error
			if q.AlsoVisible, err = reachableOntologies(ctx, tx, p); err != nil {
				return store.ResourceQuery{}, err
			}
		}
	}
	return q, nil
}

// everyBatch is the page size in which everyResource reads a listing.
const everyBatch = 1000

// everyResource reads every resource q selects, a page at a time.
func everyResource(ctx context.Context, tx store.Tx, workspaceID string, kind store.ResourceKind, q store.ResourceQuery) ([]store.Resource, error) {
	var out []store.Resource
	q.Page = store.Page{Limit: everyBatch}
	for {
		rs, err := tx.PageResources(ctx, workspaceID, kind, q)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
		if len(rs) < everyBatch {
			return out, nil
		}
		last := rs[len(rs)-1]
		q.Page.After = &store.Position{CreatedAt: last.CreatedAt, Name: store.NameKey(last.Title), ID: last.ID}
	}
}

// ceilMicrosecond rounds a strict upper bound up to the microsecond, the
// precision of stored times, which the store compares bounds at: a time
// stored below t is below the rounded bound too.
func ceilMicrosecond(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := t.Truncate(time.Microsecond)
	if c.Before(*t) {
		c = c.Add(time.Microsecond)
	}
	return &c
}

// GetResource returns one resource that p sees: 404 when it does not exist
// in p's workspace, 403 when it exists but p cannot see it.
func (s *Service) GetResource(ctx context.Context, p Principal, kind store.ResourceKind, id string) (ResourceView, error) {
	var out ResourceView
	err := s.store.View(ctx, func(tx store.Tx) error {
		r, err := visibleResource(ctx, tx, p, kind, id)
		if err != nil {
			return err
		}
		out, err = newViewer(ctx, tx, p).view(r)
		return err
	})
	return out, err
}

// unindexed reports whether the filter has predicates the store cannot
// check on a column, for a listing of kind.
func (f ResourceFilter) unindexed(kind store.ResourceKind) bool {
	folders := kind == store.KindStorageFolder && (!f.Recursive || f.DatasetSynced != nil)
	return folders || f.TitleLike != nil || f.DescLike != nil || f.Search != nil || f.TagsAnyOf != nil
}

// unindexedMatcher returns the predicates of unindexed, its LIKE patterns
// compiled and its search text lower-cased once for every resource they are
// matched against.
func (f ResourceFilter) unindexedMatcher() func(store.Resource) bool {
	titleLike, descLike := compileLike(f.TitleLike), compileLike(f.DescLike)
	var search *string
	if f.Search != nil {
		lower := strings.ToLower(*f.Search)
		search = &lower
	}
	return func(r store.Resource) bool { return f.matchesUnindexed(r, titleLike, descLike, search) }
}

func compileLike(pattern *string) *like.Pattern {
	if pattern == nil {
		return nil
	}
	return like.Compile(*pattern)
}

// matchesUnindexed applies the predicates of unindexed to r, with its LIKE
// patterns compiled and its search text lower-cased (nil: no such filter).
func (f ResourceFilter) matchesUnindexed(r store.Resource, titleLike, descLike *like.Pattern, search *string) bool {
	switch {
	case titleLike != nil && !titleLike.Match(r.Title),
		descLike != nil && !descLike.Match(r.Description),
		search != nil && !strings.Contains(strings.ToLower(r.Title), *search):
		return false
	}
	if f.TagsAnyOf != nil {
		tags := attributes.Of[attributes.Project](r).Tags
		if !slices.ContainsFunc(f.TagsAnyOf, func(t string) bool { return slices.Contains(tags, t) }) {
			return false
		}
	}
	if r.Kind == store.KindStorageFolder {
		attrs := attributes.Of[attributes.StorageFolder](r)
		if !f.Recursive && attrs.ParentID != nil {
			return false
		}
		if f.DatasetSynced != nil && *f.DatasetSynced != (attrs.SyncedDatasetID != nil) {
			return false
		}
	}
	return true
}
