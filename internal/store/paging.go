package store

import (
	"strings"
	"time"
)

// Keyset paging. Every paged listing is sorted by a key and then by id, so
// that each item has a position of its own; a page is the items strictly
// after a position (before it, in a descending listing), at most a limit.
// A store answers a page from an ordered index: its cost grows with the
// page and with the logarithm of the listing, never with the whole
// listing. Items created or deleted between two pages never make a later
// page skip or repeat an item that was listed all along.

// Position is the place of an item in a listing: its sort key and its id.
type Position struct {
	// CreatedAt is the sort key of the listings by creation time.
	CreatedAt time.Time
	// Name is the sort key of the resource listings by name: the NameKey
	// of the title.
	Name string
	ID   string
}

// Page asks a listing for one page.
type Page struct {
	// After is the position of the last item of the previous page; nil
	// asks for the first page.
	After *Position
	// Limit is the most items the page holds; a page of a Limit below 1
	// is empty.
	Limit int
}

// NameKey is the sort key of a title in the listings by name: the title
// lower-cased as strings.ToLower does, compared byte by byte (so, by code
// point). Every backend computes it with this function, so that they
// order names alike whatever the database's collation.
func NameKey(title string) string { return strings.ToLower(title) }

// ResourceOrder is the sort of a resource listing. Both end with the id.
type ResourceOrder int

const (
	// ByCreated sorts by CreatedAt, then id.
	ByCreated ResourceOrder = iota
	// ByName sorts by NameKey(Title), then id.
	ByName
)

// ResourceQuery asks for one page of a workspace's resources of one kind:
// those visible to a principal, narrowed by filters, in an order.
//
// A page costs O(log n + page) when the filters it uses are indexed
// (none, or only those on the columns below, which a store checks on each
// row it reads from the order's index: a filter that rejects many rows
// makes the store read them). Match runs on every row that passed the
// others; the rows it rejects are read all the same.
type ResourceQuery struct {
	Order ResourceOrder
	Desc  bool
	Page  Page

	// VisibleTo, when set, keeps only what that principal created, what
	// is shared with it (SharedWith), and the resources whose ids are in
	// AlsoVisible. Nil keeps every resource of the kind.
	VisibleTo   *Owner
	AlsoVisible []string

	// Filters on columns; nil means no filter. A non-nil empty IDs or
	// Titles matches nothing. Time bounds are strict.
	TitleEq       *string
	DescriptionEq *string
	IDs           []string
	Titles        []string
	CreatedAfter  *time.Time
	CreatedBefore *time.Time
	UpdatedAfter  *time.Time
	UpdatedBefore *time.Time

	// Match, when set, is one more predicate, over the whole resource
	// (its attributes included), that the store calls for each candidate
	// in order. It must not call the store.
	Match func(Resource) bool
}
