package testenv

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// StartupTimeout bounds a server's way to ready in tests: migrations and a
// seed included, on a loaded two-core machine.
const StartupTimeout = 30 * time.Second

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// FreeAddr returns a loopback address whose port was free a moment ago.
func FreeAddr() (string, error) {
	port, err := FreePort()
	if err != nil {
		return "", err
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), nil
}

// PollReady asks baseURL's GET /_emulator/readyz every poll until it
// answers 200, and returns ctx's error if ctx ends first.
func PollReady(ctx context.Context, baseURL string, poll time.Duration) error {
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/_emulator/readyz", nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
	}
}

// Server is a process that serves the emulator on Addr.
type Server struct {
	*Process
	Addr string // host:port
	URL  string // http://host:port
}

// StartServer starts c, a command that serves the emulator on addr, and
// returns at once.
func StartServer(c Command, addr string) (*Server, error) {
	p, err := Start(c)
	if err != nil {
		return nil, err
	}
	return &Server{Process: p, Addr: addr, URL: "http://" + addr}, nil
}

// Ready polls the server's readyz every poll until it answers 200. It
// fails, with the server's output, if the process exits first or ctx ends.
func (s *Server) Ready(ctx context.Context, poll time.Duration) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-s.Exited():
			cancel()
		case <-ctx.Done():
		}
	}()
	err := PollReady(ctx, s.URL, poll)
	switch {
	case err == nil:
		return nil
	case !s.Running():
		return fmt.Errorf("%s exited before it was ready (%v); output:\n%s", s.Name(), s.Err(), Tail(s.Output(), 4000))
	default:
		return fmt.Errorf("%s not ready: %w; output:\n%s", s.Name(), err, Tail(s.Output(), 4000))
	}
}

// LaunchServer starts "bin serve" for the test on a free loopback port
// (EMULATOR_ADDR) with the environment ChildEnv(env...), without waiting
// for it to be ready; the server is killed when the test ends.
func LaunchServer(t testing.TB, bin, name string, env ...string) *Server {
	t.Helper()
	addr, err := FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	env = append([]string{"EMULATOR_ADDR=" + addr}, env...)
	p := StartProcess(t, Command{Name: name, Path: bin, Args: []string{"serve"}, Env: env})
	return &Server{Process: p, Addr: addr, URL: "http://" + addr}
}

// LaunchReadyServer is LaunchServer, then WaitReady.
func LaunchReadyServer(t testing.TB, bin, name string, env ...string) *Server {
	t.Helper()
	s := LaunchServer(t, bin, name, env...)
	s.WaitReady(t)
	return s
}

// WaitReady fails the test unless the server is ready within
// StartupTimeout.
func (s *Server) WaitReady(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), StartupTimeout)
	defer cancel()
	if err := s.Ready(ctx, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
}
