package seed

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
)

// FuzzParse feeds arbitrary bytes to the seed parser, as if they were the
// file given with --seed, and applies whatever it accepts to an empty
// store. Neither step may panic; every failure must be an *Error whose
// coded cause, if any, is the caller's fault (4xx), never an internal
// error; a failed Apply must leave the store empty, a successful one must
// have created every workspace.
func FuzzParse(f *testing.F) {
	pub := strings.TrimSpace(mustReadFile(f, "../sshkey/testdata/ed25519.pub"))
	for _, s := range []string{
		"",
		"workspaces: []",
		"workspaces:\n  - name: Acme\n    admin: {email: a@acme.test, name: Ada}\n",
		fmt.Sprintf("workspaces:\n  - name: Acme\n    admin:\n      email: a@acme.test\n      name: Ada\n      keys: [{title: laptop, publicKey: %q}]\n", pub),
		"workspaces:\n  - name: Acme\n    quotas: {serviceAccounts: 1, keysPerServiceAccount: 1}\n    admin: {email: a@acme.test, name: Ada}\n" +
			"    serviceAccounts:\n      - {name: ci, role: admin, keys: [{title: ci, privateKeyFile: ci-bot}]}\n      - {name: second}\n",
		"workspaces:\n  - name: Acme\n    admin: {email: a@acme.test, name: Ada}\n    members:\n      - {email: b@acme.test, name: Bob, role: owner}\n",
		"workspaces:\n  - &w {name: A, admin: {email: a@a.test, name: A}}\n  - *w\n",
		fmt.Sprintf("workspaces:\n  - name: A\n    admin: {email: a@a.test, name: A, keys: [{title: k, publicKey: %q}]}\n  - name: B\n    admin: {email: b@b.test, name: B, keys: [{title: k, publicKey: %q}]}\n", pub, pub),
		"workspaces:\n  - name: A\n    admin: {email: a@a.test, name: A}\n---\nworkspaces: []\n",
		"workspaces:\n  - name: A\n    admin: {email: a@a.test, name: A}\n    colour: red\n",
		"workspaces:\n  - name: A\n    quotas: {serviceAccounts: -1}\n    admin: {email: a@a.test, name: A}\n",
		"workspaces:\n  - {name: A, admin: {email: a@a.test, name: A, keys: [{title: k, privateKeyFile: protected}]}}\n",
		"a: &a [*a]\n",
		"workspaces: !!binary aGVsbG8=\n",
	} {
		f.Add([]byte(s))
	}
	if example, err := os.ReadFile("../../examples/seed.yaml"); err == nil {
		f.Add(example)
	}
	// Private key files resolve against testdata, which holds ci-bot (an
	// Ed25519 key) and protected (one with a passphrase).
	path := filepath.Join("testdata", "fuzz.yaml")

	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := parse(path, data)
		if err != nil {
			checkSeedError(t, "parse", err)
			return
		}
		if len(file.Workspaces) == 0 {
			t.Fatal("parse accepted a seed without workspaces")
		}
		ctx := context.Background()
		svc := accounts.New(memory.New(), accounts.Config{})
		err = file.Apply(ctx, svc)
		st, exportErr := svc.ExportState(ctx)
		if exportErr != nil {
			t.Fatal(exportErr)
		}
		if err != nil {
			checkSeedError(t, "Apply", err)
			if len(st.Workspaces) != 0 {
				t.Fatalf("Apply failed (%v) but left %d workspaces behind", err, len(st.Workspaces))
			}
			return
		}
		if len(st.Workspaces) != len(file.Workspaces) {
			t.Fatalf("Apply succeeded with %d workspaces of %d", len(st.Workspaces), len(file.Workspaces))
		}
	})
}

// checkSeedError requires an *Error with a message, whose coded cause (if
// any) is a 4xx.
func checkSeedError(t *testing.T, step string, err error) {
	t.Helper()
	var seedErr *Error
	if !errors.As(err, &seedErr) {
		t.Fatalf("%s: %T is not a *seed.Error: %v", step, err, err)
	}
	if !strings.HasPrefix(err.Error(), "seed: ") || seedErr.Err == nil {
		t.Fatalf("%s: unexplained error %q", step, err)
	}
	var coded *errs.Error
	if errors.As(err, &coded) && coded.Code.HTTPStatus() >= 500 {
		t.Fatalf("%s: a bad seed is the user's fault, but the error is %s: %v", step, coded.Code, err)
	}
}

func mustReadFile(f *testing.F, name string) string {
	f.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		f.Fatal(err)
	}
	return string(b)
}
