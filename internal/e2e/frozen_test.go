package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
)

// gate blocks traffic while shut.
type gate struct {
	mu   sync.Mutex
	open chan struct{} // closed while the gate is open
}

func newGate() *gate {
	g := &gate{open: make(chan struct{})}
	close(g.open)
	return g
}

func (g *gate) wait() {
	g.mu.Lock()
	open := g.open
	g.mu.Unlock()
	<-open
}

func (g *gate) shut() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.open:
		g.open = make(chan struct{})
	default:
	}
}

func (g *gate) reopen() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.open:
	default:
		close(g.open)
	}
}

// freezingProxy forwards TCP connections to a target until frozen; then it
// holds every byte, and every new connection, without closing anything: a
// database that hangs, or a network that drops packets, where an orderly
// shutdown would refuse connections.
type freezingProxy struct {
	ln     net.Listener
	target string
	gate   *gate

	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

func startFreezingProxy(t *testing.T, target string) *freezingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &freezingProxy{ln: ln, target: target, gate: newGate()}
	p.wg.Go(p.accept)
	t.Cleanup(p.close)
	return p
}

func (p *freezingProxy) port() int { return p.ln.Addr().(*net.TCPAddr).Port }

func (p *freezingProxy) accept() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		p.track(client)
		p.wg.Go(func() {
			p.gate.wait()
			upstream, err := net.Dial("tcp", p.target)
			if err != nil {
				client.Close()
				return
			}
			p.track(upstream)
			p.wg.Go(func() { p.pipe(upstream, client) })
			p.pipe(client, upstream)
		})
	}
}

// pipe copies src to dst, holding each chunk while the gate is shut.
func (p *freezingProxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.gate.wait()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *freezingProxy) track(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns = append(p.conns, c)
}

func (p *freezingProxy) close() {
	p.ln.Close()
	p.gate.reopen()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// Settings of the frozen-database test.
const (
	frozenRequestTimeout = 2 * time.Second
	frozenClientTimeout  = 15 * time.Second
	// maxFrozenLatency: the request timeout, and slack for a loaded machine.
	maxFrozenLatency = frozenRequestTimeout + 2*time.Second
)

// TestFrozenDatabase: when the database stops answering without closing
// anything, the statement timeout (enforced by Postgres) cannot help;
// EMULATOR_REQUEST_TIMEOUT bounds every request, which answers 503 rather
// than hanging for as long as the client waits. When the database answers
// again the server recovers by itself.
func TestFrozenDatabase(t *testing.T) {
	t.Parallel()
	pg := newCluster(t)
	proxy := startFreezingProxy(t, fmt.Sprintf("127.0.0.1:%d", pg.port))
	srv := startServer(t, "server",
		"EMULATOR_STORE=postgres",
		fmt.Sprintf("DATABASE_URL=postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", proxy.port()),
		"EMULATOR_DB_STATEMENT_TIMEOUT=1s",
		"EMULATOR_REQUEST_TIMEOUT="+frozenRequestTimeout.String(),
		"EMULATOR_LOG_LEVEL=warn",
	)
	c := testclient.NewForTest(t, srv.URL, testclient.Options{Timeout: frozenClientTimeout})
	ws := c.NewWorkspace(t, "Frozen", "admin@frozen.test", nil)
	signer := c.GenerateKey(t, ws.AdminToken, testclient.MyKeys, "k").Signer
	if r := getBearerToken(context.Background(), c, signer); r.Status != http.StatusOK {
		t.Fatalf("before the freeze: %s", r)
	}

	proxy.gate.shut()
	var wg sync.WaitGroup
	check := func(name string, send func() testclient.Response, want func(testclient.Response) bool) {
		wg.Go(func() {
			start := time.Now()
			r := send()
			latency := time.Since(start)
			t.Logf("%s, database frozen: %s after %s", name, r, latency.Round(time.Millisecond))
			if r.Err != nil || !want(r) {
				t.Errorf("%s, database frozen: %s", name, r)
			}
			if latency > maxFrozenLatency {
				t.Errorf("%s, database frozen: answered after %s, want within %s", name, latency, maxFrozenLatency)
			}
		})
	}
	for i := range 3 {
		check(fmt.Sprintf("SDK plane #%d", i), func() testclient.Response {
			return getBearerToken(context.Background(), c, signer)
		}, func(r testclient.Response) bool { return r.Status == http.StatusServiceUnavailable })
	}
	check("management plane", func() testclient.Response {
		return c.Do(context.Background(), http.MethodGet, "/api/v1/workspace", ws.AdminToken, nil)
	}, func(r testclient.Response) bool {
		return r.Status == http.StatusServiceUnavailable && r.Code() == "SERVICE_UNAVAILABLE_ERROR"
	})
	check("management write", func() testclient.Response {
		return c.Do(context.Background(), http.MethodPost, "/api/v1/workspace/members", ws.AdminToken,
			map[string]any{"email": "frozen@frozen.test", "name": "F", "role": "member"})
	}, func(r testclient.Response) bool { return r.Status == http.StatusServiceUnavailable })
	check("readyz", func() testclient.Response {
		return c.Do(context.Background(), http.MethodGet, "/_emulator/readyz", "", nil)
	}, func(r testclient.Response) bool { return r.Status != http.StatusOK })
	wg.Wait()

	proxy.gate.reopen()
	thawed := time.Now()
	if !waitFor(10*time.Second, func() bool {
		return getBearerToken(context.Background(), c, signer).Status == http.StatusOK
	}) {
		t.Fatal("the SDK plane did not recover within 10 s of the database answering again")
	}
	t.Logf("SDK plane answered 200 %s after the database answered again", time.Since(thawed).Round(time.Millisecond))
	// The write that timed out either happened or not; the member can be
	// added now or already exists.
	if r := c.Do(context.Background(), http.MethodPost, "/api/v1/workspace/members", ws.AdminToken,
		map[string]any{"email": "frozen@frozen.test", "name": "F", "role": "member"}); r.Status != http.StatusCreated && r.Status != http.StatusConflict {
		t.Fatalf("adding a member after the thaw: %s", r)
	}
}
