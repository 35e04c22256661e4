package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	emulator "github.com/encord-emulator/encord-emulator"
	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// TestDifferential runs seeded, deterministic random sequences of calls of
// the three planes against a memory-backed and a Postgres-backed server
// side by side, and requires both to answer alike at every step: the same
// status, the same error code and message, and the same exported state.
//
// Ids, token hashes and generated keys are chosen independently by each
// server; the two exports are walked side by side and such values are
// paired (a bijection that must hold for the whole run), everything else
// must be equal. Both servers read the same step clock, so the times they
// write are equal. The calls take what an attacker or a careless client
// sends: NUL, bidi controls, line separators, invalid UTF-8 bytes, lone
// surrogate escapes, huge strings, field names in another case or twice,
// degenerate Ed25519 keys, edited state documents.
//
// On a mismatch the test prints the seed, the step and a minimal
// reproduction: the shortest sequence of calls it found that still makes
// the servers disagree, as sent to the memory server.
var (
	diffSeed  = flag.Uint64("diff.seed", 0, "seed of TestDifferential (0: its built-in seeds)")
	diffSteps = flag.Int("diff.steps", 0, "steps of TestDifferential per seed (0: its default)")
)

// The default run of make test: a few thousand steps in all.
var (
	diffDefaultSeeds = []uint64{1, 2, 3}
	diffDefaultSteps = 700
)

func TestDifferential(t *testing.T) {
	seeds, steps := diffDefaultSeeds, diffDefaultSteps
	if *diffSeed != 0 {
		seeds = []uint64{*diffSeed}
	}
	if *diffSteps > 0 {
		steps = *diffSteps
	}
	testenv.PostgresDSN(t) // skips (or fails, when required) without a database
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			ops := diffProgram(seed, steps)
			fail, stats := runDifferential(t, ops)
			if fail == nil {
				t.Logf("seed %d: %d steps, %d calls, memory and Postgres answered alike; statuses %v", seed, steps, stats.calls, stats.statuses)
				return
			}
			t.Errorf("seed %d, step %d (%s): the stores disagree: %s", seed, fail.step, ops[fail.step].name(), fail.what)
			minimal := shrinkDifferential(t, ops[:fail.step+1])
			t.Errorf("minimal reproduction (%d calls; the whole run: -diff.seed=%d -diff.steps=%d), after which %s:\n%s",
				len(minimal.calls), seed, fail.step+1, minimal.what, strings.Join(minimal.calls, "\n"))
		})
	}
}

// diffOp is one step: an operation kind and the seed of its random choices,
// so that the same op replays the same choices.
type diffOp struct {
	kind int
	seed uint64
}

func (op diffOp) name() string { return diffKinds[op.kind].name }

// diffProgram is the sequence of steps of a seed.
func diffProgram(seed uint64, steps int) []diffOp {
	rng := rand.New(rand.NewPCG(seed, 0xd1ff))
	total := 0
	for _, k := range diffKinds {
		total += k.weight
	}
	ops := make([]diffOp, steps)
	for i := range ops {
		if i < 3 { // a few workspaces to start with
			ops[i] = diffOp{kind: 0, seed: rng.Uint64()}
			continue
		}
		n := rng.IntN(total)
		kind := 0
		for n >= diffKinds[kind].weight {
			n -= diffKinds[kind].weight
			kind++
		}
		ops[i] = diffOp{kind: kind, seed: rng.Uint64()}
	}
	return ops
}

// diffFailure is the first disagreement of a run.
type diffFailure struct {
	step  int
	what  string
	calls []string // the calls sent to the memory server, one line each
}

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

// bijection pairs the values the memory server chose (ids, token hashes,
// generated keys) with those the Postgres server chose at the same place.
type bijection struct {
	ab, ba map[string]string
}

func newBijection() *bijection {
	return &bijection{ab: map[string]string{}, ba: map[string]string{}}
}

// pair records a↔b, or says why it contradicts an earlier pair.
func (p *bijection) pair(path, a, b string) string {
	if pb, ok := p.ab[a]; ok && pb != b {
		return fmt.Sprintf("%s: memory's %q stood for postgres's %q before, now for %q", path, a, pb, b)
	}
	if pa, ok := p.ba[b]; ok && pa != a {
		return fmt.Sprintf("%s: postgres's %q stood for memory's %q before, now for %q", path, b, pa, a)
	}
	p.ab[a], p.ba[b] = b, a
	return ""
}

// translate replaces, in text written by the Postgres server, the values
// it chose by those memory chose (and a workspace id's first 8 characters,
// which service-account emails hold).
func (p *bijection) translate(text string) string {
	if text == "" {
		return text
	}
	for b, a := range p.ba {
		if strings.Contains(text, b) {
			text = strings.ReplaceAll(text, b, a)
		}
		if len(b) == 36 && strings.Contains(text, b[:8]) {
			text = strings.ReplaceAll(text, b[:8], a[:8])
		}
	}
	return text
}

// chosenFields are the fields whose values each server chooses itself.
var chosenFields = map[string]bool{
	"id": true, "workspaceId": true, "createdBy": true, "hash": true, "keyId": true,
	"publicKey": true, "publicKeyHex": true, "fingerprint": true,
	"ontologyHash": true, "datasetHashes": true, "backingFolderUuid": true, "parent": true, "syncedDatasetHash": true,
}

// compare walks two exports side by side: chosen values are paired, every
// other value must be equal (texts once translated).
func (p *bijection) compare(path string, a, b any) string {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return fmt.Sprintf("%s: memory has %.300v, postgres %.300v", path, a, b)
		}
		uploaded := av["origin"] == "uploaded"
		for _, k := range sortedKeys(av) {
			bk, ok := bv[k]
			if !ok {
				return fmt.Sprintf("%s: postgres has no %q", path, k)
			}
			var what string
			if chosenFields[k] && !(uploaded && (k == "publicKey" || k == "publicKeyHex" || k == "fingerprint")) {
				what = p.chosen(path+"/"+k, av[k], bk)
			} else {
				what = p.compare(path+"/"+k, av[k], bk)
			}
			if what != "" {
				return what
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return fmt.Sprintf("%s: memory has %d entries, postgres %.300v", path, len(av), b)
		}
		for i := range av {
			if what := p.compare(path+"/"+strconv.Itoa(i), av[i], bv[i]); what != "" {
				return what
			}
		}
	case string:
		bv, ok := b.(string)
		if !ok || av != bv && av != p.translate(bv) {
			return fmt.Sprintf("%s: memory has %q, postgres %q", path, av, b)
		}
	default:
		if !reflect.DeepEqual(a, b) {
			return fmt.Sprintf("%s: memory has %v, postgres %v", path, a, b)
		}
	}
	return ""
}

// chosen pairs the values of a chosen field: a string, a list of them, or
// an object (an owner) whose id is chosen.
func (p *bijection) chosen(path string, a, b any) string {
	switch av := a.(type) {
	case string:
		bv, ok := b.(string)
		if !ok {
			return fmt.Sprintf("%s: memory has %q, postgres %v", path, av, b)
		}
		return p.pair(path, av, bv)
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return fmt.Sprintf("%s: memory has %v, postgres %v", path, a, b)
		}
		for i := range av {
			if what := p.chosen(path+"/"+strconv.Itoa(i), av[i], bv[i]); what != "" {
				return what
			}
		}
		return ""
	}
	return p.compare(path, a, b)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// asExported marks the import of a state document as it was exported.
const asExported = "as exported"

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

// draws are the random choices of one op on one side: the same seed makes
// the same choices on both. At most one value of an op is hostile (the
// hostile-th drawn by text, email or role), so that the others let the
// call reach the rule or the store that the hostile one tests.
type draws struct {
	rng             *rand.Rand
	values, hostile int
}

func newDraws(seed uint64) *draws {
	d := &draws{rng: rand.New(rand.NewPCG(seed, 0x5eed)), hostile: -1}
	if d.chance(60) {
		d.hostile = d.pick(3)
	}
	return d
}

// nextIsHostile reports whether the value about to be drawn is the op's
// hostile one.
func (d *draws) nextIsHostile() bool {
	d.values++
	return d.values-1 == d.hostile
}

func (d *draws) pick(n int) int {
	if n <= 0 {
		return 0
	}
	return d.rng.IntN(n)
}

func (d *draws) chance(percent int) bool { return d.rng.IntN(100) < percent }

func pickFrom[T any](d *draws, list []T) T { return list[d.pick(len(list))] }

// The values the calls send. Strings are JSON literals, written raw so
// that they can hold what encoding/json would never write.
var (
	diffPlainTexts = []string{`"Alice"`, `"ci bot"`, `"Zoë 🦊 é"`, `"עברית"`, `"Data 2025"`, `"x"`}
	diffTexts      = []string{
		`"  padded  "`, `"Tab\tinside"`, `"multi\nline"`,
		`"a\u0000b"`, `"\u202Eevil"`, `"a\u2028b"`, `"\u200B"`, `"\u2800"`, `"bell\u0007"`, `"\uFFFE"`, `"x\r\ny"`,
		`"\ud800"`, `"lone \udc00 low"`, "\"\xff\xfe\"", "\"caf\xc3\"", `""`, `"` + strings.Repeat("n", 200) + `"`,
		`"` + strings.Repeat("n", 201) + `"`, `"` + strings.Repeat("ж", 2001) + `"`, `"` + strings.Repeat("x", 10_000) + `"`,
		`"%_\\"`, `"<script>"`, `null`, `42`,
	}
	// diffUnstorable are texts Postgres cannot hold, drawn more often.
	diffUnstorable  = []string{`"\u0000"`, `"nul\u0000 inside"`, "\"\xff\"", `"\ud800\u0000"`}
	diffPlainEmails = []string{`"a@x.test"`, `"b@x.test"`, `"c@y.test"`, `"d@y.test"`, `"e@z.test"`, `"f@z.test"`, `"g@z.test"`, `"h@w.test"`, `"i@w.test"`, `"j@w.test"`}
	diffEmails      = []string{
		`"A@X.test"`, `" b@x.test "`, `"bot.12345678@service-accounts.encord-emulator.local"`,
		`"not an email"`, `"a\u0000@x.test"`, `"é@x.test"`, `"Ada <a@x.test>"`, `""`, `"` + strings.Repeat("e", 250) + `@x.test"`, `"d\u200B@x.test"`,
	}
	diffRoles = []string{`"root"`, `"Admin"`, `""`, `null`}
)

// text, email and role draw a plain value, or the op's hostile one.
func text(d *draws) string {
	switch {
	case !d.nextIsHostile():
		return pickFrom(d, diffPlainTexts)
	case d.chance(40):
		return pickFrom(d, diffUnstorable)
	}
	return pickFrom(d, diffTexts)
}

func email(d *draws) string {
	if d.nextIsHostile() {
		return pickFrom(d, diffEmails)
	}
	return pickFrom(d, diffPlainEmails)
}

func role(d *draws) string {
	if d.nextIsHostile() {
		return pickFrom(d, diffRoles)
	}
	return pickFrom(d, []string{`"admin"`, `"member"`})
}

// optional draws a value of draw, or nothing ("": the field is left out).
func optional(d *draws, draw func(*draws) string) string {
	if d.chance(40) {
		return ""
	}
	return draw(d)
}

// diffKeys are the public keys uploads send: a few real ones, whose
// private halves sign, and degenerate ones.
var diffKeys = sync.OnceValue(func() []diffKey {
	var keys []diffKey
	for range 4 {
		pub, pem, err := sshkey.Generate("pool")
		if err != nil {
			panic(err)
		}
		priv, err := encordsign.ParsePrivateKey(pem)
		if err != nil {
			panic(err)
		}
		keys = append(keys, diffKey{line: pub.Line, signer: encordsign.New(priv)})
	}
	identity := make([]byte, 32)
	identity[0] = 1
	nonCanonical := bytes.Repeat([]byte{0xff}, 32)
	nonCanonical[31] = 0x7f
	keys = append(keys,
		diffKey{line: keys[0].line + " with a comment\r\n"},
		diffKey{line: ed25519Line(identity)},
		diffKey{line: ed25519Line(make([]byte, 32))},
		diffKey{line: ed25519Line(nonCanonical)},
		diffKey{line: "ssh-ed25519 AAAA"},
		diffKey{line: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7"},
	)
	return keys
})

type diffKey struct {
	line   string
	signer *encordsign.Signer // nil: nobody can sign with it
}

func ed25519Line(raw []byte) string {
	var blob []byte
	for _, f := range [][]byte{[]byte("ssh-ed25519"), raw} {
		blob = binary.BigEndian.AppendUint32(blob, uint32(len(f)))
		blob = append(blob, f...)
	}
	return "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// object writes a JSON object of raw field values; a field whose value is
// "" is left out.
func object(fields ...string) []byte {
	var parts []string
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i+1] != "" {
			parts = append(parts, quote(fields[i])+": "+fields[i+1])
		}
	}
	return []byte("{" + strings.Join(parts, ", ") + "}")
}

// actor picks a member of the side that holds a session, an admin more
// often than not.
func actor(s *diffSide, d *draws) (map[string]any, string, bool) {
	var with, admins []map[string]any
	for _, m := range s.list("members") {
		if s.sessions[m["id"].(string)] != "" {
			with = append(with, m)
			if m["role"] == "admin" {
				admins = append(admins, m)
			}
		}
	}
	if len(admins) > 0 && d.chance(70) {
		with = admins
	}
	if len(with) == 0 {
		return nil, "", false
	}
	m := pickFrom(d, with)
	return m, s.sessions[m["id"].(string)], true
}

// signedBy picks a key the side can sign with.
func signedBy(s *diffSide, d *draws) (map[string]any, *encordsign.Signer, bool) {
	var with []map[string]any
	for _, k := range s.list("keys") {
		if s.signers[k["id"].(string)] != nil {
			with = append(with, k)
		}
	}
	if len(with) == 0 {
		return nil, nil, false
	}
	k := pickFrom(d, with)
	return k, s.signers[k["id"].(string)], true
}

// sdkCredential signs with a key, or sends a bearer token it minted.
func sdkCredential(s *diffSide, d *draws, c diffCall) (diffCall, bool) {
	k, signer, ok := signedBy(s, d)
	if !ok {
		return c, false
	}
	if bearer := s.bearers[k["id"].(string)]; bearer != "" && d.chance(40) {
		c.bearer = bearer
	} else {
		c.signer = signer
	}
	return c, true
}

func pickEntry(s *diffSide, d *draws, list string) (map[string]any, bool) {
	l := s.list(list)
	if len(l) == 0 {
		return nil, false
	}
	return pickFrom(d, l), true
}

// diffKind is one kind of step: build makes its calls for a side (none
// when it does not apply), after reads the secrets an answer holds.
type diffKind struct {
	name   string
	weight int
	build  func(s *diffSide, d *draws) []diffCall
	after  func(s *diffSide, c diffCall, r testclient.Response)
}

func one(c diffCall, ok bool) []diffCall {
	if !ok {
		return nil
	}
	return []diffCall{c}
}

var diffKinds = []diffKind{
	{"create a workspace", 2, func(s *diffSide, d *draws) []diffCall {
		quotas := ""
		if d.chance(70) {
			quotas = string(object("serviceAccounts", pickFrom(d, []string{"0", "3", "10", "-1"}), "keysPerUser", pickFrom(d, []string{"", "2", "20"})))
		}
		return one(diffCall{method: "POST", path: "/_emulator/workspaces", body: object(
			"name", text(d),
			"admin", string(object("email", email(d), "name", text(d))),
			"quotas", quotas,
		)}, true)
	}, func(s *diffSide, _ diffCall, r testclient.Response) {
		if r.Status == http.StatusCreated {
			s.sessions[r.Str("admin.id")] = r.Str("session.token")
		}
	}},
	{"log in", 6, func(s *diffSide, d *draws) []diffCall {
		m, ok := pickEntry(s, d, "members")
		if !ok {
			return nil
		}
		email := m["email"].(string)
		switch d.pick(4) {
		case 1:
			email = strings.ToUpper(email)
		case 2:
			email = " " + email + "\t"
		}
		body := object("email", quote(email))
		if d.chance(10) {
			body = object("email", quote(email), "Email", `"other@x.test"`)
		}
		return one(diffCall{method: "POST", path: "/api/v1/sessions", body: body}, true)
	}, func(s *diffSide, _ diffCall, r testclient.Response) {
		if r.Status == http.StatusCreated {
			s.sessions[r.Str("user.id")] = r.Str("token")
		}
	}},
	{"log out", 1, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		return one(diffCall{method: "DELETE", path: "/api/v1/sessions/current", session: token}, ok)
	}, nil},
	{"add a member", 6, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		body := object("email", email(d), "name", text(d), "role", role(d))
		if d.chance(10) {
			body = []byte(strings.Replace(string(body), "}", `, "ROLE": "admin"}`, 1))
		}
		return one(diffCall{method: "POST", path: "/api/v1/workspace/members", session: token, body: body}, ok)
	}, nil},
	{"change a member's role", 4, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		target, ok2 := pickEntry(s, d, "members")
		if !ok || !ok2 {
			return nil
		}
		return one(diffCall{method: "PATCH", path: "/api/v1/workspace/members/" + target["id"].(string), session: token, body: object("role", role(d))}, true)
	}, nil},
	{"remove a member", 3, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		target, ok2 := pickEntry(s, d, "members")
		if !ok || !ok2 {
			return nil
		}
		return one(diffCall{method: "DELETE", path: "/api/v1/workspace/members/" + target["id"].(string), session: token}, true)
	}, nil},
	{"create a service account", 4, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		return one(diffCall{method: "POST", path: "/api/v1/workspace/service-accounts", session: token,
			body: object("name", text(d), "description", optional(d, text))}, ok)
	}, nil},
	{"change a service account", 3, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		sa, ok2 := pickEntry(s, d, "serviceAccounts")
		if !ok || !ok2 {
			return nil
		}
		body := object("role", optional(d, role), "description", optional(d, text))
		return one(diffCall{method: "PATCH", path: "/api/v1/workspace/service-accounts/" + sa["id"].(string), session: token, body: body}, true)
	}, nil},
	{"delete a service account", 2, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		sa, ok2 := pickEntry(s, d, "serviceAccounts")
		if !ok || !ok2 {
			return nil
		}
		return one(diffCall{method: "DELETE", path: "/api/v1/workspace/service-accounts/" + sa["id"].(string), session: token}, true)
	}, nil},
	{"add a key", 8, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		if !ok {
			return nil
		}
		path := "/api/v1/me/keys"
		if d.chance(40) {
			sa, ok := pickEntry(s, d, "serviceAccounts")
			if !ok {
				return nil
			}
			path = "/api/v1/workspace/service-accounts/" + sa["id"].(string) + "/keys"
		}
		publicKey, target := "", ""
		switch d.pick(4) {
		case 0, 1:
			k := d.pick(len(diffKeys()))
			publicKey, target = quote(diffKeys()[k].line), strconv.Itoa(k)
		case 2:
			publicKey = pickFrom(d, []string{`null`, `""`, `"ssh-ed25519"`, "\"\xff\"", `"a\u0000b"`})
		}
		return one(diffCall{method: "POST", path: path, session: token, target: target, body: object("title", text(d), "publicKey", publicKey)}, true)
	}, func(s *diffSide, c diffCall, r testclient.Response) {
		if r.Status != http.StatusCreated {
			return
		}
		if c.target != "" {
			k, _ := strconv.Atoi(c.target)
			s.signers[r.Str("id")] = diffKeys()[k].signer
			return
		}
		if priv, err := encordsign.ParsePrivateKey([]byte(r.Str("privateKey"))); err == nil {
			s.signers[r.Str("key.id")] = encordsign.New(priv)
		}
	}},
	{"revoke a key", 4, func(s *diffSide, d *draws) []diffCall {
		m, token, ok := actor(s, d)
		k, ok2 := pickEntry(s, d, "keys")
		if !ok || !ok2 {
			return nil
		}
		owner := k["owner"].(map[string]any)
		path := "/api/v1/workspace/members/" + owner["id"].(string) + "/keys/" + k["id"].(string)
		switch {
		case owner["type"] == "service_account":
			path = "/api/v1/workspace/service-accounts/" + owner["id"].(string) + "/keys/" + k["id"].(string)
		case owner["id"] == m["id"] && d.chance(70):
			path = "/api/v1/me/keys/" + k["id"].(string)
		}
		return one(diffCall{method: "DELETE", path: path, session: token}, true)
	}, nil},
	{"change quotas", 2, func(s *diffSide, d *draws) []diffCall {
		ws, ok := pickEntry(s, d, "workspaces")
		if !ok {
			return nil
		}
		values := []string{"0", "1", "2", "5", "-5", "1000001", "1.5", `"3"`, "null"}
		return one(diffCall{method: "PATCH", path: "/_emulator/workspaces/" + ws["id"].(string) + "/quotas", body: object(
			"serviceAccounts", pickFrom(d, values), "keysPerServiceAccount", pickFrom(d, append(values, "")), "keysPerUser", pickFrom(d, append(values, "")),
		)}, true)
	}, nil},
	{"create a resource", 3, func(s *diffSide, d *draws) []diffCall {
		ws, ok := pickEntry(s, d, "workspaces")
		if !ok {
			return nil
		}
		createdBy := ""
		if m, ok := pickEntry(s, d, "members"); ok && d.chance(50) {
			createdBy = string(object("type", `"user"`, "id", quote(m["id"].(string))))
		}
		kind := pickFrom(d, []string{`"project"`, `"dataset"`, `"ontology"`, `"storage_folder"`, `"group"`, `"cloud_integration"`, `"spaceship"`})
		return one(diffCall{method: "POST", path: "/_emulator/workspaces/" + ws["id"].(string) + "/resources", body: object(
			"kind", kind, "title", text(d), "description", optional(d, text), "createdBy", createdBy,
		)}, true)
	}, nil},
	{"delete a workspace", 2, func(s *diffSide, d *draws) []diffCall {
		ws, ok := pickEntry(s, d, "workspaces")
		if !ok || len(s.list("workspaces")) < 4 {
			return nil
		}
		return one(diffCall{method: "DELETE", path: "/_emulator/workspaces/" + ws["id"].(string)}, true)
	}, nil},
	{"mint a bearer token", 4, func(s *diffSide, d *draws) []diffCall {
		k, signer, ok := signedBy(s, d)
		if !ok {
			return nil
		}
		c := diffCall{method: "GET", path: "/v2/public/user/bearer-token", signer: signer, target: k["id"].(string)}
		if d.chance(15) { // a bearer asking for a bearer
			if bearer := s.bearers[k["id"].(string)]; bearer != "" {
				c.signer, c.bearer = nil, bearer
			}
		}
		return one(c, true)
	}, func(s *diffSide, c diffCall, r testclient.Response) {
		if r.Status == http.StatusOK {
			s.bearers[c.target] = r.Str("token")
		}
	}},
	{"create through the SDK", 6, func(s *diffSide, d *draws) []diffCall {
		var c diffCall
		title, desc := text(d), optional(d, text)
		switch d.pick(4) {
		case 0:
			c = diffCall{method: "POST", path: "/v2/public/datasets", body: object("title", title, "description", desc, "createBackingFolder", pickFrom(d, []string{"true", "false"}))}
		case 1:
			c = diffCall{method: "POST", path: "/v2/public/ontologies", body: object("title", title, "description", desc, "editor", pickFrom(d, []string{"", `{"objects": []}`, `"x"`}))}
		case 2:
			parent := ""
			if f, ok := pickEntry(s, d, "resources"); ok && d.chance(50) {
				parent = quote(f["id"].(string))
			}
			c = diffCall{method: "POST", path: "/v2/public/storage/folders", body: object("name", title, "description", desc, "parent", parent)}
		case 3:
			payload := object("title", title, "description", desc, "dataset_hashes", "[]")
			c = diffCall{method: "POST", path: "/public/user", body: object("query_type", `"project"`, "query_method", `"POST"`, "values", string(object("uid", "null", "payload", string(payload))))}
		}
		return one(sdkCredential(s, d, c))
	}, nil},
	{"read through the SDK", 5, func(s *diffSide, d *draws) []diffCall {
		paths := []string{"/v2/public/projects", "/v2/public/projects?includeOrgAccess=True", "/v2/public/datasets/list", "/v2/public/storage/folders",
			"/v2/public/ontologies?titleLike=%25a%25", "/v2/public/user/current-organisation/groups", "/v2/public/cloud-integrations"}
		c := diffCall{method: "GET", path: pickFrom(d, paths)}
		if d.chance(25) {
			c = diffCall{method: "POST", path: "/public/user", body: object("query_type", `"projectwithuserrole"`, "query_method", `"GET"`,
				"values", string(object("uid", "null", "payload", string(object("filter", string(object("title_like", text(d))))))))}
		}
		if r, ok := pickEntry(s, d, "resources"); ok && d.chance(25) {
			collection := map[any]string{"project": "projects", "ontology": "ontologies", "storage_folder": "storage/folders"}[r["kind"]]
			if collection == "" {
				collection = "projects" // another kind's id: not found
			}
			c = diffCall{method: "GET", path: "/v2/public/" + collection + "/" + r["id"].(string)}
		}
		return one(sdkCredential(s, d, c))
	}, nil},
	{"read the management plane", 3, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		path := pickFrom(d, []string{"/api/v1/me", "/api/v1/workspace/members", "/api/v1/workspace/service-accounts", "/api/v1/me/keys", "/api/v1/workspace"})
		return one(diffCall{method: "GET", path: path, session: token}, ok)
	}, nil},
	{"send a body that is not what it should be", 2, func(s *diffSide, d *draws) []diffCall {
		_, token, ok := actor(s, d)
		bodies := []string{`{"name": "a", "name": "b"}`, `{"Name": "a"}`, "{\"name\": \"\xff\"}", `{"name": "\ud83d"}`, `[]`, `{"name": "a"} {}`, `{"name": null}`, ``, `{"name": "a", "description": 7}`}
		return one(diffCall{method: "POST", path: "/api/v1/workspace/service-accounts", session: token, body: []byte(pickFrom(d, bodies))}, ok)
	}, nil},
	{"export, edit and import the state", 3, func(s *diffSide, d *draws) []diffCall {
		raw, err := json.Marshal(s.doc)
		if err != nil || len(s.list("workspaces")) == 0 {
			return nil
		}
		c := diffCall{method: "PUT", path: "/_emulator/state", body: raw, target: asExported}
		if d.chance(75) {
			c.body, c.target = editState(raw, d), ""
		}
		return one(c, true)
	}, nil},
}

// editState edits a state document where it is the same on both sides:
// a value of one of its entries (never a time, whose change could make
// two entries tie and their order depend on ids), or one entry left out.
func editState(raw []byte, d *draws) []byte {
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		panic(err)
	}
	var leaves []jsonLeafAt
	collectLeaves(doc, "", &leaves)
	if len(leaves) == 0 {
		return raw
	}
	switch d.pick(4) {
	case 0: // an adversarial value
		l := pickFrom(d, leaves)
		var v any
		if err := json.Unmarshal([]byte(pickFrom(d, diffTexts)), &v); err != nil {
			v = "\u202E"
		}
		l.set(v)
	case 1: // another entry's value of the same field
		l := pickFrom(d, leaves)
		var same []jsonLeafAt
		for _, o := range leaves {
			if o.field == l.field {
				same = append(same, o)
			}
		}
		l.set(pickFrom(d, same).get())
	case 2: // a number
		pickFrom(d, leaves).set(pickFrom(d, []any{-5, 0, 1_000_001, 1.5}))
	case 3: // an entry left out
		lists := []string{"members", "serviceAccounts", "keys", "tokens", "resources"}
		list := pickFrom(d, lists)
		if l, _ := doc.(map[string]any)[list].([]any); len(l) > 0 {
			i := d.pick(len(l))
			doc.(map[string]any)[list] = append(slices.Clone(l[:i]), l[i+1:]...)
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return out
}

// jsonLeafAt is a scalar of a document, its field name and how to change
// it.
type jsonLeafAt struct {
	field string
	get   func() any
	set   func(any)
}

// collectLeaves lists the scalars of v in a fixed order, times and
// versions left out.
func collectLeaves(v any, field string, out *[]jsonLeafAt) {
	switch c := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(c) {
			if strings.HasSuffix(k, "At") || k == "version" {
				continue
			}
			if isJSONContainer(c[k]) {
				collectLeaves(c[k], k, out)
				continue
			}
			*out = append(*out, jsonLeafAt{field: k, get: func() any { return c[k] }, set: func(x any) { c[k] = x }})
		}
	case []any:
		for i := range c {
			if isJSONContainer(c[i]) {
				collectLeaves(c[i], field, out)
				continue
			}
			*out = append(*out, jsonLeafAt{field: field, get: func() any { return c[i] }, set: func(x any) { c[i] = x }})
		}
	}
}

func isJSONContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// shrinkDifferential looks for a shorter sequence that still makes the
// stores disagree: it leaves out chunks of steps, halving the chunk, as
// long as the disagreement remains, within a budget of runs.
func shrinkDifferential(t *testing.T, ops []diffOp) *diffFailure {
	best := &diffFailure{what: "nothing: the disagreement did not happen again", calls: []string{"(none)"}}
	if f, _ := runDifferential(t, ops); f != nil {
		best, ops = f, ops[:f.step+1]
	} else {
		return best
	}
	runs := 0
	for chunk := max(len(ops)/2, 1); chunk >= 1 && runs < 60; chunk /= 2 {
		for start := 0; start < len(ops)-1 && runs < 60; {
			end := min(start+chunk, len(ops)-1) // the last step stays
			candidate := append(slices.Clone(ops[:start]), ops[end:]...)
			runs++
			if f, _ := runDifferential(t, candidate); f != nil {
				best, ops = f, candidate[:f.step+1]
				continue
			}
			start = end
		}
	}
	return best
}
