package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// CPU accounting. On a machine shared with other work, the throughput of a
// load phase and of the floor next to it move with whatever else runs, and
// their ratio with them. The CPU time a request costs does not: the bench
// also reports it, as the CPU the server process and its Postgres backends
// used during a phase divided by the requests they answered, next to the
// CPU time of one verification of the floor.

// clockTicks is the unit of the times of /proc/<pid>/stat (USER_HZ, 100 on
// every Linux the bench runs on).
const clockTicks = 100

// processCPU returns the user and system CPU time the process has used.
func processCPU(pid int) (time.Duration, error) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is in parentheses and may hold spaces;
	// utime and stime are fields 14 and 15, the 12th and 13th after it.
	text := string(raw)
	fields := strings.Fields(text[strings.LastIndexByte(text, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat has %d fields after the name", pid, len(fields))
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// selfCPU returns the CPU time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuMeter measures the CPU time a server uses: its own process and, on
// Postgres, the backends serving its database.
type cpuMeter struct {
	serverPID int
	dsn       string // the server's database; "" for the memory store
	start     map[int]time.Duration
}

// begin samples the processes' CPU times.
func (m *cpuMeter) begin(ctx context.Context) error {
	pids, err := m.pids(ctx)
	if err != nil {
		return err
	}
	m.start = map[int]time.Duration{}
	for _, pid := range pids {
		if t, err := processCPU(pid); err == nil {
			m.start[pid] = t
		}
	}
	return nil
}

// end returns the CPU time used since begin by the server process and by
// the database backends, every process that existed at either end (a
// backend that started in between counts whole).
func (m *cpuMeter) end(ctx context.Context) (server, database time.Duration, err error) {
	pids, err := m.pids(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, pid := range pids {
		t, err := processCPU(pid)
		if err != nil {
			continue // a backend that exited
		}
		if pid == m.serverPID {
			server = t - m.start[pid]
		} else {
			database += t - m.start[pid]
		}
	}
	return server, database, nil
}

// pids lists the server process and the Postgres backends connected to its
// database (other than the one asking).
func (m *cpuMeter) pids(ctx context.Context) ([]int, error) {
	pids := []int{m.serverPID}
	if m.dsn == "" {
		return pids, nil
	}
	conn, err := pgx.Connect(ctx, m.dsn)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
	if err != nil {
		return nil, err
	}
	backends, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, err
	}
	for _, pid := range backends {
		pids = append(pids, int(pid))
	}
	return pids, nil
}
