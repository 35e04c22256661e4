package main

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"
)

// TestConsoleFlag serves with the console on (the default) and off, by
// flag and by environment variable, and checks what /console/ and /
// answer.
func TestConsoleFlag(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  string
		want int
	}{
		{"default", nil, "", http.StatusOK},
		{"flag off", []string{"--console=false"}, "", http.StatusNotFound},
		{"environment off", nil, "false", http.StatusNotFound},
		{"flag over environment", []string{"--console=true"}, "false", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("EMULATOR_CONSOLE", tc.env)
			}
			addr := freeAddr(t)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, append([]string{"serve", "--addr", addr, "--log-level", "error"}, tc.args...), &bytes.Buffer{}, &bytes.Buffer{})
			}()
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("serve: %v", err)
				}
			}()
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			var resp *http.Response
			deadline := time.Now().Add(10 * time.Second)
			for {
				var err error
				resp, err = client.Get("http://" + addr + "/console/")
				if err == nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the server never answered: %v", err)
				}
				time.Sleep(10 * time.Millisecond)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("GET /console/: %d, want %d", resp.StatusCode, tc.want)
			}
			root, err := client.Get("http://" + addr + "/")
			if err != nil {
				t.Fatal(err)
			}
			root.Body.Close()
			wantRoot := http.StatusFound
			if tc.want == http.StatusNotFound {
				wantRoot = http.StatusNotFound
			}
			if root.StatusCode != wantRoot {
				t.Errorf("GET /: %d, want %d", root.StatusCode, wantRoot)
			}
		})
	}
}

func TestServeHelpNamesTheConsoleFlag(t *testing.T) {
	var errOut bytes.Buffer
	_ = run(context.Background(), []string{"serve", "--help"}, &bytes.Buffer{}, &errOut)
	for _, want := range []string{"-console", "EMULATOR_CONSOLE", "/console/"} {
		if !bytes.Contains(errOut.Bytes(), []byte(want)) {
			t.Errorf("serve --help does not mention %s:\n%s", want, errOut.String())
		}
	}
}
