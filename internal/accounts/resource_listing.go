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

// ListResources lists the resources of a kind that p sees, filtered and
// paged. includeOrgAccess by a non-admin is a 403.
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
	cursorOf := func(r store.Resource) Cursor {
		if order == OrderName {
			return Cursor{Key: nameKey(r.Title), ID: r.ID}
		}
		return CreatedCursor(r.CreatedAt, r.ID)
	}
	var page Page[ResourceView]
	err := s.store.View(ctx, func(tx store.Tx) error {
		all, err := tx.ListResources(ctx, p.WorkspaceID, kind)
		if err != nil {
			return err
		}
		reach, err := reachableOntologies(ctx, tx, p, kind, f.IncludeOrgAccess)
		if err != nil {
			return err
		}
		matches := f.matcher()
		matched := make([]store.Resource, 0, len(all))
		for _, r := range all {
			if (canSee(p, r, f.IncludeOrgAccess) || reach[r.ID]) && matches(r) {
				matched = append(matched, r)
			}
		}
		cut, err := paginate(matched, pr, order, f.Desc, cursorOf)
		if err != nil {
			return err
		}
		vw := newViewer(ctx, tx, p)
		if kind == store.KindStorageFolder {
			vw.knowFolders(all)
		}
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

// matcher returns the filter's predicates (not visibility), its LIKE
// patterns compiled once for every resource they are matched against.
func (f ResourceFilter) matcher() func(store.Resource) bool {
	titleLike, descLike := compileLike(f.TitleLike), compileLike(f.DescLike)
	return func(r store.Resource) bool { return f.matches(r, titleLike, descLike) }
}

func compileLike(pattern *string) *like.Pattern {
	if pattern == nil {
		return nil
	}
	return like.Compile(*pattern)
}

// matches applies the filter's predicates to r, with its LIKE patterns
// compiled (nil: no such filter).
func (f ResourceFilter) matches(r store.Resource, titleLike, descLike *like.Pattern) bool {
	switch {
	case f.TitleEq != nil && r.Title != *f.TitleEq,
		titleLike != nil && !titleLike.Match(r.Title),
		f.DescEq != nil && r.Description != *f.DescEq,
		descLike != nil && !descLike.Match(r.Description),
		f.CreatedBefore != nil && !r.CreatedAt.Before(*f.CreatedBefore),
		f.CreatedAfter != nil && !r.CreatedAt.After(*f.CreatedAfter),
		f.EditedBefore != nil && !r.UpdatedAt.Before(*f.EditedBefore),
		f.EditedAfter != nil && !r.UpdatedAt.After(*f.EditedAfter),
		f.IDs != nil && !slices.Contains(f.IDs, r.ID),
		f.Titles != nil && !slices.Contains(f.Titles, r.Title),
		f.Search != nil && !strings.Contains(strings.ToLower(r.Title), strings.ToLower(*f.Search)):
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
