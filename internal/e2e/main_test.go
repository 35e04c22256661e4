package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// serverBinary is the path of the binary built by TestMain. It is written
// once, before any test runs, and only read afterwards.
var serverBinary string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "encord-emulator-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	serverBinary = filepath.Join(dir, "encord-emulator")
	if err := buildServer(serverBinary); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	return m.Run()
}

// buildServer builds the binary under test as the Dockerfile's builder
// stage does: its go build line, run verbatim but for the output path.
func buildServer(out string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	d, err := parseDockerfile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		return err
	}
	env, args, err := d.goBuild()
	if err != nil {
		return err
	}
	if args, err = withOutput(args, out); err != nil {
		return err
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building the server as the Dockerfile does (%s go %s): %w\n%s", strings.Join(env, " "), strings.Join(args, " "), err, stderr.String())
	}
	return nil
}

// moduleRoot is the directory of go.mod, where the Dockerfile's build runs.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside a Go module")
	}
	return filepath.Dir(gomod), nil
}

func repoFile(t testing.TB, name string) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, name)
}

// startServer starts "encord-emulator serve" on a free loopback port with
// the environment testenv.ChildEnv(env...) and waits until it is ready.
func startServer(t testing.TB, name string, env ...string) *testenv.Server {
	t.Helper()
	return testenv.LaunchReadyServer(t, serverBinary, name, env...)
}

// launchServer starts a server without waiting for it.
func launchServer(t testing.TB, name string, env ...string) *testenv.Server {
	t.Helper()
	return testenv.LaunchServer(t, serverBinary, name, env...)
}

// runCommand runs the binary to completion within timeout and returns its
// exit code and combined output.
func runCommand(t testing.TB, timeout time.Duration, env []string, args ...string) (int, string) {
	t.Helper()
	return testenv.Run(t, timeout, testenv.Command{Name: "encord-emulator-" + args[0], Path: serverBinary, Args: args, Env: env})
}
