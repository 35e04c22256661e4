package api

import (
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
		body string
		mode strictness
		want string // the body decoding sees
	}{
		{`{"name": "a", "count": 3, "flag": true}`, strict, `{"name":"a","count":3,"flag":true}`},
		{`{"list": null, "raw": null}`, strict, `{"list":null,"raw":null}`}, // lists and raw JSON may be null
		{`{"optional": null}`, lenient, `{"optional":null}`},                // the SDK sends None as null
		{`{"name": "a", "colour": {"x": [1, "\u00e9"]}}`, lenient, `{"name":"a"}`},
		{`{"NAME": "a"}`, lenient, `{}`},                                                                                           // not the field "name": ignored, as unknown fields are
		{`{"nested": {"email": "a@b.test"}, "raw": {"k": [1, 2]}}`, strict, `{"nested":{"email":"a@b.test"},"raw":{"k": [1, 2]}}`}, // raw JSON verbatim
		{`{"name": "\ud83d\ude00 \u00e9 é"}`, strict, `{"name":"\ud83d\ude00 \u00e9 é"}`},                                          // a surrogate pair is one character
		{`{"at": "2025-01-02T03:04:05.123456Z"}`, strict, `{"at":"2025-01-02T03:04:05.123456Z"}`},
		{`{"small": -128}`, strict, `{"small":-128}`},
		{`{"raw": ["a", {"b": [true, null]}, 1.5]}`, strict, `{"raw":["a", {"b": [true, null]}, 1.5]}`}, // raw JSON holds any value
	} {
		got, err := checkJSON([]byte(tc.body), reflect.TypeFor[readerProbe](), tc.mode, "")
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: got %s, %v; want %s", tc.body, got, err, tc.want)
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
func FuzzCheckJSON(f *testing.F) {
	for _, s := range []string{
		`{"name": "a", "count": 3, "flag": true, "list": ["x"], "nested": {"email": "e"}, "raw": {"k": [1]}, "at": "2025-01-02T03:04:05Z"}`,
		`{"name": "\ud83d\ude00", "optional": "o", "small": 127}`,
		`{"NAME": "a", "name": "b"}`, `{"name": "a", "name": "b"}`, `{"name": null}`, "{\"name\": \"\xff\"}",
		`{"name": "\ud800"}`, `{"colour": {"x": [1, {"y": null}]}}`, `[]`, `{} {}`, `{"raw": ["a", 1, {"b": null}]}`,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, sdk bool) {
		mode := strict
		if sdk {
			mode = lenient
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
