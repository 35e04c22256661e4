package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	emulator "github.com/encord-emulator/encord-emulator"
	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// The runner of TestDifferential: two servers, one over each store, on
// one step clock, sent the same calls step by step.

// stepClock is the clock of both servers: every step starts a second
// later, and each reading within a step a microsecond later, so that both
// servers write the same times as long as they do the same things.
type stepClock struct {
	mu    sync.Mutex
	base  time.Time
	step  int
	reads int
}

func (c *stepClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads++
	return c.base.Add(time.Duration(c.step)*time.Second + time.Duration(c.reads)*time.Microsecond)
}

func (c *stepClock) startStep(step int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.step, c.reads = step, 0
}

// diffSide is one server and what the driver knows of it: the last export,
// and the secrets its answers gave (sessions, private keys, bearers), by
// the ids of that server.
type diffSide struct {
	name string
	// c checks every answer against openapi.yaml; exports, read after
	// every step, go through reader, which does not (TestOpenAPI* and
	// the state tests check the document).
	c, reader *testclient.Client
	clock     *stepClock
	doc       stateDoc
	sessions  map[string]string             // member id → session token
	signers   map[string]*encordsign.Signer // key id → signer
	bearers   map[string]string             // key id → bearer token it minted
	specErr   error
}

func newDiffSide(t *testing.T, name string, st store.Store, base time.Time) *diffSide {
	s := &diffSide{name: name, clock: &stepClock{base: base}, sessions: map[string]string{}, signers: map[string]*encordsign.Signer{}, bearers: map[string]string{}}
	logger := slog.New(slog.DiscardHandler)
	handler := api.NewHandler(api.Config{
		Accounts: accounts.New(st, accounts.Config{Now: s.clock.now, Logger: logger}),
		Logger:   logger,
		OpenAPI:  emulator.OpenAPI,
	})
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	s.reader = testclient.NewForTest(t, srv.URL, testclient.Options{})
	s.c = testclient.NewForTest(t, srv.URL, testclient.Options{Check: func(req *http.Request, status int, header http.Header, body []byte) {
		if err := specMismatch(req, status, header, body); err != nil && s.specErr == nil {
			s.specErr = fmt.Errorf("%s %s answered %d, which openapi.yaml does not describe: %v; body %.300s", req.Method, req.URL.RequestURI(), status, err, body)
		}
	}})
	return s
}

// forgetEnded forgets a session the server no longer knows, so that the
// next calls pick one that works.
func (s *diffSide) forgetEnded(c diffCall, r testclient.Response) {
	if c.session != "" && r.Status == http.StatusUnauthorized {
		for id, token := range s.sessions {
			if token == c.session {
				delete(s.sessions, id)
			}
		}
	}
}

// list returns the entries of a list of the side's last export.
func (s *diffSide) list(name string) []map[string]any {
	var out []map[string]any
	for _, e := range entries(s.doc, name) {
		out = append(out, e.(map[string]any))
	}
	return out
}

// diffStats counts the calls of a run and their statuses.
type diffStats struct {
	calls    int
	statuses map[int]int
}

// runDifferential runs ops against a fresh memory server and a fresh
// Postgres server; the failure is nil when they agree at every step.
func runDifferential(t *testing.T, ops []diffOp) (*diffFailure, diffStats) {
	base := time.Now().UTC().Truncate(time.Second)
	sides := [2]*diffSide{
		newDiffSide(t, "memory", memory.New(), base),
		newDiffSide(t, "postgres", testenv.NewPostgresDB(t).Open(t), base),
	}
	run := &diffRun{sides: sides, pairs: newBijection(), stats: diffStats{statuses: map[int]int{}}}
	for step, op := range ops {
		if what := run.step(step, op); what != "" {
			return &diffFailure{step: step, what: what, calls: run.calls}, run.stats
		}
	}
	return nil, run.stats
}

type diffRun struct {
	sides [2]*diffSide
	pairs *bijection
	calls []string
	stats diffStats
}

// step runs one op on both sides and compares the answers and the
// exported states; it returns what differs, "" when nothing does.
func (r *diffRun) step(step int, op diffOp) string {
	kind := diffKinds[op.kind]
	var calls [2][]diffCall
	for i, s := range r.sides {
		s.clock.startStep(step)
		calls[i] = kind.build(s, newDraws(op.seed))
	}
	if len(calls[0]) != len(calls[1]) {
		return fmt.Sprintf("the driver built %d calls for memory and %d for postgres: their states differ", len(calls[0]), len(calls[1]))
	}
	for j := range calls[0] {
		var answers [2]testclient.Response
		for i, s := range r.sides {
			answers[i] = s.send(calls[i][j])
			if kind.after != nil {
				kind.after(s, calls[i][j], answers[i])
			}
			s.forgetEnded(calls[i][j], answers[i])
		}
		r.calls = append(r.calls, calls[0][j].String())
		r.stats.calls++
		r.stats.statuses[answers[0].Status]++
		for i, s := range r.sides {
			if answers[i].Err != nil && answers[i].Status == 0 {
				return fmt.Sprintf("%s: %s: no answer: %v", s.name, calls[i][j], answers[i].Err)
			}
			if s.specErr != nil {
				return s.name + ": " + s.specErr.Error()
			}
		}
		for i, s := range r.sides {
			if answers[i].Status >= 500 {
				return fmt.Sprintf("%s answered %s to %s", s.name, answers[i], calls[i][j])
			}
		}
		if what := r.export(); what != "" {
			return what
		}
		a, b := outcomeOf(answers[0]), outcomeOf(answers[1])
		b.message = r.pairs.translate(b.message)
		if a != b {
			return fmt.Sprintf("%s: memory answered %+v, postgres %+v", calls[0][j], a, b)
		}
		// What the API wrote, an import takes back as it is.
		if calls[0][j].target == asExported && a.status != http.StatusNoContent {
			return fmt.Sprintf("the state as exported does not import again: %+v", a)
		}
	}
	return ""
}

// export reads both states and compares them; it pairs the values each
// server chose on its own.
func (r *diffRun) export() string {
	for _, s := range r.sides {
		resp := s.reader.Do(context.Background(), "GET", "/_emulator/state", "", nil)
		if resp.Status != http.StatusOK {
			return fmt.Sprintf("%s: export answered %s", s.name, resp)
		}
		s.doc = resp.JSON
	}
	return r.pairs.compare("", map[string]any(r.sides[0].doc), map[string]any(r.sides[1].doc))
}

// diffOutcome is what two answers must share.
type diffOutcome struct {
	status        int
	code, message string
}

// outcomeOf reads the error code and message of an answer in any of the
// three dialects.
func outcomeOf(r testclient.Response) diffOutcome {
	o := diffOutcome{status: r.Status}
	if r.Status < 400 {
		return o
	}
	switch {
	case r.JSON["error"] != nil:
		o.code, o.message = r.Code(), r.Message()
	case r.JSON["response"] != nil:
		codes, _ := r.JSON["response"].([]any)
		if len(codes) == 1 {
			o.code, _ = codes[0].(string)
		}
		o.message, _ = r.JSON["payload"].(string)
	default:
		o.message, _ = r.JSON["message"].(string)
	}
	return o
}

// diffCall is one HTTP request as the driver builds it for one side.
type diffCall struct {
	method, path string
	body         []byte
	session      string
	signer       *encordsign.Signer
	bearer       string
	header       http.Header
	// target names what the call is about, for after: a member or key id.
	target string
}

func (c diffCall) String() string {
	auth := ""
	switch {
	case c.session != "":
		auth = " [session]"
	case c.signer != nil:
		auth = " [signed]"
	case c.bearer != "":
		auth = " [bearer]"
	}
	return fmt.Sprintf("%s %s%s %q", c.method, c.path, auth, c.body)
}

func (s *diffSide) send(c diffCall) testclient.Response {
	ctx := context.Background()
	if c.signer == nil && c.bearer == "" {
		var body any
		if c.body != nil {
			body = c.body
		}
		return s.c.Do(ctx, c.method, c.path, c.session, body)
	}
	return s.c.SDK(ctx, testclient.SDKRequest{Method: c.method, Target: c.path, Body: string(c.body), Signer: c.signer, Bearer: c.bearer, Header: c.header})
}
