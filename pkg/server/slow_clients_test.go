package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
	"github.com/encord-emulator/encord-emulator/pkg/server"
)

// The timeouts of slow clients, through a real listener: a client too
// slow gets 408 in its plane's dialect or a closed connection, never a
// 5xx (which the SDK retries), and the server lets go of the connection.
// The timeouts are short and the bounds on waiting generous: nothing here
// measures how fast the server is.

// patience bounds every wait of these tests for the server.
const patience = 10 * time.Second

// rawRequest is a request as bytes on the wire: its head (request line and
// headers) and its body.
type rawRequest struct {
	head, body []byte
}

// wire serialises req, whose body is body.
func wire(t *testing.T, req *http.Request, body []byte) rawRequest {
	t.Helper()
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatal(err)
	}
	head, rest, ok := bytes.Cut(buf.Bytes(), []byte("\r\n\r\n"))
	if !ok || !bytes.Equal(rest, body) {
		t.Fatalf("request does not serialise as head and body: %q", buf.Bytes())
	}
	return rawRequest{head: append(head, "\r\n\r\n"...), body: body}
}

func dial(t *testing.T, srv *server.Server) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// closedByServer waits for the server to close conn: a read that ends
// without data. It fails the test if the server sends anything or keeps
// the connection open past patience.
func closedByServer(t *testing.T, conn net.Conn, r *bufio.Reader) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(patience))
	n, err := r.Read(make([]byte, 1))
	var netErr net.Error
	switch {
	case n > 0:
		t.Fatal("the server sent more on a connection it should have closed")
	case errors.As(err, &netErr) && netErr.Timeout():
		t.Fatalf("the server kept the connection open for %s", patience)
	case err == nil:
		t.Fatal("read returned nothing and no error")
	}
	// io.EOF, or a reset: either way closed.
}

// goroutinesSettle waits until no more goroutines run than before: the
// server has let go of the connections of the test.
func goroutinesSettle(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines run, %d before the slow client:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// slowBody sends req's head at once and its body one byte every pause,
// stopping after stop bytes (all of them when stop is past the end), and
// returns the answer the server gives meanwhile.
func slowBody(t *testing.T, conn net.Conn, req rawRequest, pause time.Duration, stop int) (*http.Response, *bufio.Reader) {
	t.Helper()
	if _, err := conn.Write(req.head); err != nil {
		t.Fatal(err)
	}
	go func() {
		for i := 0; i < len(req.body) && i < stop; i++ {
			time.Sleep(pause)
			if _, err := conn.Write(req.body[i : i+1]); err != nil {
				return // the server answered and closed
			}
		}
	}()
	conn.SetReadDeadline(time.Now().Add(patience))
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("no answer to a slow body: %v", err)
	}
	return resp, r
}

// answer reads resp's body as JSON.
func answer(t *testing.T, resp *http.Response) map[string]any {
	t.Helper()
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatalf("answer %d is not JSON: %v", resp.StatusCode, err)
	}
	return v
}

// slowBodyRequests are a request with a body on each plane, in the
// dialect's words: what a 408 answer must hold.
func slowBodyRequests(t *testing.T, srv *server.Server, admin string, signer *encordsign.Signer) map[string]struct {
	req   rawRequest
	check func(v map[string]any) bool
} {
	t.Helper()
	newReq := func(method, path, body string) *http.Request {
		req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		return req
	}
	management := newReq("POST", "/api/v1/workspace/service-accounts", `{"name": "slow bot"}`)
	management.Header.Set("Authorization", "Bearer "+admin)
	v1Body := `{"query_type": "projectwithuserrole", "query_method": "GET", "values": {"uid": null, "payload": {"filter": {}}}}`
	v1 := newReq("POST", "/public/user", v1Body)
	v2Body := `{"title": "slow dataset"}`
	v2 := newReq("POST", "/v2/public/datasets", v2Body)
	for _, r := range []struct {
		req  *http.Request
		body string
	}{{v1, v1Body}, {v2, v2Body}} {
		if err := signer.SignRequest(r.req, []byte(r.body), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	apiCode := func(v map[string]any) bool {
		e, _ := v["error"].(map[string]any)
		return e["code"] == "REQUEST_TIMEOUT_ERROR" && strings.Contains(e["message"].(string), "did not arrive in time")
	}
	return map[string]struct {
		req   rawRequest
		check func(v map[string]any) bool
	}{
		"management": {wire(t, management, []byte(`{"name": "slow bot"}`)), apiCode},
		"v1 SDK": {wire(t, v1, []byte(v1Body)), func(v map[string]any) bool {
			code, _ := v["response"].([]any)
			return v["status"] == float64(408) && len(code) == 1 && code[0] == "REQUEST_TIMEOUT_ERROR" && strings.Contains(v["payload"].(string), "did not arrive in time")
		}},
		"v2 SDK": {wire(t, v2, []byte(v2Body)), func(v map[string]any) bool {
			msg, _ := v["message"].(string)
			return strings.Contains(msg, "did not arrive in time")
		}},
	}
}

// TestSlowBodyIs408 sends, on every plane, a body that stops arriving:
// past --read-timeout the answer is 408 in the plane's dialect and the
// connection is closed; nothing was created.
func TestSlowBodyIs408(t *testing.T) {
	c, ws := slowBodiesAre408(t, server.Options{ReadTimeout: 300 * time.Millisecond}, "a body that stops arriving",
		func(size int) (time.Duration, int) { return 10 * time.Millisecond, size / 2 })
	c.Must(t, http.StatusOK, "GET", "/api/v1/workspace/service-accounts", ws.AdminToken, nil)
	if r := c.Must(t, http.StatusOK, "GET", "/api/v1/workspace/service-accounts", ws.AdminToken, nil); len(r.Items()) != 0 {
		t.Errorf("a request whose body never arrived created %v", r.Items())
	}
}

// TestBodyPastRequestTimeoutIs408 trickles a body in past --request-timeout
// (the read timeout being longer) on a healthy store: the client was slow,
// so 408, not the 503 of a store outage, which the SDK would retry.
func TestBodyPastRequestTimeoutIs408(t *testing.T) {
	// The whole body, over about twice the request timeout.
	slowBodiesAre408(t, server.Options{RequestTimeout: 300 * time.Millisecond, ReadTimeout: time.Minute}, "a body slower than the request timeout",
		func(size int) (time.Duration, int) { return 600 * time.Millisecond / time.Duration(size), size })
}

// slowBodiesAre408 starts a server with opts and sends, on every plane, a
// request whose body trickles in as trickle says for its size (the pause
// between bytes, and how many are sent): each must answer 408 in its
// plane's dialect and have its connection closed, leaving no goroutine
// behind. It returns a client of the server and its workspace.
func slowBodiesAre408(t *testing.T, opts server.Options, what string, trickle func(size int) (time.Duration, int)) (*testclient.Client, testclient.Workspace) {
	srv, c := start(t, opts)
	ws := c.NewWorkspace(t, "A", "a@a.test", nil)
	signer := c.GenerateKey(t, ws.AdminToken, testclient.MyKeys, "k").Signer
	c.Close()
	before := runtime.NumGoroutine()
	for plane, tc := range slowBodyRequests(t, srv, ws.AdminToken, signer) {
		t.Run(plane, func(t *testing.T) {
			conn := dial(t, srv)
			pause, sent := trickle(len(tc.req.body))
			resp, r := slowBody(t, conn, tc.req, pause, sent)
			if resp.StatusCode != http.StatusRequestTimeout {
				t.Fatalf("%s: got %d %v, want 408", what, resp.StatusCode, answer(t, resp))
			}
			if v := answer(t, resp); !tc.check(v) {
				t.Fatalf("408 answer not in the %s dialect: %v", plane, v)
			}
			closedByServer(t, conn, r)
		})
	}
	goroutinesSettle(t, before)
	return c, ws
}

// TestSlowHeadersCloseTheConnection sends half a request head and stops:
// past --read-header-timeout the server closes the connection without an
// answer (Go's server answers nothing to a client that never finished its
// request).
func TestSlowHeadersCloseTheConnection(t *testing.T) {
	srv, c := start(t, server.Options{ReadHeaderTimeout: 300 * time.Millisecond})
	c.Close()
	before := runtime.NumGoroutine()
	conn := dial(t, srv)
	if _, err := conn.Write([]byte("GET /_emulator/healthz HTTP/1.1\r\nHost: emulator\r\n")); err != nil {
		t.Fatal(err)
	}
	closedByServer(t, conn, bufio.NewReader(conn))
	goroutinesSettle(t, before)
}

// TestIdleConnectionsAreClosed keeps a connection open after one request:
// past --idle-timeout the server closes it.
func TestIdleConnectionsAreClosed(t *testing.T) {
	srv, c := start(t, server.Options{IdleTimeout: 300 * time.Millisecond})
	c.Close()
	before := runtime.NumGoroutine()
	conn := dial(t, srv)
	if _, err := conn.Write([]byte("GET /_emulator/healthz HTTP/1.1\r\nHost: emulator\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(patience))
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Close {
		t.Fatalf("healthz: %d, close %t; want 200 on a kept-alive connection", resp.StatusCode, resp.Close)
	}
	closedByServer(t, conn, r)
	goroutinesSettle(t, before)
}

// TestSlowServerIsNotASlowClient: the read deadline of --read-timeout
// bounds the body only. A request whose answer takes longer (here a fault
// rule's delay, standing for a slow Encord), with or without a body, is
// answered as usual within --request-timeout: the deadline is neither
// counted while the server keeps the body waiting nor left on the
// connection once the body is read.
func TestSlowServerIsNotASlowClient(t *testing.T) {
	_, c := start(t, server.Options{ReadTimeout: 200 * time.Millisecond, RequestTimeout: time.Minute})
	ws := c.NewWorkspace(t, "A", "a@a.test", nil)
	c.Must(t, http.StatusCreated, "POST", "/_emulator/faults", "", map[string]any{
		"match": map[string]any{"path": "/api/v1/**"}, "action": map[string]any{"delay": "600ms"},
	})
	c.Must(t, http.StatusOK, "GET", "/api/v1/me", ws.AdminToken, nil)
	c.Must(t, http.StatusCreated, "POST", "/api/v1/workspace/service-accounts", ws.AdminToken, map[string]any{"name": "slow bot"})
}
