package accounts_test

import (
	"context"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// TestExpiredTokensArePurged: logins and bearer mints leave no row behind
// once they expired and the purge ran, on both stores; tokens still valid
// stay and work.
func TestExpiredTokensArePurged(t *testing.T) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ctx := context.Background()
		now := time.Date(2025, time.March, 1, 12, 0, 0, 0, time.UTC)
		svc := accounts.New(newStore(t), accounts.Config{
			SessionTTL: time.Hour, BearerTTL: time.Minute, Now: func() time.Time { return now },
		})
		created, err := svc.CreateWorkspace(ctx, accounts.CreateWorkspaceInput{Name: "Acme", Admin: accounts.AdminInput{Email: "ada@acme.test", Name: "Ada"}})
		if err != nil {
			t.Fatal(err)
		}
		key, err := svc.AddOwnKey(ctx, accounts.ActingAs(created.Admin), accounts.AddKeyInput{Title: "laptop"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := svc.ResolveKey(ctx, key.Key.PublicKeyHex)
		if err != nil {
			t.Fatal(err)
		}
		const logins = 50
		for range logins {
			if _, _, err := svc.Login(ctx, "ada@acme.test"); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.IssueBearerToken(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		tokens := func() int {
			st, err := svc.ExportState(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return len(st.Tokens)
		}
		if n := tokens(); n != 2*logins+1 {
			t.Fatalf("%d tokens before the purge, want %d", n, 2*logins+1)
		}

		// Half an hour on, the bearers (1 min) expired, the sessions (1 h)
		// did not; a fresh session is issued then.
		now = now.Add(30 * time.Minute)
		fresh, _, err := svc.Login(ctx, "ada@acme.test")
		if err != nil {
			t.Fatal(err)
		}
		purged, err := svc.PurgeExpiredTokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if purged != logins || tokens() != logins+2 {
			t.Fatalf("purged %d, %d left; want %d purged, %d left", purged, tokens(), logins, logins+2)
		}
		// A minute before the fresh session expires, every other token
		// expired: only the fresh session is left, and it works.
		now = now.Add(59 * time.Minute)
		if purged, err = svc.PurgeExpiredTokens(ctx); err != nil || purged != logins+1 {
			t.Fatalf("second purge: %d, %v; want %d", purged, err, logins+1)
		}
		if n := tokens(); n != 1 {
			t.Fatalf("%d tokens left, want the fresh session", n)
		}
		if _, err := svc.AuthenticateSession(ctx, fresh.Token); err != nil {
			t.Fatalf("the session still valid after the purge: %v", err)
		}
	})
}
