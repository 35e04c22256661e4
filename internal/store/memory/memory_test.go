package memory_test

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return memory.New() })
}

func TestConcurrentConformance(t *testing.T) {
	storetest.RunConcurrent(t, func(t *testing.T) (store.Store, store.Store) {
		s := memory.New()
		return s, s
	})
}

// BenchmarkResolveKey measures the authentication lookup in stores of
// different sizes. The lookup is one map access whatever the size; what
// grows with the store is only the memory it touches: "spread" looks up keys
// scattered over the whole store (every lookup misses the CPU caches at 1M
// keys), "hot" looks up the same 250 keys over and over, as a real workload
// with a few busy SDK clients does.
func BenchmarkResolveKey(b *testing.B) {
	for _, size := range []int{1_000, 1_000_000} {
		s, spread := storeWithKeys(b, size)
		runtime.GC() // collect the setup's garbage before timing
		lookups := []struct {
			name  string
			hexes []string
		}{
			{"spread", spread},
			{"hot", spread[:250]},
		}
		for _, l := range lookups {
			b.Run(fmt.Sprintf("keys=%d/%s", size, l.name), func(b *testing.B) {
				ctx := b.Context()
				i := 0
				for b.Loop() {
					if _, err := s.ResolveKey(ctx, l.hexes[i%len(l.hexes)]); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
		b.Run(fmt.Sprintf("keys=%d/spread/parallel", size), func(b *testing.B) {
			ctx := b.Context()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if _, err := s.ResolveKey(ctx, spread[i%len(spread)]); err != nil {
						b.Error(err)
						return
					}
					i += 7
				}
			})
		})
		s.Close()
	}
}

// storeWithKeys returns a store holding n active keys spread over 1,000
// members of one workspace, and a sample of their public keys spread over
// the whole set, to look up.
func storeWithKeys(b *testing.B, n int) (*memory.Store, []string) {
	b.Helper()
	const members, batch, samples = 1_000, 50_000, 4_096
	ctx := b.Context()
	began := time.Now()
	s := memory.New()
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ws := store.Workspace{ID: "bench", Name: "bench", CreatedAt: created, Quotas: store.Quotas{ServiceAccounts: 1, KeysPerServiceAccount: 1, KeysPerUser: n}}
	err := s.Tx(ctx, func(tx store.Tx) error {
		if err := tx.CreateWorkspace(ctx, ws); err != nil {
			return err
		}
		for i := range members {
			m := store.Member{
				ID: fmt.Sprintf("member-%d", i), WorkspaceID: ws.ID, Email: fmt.Sprintf("user%d@example.com", i),
				Name: "User", Role: store.RoleMember, CreatedAt: created,
			}
			if err := tx.CreateMember(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}

	hexes := make([]string, 0, samples)
	raw := make([]byte, 32)
	for start := 0; start < n; start += batch {
		err := s.Tx(ctx, func(tx store.Tx) error {
			for i := start; i < min(start+batch, n); i++ {
				binary.BigEndian.PutUint64(raw, uint64(i)*0x9e3779b97f4a7c15) // spread the prefixes
				binary.BigEndian.PutUint64(raw[24:], uint64(i))
				publicKeyHex := hex.EncodeToString(raw)
				k := store.Key{
					ID: fmt.Sprintf("key-%d", i), WorkspaceID: ws.ID,
					Owner: store.Owner{Type: store.OwnerUser, ID: fmt.Sprintf("member-%d", i%members)},
					Title: "bench", PublicKey: "ssh-ed25519 AAAA", PublicKeyHex: publicKeyHex,
					Fingerprint: "SHA256:bench", Origin: store.OriginUploaded, CreatedAt: created,
				}
				if err := tx.CreateKey(ctx, k); err != nil {
					return err
				}
				if i%(max(n/samples, 1)) == 0 && len(hexes) < samples {
					hexes = append(hexes, publicKeyHex)
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("stored %d keys in %v", n, time.Since(began).Round(time.Millisecond))
	return s, hexes
}
