package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testenv"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// bench runs the measurements of one report.
type bench struct {
	cfg       config
	progress  io.Writer
	serverBin string
	selfBin   string
	dbs       *databases // nil without Postgres
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.progress, "bench: "+format+"\n", args...)
}

func (b *bench) run(ctx context.Context) (*report, error) {
	rep := &report{cfg: b.cfg, machine: describeMachine()}
	var err error
	if b.selfBin, err = os.Executable(); err != nil {
		return nil, err
	}
	if b.serverBin = b.cfg.serverBin; b.serverBin == "" {
		dir, err := os.MkdirTemp("", "encord-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		b.logf("building cmd/server")
		if b.serverBin, err = buildServer(ctx, dir); err != nil {
			return nil, err
		}
	}
	if slices.Contains(b.cfg.stores, storePostgres) {
		base, ok := testenv.PostgresEnv()
		switch {
		case ok:
			b.dbs = newDatabases(base)
			defer func() {
				if err := b.dbs.dropAll(context.WithoutCancel(ctx)); err != nil {
					b.logf("dropping the bench databases: %v", err)
				}
			}()
			if rep.machine.postgres, err = postgresVersion(ctx, b.dbs.baseDSN); err != nil {
				return nil, err
			}
			tls, err := b.dbs.tls(ctx)
			if err != nil {
				return nil, err
			}
			rep.machine.postgres += " on the same machine, " + tls
		case b.cfg.requirePostgres:
			return nil, errors.New("no Postgres: set DATABASE_URL or run under pg_virtualenv (make bench does)")
		default:
			b.logf("no DATABASE_URL or PG* variables: skipping Postgres")
			rep.skipped = append(rep.skipped, "Postgres (no DATABASE_URL or PG* variables)")
			b.cfg.stores = slices.DeleteFunc(slices.Clone(b.cfg.stores), func(s string) bool { return s == storePostgres })
		}
	}
	for _, st := range b.storesFor(sectionSigned) {
		for _, n := range b.cfg.keyCounts {
			sc, err := b.loadScenario(ctx, st, n)
			if err != nil {
				return nil, fmt.Errorf("%s store, %d keys: %w", st, n, err)
			}
			rep.scenarios = append(rep.scenarios, sc)
		}
	}
	for _, st := range b.storesFor(sectionPages) {
		for _, n := range b.cfg.pageKeyCounts {
			pc, err := b.measurePageCost(ctx, st, n)
			if err != nil {
				return nil, fmt.Errorf("%s store, page cost with %d keys: %w", st, n, err)
			}
			rep.pageCosts = append(rep.pageCosts, pc)
		}
	}
	if b.cfg.runs(sectionPeers) {
		if rep.peers, err = b.measurePeers(ctx); err != nil {
			return nil, fmt.Errorf("key workload: %w", err)
		}
	}
	for _, st := range b.storesFor(sectionStartup) {
		b.logf("%s: startup, %d runs", st, b.cfg.startupRuns)
		s, err := b.measureStartup(ctx, st, b.cfg.startupRuns)
		if err != nil {
			return nil, fmt.Errorf("%s startup: %w", st, err)
		}
		rep.startups = append(rep.startups, s)
	}
	for _, st := range b.storesFor(sectionWrites) {
		b.logf("%s: management writes", st)
		m, err := b.measureManagement(ctx, st)
		if err != nil {
			return nil, fmt.Errorf("%s management writes: %w", st, err)
		}
		rep.management = append(rep.management, m)
	}
	return rep, nil
}

// storesFor returns the stores to measure in a section: none when the
// section was not asked for.
func (b *bench) storesFor(section string) []string {
	if !b.cfg.runs(section) {
		return nil
	}
	return b.cfg.stores
}

// scenario is the measurements of one server: a store holding a number of
// keys.
type scenario struct {
	store       string
	keys        int
	loadTime    time.Duration // filling the store and starting the server
	rssLoaded   int64         // server's resident memory once ready
	rssAfter    int64         // and after the load runs
	floorBefore floorResult
	floorAfter  floorResult
	runs        []kindRun
}

// floor is the mean of the floor's two measurements, in verifications per
// second.
func (s scenario) floor() float64 { return (s.floorBefore.perSecond + s.floorAfter.perSecond) / 2 }

// floorCPU is the mean CPU time of one verification.
func (s scenario) floorCPU() time.Duration { return (s.floorBefore.cpu + s.floorAfter.cpu) / 2 }

// kindRun is the measurements of one request kind against one server.
type kindRun struct {
	kind   requestKind
	status int // the answer every request got (200, or 501 after authentication)
	peak   loadResult
	half   *loadResult // open loop at half of peak; nil when not measured
	// cpu is the CPU time the server process and its Postgres backends
	// used per request at peak; dbCPU the backends' part of it.
	cpu, dbCPU time.Duration
}

// loadScenario fills a store with keyCount keys, starts a server process on
// it, and measures every request kind at peak and at half of peak, with
// the Ed25519 floor measured right before and right after.
func (b *bench) loadScenario(ctx context.Context, storeName string, keyCount int) (scenario, error) {
	sc := scenario{store: storeName, keys: keyCount}
	f := newFixture(keyCount, signerCount, time.Now().UTC().Truncate(time.Microsecond))
	b.logf("%s, %d keys: loading the store", storeName, keyCount)
	fs, err := b.startFixtureServer(ctx, storeName, f, b.cfg.profileDir != "")
	if err != nil {
		return sc, err
	}
	p, pprofAddr := fs.server, fs.pprofAddr
	meter := &cpuMeter{serverPID: p.Pid(), dsn: fs.dsn}
	defer p.Stop(stopGrace)
	sc.loadTime = fs.loadTime
	if sc.rssLoaded, err = rss(p.Process); err != nil {
		return sc, err
	}
	b.logf("%s, %d keys: loaded in %s, server RSS %s", storeName, keyCount, sc.loadTime.Round(time.Millisecond), mib(sc.rssLoaded))

	fpub, fmsg, fsig := floorSample(f)
	procs := runtime.GOMAXPROCS(0)
	sc.floorBefore = verifyFloor(procs, b.cfg.floorDuration, fpub, fmsg, fsig)
	for _, kind := range []requestKind{kindV2, kindV1, kindV2AuthOnly} {
		run, err := b.measureKind(ctx, p, meter, f, kind, kind.name != kindV2AuthOnly.name)
		if err != nil {
			return sc, fmt.Errorf("%s: %w", kind.name, err)
		}
		sc.runs = append(sc.runs, run)
		b.logf("%s, %d keys, %s: %.0f req/s at peak, p99 %s; errors %d", storeName, keyCount, kind.name,
			run.peak.throughput(), run.peak.percentile(0.99), run.peak.errors)
	}
	sc.floorAfter = verifyFloor(procs, b.cfg.floorDuration, fpub, fmsg, fsig)
	if sc.rssAfter, err = rss(p.Process); err != nil {
		return sc, err
	}
	if pprofAddr != "" {
		if err := b.profile(ctx, p.Addr, pprofAddr, f, fmt.Sprintf("%s-%dkeys-v2", storeName, keyCount)); err != nil {
			return sc, err
		}
	}
	return sc, p.Stop(stopGrace)
}

// fixtureServer is a server process serving a fixture.
type fixtureServer struct {
	server    *testenv.Server
	dsn       string        // the Postgres database; "" for the memory store
	loadTime  time.Duration // filling the store and starting the server
	pprofAddr string        // "" unless profiling was asked for
}

// startFixtureServer fills a store with f (a Postgres database through
// COPY here; the memory store in the server process, through its
// transactions), starts a server process in the bench's server role on it,
// and waits until it is ready. The caller stops the server.
func (b *bench) startFixtureServer(ctx context.Context, storeName string, f *fixture, withPprof bool) (fixtureServer, error) {
	var fs fixtureServer
	addr, err := testenv.FreeAddr()
	if err != nil {
		return fs, err
	}
	args := []string{"-addr", addr, "-store", storeName, "-keys", strconv.Itoa(f.keyCount), "-members", strconv.Itoa(len(f.members)),
		"-created", strconv.FormatInt(f.createdAt.UnixMicro(), 10)}
	start := time.Now()
	if storeName == storePostgres {
		dsn, err := b.dbs.create(ctx)
		if err != nil {
			return fs, err
		}
		if err := loadPostgres(ctx, dsn, f); err != nil {
			return fs, err
		}
		args = append(args, "-database-url", dsn)
		fs.dsn = dsn
	}
	if withPprof {
		if fs.pprofAddr, err = testenv.FreeAddr(); err != nil {
			return fs, err
		}
		args = append(args, "-pprof-addr", fs.pprofAddr)
	}
	p, err := testenv.StartServer(testenv.Command{Name: "bench server", Path: b.selfBin, Args: args, Env: []string{serverRoleEnv + "=" + serverRoleValue}}, addr)
	if err != nil {
		return fs, err
	}
	if fs.loadTime, err = waitReady(ctx, p, start, 10*time.Minute); err != nil {
		p.Stop(stopGrace)
		return fs, err
	}
	fs.server = p
	return fs, nil
}

// measureKind presigns the kind's requests for every signer, checks that
// one is answered after authentication (200, or 501 for calls the emulator
// does not emulate), and measures peak throughput (closed loop, after a
// warm-up) and, when withHalf, latency at half of that rate (open loop).
func (b *bench) measureKind(ctx context.Context, p *testenv.Server, meter *cpuMeter, f *fixture, kind requestKind, withHalf bool) (kindRun, error) {
	run := kindRun{kind: kind}
	reqs, err := presign(kind, f.signers, p.Addr, time.Now())
	if err != nil {
		return run, err
	}
	status, body, err := probe(p.Addr, reqs[0])
	if err != nil {
		return run, err
	}
	if status != http.StatusOK && status != http.StatusNotImplemented {
		return run, fmt.Errorf("%s %s answered %d, want 200 or 501 (after authentication): %s", kind.method, kind.target, status, body)
	}
	run.status = status
	spec := loadSpec{addr: p.Addr, requests: reqs, expect: status, conns: b.cfg.conns, duration: b.cfg.duration / 5}
	runLoad(ctx, spec) // warm-up
	spec.duration = b.cfg.duration
	if err := meter.begin(ctx); err != nil {
		return run, err
	}
	run.peak = runLoad(ctx, spec)
	server, database, err := meter.end(ctx)
	if err != nil {
		return run, err
	}
	requests := time.Duration(max(run.peak.requests, 1))
	run.cpu, run.dbCPU = (server+database)/requests, database/requests
	if withHalf {
		spec.conns, spec.rate, spec.warmup = b.cfg.openConns, run.peak.throughput()/2, b.cfg.duration/5
		half := runLoad(ctx, spec)
		run.half = &half
	}
	return run, ctx.Err()
}

// profile records a CPU profile of the server under peak v2 load.
func (b *bench) profile(ctx context.Context, addr, pprofAddr string, f *fixture, name string) error {
	reqs, err := presign(kindV2, f.signers, addr, time.Now())
	if err != nil {
		return err
	}
	seconds := max(1, int(b.cfg.duration.Seconds()))
	done := make(chan error, 1)
	go func() {
		done <- fetchProfile(ctx, pprofAddr, seconds, filepath.Join(b.cfg.profileDir, name+".pprof"))
	}()
	status, _, err := probe(addr, reqs[0])
	if err != nil {
		return err
	}
	runLoad(ctx, loadSpec{addr: addr, requests: reqs, expect: status, conns: b.cfg.conns, duration: time.Duration(seconds)*time.Second + 500*time.Millisecond})
	if err := <-done; err != nil {
		return err
	}
	b.logf("wrote %s", filepath.Join(b.cfg.profileDir, name+".pprof"))
	return nil
}

func fetchProfile(ctx context.Context, pprofAddr string, seconds int, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+pprofAddr+"/debug/pprof/profile?seconds="+strconv.Itoa(seconds), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("pprof answered %d", resp.StatusCode)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, resp.Body); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// floorSample is one verification exactly as the server performs it for a
// v2 request of the load: the first signer's signature over its signature
// base.
func floorSample(f *fixture) (ed25519.PublicKey, []byte, []byte) {
	s := f.signers[0]
	created := time.Now().Add(-encordsign.CreatedOffset).Unix()
	h := s.SignV2(kindV2.method, kindV2.target, nil, created)
	params := strings.TrimPrefix(h.SignatureInput, encordsign.Label+"=")
	base := encordsign.SignatureBase(kindV2.method, kindV2.target, h.ContentDigest, params)
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(h.Signature, encordsign.Label+"=:"), ":"))
	if err != nil {
		panic("bench: encordsign produced an undecodable signature: " + err.Error())
	}
	return s.public, []byte(base), sig
}
