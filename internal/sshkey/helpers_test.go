package sshkey

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The key of the Encord SDK golden vectors
// (internal/golden/testdata/encord-golden-vectors.json, "key"): a test-only
// key made by the SDK's own code, independent of ssh-keygen and of this
// package. TestGoldenConstantsMatchGoldenVectors keeps the two in step.
const (
	goldenSeedHex      = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	goldenPublicHex    = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
	goldenFingerprint  = "SHA256:lbmsoA0yIEcEiVDRnMWuzm+nV+3ZEEpVIURqFoeSspg" // printed by ssh-keygen -lf
	goldenPublicLine   = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"
	goldenPrivateKeyPM = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUx\nOQAAACADoQe/884Qvh1w3RjnS8CZZ+TWMJulDV8d3IZkElUxuAAAAIh8sAetfLAHrQAAAAtzc2gt\nZWQyNTUxOQAAACADoQe/884Qvh1w3RjnS8CZZ+TWMJulDV8d3IZkElUxuAAAAEAAAQIDBAUGBwgJ\nCgsMDQ4PEBESExQVFhcYGRobHB0eHwOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4AAAA\nAAECAwQF\n-----END OPENSSH PRIVATE KEY-----\n"
)

// testdata returns the contents of a file in testdata/.
func testdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// keygenFingerprint is what `ssh-keygen -lf testdata/<name>.pub` printed when
// the key was made: bits, fingerprint, comment, (TYPE).
type keygenFingerprint struct {
	fingerprint string
	comment     string
}

func readKeygenFingerprint(t testing.TB, name string) keygenFingerprint {
	t.Helper()
	line := strings.TrimSpace(testdata(t, name+".fingerprint"))
	fields := strings.Fields(line)
	if len(fields) < 4 || !strings.HasPrefix(fields[1], "SHA256:") {
		t.Fatalf("%s.fingerprint: unexpected ssh-keygen output %q", name, line)
	}
	return keygenFingerprint{
		fingerprint: fields[1],
		comment:     strings.Join(fields[2:len(fields)-1], " "),
	}
}

// checkError asserts that err is an *Error of the wanted kind whose message
// contains every one of wantInMessage.
func checkError(t *testing.T, err error, want Kind, wantInMessage ...string) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", want)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	if e.Kind != want || !errors.Is(err, want) || KindOf(err) != want {
		t.Fatalf("got kind %v (%q), want %v", e.Kind, err, want)
	}
	msg := err.Error()
	for _, s := range wantInMessage {
		if !strings.Contains(msg, s) {
			t.Errorf("message %q does not contain %q", msg, s)
		}
	}
	return e
}
