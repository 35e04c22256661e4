package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// contenders is how many goroutines race in each concurrent test.
const contenders = 50

// errQuotaReached is what the racing transactions return when their check
// fails, as package accounts would.
var errQuotaReached = errors.New("storetest: quota reached")

// RunConcurrent runs the race tests. newStores returns two stores that share
// one underlying, empty database: for memory, the same *memory.Store twice;
// for Postgres, two independent pools on one database, as two replicas would
// be. The suite closes both (so a backend returning one value twice must
// tolerate a second Close). The racing goroutines alternate between the two
// stores, so a guarantee that holds only within one process fails here.
func RunConcurrent(t *testing.T, newStores func(t *testing.T) (store.Store, store.Store)) {
	tests := []struct {
		name string
		run  func(t *testing.T, stores [2]store.Store)
	}{
		{"ServiceAccountQuotaUnderLock", raceServiceAccountQuota},
		{"KeyQuotaUnderLock", raceKeyQuota},
		{"KeyCreationRacingOwnerRemoval", raceKeyCreationAndOwnerRemoval},
		{"SamePublicKeyForManyOwners", raceSamePublicKey},
		{"SameMemberEmailInManyWorkspaces", raceSameMemberEmail},
		{"SameEmailAsMemberAndServiceAccount", raceSameEmailAsMemberAndServiceAccount},
		{"TouchKeysKeepsLatest", raceTouchKeys},
		{"RevocationVisibleToOtherStore", revocationVisibleToOtherStore},
		{"BearerRevocationVisibleToOtherStore", bearerRevocationVisibleToOtherStore},
		{"BearerMintRacingRevocation", raceBearerMintAndRevocation},
		{"PurgeFromBothStores", racePurge},
		{"ControlsSharedBetweenStores", controlsSharedBetweenStores},
		{"FaultRuleLimitIsExact", raceFaultRuleLimit},
		{"PagingStableUnderInserts", pagingStableUnderInserts},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			a, b := newStores(t)
			t.Cleanup(func() {
				for _, s := range []store.Store{a, b} {
					if err := s.Close(); err != nil {
						t.Errorf("Close: %v", err)
					}
				}
			})
			test.run(t, [2]store.Store{a, b})
		})
	}
}

// race runs fn in contenders goroutines released together, goroutine i on
// stores[i%2], and returns each goroutine's error.
func race(t *testing.T, stores [2]store.Store, fn func(ctx context.Context, s store.Store, i int) error) []error {
	t.Helper()
	ctx := t.Context()
	errs := make([]error, contenders)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range contenders {
		wg.Go(func() {
			<-start
			errs[i] = fn(ctx, stores[i%2], i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// wantWinners checks that exactly want goroutines succeeded and that every
// other one failed with loserErr, not with some other error.
func wantWinners(t *testing.T, errs []error, want int, loserErr error) {
	t.Helper()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, loserErr):
			t.Errorf("goroutine %d: got error %v, want nil or %v", i, err, loserErr)
		}
	}
	if won != want {
		t.Errorf("%d goroutines succeeded, want exactly %d", won, want)
	}
}

// Check-then-write under LockWorkspace: of 50 transactions that each create a
// service account if the workspace has fewer than its quota (1), one wins.
func raceServiceAccountQuota(t *testing.T, stores [2]store.Store) {
	ws := newWorkspace()
	ws.Quotas.ServiceAccounts = 1
	admin := newMember(ws.ID)
	admin.Role = store.RoleAdmin
	create(t, stores[0], ws, admin)

	errs := race(t, stores, func(ctx context.Context, s store.Store, i int) error {
		return s.Tx(ctx, func(tx store.Tx) error {
			w, err := tx.LockWorkspace(ctx, ws.ID)
			if err != nil {
				return err
			}
			accounts, err := tx.ListServiceAccounts(ctx, ws.ID, false)
			if err != nil {
				return err
			}
			if len(accounts) >= w.Quotas.ServiceAccounts {
				return errQuotaReached
			}
			return tx.CreateServiceAccount(ctx, newServiceAccount(ws.ID, admin.ID))
		})
	})
	wantWinners(t, errs, 1, errQuotaReached)

	accounts := read(t, stores[1], func(ctx context.Context, tx store.Tx) ([]store.ServiceAccount, error) {
		return tx.ListServiceAccounts(ctx, ws.ID, true)
	})
	if len(accounts) != 1 {
		t.Errorf("workspace has %d service accounts, want 1", len(accounts))
	}
}

// Check-then-write under LockOwner: of 50 transactions that each add a key
// to one of two owners of a workspace (a service account and a user) when
// it holds fewer than 5 active keys, five per owner win.
func raceKeyQuota(t *testing.T, stores [2]store.Store) {
	const quota = 5
	ws := newWorkspace()
	ws.Quotas.KeysPerServiceAccount = quota
	ws.Quotas.KeysPerUser = quota
	admin := newMember(ws.ID)
	sa := newServiceAccount(ws.ID, admin.ID)
	create(t, stores[0], ws, admin, sa)
	owners := []store.Owner{accountOf(sa), userOf(admin)}

	errs := race(t, stores, func(ctx context.Context, s store.Store, i int) error {
		owner := owners[(i/2)%2] // each owner raced from both stores
		return s.Tx(ctx, func(tx store.Tx) error {
			w, err := tx.LockOwner(ctx, ws.ID, owner)
			if err != nil {
				return err
			}
			active, err := tx.CountActiveKeys(ctx, owner)
			if err != nil {
				return err
			}
			limit := w.Quotas.KeysPerUser
			if owner.Type == store.OwnerServiceAccount {
				limit = w.Quotas.KeysPerServiceAccount
			}
			if active >= limit {
				return errQuotaReached
			}
			return tx.CreateKey(ctx, newKey(ws.ID, owner))
		})
	})
	wantWinners(t, errs, quota*len(owners), errQuotaReached)

	for _, owner := range owners {
		active := read(t, stores[1], func(ctx context.Context, tx store.Tx) (int, error) {
			return tx.CountActiveKeys(ctx, owner)
		})
		if active != quota {
			t.Errorf("%s has %d active keys, want %d", owner.Type, active, quota)
		}
	}
}

// errOwnerGone is what a racing key creation returns when it finds its
// owner removed, as package accounts would.
var errOwnerGone = errors.New("storetest: owner removed")

// Key creations racing the removal of their owner: each creation locks
// the owner (LockOwner), reads it and adds a key when it is live, again and
// again until it finds the owner gone; one transaction per owner marks it
// removed (a member) or deleted (a service account) and revokes its active
// keys, after LockWorkspace as package accounts does for two of the owners,
// without it for the two others: the owner's lock must stand between them
// either way. Whatever the order, no owner is left with an active key.
func raceKeyCreationAndOwnerRemoval(t *testing.T, stores [2]store.Store) {
	ws := newWorkspace()
	ws.Quotas.KeysPerUser, ws.Quotas.KeysPerServiceAccount = 1_000_000, 1_000_000
	admin := newMember(ws.ID)
	admin.Role = store.RoleAdmin
	m1, m2 := newMember(ws.ID), newMember(ws.ID)
	sa1, sa2 := newServiceAccount(ws.ID, admin.ID), newServiceAccount(ws.ID, admin.ID)
	create(t, stores[0], ws, admin, m1, m2, sa1, sa2)
	owners := []store.Owner{userOf(m1), accountOf(sa1), userOf(m2), accountOf(sa2)}
	// The removers, one per owner (goroutine i works on owners[(i/2)%4]),
	// in the middle of the pack, two on each store.
	removers := map[int]bool{24: true, 27: true, 28: true, 31: true}
	const maxCreations = 20

	errs := race(t, stores, func(ctx context.Context, s store.Store, i int) error {
		ownerIndex := (i / 2) % len(owners)
		owner := owners[ownerIndex]
		if removers[i] {
			return s.Tx(ctx, func(tx store.Tx) error {
				if ownerIndex < 2 {
					if _, err := tx.LockWorkspace(ctx, ws.ID); err != nil {
						return err
					}
				}
				removedAt := now()
				var err error
				if owner.Type == store.OwnerUser {
					err = tx.MarkMemberRemoved(ctx, owner.ID, removedAt)
				} else {
					err = tx.MarkServiceAccountDeleted(ctx, owner.ID, removedAt)
				}
				if err != nil {
					return err
				}
				_, err = tx.RevokeOwnerKeys(ctx, owner, removedAt, "owner removed")
				return err
			})
		}
		for range maxCreations {
			err := s.Tx(ctx, func(tx store.Tx) error {
				if _, err := tx.LockOwner(ctx, ws.ID, owner); err != nil {
					return err
				}
				if live, err := ownerLive(ctx, tx, owner); err != nil || !live {
					return cmp.Or(err, errOwnerGone)
				}
				return tx.CreateKey(ctx, newKey(ws.ID, owner))
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	for i, err := range errs {
		if err != nil && (removers[i] || !errors.Is(err, errOwnerGone)) {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	for _, owner := range owners {
		active := read(t, stores[1], func(ctx context.Context, tx store.Tx) (int, error) {
			return tx.CountActiveKeys(ctx, owner)
		})
		if active != 0 {
			t.Errorf("%s %s was removed but has %d active keys", owner.Type, owner.ID, active)
		}
	}
}

// ownerLive reports whether owner is a member not removed or a service
// account not deleted.
func ownerLive(ctx context.Context, tx store.Tx, owner store.Owner) (bool, error) {
	if owner.Type == store.OwnerUser {
		m, err := tx.GetMember(ctx, owner.ID)
		return err == nil && m.RemovedAt == nil, err
	}
	sa, err := tx.GetServiceAccount(ctx, owner.ID)
	return err == nil && sa.DeletedAt == nil, err
}

// Key uniqueness needs no lock: of 50 owners (in five workspaces) registering
// the same public key at once, one succeeds and the others get
// ErrDuplicateKey.
func raceSamePublicKey(t *testing.T, stores [2]store.Store) {
	var workspaces []store.Workspace
	var owners []store.Member
	var rows []any
	for i := range contenders {
		if i%10 == 0 {
			ws := newWorkspace()
			workspaces = append(workspaces, ws)
			rows = append(rows, ws)
		}
		m := newMember(workspaces[len(workspaces)-1].ID)
		owners = append(owners, m)
		rows = append(rows, m)
	}
	create(t, stores[0], rows...)
	publicKeyHex := newPublicKeyHex()

	errs := race(t, stores, func(ctx context.Context, s store.Store, i int) error {
		return s.Tx(ctx, func(tx store.Tx) error {
			return tx.CreateKey(ctx, newKeyWithHex(owners[i].WorkspaceID, userOf(owners[i]), publicKeyHex))
		})
	})
	wantWinners(t, errs, 1, store.ErrDuplicateKey)

	total := 0
	for _, ws := range workspaces {
		keys := read(t, stores[1], func(ctx context.Context, tx store.Tx) ([]store.Key, error) {
			return tx.ListWorkspaceKeys(ctx, ws.ID)
		})
		total += len(keys)
	}
	if total != 1 {
		t.Errorf("%d keys stored, want 1", total)
	}
	if _, err := stores[1].ResolveKey(t.Context(), publicKeyHex); err != nil {
		t.Errorf("ResolveKey of the winning key: %v", err)
	}
}

// Of 50 workspaces adding the same email (in varying case) at once, one
// succeeds and the others get ErrAlreadyExists.
func raceSameMemberEmail(t *testing.T, stores [2]store.Store) {
	workspaces := createWorkspaces(t, stores[0], contenders)
	email := "contended-" + newID()[:8] + "@example.com"

	errs := race(t, stores, func(ctx context.Context, s store.Store, i int) error {
		m := newMember(workspaces[i].ID)
		m.Email = email
		if i%3 == 0 {
			m.Email = strings.ToUpper(email)
		}
		return s.Tx(ctx, func(tx store.Tx) error { return tx.CreateMember(ctx, m) })
	})
	wantWinners(t, errs, 1, store.ErrAlreadyExists)

	m := read(t, stores[1], func(ctx context.Context, tx store.Tx) (store.Member, error) {
		return tx.GetMemberByEmail(ctx, email)
	})
	if !strings.EqualFold(m.Email, email) {
		t.Errorf("GetMemberByEmail returned email %q, want %q in some case", m.Email, email)
	}
}

// Concurrent TouchKeys from both stores, with resolutions running alongside,
// leave the latest of the times.
func raceTouchKeys(t *testing.T, stores [2]store.Store) {
	ws := newWorkspace()
	m := newMember(ws.ID)
	k := newKey(ws.ID, userOf(m))
	create(t, stores[0], ws, m, k)

	latest := at(time.Duration(contenders-1) * time.Second)
	errs := race(t, stores, func(ctx context.Context, s store.Store, i int) error {
		// Goroutines touch in an order unrelated to the times they carry.
		used := at(time.Duration((i*7)%contenders) * time.Second)
		if err := s.TouchKeys(ctx, map[string]time.Time{k.ID: used}); err != nil {
			return fmt.Errorf("TouchKeys: %w", err)
		}
		if _, err := s.ResolveKey(ctx, k.PublicKeyHex); err != nil {
			return fmt.Errorf("ResolveKey: %w", err)
		}
		return nil
	})
	wantWinners(t, errs, contenders, nil)

	for i, s := range stores {
		res, err := s.ResolveKey(t.Context(), k.PublicKeyHex)
		noErr(t, "ResolveKey", err)
		if res.Key.LastUsedAt == nil || !res.Key.LastUsedAt.Equal(latest) {
			t.Errorf("store %d: LastUsedAt = %v, want %v", i, res.Key.LastUsedAt, latest)
		}
	}
}

// A revocation committed through one store is visible to ResolveKey through
// the other as soon as the commit returned.
func revocationVisibleToOtherStore(t *testing.T, stores [2]store.Store) {
	ws := newWorkspace()
	m := newMember(ws.ID)
	k := newKey(ws.ID, userOf(m))
	create(t, stores[0], ws, m, k)

	res, err := stores[1].ResolveKey(t.Context(), k.PublicKeyHex)
	noErr(t, "ResolveKey before revocation", err)
	if !res.Key.Active() {
		t.Fatalf("key revoked before RevokeKey")
	}
	revokedAt := now()
	mustTx(t, stores[0], func(ctx context.Context, tx store.Tx) error {
		return tx.RevokeKey(ctx, k.ID, revokedAt, "compromised")
	})
	res, err = stores[1].ResolveKey(t.Context(), k.PublicKeyHex)
	noErr(t, "ResolveKey after revocation", err)
	if res.Key.RevokedAt == nil || !res.Key.RevokedAt.Equal(revokedAt) {
		t.Errorf("other store sees RevokedAt = %v, want %v", res.Key.RevokedAt, revokedAt)
	}
}

// pagingStableUnderInserts pages through an owner's keys, and through the
// resources a principal sees by name, on one store while goroutines add
// more at random places of both listings on the other: every item that
// was there before paging began is listed exactly once, no item twice, and
// the listing stays in order.
func pagingStableUnderInserts(t *testing.T, stores [2]store.Store) {
	ws := newWorkspace()
	m := newMember(ws.ID)
	create(t, stores[0], ws, m)
	const existing = 300
	var rows []any
	var keysBefore, resourcesBefore []string
	for i := range existing {
		k := newKey(ws.ID, userOf(m))
		k.CreatedAt = at(time.Duration(i) * time.Millisecond)
		r := newResource(ws.ID, store.KindProject, userOf(m))
		r.Title = fmt.Sprintf("project %03d", i)
		rows = append(rows, k, r)
		keysBefore = append(keysBefore, k.ID)
		resourcesBefore = append(resourcesBefore, r.ID)
	}
	create(t, stores[0], rows...)

	ctx := t.Context()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var inserted atomic.Int64
	for w := range 4 {
		wg.Go(func() {
			random := rand.New(rand.NewPCG(uint64(w), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				k := newKey(ws.ID, userOf(m))
				k.CreatedAt = at(time.Duration(random.IntN(existing)) * time.Millisecond)
				r := newResource(ws.ID, store.KindProject, userOf(m))
				r.Title = fmt.Sprintf("project %03d+", random.IntN(existing))
				err := stores[0].Tx(ctx, func(tx store.Tx) error {
					if err := tx.CreateKey(ctx, k); err != nil {
						return err
					}
					return tx.CreateResource(ctx, r)
				})
				if err != nil {
					t.Errorf("inserting while paging: %v", err)
					return
				}
				inserted.Add(1)
			}
		})
	}
	// Page until a round overlapped several inserts (a store whose reads
	// are fast may finish a round before a writer commits).
	overlapped := false
	for round := 0; round < 50 && !overlapped && !t.Failed(); round++ {
		start := inserted.Load()
		keys := pageAll(t, stores[1], 7, keyPosition, func(ctx context.Context, tx store.Tx, p store.Page) ([]store.Key, error) {
			return tx.PageKeys(ctx, userOf(m), p)
		})
		resources := pageResources(t, stores[1], ws.ID, store.KindProject, store.ResourceQuery{Order: store.ByName, VisibleTo: ptr(userOf(m))}, 7)
		overlapped = inserted.Load()-start >= 3
		checkListing(t, "keys", keysBefore, keyIDs(keys), func(i, j int) bool {
			return comparePositions(store.ByCreated, keyPosition(keys[i]), keyPosition(keys[j])) < 0
		})
		checkListing(t, "projects by name", resourcesBefore, resourceIDs(resources), func(i, j int) bool {
			return comparePositions(store.ByName, resourcePosition(resources[i]), resourcePosition(resources[j])) < 0
		})
	}
	close(stop)
	wg.Wait()
	if !overlapped {
		t.Errorf("no round of paging overlapped inserts")
	}
}

// checkListing checks a listing read while items were added: no id twice,
// every id of before once, each item after the one before it (less).
func checkListing(t *testing.T, what string, before, listed []string, less func(i, j int) bool) {
	t.Helper()
	seen := map[string]int{}
	for i, id := range listed {
		seen[id]++
		if seen[id] > 1 {
			t.Errorf("%s: %s listed twice", what, id)
		}
		if i > 0 && !less(i-1, i) {
			t.Errorf("%s: item %d (%s) is not after item %d", what, i, id, i-1)
		}
	}
	for _, id := range before {
		if seen[id] != 1 {
			t.Errorf("%s: %s, there before paging began, listed %d times", what, id, seen[id])
		}
	}
}
