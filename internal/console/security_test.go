package console_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"
)

// otherOrigin serves page at / on another origin than the emulator's and
// counts the requests it receives.
func otherOrigin(t *testing.T, page string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// testContentSecurityPolicy: in the console, the browser enforces the
// policy: no eval, no HTML sinks (Trusted Types), no injected inline script
// or style, no fetch to another origin.
func testContentSecurityPolicy(t *testing.T, browserCtx context.Context) {
	base, _ := startAcme(t)
	elsewhere, hits := otherOrigin(t, "elsewhere")

	tb := openTab(t, browserCtx, base)
	tb.allowProblems = true // the violations below are reported on purpose
	tb.logIn("ada@acme.test")

	if got := tb.evalError(`eval("1 + 1")`); got != "EvalError" {
		t.Errorf("eval in the console: %q, want EvalError (no 'unsafe-eval')", got)
	}
	if got := tb.evalError(`document.createElement("div").innerHTML = "<img src=x>"`); got != "TypeError" {
		t.Errorf("innerHTML in the console: %q, want TypeError (Trusted Types)", got)
	}
	if got := tb.evalError(`const s = document.createElement("script"); s.textContent = "window.injected = 1"; document.head.append(s)`); got != "TypeError" {
		t.Errorf("an injected inline script: %q, want TypeError (Trusted Types)", got)
	}
	ran, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`window.injected === 1`))
	if err != nil || ran {
		t.Errorf("an injected inline script ran (%v, %v)", ran, err)
	}
	outline, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](
		`document.body.setAttribute("style", "outline: 7px solid red"); getComputedStyle(document.body).outlineWidth`))
	if err != nil || outline == "7px" {
		t.Errorf("an inline style attribute applied (outline %q, %v)", outline, err)
	}
	fetched, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](
		fmt.Sprintf(`fetch(%q).then(() => "fetched", (e) => e.name)`, elsewhere.URL), chromedp.EvalAwaitPromise))
	if err != nil || fetched != "TypeError" || hits.Load() != 0 {
		t.Errorf("a fetch to another origin: %q, %v, %d requests arrived; want TypeError and none", fetched, err, hits.Load())
	}
}

// testCrossSiteRequestsAreRefused: a page of another origin, in the same
// browser, cannot act on the management plane. A form post (the classic
// CSRF, here with a JSON-looking text/plain body) and a no-cors fetch
// arrive without a session and are refused with 401; a fetch that sets
// Authorization needs a CORS preflight, which the emulator does not grant,
// so the browser never sends it, even with a valid session token.
func testCrossSiteRequestsAreRefused(t *testing.T, browserCtx context.Context) {
	base, ws := startAcme(t)
	target := base + "/api/v1/workspace/members"
	page := `<!doctype html><title>elsewhere</title>
<form id="csrf" method="POST" enctype="text/plain" action="` + html.EscapeString(target) + `">
<input type="hidden" name='{"email": "mallory@evil.test", "name": "Mallory", "role": "admin", "padding": "' value='"}'>
<button id="go" type="submit">Claim your prize</button>
</form>`
	elsewhere, _ := otherOrigin(t, page)

	tb := openTab(t, browserCtx, elsewhere.URL)
	tb.foreign = true
	tb.allowProblems = true // the browser reports the CORS refusal
	tb.do("open the other origin", chromedp.Navigate(elsewhere.URL))

	preflighted, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`fetch(%q, {method: "POST", headers: {"Content-Type": "application/json", "Authorization": "Bearer %s"},
		  body: JSON.stringify({email: "mallory@evil.test", name: "Mallory", role: "admin"})}).then((r) => "status " + r.status, (e) => e.name)`,
		target, ws.AdminToken), chromedp.EvalAwaitPromise))
	if err != nil || preflighted != "TypeError" {
		t.Errorf("a cross-origin fetch with Authorization: %q, %v; want the browser to refuse it (TypeError)", preflighted, err)
	}
	simple, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`fetch(%q, {method: "POST", mode: "no-cors", body: '{"email": "mallory@evil.test", "name": "Mallory", "role": "admin"}'}).then(() => "sent", (e) => e.name)`,
		target), chromedp.EvalAwaitPromise))
	if err != nil || simple != "sent" {
		t.Fatalf("a no-cors fetch: %q, %v", simple, err)
	}

	tb.click("#go")
	tb.waitText("body", "AUTHENTICATION_ERROR", "missing session")
	if m, ok := findMember(t, base, ws.AdminToken, "mallory@evil.test"); ok {
		t.Errorf("a cross-site request added the member %+v", m)
	}
}
