package api

import (
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// FuzzStateImport mutates a valid state document
// (testdata/state-fuzz-base.json: the document of TestStateVersion1Imports
// with a bearer token of its key) and imports it. The property: the import either succeeds, and the state
// exports again as the document modulo the documented normalisation
// (normaliseStateDocument), or it is refused with 400
// INVALID_ARGUMENTS_ERROR naming a JSON pointer, and the state is the one
// before the import. Never another status, never a 5xx.
//
// Run as a test (go test), every seed and every entry of the committed
// corpus (testdata/fuzz/FuzzStateImport) runs on the memory store and, with
// a database, on Postgres too, and both must answer the same; fuzzing (go
// test -fuzz) runs the memory store only.
func FuzzStateImport(f *testing.F) {
	base, err := os.ReadFile("testdata/state-fuzz-base.json")
	if err != nil {
		f.Fatal(err)
	}
	seeds := []struct {
		op     uint8
		target uint16
		value  string
	}{
		{stateSetString, 0, "ok"},
		{stateSetString, 3, "root"},
		{stateSetString, 7, "Bo\x00b"},
		{stateSetString, 12, ""},
		{stateSetString, 20, "spaceship"},
		{stateSetRaw, 4, "-5"},
		{stateSetRaw, 30, `"garbage"`},
		{stateSetRaw, 9, `null`},
		{stateSetRaw, 45, `{"objects": []}`},
		{stateDelete, 2, ""},
		{stateDelete, 17, ""},
		{stateDuplicateEntry, 1, ""},
		{stateDuplicateEntry, 3, ""},
		{stateRemoveEntry, 1, ""},
		{stateRemoveEntry, 0, ""},
		{stateCopyString, 5, "xxxxxxxxxxxx"},
		{stateCopyString, 21, "xx"},
		{stateSetString, 2, "2025-01-02T05:04:05.123456789+02:00"},
	}
	for _, s := range seeds {
		f.Add(s.op, s.target, s.value)
	}
	servers := []*stateServer{newStateServer("memory", memory.New())}
	if _, ok := testenv.PostgresEnv(); (ok || testenv.PostgresRequired()) && !fuzzing() {
		servers = append(servers, newStateServer("postgres", testenv.NewPostgresDB(f).Open(f)))
	}
	f.Fuzz(func(t *testing.T, op uint8, target uint16, value string) {
		doc, ok := mutateState(base, op, target, value)
		if !ok {
			return
		}
		var first *stateOutcome
		for _, s := range servers {
			out := s.check(t, base, doc)
			if first == nil {
				first = &out
			} else if out != *first {
				t.Fatalf("the stores answer differently to the same import:\n%s: %+v\n%s: %+v\ndocument: %s", servers[0].name, *first, s.name, out, doc)
			}
		}
	})
}

// fuzzing reports whether the test binary runs a fuzzer (go test -fuzz).
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// The mutations of a state document: op picks one, target the value it
// applies to (the target-th leaf, or entry of a list, in document order,
// modulo their number), value what it writes.
const (
	stateSetString      = iota // a leaf becomes the string value
	stateSetRaw                // a leaf becomes the JSON value (a string if value is not JSON)
	stateDelete                // a leaf is left out
	stateDuplicateEntry        // an entry of a list appears twice
	stateRemoveEntry           // an entry of a list is left out
	stateCopyString            // a leaf becomes the value of another string leaf (len(value) picks it)
	stateOps
)

// mutateState applies one mutation to the document base; false when the
// mutation does not apply (nothing to mutate).
func mutateState(base []byte, op uint8, target uint16, value string) ([]byte, bool) {
	var doc any
	if err := json.Unmarshal(base, &doc); err != nil {
		panic(err)
	}
	leaves := jsonLeaves(doc, nil)
	lists := jsonEntries(doc)
	switch op % stateOps {
	case stateSetString:
		setLeaf(leaves[int(target)%len(leaves)], value)
	case stateSetRaw:
		var v any
		if json.Unmarshal([]byte(value), &v) != nil {
			v = value
		}
		setLeaf(leaves[int(target)%len(leaves)], v)
	case stateDelete:
		l := leaves[int(target)%len(leaves)]
		m, ok := l.parent.(map[string]any)
		if !ok {
			return nil, false
		}
		delete(m, l.key)
	case stateDuplicateEntry, stateRemoveEntry:
		if len(lists) == 0 {
			return nil, false
		}
		e := lists[int(target)%len(lists)]
		list := doc.(map[string]any)[e.list].([]any)
		if op%stateOps == stateDuplicateEntry {
			list = append(list, list[e.index])
		} else {
			list = slices.Delete(slices.Clone(list), e.index, e.index+1)
		}
		doc.(map[string]any)[e.list] = list
	case stateCopyString:
		var strs []string
		for _, l := range leaves {
			if s, ok := l.value.(string); ok {
				strs = append(strs, s)
			}
		}
		setLeaf(leaves[int(target)%len(leaves)], strs[len(value)%len(strs)])
	}
	out, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return out, true
}

// jsonLeaf is a scalar of a document, where it sits.
type jsonLeaf struct {
	parent any // map[string]any or []any
	key    string
	index  int
	value  any
}

func setLeaf(l jsonLeaf, v any) {
	switch p := l.parent.(type) {
	case map[string]any:
		p[l.key] = v
	case []any:
		p[l.index] = v
	}
}

// jsonLeaves lists the scalars of v in document order (object keys
// sorted), each with its container.
func jsonLeaves(v any, out []jsonLeaf) []jsonLeaf {
	switch c := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(c))
		for k := range c {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if isJSONContainer(c[k]) {
				out = jsonLeaves(c[k], out)
			} else {
				out = append(out, jsonLeaf{parent: c, key: k, value: c[k]})
			}
		}
	case []any:
		for i, e := range c {
			if isJSONContainer(e) {
				out = jsonLeaves(e, out)
			} else {
				out = append(out, jsonLeaf{parent: c, index: i, value: e})
			}
		}
	}
	return out
}

func isJSONContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

type jsonEntry struct {
	list  string
	index int
}

// jsonEntries lists the entries of the document's lists.
func jsonEntries(doc any) []jsonEntry {
	var out []jsonEntry
	for _, list := range []string{"workspaces", "members", "serviceAccounts", "keys", "tokens", "resources"} {
		entries, _ := doc.(map[string]any)[list].([]any)
		for i := range entries {
			out = append(out, jsonEntry{list, i})
		}
	}
	return out
}

// stateServer is a router over one store, for FuzzStateImport.
type stateServer struct {
	name    string
	handler http.Handler
}

func newStateServer(name string, st store.Store) *stateServer {
	return &stateServer{name: name, handler: NewHandler(Config{Accounts: accounts.New(st, accounts.Config{})})}
}

func (s *stateServer) do(t *testing.T, method string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, "/_emulator/state", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, r)
	return rec
}

// stateOutcome is what an import answered, as two stores must agree on.
type stateOutcome struct {
	status  int
	field   string
	message string
}

// check imports base, then doc, and checks the property of
// FuzzStateImport.
func (s *stateServer) check(t *testing.T, base, doc []byte) stateOutcome {
	t.Helper()
	if rec := s.do(t, http.MethodPut, base); rec.Code != http.StatusNoContent {
		t.Fatalf("%s: the base document does not import: %d %s", s.name, rec.Code, rec.Body)
	}
	before := s.do(t, http.MethodGet, nil).Body.Bytes()
	rec := s.do(t, http.MethodPut, doc)
	after := s.do(t, http.MethodGet, nil).Body.Bytes()
	switch rec.Code {
	case http.StatusNoContent:
		want, err := normaliseStateDocument(doc)
		if err != nil {
			t.Fatalf("%s: imported a document that does not decode: %v\n%s", s.name, err, doc)
		}
		if !sameJSON(after, want) {
			t.Fatalf("%s: imported, but exports as\n%s\nnot as the document normalised\n%s", s.name, after, want)
		}
		return stateOutcome{status: rec.Code}
	case http.StatusBadRequest:
		var answer errorBody
		if err := json.NewDecoder(io.LimitReader(rec.Body, 1<<20)).Decode(&answer); err != nil {
			t.Fatalf("%s: 400 with a body that is not an error: %v", s.name, err)
		}
		field, _ := answer.Error.Details["field"].(string)
		if answer.Error.Code != "INVALID_ARGUMENTS_ERROR" || field == "" || field[0] != '/' {
			t.Fatalf("%s: refused with %+v; want INVALID_ARGUMENTS_ERROR naming a JSON pointer", s.name, answer.Error)
		}
		if !bytes.Equal(after, before) {
			t.Fatalf("%s: a refused import changed the state:\n%s\nwas\n%s", s.name, after, before)
		}
		return stateOutcome{status: rec.Code, field: field, message: answer.Error.Message}
	}
	t.Fatalf("%s: import answered %d: %s\ndocument: %s", s.name, rec.Code, rec.Body, doc)
	return stateOutcome{}
}

// sameJSON reports whether a and b are the same JSON value, however
// spelled (escapes, spacing).
func sameJSON(a, b []byte) bool {
	var va, vb any
	return json.Unmarshal(a, &va) == nil && json.Unmarshal(b, &vb) == nil && reflect.DeepEqual(va, vb)
}

// normaliseStateDocument is the documented normalisation of an imported
// document (openapi.yaml, State): what it exports as once imported. Times
// are UTC in whole microseconds; entries come in export order: workspaces
// by creation (then id), every other list by workspace in that order, then
// (resources) by kind, then by creation and id; optional fields that are
// empty are left out, and an empty list is null.
func normaliseStateDocument(doc []byte) ([]byte, error) {
	var d stateDocument
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	st, err := d.state()
	if err != nil {
		return nil, err
	}
	at := func(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
	atPtr := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		v := at(*t)
		return &v
	}
	for i := range st.Workspaces {
		st.Workspaces[i].CreatedAt = at(st.Workspaces[i].CreatedAt)
	}
	slices.SortStableFunc(st.Workspaces, func(a, b store.Workspace) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	wsOrder := map[string]int{}
	for i, w := range st.Workspaces {
		wsOrder[w.ID] = i
	}
	order := func(ws string, created time.Time, id string) func(ws2 string, created2 time.Time, id2 string) int {
		return func(ws2 string, created2 time.Time, id2 string) int {
			return cmp.Or(cmp.Compare(wsOrder[ws], wsOrder[ws2]), created.Compare(created2), cmp.Compare(id, id2))
		}
	}
	for i := range st.Members {
		m := &st.Members[i]
		m.CreatedAt, m.RemovedAt = at(m.CreatedAt), atPtr(m.RemovedAt)
	}
	slices.SortStableFunc(st.Members, func(a, b store.Member) int {
		return order(a.WorkspaceID, a.CreatedAt, a.ID)(b.WorkspaceID, b.CreatedAt, b.ID)
	})
	for i := range st.ServiceAccounts {
		sa := &st.ServiceAccounts[i]
		sa.CreatedAt, sa.DeletedAt = at(sa.CreatedAt), atPtr(sa.DeletedAt)
	}
	slices.SortStableFunc(st.ServiceAccounts, func(a, b store.ServiceAccount) int {
		return order(a.WorkspaceID, a.CreatedAt, a.ID)(b.WorkspaceID, b.CreatedAt, b.ID)
	})
	for i := range st.Keys {
		k := &st.Keys[i]
		k.CreatedAt, k.LastUsedAt, k.RevokedAt = at(k.CreatedAt), atPtr(k.LastUsedAt), atPtr(k.RevokedAt)
	}
	slices.SortStableFunc(st.Keys, func(a, b store.Key) int {
		return order(a.WorkspaceID, a.CreatedAt, a.ID)(b.WorkspaceID, b.CreatedAt, b.ID)
	})
	for i := range st.Tokens {
		tok := &st.Tokens[i]
		tok.CreatedAt, tok.ExpiresAt = at(tok.CreatedAt), at(tok.ExpiresAt)
	}
	slices.SortStableFunc(st.Tokens, func(a, b store.Token) int {
		return order(a.WorkspaceID, a.CreatedAt, a.ID)(b.WorkspaceID, b.CreatedAt, b.ID)
	})
	kindOrder := map[store.ResourceKind]int{}
	for i, k := range []store.ResourceKind{store.KindProject, store.KindDataset, store.KindOntology, store.KindStorageFolder, store.KindGroup, store.KindCloudIntegration} {
		kindOrder[k] = i
	}
	for i := range st.Resources {
		r := &st.Resources[i]
		r.CreatedAt, r.UpdatedAt = at(r.CreatedAt), at(r.UpdatedAt)
	}
	slices.SortStableFunc(st.Resources, func(a, b store.Resource) int {
		return cmp.Or(cmp.Compare(wsOrder[a.WorkspaceID], wsOrder[b.WorkspaceID]), cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]),
			a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	// An empty list exports as null.
	st.Workspaces, st.Members, st.ServiceAccounts = nilIfEmpty(st.Workspaces), nilIfEmpty(st.Members), nilIfEmpty(st.ServiceAccounts)
	st.Keys, st.Tokens, st.Resources = nilIfEmpty(st.Keys), nilIfEmpty(st.Tokens), nilIfEmpty(st.Resources)
	return json.Marshal(stateDocumentOf(st))
}

func nilIfEmpty[T any](list []T) []T {
	if len(list) == 0 {
		return nil
	}
	return list
}

// TestStateImportMutations: every mutation of FuzzStateImport changes the
// base document, so that the seeds exercise what they say.
func TestStateImportMutations(t *testing.T) {
	base, err := os.ReadFile("testdata/state-fuzz-base.json")
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(base, &v); err != nil {
		t.Fatal(err)
	}
	canonical, _ := json.Marshal(v)
	for op := range uint8(stateOps) {
		doc, ok := mutateState(base, op, 3, "x")
		if !ok || bytes.Equal(doc, canonical) {
			t.Errorf("mutation %d changes nothing", op)
		}
	}
}
