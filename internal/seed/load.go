package seed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/sshkey"
)

// Load reads the seed file at path and checks it without touching a store:
// strict YAML (unknown fields are errors), required fields, roles, lengths,
// and keys. Private key files are read now, relative to the directory of
// path. Every failure is an *Error, except a seed file that cannot be read.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	return parse(path, data)
}

// parse decodes and checks data, the contents of the seed file at path.
func parse(path string, data []byte) (*File, error) {
	whole := entry{file: path}
	f := &File{path: path}

	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	switch err := dec.Decode(f); {
	case errors.Is(err, io.EOF):
		return nil, whole.fail(errors.New("the file is empty; it needs a workspaces: list"))
	case err != nil:
		return nil, whole.fail(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, whole.fail(fmt.Errorf("a seed is one YAML document, but a second one starts at line %d", extra.Line))
	}
	if len(f.Workspaces) == 0 {
		return nil, whole.fail(errors.New("no workspaces: the file needs a workspaces: list with at least one entry"))
	}

	// The strict decode above cannot report where each entry is, and a
	// yaml.Node cannot decode strictly: read the file again as nodes, for
	// the lines only.
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, whole.fail(err)
	}
	f.recordLines(&doc)
	f.recordFaultLines(&doc)

	if err := f.check(whole); err != nil {
		return nil, err
	}
	if err := f.checkFaults(whole); err != nil {
		return nil, err
	}
	return f, nil
}

// check validates every entry with the input rules of package accounts,
// which Apply's calls apply again, and reads private key files.
func (f *File) check(whole entry) error {
	for i := range f.Workspaces {
		w := &f.Workspaces[i]
		at := whole.child("workspaces", i, w.Name, w.line)
		in := accounts.CreateWorkspaceInput{Name: w.Name, Admin: accounts.AdminInput{Email: w.Admin.Email, Name: w.Admin.Name}, Quotas: w.Quotas}
		if err := in.Validate(); err != nil {
			return at.fail(err)
		}
		if err := f.checkKeys(at.named(fmt.Sprintf("admin %q", w.Admin.Email), w.Admin.line), w.Admin.Keys); err != nil {
			return err
		}
		for j := range w.Members {
			m := &w.Members[j]
			at := at.child("members", j, m.Email, m.line)
			in := accounts.AddMemberInput{Email: m.Email, Name: m.Name, Role: m.Role}
			if err := in.Validate(); err != nil {
				return at.fail(err)
			}
			if err := f.checkKeys(at, m.Keys); err != nil {
				return err
			}
		}
		for j := range w.ServiceAccounts {
			sa := &w.ServiceAccounts[j]
			at := at.child("serviceAccounts", j, sa.Name, sa.line)
			in := accounts.CreateServiceAccountInput{Name: sa.Name, Description: sa.Description}
			if err := in.Validate(); err != nil {
				return at.fail(err)
			}
			if sa.Role != "" {
				role := sa.Role
				if err := (&accounts.UpdateServiceAccountInput{Role: &role}).Validate(); err != nil {
					return at.fail(err)
				}
			}
			if err := f.checkKeys(at, sa.Keys); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkKeys checks the keys of one owner and derives the public half of
// each private key file.
func (f *File) checkKeys(owner entry, keys []Key) error {
	for i := range keys {
		k := &keys[i]
		at := owner.child("keys", i, k.Title, k.line)
		if k.PrivateKeyFile != "" && k.PublicKey == "" {
			line, err := f.readPrivateKeyFile(k.PrivateKeyFile)
			if err != nil {
				return at.fail(err)
			}
			k.derived = line
		}
		in, err := k.input()
		if err != nil {
			return at.fail(err)
		}
		if err := in.Validate(); err != nil {
			return at.fail(err)
		}
		if _, err := sshkey.Parse(*in.PublicKey); err != nil {
			return at.fail(fmt.Errorf("publicKey: %w", err))
		}
	}
	return nil
}

// readPrivateKeyFile returns the public key line of the private key file
// name, which is relative to the seed file's directory unless absolute.
func (f *File) readPrivateKeyFile(name string) (string, error) {
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(f.path), path)
	}
	file, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("privateKeyFile: %w", err)
	}
	defer file.Close()
	// One byte over the limit is enough for ParsePrivateKey to refuse the
	// file as too long, without reading all of it.
	pem, err := io.ReadAll(io.LimitReader(file, sshkey.MaxPrivateKeyLength+1))
	if err != nil {
		return "", fmt.Errorf("privateKeyFile: %w", err)
	}
	_, pub, err := sshkey.ParsePrivateKey(pem)
	if err != nil {
		return "", fmt.Errorf("privateKeyFile %s: %w", path, err)
	}
	return pub.Line, nil
}

// recordLines sets the line of every entry from the node tree of the same
// document. Entries whose node cannot be found keep line 0.
func (f *File) recordLines(doc *yaml.Node) {
	workspaces := field(doc, "workspaces")
	for i := range f.Workspaces {
		w := &f.Workspaces[i]
		wn := item(workspaces, i)
		w.line = lineOf(wn)
		admin := field(wn, "admin")
		w.Admin.line = lineOf(admin)
		recordKeyLines(admin, w.Admin.Keys)
		members := field(wn, "members")
		for j := range w.Members {
			mn := item(members, j)
			w.Members[j].line = lineOf(mn)
			recordKeyLines(mn, w.Members[j].Keys)
		}
		sas := field(wn, "serviceAccounts")
		for j := range w.ServiceAccounts {
			sn := item(sas, j)
			w.ServiceAccounts[j].line = lineOf(sn)
			recordKeyLines(sn, w.ServiceAccounts[j].Keys)
		}
	}
}

func (f *File) recordFaultLines(doc *yaml.Node) {
	list := field(doc, "faults")
	for i := range f.Faults {
		f.Faults[i].line = lineOf(item(list, i))
	}
}

func recordKeyLines(owner *yaml.Node, keys []Key) {
	list := field(owner, "keys")
	for i := range keys {
		keys[i].line = lineOf(item(list, i))
	}
}

// resolve follows a document to its content and an alias to its anchor.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil {
		switch {
		case n.Kind == yaml.DocumentNode && len(n.Content) == 1:
			n = n.Content[0]
		case n.Kind == yaml.AliasNode:
			n = n.Alias
		default:
			return n
		}
	}
	return nil
}

// field returns the value of key in the mapping n, or nil.
func field(n *yaml.Node, key string) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolve(n.Content[i+1])
		}
	}
	return nil
}

// item returns the i-th element of the sequence n, or nil.
func item(n *yaml.Node, i int) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode || i >= len(n.Content) {
		return nil
	}
	return resolve(n.Content[i])
}

func lineOf(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}
