package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// The raw pass of the JSON reader. encoding/json matches field names
// case-insensitively, lets the last of two fields of one name win, reads
// null into a field as if it were absent, and turns invalid UTF-8 and lone
// surrogate escapes into U+FFFD. A request body could then say two things
// at once ({"role": "member", "ROLE": "admin"}), so checkJSON reads the
// body token by token against the Go type it is decoded into, before
// encoding/json sees it, and refuses:
//   - a field name that is not exactly one of the type's (strict mode; in
//     lenient mode it is dropped, as fields the type does not know are),
//   - a field that appears twice in one object, anywhere in the body,
//   - null where the type holds a value: a string, number, boolean or
//     object; and, in strict mode, null for an optional field, which is
//     not the same as leaving the field out,
//   - invalid UTF-8 and lone UTF-16 surrogate escapes in any string,
//   - a value of the wrong JSON type, a number out of the field's range.
// Lists and raw JSON may be null on both planes.

// checkJSON checks data, the object at path in the body ("" for the body
// itself), against t and returns it without the fields lenient mode
// drops (a plain body, read_json_plain.go, as it is: it drops nothing).
// Every error names the field at fault by its path in the body.
func checkJSON(data []byte, t reflect.Type, mode strictness, path string) ([]byte, error) {
	if plainJSON(data, t, mode) {
		return data, nil // read_json_plain.go
	}
	return newJSONChecker(data, mode, false).run(t, path)
}

// checkJSONDocument is checkJSON in strict mode for a document of many
// entries, such as the state: errors name the value at fault by its JSON
// pointer (RFC 6901), "/keys/3/origin".
func checkJSONDocument(data []byte, t reflect.Type) ([]byte, error) {
	if plainJSON(data, t, strict) {
		return data, nil
	}
	return newJSONChecker(data, strict, true).run(t, "")
}

func newJSONChecker(data []byte, mode strictness, pointers bool) *jsonChecker {
	c := &jsonChecker{data: data, dec: json.NewDecoder(bytes.NewReader(data)), mode: mode, pointers: pointers}
	c.dec.UseNumber()
	return c
}

func (c *jsonChecker) run(t reflect.Type, path string) ([]byte, error) {
	tok, err := c.next()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		if path != "" {
			return nil, errs.Invalid(path, "%s must be a JSON object, not %s", path, jsonValueName(tok))
		}
		return nil, errs.Invalid("", "the request body must be a JSON object, not %s", jsonValueName(tok))
	}
	if err := c.object(t, path); err != nil {
		return nil, err
	}
	if _, err := c.dec.Token(); err != io.EOF {
		return nil, errs.New(errs.InvalidArguments, "the request body has data after the JSON object; send exactly one object")
	}
	return c.out.Bytes(), nil
}

type jsonChecker struct {
	data []byte
	dec  *json.Decoder
	mode strictness
	// pointers: paths are JSON pointers ("/keys/3"), not "keys[3]".
	pointers bool
	out      bytes.Buffer
	// end is the offset just after the last token read; raw its text.
	end int64
	raw []byte
}

// next reads one token and keeps its text in c.raw.
func (c *jsonChecker) next() (json.Token, error) {
	tok, err := c.dec.Token()
	if err != nil {
		return nil, syntaxError(err)
	}
	start := c.end
	c.end = c.dec.InputOffset()
	c.raw = bytes.TrimLeft(c.data[start:c.end], " \t\r\n,:")
	return tok, nil
}

func syntaxError(err error) error {
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		return errs.Invalid("", "the request body is not valid JSON (at byte %d): %s", syntax.Offset, syntax.Error())
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errs.Invalid("", "the request body ends in the middle of the JSON object")
	default:
		return errs.Wrap(err, errs.InvalidArguments, "the request body is not valid JSON: %s", err.Error())
	}
}

// value checks the value whose first token is tok against t (nil: any
// JSON) and writes what it keeps. Raw JSON is kept byte for byte, as
// encoding/json keeps it.
func (c *jsonChecker) value(tok json.Token, t reflect.Type, path string, keep bool) error {
	if !keep || elem(t) != rawMessageType {
		return c.check(tok, t, path, keep)
	}
	start := c.end - int64(len(c.raw))
	if err := c.check(tok, t, path, false); err != nil {
		return err
	}
	c.out.Write(c.data[start:c.end])
	return nil
}

func (c *jsonChecker) check(tok json.Token, t reflect.Type, path string, keep bool) error {
	if tok == nil {
		if err := c.null(t, path); err != nil {
			return err
		}
		c.write(keep, c.raw)
		return nil
	}
	t = elem(t)
	if t != nil && t == timeType {
		return c.time(tok, path, keep)
	}
	want := jsonKind(t)
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '{' {
			if want != "" && want != kindObject {
				return wrongType(path, t, tok)
			}
			return c.objectValue(t, path, keep)
		}
		if want != "" && want != kindArray {
			return wrongType(path, t, tok)
		}
		return c.array(t, path, keep)
	case string:
		if err := checkString(c.raw, path); err != nil {
			return err
		}
		if want != "" && want != kindString {
			return wrongType(path, t, tok)
		}
	case json.Number:
		if want != "" && want != kindNumber {
			return wrongType(path, t, tok)
		}
		if err := checkNumber(tok, t, path); err != nil {
			return err
		}
	case bool:
		if want != "" && want != kindBoolean {
			return wrongType(path, t, tok)
		}
	}
	c.write(keep, c.raw)
	return nil
}

func (c *jsonChecker) write(keep bool, b []byte) {
	if keep {
		c.out.Write(b)
	}
}

// null checks that t may be null.
func (c *jsonChecker) null(t reflect.Type, path string) error {
	name := path
	if t == nil {
		return nil
	}
	switch t.Kind() {
	case reflect.Interface, reflect.Slice, reflect.Map:
		return nil
	case reflect.Pointer:
		if c.mode == lenient {
			return nil
		}
		return errs.Invalid(name, "%s is null; null is not the same as leaving a field out: leave %s out, or give it %s", name, name, jsonKindPhrase(t))
	}
	return errs.Invalid(name, "%s is null; give it %s", name, jsonKindPhrase(t))
}

// objectValue checks an object whose '{' was just read.
func (c *jsonChecker) objectValue(t reflect.Type, path string, keep bool) error {
	if t == nil || t.Kind() != reflect.Struct {
		var elemType reflect.Type
		if t != nil && t.Kind() == reflect.Map {
			elemType = t.Elem()
		}
		return c.anyObject(elemType, path, keep)
	}
	if !keep {
		return c.anyObject(nil, path, false)
	}
	return c.object(t, path)
}

// object checks an object against struct type t, its '{' just read.
func (c *jsonChecker) object(t reflect.Type, path string) error {
	fields := jsonStructFields(t)
	seen := map[string]bool{}
	c.out.WriteByte('{')
	written := 0
	for {
		tok, err := c.next()
		if err != nil {
			return err
		}
		if tok == json.Delim('}') {
			c.out.WriteByte('}')
			return nil
		}
		key, rawKey := tok.(string), c.raw
		if err := checkKey(rawKey, path); err != nil {
			return err
		}
		child := c.child(path, key)
		if seen[key] {
			return duplicateField(child)
		}
		seen[key] = true
		ft, known := fields[key]
		if !known && c.mode == strict {
			return unknownField(key, child, fields)
		}
		tok, err = c.next()
		if err != nil {
			return err
		}
		if known {
			if written > 0 {
				c.out.WriteByte(',')
			}
			c.out.Write(rawKey)
			c.out.WriteByte(':')
			written++
		}
		if err := c.value(tok, ft, child, known); err != nil {
			return err
		}
	}
}

// anyObject checks an object whose fields are all of type elemType (nil:
// any JSON), its '{' just read.
func (c *jsonChecker) anyObject(elemType reflect.Type, path string, keep bool) error {
	seen := map[string]bool{}
	c.write(keep, []byte{'{'})
	for i := 0; ; i++ {
		tok, err := c.next()
		if err != nil {
			return err
		}
		if tok == json.Delim('}') {
			c.write(keep, []byte{'}'})
			return nil
		}
		key, rawKey := tok.(string), c.raw
		if err := checkKey(rawKey, path); err != nil {
			return err
		}
		child := c.child(path, key)
		if seen[key] {
			return duplicateField(child)
		}
		seen[key] = true
		if i > 0 {
			c.write(keep, []byte{','})
		}
		c.write(keep, rawKey)
		c.write(keep, []byte{':'})
		if tok, err = c.next(); err != nil {
			return err
		}
		if err := c.value(tok, elemType, child, keep); err != nil {
			return err
		}
	}
}

// array checks an array of t's elements (any JSON when t is nil), its '['
// just read.
func (c *jsonChecker) array(t reflect.Type, path string, keep bool) error {
	var elemType reflect.Type // nil: any JSON, as in raw JSON
	if t = elem(t); t != nil && t != rawMessageType && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		elemType = t.Elem()
	}
	c.write(keep, []byte{'['})
	for i := 0; ; i++ {
		tok, err := c.next()
		if err != nil {
			return err
		}
		if tok == json.Delim(']') {
			c.write(keep, []byte{']'})
			return nil
		}
		if i > 0 {
			c.write(keep, []byte{','})
		}
		if err := c.value(tok, elemType, c.index(path, i), keep); err != nil {
			return err
		}
	}
}

var timeType = reflect.TypeFor[time.Time]()

// time checks an RFC 3339 time, as encoding/json reads a time.Time.
func (c *jsonChecker) time(tok json.Token, path string, keep bool) error {
	name := path
	s, ok := tok.(string)
	if !ok {
		return errs.Invalid(name, "%s must be a time (a string such as 2025-01-02T03:04:05Z), not %s", name, jsonValueName(tok))
	}
	if err := checkString(c.raw, path); err != nil {
		return err
	}
	// encoding/json hands a time its literal with escapes undecoded
	// (time.Time.UnmarshalJSON), so the literal must be the time.
	if _, err := time.Parse(time.RFC3339Nano, string(c.raw[1:len(c.raw)-1])); err != nil {
		return errs.Invalid(name, "%s %q is not an RFC 3339 time such as 2025-01-02T03:04:05Z", name, s)
	}
	c.write(keep, c.raw)
	return nil
}

func duplicateField(path string) error {
	return errs.Invalid(path, "field %q appears twice in the request body; send each field once", path)
}

func unknownField(key, path string, fields map[string]reflect.Type) error {
	for name := range fields {
		if strings.EqualFold(name, key) {
			return errs.Invalid(path, "unknown field %q in the request body: field names are case-sensitive; did you mean %q?", path, name)
		}
	}
	return errs.Invalid(path, "unknown field %q in the request body; check the spelling against openapi.yaml", path)
}

// pointerEscaper escapes a key as a JSON pointer's reference token (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// child names the field key of the object at path: "admin.email", or
// "/admin/email" as a JSON pointer.
func (c *jsonChecker) child(path, key string) string {
	if c.pointers {
		return path + "/" + pointerEscaper.Replace(key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// index names item i of the array at path: "keys[3]", or "/keys/3" as a
// JSON pointer.
func (c *jsonChecker) index(path string, i int) string {
	if c.pointers {
		return fmt.Sprintf("%s/%d", path, i)
	}
	return fmt.Sprintf("%s[%d]", path, i)
}
