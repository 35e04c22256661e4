package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testenv"
	"github.com/encord-emulator/encord-emulator/pkg/server"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	addr, err := testenv.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

func TestHealthcheck(t *testing.T) {
	srv, err := server.Start(context.Background(), server.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"healthcheck", "--addr", srv.Addr()}, &out, &errOut); err != nil {
		t.Fatalf("healthcheck of a live server: %v", err)
	}
	if !strings.Contains(out.String(), "ready") {
		t.Fatalf("output %q", out.String())
	}

	// The address comes from EMULATOR_ADDR like the server's, and a 0.0.0.0
	// listen address is probed on loopback.
	_, port, _ := net.SplitHostPort(srv.Addr())
	t.Setenv("EMULATOR_ADDR", "0.0.0.0:"+port)
	if err := run(context.Background(), []string{"healthcheck"}, &out, &errOut); err != nil {
		t.Fatalf("healthcheck via EMULATOR_ADDR: %v", err)
	}

	dead := freeAddr(t)
	err = run(context.Background(), []string{"healthcheck", "--addr", dead, "--timeout", "1s"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "not healthy") {
		t.Fatalf("healthcheck of a dead address: %v", err)
	}
}

func TestServeHelpNamesEnvironmentVariables(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve", "--help"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "help") {
		t.Fatalf("err = %v", err)
	}
	for _, env := range []string{"EMULATOR_ADDR", "EMULATOR_STORE", "DATABASE_URL", "EMULATOR_SEED", "EMULATOR_ADMIN_TOKEN", "EMULATOR_SHUTDOWN_TIMEOUT", "EMULATOR_DB_MAX_CONNS", "EMULATOR_DB_STATEMENT_TIMEOUT"} {
		if !strings.Contains(errOut.String(), env) {
			t.Errorf("--help does not mention %s", env)
		}
	}
}

func TestBadConfiguration(t *testing.T) {
	dir := t.TempDir()
	badSeed := filepath.Join(dir, "seed.yaml")
	os.WriteFile(badSeed, []byte("workspaces:\n  - name: Acme\n    admin: {email: not-an-email, name: A}\n"), 0o600)
	cases := []struct {
		name     string
		env      map[string]string
		args     []string
		mentions string
	}{
		{"bad duration env", map[string]string{"EMULATOR_SESSION_TTL": "forever"}, []string{"serve"}, "EMULATOR_SESSION_TTL"},
		{"bad bool env", map[string]string{"EMULATOR_MIGRATE": "perhaps"}, []string{"serve"}, "EMULATOR_MIGRATE"},
		{"unknown store", nil, []string{"serve", "--store", "redis", "--addr", "127.0.0.1:0"}, `unknown store "redis"`},
		{"bad seed names the entry", nil, []string{"serve", "--seed", badSeed, "--addr", "127.0.0.1:0"}, `workspaces[0] "Acme"`},
		{"missing seed file", nil, []string{"serve", "--seed", filepath.Join(dir, "nope.yaml")}, "nope.yaml"},
		{"unknown subcommand", nil, []string{"frobnicate"}, "frobnicate"},
		{"migrate without action", nil, []string{"migrate"}, "up, down or version"},
		{"bad log level", nil, []string{"serve", "--log-level", "loud"}, "--log-level"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), tc.mentions) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.mentions)
			}
		})
	}
}

// TestServeStopsGracefully starts serve, waits until it is ready, then
// cancels its context as SIGTERM would: serve must return without error.
func TestServeStopsGracefully(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var errOut bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--log-level", "error"}, &bytes.Buffer{}, &errOut)
	}()
	ready, stopPolling := context.WithTimeout(context.Background(), 10*time.Second)
	defer stopPolling()
	if err := testenv.PollReady(ready, "http://"+addr, 10*time.Millisecond); err != nil {
		t.Fatalf("server never became ready: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}
