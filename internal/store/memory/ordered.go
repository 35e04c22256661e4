package memory

import (
	"cmp"
	"strings"
	"time"

	"github.com/google/btree"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// position is a row's place in an ordered index: its sort key (a creation
// time or a name key; an index uses one of the two), then its id.
type position struct {
	at   int64 // Unix microseconds
	name string
	id   string
}

func (a position) compare(b position) int {
	return cmp.Or(cmp.Compare(a.at, b.at), strings.Compare(a.name, b.name), strings.Compare(a.id, b.id))
}

func createdPosition(at time.Time, id string) position { return position{at: at.UnixMicro(), id: id} }

func namePosition(title, id string) position { return position{name: store.NameKey(title), id: id} }

// pagePosition is the position of a store.Position in an index of order.
func pagePosition(p *store.Position, order store.ResourceOrder) *position {
	if p == nil {
		return nil
	}
	if order == store.ByName {
		return &position{name: p.Name, id: p.ID}
	}
	return &position{at: p.CreatedAt.UnixMicro(), id: p.ID}
}

// orderedEntry is a row at its position.
type orderedEntry[T any] struct {
	pos position
	row *T
}

func entryLess[T any](a, b orderedEntry[T]) bool { return a.pos.compare(b.pos) < 0 }

// btreeDegree is the degree of the B-trees: nodes of up to 63 entries.
const btreeDegree = 32

// orderedIndex keeps the rows of each group (an owner's keys, a
// workspace's members, ...) sorted by position in a B-tree, so that a page
// after a position costs O(log n + page) and rows come out without a sort.
// groupsOf names the groups a row belongs to: none when the index does not
// cover it, several when it is listed in several places (a resource under
// its creator and under each principal it is shared with).
//
// Writes happen under the store's write lock; reads under its read lock
// run side by side, which the B-tree allows.
type orderedIndex[T any, G comparable] struct {
	groupsOf func(*T) []G
	posOf    func(*T) position
	trees    map[G]*btree.BTreeG[orderedEntry[T]]
}

func newOrderedIndex[T any, G comparable](groupsOf func(*T) []G, posOf func(*T) position) *orderedIndex[T, G] {
	return &orderedIndex[T, G]{groupsOf: groupsOf, posOf: posOf, trees: make(map[G]*btree.BTreeG[orderedEntry[T]])}
}

// oneGroup is groupsOf for indexes where a row belongs to at most one
// group.
func oneGroup[T any, G comparable](groupOf func(*T) (G, bool)) func(*T) []G {
	return func(row *T) []G {
		if g, ok := groupOf(row); ok {
			return []G{g}
		}
		return nil
	}
}

func (x *orderedIndex[T, G]) update(_ string, old, new *T) {
	if old != nil {
		at := orderedEntry[T]{pos: x.posOf(old)}
		for _, g := range x.groupsOf(old) {
			if t := x.trees[g]; t != nil {
				t.Delete(at)
				if t.Len() == 0 {
					delete(x.trees, g)
				}
			}
		}
	}
	if new != nil {
		entry := orderedEntry[T]{pos: x.posOf(new), row: new}
		for _, g := range x.groupsOf(new) {
			t := x.trees[g]
			if t == nil {
				t = btree.NewG(btreeDegree, entryLess[T])
				x.trees[g] = t
			}
			t.ReplaceOrInsert(entry)
		}
	}
}

// scan calls yield with the rows of group g in order (descending when
// desc), starting strictly after after (nil: from the first), until yield
// returns false.
func (x *orderedIndex[T, G]) scan(g G, after *position, desc bool, yield func(*T) bool) {
	t := x.trees[g]
	if t == nil {
		return
	}
	visit := func(e orderedEntry[T]) bool {
		if after != nil && e.pos == *after {
			return true
		}
		return yield(e.row)
	}
	switch {
	case after == nil && !desc:
		t.Ascend(visit)
	case after == nil:
		t.Descend(visit)
	case !desc:
		t.AscendGreaterOrEqual(orderedEntry[T]{pos: *after}, visit)
	default:
		t.DescendLessOrEqual(orderedEntry[T]{pos: *after}, visit)
	}
}

// page returns up to p.Limit rows of group g after p.After, converted by
// clone, in ascending order.
func page[T any, G comparable, V any](x *orderedIndex[T, G], g G, p store.Page, clone func(*T) V) []V {
	if p.Limit < 1 {
		return nil
	}
	out := make([]V, 0, min(p.Limit, x.count(g)))
	x.scan(g, pagePosition(p.After, store.ByCreated), false, func(row *T) bool {
		out = append(out, clone(row))
		return len(out) < p.Limit
	})
	return out
}

// all returns every row of group g, converted by clone, in order.
func all[T any, G comparable, V any](x *orderedIndex[T, G], g G, clone func(*T) V) []V {
	out := make([]V, 0, x.count(g))
	x.scan(g, nil, false, func(row *T) bool {
		out = append(out, clone(row))
		return true
	})
	return out
}

// count returns how many rows group g holds.
func (x *orderedIndex[T, G]) count(g G) int {
	if t := x.trees[g]; t != nil {
		return t.Len()
	}
	return 0
}

// ids returns the ids of the rows of group g, in order. The slice is the
// caller's: it stays valid while the table changes.
func (x *orderedIndex[T, G]) ids(g G) []string {
	out := make([]string, 0, x.count(g))
	x.scan(g, nil, false, func(row *T) bool {
		out = append(out, x.posOf(row).id)
		return true
	})
	return out
}
