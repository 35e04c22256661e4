package seed_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// fullSeed exercises every part of the format. %s are public key lines:
// the admin's, bob's, and the reporter service account's.
const fullSeed = `# a comment
workspaces:
  - name: Acme
    quotas: {serviceAccounts: 2, keysPerServiceAccount: 3}
    admin:
      email: Admin@Acme.test
      name: Ada Admin
      keys: [{title: ada laptop, publicKey: "%s"}]
    members:
      - {email: bob@acme.test, name: Bob, role: member, keys: [{title: laptop, publicKey: "%s"}]}
      - {email: carol@acme.test, name: Carol, role: admin}
      - {email: dan@acme.test, name: Dan}
    serviceAccounts:
      - name: ci-bot
        description: CI pipeline
        role: admin
        keys:
          - {title: ci, privateKeyFile: keys/ci-bot}
      - name: reporter
        keys:
          - title: nightly
            publicKey: %s
  - name: Beta
    admin: {email: eve@beta.test, name: Eve}
`

func TestApplyCreatesEverythingTheSeedDescribes(t *testing.T) {
	adminKey, bobKey, reporterKey := generate(t), generate(t), generate(t)
	f := mustLoad(t, writeSeed(t, fmt.Sprintf(fullSeed, adminKey.Line, bobKey.Line+" bob@laptop", reporterKey.Line), withCIBotKey))

	st := export(t, applyToNewService(t, f))
	if len(st.Workspaces) != 2 || st.Workspaces[0].Name != "Acme" || st.Workspaces[1].Name != "Beta" {
		t.Fatalf("workspaces = %+v, want Acme then Beta", st.Workspaces)
	}
	acme, beta := st.Workspaces[0], st.Workspaces[1]
	wantQuotas := store.Quotas{ServiceAccounts: 2, KeysPerServiceAccount: 3, KeysPerUser: accounts.DefaultQuotas.KeysPerUser, Resources: accounts.DefaultQuotas.Resources}
	if acme.Quotas != wantQuotas {
		t.Errorf("Acme quotas = %+v, want %+v", acme.Quotas, wantQuotas)
	}
	if beta.Quotas != accounts.DefaultQuotas {
		t.Errorf("Beta quotas = %+v, want the defaults %+v", beta.Quotas, accounts.DefaultQuotas)
	}

	members := map[string]store.Member{}
	for _, m := range st.Members {
		members[m.Email] = m
	}
	for email, want := range map[string]struct {
		workspace string
		role      store.Role
		name      string
	}{
		"admin@acme.test": {acme.ID, store.RoleAdmin, "Ada Admin"}, // emails are lower-cased, as by the API
		"bob@acme.test":   {acme.ID, store.RoleMember, "Bob"},
		"carol@acme.test": {acme.ID, store.RoleAdmin, "Carol"},
		"dan@acme.test":   {acme.ID, store.RoleMember, "Dan"},
		"eve@beta.test":   {beta.ID, store.RoleAdmin, "Eve"},
	} {
		m, ok := members[email]
		if !ok {
			t.Errorf("member %s missing", email)
			continue
		}
		if m.WorkspaceID != want.workspace || m.Role != want.role || m.Name != want.name || m.RemovedAt != nil {
			t.Errorf("member %s = %+v, want workspace %s, role %s, name %q, live", email, m, want.workspace, want.role, want.name)
		}
	}
	if len(st.Members) != 5 {
		t.Errorf("%d members, want 5", len(st.Members))
	}

	accountsByName := map[string]store.ServiceAccount{}
	for _, sa := range st.ServiceAccounts {
		accountsByName[sa.Name] = sa
	}
	ciBot, reporter := accountsByName["ci-bot"], accountsByName["reporter"]
	if len(st.ServiceAccounts) != 2 || ciBot.ID == "" || reporter.ID == "" {
		t.Fatalf("service accounts = %+v, want ci-bot and reporter", st.ServiceAccounts)
	}
	if ciBot.Role != store.RoleAdmin || ciBot.Description != "CI pipeline" || ciBot.WorkspaceID != acme.ID || ciBot.CreatedByMemberID != members["admin@acme.test"].ID {
		t.Errorf("ci-bot = %+v, want role admin, description CI pipeline, in Acme, created by the admin", ciBot)
	}
	if reporter.Role != store.RoleMember {
		t.Errorf("reporter role = %s, want member (the default)", reporter.Role)
	}

	wantKeys := map[string]struct {
		owner store.Owner
		title string
	}{
		adminKey.Hex:                        {store.Owner{Type: store.OwnerUser, ID: members["admin@acme.test"].ID}, "ada laptop"},
		bobKey.Hex:                          {store.Owner{Type: store.OwnerUser, ID: members["bob@acme.test"].ID}, "laptop"},
		reporterKey.Hex:                     {store.Owner{Type: store.OwnerServiceAccount, ID: reporter.ID}, "nightly"},
		hexOfPublicKeyFile(t, ciBotPubFile): {store.Owner{Type: store.OwnerServiceAccount, ID: ciBot.ID}, "ci"},
	}
	if len(st.Keys) != len(wantKeys) {
		t.Errorf("%d keys, want %d", len(st.Keys), len(wantKeys))
	}
	for _, k := range st.Keys {
		want, ok := wantKeys[k.PublicKeyHex]
		if !ok {
			t.Errorf("unexpected key %s (%s)", k.PublicKeyHex, k.Title)
			continue
		}
		if k.Owner != want.owner || k.Title != want.title || k.WorkspaceID != acme.ID || k.Origin != store.OriginUploaded || !k.Active() {
			t.Errorf("key %s = %+v, want owner %+v, title %q, active upload in Acme", k.PublicKeyHex, k, want.owner, want.title)
		}
		if strings.Contains(k.PublicKey, "bob@laptop") {
			t.Errorf("key %s kept the comment of its line: %q", k.Title, k.PublicKey)
		}
	}

	if len(st.Tokens) != 0 {
		t.Errorf("Apply left %d sessions behind, want none", len(st.Tokens))
	}
}

func TestResetThenApplyReplaysTheSeed(t *testing.T) {
	ctx := context.Background()
	f := loadFullSeed(t)
	svc := applyToNewService(t, f)
	first := summarize(export(t, svc))

	// What POST /_emulator/reset does: wipe, then replay.
	if err := svc.Reset(ctx); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	if err := f.Apply(ctx, svc); err != nil {
		t.Fatalf("Apply after Reset: %v", err)
	}
	if again := summarize(export(t, svc)); !slices.Equal(first, again) {
		t.Errorf("state after reset and replay differs:\nfirst: %q\nagain: %q", first, again)
	}
}

func TestApplyingTwiceWithoutResetFailsAndKeepsTheFirstRun(t *testing.T) {
	ctx := context.Background()
	f := loadFullSeed(t)
	svc := applyToNewService(t, f)
	before := summarize(export(t, svc))

	err := f.Apply(ctx, svc)
	wantCode(t, err, errs.ResourceExists)
	wantEntry(t, err, `workspaces[0] "Acme"`)
	// The second run's undo removes only what it created: nothing of the
	// first run.
	if after := summarize(export(t, svc)); !slices.Equal(before, after) {
		t.Errorf("a failed second Apply changed the state:\nbefore: %q\nafter:  %q", before, after)
	}
}

func TestExampleSeedApplies(t *testing.T) {
	st := export(t, applyToNewService(t, mustLoad(t, filepath.Join("..", "..", "examples", "seed.yaml"))))
	if len(st.Workspaces) != 1 || len(st.Members) != 2 || len(st.ServiceAccounts) != 1 || len(st.Keys) != 1 {
		t.Fatalf("example state: %d workspaces, %d members, %d service accounts, %d keys; want 1, 2, 1, 1",
			len(st.Workspaces), len(st.Members), len(st.ServiceAccounts), len(st.Keys))
	}
	sa := st.ServiceAccounts[0]
	if sa.Role != store.RoleAdmin {
		t.Errorf("example service account role = %s, want admin", sa.Role)
	}
	if k := st.Keys[0]; k.Owner != (store.Owner{Type: store.OwnerServiceAccount, ID: sa.ID}) {
		t.Errorf("example key owner = %+v, want the service account", k.Owner)
	}
}

// Helpers.
