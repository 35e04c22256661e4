package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/app"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
)

// TestServerPurgesExpiredTokens: a running server deletes expired tokens in
// the background, and leaves valid ones.
func TestServerPurgesExpiredTokens(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	now := time.Now().UTC().Truncate(time.Microsecond)
	ws := store.Workspace{ID: "ws", Name: "Acme", CreatedAt: now, Quotas: store.Quotas{ServiceAccounts: 1, KeysPerServiceAccount: 1, KeysPerUser: 1, Resources: 1}}
	owner := store.Owner{Type: store.OwnerUser, ID: "m"}
	expired := store.Token{ID: "expired", Hash: "aa", Kind: store.TokenSession, Owner: owner, WorkspaceID: ws.ID, CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Hour)}
	valid := store.Token{ID: "valid", Hash: "bb", Kind: store.TokenSession, Owner: owner, WorkspaceID: ws.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	err := st.Tx(ctx, func(tx store.Tx) error {
		return errors.Join(tx.CreateWorkspace(ctx, ws), tx.CreateToken(ctx, expired), tx.CreateToken(ctx, valid))
	})
	if err != nil {
		t.Fatal(err)
	}

	srv, err := app.New(ctx, app.Config{Store: st, TokenPurgeInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := st.ResolveToken(ctx, expired.Hash)
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the expired token is still there after 10 s (ResolveToken: %v)", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := st.ResolveToken(ctx, valid.Hash); err != nil {
		t.Fatalf("the valid token after the purge: %v", err)
	}
}
