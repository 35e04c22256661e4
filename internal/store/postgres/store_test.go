package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// These tests cover what is particular to the Postgres backend; the contract
// itself is checked by storetest (conformance_test.go).

type fixture struct {
	ws     store.Workspace
	member store.Member
}

func seed(t testing.TB, s store.Store) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{
		ws: store.Workspace{ID: "ws-1", Name: "one", CreatedAt: now(),
			Quotas: store.Quotas{ServiceAccounts: 2, KeysPerServiceAccount: 2, KeysPerUser: 2}},
		member: store.Member{ID: "m-1", WorkspaceID: "ws-1", Email: "ada@example.com", Name: "Ada",
			Role: store.RoleAdmin, CreatedAt: now()},
	}
	mustTx(t, s, func(tx store.Tx) error {
		if err := tx.CreateWorkspace(ctx, f.ws); err != nil {
			return err
		}
		return tx.CreateMember(ctx, f.member)
	})
	return f
}

func key(id, hex string, owner store.Owner, created time.Time) store.Key {
	return store.Key{ID: id, WorkspaceID: "ws-1", Owner: owner, Title: id, PublicKey: "ssh-ed25519 AAAA" + id,
		PublicKeyHex: hex, Fingerprint: "SHA256:" + id, Origin: store.OriginUploaded, CreatedAt: created}
}

// A failed create must leave the transaction usable: Postgres aborts a
// transaction on a constraint violation unless the store guards the insert.
func TestTxUsableAfterFailedCreate(t *testing.T) {
	s := newStore(t)
	f := seed(t, s)
	ctx := context.Background()
	owner := store.Owner{Type: store.OwnerUser, ID: f.member.ID}
	hex := "aa11"

	mustTx(t, s, func(tx store.Tx) error {
		if err := tx.CreateKey(ctx, key("k-1", hex, owner, now())); err != nil {
			return err
		}
		if err := tx.CreateKey(ctx, key("k-2", hex, owner, now())); !errors.Is(err, store.ErrDuplicateKey) {
			t.Errorf("second active key with the same public key: %v, want ErrDuplicateKey", err)
		}
		dup := f.member
		dup.ID = "m-2"
		dup.Email = "ADA@example.com"
		if err := tx.CreateMember(ctx, dup); !errors.Is(err, store.ErrAlreadyExists) || errors.Is(err, store.ErrDuplicateKey) {
			t.Errorf("live member email reused, other case: %v, want ErrAlreadyExists only", err)
		}
		// The transaction goes on: this write must commit.
		return tx.CreateKey(ctx, key("k-3", "bb22", owner, now()))
	})

	mustTx(t, s, func(tx store.Tx) error {
		keys, err := tx.PageKeys(ctx, owner, store.Page{Limit: 10})
		if err != nil {
			return err
		}
		var got []string
		for _, k := range keys {
			got = append(got, k.ID)
		}
		if len(got) != 2 || got[0] != "k-1" || got[1] != "k-3" {
			t.Errorf("keys after the transaction: %v, want [k-1 k-3]", got)
		}
		return nil
	})
}

func TestResolveKeyPrefersActiveThenLatestRevoked(t *testing.T) {
	s := newStore(t)
	f := seed(t, s)
	ctx := context.Background()
	owner := store.Owner{Type: store.OwnerUser, ID: f.member.ID}
	hex := "cc33"
	base := now().Add(-time.Hour)

	mustTx(t, s, func(tx store.Tx) error {
		for i, id := range []string{"k-old", "k-newer"} {
			if err := tx.CreateKey(ctx, key(id, hex, owner, base.Add(time.Duration(i)*time.Minute))); err != nil {
				return err
			}
			if err := tx.RevokeKey(ctx, id, base.Add(time.Duration(i+1)*time.Minute), "rotated "+id); err != nil {
				return err
			}
		}
		return nil
	})
	res, err := s.ResolveKey(ctx, hex)
	if err != nil {
		t.Fatal(err)
	}
	if res.Key.ID != "k-newer" || res.Key.RevokeReason != "rotated k-newer" {
		t.Errorf("with only revoked keys: resolved %s (%q), want k-newer", res.Key.ID, res.Key.RevokeReason)
	}

	mustTx(t, s, func(tx store.Tx) error { return tx.CreateKey(ctx, key("k-active", hex, owner, base)) })
	res, err = s.ResolveKey(ctx, hex)
	if err != nil {
		t.Fatal(err)
	}
	if res.Key.ID != "k-active" || res.OwnerGone || res.Role != store.RoleAdmin || res.Email != f.member.Email ||
		res.Name != f.member.Name || res.WorkspaceID != f.ws.ID {
		t.Errorf("with an active key: %+v", res)
	}
	if res.Key.CreatedAt.Location() != time.UTC || !res.Key.CreatedAt.Equal(base) {
		t.Errorf("CreatedAt = %v, want %v in UTC", res.Key.CreatedAt, base)
	}

	mustTx(t, s, func(tx store.Tx) error { return tx.MarkMemberRemoved(ctx, f.member.ID, now()) })
	if res, err = s.ResolveKey(ctx, hex); err != nil || !res.OwnerGone {
		t.Errorf("after removing the owner: OwnerGone = %t, err %v", res.OwnerGone, err)
	}

	if _, err := s.ResolveKey(ctx, "dd44"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown key: %v, want ErrNotFound", err)
	}
}

// Attributes are stored verbatim (json, not jsonb), and nil and empty
// SharedWith lists read back as written.
func TestResourceRoundTripIsExact(t *testing.T) {
	s := newStore(t)
	f := seed(t, s)
	ctx := context.Background()
	creator := store.Owner{Type: store.OwnerUser, ID: f.member.ID}
	attributes := json.RawMessage(`{"z": 1,  "a": [true, null], "z2": "é"}`)
	withAttrs := store.Resource{ID: "r-1", WorkspaceID: f.ws.ID, Kind: store.KindOntology, Title: "o", CreatedBy: creator,
		SharedWith: []store.Owner{}, CreatedAt: now(), UpdatedAt: now(), Attributes: attributes}
	bare := store.Resource{ID: "r-2", WorkspaceID: f.ws.ID, Kind: store.KindOntology, Title: "p", CreatedBy: creator,
		CreatedAt: now(), UpdatedAt: now()}
	mustTx(t, s, func(tx store.Tx) error {
		if err := tx.CreateResource(ctx, withAttrs); err != nil {
			return err
		}
		return tx.CreateResource(ctx, bare)
	})
	mustTx(t, s, func(tx store.Tx) error {
		got, err := tx.GetResource(ctx, f.ws.ID, store.KindOntology, "r-1")
		if err != nil {
			return err
		}
		if string(got.Attributes) != string(attributes) {
			t.Errorf("attributes = %s, want %s verbatim", got.Attributes, attributes)
		}
		if got.SharedWith == nil || len(got.SharedWith) != 0 {
			t.Errorf("empty SharedWith read back as %#v", got.SharedWith)
		}
		got, err = tx.GetResource(ctx, f.ws.ID, store.KindOntology, "r-2")
		if err != nil {
			return err
		}
		if got.SharedWith != nil || got.Attributes != nil {
			t.Errorf("nil SharedWith and Attributes read back as %#v, %#v", got.SharedWith, got.Attributes)
		}
		if _, err := tx.GetResource(ctx, f.ws.ID, store.KindDataset, "r-2"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("resource under another kind: %v, want ErrNotFound", err)
		}
		return nil
	})
}

func TestTouchKeysKeepsLaterTime(t *testing.T) {
	s := newStore(t)
	f := seed(t, s)
	ctx := context.Background()
	owner := store.Owner{Type: store.OwnerUser, ID: f.member.ID}
	t0 := now()
	mustTx(t, s, func(tx store.Tx) error {
		if err := tx.CreateKey(ctx, key("k-1", "ee55", owner, t0)); err != nil {
			return err
		}
		return tx.CreateKey(ctx, key("k-2", "ff66", owner, t0))
	})
	later, earlier := t0.Add(time.Minute), t0.Add(time.Second)
	if err := s.TouchKeys(ctx, map[string]time.Time{"k-1": later, "k-unknown": later}); err != nil {
		t.Fatal(err)
	}
	if err := s.TouchKeys(ctx, map[string]time.Time{"k-1": earlier, "k-2": earlier}); err != nil {
		t.Fatal(err)
	}
	mustTx(t, s, func(tx store.Tx) error {
		for id, want := range map[string]time.Time{"k-1": later, "k-2": earlier} {
			k, err := tx.GetKey(ctx, id)
			if err != nil {
				return err
			}
			if k.LastUsedAt == nil || !k.LastUsedAt.Equal(want) {
				t.Errorf("%s: LastUsedAt = %v, want %v", id, k.LastUsedAt, want)
			}
		}
		return nil
	})
}

// memberKeys registers n keys of f's member: key k-i has the public key i,
// written as 64 hex digits.
func memberKeys(t testing.TB, s store.Store, f fixture, n int) {
	t.Helper()
	ctx := context.Background()
	owner := store.Owner{Type: store.OwnerUser, ID: f.member.ID}
	mustTx(t, s, func(tx store.Tx) error {
		for i := range n {
			if err := tx.CreateKey(ctx, key(fmt.Sprintf("k-%d", i), fmt.Sprintf("%064x", i), owner, now())); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkResolveKey measures the authentication lookup (the key and its
// owner) among 1000 registered keys; with -cpu above batchSlots, concurrent
// calls share statements (keyLookups).
func BenchmarkResolveKey(b *testing.B) {
	s := newStore(b)
	f := seed(b, s)
	ctx := context.Background()
	const keys = 1000
	memberKeys(b, s, f, keys)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			if _, err := s.ResolveKey(ctx, fmt.Sprintf("%064x", i%keys)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkCreateKeyUnderLock measures a quota-checked key registration as
// accounts performs it: lock the owner, count, insert.
func BenchmarkCreateKeyUnderLock(b *testing.B) {
	s := newStore(b)
	f := seed(b, s)
	ctx := context.Background()
	owner := store.Owner{Type: store.OwnerUser, ID: f.member.ID}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		err := s.Tx(ctx, func(tx store.Tx) error {
			if _, err := tx.LockOwner(ctx, f.ws.ID, owner); err != nil {
				return err
			}
			if _, err := tx.CountActiveKeys(ctx, owner); err != nil {
				return err
			}
			return tx.CreateKey(ctx, key(fmt.Sprintf("k-%d", i), fmt.Sprintf("%064x", i), owner, now()))
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// Concurrent ResolveKey calls share statements (keyLookups); each must still
// get its own key, its owner, or ErrNotFound.
func TestResolveKeyConcurrentCallsGetTheirOwnKeys(t *testing.T) {
	s := newStore(t)
	f := seed(t, s)
	ctx := context.Background()
	const keys = 60
	memberKeys(t, s, f, keys)
	errs := make(chan error, 32)
	for w := range 32 {
		go func() {
			for i := range 100 {
				n := (w*7 + i*13) % (keys + 10) // the last 10 were never registered
				res, err := s.ResolveKey(ctx, fmt.Sprintf("%064x", n))
				switch {
				case n < keys && (err != nil || res.Key.ID != fmt.Sprintf("k-%d", n) || res.Email != f.member.Email):
					errs <- fmt.Errorf("key %d: %s, %v", n, res.Key.ID, err)
					return
				case n >= keys && !errors.Is(err, store.ErrNotFound):
					errs <- fmt.Errorf("unknown key %d: %v, want ErrNotFound", n, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 32 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
