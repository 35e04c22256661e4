package sshkey

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestParsePrivateKeyKeygenKeys(t *testing.T) {
	for _, name := range []string{"ed25519", "ed25519_comment"} {
		t.Run(name, func(t *testing.T) {
			priv, pub, err := ParsePrivateKey([]byte(testdata(t, name)))
			if err != nil {
				t.Fatalf("ParsePrivateKey: %v", err)
			}
			want, err := Parse(testdata(t, name+".pub"))
			if err != nil {
				t.Fatal(err)
			}
			if pub.Line != want.Line || pub.Hex != want.Hex {
				t.Errorf("public half %+v, want %+v", pub, want)
			}
			if fp := readKeygenFingerprint(t, name).fingerprint; pub.Fingerprint != fp {
				t.Errorf("Fingerprint = %q, ssh-keygen printed %q", pub.Fingerprint, fp)
			}
			msg := []byte("message")
			if !ed25519.Verify(want.Key, msg, ed25519.Sign(priv, msg)) {
				t.Error("a signature by the private key does not verify with the .pub key")
			}
		})
	}
}

func TestParsePrivateKeyGolden(t *testing.T) {
	for name, input := range map[string]string{
		"as published": goldenPrivateKeyPM,
		"CRLF":         strings.ReplaceAll(goldenPrivateKeyPM, "\n", "\r\n"),
		"indented":     "\n\n  " + goldenPrivateKeyPM + "\n\n",
	} {
		t.Run(name, func(t *testing.T) {
			priv, pub, err := ParsePrivateKey([]byte(input))
			if err != nil {
				t.Fatal(err)
			}
			if pub.Hex != goldenPublicHex || pub.Line != goldenPublicLine {
				t.Errorf("public half = %+v, want %s / %s", pub, goldenPublicHex, goldenPublicLine)
			}
			if got := hex.EncodeToString(priv.Seed()); got != goldenSeedHex {
				t.Errorf("seed = %s, want %s", got, goldenSeedHex)
			}
			fromLine, err := Parse(goldenPublicLine)
			if err != nil {
				t.Fatal(err)
			}
			if !pub.Equal(fromLine) || pub.Fingerprint != fromLine.Fingerprint {
				t.Errorf("ParsePrivateKey gives %+v, Parse gives %+v", pub, fromLine)
			}
		})
	}
}

// tamperedGolden returns the golden key file with the n-th (0-based) copy of
// the public key bytes replaced by another key's. An OpenSSH Ed25519 file
// holds them three times: the envelope's public key, the private section's
// public key, and the second half of the 64-byte private key.
func tamperedGolden(t *testing.T, n int) []byte {
	t.Helper()
	block, _ := pem.Decode([]byte(goldenPrivateKeyPM))
	pubBytes, _ := hex.DecodeString(goldenPublicHex)
	otherPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Clone(block.Bytes)
	offset := 0
	for i := 0; ; i++ {
		j := bytes.Index(data[offset:], pubBytes)
		if j < 0 {
			t.Fatalf("copy %d of the public key not found", n)
		}
		if i == n {
			copy(data[offset+j:], otherPub)
			break
		}
		offset += j + len(pubBytes)
	}
	return pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: data})
}

func TestParsePrivateKeyErrors(t *testing.T) {
	golden := strings.TrimSpace(goldenPrivateKeyPM)
	goldenLines := strings.Split(golden, "\n")

	const (
		mentionsOpenSSH = "-----BEGIN OPENSSH PRIVATE KEY-----"
		mentionsSDK     = "Encord SDK signs requests with Ed25519"
	)
	tests := []struct {
		name    string
		input   string
		kind    Kind
		keyType string
		message []string
	}{
		{"empty", "", KindEmpty, "", []string{mentionsOpenSSH}},
		{"white space", "\r\n \n", KindEmpty, "", nil},

		{"passphrase (ssh-keygen)", testdata(t, "ed25519_passphrase"), KindPassphraseProtected, "",
			[]string{"passphrase", "Encord SDK cannot use passphrase-protected keys", `ssh-keygen -p -N "" -f FILE`}},

		{"rsa openssh", testdata(t, "rsa"), KindUnsupportedType, "ssh-rsa", []string{"ssh-rsa", mentionsSDK}},
		{"ecdsa openssh", testdata(t, "ecdsa"), KindUnsupportedType, "ecdsa-sha2-nistp256", []string{"ecdsa-sha2-nistp256", "private key"}},
		{"dsa openssh", testdata(t, "dsa"), KindUnsupportedType, "ssh-dss", []string{"ssh-dss"}},
		{"encrypted ecdsa is reported by type", testdata(t, "ecdsa384_passphrase"), KindUnsupportedType, "ecdsa-sha2-nistp384", nil},
		{"rsa PEM (PKCS#1)", testdata(t, "rsa_pem"), KindUnsupportedType, "ssh-rsa", []string{"ssh-rsa"}},
		{"ecdsa PEM (SEC 1)", testdata(t, "ecdsa_pem"), KindUnsupportedType, "ecdsa-sha2-nistp256", nil},

		{"rsa pkcs8", testdata(t, "rsa_pkcs8"), KindUnsupportedType, "ssh-rsa", nil},
		{"ecdsa P-521 pkcs8", testdata(t, "ecdsa521_pkcs8"), KindUnsupportedType, "ecdsa-sha2-nistp521", nil},
		{"ed25519 pkcs8", testdata(t, "ed25519_pkcs8"), KindUnsupportedFormat, "", []string{"PKCS#8", "OpenSSH format"}},
		{"ed448 pkcs8", testdata(t, "ed448_pkcs8"), KindUnsupportedFormat, "", []string{"PKCS#8"}},
		{"encrypted pkcs8", testdata(t, "ed25519_pkcs8_encrypted"), KindUnsupportedFormat, "", []string{"PKCS#8"}},
		{"putty", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x\n", KindUnsupportedFormat, "", []string{"PuTTY", "Export OpenSSH key"}},

		{"public key line", testdata(t, "ed25519.pub"), KindNotPrivateKey, "", []string{"public key, not a private key", "without .pub"}},
		{"rsa public key line", testdata(t, "rsa.pub"), KindNotPrivateKey, "", []string{"public key, not a private key"}},
		{"pem public key", testdata(t, "ed25519.pkix.pub"), KindNotPrivateKey, "", []string{"public key, not a private key"}},
		{"rfc4716 public key", testdata(t, "ed25519.rfc4716.pub"), KindNotPrivateKey, "", []string{"public key, not a private key"}},
		{"garbage", "hello world", KindNotPrivateKey, "", []string{"not an SSH private key", mentionsOpenSSH}},
		{"certificate PEM", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", KindNotPrivateKey, "", nil},
		{"base64 body without armor", strings.Join(goldenLines[1:len(goldenLines)-1], "\n"), KindNotPrivateKey, "", nil},
		{"over the size limit", strings.Repeat("A", MaxPrivateKeyLength+1), KindNotPrivateKey, "", []string{"longer than 64 KiB"}},

		{"truncated", strings.Join(goldenLines[:3], "\n") + "\n" + goldenLines[len(goldenLines)-1], KindMalformed, "", []string{"damaged or incomplete"}},
		{"wrong magic", string(pem.EncodeToMemory(&pem.Block{Type: "OPENSSH PRIVATE KEY", Bytes: []byte("openssh-key-v2\x00")})), KindMalformed, "", nil},
		{"envelope names another key", string(tamperedGolden(t, 0)), KindMalformed, "", nil},
		{"private section names another key", string(tamperedGolden(t, 1)), KindMalformed, "", nil},
		{"private key halves disagree", string(tamperedGolden(t, 2)), KindMalformed, "", nil},

		{"two private keys", goldenPrivateKeyPM + testdata(t, "ed25519"), KindMultipleKeys, "", []string{"more than one key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			priv, pub, err := ParsePrivateKey([]byte(tt.input))
			if err == nil {
				t.Fatalf("ParsePrivateKey accepted it: %+v", pub)
			}
			if priv != nil || pub.Key != nil {
				t.Error("ParsePrivateKey returned a key with its error")
			}
			e := checkError(t, err, tt.kind, tt.message...)
			if e.KeyType != tt.keyType {
				t.Errorf("KeyType = %q, want %q", e.KeyType, tt.keyType)
			}
			for _, f := range strings.Fields(tt.input) {
				if len(f) >= 16 && f != e.KeyType && !strings.HasPrefix(f, "-----") && strings.Contains(err.Error(), f) {
					t.Errorf("message %q repeats input %q", err, f)
				}
			}
		})
	}
}

// The passphrase error keeps x/crypto's error for logs.
func TestParsePrivateKeyPassphraseCauseIsReachable(t *testing.T) {
	_, _, err := ParsePrivateKey([]byte(testdata(t, "ed25519_passphrase")))
	checkError(t, err, KindPassphraseProtected)
	var missing *ssh.PassphraseMissingError
	if !errors.As(err, &missing) {
		t.Errorf("error %q does not wrap *ssh.PassphraseMissingError", err)
	}
}

func TestGenerate(t *testing.T) {
	pub, pemBytes, err := Generate("generated@example")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pemBytes, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\n")) ||
		!bytes.HasSuffix(pemBytes, []byte("-----END OPENSSH PRIVATE KEY-----\n")) {
		t.Errorf("private key is not an OpenSSH PEM file:\n%s", pemBytes)
	}
	if pub.Comment != "generated@example" {
		t.Errorf("Comment = %q", pub.Comment)
	}
	if strings.Contains(pub.Line, "generated@example") {
		t.Errorf("Line %q contains the comment", pub.Line)
	}

	priv, parsedPub, err := ParsePrivateKey(pemBytes)
	if err != nil {
		t.Fatalf("ParsePrivateKey(Generate()): %v", err)
	}
	if parsedPub.Line != pub.Line || parsedPub.Hex != pub.Hex || parsedPub.Fingerprint != pub.Fingerprint {
		t.Errorf("parsed back %+v, generated %+v", parsedPub, pub)
	}
	reparsed, err := Parse(pub.Line)
	if err != nil || reparsed.Hex != pub.Hex {
		t.Errorf("Parse(Line) = %+v, %v", reparsed, err)
	}
	msg := []byte("body")
	if !ed25519.Verify(pub.Key, msg, ed25519.Sign(priv, msg)) {
		t.Error("signature by the generated private key does not verify")
	}

	other, _, err := Generate("")
	if err != nil {
		t.Fatal(err)
	}
	if other.Hex == pub.Hex {
		t.Error("two generated keys are equal")
	}
	if other.Comment != "" {
		t.Errorf("Comment = %q, want empty", other.Comment)
	}
}

// TestGenerateAcceptedBySSHKeygen: OpenSSH itself reads the generated private
// key, derives the same public line and prints the same fingerprint.
func TestGenerateAcceptedBySSHKeygen(t *testing.T) {
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("ssh-keygen not on PATH")
	}
	pub, pemBytes, err := Generate("made by sshkey.Generate")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "id_ed25519")
	// ssh-keygen refuses private key files others can read.
	if err := os.WriteFile(file, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}

	out, err := exec.Command(keygen, "-y", "-f", file).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen -y: %v\n%s", err, out)
	}
	derived, err := Parse(string(out))
	if err != nil {
		t.Fatalf("Parse(ssh-keygen -y output %q): %v", out, err)
	}
	if derived.Line != pub.Line {
		t.Errorf("ssh-keygen -y derived %q, Generate returned %q", derived.Line, pub.Line)
	}
	// OpenSSH 9.x prints the comment stored in the private key after the key.
	if derived.Comment != "" && derived.Comment != pub.Comment {
		t.Errorf("ssh-keygen -y comment %q, want %q", derived.Comment, pub.Comment)
	}

	out, err = exec.Command(keygen, "-l", "-f", file).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen -l: %v\n%s", err, out)
	}
	if fields := strings.Fields(string(out)); len(fields) < 2 || fields[1] != pub.Fingerprint {
		t.Errorf("ssh-keygen -l printed %q, Fingerprint = %q", out, pub.Fingerprint)
	}
}

// TestParsePrivateKeyReadsSSHKeygenOutput makes a fresh key with ssh-keygen,
// so the test does not depend on the files in testdata alone.
func TestParsePrivateKeyReadsSSHKeygenOutput(t *testing.T) {
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("ssh-keygen not on PATH")
	}
	file := filepath.Join(t.TempDir(), "key")
	if out, err := exec.Command(keygen, "-q", "-t", "ed25519", "-N", "", "-C", "fresh", "-f", file).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	privFile, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pubFile, err := os.ReadFile(file + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	_, fromPriv, err := ParsePrivateKey(privFile)
	if err != nil {
		t.Fatal(err)
	}
	fromPub, err := Parse(string(pubFile))
	if err != nil {
		t.Fatal(err)
	}
	if fromPriv.Line != fromPub.Line || fromPriv.Hex != fromPub.Hex || fromPub.Comment != "fresh" {
		t.Errorf("private key gives %+v, .pub gives %+v", fromPriv, fromPub)
	}
}
