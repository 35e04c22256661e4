package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// TestOwnerLocks holds Tx.LockOwner (or LockWorkspace) in one transaction
// and runs a second transaction beside it: what the contract says must
// wait runs into a short statement timeout (ErrUnavailable); what it says
// need not wait completes while the first still holds its locks. The
// memory store runs every transaction alone, so only Postgres can show the
// second half (storetest checks the first on both stores, by races).
func TestOwnerLocks(t *testing.T) {
	db := newTestDB(t)
	db.migrateUp(t)
	db.Options.StatementTimeout = 5 * time.Second
	patient := db.Open(t)
	db.Options.StatementTimeout = 200 * time.Millisecond
	impatient := db.Open(t)
	ctx := context.Background()

	ws := store.Workspace{ID: "ws-1", Name: "one", CreatedAt: now(), Quotas: store.Quotas{ServiceAccounts: 9, KeysPerServiceAccount: 9, KeysPerUser: 9, Resources: 9}}
	ada := store.Member{ID: "m-1", WorkspaceID: ws.ID, Email: "ada@example.com", Name: "Ada", Role: store.RoleAdmin, CreatedAt: now()}
	bob := store.Member{ID: "m-2", WorkspaceID: ws.ID, Email: "bob@example.com", Name: "Bob", Role: store.RoleMember, CreatedAt: now()}
	bot := store.ServiceAccount{ID: "sa-1", WorkspaceID: ws.ID, Name: "bot", Email: "bot@example.com", Role: store.RoleMember, CreatedAt: now(), CreatedByMemberID: ada.ID}
	mustTx(t, patient, func(tx store.Tx) error {
		for _, err := range []error{tx.CreateWorkspace(ctx, ws), tx.CreateMember(ctx, ada), tx.CreateMember(ctx, bob), tx.CreateServiceAccount(ctx, bot)} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	adaOwner := store.Owner{Type: store.OwnerUser, ID: ada.ID}
	bobOwner := store.Owner{Type: store.OwnerUser, ID: bob.ID}
	botOwner := store.Owner{Type: store.OwnerServiceAccount, ID: bot.ID}
	lockOwner := func(o store.Owner) func(tx store.Tx) error {
		return func(tx store.Tx) error { _, err := tx.LockOwner(ctx, ws.ID, o); return err }
	}
	lockWorkspace := func(tx store.Tx) error { _, err := tx.LockWorkspace(ctx, ws.ID); return err }
	keyCount := 0
	addKey := func(o store.Owner) func(tx store.Tx) error {
		return func(tx store.Tx) error {
			if err := lockOwner(o)(tx); err != nil {
				return err
			}
			keyCount++
			hex := string(rune('a'+keyCount)) + "0"
			return tx.CreateKey(ctx, key("k-"+hex, hex, o, now()))
		}
	}

	cases := []struct {
		name      string
		holder    func(tx store.Tx) error
		contender func(tx store.Tx) error
		waits     bool
	}{
		{"one owner, twice", lockOwner(bobOwner), lockOwner(bobOwner), true},
		{"one service account, twice", lockOwner(botOwner), lockOwner(botOwner), true},
		{"the owner's removal waits", lockOwner(bobOwner), func(tx store.Tx) error { return tx.MarkMemberRemoved(ctx, bob.ID, now()) }, true},
		{"the service account's deletion waits", lockOwner(botOwner), func(tx store.Tx) error { return tx.MarkServiceAccountDeleted(ctx, bot.ID, now()) }, true},
		{"the owner's removal under the workspace lock waits", lockOwner(bobOwner), func(tx store.Tx) error {
			if err := lockWorkspace(tx); err != nil {
				return err
			}
			return tx.MarkMemberRemoved(ctx, bob.ID, now())
		}, true},
		{"the workspace's deletion waits", lockOwner(bobOwner), func(tx store.Tx) error { return tx.DeleteWorkspace(ctx, ws.ID) }, true},
		{"the workspace lock does not wait for an owner's", lockOwner(bobOwner), lockWorkspace, false},
		{"an owner's key creation does not wait for the workspace lock", lockWorkspace, addKey(bobOwner), false},
		{"another user's key creation does not wait", addKey(bobOwner), addKey(adaOwner), false},
		{"a service account's key creation does not wait for a user's", addKey(bobOwner), addKey(botOwner), false},
		{"a login's session does not wait", lockOwner(bobOwner), func(tx store.Tx) error {
			return tx.CreateToken(ctx, store.Token{ID: "t-1", Hash: "h-1", Kind: store.TokenSession, Owner: adaOwner, WorkspaceID: ws.ID, CreatedAt: now(), ExpiresAt: now().Add(time.Hour)})
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			locked, release, held := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			go func() {
				held <- patient.Tx(ctx, func(tx store.Tx) error {
					err := c.holder(tx)
					close(locked)
					if err != nil {
						return err
					}
					<-release
					return errors.New("rolled back") // leave the rows as they were
				})
			}()
			<-locked
			contender := patient
			if c.waits {
				contender = impatient
			}
			err := contender.Tx(ctx, func(tx store.Tx) error {
				if err := c.contender(tx); err != nil {
					return err
				}
				return errors.New("rolled back")
			})
			close(release)
			if err := <-held; err.Error() != "rolled back" {
				t.Fatalf("holder: %v", err)
			}
			switch {
			case c.waits && !errors.Is(err, store.ErrUnavailable):
				t.Errorf("contender: %v, want it to wait past the statement timeout (ErrUnavailable)", err)
			case !c.waits && err.Error() != "rolled back":
				t.Errorf("contender: %v, want it to complete while the holder holds its locks", err)
			}
		})
	}
}
