package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/internal/testclient"
)

// The peer comparison runs the key workload of a user who would otherwise
// reach for moto's IAM: keyWorkers workers, each a principal of its own,
// upload a fresh Ed25519 public key in a loop for a fixed time; in the
// second variant each also lists its principal's keys after every
// listEvery-th upload. The same workload runs, over HTTP and one server
// process each, against the emulator's management plane and against moto.

const (
	keyWorkers = 8
	listEvery  = 10
)

// keyVariant is one variant of the key workload.
type keyVariant struct {
	name      string
	listEvery int // 0: uploads only
}

var keyVariants = []keyVariant{
	{name: "uploads"},
	{name: fmt.Sprintf("uploads + a list after every %dth", listEvery), listEvery: listEvery},
}

// keyPeer is a server the key workload runs against, its principals set up.
type keyPeer interface {
	// upload registers publicKey (an authorized_keys line) to worker's
	// principal and checks the answer.
	upload(ctx context.Context, worker int, publicKey string) error
	// list reads the first page of worker's principal's keys.
	list(ctx context.Context, worker int) error
}

// keyWorkloadResult is one variant of the workload against one server.
type keyWorkloadResult struct {
	server   string
	variant  keyVariant
	uploads  int64
	lists    int64
	errors   int64
	elapsed  time.Duration
	firstErr string
}

func (r keyWorkloadResult) uploadsPerSecond() float64 {
	return float64(r.uploads) / r.elapsed.Seconds()
}

func (r keyWorkloadResult) listsPerSecond() float64 {
	return float64(r.lists) / r.elapsed.Seconds()
}

// peerComparison is the workload's results: moto's (when it ran) and the
// emulator's on each store.
type peerComparison struct {
	moto        []keyWorkloadResult // one per variant; nil when skipped
	motoVersion string
	motoSkipped string // why moto did not run
	emulator    []keyWorkloadResult
}

// runKeyWorkload runs variant against peer for d and counts what completed.
func runKeyWorkload(ctx context.Context, server string, peer keyPeer, variant keyVariant, keys *keyPool, d time.Duration) keyWorkloadResult {
	var (
		wg               sync.WaitGroup
		uploads, lists   atomic.Int64
		failed           atomic.Int64
		firstErr         atomic.Value
		stop             atomic.Bool
		start            = time.Now()
		timer            = time.AfterFunc(d, func() { stop.Store(true) })
		fail             = func(err error) { failed.Add(1); firstErr.CompareAndSwap(nil, err.Error()) }
		uploadedByWorker = make([]int, keyWorkers)
	)
	defer timer.Stop()
	for w := range keyWorkers {
		wg.Go(func() {
			for !stop.Load() && ctx.Err() == nil {
				if err := peer.upload(ctx, w, keys.next()); err != nil {
					fail(err)
					continue
				}
				uploads.Add(1)
				uploadedByWorker[w]++
				if variant.listEvery > 0 && uploadedByWorker[w]%variant.listEvery == 0 {
					if err := peer.list(ctx, w); err != nil {
						fail(err)
						continue
					}
					lists.Add(1)
				}
			}
		})
	}
	wg.Wait()
	r := keyWorkloadResult{server: server, variant: variant, uploads: uploads.Load(), lists: lists.Load(), errors: failed.Load(), elapsed: time.Since(start)}
	if s, ok := firstErr.Load().(string); ok {
		r.firstErr = s
	}
	return r
}

// keyPool hands out fresh Ed25519 public keys as authorized_keys lines.
// Keys made before the measured phases are handed out first, so that the
// load generator spends its CPU on requests; past them, keys are made on
// demand. Every run of the workload starts a new server, so the pool is
// rewound between runs.
type keyPool struct {
	lines []string
	taken atomic.Int64
}

// newKeyPool makes n keys, on every CPU.
func newKeyPool(n int) (*keyPool, error) {
	p := &keyPool{lines: make([]string, n)}
	var wg sync.WaitGroup
	var firstErr atomic.Value
	const workers = 4
	for w := range workers {
		wg.Go(func() {
			random := rand.NewChaCha8(seed(fmt.Sprintf("peer keys %d", w)))
			for i := w; i < n; i += workers {
				line, err := freshKeyLine(random)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				p.lines[i] = line
			}
		})
	}
	wg.Wait()
	if err, ok := firstErr.Load().(error); ok {
		return nil, err
	}
	return p, nil
}

func freshKeyLine(random io.Reader) (string, error) {
	pub, _, err := ed25519.GenerateKey(random)
	if err != nil {
		return "", err
	}
	k, err := sshkey.FromEd25519(pub)
	if err != nil {
		return "", err
	}
	return k.Line, nil
}

func (p *keyPool) rewind() { p.taken.Store(0) }

func (p *keyPool) next() string {
	if i := p.taken.Add(1) - 1; i < int64(len(p.lines)) {
		return p.lines[i]
	}
	line, err := freshKeyLine(nil) // crypto/rand
	if err != nil {
		panic("bench: making an Ed25519 key: " + err.Error()) // FromEd25519 takes any 32-byte key
	}
	return line
}

// emulatorPeer drives the emulator's management plane: one workspace whose
// keysPerUser quota is raised (through the control plane) so that no
// upload meets it, and keyWorkers members, each with a session of its own.
type emulatorPeer struct {
	http     *http.Client
	base     string
	sessions []string
}

func newEmulatorPeer(ctx context.Context, baseURL string) (*emulatorPeer, error) {
	api := testclient.New(baseURL, testclient.Options{Timeout: time.Minute})
	defer api.Close()
	created := api.Do(ctx, http.MethodPost, "/_emulator/workspaces", "", map[string]any{
		"name": "bench", "admin": map[string]string{"email": "worker0@bench.test", "name": "Worker 0"},
	})
	if err := created.Want(http.StatusCreated); err != nil {
		return nil, fmt.Errorf("creating the workspace: %w", err)
	}
	raised := api.Do(ctx, http.MethodPatch, "/_emulator/workspaces/"+created.Str("workspace.id")+"/quotas", "",
		map[string]int{"keysPerUser": 1_000_000})
	if err := raised.Want(http.StatusOK); err != nil {
		return nil, fmt.Errorf("raising the keysPerUser quota: %w", err)
	}
	admin := created.Str("session.token")
	p := &emulatorPeer{
		http:     &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: keyWorkers, DisableCompression: true}},
		base:     baseURL,
		sessions: []string{admin},
	}
	for w := 1; w < keyWorkers; w++ {
		email := fmt.Sprintf("worker%d@bench.test", w)
		added := api.Do(ctx, http.MethodPost, "/api/v1/workspace/members", admin, map[string]string{"email": email, "name": fmt.Sprintf("Worker %d", w), "role": "member"})
		if err := added.Want(http.StatusCreated); err != nil {
			return nil, fmt.Errorf("adding member %s: %w", email, err)
		}
		login := api.Do(ctx, http.MethodPost, "/api/v1/sessions", "", map[string]string{"email": email})
		if err := login.Want(http.StatusCreated); err != nil {
			return nil, fmt.Errorf("logging in as %s: %w", email, err)
		}
		p.sessions = append(p.sessions, login.Str("token"))
	}
	return p, nil
}

func (p *emulatorPeer) upload(ctx context.Context, worker int, publicKey string) error {
	body, err := json.Marshal(map[string]string{"title": "bench", "publicKey": publicKey})
	if err != nil {
		return err
	}
	return p.do(ctx, worker, http.MethodPost, "/api/v1/me/keys", body, http.StatusCreated)
}

func (p *emulatorPeer) list(ctx context.Context, worker int) error {
	return p.do(ctx, worker, http.MethodGet, "/api/v1/me/keys", nil, http.StatusOK)
}

func (p *emulatorPeer) do(ctx context.Context, worker int, method, path string, body []byte, want int) error {
	req, err := http.NewRequestWithContext(ctx, method, p.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+p.sessions[worker])
	resp, err := p.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s answered %d, want %d: %s", method, path, resp.StatusCode, want, bytes.TrimSpace(answer))
	}
	return nil
}

func (p *emulatorPeer) close() { p.http.CloseIdleConnections() }

// keysPerSecondOfPool sizes the key pool: keys made ahead per second of a
// run, above what the emulator uploads.
const keysPerSecondOfPool = 12_000

// measurePeers runs both variants of the key workload against moto (when
// asked for and installed) and against the emulator's binary on each store,
// a new server process for every run.
func (b *bench) measurePeers(ctx context.Context) (peerComparison, error) {
	var pc peerComparison
	b.logf("key workload: making %d Ed25519 keys", keysPerSecondOfPool*int(b.cfg.peerDuration.Seconds()+1))
	pool, err := newKeyPool(keysPerSecondOfPool * int(b.cfg.peerDuration.Seconds()+1))
	if err != nil {
		return pc, err
	}
	if b.cfg.moto {
		pc.motoVersion, err = motoVersion(ctx, b.cfg.python)
	} else {
		err = errMotoNotAsked
	}
	if err != nil {
		pc.motoSkipped = err.Error()
		b.logf("key workload: skipping moto: %v", err)
	} else {
		for _, variant := range keyVariants {
			r, err := b.runMoto(ctx, variant, pool)
			if err != nil {
				return pc, fmt.Errorf("moto: %w", err)
			}
			pc.moto = append(pc.moto, r)
		}
	}
	for _, st := range b.cfg.stores {
		for _, variant := range keyVariants {
			r, err := b.runEmulatorKeys(ctx, st, variant, pool)
			if err != nil {
				return pc, fmt.Errorf("emulator on %s: %w", st, err)
			}
			pc.emulator = append(pc.emulator, r)
		}
	}
	return pc, nil
}

func (b *bench) runMoto(ctx context.Context, variant keyVariant, pool *keyPool) (keyWorkloadResult, error) {
	proc, base, err := startMoto(ctx, b.cfg.python)
	if err != nil {
		return keyWorkloadResult{}, err
	}
	defer proc.Stop(stopGrace)
	peer, err := newMotoPeer(ctx, base)
	if err != nil {
		return keyWorkloadResult{}, err
	}
	defer peer.close()
	pool.rewind()
	r := runKeyWorkload(ctx, "moto", peer, variant, pool, b.cfg.peerDuration)
	b.logf("moto, %s: %.0f uploads/s, %.0f lists/s, errors %d", variant.name, r.uploadsPerSecond(), r.listsPerSecond(), r.errors)
	return r, ctx.Err()
}

func (b *bench) runEmulatorKeys(ctx context.Context, storeName string, variant keyVariant, pool *keyPool) (keyWorkloadResult, error) {
	dsn := ""
	if storeName == storePostgres {
		var err error
		if dsn, err = b.dbs.create(ctx); err != nil {
			return keyWorkloadResult{}, err
		}
	}
	p, start, err := b.startBinary(storeName, dsn)
	if err != nil {
		return keyWorkloadResult{}, err
	}
	defer p.Stop(stopGrace)
	if _, err := waitReady(ctx, p, start, 30*time.Second); err != nil {
		return keyWorkloadResult{}, err
	}
	peer, err := newEmulatorPeer(ctx, p.URL)
	if err != nil {
		return keyWorkloadResult{}, err
	}
	defer peer.close()
	pool.rewind()
	r := runKeyWorkload(ctx, "emulator, "+storeName, peer, variant, pool, b.cfg.peerDuration)
	b.logf("emulator on %s, %s: %.0f uploads/s, %.0f lists/s, errors %d", storeName, variant.name, r.uploadsPerSecond(), r.listsPerSecond(), r.errors)
	return r, ctx.Err()
}
