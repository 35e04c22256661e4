package seed_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/seed"
	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
)

// The helpers of the tests of package seed: seed files written for a test,
// services to apply them to, and the checks of their errors.

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
