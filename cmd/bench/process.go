package main

import (
	"bufio"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// stopGrace is how long a server may take to stop after SIGTERM.
const stopGrace = 10 * time.Second

// waitReady waits up to timeout for the server's readyz to answer 200 and
// returns how long after start that was. It polls every 200 µs: the
// startup time is one of the bench's measurements.
func waitReady(ctx context.Context, s *testenv.Server, start time.Time, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := s.Ready(ctx, 200*time.Microsecond); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// rss returns the resident set size of the process in bytes.
func rss(p *testenv.Process) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(p.Pid()) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}
