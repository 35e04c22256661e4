package accounts_test

import (
	"context"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
)

// TestActingAsNeedsNoSession checks that acting as a member opens no
// session and still goes through the member's rights as they are now.
func TestActingAsNeedsNoSession(t *testing.T) {
	ctx := context.Background()
	svc := accounts.New(memory.New(), accounts.Config{})
	created, err := svc.CreateWorkspace(ctx, accounts.CreateWorkspaceInput{Name: "Acme", Admin: accounts.AdminInput{Email: "ada@acme.test", Name: "Ada"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.EndSession(ctx, created.Session); err != nil {
		t.Fatal(err)
	}
	admin := accounts.ActingAs(created.Admin)
	bob, err := svc.AddMember(ctx, admin, accounts.AddMemberInput{Email: "bob@acme.test", Name: "Bob"})
	if err != nil {
		t.Fatalf("the admin acting without a session: %v", err)
	}
	asBob := accounts.ActingAs(bob)
	if _, err := svc.AddOwnKey(ctx, asBob, accounts.AddKeyInput{Title: "laptop"}); err != nil {
		t.Fatalf("bob acting without a session adds his own key: %v", err)
	}
	if _, err := svc.AddMember(ctx, asBob, accounts.AddMemberInput{Email: "eve@acme.test", Name: "Eve"}); !hasCode(err, errs.Authorisation) {
		t.Fatalf("bob, a member, adds a member: %v, want AUTHORISATION_ERROR", err)
	}
	st, err := svc.ExportState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Tokens) != 0 {
		t.Fatalf("%d tokens in the store, want none: acting opens no session and the admin's was ended", len(st.Tokens))
	}
	// Logging out a caller without a session ends nothing and is no error.
	if err := svc.Logout(ctx, asBob); err != nil {
		t.Fatal(err)
	}
	if err := svc.RemoveMember(ctx, admin, bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ListOwnKeys(ctx, asBob, accounts.PageRequest{Size: 10}); !hasCode(err, errs.Authentication) {
		t.Fatalf("acting as a removed member: %v, want AUTHENTICATION_ERROR", err)
	}
}
