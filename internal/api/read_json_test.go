package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// readerProbe has a field of every kind the reader knows.
type readerProbe struct {
	Name     string            `json:"name"`
	Optional *string           `json:"optional,omitempty"`
	Count    int               `json:"count"`
	Small    int8              `json:"small"`
	Flag     bool              `json:"flag"`
	List     []string          `json:"list"`
	Nested   readerProbeNested `json:"nested"`
	Raw      json.RawMessage   `json:"raw"`
	At       time.Time         `json:"at"`
	Ignored  string            `json:"-"`
}

type readerProbeNested struct {
	Email string `json:"email"`
}

func TestCheckJSONAccepts(t *testing.T) {
	for _, tc := range []struct {
		body  string
		mode  strictness
		want  string // the body decoding sees, as the token pass writes it
		plain bool   // the fast pass takes it: nothing is dropped
	}{
		{`{"name": "a", "count": 3, "flag": true}`, strict, `{"name":"a","count":3,"flag":true}`, true},
		{`{"list": null, "raw": null}`, strict, `{"list":null,"raw":null}`, true}, // lists and raw JSON may be null
		{`{"optional": null}`, lenient, `{"optional":null}`, true},                // the SDK sends None as null
		{`{"name": "a", "colour": {"x": [1, "\u00e9"]}}`, lenient, `{"name":"a"}`, false},
		{`{"NAME": "a"}`, lenient, `{}`, false},                                                                                          // not the field "name": ignored, as unknown fields are
		{`{"nested": {"email": "a@b.test"}, "raw": {"k": [1, 2]}}`, strict, `{"nested":{"email":"a@b.test"},"raw":{"k": [1, 2]}}`, true}, // raw JSON verbatim
		{`{"name": "\ud83d\ude00 \u00e9 é"}`, strict, `{"name":"\ud83d\ude00 \u00e9 é"}`, true},                                          // a surrogate pair is one character
		{`{"at": "2025-01-02T03:04:05.123456Z"}`, strict, `{"at":"2025-01-02T03:04:05.123456Z"}`, true},
		{`{"small": -128, "count": -9223372036854775808}`, strict, `{"small":-128,"count":-9223372036854775808}`, true},
		{`{"raw": ["a", {"b": [true, null]}, 1.5]}`, strict, `{"raw":["a", {"b": [true, null]}, 1.5]}`, true}, // raw JSON holds any value
		{`{"n\u0061me": "a"}`, strict, `{"n\u0061me":"a"}`, false},                                            // an escaped name: the token pass reads it
	} {
		typ := reflect.TypeFor[readerProbe]()
		got, err := checkJSON([]byte(tc.body), typ, tc.mode, "")
		if err != nil || compactJSON(t, got) != compactJSON(t, []byte(tc.want)) {
			t.Errorf("%s: got %s, %v; want %s", tc.body, got, err, tc.want)
		}
		if got, err := newJSONChecker([]byte(tc.body), tc.mode, false).run(typ, ""); err != nil || string(got) != tc.want {
			t.Errorf("%s: the token pass gave %s, %v; want %s", tc.body, got, err, tc.want)
		}
		if plain := plainJSON([]byte(tc.body), typ, tc.mode); plain != tc.plain {
			t.Errorf("%s: plainJSON = %t, want %t", tc.body, plain, tc.plain)
		}
	}
}

// compactJSON is data without its spacing.
func compactJSON(t *testing.T, data []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	return b.String()
}

// TestPlainJSONTakesTheCommonBodies checks that the fast pass takes the
// bodies the SDK and the web UI send most (so that it is not silently
// bypassed), and that what it takes decodes as the token pass's output does.
func TestPlainJSONTakesTheCommonBodies(t *testing.T) {
	for _, tc := range []struct {
		body string
		v    any
		mode strictness
	}{
		{`{"query_type":"projectwithuserrole","query_method":"GET","values":{"uid":null,"payload":null}}`, &v1Call{}, lenient},
		{`{"query_type": "project", "query_method": "POST", "values": {"uid": null, "payload": {"title": "p", "description": "", "dataset_hashes": ["d"]}}}`, &v1Call{}, lenient},
		{`{"title": "laptop", "publicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGd5BZg3b7hGhQ0Ch7HkXqkYm1A0i2Cb6Zr3n8Hq0pOK x@y"}`, &addKeyRequest{}, strict},
		{`{"email": "carol@acme.test", "name": "Carol", "role": "admin"}`, &addMemberRequest{}, strict},
	} {
		typ := reflect.TypeOf(tc.v).Elem()
		if !plainJSON([]byte(tc.body), typ, tc.mode) {
			t.Errorf("%s: the fast pass does not take it", tc.body)
			continue
		}
		viaToken := reflect.New(typ).Interface()
		passed, err := newJSONChecker([]byte(tc.body), tc.mode, false).run(typ, "")
		if err != nil {
			t.Fatalf("%s: token pass: %v", tc.body, err)
		}
		if err := json.Unmarshal(passed, viaToken); err != nil {
			t.Fatal(err)
		}
		if err := decodeJSON([]byte(tc.body), tc.v, tc.mode, ""); err != nil || !reflect.DeepEqual(tc.v, viaToken) {
			t.Errorf("%s: decodes to %+v, %v; the token pass's output to %+v", tc.body, tc.v, err, viaToken)
		}
	}
}

func TestCheckJSONRefuses(t *testing.T) {
	for _, tc := range []struct {
		body     string
		mode     strictness
		field    string
		mentions string
	}{
		{`{"name": "a", "NAME": "b"}`, strict, "NAME", `did you mean "name"`},
		{`{"colour": "red"}`, strict, "colour", "unknown field"},
		{`{"name": "a", "name": "b"}`, strict, "name", "twice"},
		{`{"name": "a", "name": "b"}`, lenient, "name", "twice"},
		{`{"colour": {"x": 1, "x": 2}}`, lenient, "colour.x", "twice"}, // also in what the SDK plane ignores
		{`{"nested": {"email": "a", "email": "b"}}`, strict, "nested.email", "twice"},
		{`{"name": null}`, strict, "name", "is null; give it a string"},
		{`{"name": null}`, lenient, "name", "is null"},
		{`{"count": null}`, lenient, "count", "an integer"},
		{`{"nested": null}`, strict, "nested", "an object"},
		{`{"optional": null}`, strict, "optional", "not the same as leaving a field out"},
		{"{\"name\": \"a\xffb\"}", strict, "name", "not UTF-8"},
		{"{\"colour\": \"a\xffb\"}", lenient, "colour", "not UTF-8"},
		{"{\"na\xffme\": \"a\"}", lenient, "", "field name"},
		{`{"name": "\ud800"}`, strict, "name", `\ud800`},
		{`{"name": "x\udc00y"}`, lenient, "name", `\udc00`},
		{`{"name": "\ud800\u0041"}`, strict, "name", `\ud800`},
		{`{"list": ["a", "\udfff"]}`, strict, "list[1]", `\udfff`},
		{`{"name": 42}`, strict, "name", `"name" must be a string, not the number 42`},
		{`{"count": 1.5}`, strict, "count", "must be an integer"},
		{`{"count": 1e3}`, strict, "count", "must be an integer"},
		{`{"small": 300}`, strict, "small", "out of range"},
		{`{"flag": "yes"}`, strict, "flag", "a boolean"},
		{`{"list": "a"}`, strict, "list", "an array"},
		{`{"list": [1]}`, strict, "list[0]", "a string"},
		{`{"nested": []}`, strict, "nested", "an object"},
		{`{"at": "yesterday"}`, strict, "at", "RFC 3339"},
		{`{"Ignored": "x"}`, strict, "Ignored", "unknown field"},
		{`["x"]`, strict, "", "must be a JSON object, not an array"},
		{`null`, lenient, "", "must be a JSON object, not null"},
		{`{"name": "a"} {}`, strict, "", "after the JSON object"},
		{`{"name": "a"`, strict, "", "ends in the middle"},
		{`{"name": x}`, strict, "", "not valid JSON"},
	} {
		if plainJSON([]byte(tc.body), reflect.TypeFor[readerProbe](), tc.mode) {
			t.Errorf("%q: the fast pass takes it", tc.body)
		}
		_, err := checkJSON([]byte(tc.body), reflect.TypeFor[readerProbe](), tc.mode, "")
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.InvalidArguments || !strings.Contains(e.Message, tc.mentions) {
			t.Errorf("%q: got %v, want INVALID_ARGUMENTS_ERROR mentioning %q", tc.body, err, tc.mentions)
			continue
		}
		if field, _ := e.Details["field"].(string); field != tc.field {
			t.Errorf("%q: details.field %q, want %q", tc.body, field, tc.field)
		}
	}
}

// TestDecodeJSONExactNames checks the example of the issue: a field whose
// name differs in case does not reach the field, on either plane.
func TestDecodeJSONExactNames(t *testing.T) {
	var m addMemberRequest
	if err := decodeJSON([]byte(`{"email": "x@y.test", "role": "member", "ROLE": "admin"}`), &m, strict, ""); err == nil {
		t.Fatalf("strict: decoded %+v, want an error", m)
	}
	var d createDatasetRequest
	if err := decodeJSON([]byte(`{"title": "t", "TITLE": "u", "Description": "d"}`), &d, lenient, ""); err != nil || d.Title != "t" || d.Description != "" {
		t.Fatalf("lenient: %+v, %v; want title t and no description", d, err)
	}
}

// FuzzCheckJSON checks the raw pass against encoding/json: what it accepts
// in strict mode decodes to the same value as the body it was given, and
// whatever it passes on is valid UTF-8 JSON that decodes without error.
// It also checks the fast pass against the token pass: a body the fast
// pass takes, the token pass accepts and passes on unchanged but for its
// spacing.
func FuzzCheckJSON(f *testing.F) {
	for _, s := range []string{
		`{"name": "a", "count": 3, "flag": true, "list": ["x"], "nested": {"email": "e"}, "raw": {"k": [1]}, "at": "2025-01-02T03:04:05Z"}`,
		`{"name": "\ud83d\ude00", "optional": "o", "small": 127}`,
		`{"NAME": "a", "name": "b"}`, `{"name": "a", "name": "b"}`, `{"name": null}`, "{\"name\": \"\xff\"}",
		`{"name": "\ud800"}`, `{"colour": {"x": [1, {"y": null}]}}`, `[]`, `{} {}`, `{"raw": ["a", 1, {"b": null}]}`,
		`{"small": -129, "count": 9223372036854775807}`, `{"small": 127, "count": -9223372036854775809}`, `{"count": 18446744073709551616}`,
		`{"at": {}}`, `{"at": "2025-01-02T03:04:05\u005a"}`, `{"raw": {"a": 1, "a": 2}}`, `{"raw": {"\u0061": 1, "a": 2}}`,
		`{"nested": {"email": "x"}, "list": ["a", null], "optional": "\ud83d\ude00"}`, `{"flag": false, "raw": true}`,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, sdk bool) {
		mode := strict
		if sdk {
			mode = lenient
		}
		if plainJSON(body, reflect.TypeFor[readerProbe](), mode) {
			viaTokens, err := newJSONChecker(body, mode, false).run(reflect.TypeFor[readerProbe](), "")
			if err != nil {
				t.Fatalf("%q: the fast pass takes it, the token pass refuses it: %v", body, err)
			}
			if compactJSON(t, viaTokens) != compactJSON(t, body) {
				t.Fatalf("%q: the fast pass passes it on as it is, the token pass as %q", body, viaTokens)
			}
		}
		passed, err := checkJSON(body, reflect.TypeFor[readerProbe](), mode, "")
		if err != nil {
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.InvalidArguments || e.Message == "" {
				t.Fatalf("%q: %v, want INVALID_ARGUMENTS_ERROR with a message", body, err)
			}
			return
		}
		if !utf8.Valid(passed) {
			t.Fatalf("%q passed on as %q, which is not UTF-8", body, passed)
		}
		var got readerProbe
		if err := json.Unmarshal(passed, &got); err != nil {
			t.Fatalf("%q passed on as %q, which does not decode: %v", body, passed, err)
		}
		if mode == strict {
			var want readerProbe
			if err := json.Unmarshal(body, &want); err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: decodes to %+v from what was passed on, %+v (%v) from the body", body, got, want, err)
			}
		}
	})
}
