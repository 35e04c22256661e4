package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode"

	"github.com/encord-emulator/encord-emulator/internal/sshkey"
)

const keygenHelp = `Usage: encord-emulator keygen [-f FILE] [-C COMMENT] [--force]

Makes a new Ed25519 key pair that the Encord SDK can use, as
ssh-keygen -t ed25519 -N "" -f FILE does:

  FILE      the unencrypted OpenSSH private key, mode 0600 (the SDK cannot
            use a passphrase-protected key)
  FILE.pub  the public key line "ssh-ed25519 AAAA... COMMENT", mode 0644

FILE defaults to encord-key in the current directory. Existing files are
never overwritten unless --force is given. The public key line, its SHA256
fingerprint and the SDK key id (the hex of the public key, which the SDK
sends) are printed on stdout. Register the public key with
POST /api/v1/me/keys {"title": "...", "publicKey": "ssh-ed25519 AAAA..."}.

Flags:
`

// Modes of the files keygen writes, those ssh-keygen gives them.
const (
	privateKeyMode fs.FileMode = 0o600
	publicKeyMode  fs.FileMode = 0o644
)

func keygen(_ context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		file, comment string
		force         bool
	)
	f := newEnvFlags("keygen", stderr, keygenHelp)
	f.StringVar(&file, "f", "encord-key", "write the private key to `FILE` and the public key to FILE.pub")
	f.StringVar(&comment, "C", "", "`COMMENT` at the end of the public key line")
	f.BoolVar(&force, "force", false, "replace FILE and FILE.pub if they exist")
	if err := f.parse(args); err != nil {
		return err
	}
	if file == "" {
		return errors.New("-f needs a file name")
	}
	if strings.IndexFunc(comment, unicode.IsControl) >= 0 {
		return errors.New("-C: the comment must be a single line without control characters")
	}

	pub, privatePEM, err := sshkey.Generate(comment)
	if err != nil {
		return err
	}
	publicLine := pub.Line
	if comment != "" {
		publicLine += " " + comment
	}
	if err := writeKeyPair(file, privatePEM, []byte(publicLine+"\n"), force); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote the private key to %s and the public key to %s.pub.\n", file, file)
	fmt.Fprintf(stdout, "public key:  %s\n", publicLine)
	fmt.Fprintf(stdout, "fingerprint: %s\n", pub.Fingerprint)
	fmt.Fprintf(stdout, "key id:      %s\n", pub.Hex)
	return nil
}

// writeKeyPair writes the private key to file and the public key to
// file+".pub". Unless force is set it refuses, before writing anything, when
// either file exists, so that a key pair is never half replaced; with force
// it removes them first (a symbolic link is replaced, not followed). If the
// public key cannot be written, the new private key is removed again.
func writeKeyPair(file string, private, public []byte, force bool) error {
	pubFile := file + ".pub"
	for _, name := range []string{file, pubFile} {
		if force {
			if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			continue
		}
		if _, err := os.Lstat(name); err == nil {
			return fmt.Errorf("%s already exists; not overwriting it (use --force to replace the key pair)", name)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := writeNewFile(file, private, privateKeyMode); err != nil {
		return err
	}
	if err := writeNewFile(pubFile, public, publicKeyMode); err != nil {
		os.Remove(file)
		return err
	}
	return nil
}

// writeNewFile creates name, which must not exist, with exactly the given
// mode whatever the umask, and writes data to it.
func writeNewFile(name string, data []byte, mode fs.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists; not overwriting it (use --force to replace the key pair)", name)
	}
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(mode)
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
