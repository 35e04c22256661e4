package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// viewTests check Store.View: reads see committed writes, writes are
// refused and change nothing, views do not wait for each other, and fn's
// error comes back.
func viewTests() []conformanceTest {
	return []conformanceTest{
		{"View/SeesCommittedWrites", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			create(t, s, ws, m)
			var got store.Member
			noErr(t, "View", s.View(context.Background(), func(tx store.Tx) error {
				var err error
				got, err = tx.GetMember(context.Background(), m.ID)
				return err
			}))
			equal(t, "member read in a view", got, m)
		}},
		{"View/RefusesWrites", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			create(t, s, ws)
			ctx := context.Background()
			err := s.View(ctx, func(tx store.Tx) error {
				wantErr(t, "CreateMember in a view", tx.CreateMember(ctx, newMember(ws.ID)), store.ErrReadOnly)
				_, err := tx.LockWorkspace(ctx, ws.ID)
				wantErr(t, "LockWorkspace in a view", err, store.ErrReadOnly)
				wantErr(t, "DeleteAll in a view", tx.DeleteAll(ctx), store.ErrReadOnly)
				return nil
			})
			noErr(t, "View", err)
			members := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.Member, error) {
				return tx.ListMembers(ctx, ws.ID, true)
			})
			if len(members) != 0 {
				t.Fatalf("a refused write left %d members", len(members))
			}
			getWorkspace(t, s, ws.ID)
		}},
		{"View/ReturnsFnError", func(t *testing.T, s store.Store) {
			sentinel := errors.New("sentinel")
			wantErr(t, "View", s.View(context.Background(), func(store.Tx) error { return sentinel }), sentinel)
		}},
		{"View/ViewsDoNotWaitForEachOther", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			create(t, s, ws)
			ctx := context.Background()
			inner := make(chan error, 1)
			err := s.View(ctx, func(tx store.Tx) error {
				// A second view, from another goroutine, completes while the
				// first is still open.
				go func() {
					inner <- s.View(ctx, func(tx store.Tx) error {
						_, err := tx.GetWorkspace(ctx, ws.ID)
						return err
					})
				}()
				select {
				case err := <-inner:
					return err
				case <-time.After(10 * time.Second):
					return errors.New("a view waited for another view")
				}
			})
			noErr(t, "nested views", err)
		}},
	}
}
