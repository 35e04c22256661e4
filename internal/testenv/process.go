package testenv

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Command is a program to run as a child process.
type Command struct {
	// Name says which process it is in messages and logs.
	Name string
	Path string
	Args []string
	// Env is added to ChildEnv().
	Env []string
}

// ChildEnv is the environment of a child: this process's own, minus every
// setting of the emulator (so that the caller's shell cannot change what a
// test runs), plus extra.
func ChildEnv(extra ...string) []string {
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

// Process is a started Command, in a process group of its own. Its stdout
// and stderr are kept together: the first 64 KiB and the last 256 KiB.
type Process struct {
	name   string
	cmd    *exec.Cmd
	output *output
	exited chan struct{}
	err    error // the exit status; set before exited closes
}

// Start starts c and returns at once.
func Start(c Command) (*Process, error) {
	p := &Process{name: c.Name, output: &output{}, exited: make(chan struct{})}
	p.cmd = exec.Command(c.Path, c.Args...)
	p.cmd.Env = ChildEnv(c.Env...)
	p.cmd.Stdout, p.cmd.Stderr = p.output, p.output
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", c.Name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// StartProcess starts c for the test and kills it (its whole process
// group) when the test ends; if the test failed, the test log shows the end
// of its output.
func StartProcess(t testing.TB, c Command) *Process {
	t.Helper()
	p, err := Start(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			t.Logf("--- output of %s:\n%s", p.name, Tail(p.Output(), 4000))
		}
	})
	return p
}

// Run runs c to completion within timeout and returns its exit code and
// output; a command still running after timeout fails the test.
func Run(t testing.TB, timeout time.Duration, c Command) (int, string) {
	t.Helper()
	p := StartProcess(t, c)
	code, err := p.Wait(timeout)
	if err != nil {
		t.Fatal(err)
	}
	return code, p.Output()
}

// Name is the Command's name.
func (p *Process) Name() string { return p.name }

// Pid is the process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Running reports whether the process has not exited yet.
func (p *Process) Running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// Exited is closed when the process has exited.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Err is the exit status of a process that exited (nil for exit code 0),
// and nil while it runs.
func (p *Process) Err() error {
	if p.Running() {
		return nil
	}
	return p.err
}

// Output is what the process wrote to stdout and stderr so far.
func (p *Process) Output() string { return p.output.String() }

// Kill sends SIGKILL to the process group and waits for the process.
func (p *Process) Kill() {
	if !p.Running() {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
}

// Stop asks the process to shut down (SIGTERM) and waits up to grace for
// it, then kills it. It returns an error, with the output, unless the
// process exited with code 0 in time.
func (p *Process) Stop(grace time.Duration) error {
	if p.Running() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(grace):
			p.Kill()
			return fmt.Errorf("%s did not stop within %s of SIGTERM", p.name, grace)
		}
	}
	if p.err != nil {
		return fmt.Errorf("%s exited with %w: %s", p.name, p.err, Tail(p.Output(), 4000))
	}
	return nil
}

// Wait waits up to timeout for the process to exit by itself and returns
// its exit code; past timeout it kills the process and returns an error.
func (p *Process) Wait(timeout time.Duration) (int, error) {
	select {
	case <-p.exited:
	case <-time.After(timeout):
		p.Kill()
		return -1, fmt.Errorf("%s did not exit within %s; output:\n%s", p.name, timeout, Tail(p.Output(), 4000))
	}
	var exit *exec.ExitError
	if p.err != nil && !errors.As(p.err, &exit) {
		return -1, fmt.Errorf("waiting for %s: %w", p.name, p.err)
	}
	return p.cmd.ProcessState.ExitCode(), nil
}

// Tail returns the last n bytes of s, marked as cut when they are not all.
func Tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// Bounds of what output keeps.
const (
	outputHead = 64 << 10
	outputTail = 256 << 10
)

// output keeps the start of a process's output (its first errors) and its
// end (its last words), safe for concurrent writers and readers.
type output struct {
	mu      sync.Mutex
	head    []byte
	tail    []byte
	dropped int
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := len(p)
	if room := outputHead - len(o.head); room > 0 {
		k := min(room, len(p))
		o.head = append(o.head, p[:k]...)
		p = p[k:]
	}
	o.tail = append(o.tail, p...)
	if len(o.tail) > 2*outputTail { // trimmed now and then, not on every write
		drop := len(o.tail) - outputTail
		o.dropped += drop
		o.tail = append(o.tail[:0:0], o.tail[drop:]...)
	}
	return n, nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	tail, dropped := o.tail, o.dropped
	if over := len(tail) - outputTail; over > 0 {
		tail, dropped = tail[over:], dropped+over
	}
	if dropped == 0 {
		return string(o.head) + string(tail)
	}
	return fmt.Sprintf("%s\n... (%d bytes left out) ...\n%s", o.head, dropped, tail)
}
