package api_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/faults"
	"github.com/encord-emulator/encord-emulator/internal/sdkmodel"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// faultWorld is a server with a workspace whose admin holds an SDK key.
type faultWorld struct {
	c      *client
	ws     workspace
	signer *encordsign.Signer
	email  string
}

func newFaultWorld(t *testing.T, st store.Store) faultWorld {
	t.Helper()
	c, _ := startServer(t, st, api.Config{})
	ws := c.newWorkspace("Faulty", "ada@faulty.test")
	signer, _ := c.newSigner(ws.AdminToken, "/api/v1/me/keys")
	return faultWorld{c: c, ws: ws, signer: signer, email: "ada@faulty.test"}
}

// addRule creates a fault rule and returns its id.
func (w faultWorld) addRule(rule map[string]any) string {
	w.c.t.Helper()
	return w.c.must(201, "POST", "/_emulator/faults", "", rule).str("id")
}

// listProjects is an emulated v2 read; getProjects its v1 counterpart.
func (w faultWorld) listProjects() response {
	return w.c.sdk(w.signer, sdkRequest{target: "/v2/public/projects?includeOrgAccess=False"})
}

func (w faultWorld) getProjects() response { return w.c.sdk(w.signer, v1(v1GetProjects)) }

// listedRule returns the rule with the id from GET /_emulator/faults.
func (w faultWorld) listedRule(id string) map[string]any {
	w.c.t.Helper()
	for _, r := range w.c.must(200, "GET", "/_emulator/faults", "", nil).items() {
		if r["id"] == id {
			return r
		}
	}
	w.c.t.Fatalf("rule %s is not listed", id)
	return nil
}

// journaled returns the journal entries of the requests a rule fired on.
func (w faultWorld) journaled(ruleID string) []map[string]any {
	w.c.t.Helper()
	return w.c.must(200, "GET", "/_emulator/requests?faultRule="+ruleID, "", nil).items()
}

// sdkTable is a table of docs/faults.md, What the SDK does: the cell of
// each status and release family.
type sdkTable struct {
	families [][2]sdkmodel.Release
	cells    map[int][]string // status → one cell per family
}

// readSDKTable reads the table under the heading of docs/faults.md and
// resolves "same" to the cell on its left.
func readSDKTable(t *testing.T, heading string) sdkTable {
	t.Helper()
	f, err := os.Open("../../docs/faults.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	table := sdkTable{cells: map[int][]string{}}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == heading:
			in = true
			continue
		case !in:
			continue
		case strings.HasPrefix(line, "#"):
			return table
		case !strings.HasPrefix(line, "|"), strings.HasPrefix(line, "| ---"), strings.HasPrefix(line, "|---"):
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if cells[0] == "status" {
			for _, family := range cells[1:] {
				lo, hi, _ := strings.Cut(family, "–")
				if hi == "" {
					hi = lo
				}
				a, errA := strconv.Atoi(lo)
				b, errB := strconv.Atoi(hi)
				if errA != nil || errB != nil || a > b {
					t.Fatalf("%s: column %q is not a release range", heading, family)
				}
				table.families = append(table.families, [2]sdkmodel.Release{sdkmodel.Release(a), sdkmodel.Release(b)})
			}
			continue
		}
		status, err := strconv.Atoi(cells[0])
		if err != nil || len(cells)-1 != len(table.families) {
			t.Fatalf("%s: row %q is not a status with a cell per family", heading, line)
		}
		row := cells[1:]
		for i := range row {
			if row[i] == "same" {
				row[i] = row[i-1]
			}
		}
		table.cells[status] = row
	}
	if len(table.cells) == 0 {
		t.Fatalf("docs/faults.md has no table under %q", heading)
	}
	return table
}

// cell is how the tables write an outcome.
func cell(o sdkmodel.Outcome) string {
	c := "`" + o.Exception + "`"
	if o.Retries > 0 {
		c = "retried, " + c
	}
	return c
}

// TestFaultAnswersMatchTheSDKTables sends, for every status of the tables
// of docs/faults.md, What the SDK does, a request a rule answers with that
// status, on a v1 and a v2 path, checks the answer's dialect, and then
// checks that what
// each SDK release does with that very answer (package sdkmodel) is the
// table's cell, for every release of every column.
func TestFaultAnswersMatchTheSDKTables(t *testing.T) {
	w := newFaultWorld(t, memory.New())
	for _, dialect := range []struct {
		heading string
		call    sdkmodel.Call
		path    string
		send    func() response
	}{
		{"### v1 reads", sdkmodel.Call{Dialect: sdkmodel.V1, Method: http.MethodPost}, "/public/user", w.getProjects},
		{"### v2 reads", sdkmodel.Call{Dialect: sdkmodel.V2, Method: http.MethodGet}, "/v2/public/projects", w.listProjects},
	} {
		table := readSDKTable(t, dialect.heading)
		statuses := slices.Sorted(func(yield func(int) bool) {
			for s := range table.cells {
				if !yield(s) {
					return
				}
			}
		})
		for _, status := range statuses {
			t.Run(fmt.Sprintf("%s/%d", dialect.call.Dialect, status), func(t *testing.T) {
				w.c.t = t
				id := w.addRule(map[string]any{"match": map[string]any{"path": dialect.path}, "action": map[string]any{"status": status}, "fire": map[string]any{"times": 1}})
				r := dialect.send()
				if r.Status != status {
					t.Fatalf("answered %s, want the rule's status %d", r, status)
				}
				if dialect.call.Dialect == sdkmodel.V1 {
					wantV1(t, r, status, string(faults.DefaultCode(status)), id)
				} else {
					wantV2(t, r, status, id)
				}
				reply := sdkmodel.Reply{Status: r.Status, Body: r.Raw, RetryAfter: r.Header.Get("Retry-After")}
				for i, family := range table.families {
					for release := family[0]; release <= family[1]; release++ {
						if got, want := cell(sdkmodel.Raise(release, dialect.call, reply)), table.cells[status][i]; got != want {
							t.Errorf("%s: the SDK does %s with this answer, docs/faults.md says %s", release, got, want)
						}
					}
				}
			})
		}
	}
}

func TestFaultRules(t *testing.T) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		t.Run("FirstNExactly", func(t *testing.T) {
			w := newFaultWorld(t, newStore(t))
			id := w.addRule(map[string]any{
				"match":  map[string]any{"path": "/v2/public/projects", "principal": "ADA@faulty.test"},
				"action": map[string]any{"status": 503, "retryAfter": 7},
				"fire":   map[string]any{"times": 3},
			})
			// Another principal's requests do not match, and do not count.
			other, _ := w.c.newSigner(w.c.newWorkspace("Other", "bob@other.test").AdminToken, "/api/v1/me/keys")
			if r := w.c.sdk(other, sdkRequest{target: "/v2/public/projects"}); r.Status != 200 {
				t.Fatalf("another principal's request: %s", r)
			}
			var statuses []int
			for range 5 {
				r := w.listProjects()
				statuses = append(statuses, r.Status)
				if r.Status == 503 && r.Header.Get("Retry-After") != "7" {
					t.Errorf("Retry-After %q, want the rule's 7", r.Header.Get("Retry-After"))
				}
			}
			if want := []int{503, 503, 503, 200, 200}; !slices.Equal(statuses, want) {
				t.Errorf("statuses %v, want %v", statuses, want)
			}
			listed := w.listedRule(id)
			if listed["matched"] != 3.0 || listed["fired"] != 3.0 || listed["spent"] != true {
				t.Errorf("listed %v, want matched 3, fired 3, spent", listed)
			}
			entries := w.journaled(id)
			var matches []float64
			for _, e := range entries {
				f := e["fault"].(map[string]any)
				matches = append(matches, f["match"].(float64))
				if f["ruleId"] != id || f["status"] != 503.0 || e["status"] != 503.0 {
					t.Errorf("journal entry %v does not say rule %s answered 503", e, id)
				}
			}
			if want := []float64{3, 2, 1}; !slices.Equal(matches, want) { // newest first
				t.Errorf("journaled matches %v, want %v", matches, want)
			}
		})

		t.Run("SeededProbabilityIsReproducible", func(t *testing.T) {
			w := newFaultWorld(t, newStore(t))
			run := func() []int {
				id := w.addRule(map[string]any{"match": map[string]any{"path": "/v2/public/**"}, "action": map[string]any{"status": 500}, "fire": map[string]any{"probability": 0.4, "seed": 7}})
				var fired []int
				for k := 1; k <= 30; k++ {
					if r := w.listProjects(); r.Status == 500 {
						fired = append(fired, k)
					}
				}
				w.c.must(204, "DELETE", "/_emulator/faults/"+id, "", nil)
				return fired
			}
			first := run()
			var want []int
			for k := 1; k <= 30; k++ {
				if faults.Draw(7, int64(k)) < 0.4 {
					want = append(want, k)
				}
			}
			if !slices.Equal(first, want) {
				t.Errorf("fired on matches %v, want %v (Draw(7, k) < 0.4)", first, want)
			}
			if again := run(); !slices.Equal(again, first) {
				t.Errorf("the same rule again fired on %v, the first time on %v", again, first)
			}
			generated := w.c.must(201, "POST", "/_emulator/faults", "", map[string]any{"action": map[string]any{"status": 500}, "fire": map[string]any{"probability": 0.5}})
			if seed, ok := generated.JSON["fire"].(map[string]any)["seed"].(float64); !ok || seed < 0 {
				t.Errorf("no seed generated and shown: %s", generated)
			}
		})

		t.Run("V1CallsByQueryType", func(t *testing.T) {
			w := newFaultWorld(t, newStore(t))
			w.addRule(map[string]any{"match": map[string]any{"queryType": "projectwithuserrole", "queryMethod": "get"}, "action": map[string]any{"status": 429}})
			wantV1(t, w.getProjects(), 429, "RATE_LIMIT_EXCEEDED_ERROR", "fault rule")
			created := w.c.sdk(w.signer, v1(`{"query_type": "project", "query_method": "POST", "values": {"uid": null, "payload": {"title": "p", "description": "", "dataset_hashes": []}}}`))
			if created.Status != 200 {
				t.Errorf("a v1 call of another query_type: %s", created)
			}
		})

		t.Run("NeverHidesAnAuthenticationFailure", func(t *testing.T) {
			w := newFaultWorld(t, newStore(t))
			id := w.addRule(map[string]any{"action": map[string]any{"status": 503}})
			r := w.c.sdk(nil, sdkRequest{target: "/v2/public/projects"})
			wantV2(t, r, 401, "")
			if listed := w.listedRule(id); listed["matched"] != 0.0 {
				t.Errorf("an unauthenticated request counted as a match: %v", listed)
			}
		})

		t.Run("ManagementPlane", func(t *testing.T) {
			w := newFaultWorld(t, newStore(t))
			id := w.addRule(map[string]any{"match": map[string]any{"path": "/api/v1/me", "principal": "ada@faulty.test"}, "action": map[string]any{"status": 502, "message": "bad gateway, on purpose"}})
			if listed := w.listedRule(id); listed["match"].(map[string]any)["plane"] != "management" {
				t.Errorf("plane %v, want management from the path", listed["match"])
			}
			r := w.c.do("GET", "/api/v1/me", w.ws.AdminToken, nil)
			details, _ := r.JSON["error"].(map[string]any)["details"].(map[string]any)
			if r.Status != 502 || r.code() != "SERVICE_UNAVAILABLE_ERROR" || r.message() != "bad gateway, on purpose" || details["faultRule"] != id {
				t.Errorf("got %s, want 502 SERVICE_UNAVAILABLE_ERROR with the rule's message and id", r)
			}
			if r := w.listProjects(); r.Status != 200 {
				t.Errorf("the SDK plane was faulted by a management rule: %s", r)
			}
			entries := w.journaled(id)
			if len(entries) != 1 || entries[0]["scheme"] != "session" || entries[0]["status"] != 502.0 {
				t.Errorf("journal %v, want one session entry answered 502", entries)
			}
		})

		t.Run("OldestRuleFirst", func(t *testing.T) {
			w := newFaultWorld(t, newStore(t))
			w.addRule(map[string]any{"id": "first", "action": map[string]any{"status": 429}, "fire": map[string]any{"times": 1}})
			w.addRule(map[string]any{"id": "second", "action": map[string]any{"status": 503}, "fire": map[string]any{"times": 1}})
			var got []int
			for range 3 {
				got = append(got, w.listProjects().Status)
			}
			if want := []int{429, 503, 200}; !slices.Equal(got, want) {
				t.Errorf("statuses %v, want %v", got, want)
			}
		})
	})
}

// A delay alone serves the request after waiting; the journal says how long
// it waited. A drop closes the connection without an answer.
func TestFaultDelayAndDrop(t *testing.T) {
	w := newFaultWorld(t, memory.New())
	const delay = 200 * time.Millisecond
	id := w.addRule(map[string]any{"match": map[string]any{"path": "/v2/public/projects"}, "action": map[string]any{"delay": delay.String()}, "fire": map[string]any{"times": 1}})
	start := time.Now()
	r := w.listProjects()
	if elapsed := time.Since(start); r.Status != 200 || elapsed < delay {
		t.Errorf("delayed request: %s after %v, want 200 after at least %v", r, elapsed, delay)
	}
	if entries := w.journaled(id); len(entries) != 1 || entries[0]["fault"].(map[string]any)["delay"] != "200ms" {
		t.Errorf("journal %v, want the delay of 200ms recorded", entries)
	}

	dropID := w.addRule(map[string]any{"match": map[string]any{"path": "/v2/public/projects"}, "action": map[string]any{"drop": true}, "fire": map[string]any{"times": 1}})
	req, _ := http.NewRequestWithContext(context.Background(), "GET", w.c.URL()+"/v2/public/projects", nil)
	if err := w.signer.SignRequest(req, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	transport := &http.Transport{DisableKeepAlives: true}
	defer transport.CloseIdleConnections()
	resp, err := (&http.Client{Transport: transport}).Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("a dropped request was answered %s", resp.Status)
	}
	if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("a dropped request failed with %v, want the connection closed (EOF)", err)
	}
	// The client sees the closed connection before the handler returns and
	// the request is journaled: wait for the entry.
	entries := w.journaled(dropID)
	for deadline := time.Now().Add(10 * time.Second); len(entries) == 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
		entries = w.journaled(dropID)
	}
	if len(entries) != 1 || entries[0]["fault"].(map[string]any)["dropped"] != true || entries[0]["status"] != 0.0 {
		t.Errorf("journal %v, want one dropped entry with status 0", entries)
	}
	if r := w.listProjects(); r.Status != 200 {
		t.Errorf("after the drop: %s", r)
	}
}

func TestFaultRuleRefusals(t *testing.T) {
	w := newFaultWorld(t, memory.New())
	cases := []struct {
		name  string
		body  any
		field string
	}{
		{"a success status", map[string]any{"action": map[string]any{"status": 200}}, "action.status"},
		{"an unknown field", `{"action": {"status": 500}, "when": "always"}`, "when"},
		{"a delay that is no duration", map[string]any{"action": map[string]any{"delay": "soon"}}, "action.delay"},
		{"an unknown code", map[string]any{"action": map[string]any{"status": 500, "code": "OOPS"}}, "action.code"},
		{"a control path", map[string]any{"match": map[string]any{"path": "/_emulator/reset"}, "action": map[string]any{"status": 500}}, "match.path"},
		{"no action", map[string]any{"match": map[string]any{"path": "/public"}}, "action"},
		{"times 0", map[string]any{"action": map[string]any{"status": 500}, "fire": map[string]any{"times": 0}}, "fire.times"},
	}
	for _, c := range cases {
		r := w.c.do("POST", "/_emulator/faults", "", c.body)
		details, _ := r.JSON["error"].(map[string]any)["details"].(map[string]any)
		if r.Status != 400 || r.code() != "INVALID_ARGUMENTS_ERROR" || details["field"] != c.field {
			t.Errorf("%s: got %s, want 400 naming %s", c.name, r, c.field)
		}
	}
	w.addRule(map[string]any{"id": "taken", "action": map[string]any{"status": 500}})
	if r := w.c.do("POST", "/_emulator/faults", "", map[string]any{"id": "taken", "action": map[string]any{"status": 503}}); r.Status != 409 || r.code() != "RESOURCE_EXISTS_ERROR" {
		t.Errorf("a taken id: %s, want 409 RESOURCE_EXISTS_ERROR", r)
	}
	if r := w.c.do("DELETE", "/_emulator/faults/nope", "", nil); r.Status != 404 {
		t.Errorf("deleting an unknown rule: %s, want 404", r)
	}
	if r := w.c.must(200, "DELETE", "/_emulator/faults", "", nil); r.JSON["deleted"] != 1.0 {
		t.Errorf("DELETE /_emulator/faults: %s, want 1 deleted", r)
	}
}

// Reset deletes the rules and returns the clock to real time.
func TestResetClearsFaultsAndClock(t *testing.T) {
	w := newFaultWorld(t, memory.New())
	w.addRule(map[string]any{"action": map[string]any{"status": 500}})
	w.c.must(200, "PUT", "/_emulator/clock", "", map[string]any{"offset": "1h"})
	w.c.must(204, "POST", "/_emulator/reset", "", nil)
	if items := w.c.must(200, "GET", "/_emulator/faults", "", nil).items(); len(items) != 0 {
		t.Errorf("rules after reset: %v", items)
	}
	if mode := w.c.must(200, "GET", "/_emulator/clock", "", nil).str("mode"); mode != "real" {
		t.Errorf("clock mode %q after reset, want real", mode)
	}
}
