package sshkey

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/encord-emulator/encord-emulator/internal/golden"
)

// TestParseKeygenKeys checks Parse against keys and fingerprints that
// ssh-keygen made and printed.
func TestParseKeygenKeys(t *testing.T) {
	for _, name := range []string{"ed25519", "ed25519_comment", "ed25519_passphrase"} {
		t.Run(name, func(t *testing.T) {
			pubFile := testdata(t, name+".pub")
			want := readKeygenFingerprint(t, name)

			pk, err := Parse(pubFile)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			fields := strings.Fields(pubFile)
			if wantLine := fields[0] + " " + fields[1]; pk.Line != wantLine {
				t.Errorf("Line = %q, want %q", pk.Line, wantLine)
			}
			if pk.Fingerprint != want.fingerprint {
				t.Errorf("Fingerprint = %q, ssh-keygen -lf printed %q", pk.Fingerprint, want.fingerprint)
			}
			if pk.Comment != want.comment {
				t.Errorf("Comment = %q, ssh-keygen -lf printed %q", pk.Comment, want.comment)
			}
			// The key id is the last 32 bytes of the wire-format blob
			// (string "ssh-ed25519", string key).
			blob, err := base64.StdEncoding.DecodeString(fields[1])
			if err != nil {
				t.Fatal(err)
			}
			if wantHex := hex.EncodeToString(blob[len(blob)-32:]); pk.Hex != wantHex {
				t.Errorf("Hex = %q, want %q", pk.Hex, wantHex)
			}
			if hex.EncodeToString(pk.Key) != pk.Hex {
				t.Errorf("Key %x does not match Hex %s", []byte(pk.Key), pk.Hex)
			}
			if pk.String() != pk.Line {
				t.Errorf("String() = %q, want Line", pk.String())
			}
		})
	}
}

func TestParseGoldenKey(t *testing.T) {
	pk, err := Parse(goldenPublicLine)
	if err != nil {
		t.Fatal(err)
	}
	if pk.Hex != goldenPublicHex {
		t.Errorf("Hex = %s, want %s", pk.Hex, goldenPublicHex)
	}
	if pk.Line != goldenPublicLine {
		t.Errorf("Line = %q, want %q", pk.Line, goldenPublicLine)
	}
	if pk.Fingerprint != goldenFingerprint {
		t.Errorf("Fingerprint = %q, ssh-keygen printed %q", pk.Fingerprint, goldenFingerprint)
	}
	seed, _ := hex.DecodeString(goldenSeedHex)
	if !pk.Key.Equal(ed25519.NewKeyFromSeed(seed).Public()) {
		t.Error("Key is not the public key of the golden seed")
	}
}

// TestGoldenConstantsMatchGoldenVectors guards the constants above against
// drift from the repository's golden vectors (package golden).
func TestGoldenConstantsMatchGoldenVectors(t *testing.T) {
	key := golden.MustLoad(t).Key
	for _, c := range []struct{ name, got, want string }{
		{"seed", goldenSeedHex, key.SeedHex},
		{"public key hex", goldenPublicHex, key.PublicKeyHex},
		{"public key line", goldenPublicLine, key.PublicKeyOpenSSH},
		{"private key", goldenPrivateKeyPM, key.PrivateKeyOpenSSH},
	} {
		if c.got != c.want {
			t.Errorf("golden %s constant = %q, the golden vectors hold %q", c.name, c.got, c.want)
		}
	}
}

// TestParseTolerance: what a paste into a form field may add around the key
// does not change it.
func TestParseTolerance(t *testing.T) {
	line := strings.TrimSpace(testdata(t, "ed25519.pub")) // "ssh-ed25519 AAAA... test@example"
	keyOnly := strings.Join(strings.Fields(line)[:2], " ")
	want, err := Parse(line)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, input, comment string
	}{
		{"as written by ssh-keygen", testdata(t, "ed25519.pub"), "test@example"},
		{"no comment", keyOnly, ""},
		{"CRLF", line + "\r\n", "test@example"},
		{"UTF-8 byte order mark", "\uFEFF" + line + "\r\n", "test@example"},
		{"CR only", line + "\r", "test@example"},
		{"leading and trailing blank lines", "\r\n\n  " + line + "  \n\r\n", "test@example"},
		{"tabs", "\t" + strings.Replace(keyOnly, " ", "\t", 1) + "\tsome comment\t", "some comment"},
		{"comment with spaces", keyOnly + " my laptop (work)  key", "my laptop (work)  key"},
		{"several spaces before comment", keyOnly + "     c", "c"},
		{"comment naming a key type", keyOnly + " ssh-rsa is not used here", "ssh-rsa is not used here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.input)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.input, err)
			}
			if got.Hex != want.Hex || got.Line != want.Line || got.Fingerprint != want.Fingerprint {
				t.Errorf("Parse(%q) = %+v, want key %+v", tt.input, got, want)
			}
			if !got.Equal(want) {
				t.Error("Equal reports different keys")
			}
			if got.Comment != tt.comment {
				t.Errorf("Comment = %q, want %q", got.Comment, tt.comment)
			}
		})
	}
}

// skKeyLine builds an sk-ssh-ed25519@openssh.com line (a FIDO key, which
// cannot be made here without a token): string type, string key, string
// application.
func skKeyLine(t *testing.T) string {
	t.Helper()
	blob := ssh.Marshal(struct {
		Type        string
		Key         []byte
		Application string
	}{ssh.KeyAlgoSKED25519, make([]byte, ed25519.PublicKeySize), "ssh:"})
	if _, err := ssh.ParsePublicKey(blob); err != nil {
		t.Fatalf("test sk key does not parse: %v", err)
	}
	return ssh.KeyAlgoSKED25519 + " " + base64.StdEncoding.EncodeToString(blob) + " fido@example"
}

func TestParseErrors(t *testing.T) {
	ed := strings.TrimSpace(testdata(t, "ed25519.pub"))
	edFields := strings.Fields(ed)
	edKeyOnly := edFields[0] + " " + edFields[1]
	other := strings.TrimSpace(testdata(t, "ed25519_comment.pub"))
	rsaPub := strings.TrimSpace(testdata(t, "rsa.pub"))
	rsaBlob := strings.Fields(rsaPub)[1]

	const (
		mentionsPub      = ".pub"
		mentionsEd25519  = "ssh-ed25519"
		mentionsPrivate  = "PRIVATE key"
		mentionsNoShare  = "never be shared"
		mentionsSDK      = "Encord SDK signs requests with Ed25519"
		mentionsOneAtATi = "one key at a time"
	)
	privateKey := []string{mentionsPrivate, mentionsNoShare, mentionsPub}

	tests := []struct {
		name    string
		input   string
		kind    Kind
		keyType string   // for KindUnsupportedType
		message []string // substrings the message must contain
	}{
		{"empty", "", KindEmpty, "", []string{"No public key", mentionsPub, mentionsEd25519}},
		{"white space only", " \t\r\n \r\n", KindEmpty, "", nil},

		{"garbage", "hello world", KindMalformed, "", []string{"not an SSH public key", mentionsPub}},
		{"one word", "hello", KindMalformed, "", []string{"not an SSH public key"}},
		{"binary", "\x00\x01\x02\xff\xfe", KindMalformed, "", nil},
		{"truncated base64", edKeyOnly[:len(edKeyOnly)-10], KindMalformed, "", []string{"damaged or incomplete"}},
		{"truncated to the type", "ssh-ed25519 AAAA", KindMalformed, "", []string{"damaged or incomplete"}},
		{"type only", "ssh-ed25519", KindMalformed, "", nil},
		{"garbled base64", strings.Replace(edKeyOnly, "AAAAC3", "AAAA!3", 1), KindMalformed, "", []string{"damaged or incomplete"}},
		{"flipped byte in blob", edKeyOnly[:20] + "B" + edKeyOnly[21:], KindMalformed, "", nil},
		{"type field missing", edFields[1], KindMalformed, "", []string{"type is missing"}},
		{"declared type does not match blob", "ssh-ed25519 " + rsaBlob, KindMalformed, "", nil},
		{"key split over two lines", edKeyOnly[:40] + "\n" + edKeyOnly[40:], KindMalformed, "", []string{"single line", "2 lines"}},
		{"key plus a garbage line", ed + "\nhello", KindMalformed, "", []string{"single line"}},
		{"comment line before key", "# my key\n" + ed, KindMalformed, "", []string{"single line"}},
		{"over the size limit", strings.Repeat("A", MaxPublicKeyLength+1), KindMalformed, "", []string{"longer than 16 KiB"}},
		{"valid key with a huge comment", edKeyOnly + " " + strings.Repeat("c", MaxPublicKeyLength), KindMalformed, "", []string{"longer than 16 KiB"}},

		{"openssh private key", testdata(t, "ed25519"), KindPrivateKey, "", privateKey},
		{"openssh private key CRLF", strings.ReplaceAll(testdata(t, "ed25519"), "\n", "\r\n"), KindPrivateKey, "", privateKey},
		{"openssh private key body only", strings.Join(strings.Split(strings.TrimSpace(testdata(t, "ed25519")), "\n")[1:3], "\n"), KindPrivateKey, "", privateKey},
		{"openssh private key end line only", "-----END OPENSSH PRIVATE KEY-----", KindPrivateKey, "", privateKey},
		{"passphrase-protected private key", testdata(t, "ed25519_passphrase"), KindPrivateKey, "", privateKey},
		{"rsa private key", testdata(t, "rsa"), KindPrivateKey, "", privateKey},
		{"rsa PEM private key", testdata(t, "rsa_pem"), KindPrivateKey, "", privateKey},
		{"ec PEM private key", testdata(t, "ecdsa_pem"), KindPrivateKey, "", privateKey},
		{"pkcs8 private key", testdata(t, "ed25519_pkcs8"), KindPrivateKey, "", privateKey},
		{"encrypted pkcs8 private key", testdata(t, "ed25519_pkcs8_encrypted"), KindPrivateKey, "", privateKey},
		{"private key pasted after the public key", ed + "\n" + testdata(t, "ed25519"), KindPrivateKey, "", privateKey},
		{"putty private key", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n", KindPrivateKey, "", privateKey},

		{"rsa", rsaPub, KindUnsupportedType, "ssh-rsa", []string{"ssh-rsa", mentionsSDK, "ssh-keygen -t ed25519"}},
		{"ecdsa", testdata(t, "ecdsa.pub"), KindUnsupportedType, "ecdsa-sha2-nistp256", []string{"ecdsa-sha2-nistp256", mentionsSDK}},
		{"dsa (x/crypto cannot parse it)", testdata(t, "dsa.pub"), KindUnsupportedType, "ssh-dss", []string{"ssh-dss", mentionsSDK}},
		{"fido ed25519", skKeyLine(t), KindUnsupportedType, "sk-ssh-ed25519@openssh.com", []string{"sk-ssh-ed25519@openssh.com", mentionsSDK}},
		{"ed25519 certificate", testdata(t, "ed25519-cert.pub"), KindUnsupportedType, "ssh-ed25519-cert-v01@openssh.com", []string{"ssh-ed25519-cert-v01@openssh.com"}},
		{"unknown type", "ssh-ed448 AAAAC3NzaC1lZDQ0OAAAADk=", KindUnsupportedType, "ssh-ed448", []string{"ssh-ed448"}},
		{"truncated rsa", rsaPub[:60], KindUnsupportedType, "ssh-rsa", nil},
		{"rsa with options", `command="true" ` + rsaPub, KindUnsupportedType, "ssh-rsa", nil},

		{"two keys on two lines", ed + "\n" + other, KindMultipleKeys, "", []string{"2 keys", mentionsOneAtATi}},
		{"two keys CRLF with blank line", ed + "\r\n\r\n" + other + "\r\n", KindMultipleKeys, "", []string{mentionsOneAtATi}},
		{"same key twice", ed + "\n" + ed, KindMultipleKeys, "", []string{mentionsOneAtATi}},
		{"ed25519 and rsa", ed + "\n" + rsaPub, KindMultipleKeys, "", []string{mentionsOneAtATi}},
		{"three keys", ed + "\n" + other + "\n" + rsaPub, KindMultipleKeys, "", []string{"3 keys"}},
		{"two keys on one line", edKeyOnly + " " + other, KindMultipleKeys, "", []string{mentionsOneAtATi}},

		{"command option", `command="echo hi" ` + ed, KindOptions, "", []string{"options", mentionsEd25519}},
		{"restrict", "restrict " + ed, KindOptions, "", []string{"options"}},
		{"several options", `from="10.0.0.1",no-pty,no-port-forwarding ` + edKeyOnly, KindOptions, "", []string{"options"}},

		{"rfc4716 public key", testdata(t, "ed25519.rfc4716.pub"), KindUnsupportedFormat, "", []string{"RFC 4716", "ssh-keygen -i -f"}},
		{"pem public key", testdata(t, "ed25519.pkix.pub"), KindUnsupportedFormat, "", []string{"PEM", mentionsEd25519}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pk, err := Parse(tt.input)
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", pk)
			}
			e := checkError(t, err, tt.kind, tt.message...)
			if e.KeyType != tt.keyType {
				t.Errorf("KeyType = %q, want %q", e.KeyType, tt.keyType)
			}
			if pk.Key != nil || pk.Line != "" || pk.Hex != "" || pk.Fingerprint != "" {
				t.Errorf("Parse returned a key with its error: %+v", pk)
			}
			// No message repeats key material from the input.
			for _, f := range strings.Fields(tt.input) {
				if len(f) >= 16 && f != e.KeyType && strings.Contains(err.Error(), f) {
					t.Errorf("message %q repeats input %q", err, f)
				}
			}
		})
	}
}

func TestUnsupportedTypeNameIsNeverArbitraryInput(t *testing.T) {
	for _, typ := range []string{
		"ssh-<script>alert(1)</script>",
		"ssh-" + strings.Repeat("x", 100),
		"ssh-RSA",
	} {
		_, err := Parse(typ + " AAAAB3NzaC1yc2EAAAADAQABAAABAQ")
		if strings.Contains(err.Error(), typ) {
			t.Errorf("message %q repeats %q", err, typ)
		}
		var e *Error
		if errors.As(err, &e) && e.KeyType != "" {
			t.Errorf("KeyType = %q for %q", e.KeyType, typ)
		}
	}
}

func TestFromHexAndFromEd25519(t *testing.T) {
	pk, err := FromHex(goldenPublicHex)
	if err != nil {
		t.Fatal(err)
	}
	if pk.Line != goldenPublicLine || pk.Hex != goldenPublicHex || pk.Comment != "" {
		t.Errorf("FromHex = %+v", pk)
	}
	parsed, err := Parse(goldenPublicLine + " comment")
	if err != nil {
		t.Fatal(err)
	}
	if pk.Fingerprint != parsed.Fingerprint || !pk.Equal(parsed) {
		t.Errorf("FromHex %+v and Parse %+v disagree", pk, parsed)
	}

	upper, err := FromHex(strings.ToUpper(goldenPublicHex))
	if err != nil {
		t.Fatal(err)
	}
	if upper.Hex != goldenPublicHex {
		t.Errorf("Hex of upper-case key id = %q, want lower case", upper.Hex)
	}

	fromRaw, err := FromEd25519(pk.Key)
	if err != nil {
		t.Fatal(err)
	}
	if fromRaw.Line != pk.Line || fromRaw.Hex != pk.Hex || fromRaw.Fingerprint != pk.Fingerprint {
		t.Errorf("FromEd25519 = %+v, want %+v", fromRaw, pk)
	}
	// The result owns its bytes.
	raw := ed25519.PublicKey(append([]byte(nil), pk.Key...))
	owned, _ := FromEd25519(raw)
	raw[0] ^= 0xff
	if owned.Hex != goldenPublicHex || hex.EncodeToString(owned.Key) != goldenPublicHex {
		t.Error("FromEd25519 result changed when the caller's slice did")
	}

	for _, bad := range []string{"", goldenPublicHex[:62], goldenPublicHex + "00", "zz" + goldenPublicHex[2:], " " + goldenPublicHex[1:]} {
		_, err := FromHex(bad)
		checkError(t, err, KindMalformed, "key id")
	}
	for _, n := range []int{0, 31, 33, 64} {
		_, err := FromEd25519(make(ed25519.PublicKey, n))
		checkError(t, err, KindMalformed)
	}
}

func TestKinds(t *testing.T) {
	seen := map[string]Kind{}
	for k := KindEmpty; k <= KindPassphraseProtected; k++ {
		s := k.String()
		if strings.HasPrefix(s, "sshkey.Kind(") {
			t.Errorf("kind %d has no name", k)
		}
		if prev, dup := seen[s]; dup {
			t.Errorf("kinds %d and %d share the name %q", prev, k, s)
		}
		seen[s] = k
		if k.Error() != "sshkey: "+s {
			t.Errorf("Error() = %q", k.Error())
		}
	}
	if got := Kind(200).String(); got != "sshkey.Kind(200)" {
		t.Errorf("unknown kind String() = %q", got)
	}
	if KindOf(errors.New("other")) != 0 || KindOf(nil) != 0 {
		t.Error("KindOf of a foreign error is not 0")
	}
	_, err := Parse("")
	if errors.Is(err, KindMalformed) {
		t.Error("an empty-input error matches KindMalformed")
	}
}
