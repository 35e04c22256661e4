package accounts

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// Order is the sort of a listing.
type Order string

const (
	// OrderCreated sorts by creation time, then id: the default, and the
	// order of every management and control list.
	OrderCreated Order = "createdAt"
	// OrderName sorts by title compared case-insensitively, then id.
	OrderName Order = "name"
)

// Cursor is a position in a sorted listing: the sort it belongs to and the
// sort key and id of the last item a page returned. The next page starts
// strictly after it (keyset paging), so items created or deleted between
// two requests never make a page skip or repeat another item, and a store
// can answer it with one range query: (key, id) > (Key, ID), in the order
// of the listing.
type Cursor struct {
	Order Order
	Desc  bool
	Key   string
	ID    string
}

// PageRequest asks for one page. Size 0 asks for every item at once.
type PageRequest struct {
	Size  int
	After *Cursor // nil for the first page
}

// Page is one page of a listing.
type Page[T any] struct {
	Items []T
	Next  *Cursor // nil on the last page
}

// createdKey is the sort key of OrderCreated: fixed width, so that string
// order is time order.
func createdKey(t time.Time) string { return t.UTC().Format("20060102T150405.000000") }

// nameKey is the sort key of OrderName.
func nameKey(title string) string { return strings.ToLower(title) }

// CreatedCursor is the position of an item in a listing oldest first.
func CreatedCursor(createdAt time.Time, id string) Cursor {
	return Cursor{Order: OrderCreated, Key: createdKey(createdAt), ID: id}
}

func compareCursors(a, b Cursor) int {
	return cmp.Or(strings.Compare(a.Key, b.Key), strings.Compare(a.ID, b.ID))
}

// PageOldestFirst pages items in the order of the management and control
// lists: by creation time, then id. cursorOf is CreatedCursor of an item.
func PageOldestFirst[T any](items []T, pr PageRequest, cursorOf func(T) Cursor) (Page[T], error) {
	return paginate(items, pr, OrderCreated, false, cursorOf)
}

// paginate sorts a copy of items by their cursors (descending when desc)
// and cuts the page pr asks for. A cursor of another sort is a 400.
func paginate[T any](items []T, pr PageRequest, order Order, desc bool, cursorOf func(T) Cursor) (Page[T], error) {
	if pr.After != nil && (pr.After.Order != order || pr.After.Desc != desc) {
		return Page[T]{}, errs.Invalid("pageToken", "pageToken belongs to a listing in another order; send the same sort parameters as the request that returned it, or start again without pageToken")
	}
	sorted := slices.Clone(items)
	slices.SortStableFunc(sorted, func(a, b T) int {
		c := compareCursors(cursorOf(a), cursorOf(b))
		if desc {
			return -c
		}
		return c
	})
	start := 0
	if pr.After != nil {
		start = len(sorted)
		for i, it := range sorted {
			c := compareCursors(cursorOf(it), *pr.After)
			if (!desc && c > 0) || (desc && c < 0) {
				start = i
				break
			}
		}
	}
	end := len(sorted)
	var page Page[T]
	if pr.Size > 0 && start+pr.Size < end {
		end = start + pr.Size
		next := cursorOf(sorted[end-1])
		next.Order, next.Desc = order, desc
		page.Next = &next
	}
	page.Items = sorted[start:end]
	return page, nil
}
