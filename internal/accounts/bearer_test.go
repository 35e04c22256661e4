package accounts_test

import (
	"errors"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// TestIssueBearerTokenNeedsAnActiveKey: a bearer token is minted by a key
// signature only, records that key, and is refused when the key was revoked
// between the request's authentication and the mint.
func TestIssueBearerTokenNeedsAnActiveKey(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) { testIssueBearerTokenNeedsAnActiveKey(t, e) })
}

func testIssueBearerTokenNeedsAnActiveKey(t *testing.T, e *env) {
	ctx, svc := e.ctx, e.svc
	admin := accounts.ActingAs(e.workspace(t, accounts.QuotasPatch{}).Admin)
	key, err := svc.AddOwnKey(ctx, admin, accounts.AddKeyInput{Title: "laptop"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.ResolveKey(ctx, key.Key.PublicKeyHex)
	if err != nil {
		t.Fatal(err)
	}

	issued, err := svc.IssueBearerToken(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if issued.Stored.KeyID != key.Key.ID {
		t.Errorf("bearer token records key %q, want %q", issued.Stored.KeyID, key.Key.ID)
	}
	asBearer, err := svc.ResolveBearer(ctx, issued.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.IssueBearerToken(ctx, asBearer); !hasCode(err, errs.Authentication) {
		t.Errorf("a bearer minting a bearer: %v, want AUTHENTICATION_ERROR", err)
	}

	if err := svc.RevokeOwnKey(ctx, admin, key.Key.ID); err != nil {
		t.Fatal(err)
	}
	_, err = svc.IssueBearerToken(ctx, p) // p was authenticated before the revocation
	if !errors.Is(err, accounts.RevokedKey) || !hasCode(err, errs.Authentication) {
		t.Errorf("minting with a key revoked since the request was authenticated: %v, want key_revoked (401)", err)
	}
}
