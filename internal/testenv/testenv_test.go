package testenv

import (
	"strings"
	"testing"
	"time"
)

func TestWithDatabase(t *testing.T) {
	for _, c := range []struct{ base, want string }{
		{"", "dbname=b"},
		{"host=/tmp user=u", "host=/tmp user=u dbname=b"},
		{"postgres://u:p@h:5432/a?sslmode=disable", "postgres://u:p@h:5432/b?sslmode=disable"},
		{"postgresql://h/a", "postgresql://h/b"},
	} {
		if got := WithDatabase(c.base, "b"); got != c.want {
			t.Errorf("WithDatabase(%q) = %q, want %q", c.base, got, c.want)
		}
	}
}

// TestOutputKeepsHeadAndTail: a process that writes more than output
// keeps loses the middle, never its first or its last words.
func TestOutputKeepsHeadAndTail(t *testing.T) {
	var o output
	o.Write([]byte("first words\n"))
	filler := strings.Repeat("x", 1000) + "\n"
	for range 3 * (outputHead + outputTail) / len(filler) {
		o.Write([]byte(filler))
	}
	o.Write([]byte("last words\n"))
	got := o.String()
	if !strings.HasPrefix(got, "first words\n") || !strings.HasSuffix(got, "last words\n") {
		t.Fatalf("output lost its start or its end: %.40q ... %.40q", got, got[len(got)-40:])
	}
	if !strings.Contains(got, "bytes left out") || len(got) > outputHead+outputTail+100 {
		t.Fatalf("output kept %d bytes, want at most %d and a mark where it cut", len(got), outputHead+outputTail)
	}
	var short output
	short.Write([]byte("all of it"))
	if short.String() != "all of it" {
		t.Fatalf("short output = %q", short.String())
	}
}

func TestProcess(t *testing.T) {
	sh := func(name, script string) Command {
		return Command{Name: name, Path: "/bin/sh", Args: []string{"-c", script}}
	}
	t.Run("exit code and output", func(t *testing.T) {
		code, out := Run(t, 10*time.Second, sh("exit-3", "echo out; echo err >&2; exit 3"))
		if code != 3 || out != "out\nerr\n" {
			t.Fatalf("exit %d, output %q", code, out)
		}
	})
	t.Run("the emulator's settings do not reach the child", func(t *testing.T) {
		t.Setenv("EMULATOR_STORE", "postgres")
		t.Setenv("DATABASE_URL", "postgres://elsewhere/db")
		_, out := Run(t, 10*time.Second, Command{Name: "env", Path: "/bin/sh", Args: []string{"-c", `echo "[$EMULATOR_STORE][$DATABASE_URL][$EXTRA]"`}, Env: []string{"EXTRA=x"}})
		if out != "[][][x]\n" {
			t.Fatalf("child saw %q", out)
		}
	})
	t.Run("stop a process that ignores SIGTERM", func(t *testing.T) {
		p := StartProcess(t, sh("stubborn", `trap "" TERM; echo up; while :; do sleep 0.05; done`))
		for !strings.Contains(p.Output(), "up") {
			time.Sleep(10 * time.Millisecond)
		}
		err := p.Stop(200 * time.Millisecond)
		if err == nil || !strings.Contains(err.Error(), "did not stop") || p.Running() {
			t.Fatalf("Stop = %v, running %t", err, p.Running())
		}
	})
	t.Run("wait past the timeout kills", func(t *testing.T) {
		p := StartProcess(t, sh("sleeper", "sleep 30"))
		if _, err := p.Wait(100 * time.Millisecond); err == nil || p.Running() {
			t.Fatalf("Wait = %v, running %t", err, p.Running())
		}
	})
}
