package console_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/encord-emulator/encord-emulator/pkg/server"
)

// The browser tests drive the console in a real headless Chromium through
// the DevTools protocol (chromedp), against an emulator started in process
// on the memory store. One browser serves every subtest; each subtest gets
// its own emulator and tab.
//
// Without Chromium they are skipped with a message containing SKIP-BROWSER,
// unless EMULATOR_REQUIRE_BROWSER is set (make test and CI set it), in which
// case they fail: a run that promised the browser suite must never pass
// without it.

var updateScreenshots = flag.Bool("screenshots", false, "write a PNG of each console screen to docs/console/")

// screenshotDir is where -screenshots writes, relative to this package.
const screenshotDir = "../../docs/console"

// actionTimeout bounds one wait in a browser test; a timeout fails the
// test with what the page shows.
const actionTimeout = 20 * time.Second

// chromiumPath finds the browser: $EMULATOR_CHROMIUM, or Debian's chromium
// (or another Chromium or Chrome) on PATH.
func chromiumPath() string {
	if p := os.Getenv("EMULATOR_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startBrowser launches headless Chromium for the whole test and returns
// its context. The flags keep a browser on a closed network from reaching
// for updates, sync and component downloads, which would only slow it.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("EMULATOR_REQUIRE_BROWSER") != "" {
			t.Fatal("EMULATOR_REQUIRE_BROWSER is set but no Chromium was found: install Debian's chromium (apt-get install chromium) or set EMULATOR_CHROMIUM to a Chromium or Chrome binary")
		}
		t.Skip("SKIP-BROWSER: no Chromium found (apt-get install chromium, or set EMULATOR_CHROMIUM); make test requires it")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// startEmulator serves the emulator with its console on a free port.
func startEmulator(t *testing.T, opts server.Options) *server.Server {
	t.Helper()
	opts.Addr = "127.0.0.1:0"
	opts.Console = true
	// Chromium opens spare connections that never carry a request; a
	// graceful shutdown would wait seconds for them to count as idle.
	opts.ShutdownTimeout = 100 * time.Millisecond
	srv, err := server.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// tab is one browser tab on the console of one emulator, with what the tab
// sent and what its console printed.
type tab struct {
	t         *testing.T
	ctx       context.Context
	base      string
	downloads string

	mu       sync.Mutex
	requests []*network.Request
	problems []string
	// allowProblems turns off the end-of-test check that the page printed
	// no error: the security tests provoke CSP and CORS errors on purpose.
	allowProblems bool
	// foreign turns off the end-of-test check of the requests: the tab
	// shows a page of another origin.
	foreign bool
}

// openTab opens a tab on base in the browser of browserCtx. When the test
// ends, the tab is checked: no exception or error in the page's console,
// and every request went to the emulator's own origin, to the console, the
// management plane or the journal only, with the session token only ever
// in an Authorization header.
func openTab(t *testing.T, browserCtx context.Context, base string) *tab {
	t.Helper()
	tb := &tab{t: t, base: base, downloads: t.TempDir()}
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithListener(tb.record))
	tb.ctx = ctx
	t.Cleanup(func() {
		if !t.Failed() {
			tb.checkTraffic()
		}
		cancel()
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	return tb
}

// record runs in the tab's event loop: it must return fast.
func (tb *tab) record(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		tb.requests = append(tb.requests, ev.Request)
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		tb.problems = append(tb.problems, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, text))
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			tb.problems = append(tb.problems, fmt.Sprintf("console.%s called", ev.Type))
		}
	case *log.EventEntryAdded:
		// A 4xx answer logs "Failed to load resource" from the network:
		// the console shows such answers on purpose.
		if ev.Entry.Level == log.EntryLevelError && ev.Entry.Source != log.EntrySourceNetwork {
			tb.problems = append(tb.problems, fmt.Sprintf("%s error: %s", ev.Entry.Source, ev.Entry.Text))
		}
	}
}

// sent returns the requests the tab made so far.
func (tb *tab) sent() []*network.Request {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return slices.Clone(tb.requests)
}

func (tb *tab) checkTraffic() {
	t := tb.t
	tb.mu.Lock()
	problems := slices.Clone(tb.problems)
	tb.mu.Unlock()
	if !tb.allowProblems && len(problems) > 0 {
		t.Errorf("the page reported errors:\n\t%s", strings.Join(problems, "\n\t"))
	}
	if tb.foreign {
		return
	}
	var tokens []string
	for _, req := range tb.sent() {
		if auth := header(req, "Authorization"); strings.HasPrefix(auth, "Bearer ") {
			tokens = append(tokens, strings.TrimPrefix(auth, "Bearer "))
		}
	}
	for _, req := range tb.sent() {
		if strings.HasPrefix(req.URL, "data:") || strings.HasPrefix(req.URL, "blob:") {
			continue
		}
		u, err := url.Parse(req.URL)
		if err != nil || u.Scheme+"://"+u.Host != tb.base {
			t.Errorf("the page requested %s, outside the emulator's origin %s", req.URL, tb.base)
			continue
		}
		for _, token := range tokens {
			if strings.Contains(req.URL, token) {
				t.Errorf("a token appears in the URL %s", req.URL)
			}
		}
		switch {
		case u.Path == "/" || strings.HasPrefix(u.Path, "/console"):
			if req.Method != http.MethodGet {
				t.Errorf("%s %s: the console's own files are only read", req.Method, u.Path)
			}
		case u.Path == "/_emulator/requests":
			if req.Method != http.MethodGet {
				t.Errorf("%s %s: the journal is only read", req.Method, u.Path)
			}
		case strings.HasPrefix(u.Path, "/api/v1/"):
			if req.Method == http.MethodGet {
				continue
			}
			if ct := header(req, "Content-Type"); ct != "application/json" {
				t.Errorf("%s %s was sent with Content-Type %q, want application/json", req.Method, u.Path, ct)
			}
			if req.Method == http.MethodPost && u.Path == "/api/v1/sessions" {
				continue
			}
			if !strings.HasPrefix(header(req, "Authorization"), "Bearer ") {
				t.Errorf("%s %s was sent without Authorization: Bearer", req.Method, u.Path)
			}
		default:
			t.Errorf("the page requested %s %s, which is neither the console, the management plane nor the journal", req.Method, u.Path)
		}
	}
	state, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`localStorage.length + "/" + sessionStorage.length + "/" + document.cookie`))
	if err == nil && state != "0/0/" {
		t.Errorf("the page stored state (localStorage/sessionStorage/cookie): %q", state)
	}
}

func header(req *network.Request, name string) string {
	for k, v := range req.Headers {
		if strings.EqualFold(k, name) {
			return fmt.Sprint(v)
		}
	}
	return ""
}

// do runs actions, failing the test with the page's text on error.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %v\nthe page shows:\n%s", what, err, tb.pageText())
	}
}

// pageText is the visible text of the page, for failure messages.
func (tb *tab) pageText() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	return text
}

// navigate loads path of the emulator and waits for the console to draw.
func (tb *tab) navigate(path string) {
	tb.t.Helper()
	tb.do("navigate to "+path, chromedp.Navigate(tb.base+path))
	tb.waitVisible("#app > *")
}

func (tb *tab) waitVisible(sel string) {
	tb.t.Helper()
	tb.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

func (tb *tab) waitGone(sel string) {
	tb.t.Helper()
	tb.do("wait for "+sel+" to go", chromedp.WaitNotPresent(chromedp.CSS(sel)))
}

func (tb *tab) click(sel string) {
	tb.t.Helper()
	// The console redraws a list when an answer arrives, which can replace
	// the node between the query and the click (the browser then answers
	// "Could not find node with given id"): query again, a few times.
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	var err error
	for range 5 {
		if err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err == nil || !strings.Contains(err.Error(), "Could not find node") {
			break
		}
	}
	if err != nil {
		tb.t.Fatalf("click %s: %v\nthe page shows:\n%s", sel, err, tb.pageText())
	}
}

// submit clicks the primary button of the dialog matching sel and waits
// until the dialog has the server's answer (it is closed, or no longer
// busy).
func (tb *tab) submit(dialog string) {
	tb.t.Helper()
	tb.click(dialog + " button[type=submit]")
	tb.waitGone(dialog + "[aria-busy]")
}

// typeInto replaces the value of a field by typing text into it.
func (tb *tab) typeInto(sel, text string) {
	tb.t.Helper()
	tb.paste(sel, "")
	tb.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text, chromedp.NodeVisible))
}

// paste sets a field's value at once, as a paste does (multi-line keys).
func (tb *tab) paste(sel, text string) {
	tb.t.Helper()
	tb.waitVisible(sel)
	tb.do("paste into "+sel, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`(() => { const f = document.querySelector(%q); f.value = %s; f.dispatchEvent(new Event('input', {bubbles: true})); })()`, sel, jsString(text))))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// selectOption chooses value in a <select> and fires its change event, as
// a user's choice does.
func (tb *tab) selectOption(sel, value string) {
	tb.t.Helper()
	tb.do("select "+value+" in "+sel, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`(() => { const s = document.querySelector(%q); s.value = %q; s.dispatchEvent(new Event('change', {bubbles: true})); })()`, sel, value)))
}

// text returns the text of the first element matching sel ("" if none).
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(() => { const el = document.querySelector(%q); return el ? el.textContent : ""; })()`, sel)))
	if err != nil {
		tb.t.Fatalf("read %s: %v", sel, err)
	}
	return text
}

// waitText waits until the element matching sel contains each of wants,
// and returns its text.
func (tb *tab) waitText(sel string, wants ...string) string {
	tb.t.Helper()
	deadline := time.Now().Add(actionTimeout)
	for {
		text := tb.text(sel)
		missing := slices.IndexFunc(wants, func(w string) bool { return !strings.Contains(text, w) })
		if missing < 0 {
			return text
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("%s never showed %q; it shows %q\nthe page shows:\n%s", sel, wants[missing], text, tb.pageText())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// value is the value of a form field.
func (tb *tab) value(sel string) string {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).value`, sel)))
	if err != nil {
		tb.t.Fatalf("read the value of %s: %v", sel, err)
	}
	return v
}

// markup is the page's HTML with the values of its fields, to check what
// the page holds beyond what it shows.
func (tb *tab) markup() string {
	tb.t.Helper()
	html, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](
		`document.documentElement.outerHTML + [...document.querySelectorAll('input, textarea')].map((e) => e.value).join('\n')`))
	if err != nil {
		tb.t.Fatalf("read the page: %v", err)
	}
	return html
}

// count returns how many elements match sel.
func (tb *tab) count(sel string) int {
	tb.t.Helper()
	n, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	if err != nil {
		tb.t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

// location is the page's URL.
func (tb *tab) location() string {
	tb.t.Helper()
	loc, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		tb.t.Fatal(err)
	}
	return loc
}

// screenshot captures the page as docs/console/<name>.png when the test
// runs with -screenshots; otherwise it only checks a PNG can be taken.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	// Let transitions and the caret settle, and blur the focused field so
	// the picture does not depend on where the caret blinks.
	tb.do("settle before screenshot", chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur && document.activeElement.blur()`), chromedp.Sleep(150*time.Millisecond))
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	if !*updateScreenshots {
		return
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// download runs trigger, which must make the page download one file, and
// returns the file's name and contents as the browser saved them.
func (tb *tab) download(what string, trigger func()) (string, []byte) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	// The download directory is the browser's, not the tab's: claim it.
	_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:      browser.SetDownloadBehaviorBehaviorAllow,
		DownloadPath:  tb.downloads,
		EventsEnabled: new(true),
	})
	if err != nil {
		tb.t.Fatal(err)
	}
	begins := chromedp.BrowserEvents(ctx, browser.DownloadWillBegin)
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	trigger()
	var name, guid string
	for ev, err := range begins {
		if err != nil {
			tb.t.Fatalf("%s: no download began: %v\nthe page shows:\n%s", what, err, tb.pageText())
		}
		name, guid = ev.SuggestedFilename, ev.GUID
		break
	}
	for ev, err := range progress {
		if err != nil {
			tb.t.Fatalf("%s: the download of %s never completed: %v", what, name, err)
		}
		if ev.GUID != guid {
			continue
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			tb.t.Fatalf("%s: the download of %s was cancelled", what, name)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			break
		}
	}
	data, err := os.ReadFile(filepath.Join(tb.downloads, name))
	if err != nil {
		tb.t.Fatalf("%s: read the downloaded %s: %v", what, name, err)
	}
	return name, data
}

// evalError runs a script in the page and returns the name of the error it
// throws, or "" when it completes.
func (tb *tab) evalError(script string) string {
	tb.t.Helper()
	// DevTools lets its own evaluations eval by default; this one runs
	// under the page's policy.
	underPolicy := func(p *runtime.EvaluateParams) { p.AllowUnsafeEvalBlockedByCSP = new(false) }
	name, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`(() => { try { `+script+`; return ""; } catch (e) { return e.name; } })()`, underPolicy))
	if err != nil {
		var exc *chromedp.ExceptionError
		if errors.As(err, &exc) {
			return "uncaught"
		}
		tb.t.Fatalf("evaluate %s: %v", script, err)
	}
	return name
}

// logIn logs in to the console as the member with this email.
func (tb *tab) logIn(email string) {
	tb.t.Helper()
	tb.navigate("/console/")
	tb.waitVisible("#login-email")
	tb.typeInto("#login-email", email)
	tb.click("#login-submit")
	tb.waitText(".user-email", email)
}

// open clicks the sidebar's link to a screen and waits for it to load.
func (tb *tab) open(screen string) {
	tb.t.Helper()
	tb.click(`a.nav-link[href="#/` + screen + `"]`)
	tb.waitVisible(`#page[data-screen="` + screen + `"] .page-header`)
	tb.waitGone("#page .loading")
}

// TestConsoleInBrowser runs every flow of the console, end to end, in one
// headless Chromium.
func TestConsoleInBrowser(t *testing.T) {
	browserCtx := startBrowser(t)
	for _, flow := range []struct {
		name string
		run  func(t *testing.T, browserCtx context.Context)
	}{
		{"LogIn", testLogIn},
		{"ServiceAccounts", testServiceAccounts},
		{"ServiceAccountsNeedAnAdmin", testServiceAccountsNeedAnAdmin},
		{"UserAPIKeys", testUserAPIKeys},
		{"Members", testMembers},
		{"LastAdmin", testLastAdmin},
		{"Journal", testJournal},
		{"JournalBehindAdminToken", testJournalBehindAdminToken},
		{"ContentSecurityPolicy", testContentSecurityPolicy},
		{"CrossSiteRequestsAreRefused", testCrossSiteRequestsAreRefused},
	} {
		t.Run(flow.name, func(t *testing.T) { flow.run(t, browserCtx) })
	}
}
