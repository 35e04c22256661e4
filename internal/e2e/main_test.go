package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
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

// process is a child process in its own process group, killed with the
// whole group when the test ends. Its stderr and stdout go to a file that
// the test log shows when the test fails.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{}
	waitErr error // set before exited closes
}

// childEnv is the environment of a child: the test's own, minus every
// setting of the emulator (so that the caller's shell cannot change what a
// test runs), plus extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "EMULATOR_") || name == "DATABASE_URL" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// startProcess starts the server binary with args and the environment
// childEnv(env...).
func startProcess(t testing.TB, name string, env []string, args ...string) *process {
	t.Helper()
	logFile, err := os.CreateTemp(t.TempDir(), name+"-*.log")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(serverBinary, args...)
	cmd.Env = childEnv(env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("starting %s: %v", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logFile.Name(), exited: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		logFile.Close()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("--- output of %s:\n%s", name, tail(p.output(), 4000))
		}
	})
	return p
}

// kill sends SIGKILL to the process group and waits for the process.
func (p *process) kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
}

// wait waits up to timeout for the process to exit by itself and returns
// its exit code, or fails the test.
func (p *process) wait(t testing.TB, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(timeout):
		p.kill()
		t.Fatalf("%s did not exit within %s; output:\n%s", p.name, timeout, tail(p.output(), 4000))
	}
	return p.cmd.ProcessState.ExitCode()
}

func (p *process) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

func (p *process) output() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return "(output unreadable: " + err.Error() + ")"
	}
	return string(b)
}

// runCommand runs the binary to completion within timeout and returns its
// exit code and combined output.
func runCommand(t testing.TB, timeout time.Duration, env []string, args ...string) (int, string) {
	t.Helper()
	p := startProcess(t, "encord-emulator-"+args[0], env, args...)
	code := p.wait(t, timeout)
	return code, p.output()
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// server is a running "encord-emulator serve" process.
type server struct {
	*process
	port int
	url  string
}

// startupTimeout bounds a server's way to ready: migrations and a seed
// included, on a loaded two-core machine.
const startupTimeout = 30 * time.Second

// startServer starts "encord-emulator serve" on a free loopback port with
// the environment childEnv(env...) and waits until it is ready.
func startServer(t testing.TB, name string, env ...string) *server {
	t.Helper()
	s := launchServer(t, name, env...)
	s.waitReady(t)
	return s
}

// launchServer starts a server without waiting for it.
func launchServer(t testing.TB, name string, env ...string) *server {
	t.Helper()
	port := freePort(t)
	env = append([]string{"EMULATOR_ADDR=127.0.0.1:" + strconv.Itoa(port)}, env...)
	p := startProcess(t, name, env, "serve")
	return &server{process: p, port: port, url: "http://127.0.0.1:" + strconv.Itoa(port)}
}

// waitReady polls GET /_emulator/readyz until it answers 200, failing the
// test if the process exits or startupTimeout passes first.
func (s *server) waitReady(t testing.TB) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	defer client.CloseIdleConnections()
	deadline := time.Now().Add(startupTimeout)
	for {
		if !s.running() {
			t.Fatalf("%s exited before it was ready (%v); output:\n%s", s.name, s.waitErr, tail(s.output(), 4000))
		}
		if status, _ := getStatus(context.Background(), client, s.url+"/_emulator/readyz"); status == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after %s; output:\n%s", s.name, startupTimeout, tail(s.output(), 4000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func getStatus(ctx context.Context, client *http.Client, url string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
