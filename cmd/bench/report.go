package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// machine describes where the report was measured.
type machine struct {
	cpu      string
	cpus     int
	memory   string
	kernel   string
	goVer    string
	postgres string
}

func describeMachine() machine {
	m := machine{cpus: runtime.NumCPU(), goVer: runtime.Version(), cpu: "unknown", memory: "unknown", kernel: "unknown"}
	m.cpu = firstField("/proc/cpuinfo", "model name")
	if kb := firstField("/proc/meminfo", "MemTotal"); kb != "" {
		m.memory = kb
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = "Linux " + strings.TrimSpace(string(b))
	}
	return m
}

// firstField returns the value of the first "name: value" line of a /proc
// file.
func firstField(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func postgresVersion(ctx context.Context, dsn string) (string, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "", fmt.Errorf("connecting to Postgres: %w", err)
	}
	defer conn.Close(ctx)
	var v string
	err = conn.QueryRow(ctx, "SHOW server_version").Scan(&v)
	return "PostgreSQL " + v, err
}

// report is everything one run measured.
type report struct {
	cfg        config
	machine    machine
	skipped    []string
	scenarios  []scenario
	startups   []startupResult
	management []managementResult
	pageCosts  []pageCost
	peers      peerComparison
}

// The goals the report checks (docs/benchmarks.md says where they come
// from).
const (
	goalMemoryRatio   = 0.5
	goalPostgresRatio = 0.3
	goalHalfPeakP99   = 5 * time.Millisecond
	goalScaleCost     = 1.2
	goalPageCost      = 1.5 // a page of the largest listing against the smallest
	goalPeerRatio     = 20  // the emulator's uploads per second over moto's
	goalStartMemory   = 50 * time.Millisecond
	goalStartPostgres = time.Second
)

func (r *report) write(w io.Writer) {
	m := r.machine
	fmt.Fprintf(w, "## Results\n\n")
	fmt.Fprintf(w, "Machine: %s, %d CPUs (server and load generator share them, unpinned), %s RAM, %s, %s", m.cpu, m.cpus, m.memory, m.kernel, m.goVer)
	if m.postgres != "" {
		fmt.Fprintf(w, ", %s", m.postgres)
	}
	fmt.Fprintf(w, ".\nPhases: %s per load phase after a %s warm-up, %d connections at peak, floor %s before and after.\n\n",
		r.cfg.duration, r.cfg.duration/5, r.cfg.conns, r.cfg.floorDuration)
	for _, s := range r.skipped {
		fmt.Fprintf(w, "Skipped: %s.\n\n", s)
	}

	fmt.Fprintf(w, "### Signed SDK requests\n\n")
	fmt.Fprintf(w, "*Ratio* is the requests per second at peak over the floor's verifications per second, measured on the same cores within seconds. ")
	fmt.Fprintf(w, "*CPU/req* is the CPU time the server process (and, on Postgres, the backends serving its database: the second figure) spent per request at peak; ")
	fmt.Fprintf(w, "*CPU ratio* is the CPU time of one verification of the floor over it: it does not move with the other work on the machine.\n\n")
	fmt.Fprintf(w, "| store | keys | request | answer | req/s at peak | Ed25519 floor/s | ratio | CPU/req | CPU ratio | p50 | p99 | p99.9 | half-peak rate | p50 | p99 | p99.9 | errors |\n")
	fmt.Fprintf(w, "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, sc := range r.scenarios {
		for _, run := range sc.runs {
			pk := run.peak
			errors := pk.errors
			half := "| – | – | – | –"
			if run.half != nil {
				h := *run.half
				errors += h.errors
				half = fmt.Sprintf("| %.0f/s | %s | %s | %s", h.throughput(), ms(h.percentile(0.5)), ms(h.percentile(0.99)), ms(h.percentile(0.999)))
			}
			fmt.Fprintf(w, "| %s | %s | %s `%s %s` | %d | %.0f | %.0f | %.2f | %s | %.2f | %s | %s | %s %s | %d |\n",
				sc.store, count(sc.keys), run.kind.name, run.kind.method, run.kind.target, run.status,
				pk.throughput(), sc.floor(), pk.throughput()/sc.floor(), cpuSplit(run), cpuRatio(sc, run),
				ms(pk.percentile(0.5)), ms(pk.percentile(0.99)), ms(pk.percentile(0.999)), half, errors)
		}
	}
	fmt.Fprintln(w)
	for _, sc := range r.scenarios {
		for _, run := range sc.runs {
			for _, res := range []*loadResult{&run.peak, run.half} {
				if res != nil && res.errors > 0 {
					fmt.Fprintf(w, "Errors, %s %s %s: %d, first: %s\n\n", sc.store, count(sc.keys), run.kind.name, res.errors, res.firstError)
				}
			}
		}
	}

	fmt.Fprintf(w, "### Scale: cost per request with more keys\n\n")
	fmt.Fprintf(w, "| store | request | keys | req/s | keys | req/s | cost ratio (goal ≤ %.1f) |\n|---|---|---:|---:|---:|---:|---:|\n", goalScaleCost)
	for _, st := range r.cfg.stores {
		var mine []scenario
		for _, sc := range r.scenarios {
			if sc.store == st {
				mine = append(mine, sc)
			}
		}
		if len(mine) < 2 {
			continue
		}
		small, large := mine[0], mine[len(mine)-1]
		for i, run := range small.runs {
			lr := large.runs[i]
			fmt.Fprintf(w, "| %s | %s | %s | %.0f | %s | %.0f | %.2f |\n", st, run.kind.name,
				count(small.keys), run.peak.throughput(), count(large.keys), lr.peak.throughput(), run.peak.throughput()/lr.peak.throughput())
		}
	}
	fmt.Fprintln(w)

	r.writePageCosts(w)
	r.writePeers(w)

	fmt.Fprintf(w, "### Startup: process start to first ready `/_emulator/readyz`\n\n| store | runs | median | min | max | goal |\n|---|---:|---:|---:|---:|---:|\n")
	for _, s := range r.startups {
		goal, note := goalStartMemory, ""
		if s.store == storePostgres {
			goal, note = goalStartPostgres, " (new empty database each run: all migrations)"
		}
		fmt.Fprintf(w, "| %s%s | %d | %s | %s | %s | < %s |\n", s.store, note, len(s.times), ms(s.median()), ms(s.times[0]), ms(s.times[len(s.times)-1]), goal)
	}
	fmt.Fprintln(w)

	fmt.Fprintf(w, "### Resident memory\n\n| server | RSS |\n|---|---:|\n")
	for _, s := range r.startups {
		if s.store == storeMemory {
			fmt.Fprintf(w, "| cmd/server, memory store, idle right after ready | %s |\n", mib(s.rss))
		}
	}
	for _, sc := range r.scenarios {
		if sc.store == storeMemory {
			fmt.Fprintf(w, "| memory store with %s keys, ready (loaded in %s) | %s |\n", count(sc.keys), sc.loadTime.Round(10*time.Millisecond), mib(sc.rssLoaded))
			fmt.Fprintf(w, "| memory store with %s keys, after the load runs | %s |\n", count(sc.keys), mib(sc.rssAfter))
		}
	}
	fmt.Fprintln(w)

	fmt.Fprintf(w, "### Management writes (%d concurrent admin requests, %s each)\n\n| store | write | per second | errors |\n|---|---|---:|---:|\n", r.cfg.writeConns, r.cfg.writeDuration)
	for _, m := range r.management {
		for _, wr := range m.writes {
			fmt.Fprintf(w, "| %s | %s | %.0f | %d |\n", m.store, wr.name, wr.perSecond(), wr.errors)
			if wr.errors > 0 {
				defer fmt.Fprintf(w, "\nErrors, %s %s: first: %s\n", m.store, wr.name, wr.firstErr)
			}
		}
	}
	fmt.Fprintln(w)
	r.writeGoals(w)
}

// writeGoals compares the run with the goals.
func (r *report) writeGoals(w io.Writer) {
	fmt.Fprintf(w, "### Goals\n\n")
	check := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**missed**"
	}
	for _, sc := range r.scenarios {
		if sc.keys != r.cfg.keyCounts[0] {
			continue
		}
		goal := goalMemoryRatio
		if sc.store == storePostgres {
			goal = goalPostgresRatio
		}
		for _, run := range sc.runs {
			ratio, byCPU := run.peak.throughput()/sc.floor(), cpuRatio(sc, run)
			fmt.Fprintf(w, "- %s, %s: %.2f of the Ed25519 floor (goal ≥ %.2f): %s; by CPU time %.2f: %s\n", sc.store, run.kind.name, ratio, goal, check(ratio >= goal), byCPU, check(byCPU >= goal))
			if run.half != nil {
				p99 := run.half.percentile(0.99)
				fmt.Fprintf(w, "- %s, %s: p99 %s at half of peak (goal < %s): %s\n", sc.store, run.kind.name, ms(p99), goalHalfPeakP99, check(p99 < goalHalfPeakP99))
			}
		}
	}
	for _, st := range r.cfg.stores {
		var small, large *scenario
		for i := range r.scenarios {
			if sc := &r.scenarios[i]; sc.store == st {
				if small == nil {
					small = sc
				}
				large = sc
			}
		}
		if small == nil || small == large {
			continue
		}
		for i, run := range small.runs {
			cost := run.peak.throughput() / large.runs[i].peak.throughput()
			fmt.Fprintf(w, "- %s, %s: cost with %s keys is %.2fx that with %s (goal ≤ %.1fx): %s\n", st, run.kind.name, count(large.keys), cost, count(small.keys), goalScaleCost, check(cost <= goalScaleCost))
		}
	}
	first := map[string]pageCost{}
	for _, pc := range r.pageCosts {
		b, ok := first[pc.store]
		if !ok {
			first[pc.store] = pc
			continue
		}
		for _, c := range []struct {
			name      string
			base, res loadResult
		}{{"first page", b.first, pc.first}, {"deep page", b.deep, pc.deep}} {
			cost := c.base.throughput() / c.res.throughput()
			fmt.Fprintf(w, "- %s, %s of %s keys: %.2fx the cost with %s (goal ≤ %.1fx): %s\n", pc.store, c.name, count(pc.keys), cost, count(b.keys), goalPageCost, check(cost <= goalPageCost))
		}
	}
	motoRate := map[string]float64{}
	for _, m := range r.peers.moto {
		motoRate[m.variant.name] = m.uploadsPerSecond()
	}
	for _, k := range r.peers.emulator {
		if m := motoRate[k.variant.name]; m > 0 {
			ratio := k.uploadsPerSecond() / m
			fmt.Fprintf(w, "- key workload against moto, %s, %s: %.1fx moto's uploads per second (goal ≥ %dx): %s\n", k.server, k.variant.name, ratio, goalPeerRatio, check(ratio >= goalPeerRatio))
		}
	}
	for _, s := range r.startups {
		goal := goalStartMemory
		if s.store == storePostgres {
			goal = goalStartPostgres
		}
		fmt.Fprintf(w, "- startup, %s: median %s (goal < %s): %s\n", s.store, ms(s.median()), goal, check(s.median() < goal))
	}
}

// cpuRatio is the CPU time of a verification over that of a request.
func cpuRatio(sc scenario, run kindRun) float64 {
	if run.cpu <= 0 {
		return 0
	}
	return float64(sc.floorCPU()) / float64(run.cpu)
}

// cpuSplit shows the CPU time of a request, with the database's part when
// there is one.
func cpuSplit(run kindRun) string {
	if run.dbCPU == 0 {
		return us(run.cpu)
	}
	return fmt.Sprintf("%s (%s in Postgres)", us(run.cpu), us(run.dbCPU))
}

func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond)) }

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// count writes 1000000 as 1 000 000.
func count(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(" ")
		}
		b.WriteRune(c)
	}
	return b.String()
}

// writePageCosts shows the cost of one page against the number of keys
// listed, per store: flat when a page costs O(page + log n).
func (r *report) writePageCosts(w io.Writer) {
	if len(r.pageCosts) == 0 {
		return
	}
	fmt.Fprintf(w, "### Page cost: one page of %d of one principal's keys (`GET /api/v1/me/keys`), %d connections\n\n", pageSize, pageConns)
	fmt.Fprintf(w, "Cost = 1 ÷ pages per second, relative to the smallest listing of the same store in this run (1.00 = flat).\n\n")
	fmt.Fprintf(w, "The deep page starts at the middle of the listing and is read with the token that leads there; a listing of less than two pages has none before its last full page, so with 100 keys it is the first.\n\n")
	fmt.Fprintf(w, "| store | keys | first page/s | p50 | cost | deep page/s (by its token) | p50 | cost | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	base := map[string]pageCost{}
	for _, pc := range r.pageCosts {
		b, ok := base[pc.store]
		if !ok {
			b, base[pc.store] = pc, pc
		}
		fmt.Fprintf(w, "| %s | %s | %.0f | %s | %.2f | %.0f | %s | %.2f | %d |\n", pc.store, count(pc.keys),
			pc.first.throughput(), ms(pc.first.percentile(0.5)), b.first.throughput()/pc.first.throughput(),
			pc.deep.throughput(), ms(pc.deep.percentile(0.5)), b.deep.throughput()/pc.deep.throughput(),
			pc.first.errors+pc.deep.errors)
	}
	fmt.Fprintln(w)
	for _, pc := range r.pageCosts {
		for _, res := range []loadResult{pc.first, pc.deep} {
			if res.errors > 0 {
				fmt.Fprintf(w, "Errors, page cost %s %s keys: %d, first: %s\n\n", pc.store, count(pc.keys), res.errors, res.firstError)
			}
		}
	}
}

// writePeers shows the key workload against moto and the emulator, with
// the emulator's rate as a multiple of moto's.
func (r *report) writePeers(w io.Writer) {
	pc := r.peers
	if len(pc.emulator) == 0 && len(pc.moto) == 0 {
		return
	}
	fmt.Fprintf(w, "### Key management against moto's IAM: %d workers, each uploading fresh Ed25519 public keys for %s\n\n", keyWorkers, r.cfg.peerDuration)
	if pc.motoSkipped != "" {
		fmt.Fprintf(w, "Skipped: moto (%s); the emulator's rows have no ratio.\n\n", pc.motoSkipped)
	}
	fmt.Fprintf(w, "| server | workload | uploads/s | lists/s | uploads ÷ moto's | errors |\n|---|---|---:|---:|---:|---:|\n")
	motoRate := map[string]float64{}
	for _, m := range pc.moto {
		motoRate[m.variant.name] = m.uploadsPerSecond()
	}
	rows := slices.Concat(pc.moto, pc.emulator)
	for _, k := range rows {
		server := k.server
		if k.server == "moto" {
			server = "moto " + pc.motoVersion + " (`python -m moto.server`)"
		}
		ratio := "–"
		if m, ok := motoRate[k.variant.name]; ok && m > 0 {
			ratio = fmt.Sprintf("%.1f", k.uploadsPerSecond()/m)
		}
		lists := "–"
		if k.variant.listEvery > 0 {
			lists = fmt.Sprintf("%.0f", k.listsPerSecond())
		}
		fmt.Fprintf(w, "| %s | %s | %.0f | %s | %s | %d |\n", server, k.variant.name, k.uploadsPerSecond(), lists, ratio, k.errors)
	}
	fmt.Fprintln(w)
	for _, k := range rows {
		if k.errors > 0 {
			fmt.Fprintf(w, "Errors, %s %s: %d, first: %s\n\n", k.server, k.variant.name, k.errors, k.firstErr)
		}
	}
}
