package server_test

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/pkg/server"
)

// TestREADMEWalkthrough runs the shell blocks between the walkthrough
// markers of README.md, as written, against a live server: the README's
// curl lines cannot drift from what the server does.
func TestREADMEWalkthrough(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: %v", tool, err)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := regexp.MustCompile(`(?s)<!-- walkthrough:start -->(.*)<!-- walkthrough:end -->`).FindSubmatch(readme)
	if section == nil {
		t.Fatal("README.md has no walkthrough markers")
	}
	var script strings.Builder
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllSubmatch(section[1], -1) {
		script.Write(block[1])
	}

	srv, _ := start(t, server.Options{})

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script.String())
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "EMU="+srv.URL())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README walkthrough failed: %v\n%s", err, out)
	}
	for _, want := range []string{
		`"role": "admin"`,
		"-----BEGIN OPENSSH PRIVATE KEY-----",
		`"fingerprint": "SHA256:`,
		"remove member: HTTP 204",
		`"revokeReason": "member removed from the workspace"`,
		`"code": "QUOTA_EXCEEDED_ERROR"`,
		`{"id":"rate-limit","match":{"plane":"sdk","path":"/v2/public/projects"},"action":{"status":429,"retryAfter":2},"fire":{"times":2}}`,
		`"code":"SERVICE_UNAVAILABLE_ERROR"`,
		`{"id":"rate-limit","fired":0,"spent":false}`,
		`{"deleted":2}`,
		`{"mode":"frozen","now":"2030-01-01T00:00:00Z"}`,
		"the session expired",
		`{"mode":"real"}`,
		`encord_emulator_http_requests_total{method="GET",plane="management",route="/api/v1/me",status="503"} 1`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the walkthrough's output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(cmd.Dir + "/ci-bot.txt"); err != nil {
		t.Errorf("step 4 saved no private key file: %v", err)
	}
}
