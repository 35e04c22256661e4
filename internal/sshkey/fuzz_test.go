package sshkey

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// addTestdataSeeds adds every file in testdata/ and the golden key to the
// seed corpus, with a few variations of the public key lines.
func addTestdataSeeds(f *testing.F) {
	f.Helper()
	f.Add(goldenPublicLine)
	f.Add(goldenPrivateKeyPM)
	f.Add("")
	f.Add("ssh-ed25519 AAAA")
	f.Add(`command="a b",no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4 c`)
	f.Add(goldenPublicLine + " " + goldenPublicLine)
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if info, err := os.Stat(name); err == nil && info.IsDir() {
			continue // testdata/fuzz, the committed fuzz corpus
		}
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		s := string(b)
		f.Add(s)
		if strings.HasSuffix(name, ".pub") {
			f.Add(strings.ReplaceAll(s, "\n", "\r\n"))
			f.Add(s + s)
			f.Add(strings.Join(strings.Fields(s)[:2], " "))
		}
	}
}

// checkRejection: every error is an *Error of a known kind with a message.
func checkRejection(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	if strings.HasPrefix(e.Kind.String(), "sshkey.Kind(") {
		t.Fatalf("error %q has unknown kind %d", err, e.Kind)
	}
	if e.Error() == "" || !utf8.ValidString(e.Error()) {
		t.Fatalf("bad message %q", e.Error())
	}
	if e.KeyType != "" && (e.Kind != KindUnsupportedType || !isKeyTypeName(e.KeyType)) {
		t.Fatalf("KeyType %q on a %v error", e.KeyType, e.Kind)
	}
}

// checkAccepted: an accepted key is self-consistent and round-trips.
func checkAccepted(t *testing.T, pk PublicKey) {
	t.Helper()
	if len(pk.Key) != ed25519.PublicKeySize || hex.EncodeToString(pk.Key) != pk.Hex {
		t.Fatalf("Key %x and Hex %q disagree", []byte(pk.Key), pk.Hex)
	}
	if !strings.HasPrefix(pk.Line, "ssh-ed25519 AAAA") || strings.ContainsAny(pk.Line, "\t\r\n") || strings.Count(pk.Line, " ") != 1 {
		t.Fatalf("Line %q is not canonical", pk.Line)
	}
	again, err := Parse(pk.Line)
	if err != nil {
		t.Fatalf("Parse(%q) of an accepted key's Line: %v", pk.Line, err)
	}
	if again.Hex != pk.Hex || again.Line != pk.Line || again.Fingerprint != pk.Fingerprint {
		t.Fatalf("round trip changed the key: %+v then %+v", pk, again)
	}
	fromHex, err := FromHex(pk.Hex)
	if err != nil || fromHex.Line != pk.Line {
		t.Fatalf("FromHex(%q) = %+v, %v; want Line %q", pk.Hex, fromHex, err, pk.Line)
	}
}

func FuzzParse(f *testing.F) {
	addTestdataSeeds(f)
	f.Fuzz(func(t *testing.T, input string) {
		pk, err := Parse(input)
		if err != nil {
			checkRejection(t, err)
			return
		}
		checkAccepted(t, pk)
	})
}

func FuzzParsePrivateKey(f *testing.F) {
	addTestdataSeeds(f)
	f.Fuzz(func(t *testing.T, input string) {
		priv, pub, err := ParsePrivateKey([]byte(input))
		if err != nil {
			checkRejection(t, err)
			return
		}
		if len(priv) != ed25519.PrivateKeySize || !ed25519.NewKeyFromSeed(priv.Seed()).Equal(priv) {
			t.Fatal("accepted an inconsistent private key")
		}
		if !pub.Key.Equal(priv.Public()) {
			t.Fatalf("public half %s is not the private key's", pub.Hex)
		}
		checkAccepted(t, pub)
	})
}
