// Package testclient is the HTTP client of the tests. It calls the three
// planes of a running emulator: JSON requests with a bearer session for the
// management and control planes, requests signed exactly as the Encord SDK
// signs them for the SDK plane. It decodes the answers, and it takes the
// steps most tests begin with: a workspace, a member, a login, a service
// account, a key pair generated through the API and a signer of it.
//
// Sending never fails a test: an answer that could not be had is the
// Response's Err, which tests of outages and crashes look at. The helpers a
// test cannot go on without take the test and fail it (Must, NewWorkspace,
// GenerateKey, ...). Options.Check sees every answer before it is decoded:
// that is where a test validates answers against openapi.yaml.
package testclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Checker inspects one answer: the request as sent, and the answer's
// status, header and body. It reports what is wrong itself (a test's
// t.Errorf, which is safe from any goroutine).
type Checker func(req *http.Request, status int, header http.Header, body []byte)

// Options tune a Client.
type Options struct {
	// Timeout bounds each request, answer included; zero means none.
	Timeout time.Duration
	// Check, when set, is called with every answer.
	Check Checker
}

// Client sends requests to one emulator. It is safe for concurrent use.
type Client struct {
	base      string
	http      *http.Client
	transport *http.Transport
	check     Checker
}

// New returns a client of the emulator at baseURL ("http://host:port"),
// with keep-alive connections for up to 64 concurrent requests. Close
// closes them.
func New(baseURL string, opts Options) *Client {
	transport := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	return &Client{
		base:      strings.TrimSuffix(baseURL, "/"),
		http:      &http.Client{Timeout: opts.Timeout, Transport: transport},
		transport: transport,
		check:     opts.Check,
	}
}

// NewForTest is New for a test: the client's connections are closed when
// the test ends.
func NewForTest(t testing.TB, baseURL string, opts Options) *Client {
	c := New(baseURL, opts)
	t.Cleanup(c.Close)
	return c
}

// URL is the base URL of the emulator.
func (c *Client) URL() string { return c.base }

// Close closes the idle connections.
func (c *Client) Close() { c.transport.CloseIdleConnections() }

// Send sends req, which may be any request (a raw body, odd headers), and
// returns the answer.
func (c *Client) Send(req *http.Request) Response {
	resp, err := c.http.Do(req)
	if err != nil {
		return Response{Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	out := Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
	if err != nil {
		out.Err = fmt.Errorf("reading the answer of %s %s: %w", req.Method, req.URL.RequestURI(), err)
		return out
	}
	if c.check != nil {
		// resp.Request is the request this answers: the last of a redirect chain.
		c.check(resp.Request, resp.StatusCode, resp.Header, body)
	}
	// A HEAD answer carries the headers of a GET and no body to decode.
	if mediaType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mediaType == "application/json" && req.Method != http.MethodHead {
		if err := json.Unmarshal(body, &out.JSON); err != nil {
			out.Err = fmt.Errorf("%s %s answered %d with JSON that is not an object: %w", req.Method, req.URL.RequestURI(), resp.StatusCode, err)
		}
	}
	return out
}

// Do sends a request of the management or control plane. body is sent as
// it is when it is a string or a []byte, JSON-encoded otherwise, and not at
// all when nil; token, when set, is the bearer session; header holds more
// headers as name, value pairs.
func (c *Client) Do(ctx context.Context, method, path, token string, body any, header ...string) Response {
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	case []byte:
		reader = bytes.NewReader(b)
	default:
		encoded, err := json.Marshal(b)
		if err != nil {
			return Response{Err: fmt.Errorf("encoding the body of %s %s: %w", method, path, err)}
		}
		reader = bytes.NewReader(encoded)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, reader)
	if err != nil {
		return Response{Err: err}
	}
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.Send(req)
}

// Must sends a request with Do and fails the test unless it answers want.
func (c *Client) Must(t testing.TB, want int, method, path, token string, body any) Response {
	t.Helper()
	r := c.Do(context.Background(), method, path, token, body)
	if err := r.Want(want); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}
