package main

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// buildServer builds cmd/server into dir and returns the binary's path.
func buildServer(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "encord-emulator")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "github.com/encord-emulator/encord-emulator/cmd/server")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/server: %w: %s", err, out)
	}
	return bin, nil
}

// startBinary starts cmd/server ("serve") on a free port with the given
// store; dsn names the Postgres database (migrated at startup).
func (b *bench) startBinary(storeName, dsn string) (*testenv.Server, time.Time, error) {
	addr, err := testenv.FreeAddr()
	if err != nil {
		return nil, time.Time{}, err
	}
	args := []string{"serve", "--addr", addr, "--store", storeName, "--log-level", "error"}
	if dsn != "" {
		args = append(args, "--database-url", dsn)
	}
	start := time.Now()
	p, err := testenv.StartServer(testenv.Command{Name: "encord-emulator serve", Path: b.serverBin, Args: args}, addr)
	return p, start, err
}

// startupResult is the time from process start to the first ready
// /_emulator/readyz, over several runs.
type startupResult struct {
	store string
	times []time.Duration // sorted
	rss   int64           // resident memory of the first run, right after ready
}

// measureStartup starts the server binary runs times; a Postgres run gets a
// new empty database each time, so the time includes every migration.
func (b *bench) measureStartup(ctx context.Context, storeName string, runs int) (startupResult, error) {
	res := startupResult{store: storeName}
	for i := range runs {
		dsn := ""
		if storeName == storePostgres {
			var err error
			if dsn, err = b.dbs.create(ctx); err != nil {
				return res, err
			}
		}
		p, start, err := b.startBinary(storeName, dsn)
		if err != nil {
			return res, err
		}
		d, err := waitReady(ctx, p, start, 30*time.Second)
		if err == nil && i == 0 {
			res.rss, err = rss(p.Process)
		}
		if stopErr := p.Stop(stopGrace); err == nil {
			err = stopErr
		}
		if err != nil {
			return res, err
		}
		res.times = append(res.times, d)
	}
	slices.Sort(res.times)
	return res, nil
}

func (r startupResult) median() time.Duration { return r.times[len(r.times)/2] }

// writeResult is the throughput of one management write.
type writeResult struct {
	name      string
	completed int64
	errors    int64
	elapsed   time.Duration
	firstErr  string
}

func (r writeResult) perSecond() float64 { return float64(r.completed) / r.elapsed.Seconds() }

// managementResult holds the management-plane write rates of one store.
type managementResult struct {
	store  string
	writes []writeResult
}

// measureManagement creates a workspace with raised quotas on the server
// binary and measures, with conns concurrent admins' requests, how many
// key generations (POST /api/v1/me/keys without a public key: the server
// makes the key pair) and service-account creations it completes per
// second.
func (b *bench) measureManagement(ctx context.Context, storeName string) (managementResult, error) {
	res := managementResult{store: storeName}
	dsn := ""
	if storeName == storePostgres {
		var err error
		if dsn, err = b.dbs.create(ctx); err != nil {
			return res, err
		}
	}
	p, start, err := b.startBinary(storeName, dsn)
	if err != nil {
		return res, err
	}
	defer p.Stop(stopGrace)
	if _, err := waitReady(ctx, p, start, 30*time.Second); err != nil {
		return res, err
	}
	conns := b.cfg.writeConns
	api := testclient.New(p.URL, testclient.Options{})
	defer api.Close()
	created := api.Do(ctx, http.MethodPost, "/_emulator/workspaces", "", map[string]any{
		"name": "bench", "admin": map[string]string{"email": "admin@bench.test", "name": "Admin"},
	})
	if err := created.Want(http.StatusCreated); err != nil {
		return res, fmt.Errorf("creating the workspace: %w", err)
	}
	raised := api.Do(ctx, http.MethodPatch, "/_emulator/workspaces/"+created.Str("workspace.id")+"/quotas", "",
		map[string]int{"serviceAccounts": 1_000_000, "keysPerUser": 1_000_000})
	if err := raised.Want(http.StatusOK); err != nil {
		return res, fmt.Errorf("raising the quotas: %w", err)
	}
	session := created.Str("session.token")
	ops := []struct {
		name string
		path string
		body func(n int64) any
	}{
		{"key generations", "/api/v1/me/keys", func(n int64) any { return map[string]string{"title": "bench " + strconv.FormatInt(n, 10)} }},
		{"service-account creations", "/api/v1/workspace/service-accounts", func(n int64) any {
			return map[string]string{"name": "bench-" + strconv.FormatInt(n, 10), "description": "bench"}
		}},
	}
	for _, op := range ops {
		res.writes = append(res.writes, runWrites(ctx, op.name, conns, b.cfg.writeDuration, func(n int64) error {
			return api.Do(ctx, http.MethodPost, op.path, session, op.body(n)).Want(http.StatusCreated)
		}))
	}
	return res, nil
}

// runWrites calls write from conns goroutines for d.
func runWrites(ctx context.Context, name string, conns int, d time.Duration, write func(n int64) error) writeResult {
	var (
		wg       sync.WaitGroup
		seq      atomic.Int64
		failed   atomic.Int64
		firstErr atomic.Value
		stop     atomic.Bool
	)
	start := time.Now()
	timer := time.AfterFunc(d, func() { stop.Store(true) })
	defer timer.Stop()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() && ctx.Err() == nil {
				if err := write(seq.Add(1)); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}()
	}
	wg.Wait()
	r := writeResult{name: name, completed: seq.Load() - failed.Load(), errors: failed.Load(), elapsed: time.Since(start)}
	if s, ok := firstErr.Load().(string); ok {
		r.firstErr = s
	}
	return r
}
