package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/app"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// TestMain lets the test binary be the server process of the run under
// test, as the bench binary is for a real run.
func TestMain(m *testing.M) {
	if os.Getenv(serverRoleEnv) == serverRoleValue {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := serveFixture(ctx, os.Args[1:], os.Stderr)
		stop()
		if err != nil {
			os.Stderr.WriteString("bench server: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestQuickRun runs the whole bench in its quick mode: every code path of
// a real run (both stores when a database is configured), no assertion on
// speed, but every request must have been answered as expected.
func TestQuickRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts several server processes")
	}
	args := []string{"-quick", "-keys", "1000,2000", "-duration", "200ms", "-startup-runs", "1", "-page-keys", "100,1000", "-peer-duration", "200ms"}
	if testenv.PostgresRequired() {
		args = append(args, "-require-postgres")
	}
	profiles := t.TempDir()
	args = append(args, "-profile", profiles)
	var out, progress bytes.Buffer
	if err := run(t.Context(), args, &out, &progress); err != nil {
		t.Fatalf("run: %v\nprogress:\n%s", err, progress.String())
	}
	report := out.String()
	t.Log(report)
	for _, want := range []string{"### Signed SDK requests", "### Scale", "### Page cost", "### Key management against moto", "### Startup", "### Resident memory", "### Management writes", "### Goals"} {
		if !strings.Contains(report, want) {
			t.Errorf("report has no %q section", want)
		}
	}
	if !strings.Contains(report, "Skipped: moto (not asked for") {
		t.Errorf("without -moto the report does not say the moto row was skipped and why")
	}
	if strings.Contains(report, "Errors,") {
		t.Errorf("the run had errors:\n%s", report)
	}
	stores := []string{storeMemory}
	if _, ok := testenv.PostgresEnv(); ok {
		stores = append(stores, storePostgres)
	}
	for _, st := range stores {
		for _, keys := range []string{"1 000", "2 000"} {
			for _, kind := range []string{"v2 `GET", "v1 `POST", "v2 auth only `GET"} {
				prefix := "| " + st + " | " + keys + " | " + kind
				if !strings.Contains(report, prefix) {
					t.Errorf("report has no row %q", prefix)
				}
			}
		}
		for _, keys := range []string{"100", "1 000"} {
			if prefix := "| " + st + " | " + keys + " | "; !strings.Contains(report, prefix) {
				t.Errorf("page-cost table has no row %q", prefix)
			}
		}
		for _, variant := range keyVariants {
			if row := "| emulator, " + st + " | " + variant.name + " |"; !strings.Contains(report, row) {
				t.Errorf("key workload table has no row %q", row)
			}
		}
		if _, err := os.Stat(profiles + "/" + st + "-1000keys-v2.pprof"); err != nil {
			t.Errorf("no CPU profile for %s: %v", st, err)
		}
	}
}

// TestFixtureSignersAreRegistered checks that the keys the bench signs with
// are the first keys of the fixture, that the server process (which builds
// its own fixture) resolves them, and that the other keys are distinct.
func TestFixtureSignersAreRegistered(t *testing.T) {
	created := time.Now().UTC().Truncate(time.Microsecond)
	f := newFixture(signerCount+500, signerCount, created)
	st := memory.New()
	defer st.Close()
	if err := newFixture(signerCount+500, signerCount, created).load(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1, signerCount - 1} {
		res, err := st.ResolveKey(t.Context(), f.signers[i].KeyID())
		if err != nil {
			t.Fatalf("signer %d: %v", i, err)
		}
		if res.Key.Owner.ID != f.members[i].ID || res.Role != f.members[i].Role {
			t.Errorf("signer %d resolves to %+v, role %s; want member %s", i, res.Key.Owner, res.Role, f.members[i].ID)
		}
	}
	seen := map[string]bool{}
	stream := f.keys()
	for {
		k, ok, err := stream.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if seen[k.PublicKeyHex] {
			t.Fatalf("public key %s appears twice", k.PublicKeyHex)
		}
		seen[k.PublicKeyHex] = true
	}
	if len(seen) != signerCount+500 {
		t.Errorf("stream gave %d keys, want %d", len(seen), signerCount+500)
	}
	err := st.Tx(t.Context(), func(tx store.Tx) error {
		keys, err := tx.ListWorkspaceKeys(t.Context(), f.workspace.ID)
		if len(keys) != signerCount+500 {
			t.Errorf("store holds %d keys, want %d", len(keys), signerCount+500)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFloorSampleVerifies(t *testing.T) {
	f := newFixture(1, 1, time.Now())
	pub, msg, sig := floorSample(f)
	if !ed25519.Verify(pub, msg, sig) {
		t.Fatal("the floor's sample signature does not verify")
	}
	if !strings.Contains(string(msg), `"@request-target": `+kindV2.target) {
		t.Errorf("sample message is not the v2 signature base of the load's target:\n%s", msg)
	}
}

func TestPercentile(t *testing.T) {
	var r loadResult
	for i := 1; i <= 1000; i++ {
		r.latencies = append(r.latencies, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.99, 990 * time.Millisecond}, {0.999, 999 * time.Millisecond}} {
		if got := r.percentile(c.q); got != c.want {
			t.Errorf("percentile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
	if got := (loadResult{}).percentile(0.5); got != 0 {
		t.Errorf("percentile of nothing = %v, want 0", got)
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{7: "7", 1000: "1 000", 1000000: "1 000 000", 12345: "12 345"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"-quick", "-keys", "1_000,5000", "-stores", "memory"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.keyCounts) != 2 || cfg.keyCounts[0] != 1000 || cfg.keyCounts[1] != 5000 {
		t.Errorf("keys = %v", cfg.keyCounts)
	}
	if cfg.duration != defaultConfig(true).duration {
		t.Errorf("-quick duration = %v, want the quick default", cfg.duration)
	}
	if !slices.Equal(cfg.sections, allSections) {
		t.Errorf("sections = %v, want all of them by default", cfg.sections)
	}
	cfg, err = parseFlags([]string{"-sections", "pages, peers"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	b := &bench{cfg: cfg}
	if got := b.storesFor(sectionPages); !slices.Equal(got, cfg.stores) {
		t.Errorf("stores of a section asked for: %v, want %v", got, cfg.stores)
	}
	if got := b.storesFor(sectionSigned); got != nil || cfg.runs(sectionWrites) {
		t.Errorf("-sections pages,peers also runs signed requests (%v) or management writes (%t)", got, cfg.runs(sectionWrites))
	}
	for _, bad := range [][]string{{"-stores", "redis"}, {"-keys", "0"}, {"-conns", "0"}, {"-page-keys", "100,0"}, {"-sections", "signd"}, {"extra"}} {
		if _, err := parseFlags(bad, &bytes.Buffer{}); err == nil {
			t.Errorf("parseFlags(%q) accepted", bad)
		}
	}
}

// BenchmarkHandler measures the server's handler alone, in process, for
// each request kind of the load: request parsing as net/http does it,
// authentication (Ed25519 verification included), the key lookup, the
// handler and the response, without sockets. Its allocs/op are the figure
// to watch when changing the hot path.
func BenchmarkHandler(b *testing.B) {
	st := memory.New()
	f := newFixture(signerCount, signerCount, time.Now().UTC().Truncate(time.Microsecond))
	if err := f.load(b.Context(), st); err != nil {
		b.Fatal(err)
	}
	srv, err := app.New(b.Context(), app.Config{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	h := srv.Handler()
	for _, kind := range []requestKind{kindV2, kindV1, kindV2AuthOnly} {
		wire, err := presign(kind, f.signers, "127.0.0.1:8080", time.Now())
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strings.ReplaceAll(kind.name, " ", "-"), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(wire[i%len(wire)])))
				if err != nil {
					b.Fatal(err)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK && rec.Code != http.StatusNotImplemented {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				i++
			}
		})
	}
}
