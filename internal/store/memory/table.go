package memory

// A table holds the rows of one type by id. Rows are immutable once stored:
// a change replaces the row pointer (copy on write), which is what makes the
// undo log cheap (restoring a row is putting the old pointer back) and lets
// readers hand out copies without copying under a longer lock.
//
// Every change goes through table.put, which keeps the table's secondary
// indexes in step with its rows, so an index can never disagree with the
// rows it describes, whether the change is a write or the undo of one.
type table[T any] struct {
	rows    map[string]*T
	indexes []index[T]
}

func newTable[T any](indexes ...index[T]) *table[T] {
	return &table[T]{rows: make(map[string]*T), indexes: indexes}
}

// put stores row under id (row nil deletes it) and returns the row it
// replaced, nil if there was none.
func (t *table[T]) put(id string, row *T) (old *T) {
	old = t.rows[id]
	if row == nil {
		delete(t.rows, id)
	} else {
		t.rows[id] = row
	}
	for _, idx := range t.indexes {
		idx.update(id, old, row)
	}
	return old
}

// index is a secondary index of a table. update moves the row id from the
// position of old to the position of new; either may be nil (insert,
// delete).
type index[T any] interface {
	update(id string, old, new *T)
}

// uniqueIndex maps a natural key to the one row that carries it. keyOf
// reports false for rows the index does not cover (a removed member, a
// revoked key), which is how "unique among live rows" is expressed. It holds
// the row itself, not its id, so that a lookup by natural key costs one map
// access: that is the authentication path.
type uniqueIndex[T any] struct {
	keyOf func(*T) (string, bool)
	rows  map[string]*T
}

func newUniqueIndex[T any](keyOf func(*T) (string, bool)) *uniqueIndex[T] {
	return &uniqueIndex[T]{keyOf: keyOf, rows: make(map[string]*T)}
}

func (x *uniqueIndex[T]) update(_ string, old, new *T) {
	oldKey, oldIndexed := indexKey(x.keyOf, old)
	newKey, newIndexed := indexKey(x.keyOf, new)
	if oldIndexed && (!newIndexed || oldKey != newKey) && x.rows[oldKey] == old {
		delete(x.rows, oldKey)
	}
	if newIndexed {
		x.rows[newKey] = new // also when only the row changed, not its key
	}
}

// lookup returns the row carrying key, nil if none does.
func (x *uniqueIndex[T]) lookup(key string) *T { return x.rows[key] }

// groupIndex maps a key to the set of row ids that carry it (the members of
// a workspace, the keys of an owner, ...).
type groupIndex[T any, K comparable] struct {
	keyOf func(*T) (K, bool)
	ids   map[K]map[string]struct{}
}

func newGroupIndex[T any, K comparable](keyOf func(*T) (K, bool)) *groupIndex[T, K] {
	return &groupIndex[T, K]{keyOf: keyOf, ids: make(map[K]map[string]struct{})}
}

func (x *groupIndex[T, K]) update(id string, old, new *T) {
	oldKey, oldIndexed := indexKey(x.keyOf, old)
	newKey, newIndexed := indexKey(x.keyOf, new)
	if oldIndexed == newIndexed && oldKey == newKey {
		return
	}
	if oldIndexed {
		group := x.ids[oldKey]
		delete(group, id)
		if len(group) == 0 {
			delete(x.ids, oldKey)
		}
	}
	if newIndexed {
		group := x.ids[newKey]
		if group == nil {
			group = make(map[string]struct{})
			x.ids[newKey] = group
		}
		group[id] = struct{}{}
	}
}

// count returns how many rows carry key.
func (x *groupIndex[T, K]) count(key K) int { return len(x.ids[key]) }

// lookup returns the ids of the rows carrying key, in no particular order.
// The slice is the caller's: it stays valid while the table changes.
func (x *groupIndex[T, K]) lookup(key K) []string {
	group := x.ids[key]
	ids := make([]string, 0, len(group))
	for id := range group {
		ids = append(ids, id)
	}
	return ids
}

func indexKey[T any, K comparable](keyOf func(*T) (K, bool), row *T) (K, bool) {
	if row == nil {
		var zero K
		return zero, false
	}
	return keyOf(row)
}
