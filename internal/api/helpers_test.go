package api_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	emulator "github.com/encord-emulator/encord-emulator"
	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/clock"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// client is the test client of this package: testclient's, bound to one
// test, with every answer checked against openapi.yaml (checkAgainstSpec).
// Its methods fail the test when no usable answer could be had.
type client struct {
	*testclient.Client
	t *testing.T
}

// newClient returns a client of the emulator at url.
func newClient(t *testing.T, url string) *client {
	c := &client{t: t}
	c.Client = testclient.NewForTest(t, url, testclient.Options{Check: func(req *http.Request, status int, header http.Header, body []byte) {
		checkAgainstSpec(c.t, req, status, header, body)
	}})
	return c
}

// syncBuffer collects log output written from many goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer serves the router over st and returns a client and the
// captured debug-level logs.
func startServer(t *testing.T, st store.Store, cfg api.Config) (*client, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if cfg.Clock == nil {
		cfg.Clock = clock.New(st)
	}
	cfg.Accounts = accounts.New(st, accounts.Config{Logger: logger, Now: cfg.Clock.Now})
	cfg.Logger = logger
	if cfg.OpenAPI == nil {
		cfg.OpenAPI = emulator.OpenAPI
	}
	srv := httptest.NewServer(api.NewHandler(cfg))
	t.Cleanup(srv.Close)
	return newClient(t, srv.URL), logs
}

// onEachStore runs test once per backend, against a server over a fresh
// store that holds one workspace, Acme, whose admin is admin@acme.test.
func onEachStore(t *testing.T, test func(t *testing.T, c *client, ws workspace)) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		c, _ := startServer(t, newStore(t), api.Config{})
		test(t, c, c.newWorkspace("Acme", "admin@acme.test"))
	})
}

// response is testclient's answer under the names this package's tests
// use: Raw is its Body, code, message, str and items its Code, Message,
// Str and Items.
type response struct {
	testclient.Response
	Raw []byte
}

func (r response) code() string            { return r.Code() }
func (r response) message() string         { return r.Message() }
func (r response) str(key string) string   { return r.Str(key) }
func (r response) items() []map[string]any { return r.Items() }

// answer fails the test unless r is a usable answer (a JSON answer must be
// a JSON object).
func (c *client) answer(r testclient.Response) response {
	c.t.Helper()
	if r.Err != nil {
		c.t.Fatal(r.Err)
	}
	return response{Response: r, Raw: r.Body}
}

// do sends a request; body is JSON-encoded unless it is a string or []byte.
func (c *client) do(method, path, token string, body any, headers ...string) response {
	c.t.Helper()
	return c.answer(c.Do(context.Background(), method, path, token, body, headers...))
}

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

// must sends a request and fails the test unless the status is want.
func (c *client) must(want int, method, path, token string, body any) response {
	c.t.Helper()
	return c.answer(c.Must(c.t, want, method, path, token, body))
}

// workspace is a workspace made through the control plane, with its admin's
// session.
type workspace = testclient.Workspace

func (c *client) newWorkspace(name, adminEmail string) workspace {
	c.t.Helper()
	return c.NewWorkspace(c.t, name, adminEmail, nil)
}

// addMember adds a member as the admin and logs it in.
func (c *client) addMember(ws workspace, email string, role store.Role) (id, token string) {
	c.t.Helper()
	return c.AddMember(c.t, ws, email, string(role)), c.Login(c.t, email)
}

func (c *client) login(email string) string {
	c.t.Helper()
	return c.Login(c.t, email)
}

func (c *client) newServiceAccount(ws workspace, name string) string {
	c.t.Helper()
	return c.NewServiceAccount(c.t, ws, name)
}

func newPublicKey(t *testing.T) string { return testclient.NewPublicKeyLine(t) }
