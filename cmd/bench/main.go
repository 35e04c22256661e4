// Command bench measures the emulator's SDK plane against its physical
// floor: the throughput and latency of signed SDK requests (v1 and v2) on
// the memory and Postgres stores, with a thousand and a million registered
// keys, next to the throughput of bare Ed25519 verification on the same
// cores; plus management writes per second, startup time and resident
// memory. It starts every server it measures itself, as separate processes,
// and prints a Markdown report. docs/benchmarks.md explains the method.
//
//	go run ./cmd/bench            # the full run (a few minutes)
//	go run ./cmd/bench -quick     # a smoke run (seconds)
//
// Postgres runs need DATABASE_URL or the PG* variables (make bench starts a
// throwaway cluster with pg_virtualenv); without them they are skipped.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	storeMemory   = "memory"
	storePostgres = "postgres"
)

// config is what the flags choose.
type config struct {
	duration        time.Duration // of each measured load phase
	floorDuration   time.Duration
	conns           int // connections of the closed-loop (peak) runs
	openConns       int // connections available to the open-loop runs
	keyCounts       []int
	stores          []string
	startupRuns     int
	writeConns      int
	writeDuration   time.Duration
	serverBin       string
	profileDir      string
	requirePostgres bool
	pageKeyCounts   []int         // keys of the one principal of the page-cost runs
	peerDuration    time.Duration // of each run of the key workload
	moto            bool          // also run the key workload against moto
	python          string        // the interpreter that runs moto
	sections        []string      // which measurements run (allSections by default)
}

// The sections of a run, in the order they run; -sections picks some.
const (
	sectionSigned  = "signed"  // signed SDK requests, scale, resident memory of the loaded servers
	sectionPages   = "pages"   // page cost
	sectionPeers   = "peers"   // key workload (against moto with -moto)
	sectionStartup = "startup" // startup time and idle resident memory
	sectionWrites  = "writes"  // management writes
)

var allSections = []string{sectionSigned, sectionPages, sectionPeers, sectionStartup, sectionWrites}

// runs reports whether the section was asked for.
func (c config) runs(section string) bool { return slices.Contains(c.sections, section) }

func defaultConfig(quick bool) config {
	if quick {
		return config{
			duration: 300 * time.Millisecond, floorDuration: 100 * time.Millisecond, conns: 4, openConns: 8,
			keyCounts: []int{signerCount, 3 * signerCount}, stores: []string{storeMemory, storePostgres},
			startupRuns: 2, writeConns: 2, writeDuration: 200 * time.Millisecond,
			pageKeyCounts: []int{100, 1000}, peerDuration: 300 * time.Millisecond, python: "python3",
			sections: allSections,
		}
	}
	return config{
		duration: 4 * time.Second, floorDuration: 1500 * time.Millisecond, conns: 32, openConns: 256,
		keyCounts: []int{signerCount, 1_000_000}, stores: []string{storeMemory, storePostgres},
		startupRuns: 10, writeConns: 8, writeDuration: 3 * time.Second,
		pageKeyCounts: []int{100, 1000, 10_000, 100_000}, peerDuration: 5 * time.Second, python: "python3",
		sections: allSections,
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if os.Getenv(serverRoleEnv) == serverRoleValue {
		err = serveFixture(ctx, os.Args[1:], os.Stderr)
	} else {
		err = run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// run parses the flags, measures, and writes the report to stdout;
// progress goes to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	b := &bench{cfg: cfg, progress: stderr}
	rep, err := b.run(ctx)
	if err != nil {
		return err
	}
	rep.write(stdout)
	return nil
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	quick := false
	for _, a := range args {
		if a == "-quick" || a == "--quick" || a == "-quick=true" || a == "--quick=true" {
			quick = true
		}
	}
	cfg := defaultConfig(quick)
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Bool("quick", false, "a smoke run of a few seconds: short phases, 1000 and 3000 keys (defaults below are the full run's)")
	fs.DurationVar(&cfg.duration, "duration", cfg.duration, "length of each measured load phase")
	fs.DurationVar(&cfg.floorDuration, "floor-duration", cfg.floorDuration, "length of each Ed25519 floor measurement")
	fs.IntVar(&cfg.conns, "conns", cfg.conns, "keep-alive connections of the peak (closed-loop) runs")
	fs.IntVar(&cfg.openConns, "open-conns", cfg.openConns, "connections available to the half-peak (open-loop) runs")
	keys := fs.String("keys", joinInts(cfg.keyCounts), "comma-separated numbers of registered keys")
	stores := fs.String("stores", strings.Join(cfg.stores, ","), "comma-separated stores: memory, postgres")
	fs.IntVar(&cfg.startupRuns, "startup-runs", cfg.startupRuns, "server starts per store for the startup time")
	fs.IntVar(&cfg.writeConns, "write-conns", cfg.writeConns, "concurrent management writers")
	fs.DurationVar(&cfg.writeDuration, "write-duration", cfg.writeDuration, "length of each management write phase")
	fs.StringVar(&cfg.serverBin, "server-bin", "", "cmd/server binary for the startup and management runs (default: go build it)")
	fs.StringVar(&cfg.profileDir, "profile", "", "write CPU profiles of the server under peak v2 load into this directory")
	pageKeys := fs.String("page-keys", joinInts(cfg.pageKeyCounts), "comma-separated numbers of keys of the one principal whose page cost is measured")
	fs.DurationVar(&cfg.peerDuration, "peer-duration", cfg.peerDuration, "length of each run of the key workload (emulator and moto)")
	fs.BoolVar(&cfg.moto, "moto", false, "also run the key workload against moto's IAM (python -m moto.server)")
	fs.StringVar(&cfg.python, "python", cfg.python, "the Python interpreter that runs moto")
	sections := fs.String("sections", strings.Join(cfg.sections, ","), "comma-separated measurements to run: "+strings.Join(allSections, ", ")+" (a partial run for targeted comparisons)")
	fs.BoolVar(&cfg.requirePostgres, "require-postgres", false, "fail instead of skipping Postgres when no database is configured")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var err error
	if cfg.keyCounts, err = parseInts(*keys); err != nil {
		return cfg, fmt.Errorf("-keys: %w", err)
	}
	if cfg.pageKeyCounts, err = parseInts(*pageKeys); err != nil {
		return cfg, fmt.Errorf("-page-keys: %w", err)
	}
	cfg.sections = nil
	for _, s := range strings.Split(*sections, ",") {
		if s = strings.TrimSpace(s); !slices.Contains(allSections, s) {
			return cfg, fmt.Errorf("-sections: unknown section %q (want some of %s)", s, strings.Join(allSections, ", "))
		}
		cfg.sections = append(cfg.sections, s)
	}
	cfg.stores = nil
	for _, s := range strings.Split(*stores, ",") {
		switch s = strings.TrimSpace(s); s {
		case storeMemory, storePostgres:
			cfg.stores = append(cfg.stores, s)
		default:
			return cfg, fmt.Errorf("-stores: unknown store %q", s)
		}
	}
	if cfg.conns < 1 || cfg.openConns < 1 || cfg.writeConns < 1 || cfg.startupRuns < 1 {
		return cfg, errors.New("-conns, -open-conns, -write-conns and -startup-runs must be positive")
	}
	return cfg, nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(f, "_", "")))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}
