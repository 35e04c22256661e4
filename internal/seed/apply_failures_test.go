package seed_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/seed"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
)

// A seed that breaks a rule, or a store that fails, while it is applied:
// the error names the file, line, entry and rule, and nothing is left
// behind.

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
