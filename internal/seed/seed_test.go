package seed_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
	"gopkg.in/yaml.v3"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/seed"
	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
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

func TestRuleBreachesFailApplyNamingTheEntryAndLeaveNothing(t *testing.T) {
	k1, k2 := generate(t).Line, generate(t).Line
	tests := []struct {
		name      string
		yaml      string
		code      errs.Code
		entry     string
		lineOf    string // text that starts the entry's line
		inMessage string
	}{{
		name: "a second service account over the default quota of 1",
		yaml: `workspaces:
  - name: Acme
    admin: {email: admin@acme.test, name: Ada}
    serviceAccounts:
      - name: ci-bot
      - name: deploy-bot
`,
		code:      errs.QuotaExceeded,
		entry:     `workspaces[0] "Acme": serviceAccounts[1] "deploy-bot"`,
		lineOf:    "- name: deploy-bot",
		inMessage: `workspace "Acme" already has 1 of 1 service accounts`,
	}, {
		name: "more keys than the seed's own keysPerServiceAccount",
		yaml: `workspaces:
  - name: Acme
    quotas: {keysPerServiceAccount: 1}
    admin: {email: admin@acme.test, name: Ada}
    serviceAccounts:
      - name: ci-bot
        keys:
          - {title: one, publicKey: "` + k1 + `"}
          - {title: two, publicKey: "` + k2 + `"}
`,
		code:      errs.QuotaExceeded,
		entry:     `workspaces[0] "Acme": serviceAccounts[0] "ci-bot": keys[1] "two"`,
		lineOf:    "- {title: two",
		inMessage: "service account ci-bot already has 1 of 1 keys",
	}, {
		name: "the same public key twice",
		yaml: `workspaces:
  - name: Acme
    admin:
      email: admin@acme.test
      name: Ada
      keys: [{title: ada, publicKey: "` + k1 + `"}]
    members:
      - email: bob@acme.test
        name: Bob
        keys:
          - {title: bob, publicKey: "` + k1 + ` copied"}
`,
		code:      errs.DuplicateSSHKey,
		entry:     `workspaces[0] "Acme": members[0] "bob@acme.test": keys[0] "bob"`,
		lineOf:    "- {title: bob",
		inMessage: "is already registered",
	}, {
		name: "a member email used in two workspaces",
		yaml: `workspaces:
  - name: Acme
    admin: {email: admin@acme.test, name: Ada}
    members: [{email: bob@acme.test, name: Bob}]
  - name: Beta
    admin: {email: admin@beta.test, name: Eve}
    members:
      - {email: BOB@acme.test, name: Bob again}
`,
		code:      errs.ResourceExists,
		entry:     `workspaces[1] "Beta": members[0] "BOB@acme.test"`,
		lineOf:    "- {email: BOB@acme.test",
		inMessage: `"bob@acme.test" is already a member of workspace`,
	}, {
		name: "a workspace admin who is already a member elsewhere",
		yaml: `workspaces:
  - name: Acme
    admin: {email: admin@acme.test, name: Ada}
  - name: Beta
    admin: {email: admin@acme.test, name: Ada}
`,
		code:   errs.ResourceExists,
		entry:  `workspaces[1] "Beta"`,
		lineOf: "- name: Beta",
	}, {
		name: "a member email in the service accounts' domain",
		yaml: `workspaces:
  - name: Acme
    admin: {email: admin@acme.test, name: Ada}
    members:
      - {email: bob@service-accounts.encord-emulator.local, name: Bob}
`,
		code:      errs.ResourceExists,
		entry:     `workspaces[0] "Acme": members[0] "bob@service-accounts.encord-emulator.local"`,
		lineOf:    "- {email: bob@service-accounts",
		inMessage: "reserved for the emails of service accounts",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeSeed(t, tt.yaml)
			f, err := seed.Load(path)
			if err != nil {
				t.Fatalf("Load: %v (the breach should only show when applied)", err)
			}
			svc := newService()
			err = f.Apply(context.Background(), svc)
			wantCode(t, err, tt.code)
			wantEntry(t, err, tt.entry)
			wantLine(t, err, path, lineNumber(t, tt.yaml, tt.lineOf))
			if !strings.Contains(err.Error(), tt.inMessage) {
				t.Errorf("error %q does not contain %q", err, tt.inMessage)
			}
			wantNothingLeft(t, export(t, svc), "a failed Apply")
		})
	}
}

func TestErrorReadsFileLineEntryAndRule(t *testing.T) {
	text := `workspaces:
  - name: Acme
    admin: {email: admin@acme.test, name: Ada}
    serviceAccounts:
      - name: ci-bot
      - name: deploy-bot
`
	path := writeSeed(t, text)
	err := mustLoad(t, path).Apply(context.Background(), newService())
	want := fmt.Sprintf(`seed: %s:6: workspaces[0] "Acme": serviceAccounts[1] "deploy-bot": QUOTA_EXCEEDED_ERROR: workspace "Acme" already has 1 of 1 service accounts;`, path)
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v\nwant it to start with %s", err, want)
	}
}

func TestLoadRejectsBrokenFilesNamingTheEntry(t *testing.T) {
	rsaLine := strings.TrimSpace(readFile(t, "testdata/rsa.pub"))
	ed := generate(t).Line
	tests := []struct {
		name   string
		yaml   string
		is     error      // wanted in the error chain, if set
		code   errs.Code  // wanted *errs.Error code, if set
		entry  string     // wanted Error.Entry
		lineOf string     // text that starts the wanted Error.Line, if set
		inMsg  string     // wanted in the message
		files  []seedFile // extra files next to the seed
	}{{
		name: "an rsa key",
		yaml: `workspaces:
  - name: Acme
    admin: {email: admin@acme.test, name: Ada}
    members:
      - email: bob@acme.test
        name: Bob
        keys:
          - title: old laptop
            publicKey: ` + rsaLine + `
`,
		is:     sshkey.KindUnsupportedType,
		entry:  `workspaces[0] "Acme": members[0] "bob@acme.test": keys[0] "old laptop"`,
		lineOf: "- title: old laptop",
		inMsg:  "ssh-rsa, which is not supported",
	}, {
		name: "the identity point, a key anyone can sign for",
		yaml: `workspaces:
  - name: Acme
    admin:
      email: admin@acme.test
      name: Ada
      keys:
        - title: forged
          publicKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
`,
		is:     sshkey.KindSmallOrder,
		entry:  `workspaces[0] "Acme": admin "admin@acme.test": keys[0] "forged"`,
		lineOf: "- title: forged",
		inMsg:  "small-order point (the identity)",
	}, {
		name: "an unknown field (typo)",
		yaml: `workspaces:
  - name: Acme
    admin: {email: admin@acme.test, name: Ada}
    members:
      - email: bob@acme.test
        nmae: Bob
`,
		inMsg: "line 6: field nmae not found",
	}, {
		name: "a misspelt quota",
		yaml: `workspaces:
  - name: Acme
    quotas: {serviceAccount: 3}
    admin: {email: admin@acme.test, name: Ada}
`,
		inMsg: "line 3: field serviceAccount not found",
	}, {
		name: "a missing private key file",
		yaml: `workspaces:
  - name: Acme
    admin: {email: admin@acme.test, name: Ada}
    serviceAccounts:
      - name: ci-bot
        keys: [{title: ci, privateKeyFile: keys/nowhere}]
`,
		is:     fs.ErrNotExist,
		entry:  `workspaces[0] "Acme": serviceAccounts[0] "ci-bot": keys[0] "ci"`,
		lineOf: "keys: [{title: ci",
		inMsg:  filepath.Join("keys", "nowhere"),
	}, {
		name: "a passphrase-protected private key file",
		yaml: `workspaces:
  - name: Acme
    admin:
      email: admin@acme.test
      name: Ada
      keys:
        - {title: locked, privateKeyFile: keys/protected}
`,
		files:  []seedFile{{"keys/protected", readFile(t, "testdata/protected")}},
		is:     sshkey.KindPassphraseProtected,
		entry:  `workspaces[0] "Acme": admin "admin@acme.test": keys[0] "locked"`,
		lineOf: "- {title: locked",
		inMsg:  filepath.Join("keys", "protected"),
	}, {
		name: "a public key where a private key file belongs",
		yaml: `workspaces:
  - name: Acme
    admin:
      email: admin@acme.test
      name: Ada
      keys: [{title: pub, privateKeyFile: ci-bot.pub}]
`,
		files: []seedFile{{"ci-bot.pub", readFile(t, ciBotPubFile)}},
		is:    sshkey.KindNotPrivateKey,
		entry: `workspaces[0] "Acme": admin "admin@acme.test": keys[0] "pub"`,
	}, {
		name: "a bad member role",
		yaml: `workspaces:
  - name: Acme
    admin: {email: admin@acme.test, name: Ada}
    members:
      - {email: bob@acme.test, name: Bob, role: owner}
`,
		code:   errs.InvalidArguments,
		entry:  `workspaces[0] "Acme": members[0] "bob@acme.test"`,
		lineOf: "- {email: bob@acme.test",
		inMsg:  `role "owner" is not a workspace role`,
	}, {
		name: "a bad service account role",
		yaml: `workspaces:
  - name: Acme
    admin: {email: admin@acme.test, name: Ada}
    serviceAccounts:
      - {name: ci-bot, role: Admin}
`,
		code:   errs.InvalidArguments,
		entry:  `workspaces[0] "Acme": serviceAccounts[0] "ci-bot"`,
		lineOf: "- {name: ci-bot",
		inMsg:  `role "Admin" is not a workspace role`,
	}, {
		name: "a workspace without admin",
		yaml: `workspaces:
  - name: Acme
`,
		code:   errs.InvalidArguments,
		entry:  `workspaces[0] "Acme"`,
		lineOf: "- name: Acme",
		inMsg:  "admin.email is required",
	}, {
		name: "a member email that is not one",
		yaml: `workspaces:
  - name: Acme
    admin: {email: admin@acme.test, name: Ada}
    members: [{email: "<bob@acme.test>", name: Bob}]
`,
		code:  errs.InvalidArguments,
		entry: `workspaces[0] "Acme": members[0] "<bob@acme.test>"`,
		inMsg: "is not an email address",
	}, {
		name: "a key with both publicKey and privateKeyFile",
		yaml: `workspaces:
  - name: Acme
    admin:
      email: admin@acme.test
      name: Ada
      keys: [{title: both, publicKey: "` + ed + `", privateKeyFile: keys/ci-bot}]
`,
		entry: `workspaces[0] "Acme": admin "admin@acme.test": keys[0] "both"`,
		inMsg: "either publicKey or privateKeyFile, not both",
	}, {
		name: "a key with neither",
		yaml: `workspaces:
  - name: Acme
    admin:
      email: admin@acme.test
      name: Ada
      keys: [{title: nothing}]
`,
		entry: `workspaces[0] "Acme": admin "admin@acme.test": keys[0] "nothing"`,
		inMsg: "a key needs publicKey",
	}, {
		name: "a key without title",
		yaml: `workspaces:
  - name: Acme
    admin:
      email: admin@acme.test
      name: Ada
      keys: [{publicKey: "` + ed + `"}]
`,
		code:  errs.InvalidArguments,
		entry: `workspaces[0] "Acme": admin "admin@acme.test": keys[0] ""`,
		inMsg: "title is required",
	}, {
		name: "a private key pasted as publicKey",
		yaml: `workspaces:
  - name: Acme
    admin:
      email: admin@acme.test
      name: Ada
      keys:
        - title: oops
          publicKey: |
` + indent(readFile(t, "testdata/ci-bot"), "            "),
		is:    sshkey.KindPrivateKey,
		entry: `workspaces[0] "Acme": admin "admin@acme.test": keys[0] "oops"`,
		inMsg: "This is a PRIVATE key",
	}, {
		name:  "an empty file",
		yaml:  "# nothing yet\n",
		inMsg: "the file is empty",
	}, {
		name:  "no workspaces",
		yaml:  "workspaces: []\n",
		inMsg: "no workspaces",
	}, {
		name: "two documents",
		yaml: `workspaces:
  - name: Acme
    admin: {email: admin@acme.test, name: Ada}
---
workspaces: []
`,
		inMsg: "a second one starts at line 4",
	}, {
		name:  "a list where a mapping belongs",
		yaml:  "workspaces:\n  - name: [Acme]\n",
		inMsg: "line 2: cannot unmarshal !!seq into string",
	}, {
		name:  "malformed YAML",
		yaml:  "workspaces: [\n",
		inMsg: "did not find expected node content",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeSeed(t, tt.yaml, tt.files...)
			f, err := seed.Load(path)
			if err == nil {
				t.Fatalf("Load accepted the file: %+v", f)
			}
			var se *seed.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T) is not a *seed.Error", err, err)
			}
			if se.File != path {
				t.Errorf("Error.File = %q, want %q", se.File, path)
			}
			if se.Entry != tt.entry {
				t.Errorf("Error.Entry = %q, want %q", se.Entry, tt.entry)
			}
			if tt.lineOf != "" {
				wantLine(t, err, path, lineNumber(t, tt.yaml, tt.lineOf))
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			if tt.code != "" {
				wantCode(t, err, tt.code)
			}
			if !strings.Contains(err.Error(), tt.inMsg) {
				t.Errorf("error %q does not contain %q", err, tt.inMsg)
			}
		})
	}
}

func TestUnknownFieldIsAYAMLTypeError(t *testing.T) {
	path := writeSeed(t, "workspaces:\n  - name: Acme\n    admins: {email: a@b.test, name: A}\n")
	_, err := seed.Load(path)
	var typeErr *yaml.TypeError
	if !errors.As(err, &typeErr) {
		t.Fatalf("error %v does not wrap a *yaml.TypeError", err)
	}
	if want := "line 3: field admins not found"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

func TestLoadReadsPrivateKeyFilesOnce(t *testing.T) {
	text := `workspaces:
  - name: Acme
    quotas: {serviceAccounts: 1}
    admin: {email: admin@acme.test, name: Ada}
    serviceAccounts:
      - {name: ci-bot, keys: [{title: ci, privateKeyFile: keys/ci-bot}]}
`
	path := writeSeed(t, text, withCIBotKey)
	f := mustLoad(t, path)
	// A reset replays the seed long after startup: the key file may be gone.
	if err := os.Remove(filepath.Join(filepath.Dir(path), "keys", "ci-bot")); err != nil {
		t.Fatal(err)
	}
	st := export(t, applyToNewService(t, f))
	if len(st.Keys) != 1 || st.Keys[0].PublicKeyHex != hexOfPublicKeyFile(t, ciBotPubFile) {
		t.Errorf("keys = %+v, want the public half of testdata/ci-bot", st.Keys)
	}
}

func TestLoadMissingSeedFile(t *testing.T) {
	_, err := seed.Load(filepath.Join(t.TempDir(), "absent.yaml"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "seed: ") {
		t.Errorf("error = %v, want a seed: error wrapping fs.ErrNotExist", err)
	}
}

func TestHandBuiltFileWithUnreadPrivateKeyFails(t *testing.T) {
	f := &seed.File{Workspaces: []seed.Workspace{{
		Name:  "Acme",
		Admin: seed.Admin{Email: "admin@acme.test", Name: "Ada", Keys: []seed.Key{{Title: "k", PrivateKeyFile: "keys/ci-bot"}}},
	}}}
	svc := newService()
	err := f.Apply(context.Background(), svc)
	wantEntry(t, err, `workspaces[0] "Acme": admin "admin@acme.test": keys[0] "k"`)
	if err == nil || !strings.Contains(err.Error(), "must come from seed.Load") {
		t.Errorf("error = %v, want it to ask for seed.Load", err)
	}
	wantNothingLeft(t, export(t, svc), "a failed Apply")
}

// flakyStore is a memory store whose fail-th transaction (counting from 1)
// fails as if the database were unreachable, and every later one too unless
// recovers is set.
type flakyStore struct {
	*memory.Store
	mu       sync.Mutex
	calls    int
	fail     int
	recovers bool // whether transactions after the failed one succeed again
}

func (s *flakyStore) Tx(ctx context.Context, fn func(tx store.Tx) error) error {
	s.mu.Lock()
	s.calls++
	down := s.calls == s.fail || (s.calls > s.fail && !s.recovers)
	s.mu.Unlock()
	if down {
		return fmt.Errorf("flaky store: %w", store.ErrUnavailable)
	}
	return s.Store.Tx(ctx, fn)
}

func TestStoreOutageMidwayUndoesTheRun(t *testing.T) {
	f := loadFullSeed(t)
	mem := memory.New()
	// The 5th transaction uploads bob's key (after the workspace, the end
	// of its admin session, the admin's key and bob's membership): the
	// workspace, the admin's key and bob's membership exist by then.
	st := &flakyStore{Store: mem, fail: 5, recovers: true}
	svc := accounts.New(st, accounts.Config{})
	err := f.Apply(context.Background(), svc)
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("error = %v, want store.ErrUnavailable in its chain", err)
	}
	wantEntry(t, err, `workspaces[0] "Acme": members[0] "bob@acme.test": keys[0] "laptop"`)
	wantNothingLeft(t, export(t, accounts.New(mem, accounts.Config{})), "the undo")
}

func TestFailedUndoNamesTheWorkspacesLeftBehind(t *testing.T) {
	f := loadFullSeed(t)
	mem := memory.New()
	// The 4th transaction adds bob; the store stays down, so the undo's
	// DeleteWorkspace fails as well.
	svc := accounts.New(&flakyStore{Store: mem, fail: 4}, accounts.Config{})
	err := f.Apply(context.Background(), svc)
	wantEntry(t, err, `workspaces[0] "Acme": members[0] "bob@acme.test"`)
	left := export(t, accounts.New(mem, accounts.Config{}))
	if len(left.Workspaces) != 1 {
		t.Fatalf("%d workspaces left, want the 1 the undo could not delete", len(left.Workspaces))
	}
	if want := "workspace " + left.Workspaces[0].ID + " created by this run is left in the store"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
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

const ciBotPubFile = "testdata/ci-bot.pub"

// seedFile is a file written next to a test's seed file.
type seedFile struct{ name, content string }

var withCIBotKey = seedFile{"keys/ci-bot", mustRead("testdata/ci-bot")}

func mustRead(name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writeSeed writes text as seed.yaml in a fresh directory, with files
// beside it, and returns its path.
func writeSeed(t *testing.T, text string, files ...seedFile) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f.content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "seed.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// mustLoad loads the seed file at path, failing the test if it cannot.
func mustLoad(t *testing.T, path string) *seed.File {
	t.Helper()
	f, err := seed.Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return f
}

// loadFullSeed loads fullSeed, with fresh keys for its public key lines.
func loadFullSeed(t *testing.T) *seed.File {
	t.Helper()
	return mustLoad(t, writeSeed(t, fmt.Sprintf(fullSeed, generate(t).Line, generate(t).Line, generate(t).Line), withCIBotKey))
}

func newService() *accounts.Service { return accounts.New(memory.New(), accounts.Config{}) }

// applyToNewService applies f to a fresh in-memory service, failing the test
// if Apply does.
func applyToNewService(t *testing.T, f *seed.File) *accounts.Service {
	t.Helper()
	svc := newService()
	if err := f.Apply(context.Background(), svc); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return svc
}

func generate(t *testing.T) sshkey.PublicKey {
	t.Helper()
	pub, _, err := sshkey.Generate("seed-test")
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func export(t *testing.T, svc *accounts.Service) accounts.State {
	t.Helper()
	st, err := svc.ExportState(context.Background())
	if err != nil {
		t.Fatalf("ExportState: %v", err)
	}
	return st
}

// hexOfPublicKeyFile computes the SDK's key id of a .pub file with x/crypto
// alone, independently of package sshkey.
func hexOfPublicKeyFile(t *testing.T, name string) string {
	t.Helper()
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(readFile(t, name)))
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := pub.(ssh.CryptoPublicKey).CryptoPublicKey().(ed25519.PublicKey)
	if !ok {
		t.Fatalf("%s is not an ed25519 key", name)
	}
	return hex.EncodeToString(raw)
}

// summarize describes a state without its generated ids and times, sorted,
// so two applications of one seed compare equal.
func summarize(st accounts.State) []string {
	workspaceNames := map[string]string{}
	var out []string
	for _, w := range st.Workspaces {
		workspaceNames[w.ID] = w.Name
		out = append(out, fmt.Sprintf("workspace %s %+v", w.Name, w.Quotas))
	}
	owners := map[string]string{}
	for _, m := range st.Members {
		owners[m.ID] = m.Email
		out = append(out, fmt.Sprintf("member %s in %s as %s", m.Email, workspaceNames[m.WorkspaceID], m.Role))
	}
	for _, sa := range st.ServiceAccounts {
		owners[sa.ID] = sa.Name
		out = append(out, fmt.Sprintf("service account %s in %s as %s", sa.Name, workspaceNames[sa.WorkspaceID], sa.Role))
	}
	for _, k := range st.Keys {
		out = append(out, fmt.Sprintf("key %s %q of %s", k.PublicKeyHex, k.Title, owners[k.Owner.ID]))
	}
	out = append(out, fmt.Sprintf("%d tokens", len(st.Tokens)))
	slices.Sort(out)
	return out
}

// lineNumber is the 1-based line of text on which substr first occurs.
func lineNumber(t *testing.T, text, substr string) int {
	t.Helper()
	i := strings.Index(text, substr)
	if i < 0 {
		t.Fatalf("%q not in the test's YAML", substr)
	}
	return strings.Count(text[:i], "\n") + 1
}

func indent(text, prefix string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n") + "\n"
}

// wantNothingLeft fails the test unless st holds no workspace, member, key
// or token; who names what should have left nothing.
func wantNothingLeft(t *testing.T, st accounts.State, who string) {
	t.Helper()
	if len(st.Workspaces)+len(st.Members)+len(st.Keys)+len(st.Tokens) != 0 {
		t.Errorf("%s left %d workspaces, %d members, %d keys, %d tokens",
			who, len(st.Workspaces), len(st.Members), len(st.Keys), len(st.Tokens))
	}
}

func wantCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	var coded *errs.Error
	if !errors.As(err, &coded) {
		t.Fatalf("error %v is not an *errs.Error (want %s)", err, code)
	}
	if coded.Code != code {
		t.Errorf("code = %s, want %s (%v)", coded.Code, code, err)
	}
}

func wantEntry(t *testing.T, err error, entry string) {
	t.Helper()
	var se *seed.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *seed.Error", err, err)
	}
	if se.Entry != entry {
		t.Errorf("Error.Entry = %q, want %q", se.Entry, entry)
	}
}

func wantLine(t *testing.T, err error, path string, line int) {
	t.Helper()
	var se *seed.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *seed.Error", err, err)
	}
	if se.Line != line {
		t.Errorf("Error.Line = %d, want %d", se.Line, line)
	}
	if want := fmt.Sprintf("%s:%d: ", path, line); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}
