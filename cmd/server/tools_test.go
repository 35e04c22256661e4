package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// The command-line tools as the tests run them: in process, through run.

// runTool runs the command line args and returns what it printed on stdout.
func runTool(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, &stdout, &stderr)
	return stdout.String(), err
}

// mustRunTool is runTool for command lines that must succeed.
func mustRunTool(t *testing.T, args ...string) string {
	t.Helper()
	out, err := runTool(t, args...)
	if err != nil {
		t.Fatalf("%s: %v", strings.Join(args, " "), err)
	}
	return out
}
