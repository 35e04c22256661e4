// Package seed reads the YAML seed file given with --seed and applies it
// through package accounts, so that every entry obeys the same rules as a
// request to the management plane: quotas, one owner per public key, one
// workspace per email, ed25519 keys only, valid roles. A seed that breaks a
// rule fails with an *Error naming the entry and its line.
//
// # Format
//
//	workspaces:                          # one or more
//	  - name: Acme                       # required
//	    quotas:                          # optional; omitted fields keep the defaults
//	      serviceAccounts: 2             #   (1 service account, 5 keys each,
//	      keysPerServiceAccount: 5       #    100 keys per user)
//	      keysPerUser: 100
//	    admin:                           # required: the workspace's first admin
//	      email: admin@acme.test
//	      name: Ada Admin
//	      keys: [{title: laptop, publicKey: "ssh-ed25519 AAAA..."}]
//	    members:                         # optional
//	      - email: bob@acme.test
//	        name: Bob
//	        role: member                 # admin or member (default member)
//	        keys: [...]
//	    serviceAccounts:                 # optional; count against quotas.serviceAccounts
//	      - name: ci-bot
//	        description: CI pipeline     # optional
//	        role: admin                  # admin or member (default member)
//	        keys:
//	          - title: ci
//	            privateKeyFile: keys/ci-bot
//	faults:                              # optional: fault rules (docs/faults.md)
//	  - id: slow-projects                # optional (default seed-1, seed-2, ...)
//	    match: {path: /v2/public/projects}
//	    action: {status: 429, retryAfter: 2}
//	    fire: {times: 3}
//
// A key gives exactly one of publicKey, a single "ssh-ed25519 AAAA..." line
// as in a .pub file, or privateKeyFile, the path of an unencrypted OpenSSH
// Ed25519 private key file, relative to the seed file's directory, whose
// public half is registered (the private key itself is never stored). Key
// files are read by Load, so a missing or passphrase-protected file fails at
// startup, and a reset replays the seed without reading them again.
//
// Fields are decoded strictly: an unknown field (a typo) is an error that
// gives its line.
//
// # Applying
//
// Load parses and checks the file without touching a store: structure,
// required fields, roles, lengths, keys, and fault rules (faults.Validate).
// ApplyFaults creates the fault rules; Apply then creates the
// entries in file order through accounts.Service, each workspace acting
// as its admin, and each member's own keys acting as that member
// (accounts.ActingAs: no session is opened). The rules that depend on the store (quotas, duplicate public
// keys, an email that is already a member elsewhere) are decided there.
//
// Apply is all-or-nothing as far as the store allows: every accounts call
// is its own transaction, so when an entry fails, Apply deletes the
// workspaces it created during this run (which frees their emails and
// public keys) before returning the entry's error. Only if that undo fails
// too, for example because the store went away, can workspaces of a failed
// run remain; the returned error then names them. The session
// CreateWorkspace opens for each admin is ended at once.
//
// Apply does not look for entries a previous run created: it expects a
// store without the seed's emails and keys. At startup the caller applies
// the seed to a fresh store (or checks that the store is empty first, with
// a persistent one); POST /_emulator/reset calls accounts.Service.Reset and
// then Apply, so a seed that applied once applies again after every reset.
package seed

import (
	"errors"
	"fmt"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// File is a loaded seed file. It is read-only once Load returns it, so
// Apply may be called any number of times, also concurrently.
type File struct {
	Workspaces []Workspace `yaml:"workspaces"`
	// Faults are fault rules, applied by ApplyFaults (faults.go).
	Faults []FaultRule `yaml:"faults"`

	path string // as given to Load, for messages and relative key paths
}

// Workspace is a workspace with its first admin, members and service
// accounts.
type Workspace struct {
	Name            string               `yaml:"name"`
	Quotas          accounts.QuotasPatch `yaml:"quotas"`
	Admin           Admin                `yaml:"admin"`
	Members         []Member             `yaml:"members"`
	ServiceAccounts []ServiceAccount     `yaml:"serviceAccounts"`

	line int
}

// Admin is the first admin of a workspace, created with it.
type Admin struct {
	Email string `yaml:"email"`
	Name  string `yaml:"name"`
	Keys  []Key  `yaml:"keys"`

	line int
}

// Member is a member added by the workspace's admin.
type Member struct {
	Email string     `yaml:"email"`
	Name  string     `yaml:"name"`
	Role  store.Role `yaml:"role"`
	Keys  []Key      `yaml:"keys"`

	line int
}

// ServiceAccount is a service account created by the workspace's admin.
// Service accounts are created with role member; a Role of admin is then
// granted as an admin would grant it.
type ServiceAccount struct {
	Name        string     `yaml:"name"`
	Description string     `yaml:"description"`
	Role        store.Role `yaml:"role"`
	Keys        []Key      `yaml:"keys"`

	line int
}

// Key is a public key to register: given inline as PublicKey, or derived
// from the private key file PrivateKeyFile when the File is loaded.
type Key struct {
	Title          string `yaml:"title"`
	PublicKey      string `yaml:"publicKey"`
	PrivateKeyFile string `yaml:"privateKeyFile"`

	line    int
	derived string // public line of PrivateKeyFile, set by Load
}

// publicLine returns the public key line to upload.
func (k *Key) publicLine() (string, error) {
	switch {
	case k.PublicKey != "" && k.PrivateKeyFile != "":
		return "", errors.New("give either publicKey or privateKeyFile, not both")
	case k.PublicKey != "":
		return k.PublicKey, nil
	case k.PrivateKeyFile == "":
		return "", errors.New(`a key needs publicKey (an "ssh-ed25519 AAAA..." line) or privateKeyFile (an OpenSSH private key file)`)
	case k.derived == "":
		return "", fmt.Errorf("privateKeyFile %s was not read: a File must come from seed.Load", k.PrivateKeyFile)
	}
	return k.derived, nil
}

// input is the request that registers k.
func (k *Key) input() (accounts.AddKeyInput, error) {
	line, err := k.publicLine()
	if err != nil {
		return accounts.AddKeyInput{}, err
	}
	return accounts.AddKeyInput{Title: k.Title, PublicKey: &line}, nil
}
