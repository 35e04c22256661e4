package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/sshkey"
)

func TestKeygen(t *testing.T) {
	file := filepath.Join(t.TempDir(), "id_encord")
	out := mustRunTool(t, "keygen", "-f", file, "-C", "ada@acme.test")

	assertMode(t, file, 0o600)
	assertMode(t, file+".pub", 0o644)

	pubText, err := os.ReadFile(file + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	publicLine := strings.TrimSuffix(string(pubText), "\n")
	pub, err := sshkey.Parse(publicLine)
	if err != nil {
		t.Fatalf("FILE.pub: %v", err)
	}
	if pub.Comment != "ada@acme.test" || publicLine != pub.Line+" ada@acme.test" {
		t.Errorf("FILE.pub = %q, want the key line followed by the comment", pubText)
	}
	privText, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	_, privPub, err := sshkey.ParsePrivateKey(privText)
	if err != nil {
		t.Fatalf("FILE: %v", err)
	}
	if !privPub.Equal(pub) {
		t.Error("FILE.pub is not the public half of FILE")
	}
	for _, want := range []string{"public key:  " + publicLine + "\n", "fingerprint: " + pub.Fingerprint + "\n", "key id:      " + pub.Hex + "\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	sshKeygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("ssh-keygen is not installed; skipping the OpenSSH cross-check")
	}
	derived, err := exec.Command(sshKeygen, "-y", "-f", file).Output()
	if err != nil {
		t.Fatalf("ssh-keygen -y: %v", err)
	}
	// OpenSSH before 8.x prints no comment after the key.
	got := strings.TrimSpace(string(derived))
	if got != publicLine && got != pub.Line {
		t.Errorf("ssh-keygen -y derives %q, FILE.pub holds %q", got, publicLine)
	}
	listed, err := exec.Command(sshKeygen, "-l", "-f", file+".pub").Output()
	if err != nil {
		t.Fatalf("ssh-keygen -l: %v", err)
	}
	if fields := strings.Fields(string(listed)); len(fields) < 2 || fields[1] != pub.Fingerprint {
		t.Errorf("ssh-keygen -l prints %q, keygen printed fingerprint %s", listed, pub.Fingerprint)
	}
}

func assertMode(t *testing.T, name string, want fs.FileMode) {
	t.Helper()
	info, err := os.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode(); got != want {
		t.Errorf("%s has mode %v, want %v", filepath.Base(name), got, want)
	}
}

func TestKeygenRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()

	t.Run("private key exists", func(t *testing.T) {
		file := filepath.Join(dir, "a")
		if err := os.WriteFile(file, []byte("precious"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := runTool(t, "keygen", "-f", file)
		if err == nil || !strings.Contains(err.Error(), "already exists") || !strings.Contains(err.Error(), "--force") {
			t.Fatalf("err = %v, want a refusal that mentions --force", err)
		}
		if b, _ := os.ReadFile(file); string(b) != "precious" {
			t.Errorf("existing file now holds %q", b)
		}
		if _, err := os.Lstat(file + ".pub"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("FILE.pub written although FILE was refused: %v", err)
		}
	})

	t.Run("only the public key exists", func(t *testing.T) {
		file := filepath.Join(dir, "b")
		if err := os.WriteFile(file+".pub", []byte("precious"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := runTool(t, "keygen", "-f", file); err == nil || !strings.Contains(err.Error(), file+".pub") {
			t.Fatalf("err = %v, want a refusal naming FILE.pub", err)
		}
		if _, err := os.Lstat(file); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("FILE written although FILE.pub exists: %v", err)
		}
	})

	t.Run("force replaces the pair and fixes modes", func(t *testing.T) {
		file := filepath.Join(dir, "c")
		mustRunTool(t, "keygen", "-f", file)
		before, _ := os.ReadFile(file + ".pub")
		if err := os.Chmod(file, 0o666); err != nil {
			t.Fatal(err)
		}
		mustRunTool(t, "keygen", "-f", file, "--force")
		after, _ := os.ReadFile(file + ".pub")
		if bytes.Equal(before, after) {
			t.Error("--force kept the old public key")
		}
		assertMode(t, file, 0o600)
		assertMode(t, file+".pub", 0o644)
	})

	t.Run("default file name", func(t *testing.T) {
		t.Chdir(t.TempDir())
		mustRunTool(t, "keygen")
		for _, name := range []string{"encord-key", "encord-key.pub"} {
			if _, err := os.Stat(name); err != nil {
				t.Error(err)
			}
		}
	})

	t.Run("comment with a newline", func(t *testing.T) {
		file := filepath.Join(dir, "d")
		if _, err := runTool(t, "keygen", "-f", file, "-C", "a\nb"); err == nil {
			t.Fatal("a comment with a newline would break the public key line; want an error")
		}
		if _, err := os.Lstat(file); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("FILE written despite the bad comment: %v", err)
		}
	})
}
