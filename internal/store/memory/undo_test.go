package memory

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

var errAbort = errors.New("abort")

// TestRandomTransactionsKeepIndexesConsistent runs random transactions,
// many of them failing on a uniqueness rule or rolled back on purpose, and
// checks after each one that the indexes describe exactly the rows, and that
// a rolled back transaction left every row as it found it.
func TestRandomTransactionsKeepIndexesConsistent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := New()
	ctx := t.Context()
	pick := func(n int) string { return fmt.Sprint(rng.IntN(n)) }
	at := func() time.Time { return time.Unix(rng.Int64N(1e6), 0).UTC() }

	// Small id and value pools make creates collide and updates hit.
	ops := []func(tx store.Tx) error{
		func(tx store.Tx) error {
			return tx.CreateWorkspace(ctx, store.Workspace{ID: "w" + pick(4), CreatedAt: at()})
		},
		func(tx store.Tx) error {
			return tx.CreateMember(ctx, store.Member{ID: "m" + pick(12), WorkspaceID: "w" + pick(4), Email: "e" + pick(6), Role: store.RoleMember, CreatedAt: at()})
		},
		func(tx store.Tx) error {
			return tx.CreateServiceAccount(ctx, store.ServiceAccount{ID: "s" + pick(8), WorkspaceID: "w" + pick(4), Email: "e" + pick(6), CreatedAt: at()})
		},
		func(tx store.Tx) error {
			return tx.CreateKey(ctx, store.Key{ID: "k" + pick(30), WorkspaceID: "w" + pick(4), Owner: randomOwner(rng), PublicKeyHex: "h" + pick(8), CreatedAt: at()})
		},
		func(tx store.Tx) error {
			return tx.CreateToken(ctx, store.Token{ID: "t" + pick(10), Hash: "x" + pick(10), WorkspaceID: "w" + pick(4), Owner: randomOwner(rng), CreatedAt: at()})
		},
		func(tx store.Tx) error {
			return tx.CreateResource(ctx, store.Resource{ID: "r" + pick(10), WorkspaceID: "w" + pick(4), Kind: store.KindProject, Title: pick(5),
				CreatedBy: randomOwner(rng), SharedWith: []store.Owner{randomOwner(rng)}, CreatedAt: at()})
		},
		func(tx store.Tx) error { return tx.MarkMemberRemoved(ctx, "m"+pick(12), at()) },
		func(tx store.Tx) error { return tx.UpdateMemberRole(ctx, "m"+pick(12), store.RoleAdmin) },
		func(tx store.Tx) error { return tx.MarkServiceAccountDeleted(ctx, "s"+pick(8), at()) },
		func(tx store.Tx) error { return tx.RevokeKey(ctx, "k"+pick(30), at(), "r") },
		func(tx store.Tx) error { _, err := tx.RevokeOwnerKeys(ctx, randomOwner(rng), at(), "r"); return err },
		func(tx store.Tx) error { return tx.DeleteToken(ctx, "x"+pick(10)) },
		func(tx store.Tx) error { _, err := tx.DeleteOwnerTokens(ctx, randomOwner(rng)); return err },
		func(tx store.Tx) error {
			return tx.UpdateResource(ctx, store.Resource{ID: "r" + pick(10), WorkspaceID: "w" + pick(4), Kind: store.KindProject, Title: pick(5),
				SharedWith: []store.Owner{randomOwner(rng), randomOwner(rng)}})
		},
		func(tx store.Tx) error { return tx.DeleteResource(ctx, "w"+pick(4), store.KindProject, "r"+pick(10)) },
		func(tx store.Tx) error {
			return tx.UpdateWorkspaceQuotas(ctx, "w"+pick(4), store.Quotas{KeysPerUser: rng.IntN(5)})
		},
		func(tx store.Tx) error {
			if rng.IntN(4) == 0 {
				return tx.DeleteWorkspace(ctx, "w"+pick(4))
			}
			return nil
		},
		func(tx store.Tx) error {
			if rng.IntN(20) == 0 {
				return tx.DeleteAll(ctx)
			}
			return nil
		},
	}

	for round := range 3000 {
		before := rows(s.data)
		abort := rng.IntN(3) == 0
		err := s.Tx(ctx, func(tx store.Tx) error {
			for range 1 + rng.IntN(6) {
				// Failed writes (duplicates, missing rows) must write
				// nothing; the transaction goes on, as a caller may.
				_ = ops[rng.IntN(len(ops))](tx)
			}
			if abort {
				return errAbort
			}
			return nil
		})
		if abort != errors.Is(err, errAbort) || (!abort && err != nil) {
			t.Fatalf("round %d: Tx returned %v (abort %v)", round, err, abort)
		}
		checkIndexes(t, round, s.data)
		if abort && !reflect.DeepEqual(rows(s.data), before) {
			t.Fatalf("round %d: rolled back transaction changed rows", round)
		}
	}
}

func randomOwner(rng *rand.Rand) store.Owner {
	if rng.IntN(2) == 0 {
		return store.Owner{Type: store.OwnerUser, ID: fmt.Sprint("m", rng.IntN(12))}
	}
	return store.Owner{Type: store.OwnerServiceAccount, ID: fmt.Sprint("s", rng.IntN(8))}
}

// rows returns the row maps of t by value. Rows are immutable, so comparing
// the pointers compares the contents.
func rows(t *tables) []any {
	return []any{
		maps.Clone(t.workspaces.rows), maps.Clone(t.members.rows), maps.Clone(t.accounts.rows),
		maps.Clone(t.keys.rows), maps.Clone(t.tokens.rows), maps.Clone(t.resources.rows),
	}
}

// checkIndexes rebuilds every index from the rows and compares.
func checkIndexes(t *testing.T, round int, got *tables) {
	t.Helper()
	want := newTables()
	putAll(want.workspaces, got.workspaces)
	putAll(want.members, got.members)
	putAll(want.accounts, got.accounts)
	putAll(want.keys, got.keys)
	putAll(want.tokens, got.tokens)
	putAll(want.resources, got.resources)
	indexes := func(t *tables) map[string]any {
		return map[string]any{
			"workspacesByCreation":    contents(t.workspacesByCreation),
			"liveMemberByEmail":       t.liveMemberByEmail.rows,
			"membersByWorkspace":      contents(t.membersByWorkspace),
			"liveMembersByWorkspace":  contents(t.liveMembersByWorkspace),
			"liveAccountByEmail":      t.liveAccountByEmail.rows,
			"accountsByWorkspace":     contents(t.accountsByWorkspace),
			"liveAccountsByWorkspace": contents(t.liveAccountsByWorkspace),
			"activeKeyByHex":          t.activeKeyByHex.rows,
			"revokedKeysByHex":        t.revokedKeysByHex.ids,
			"keysByOwner":             contents(t.keysByOwner),
			"activeKeysByOwner":       t.activeKeysByOwner.ids,
			"keysByWorkspace":         t.keysByWorkspace.ids,
			"tokenByHash":             t.tokenByHash.rows,
			"tokensByOwner":           t.tokensByOwner.ids,
			"tokensByWorkspace":       t.tokensByWorkspace.ids,
			"resourcesByKind":         contents(t.resourcesByKind[store.ByCreated]),
			"resourcesByKindName":     contents(t.resourcesByKind[store.ByName]),
			"resourcesByAccess":       contents(t.resourcesByAccess[store.ByCreated]),
			"resourcesByAccessName":   contents(t.resourcesByAccess[store.ByName]),
			"resourcesByWorkspace":    t.resourcesByWorkspace.ids,
		}
	}
	gotIndexes, wantIndexes := indexes(got), indexes(want)
	for name := range wantIndexes {
		if !reflect.DeepEqual(gotIndexes[name], wantIndexes[name]) {
			t.Fatalf("round %d: index %s is\n%v\nrebuilt from the rows it is\n%v", round, name, gotIndexes[name], wantIndexes[name])
		}
	}
	// No row may outlive its workspace.
	for _, workspaceIDs := range [][]string{
		slices.Collect(maps.Keys(got.membersByWorkspace.trees)), slices.Collect(maps.Keys(got.accountsByWorkspace.trees)),
		slices.Collect(maps.Keys(got.keysByWorkspace.ids)), slices.Collect(maps.Keys(got.tokensByWorkspace.ids)),
		slices.Collect(maps.Keys(got.resourcesByWorkspace.ids)),
	} {
		for _, workspaceID := range workspaceIDs {
			if got.workspaces.rows[workspaceID] == nil {
				t.Fatalf("round %d: rows left of deleted workspace %s", round, workspaceID)
			}
		}
	}
}

// contents returns the entries of an ordered index, group by group, in
// order. An emptied group has no tree left, so it does not show.
func contents[T any, G comparable](x *orderedIndex[T, G]) map[G][]orderedEntry[T] {
	out := map[G][]orderedEntry[T]{}
	for g, tree := range x.trees {
		tree.Ascend(func(e orderedEntry[T]) bool {
			out[g] = append(out[g], e)
			return true
		})
	}
	return out
}

// putAll puts every row of src into dst, indexing it there afresh.
func putAll[T any](dst, src *table[T]) {
	for id, row := range src.rows {
		dst.put(id, row)
	}
}

// A transaction that waited for the lock while its context was cancelled
// does not run.
func TestTxContextCancelledWhileWaiting(t *testing.T) {
	s := New()
	holding, release := make(chan struct{}), make(chan struct{})
	firstDone := make(chan error)
	go func() {
		firstDone <- s.Tx(t.Context(), func(tx store.Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding

	ctx, cancel := context.WithCancel(t.Context())
	secondDone := make(chan error)
	ran := false
	go func() {
		secondDone <- s.Tx(ctx, func(tx store.Tx) error {
			ran = true
			return nil
		})
	}()
	time.Sleep(10 * time.Millisecond) // let the second transaction queue on the lock
	cancel()
	close(release)
	if err := <-firstDone; err != nil {
		t.Fatalf("first Tx: %v", err)
	}
	if err := <-secondDone; !errors.Is(err, context.Canceled) {
		t.Errorf("second Tx returned %v, want context.Canceled", err)
	}
	if ran {
		t.Errorf("second Tx ran its function after its context was cancelled")
	}
}

// Every call on a closed store fails with ErrUnavailable.
func TestClosed(t *testing.T) {
	s := New()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	calls := map[string]error{
		"Tx":           s.Tx(ctx, func(store.Tx) error { return nil }),
		"TouchKeys":    s.TouchKeys(ctx, map[string]time.Time{"k": time.Now()}),
		"Ping":         s.Ping(ctx),
		"ResolveKey":   func() error { _, err := s.ResolveKey(ctx, "h"); return err }(),
		"ResolveToken": func() error { _, err := s.ResolveToken(ctx, "h"); return err }(),
	}
	for name, err := range calls {
		if !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("%s on a closed store: got %v, want ErrUnavailable", name, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
