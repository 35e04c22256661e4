package console_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	emulator "github.com/encord-emulator/encord-emulator"
	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/console"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
)

// newRouter is the emulator's router with the console on or off.
func newRouter(consoleOn bool) http.Handler {
	cfg := api.Config{Accounts: accounts.New(memory.New(), accounts.Config{}), OpenAPI: emulator.OpenAPI}
	if consoleOn {
		cfg.Console = console.Handler()
	}
	return api.NewHandler(cfg)
}

func get(t *testing.T, h http.Handler, target string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRoutesWhenTheConsoleIsOn(t *testing.T) {
	h := newRouter(true)
	if resp := get(t, h, "/", nil); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/console/" {
		t.Errorf("GET /: %d to %q, want 302 to /console/", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := get(t, h, "/console", nil); resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/console/" {
		t.Errorf("GET /console: %d to %q, want 301 to /console/", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp := get(t, h, "/console/", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body(t, resp), `<script type="module" src="app.js"></script>`) {
		t.Errorf("GET /console/: %d, want 200 and the page", resp.StatusCode)
	}
	// The rest of the router is untouched.
	if resp := get(t, h, "/nowhere", nil); resp.StatusCode != http.StatusNotFound || !strings.Contains(body(t, resp), `"RESOURCE_NOT_FOUND_ERROR"`) {
		t.Errorf("GET /nowhere with the console on: %d", resp.StatusCode)
	}
}

func TestRoutesWhenTheConsoleIsOff(t *testing.T) {
	h := newRouter(false)
	for _, target := range []string{"/", "/console/", "/console/app.js"} {
		resp := get(t, h, target, nil)
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body(t, resp), `"RESOURCE_NOT_FOUND_ERROR"`) {
			t.Errorf("GET %s with the console off: %d, want the router's 404", target, resp.StatusCode)
		}
	}
}

// TestSecurityHeaders checks the headers of an admin UI on every answer of
// the console, the page, its assets and its 404s alike.
func TestSecurityHeaders(t *testing.T) {
	h := newRouter(true)
	for _, target := range []string{"/console/", "/console/app.js", "/console/console.css", "/console/favicon.svg", "/console/missing.js"} {
		resp := get(t, h, target, nil)
		want := map[string]string{
			"Content-Security-Policy":      console.ContentSecurityPolicy,
			"X-Frame-Options":              "DENY",
			"Referrer-Policy":              "no-referrer",
			"X-Content-Type-Options":       "nosniff",
			"Cross-Origin-Opener-Policy":   "same-origin",
			"Cross-Origin-Resource-Policy": "same-origin",
		}
		for name, value := range want {
			if got := resp.Header.Get(name); got != value {
				t.Errorf("GET %s: %s = %q, want %q", target, name, got, value)
			}
		}
	}
	csp := console.ContentSecurityPolicy
	for _, directive := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
		"object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'", "require-trusted-types-for 'script'"} {
		if !strings.Contains(csp, directive+";") && !strings.HasSuffix(csp, directive) {
			t.Errorf("the CSP lacks %q: %s", directive, csp)
		}
	}
	for _, loose := range []string{"unsafe-inline", "unsafe-eval", "*", "data:", "http:", "https:"} {
		if strings.Contains(csp, loose) {
			t.Errorf("the CSP allows %q: %s", loose, csp)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "`Content-Security-Policy: "+csp+"`") {
		t.Error("README.md, Web console, does not quote the CSP the console sends")
	}
}

func TestPageAndAssets(t *testing.T) {
	h := newRouter(true)
	page := get(t, h, "/console/", nil)
	if ct, cc := page.Header.Get("Content-Type"), page.Header.Get("Cache-Control"); ct != "text/html; charset=utf-8" || cc != "no-store" {
		t.Errorf("the page: Content-Type %q, Cache-Control %q; want text/html and no-store", ct, cc)
	}
	for target, wantType := range map[string]string{
		"/console/app.js":      "text/javascript; charset=utf-8",
		"/console/console.css": "text/css; charset=utf-8",
		"/console/favicon.svg": "image/svg+xml",
	} {
		resp := get(t, h, target, nil)
		etag := resp.Header.Get("ETag")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != wantType || etag == "" || resp.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: %d, Content-Type %q, ETag %q, Cache-Control %q", target, resp.StatusCode, resp.Header.Get("Content-Type"), etag, resp.Header.Get("Cache-Control"))
			continue
		}
		if again := get(t, h, target, http.Header{"If-None-Match": {etag}}); again.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with its ETag: %d, want 304", target, again.StatusCode)
		}
	}
	for _, target := range []string{"/console/missing.js", "/console/index.html", "/console/..%2fconsole.go"} {
		if resp := get(t, h, target, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", target, resp.StatusCode)
		}
	}
}

var (
	htmlReference = regexp.MustCompile(`(?:src|href)="([^"]+)"`)
	jsImport      = regexp.MustCompile(`(?m)^import [^;]*? from '([^']+)';`)
	externalURL   = regexp.MustCompile(`https?://[^\s"'<>)]+`)
)

// TestEverythingComesFromTheEmulator follows the page's references and
// the modules' imports: each is a file the console serves, and no file
// names another origin (the console must work offline).
func TestEverythingComesFromTheEmulator(t *testing.T) {
	h := newRouter(true)
	page := body(t, get(t, h, "/console/", nil))
	if strings.Contains(page, "<script>") || strings.Contains(page, " style=") {
		t.Error("the page has an inline script or style")
	}
	queue := []string{"/console/"}
	for _, m := range htmlReference.FindAllStringSubmatch(page, -1) {
		if m[1] == "/openapi.yaml" { // the <noscript> pointer to the HTTP API
			continue
		}
		queue = append(queue, "/console/"+m[1])
	}
	seen := map[string]bool{}
	for len(queue) > 0 {
		target := queue[0]
		queue = queue[1:]
		if seen[target] {
			continue
		}
		seen[target] = true
		resp := get(t, h, target, nil)
		text := body(t, resp)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", target, resp.StatusCode)
			continue
		}
		for _, u := range externalURL.FindAllString(text, -1) {
			if u != "http://www.w3.org/2000/svg" { // an XML namespace, never fetched
				t.Errorf("%s names %s", target, u)
			}
		}
		if strings.HasSuffix(target, ".js") {
			for _, m := range jsImport.FindAllStringSubmatch(text, -1) {
				ref, err := url.Parse(m[1])
				if err != nil || ref.IsAbs() || !strings.HasPrefix(m[1], "./") {
					t.Errorf("%s imports %q, which is not one of the console's own modules", target, m[1])
					continue
				}
				queue = append(queue, "/console/"+strings.TrimPrefix(m[1], "./"))
			}
		}
	}
	// And every file shipped is used.
	files, err := os.ReadDir("assets")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if target := "/console/" + f.Name(); f.Name() != "index.html" && !seen[target] {
			t.Errorf("assets/%s is shipped but neither the page nor a module uses it", f.Name())
		}
	}
}

// TestCrossOriginFormPostIsRefused is the server's half of the console's
// CSRF defence. A page of another origin can make the browser send a form
// post or a "simple" fetch, with no Authorization header (the console's
// session is not a cookie, so nothing is attached): the management plane
// refuses it with 401. Anything with Authorization or a JSON Content-Type
// needs a CORS preflight, and the emulator grants none.
func TestCrossOriginFormPostIsRefused(t *testing.T) {
	h := newRouter(true)
	created := httptest.NewRecorder()
	create := httptest.NewRequest(http.MethodPost, "/_emulator/workspaces",
		strings.NewReader(`{"name": "Acme", "admin": {"email": "ada@acme.test", "name": "Ada"}}`))
	create.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(created, create)
	if created.Code != http.StatusCreated {
		t.Fatalf("create a workspace: %d %s", created.Code, created.Body)
	}
	for _, tc := range []struct{ contentType, body string }{
		{"application/x-www-form-urlencoded", "email=mallory%40evil.test&name=Mallory&role=admin"},
		{"text/plain", `{"email": "mallory@evil.test", "name": "Mallory", "role": "admin", "padding": "="}`},
		{"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nmallory@evil.test\r\n--x--\r\n"},
	} {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/workspace/members", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", tc.contentType)
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Referer", "https://evil.example/prize")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), `"AUTHENTICATION_ERROR"`) {
			t.Errorf("a cross-origin %s post: %d %s, want 401 AUTHENTICATION_ERROR", tc.contentType, rec.Code, rec.Body)
		}
		if acao := rec.Header().Get("Access-Control-Allow-Origin"); acao != "" {
			t.Errorf("a cross-origin post is answered with Access-Control-Allow-Origin %q", acao)
		}
	}

	preflight := httptest.NewRequest(http.MethodOptions, "/api/v1/workspace/members", nil)
	preflight.Header.Set("Origin", "https://evil.example")
	preflight.Header.Set("Access-Control-Request-Method", "POST")
	preflight.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, preflight)
	if rec.Code/100 == 2 {
		t.Errorf("the CORS preflight is answered %d", rec.Code)
	}
	for name := range rec.Header() {
		if strings.HasPrefix(strings.ToLower(name), "access-control-") {
			t.Errorf("the CORS preflight is answered with %s: %s", name, rec.Header().Get(name))
		}
	}
}
