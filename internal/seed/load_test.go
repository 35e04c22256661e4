package seed_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/seed"
	"github.com/encord-emulator/encord-emulator/internal/sshkey"
)

// Reading a seed file: broken files are refused naming the entry at fault,
// and private key files are read once.

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
