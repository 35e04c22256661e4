package server_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
	"github.com/encord-emulator/encord-emulator/pkg/server"
)

// TestDefaultsDocumented: the comment beside each Default* constant in
// options.go, which go doc shows in place of the internal name the value
// comes from, is the constant's value.
func TestDefaultsDocumented(t *testing.T) {
	values := map[string]any{
		"DefaultAddr":                  server.DefaultAddr,
		"DefaultStore":                 server.DefaultStore,
		"DefaultDBMaxConns":            server.DefaultDBMaxConns,
		"DefaultDBStatementTimeout":    server.DefaultDBStatementTimeout,
		"DefaultSessionTTL":            server.DefaultSessionTTL,
		"DefaultBearerTTL":             server.DefaultBearerTTL,
		"DefaultSignatureMaxAge":       server.DefaultSignatureMaxAge,
		"DefaultSignatureMaxFuture":    server.DefaultSignatureMaxFuture,
		"DefaultMaxBodyBytes":          server.DefaultMaxBodyBytes,
		"DefaultRequestTimeout":        server.DefaultRequestTimeout,
		"DefaultShutdownTimeout":       server.DefaultShutdownTimeout,
		"DefaultReadHeaderTimeout":     server.DefaultReadHeaderTimeout,
		"DefaultReadTimeout":           server.DefaultReadTimeout,
		"DefaultIdleTimeout":           server.DefaultIdleTimeout,
		"DefaultLastUsedFlushInterval": server.DefaultLastUsedFlushInterval,
	}
	file, err := parser.ParseFile(token.NewFileSet(), "options.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	documented := 0
	ast.Inspect(file, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || !strings.HasPrefix(spec.Names[0].Name, "Default") {
			return true
		}
		name := spec.Names[0].Name
		documented++
		value, ok := values[name]
		if !ok {
			t.Errorf("%s is not checked by this test: add it to the table", name)
			return true
		}
		if spec.Comment == nil {
			t.Errorf("%s has no comment giving its value", name)
			return true
		}
		comment, _, _ := strings.Cut(strings.TrimSpace(spec.Comment.Text()), " ")
		if !sameValue(comment, value) {
			t.Errorf("%s: the comment says %s, the value is %v", name, comment, value)
		}
		return true
	})
	if documented != len(values) {
		t.Errorf("options.go defines %d Default* constants, the test knows %d", documented, len(values))
	}
}

// sameValue reports whether text, as written in a comment, is v.
func sameValue(text string, v any) bool {
	switch v := v.(type) {
	case time.Duration:
		d, err := time.ParseDuration(text)
		return err == nil && d == v
	case int:
		n, err := strconv.Atoi(text)
		return err == nil && n == v
	case string:
		return text == v
	}
	return false
}

// TestZeroOptionsTakeTheDefaults: a server started with zero Options
// behaves as the Default* constants say, and one started with other
// values behaves as those say: the lifetimes of sessions and bearer
// tokens, the largest body, and the window of a v2 signature's created
// time.
func TestZeroOptionsTakeTheDefaults(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts server.Options
		want server.Options // the settings the server must show
	}{
		{"zero", server.Options{}, server.Options{
			SessionTTL: server.DefaultSessionTTL, BearerTTL: server.DefaultBearerTTL, MaxBodyBytes: server.DefaultMaxBodyBytes,
			SignatureMaxAge: server.DefaultSignatureMaxAge, SignatureMaxFuture: server.DefaultSignatureMaxFuture,
		}},
		{"set", server.Options{
			SessionTTL: 3 * time.Hour, BearerTTL: 7 * time.Minute, MaxBodyBytes: 5000,
			SignatureMaxAge: 2 * time.Minute, SignatureMaxFuture: 3 * time.Minute,
		}, server.Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want == (server.Options{}) {
				want = tc.opts
			}
			_, c := start(t, tc.opts)
			ctx := context.Background()
			ws := c.NewWorkspace(t, "Defaults", "admin@defaults.test", nil)
			login := c.Must(t, http.StatusCreated, "POST", "/api/v1/sessions", "", map[string]any{"email": "admin@defaults.test"})
			checkLifetime(t, "session", login, want.SessionTTL)
			key := c.GenerateKey(t, ws.AdminToken, testclient.MyKeys, "k")

			// The SDK signs created = now - 30 s: shift the clock so that
			// created lands 5 s inside, then 5 s outside, each bound.
			signedAt := func(created time.Time) testclient.Response {
				return c.SDK(ctx, testclient.SDKRequest{Signer: key.Signer, Target: testclient.BearerTokenPath, Now: created.Add(encordsign.CreatedOffset)})
			}
			now := time.Now()
			for _, s := range []struct {
				what    string
				created time.Time
				want    int
			}{
				{"just inside the maximum age", now.Add(-want.SignatureMaxAge + 5*time.Second), http.StatusOK},
				{"just past the maximum age", now.Add(-want.SignatureMaxAge - 5*time.Second), http.StatusUnauthorized},
				{"just inside the allowed future", now.Add(want.SignatureMaxFuture - 5*time.Second), http.StatusOK},
				{"just past the allowed future", now.Add(want.SignatureMaxFuture + 5*time.Second), http.StatusUnauthorized},
			} {
				r := signedAt(s.created)
				if r.Status != s.want {
					t.Errorf("a v2 signature created %s (%s): got %s, want %d", s.created.Sub(now).Round(time.Second), s.what, r, s.want)
				}
			}
			checkBearerLifetimes(t, c, want.BearerTTL)

			for size, status := range map[int64]int{want.MaxBodyBytes: http.StatusBadRequest, want.MaxBodyBytes + 1: http.StatusRequestEntityTooLarge} {
				body := `{"name": "` + strings.Repeat("x", int(size)-len(`{"name": ""}`)) + `"}`
				if r := c.Do(ctx, "POST", "/api/v1/workspace/service-accounts", ws.AdminToken, body); r.Status != status {
					t.Errorf("a body of %d bytes: got %d, want %d", size, r.Status, status)
				}
			}
		})
	}
}

// checkBearerLifetimes checks, in the exported state, that every SDK
// bearer token lives ttl.
func checkBearerLifetimes(t *testing.T, c *testclient.Client, ttl time.Duration) {
	t.Helper()
	var state struct {
		Tokens []struct {
			Kind                 string
			CreatedAt, ExpiresAt time.Time
		}
	}
	if err := c.Must(t, http.StatusOK, "GET", "/_emulator/state", "", nil).Decode(&state); err != nil {
		t.Fatal(err)
	}
	bearers := 0
	for _, token := range state.Tokens {
		if token.Kind != "bearer" {
			continue
		}
		bearers++
		if d := token.ExpiresAt.Sub(token.CreatedAt); d != ttl {
			t.Errorf("a bearer token lives %s, want %s", d, ttl)
		}
	}
	if bearers == 0 {
		t.Errorf("no bearer token in the exported state")
	}
}

// checkLifetime checks that the expiresAt of a token answer lies ttl from
// now, give or take a minute.
func checkLifetime(t *testing.T, what string, r testclient.Response, ttl time.Duration) {
	t.Helper()
	expires, err := time.Parse(time.RFC3339Nano, r.Str("expiresAt"))
	if err != nil {
		t.Fatalf("%s: expiresAt of %s: %v", what, r, err)
	}
	if d := time.Until(expires); d < ttl-time.Minute || d > ttl {
		t.Errorf("%s expires in %s, want %s", what, d.Round(time.Second), ttl)
	}
}
