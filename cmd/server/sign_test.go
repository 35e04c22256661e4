package main

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/auth"
	"github.com/encord-emulator/encord-emulator/internal/golden"
	"github.com/encord-emulator/encord-emulator/internal/sshkey"
)

// loadGoldenVectors returns the SDK's golden vectors and the path of a file
// holding their private key.
func loadGoldenVectors(t *testing.T) (golden.File, string) {
	t.Helper()
	g := golden.MustLoad(t)
	keyFile := filepath.Join(t.TempDir(), "golden-key")
	if err := os.WriteFile(keyFile, []byte(g.Key.PrivateKeyOpenSSH), 0o600); err != nil {
		t.Fatal(err)
	}
	return g, keyFile
}

// parseHeaderLines reads the output of sign --format headers as curl reads
// it: "Name: value", or "Name;" for an empty value.
func parseHeaderLines(t *testing.T, out string) []header {
	t.Helper()
	if !strings.HasSuffix(out, "\n") {
		t.Fatalf("output does not end with a newline: %q", out)
	}
	var hs []header
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if name, ok := strings.CutSuffix(line, ";"); ok && !strings.Contains(name, ":") {
			hs = append(hs, header{name, ""})
			continue
		}
		name, value, ok := strings.Cut(line, ": ")
		if !ok || value == "" {
			t.Fatalf("line %q is neither %q nor %q", line, "Name: value", "Name;")
		}
		hs = append(hs, header{name, value})
	}
	return hs
}

func headerNames(hs []header) []string {
	names := make([]string, len(hs))
	for i, h := range hs {
		names[i] = h.name
	}
	return names
}

// TestSignGoldenVectors checks that sign prints, for each golden vector, the
// headers the SDK sent, byte for byte.
func TestSignGoldenVectors(t *testing.T) {
	g, keyFile := loadGoldenVectors(t)
	for _, v := range g.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			args := []string{"sign", "--key", keyFile, "--method", v.Method, "--target", v.RequestTarget}
			if v.Body != "" {
				args = append(args, "--data", v.Body)
			}
			if v.Scheme == "v2" {
				args = append(args, "--created", "1700000000")
				if v.Created != 1700000000 {
					t.Fatalf("vector created = %d; this test assumes 1700000000", v.Created)
				}
			}
			got := parseHeaderLines(t, mustRunTool(t, args...))

			// Every header printed is one the SDK sends, with the SDK's value.
			want := v.SentHeaders()
			for _, h := range got {
				if value, ok := want[h.name]; !ok {
					t.Errorf("printed %s, which the SDK does not send", h.name)
				} else if h.value != value {
					t.Errorf("%s:\n got %q\nwant %q", h.name, h.value, value)
				}
			}
			// Every signed header is printed; so is every other header the
			// SDK sends, but those sign leaves to curl.
			for name := range want {
				leftToCurl := name == "Accept-Encoding" || name == "Content-Length"
				if !slices.Contains(headerNames(got), name) && !leftToCurl {
					t.Errorf("%s not printed", name)
				}
			}
			if v.Scheme == "v2" && v.Body != "" && !slices.Contains(headerNames(got), "Content-Type") {
				t.Error("v2 request with a body printed without Content-Type")
			}
		})
	}
}

func TestSignV2DefaultsToSDKClock(t *testing.T) {
	g, keyFile := loadGoldenVectors(t)
	out := mustRunTool(t, "sign", "--key", keyFile, "--target", "/v2/public/user/current-organisation/groups")
	hs := parseHeaderLines(t, out)
	if names := headerNames(hs); !slices.Equal(names, []string{"Content-Digest", "Signature-Input", "Signature"}) {
		t.Fatalf("headers %v, want Content-Digest, Signature-Input, Signature", names)
	}
	header := http.Header{}
	for _, h := range hs {
		header.Set(h.name, h.value)
	}
	// The verifier's default window accepts now - 30 s; the result also
	// proves the method defaulted to GET.
	res := (&auth.Verifier{}).Verify("GET", "/v2/public/user/current-organisation/groups", header, nil)
	if !res.OK() || res.KeyID != g.Key.PublicKeyHex {
		t.Fatalf("verifier: %+v", res)
	}
}

func TestSignBearer(t *testing.T) {
	out := mustRunTool(t, "sign", "--bearer", "tok-1", "--target", "/v2/public/datasets", "--data", "{}")
	want := "Content-Type: application/json\nAuthorization: Bearer tok-1\n"
	if out != want {
		t.Errorf("v2 bearer:\n got %q\nwant %q", out, want)
	}
	out = mustRunTool(t, "sign", "--bearer", "tok-1", "--target", "/public", "--data", "{}", "--resource-type", "project", "--resource-id", "p-1")
	want = "Accept: application/json\nContent-Type: application/json\nResourceType: project\nResourceID: p-1\nAuthorization: Bearer tok-1\n"
	if out != want {
		t.Errorf("v1 bearer:\n got %q\nwant %q", out, want)
	}
}

func TestSignKeyFromEnvironment(t *testing.T) {
	g, keyFile := loadGoldenVectors(t)
	args := []string{"sign", "--target", "/public/user", "--data", "{}"}
	wantID := "Authorization: " + g.Key.PublicKeyHex + ":"

	t.Run("ENCORD_SSH_KEY_FILE", func(t *testing.T) {
		t.Setenv("ENCORD_SSH_KEY_FILE", keyFile)
		if out := mustRunTool(t, args...); !strings.Contains(out, wantID) {
			t.Errorf("output %q lacks %q", out, wantID)
		}
	})
	t.Run("ENCORD_SSH_KEY", func(t *testing.T) {
		t.Setenv("ENCORD_SSH_KEY_FILE", "")
		t.Setenv("ENCORD_SSH_KEY", g.Key.PrivateKeyOpenSSH)
		if out := mustRunTool(t, args...); !strings.Contains(out, wantID) {
			t.Errorf("output %q lacks %q", out, wantID)
		}
	})
	t.Run("--bearer wins over the environment", func(t *testing.T) {
		t.Setenv("ENCORD_SSH_KEY_FILE", keyFile)
		if out := mustRunTool(t, append(args, "--bearer", "t")...); !strings.Contains(out, "Authorization: Bearer t\n") {
			t.Errorf("output %q", out)
		}
	})
	t.Run("no key", func(t *testing.T) {
		t.Setenv("ENCORD_SSH_KEY_FILE", "")
		t.Setenv("ENCORD_SSH_KEY", "")
		os.Unsetenv("ENCORD_SSH_KEY")
		_, err := runTool(t, args...)
		if err == nil || !strings.Contains(err.Error(), "keygen") {
			t.Errorf("err = %v, want advice to run keygen", err)
		}
	})
}

// TestSignRejectsUnusableKeys checks that keys the SDK cannot use are
// refused with sshkey's explanation, for keys made by ssh-keygen itself.
func TestSignRejectsUnusableKeys(t *testing.T) {
	sshKeygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("ssh-keygen is not installed")
	}
	dir := t.TempDir()
	cases := []struct {
		name     string
		keygen   []string
		file     string
		kind     sshkey.Kind
		mentions string
	}{
		{"passphrase", []string{"-t", "ed25519", "-N", "secret"}, "protected", sshkey.KindPassphraseProtected, "passphrase"},
		{"rsa", []string{"-t", "rsa", "-b", "2048", "-N", ""}, "rsa", sshkey.KindUnsupportedType, "ssh-rsa"},
		{"public key", []string{"-t", "ed25519", "-N", ""}, "plain.pub", sshkey.KindNotPrivateKey, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := filepath.Join(dir, strings.TrimSuffix(c.file, ".pub"))
			args := append(slices.Clone(c.keygen), "-q", "-C", "", "-f", base)
			if out, err := exec.Command(sshKeygen, args...).CombinedOutput(); err != nil {
				t.Fatalf("ssh-keygen %v: %v\n%s", args, err, out)
			}
			keyFile := filepath.Join(dir, c.file)
			_, err := runTool(t, "sign", "--key", keyFile, "--target", "/public/user", "--data", "{}")
			if !errors.Is(err, c.kind) {
				t.Fatalf("err = %v, want sshkey %v", err, c.kind)
			}
			if !strings.Contains(err.Error(), keyFile) || !strings.Contains(err.Error(), c.mentions) {
				t.Errorf("message %q should name %s and mention %q", err, keyFile, c.mentions)
			}
		})
	}
}

func TestSignUsageErrors(t *testing.T) {
	_, keyFile := loadGoldenVectors(t)
	bodyFile := filepath.Join(t.TempDir(), "body")
	os.WriteFile(bodyFile, []byte("{}"), 0o600)
	cases := []struct {
		name     string
		args     []string
		mentions string
	}{
		{"no target", nil, "--target is required"},
		{"relative target", []string{"--target", "v2/public/x"}, "must start with /"},
		{"space in target", []string{"--target", "/v2/public/a b"}, "percent-encode"},
		{"fragment in target", []string{"--target", "/v2/public/a#b"}, "percent-encode"},
		{"path of no API", []string{"--target", "/api/v1/me"}, "--scheme"},
		{"v1 path prefix only", []string{"--target", "/publicity"}, "neither SDK API"},
		{"v1 with GET", []string{"--target", "/public/user", "--method", "GET"}, "always POST"},
		{"v1 with created", []string{"--target", "/public/user", "--created", "1"}, "v2 only"},
		{"v2 with resource headers", []string{"--target", "/v2/public/x", "--resource-type", "project"}, "v1 headers"},
		{"bad created", []string{"--target", "/v2/public/x", "--created", "yesterday"}, "Unix time"},
		{"bad scheme", []string{"--target", "/v2/public/x", "--scheme", "v3"}, "auto, v1 or v2"},
		{"bad method", []string{"--target", "/v2/public/x", "--method", "GE T"}, "not an HTTP method"},
		{"bad format", []string{"--target", "/v2/public/x", "--format", "json"}, "headers or curl"},
		{"two bodies", []string{"--target", "/v2/public/x", "--data", "{}", "--data-file", bodyFile}, "not both"},
		{"header injection", []string{"--target", "/public", "--resource-id", "p\r\nX-Evil: 1"}, "control characters"},
		{"key and bearer", []string{"--target", "/v2/public/x", "--bearer", "t"}, "not both"},
		{"bad url", []string{"--target", "/v2/public/x", "--format", "curl", "--url", "127.0.0.1:8080"}, "http://"},
		{"NUL in curl body", []string{"--target", "/v2/public/x", "--format", "curl", "--data", "a\x00b"}, "NUL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := runTool(t, append([]string{"sign", "--key", keyFile}, c.args...)...)
			if err == nil || !strings.Contains(err.Error(), c.mentions) {
				t.Errorf("err = %v, want one mentioning %q", err, c.mentions)
			}
		})
	}
}

func TestSignScheme(t *testing.T) {
	_, keyFile := loadGoldenVectors(t)
	// --scheme signs a path the SDK never calls, for probing the server.
	out := mustRunTool(t, "sign", "--key", keyFile, "--target", "/api/v1/me", "--scheme", "v2", "--created", "5")
	if !strings.Contains(out, "Signature-Input: encord-sig=") {
		t.Errorf("--scheme v2 printed %q", out)
	}
	// The query does not change the scheme.
	out = mustRunTool(t, "sign", "--key", keyFile, "--target", "/public?x=1", "--data", "{}")
	if !strings.Contains(out, "ResourceType;") {
		t.Errorf("/public?x=1 printed %q, want v1 headers", out)
	}
	// A body from a file is signed byte for byte, trailing newline included.
	bodyFile := filepath.Join(t.TempDir(), "body.json")
	os.WriteFile(bodyFile, []byte("{}\n"), 0o600)
	fromFile := mustRunTool(t, "sign", "--key", keyFile, "--target", "/public", "--data-file", bodyFile)
	fromFlag := mustRunTool(t, "sign", "--key", keyFile, "--target", "/public", "--data", "{}\n")
	trimmed := mustRunTool(t, "sign", "--key", keyFile, "--target", "/public", "--data", "{}")
	if fromFile != fromFlag || fromFile == trimmed {
		t.Errorf("--data-file signed other bytes than the file's:\n%s\n%s", fromFile, fromFlag)
	}
}

func TestShellQuoteRoundTrips(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	words := []string{
		"", "plain", "/v2/public/x?a=b&c=d", "it's", "''", "'", "a\nb", "tab\there",
		`$HOME $(id) ` + "`id`" + ` \ "q" *?[]{}~#!;|&<>()`, "-n", "é ünïcode", " leading", "trailing\n",
	}
	for _, w := range words {
		quoted := shellQuote(w)
		out, err := exec.Command(sh, "-c", "printf %s "+quoted).Output()
		if err != nil {
			t.Fatalf("sh -c 'printf %%s %s': %v", quoted, err)
		}
		if string(out) != w {
			t.Errorf("shellQuote(%q) = %s; the shell reads it as %q", w, quoted, out)
		}
	}
}

// curlArgv returns the arguments the shell passes to curl when it runs the
// command line cmd, without running curl.
func curlArgv(t *testing.T, cmd string) []string {
	t.Helper()
	script := `curl() { for a in "$@"; do printf '%s\0' "$a"; done; }` + "\n" + cmd
	out, err := exec.Command("sh", "-c", script).Output()
	if err != nil {
		t.Fatalf("sh: %v\n%s", err, cmd)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

func TestSignCurlFormatQuoting(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	_, keyFile := loadGoldenVectors(t)
	body := "{\"title\": \"Ada's\n dataset\"}\n"
	cmd := mustRunTool(t, "sign", "--key", keyFile, "--format", "curl", "--url", "http://emulator.test:9000/",
		"--target", "/v2/public/datasets?title=a%20b+c", "--data", body, "--created", "1700000000")
	headers := mustRunTool(t, "sign", "--key", keyFile,
		"--target", "/v2/public/datasets?title=a%20b+c", "--data", body, "--created", "1700000000")

	want := []string{"--globoff", "--path-as-is"}
	for _, h := range parseHeaderLines(t, headers) {
		want = append(want, "-H", curlHeader(h))
	}
	want = append(want, "--data-binary", body, "http://emulator.test:9000/v2/public/datasets?title=a%20b+c")
	if got := curlArgv(t, cmd); !slices.Equal(got, want) {
		t.Errorf("the shell passes curl\n%q\nwant\n%q\ncommand:\n%s", got, want, cmd)
	}

	// A body starting with @ would make --data-binary read a file.
	cmd = mustRunTool(t, "sign", "--key", keyFile, "--format", "curl", "--target", "/v2/public/x", "--method", "PUT", "--data", "@/etc/passwd")
	if got := curlArgv(t, cmd); !slices.Contains(got, "--data-raw") || slices.Contains(got, "--data-binary") || !slices.Contains(got, "PUT") {
		t.Errorf("argv %q: want --request PUT and --data-raw for a body starting with @", got)
	}
}

// TestSignCurlEndToEnd runs what sign prints with the real curl against a
// server that checks the credentials with the emulator's verifier, and so
// proves that curl sends the very request that was signed.
func TestSignCurlEndToEnd(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	g, keyFile := loadGoldenVectors(t)

	type received struct {
		res    auth.Result
		method string
		target string
		body   string
		header http.Header
	}
	got := make(chan received, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- received{(&auth.Verifier{}).VerifyRequest(r, body), r.Method, r.RequestURI, string(body), r.Header.Clone()}
	}))
	defer srv.Close()

	dir := t.TempDir()
	cases := []struct {
		name, method, target, body string
		extra                      []string
	}{
		{"v2 GET with an awkward query", "GET", "/v2/public/projects/./p/../q?title=a%20b+c&ids=[1,2]", "", nil},
		{"v2 POST body with quote and newlines", "POST", "/v2/public/datasets", "{\"title\": \"it's\"}\n\n", nil},
		{"v2 DELETE", "DELETE", "/v2/public/datasets/d-1", "", []string{"--method", "DELETE"}},
		{"v1", "POST", "/public", `{"query_type": "project", "query_method": "GET", "values": {"uid": "p-1", "payload": null}}`, []string{"--resource-type", "project", "--resource-id", "p-1"}},
		{"v1 empty resource headers", "POST", "/public/user", "{\"a\": \"\\u00e9\"}\r\n", nil},
	}
	for _, c := range cases {
		args := append([]string{"sign", "--key", keyFile, "--target", c.target}, c.extra...)
		if c.body != "" {
			args = append(args, "--data", c.body)
		}
		check := func(t *testing.T, r received) {
			t.Helper()
			if !r.res.OK() || r.res.KeyID != g.Key.PublicKeyHex {
				t.Errorf("verifier: %+v", r.res)
			}
			if r.method != c.method || r.target != c.target || r.body != c.body {
				t.Errorf("server received %s %s %q, want %s %s %q", r.method, r.target, r.body, c.method, c.target, c.body)
			}
			if c.target == "/public/user" {
				for _, name := range []string{"Resourcetype", "Resourceid"} {
					if v, ok := r.header[name]; !ok || len(v) != 1 || v[0] != "" {
						t.Errorf("%s = %q (present %t), want sent empty", name, v, ok)
					}
				}
			}
		}

		t.Run(c.name+"/curl format", func(t *testing.T) {
			cmd := mustRunTool(t, append(args, "--format", "curl", "--url", srv.URL)...)
			script := "curl() { " + shellQuote(curl) + ` --silent --show-error "$@"; }` + "\n" + cmd
			if out, err := exec.Command("sh", "-c", script).CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s\ncommand:\n%s", err, out, cmd)
			}
			check(t, <-got)
		})

		t.Run(c.name+"/headers format", func(t *testing.T) {
			headerFile := filepath.Join(dir, "headers")
			bodyFile := filepath.Join(dir, "body")
			os.WriteFile(headerFile, []byte(mustRunTool(t, args...)), 0o600)
			os.WriteFile(bodyFile, []byte(c.body), 0o600)
			curlArgs := []string{"--silent", "--show-error", "--globoff", "--path-as-is", "-H", "@" + headerFile, "--request", c.method}
			if c.body != "" {
				curlArgs = append(curlArgs, "--data-binary", "@"+bodyFile)
			}
			curlArgs = append(curlArgs, srv.URL+c.target)
			if out, err := exec.Command(curl, curlArgs...).CombinedOutput(); err != nil {
				t.Fatalf("curl %q: %v\n%s", curlArgs, err, out)
			}
			check(t, <-got)
		})
	}
}
