package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// requestKind is one SDK call the load replays.
type requestKind struct {
	name   string // as the report shows it
	method string
	target string // path and query, as signed and sent
	body   []byte
}

// Cheap authenticated reads of the two signing schemes: after the
// signature is verified and the key resolved, each lists the projects or
// groups of a workspace that has none, or answers 501 where the emulator
// does not emulate the call (the full authentication path all the same).
var (
	kindV2 = requestKind{name: "v2", method: http.MethodGet, target: "/v2/public/user/current-organisation/groups"}
	kindV1 = requestKind{name: "v1", method: http.MethodPost, target: encordsign.V1UserPath,
		body: []byte(`{"query_type":"projectwithuserrole","query_method":"GET","values":{"uid":null,"payload":null}}`)}
	// kindV2AuthOnly answers 501 right after authentication: the cost of
	// the authentication path alone.
	kindV2AuthOnly = requestKind{name: "v2 auth only", method: http.MethodGet, target: "/v2/public/analytics/time-spent"}
)

// presign returns, for every signer, the request serialized as HTTP/1.1
// bytes, signed as the SDK signs it at time now (v2: created = now - 30 s,
// valid for the server's 10 minute window).
func presign(kind requestKind, signers []signer, host string, now time.Time) ([][]byte, error) {
	out := make([][]byte, 0, len(signers))
	for _, s := range signers {
		req, err := http.NewRequest(kind.method, "http://"+host+kind.target, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("User-Agent", "encord-bench")
		if kind.body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if err := s.SignRequest(req, kind.body, now); err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := req.Write(&buf); err != nil {
			return nil, err
		}
		out = append(out, buf.Bytes())
	}
	return out, nil
}

// loadSpec describes one load run.
type loadSpec struct {
	addr     string
	requests [][]byte // replayed round-robin
	expect   int      // the status every answer must have
	conns    int      // keep-alive connections, one goroutine each
	duration time.Duration
	// rate, when positive, makes the run open-loop: requests are due at
	// rate per second whatever the answers, and latency counts from when a
	// request was due, so a stall is charged to every request it delayed.
	// Zero runs closed-loop: each connection sends as soon as it has its
	// answer (peak throughput).
	rate float64
	// warmup, in an open-loop run, comes before duration: its requests are
	// sent at the same rate on the same connections, and not counted, so
	// that the run measures connections already established and a server
	// already serving them (a closed-loop run is warmed up by a run of its
	// own instead).
	warmup time.Duration
}

// loadResult is what a load run measured.
type loadResult struct {
	requests   int64
	errors     int64
	elapsed    time.Duration
	latencies  []time.Duration // sorted
	firstError string
}

func (r loadResult) throughput() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// percentile returns the q-quantile (0 < q < 1) of the latencies.
func (r loadResult) percentile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[int(q*float64(len(r.latencies)-1))]
}

// runLoad runs spec and returns its result. Errors are answers with
// another status than spec.expect and failed exchanges; either way the
// request counts as sent.
func runLoad(ctx context.Context, spec loadSpec) loadResult {
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		result    loadResult
		stop      atomic.Bool
		ticket    atomic.Int64
		interval  time.Duration
		start     = time.Now() // of the first request
		measured  = start      // the first request counted is due then
		perWorker = make([][]time.Duration, spec.conns)
	)
	if spec.rate > 0 {
		interval = time.Duration(float64(time.Second) / spec.rate)
		measured = start.Add(spec.warmup)
	}
	end := measured.Add(spec.duration)
	timer := time.AfterFunc(end.Sub(start), func() { stop.Store(true) })
	defer timer.Stop()
	for w := range spec.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &client{addr: spec.addr}
			defer c.close()
			lat := make([]time.Duration, 0, 1024)
			var errCount int64
			var firstErr string
			for i := w; !stop.Load() && ctx.Err() == nil; i += spec.conns {
				sent := time.Now()
				if interval > 0 {
					due := start.Add(time.Duration(ticket.Add(1)-1) * interval)
					if due.After(end) {
						break
					}
					if d := time.Until(due); d > 0 {
						time.Sleep(d)
					}
					sent = due
				}
				status, err := c.do(spec.requests[i%len(spec.requests)])
				if sent.Before(measured) {
					continue // warm-up
				}
				lat = append(lat, time.Since(sent))
				if err != nil || status != spec.expect {
					errCount++
					if firstErr == "" {
						firstErr = fmt.Sprintf("status %d, error %v", status, err)
					}
				}
			}
			mu.Lock()
			perWorker[w] = lat
			result.errors += errCount
			if result.firstError == "" {
				result.firstError = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	result.elapsed = time.Since(measured)
	result.latencies = slices.Concat(perWorker...)
	slices.Sort(result.latencies)
	result.requests = int64(len(result.latencies))
	return result
}

// client is one keep-alive HTTP/1.1 connection that writes pre-serialized
// requests and reads answers with net/http's parser: the load generator's
// cost per request is a write, a read and a header parse.
type client struct {
	addr string
	conn net.Conn
	br   *bufio.Reader
}

func (c *client) do(request []byte) (int, error) {
	if c.conn == nil {
		conn, err := net.Dial("tcp", c.addr)
		if err != nil {
			return 0, err
		}
		c.conn, c.br = conn, bufio.NewReaderSize(conn, 16<<10)
	}
	if _, err := c.conn.Write(request); err != nil {
		c.close()
		return 0, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		c.close()
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.Close {
		c.close()
	}
	return resp.StatusCode, err
}

func (c *client) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

// probe sends one request and returns the answer's status and body.
func probe(addr string, request []byte) (int, string, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, "", err
	}
	defer conn.Close()
	if _, err := conn.Write(request); err != nil {
		return 0, "", err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, string(body), err
}
