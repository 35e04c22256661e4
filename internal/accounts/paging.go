package accounts

import (
	"cmp"
	"sort"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
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

// PageRequest asks for one page of Size items (at least 1).
type PageRequest struct {
	Size  int
	After *Cursor // nil for the first page
}

// Page is one page of a listing.
type Page[T any] struct {
	Items []T
	Next  *Cursor // nil on the last page
}

// createdKeyLayout formats the sort key of OrderCreated: fixed width, so
// that string order is time order.
const createdKeyLayout = "20060102T150405.000000"

func createdKey(t time.Time) string { return t.UTC().Format(createdKeyLayout) }

// nameKey is the sort key of OrderName, the store's (which orders by it).
func nameKey(title string) string { return store.NameKey(title) }

// CreatedCursor is the position of an item in a listing oldest first.
func CreatedCursor(createdAt time.Time, id string) Cursor {
	return Cursor{Order: OrderCreated, Key: createdKey(createdAt), ID: id}
}

// NewestFirstCursor is the position of an item in a listing newest first
// (the journal of SDK requests, whose ids are sequence numbers).
func NewestFirstCursor(createdAt time.Time, id string) Cursor {
	c := CreatedCursor(createdAt, id)
	c.Desc = true
	return c
}

// storePage is the store's page for a request of a listing in order (desc
// when desc): one item more than the page holds, so that the item after
// the page says whether there is a next one. A cursor of another listing,
// or whose key is not one this order writes, is a 400.
func storePage(pr PageRequest, order Order, desc bool) (store.Page, error) {
	if pr.Size < 1 {
		return store.Page{}, errs.Invalid("pageSize", "pageSize must be at least 1, got %d", pr.Size)
	}
	p := store.Page{Limit: pr.Size + 1}
	if pr.After == nil {
		return p, nil
	}
	c := *pr.After
	if c.Order != order || c.Desc != desc {
		return store.Page{}, errs.Invalid("pageToken", "pageToken belongs to a listing in another order; send the same sort parameters as the request that returned it, or start again without pageToken")
	}
	at := store.Position{ID: c.ID}
	if order == OrderName {
		at.Name = c.Key
	} else {
		t, err := time.Parse(createdKeyLayout, c.Key)
		if err != nil {
			return store.Page{}, errs.Invalid("pageToken", "pageToken is not a token this listing returned; start again without pageToken")
		}
		at.CreatedAt = t
	}
	p.After = &at
	return p, nil
}

// pageOf makes the page of a request from what the store read for it (up
// to Size+1 items): the first Size items, and the cursor of the last of
// them when the store found more.
func pageOf[T any](items []T, pr PageRequest, order Order, desc bool, cursorOf func(T) Cursor) Page[T] {
	if len(items) <= pr.Size {
		return Page[T]{Items: items}
	}
	next := cursorOf(items[pr.Size-1])
	next.Order, next.Desc = order, desc
	return Page[T]{Items: items[:pr.Size], Next: &next}
}

// pageOldestFirst reads one page of a listing oldest first (every
// management and control list) with read, a store's Page method.
func pageOldestFirst[T any](pr PageRequest, read func(store.Page) ([]T, error), createdAt func(T) (time.Time, string)) (Page[T], error) {
	sp, err := storePage(pr, OrderCreated, false)
	if err != nil {
		return Page[T]{}, err
	}
	items, err := read(sp)
	if err != nil {
		return Page[T]{}, err
	}
	return pageOf(items, pr, OrderCreated, false, func(item T) Cursor { return CreatedCursor(createdAt(item)) }), nil
}

// PageHeld pages a list the caller already holds whole, oldest first (the
// fault rules, which the fault engine keeps in memory to match requests):
// the same keyset page as a store's, found by binary search.
func PageHeld[T any](items []T, pr PageRequest, createdAt func(T) (time.Time, string)) (Page[T], error) {
	return pageOldestFirst(pr, func(p store.Page) ([]T, error) {
		start := 0
		if p.After != nil {
			after := *p.After
			start = sort.Search(len(items), func(i int) bool {
				at, id := createdAt(items[i])
				return cmp.Or(at.Compare(after.CreatedAt), strings.Compare(id, after.ID)) > 0
			})
		}
		return items[start:min(start+p.Limit, len(items))], nil
	}, createdAt)
}

// The positions of the items of the lists oldest first.

func keyCreated(k store.Key) (time.Time, string)       { return k.CreatedAt, k.ID }
func memberCreated(m store.Member) (time.Time, string) { return m.CreatedAt, m.ID }
func accountCreated(sa store.ServiceAccount) (time.Time, string) {
	return sa.CreatedAt, sa.ID
}
func workspaceCreated(w store.Workspace) (time.Time, string) { return w.CreatedAt, w.ID }
