package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// pagingTests check keyset paging (store.Page, store.ResourceQuery): the
// order of each listing, page limits, the strict boundary at a position,
// and, for resources, visibility and filters.
func pagingTests() []conformanceTest {
	return []conformanceTest{
		{"Paging/KeysInOrderAcrossPages", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m, other := newMember(ws.ID), newMember(ws.ID)
			create(t, s, ws, m, other)
			var want []store.Key
			for i := range 23 {
				k := newKey(ws.ID, userOf(m))
				k.CreatedAt = at(time.Duration(i%5) * time.Second) // ties, broken by id
				if i%4 == 0 {
					k.RevokedAt, k.RevokeReason = ptr(at(time.Hour)), "rotated"
				}
				want = append(want, k)
				create(t, s, k, newKey(ws.ID, userOf(other)))
			}
			sortByCreation(want, func(k store.Key) (time.Time, string) { return k.CreatedAt, k.ID })
			for _, limit := range []int{1, 5, 23, 50} {
				got := pageAll(t, s, limit, keyPosition, func(ctx context.Context, tx store.Tx, p store.Page) ([]store.Key, error) {
					return tx.PageKeys(ctx, userOf(m), p)
				})
				equal(t, fmt.Sprintf("keys paged by %d", limit), got, want)
			}
			none := readView(t, s, func(ctx context.Context, tx store.Tx) ([]store.Key, error) {
				return tx.PageKeys(ctx, store.Owner{Type: store.OwnerUser, ID: newID()}, store.Page{Limit: 10})
			})
			sameIDs(t, "page of an owner without keys", keyIDs(none), nil)
		}},
		{"Paging/StrictlyAfterThePosition", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			create(t, s, ws, m)
			var keys []store.Key
			for i := range 6 {
				k := newKey(ws.ID, userOf(m))
				k.CreatedAt = at(time.Duration(i/2) * time.Minute) // pairs with one time
				keys = append(keys, k)
				create(t, s, k)
			}
			sortByCreation(keys, func(k store.Key) (time.Time, string) { return k.CreatedAt, k.ID })
			page := func(after *store.Position, limit int) []string {
				return keyIDs(readView(t, s, func(ctx context.Context, tx store.Tx) ([]store.Key, error) {
					return tx.PageKeys(ctx, userOf(m), store.Page{After: after, Limit: limit})
				}))
			}
			all := keyIDs(keys)
			for i, k := range keys {
				sameIDs(t, fmt.Sprintf("page after key %d", i), page(ptr(keyPosition(k)), 10), all[i+1:])
			}
			// A position no key holds: between the two keys of the second
			// minute, and before the first key of a time.
			between := store.Position{CreatedAt: keys[2].CreatedAt, ID: keys[2].ID + "0"}
			sameIDs(t, "page after a position between two keys", page(&between, 10), all[3:])
			sameIDs(t, "page after the start of a minute", page(&store.Position{CreatedAt: keys[4].CreatedAt}, 10), all[4:])
			sameIDs(t, "page after the last key", page(ptr(keyPosition(keys[5])), 10), nil)
			sameIDs(t, "page of limit 2", page(nil, 2), all[:2])
			sameIDs(t, "page of limit 0", page(nil, 0), nil)
			sameIDs(t, "page of a negative limit", page(nil, -1), nil)
		}},
		{"Paging/MembersLiveOrAllAndCounted", func(t *testing.T, s store.Store) {
			ws, other := newWorkspace(), newWorkspace()
			create(t, s, ws, other)
			var all, live []store.Member
			for i := range 12 {
				m := newMember(ws.ID)
				m.CreatedAt = at(time.Duration(i%4) * time.Second)
				if i%3 == 0 {
					m.RemovedAt = ptr(at(time.Hour))
				} else {
					live = append(live, m)
				}
				all = append(all, m)
				create(t, s, m, newMember(other.ID))
			}
			byCreation := func(m store.Member) (time.Time, string) { return m.CreatedAt, m.ID }
			sortByCreation(all, byCreation)
			sortByCreation(live, byCreation)
			position := func(m store.Member) store.Position { return store.Position{CreatedAt: m.CreatedAt, ID: m.ID} }
			for includeRemoved, want := range map[bool][]store.Member{true: all, false: live} {
				got := pageAll(t, s, 5, position, func(ctx context.Context, tx store.Tx, p store.Page) ([]store.Member, error) {
					return tx.PageMembers(ctx, ws.ID, includeRemoved, p)
				})
				equal(t, fmt.Sprintf("members paged, includeRemoved %t", includeRemoved), got, want)
			}
			for id, want := range map[string]int{ws.ID: len(live), other.ID: 12, newID(): 0} {
				if got := readView(t, s, func(ctx context.Context, tx store.Tx) (int, error) { return tx.CountMembers(ctx, id) }); got != want {
					t.Errorf("CountMembers(%s) = %d, want %d", id, got, want)
				}
			}
		}},
		{"Paging/ServiceAccountsLiveOrAllAndCounted", func(t *testing.T, s store.Store) {
			ws, other := newWorkspace(), newWorkspace()
			create(t, s, ws, other)
			var all, live []store.ServiceAccount
			for i := range 12 {
				sa := newServiceAccount(ws.ID, "")
				sa.CreatedAt = at(time.Duration(i%4) * time.Second)
				if i%3 == 1 {
					sa.DeletedAt = ptr(at(time.Hour))
				} else {
					live = append(live, sa)
				}
				all = append(all, sa)
				create(t, s, sa, newServiceAccount(other.ID, ""))
			}
			byCreation := func(sa store.ServiceAccount) (time.Time, string) { return sa.CreatedAt, sa.ID }
			sortByCreation(all, byCreation)
			sortByCreation(live, byCreation)
			position := func(sa store.ServiceAccount) store.Position {
				return store.Position{CreatedAt: sa.CreatedAt, ID: sa.ID}
			}
			for includeDeleted, want := range map[bool][]store.ServiceAccount{true: all, false: live} {
				got := pageAll(t, s, 4, position, func(ctx context.Context, tx store.Tx, p store.Page) ([]store.ServiceAccount, error) {
					return tx.PageServiceAccounts(ctx, ws.ID, includeDeleted, p)
				})
				equal(t, fmt.Sprintf("service accounts paged, includeDeleted %t", includeDeleted), got, want)
			}
			for id, want := range map[string]int{ws.ID: len(live), other.ID: 12, newID(): 0} {
				if got := readView(t, s, func(ctx context.Context, tx store.Tx) (int, error) { return tx.CountServiceAccounts(ctx, id) }); got != want {
					t.Errorf("CountServiceAccounts(%s) = %d, want %d", id, got, want)
				}
			}
		}},
		{"Paging/Workspaces", func(t *testing.T, s store.Store) {
			var want []store.Workspace
			for i := range 9 {
				w := newWorkspace()
				w.CreatedAt = at(time.Duration(i%3) * time.Second)
				want = append(want, w)
				create(t, s, w)
			}
			sortByCreation(want, func(w store.Workspace) (time.Time, string) { return w.CreatedAt, w.ID })
			got := pageAll(t, s, 2, func(w store.Workspace) store.Position { return store.Position{CreatedAt: w.CreatedAt, ID: w.ID} },
				func(ctx context.Context, tx store.Tx, p store.Page) ([]store.Workspace, error) {
					return tx.PageWorkspaces(ctx, p)
				})
			equal(t, "workspaces paged", got, want)
		}},
		{"Paging/ResourcesInEveryOrder", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			create(t, s, ws, m)
			titles := []string{"beta", "Alpha", "alpha", "Ästhetik", "zeta", "Zeta", "äther", "Beta", "_x", "a b", "ALPHA"}
			var want []store.Resource
			for i, title := range titles {
				r := newResource(ws.ID, store.KindProject, userOf(m))
				r.Title = title
				r.CreatedAt = at(time.Duration(i%4) * time.Second)
				want = append(want, r)
				create(t, s, r, newResource(ws.ID, store.KindDataset, userOf(m)))
			}
			for _, c := range []struct {
				order store.ResourceOrder
				desc  bool
			}{{store.ByCreated, false}, {store.ByCreated, true}, {store.ByName, false}, {store.ByName, true}} {
				sorted := slices.Clone(want)
				slices.SortFunc(sorted, func(a, b store.Resource) int {
					if c.desc {
						return comparePositions(c.order, resourcePosition(b), resourcePosition(a))
					}
					return comparePositions(c.order, resourcePosition(a), resourcePosition(b))
				})
				for _, limit := range []int{1, 3, 11} {
					got := pageResources(t, s, ws.ID, store.KindProject, store.ResourceQuery{Order: c.order, Desc: c.desc}, limit)
					sameIDs(t, fmt.Sprintf("projects by order %d, desc %t, paged by %d", c.order, c.desc, limit), resourceIDs(got), resourceIDs(sorted))
				}
			}
			first := pageResources(t, s, ws.ID, store.KindProject, store.ResourceQuery{}, 100)
			equal(t, "projects read back", first, sortedByCreation(want))
		}},
		{"Paging/ResourcesVisibleToAPrincipal", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			me, other := newMember(ws.ID), newMember(ws.ID)
			sa := newServiceAccount(ws.ID, other.ID)
			create(t, s, ws, me, other, sa)
			var mine, extra []store.Resource
			var alsoVisible []string
			for i := range 15 {
				r := newResource(ws.ID, store.KindOntology, userOf(other))
				r.CreatedAt = at(time.Duration(i) * time.Second)
				switch i % 5 {
				case 0:
					r.CreatedBy = userOf(me)
					mine = append(mine, r)
				case 1:
					r.SharedWith = []store.Owner{accountOf(sa), userOf(me)}
					mine = append(mine, r)
				case 2:
					r.CreatedBy = userOf(me) // created by me and shared with me: listed once
					r.SharedWith = []store.Owner{userOf(me)}
					mine = append(mine, r)
					alsoVisible = append(alsoVisible, r.ID)
				case 3:
					extra = append(extra, r)
					alsoVisible = append(alsoVisible, r.ID)
				}
				create(t, s, r)
			}
			outsider := newResource(ws.ID, store.KindProject, userOf(me)) // another kind: never listed
			create(t, s, outsider)
			alsoVisible = append(alsoVisible, outsider.ID, newID())
			all := sortedByCreation(slices.Concat(mine, extra))
			for _, limit := range []int{1, 2, 4, 20} {
				got := pageResources(t, s, ws.ID, store.KindOntology, store.ResourceQuery{VisibleTo: ptr(userOf(me)), AlsoVisible: alsoVisible}, limit)
				sameIDs(t, fmt.Sprintf("ontologies I see, paged by %d", limit), resourceIDs(got), resourceIDs(all))
				got = pageResources(t, s, ws.ID, store.KindOntology, store.ResourceQuery{VisibleTo: ptr(userOf(me)), AlsoVisible: alsoVisible, Desc: true}, limit)
				sameIDs(t, fmt.Sprintf("ontologies I see, newest first, paged by %d", limit), resourceIDs(got), reversed(resourceIDs(all)))
			}
			got := pageResources(t, s, ws.ID, store.KindOntology, store.ResourceQuery{VisibleTo: ptr(userOf(me))}, 3)
			sameIDs(t, "ontologies I created or were shared with me", resourceIDs(got), resourceIDs(sortedByCreation(mine)))
			got = pageResources(t, s, ws.ID, store.KindOntology, store.ResourceQuery{VisibleTo: ptr(accountOf(sa)), Order: store.ByName}, 2)
			if len(got) != 3 {
				t.Errorf("the service account sees %d ontologies, want the 3 shared with it", len(got))
			}

			// Sharing follows updates: unshare one, share another.
			unshared, shared := mine[1], extra[0]
			unshared.SharedWith = nil
			shared.SharedWith = []store.Owner{userOf(me)}
			shared.Title = "renamed"
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
				if err := tx.UpdateResource(ctx, unshared); err != nil {
					return err
				}
				return tx.UpdateResource(ctx, shared)
			})
			want := slices.DeleteFunc(slices.Concat(mine, []store.Resource{shared}), func(r store.Resource) bool { return r.ID == unshared.ID })
			got = pageResources(t, s, ws.ID, store.KindOntology, store.ResourceQuery{VisibleTo: ptr(userOf(me))}, 2)
			sameIDs(t, "ontologies I see after the updates", resourceIDs(got), resourceIDs(sortedByCreation(want)))
			got = pageResources(t, s, ws.ID, store.KindOntology, store.ResourceQuery{VisibleTo: ptr(userOf(me)), Order: store.ByName, TitleEq: ptr("renamed")}, 2)
			sameIDs(t, "the renamed ontology by its new title", resourceIDs(got), []string{shared.ID})
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
				return tx.DeleteResource(ctx, ws.ID, store.KindOntology, shared.ID)
			})
			got = pageResources(t, s, ws.ID, store.KindOntology, store.ResourceQuery{VisibleTo: ptr(userOf(me)), Order: store.ByName}, 2)
			if slices.Contains(resourceIDs(got), shared.ID) {
				t.Errorf("a deleted ontology is still listed")
			}
		}},
		{"Paging/ResourceFilters", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			create(t, s, ws, m)
			var rs []store.Resource
			for i := range 8 {
				r := newResource(ws.ID, store.KindDataset, userOf(m))
				r.Title = fmt.Sprintf("set %d", i%3)
				r.Description = fmt.Sprintf("about %d", i%2)
				r.CreatedAt = at(time.Duration(i) * time.Second)
				r.UpdatedAt = at(time.Duration(i)*time.Second + 500*time.Millisecond + 1500*time.Nanosecond)
				rs = append(rs, r)
				create(t, s, r)
			}
			ids := func(keep func(i int) bool) []string {
				var out []string
				for i, r := range rs {
					if keep(i) {
						out = append(out, r.ID)
					}
				}
				return out
			}
			bound := at(3 * time.Second)
			halfMicro := bound.Add(500 * time.Nanosecond) // a bound finer than stored times: truncated to the microsecond
			cases := []struct {
				name string
				q    store.ResourceQuery
				want []string
			}{
				{"title equals", store.ResourceQuery{TitleEq: ptr("set 1")}, ids(func(i int) bool { return i%3 == 1 })},
				{"title equals is case-sensitive", store.ResourceQuery{TitleEq: ptr("Set 1")}, nil},
				{"description equals", store.ResourceQuery{DescriptionEq: ptr("about 0")}, ids(func(i int) bool { return i%2 == 0 })},
				{"ids", store.ResourceQuery{IDs: []string{rs[6].ID, rs[2].ID, newID()}}, ids(func(i int) bool { return i == 2 || i == 6 })},
				{"no ids", store.ResourceQuery{IDs: []string{}}, nil},
				{"titles", store.ResourceQuery{Titles: []string{"set 2", "set 9"}}, ids(func(i int) bool { return i%3 == 2 })},
				{"no titles", store.ResourceQuery{Titles: []string{}}, nil},
				{"created after (strict)", store.ResourceQuery{CreatedAfter: &bound}, ids(func(i int) bool { return i > 3 })},
				{"created before (strict)", store.ResourceQuery{CreatedBefore: &bound}, ids(func(i int) bool { return i < 3 })},
				{"created before a sub-microsecond bound", store.ResourceQuery{CreatedBefore: &halfMicro}, ids(func(i int) bool { return i < 3 })},
				{"created after a sub-microsecond bound", store.ResourceQuery{CreatedAfter: &halfMicro}, ids(func(i int) bool { return i > 3 })},
				{"updated after", store.ResourceQuery{UpdatedAfter: ptr(rs[5].UpdatedAt)}, ids(func(i int) bool { return i > 5 })},
				{"updated before", store.ResourceQuery{UpdatedBefore: ptr(rs[2].UpdatedAt)}, ids(func(i int) bool { return i < 2 })},
				{"several filters", store.ResourceQuery{DescriptionEq: ptr("about 1"), CreatedAfter: ptr(at(2 * time.Second)), Titles: []string{"set 0", "set 1"}},
					ids(func(i int) bool { return i%2 == 1 && i > 2 && i%3 != 2 })},
				{"match", store.ResourceQuery{Match: func(r store.Resource) bool { return strings.HasSuffix(r.Title, "2") }}, ids(func(i int) bool { return i%3 == 2 })},
				{"match and a filter", store.ResourceQuery{DescriptionEq: ptr("about 0"), Match: func(r store.Resource) bool { return r.Title != "set 0" }},
					ids(func(i int) bool { return i%2 == 0 && i%3 != 0 })},
			}
			for _, c := range cases {
				for _, limit := range []int{1, 3, 100} {
					got := pageResources(t, s, ws.ID, store.KindDataset, c.q, limit)
					sameIDs(t, fmt.Sprintf("%s, paged by %d", c.name, limit), resourceIDs(got), c.want)
				}
			}
		}},
		{"Paging/ResourcesMatchOverManyRows", func(t *testing.T, s store.Store) {
			// More rows than one batch of a store that reads in batches,
			// nearly all of them rejected by Match.
			ws := newWorkspace()
			m := newMember(ws.ID)
			create(t, s, ws, m)
			var values []any
			var want []string
			for i := range 450 {
				r := newResource(ws.ID, store.KindGroup, userOf(m))
				r.Title = fmt.Sprintf("group %03d", i)
				r.CreatedAt = at(time.Duration(i) * time.Millisecond)
				if i%97 == 5 {
					r.Description = "wanted"
					want = append(want, r.ID)
				}
				values = append(values, r)
			}
			create(t, s, values...)
			q := store.ResourceQuery{Order: store.ByName, Match: func(r store.Resource) bool { return r.Description == "wanted" }}
			for _, limit := range []int{1, 2, 10} {
				got := pageResources(t, s, ws.ID, store.KindGroup, q, limit)
				sameIDs(t, fmt.Sprintf("groups matched, paged by %d", limit), resourceIDs(got), want)
			}
		}},
	}
}

// pageAll reads a listing page after page, each in a view of its own, and
// checks that no page is longer than limit.
func pageAll[T any](t *testing.T, s store.Store, limit int, position func(T) store.Position, page func(ctx context.Context, tx store.Tx, p store.Page) ([]T, error)) []T {
	t.Helper()
	var out []T
	p := store.Page{Limit: limit}
	for range 10_000 {
		items := readView(t, s, func(ctx context.Context, tx store.Tx) ([]T, error) { return page(ctx, tx, p) })
		if len(items) > limit {
			t.Fatalf("a page of limit %d holds %d items", limit, len(items))
		}
		out = append(out, items...)
		if len(items) < limit {
			return out
		}
		p.After = ptr(position(items[len(items)-1]))
	}
	t.Fatalf("paging by %d never ended", limit)
	return nil
}

// pageResources reads every page of a resource query, limit at a time.
func pageResources(t *testing.T, s store.Store, workspaceID string, kind store.ResourceKind, q store.ResourceQuery, limit int) []store.Resource {
	t.Helper()
	return pageAll(t, s, limit, resourcePosition, func(ctx context.Context, tx store.Tx, p store.Page) ([]store.Resource, error) {
		q.Page = p
		return tx.PageResources(ctx, workspaceID, kind, q)
	})
}

// readView runs a read in a view and fails the test on error.
func readView[T any](t *testing.T, s store.Store, fn func(ctx context.Context, tx store.Tx) (T, error)) T {
	t.Helper()
	var v T
	ctx := t.Context()
	err := s.View(ctx, func(tx store.Tx) error {
		var err error
		v, err = fn(ctx, tx)
		return err
	})
	if err != nil {
		t.Fatalf("view failed: %v", err)
	}
	return v
}

func keyPosition(k store.Key) store.Position { return store.Position{CreatedAt: k.CreatedAt, ID: k.ID} }

// resourcePosition is a resource's position in either order.
func resourcePosition(r store.Resource) store.Position {
	return store.Position{CreatedAt: r.CreatedAt, Name: store.NameKey(r.Title), ID: r.ID}
}

// comparePositions orders two positions as a listing in order does: by the
// order's key, then by id, strings byte by byte.
func comparePositions(order store.ResourceOrder, a, b store.Position) int {
	if order == store.ByName {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	}
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
}

// sortByCreation sorts rows oldest first, ties by id.
func sortByCreation[T any](rows []T, key func(T) (time.Time, string)) {
	slices.SortFunc(rows, func(a, b T) int {
		at, aid := key(a)
		bt, bid := key(b)
		return cmp.Or(at.Compare(bt), strings.Compare(aid, bid))
	})
}

func sortedByCreation(rs []store.Resource) []store.Resource {
	out := slices.Clone(rs)
	sortByCreation(out, func(r store.Resource) (time.Time, string) { return r.CreatedAt, r.ID })
	return out
}

func reversed(ids []string) []string {
	out := slices.Clone(ids)
	slices.Reverse(out)
	return out
}
