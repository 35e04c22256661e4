package api

import (
	"encoding/json"
	"reflect"
	"time"
)

// The fast pass of the JSON reader. Most bodies are plain: every field
// name exactly one of the type's and written without escapes, each once
// per object, no null where the type holds a value, every value of the
// JSON type its field is read from, text that is UTF-8 without lone
// surrogate escapes. plainJSON tells such a body apart in one walk over
// its bytes that allocates nothing, after json.Valid has checked its
// syntax; checkJSON then passes it on as it is, and encoding/json decodes
// it once. Whatever else a body holds (a refusal, a field lenient mode
// drops, an escaped field name, an object of more than plainMaxFields
// fields) goes to the token pass (read_json.go), which refuses it with the
// message that names the field at fault, or passes on the body without
// what it drops. plainJSON never accepts a body the token pass refuses,
// nor one it would pass on changed other than in its spacing
// (FuzzCheckJSON compares the two).

// plainMaxFields bounds the fields of one object that plainJSON compares
// for duplicates (in an array on the stack); a larger object takes the
// token pass.
const plainMaxFields = 32

// plainJSON reports whether data is a plain JSON object against struct
// type t: one that checkJSON would accept in mode without dropping
// anything.
func plainJSON(data []byte, t reflect.Type, mode strictness) bool {
	if !json.Valid(data) {
		return false
	}
	w := plainWalker{data: data, mode: mode}
	w.space()
	if w.data[w.i] != '{' || !w.value(t) {
		return false
	}
	w.space()
	return w.i == len(w.data) // json.Valid allows nothing else after the value
}

// plainWalker walks JSON that json.Valid accepted, so it checks no
// syntax: each method reads one value starting at i (after any space) and
// leaves i just after it.
type plainWalker struct {
	data []byte
	i    int
	mode strictness
}

func (w *plainWalker) space() {
	for w.i < len(w.data) {
		switch w.data[w.i] {
		case ' ', '\t', '\r', '\n':
			w.i++
		default:
			return
		}
	}
}

// value reads one value against t (nil: any JSON), with the rules of
// jsonChecker.check.
func (w *plainWalker) value(t reflect.Type) bool {
	w.space()
	c := w.data[w.i]
	if c == 'n' {
		w.i += len("null")
		return w.mayBeNull(t)
	}
	if elem(t) == timeType {
		return c == '"' && plainTime(w.str())
	}
	switch {
	case c == '{':
		t = elem(t)
		if want := jsonKind(t); want != "" && want != kindObject {
			return false
		}
		if t != nil && t.Kind() == reflect.Struct {
			return w.object(t)
		}
		var elemType reflect.Type
		if t != nil && t.Kind() == reflect.Map {
			elemType = t.Elem()
		}
		return w.anyObject(elemType)
	case c == '[':
		t = elem(t)
		if want := jsonKind(t); want != "" && want != kindArray {
			return false
		}
		var elemType reflect.Type // nil: any JSON, as in raw JSON
		if t != nil && t != rawMessageType && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elemType = t.Elem()
		}
		return w.array(elemType)
	case c == '"':
		if !plainText(w.str()) {
			return false
		}
		want := jsonKind(t)
		return want == "" || want == kindString
	case c == 't' || c == 'f':
		if c == 't' {
			w.i += len("true")
		} else {
			w.i += len("false")
		}
		want := jsonKind(t)
		return want == "" || want == kindBoolean
	default:
		raw := w.number()
		if want := jsonKind(t); want != "" && want != kindNumber {
			return false
		}
		return elem(t) == nil || plainNumber(raw, elem(t))
	}
}

// mayBeNull mirrors jsonChecker.null: lists, maps and raw JSON may be null,
// and a pointer (an optional field) in lenient mode only.
func (w *plainWalker) mayBeNull(t reflect.Type) bool {
	if t == nil {
		return true
	}
	switch t.Kind() {
	case reflect.Interface, reflect.Slice, reflect.Map:
		return true
	case reflect.Pointer:
		return w.mode == lenient
	}
	return false
}

// object reads an object against struct type t: every field one of t's,
// by its exact name, once.
func (w *plainWalker) object(t reflect.Type) bool {
	return w.fields(func(name []byte) (reflect.Type, bool) { return plainField(t, name) })
}

// anyObject reads an object whose fields are all of type elemType (nil:
// any JSON).
func (w *plainWalker) anyObject(elemType reflect.Type) bool {
	return w.fields(func([]byte) (reflect.Type, bool) { return elemType, true })
}

// fields reads the object at i, '{' first, typing each field with
// fieldType.
func (w *plainWalker) fields(fieldType func(name []byte) (reflect.Type, bool)) bool {
	var seen [plainMaxFields][]byte
	n := 0
	w.i++ // '{'
	for {
		w.space()
		if w.data[w.i] == '}' {
			w.i++
			return true
		}
		if w.data[w.i] == ',' {
			w.i++
			w.space()
		}
		raw := w.str()
		name := raw[1 : len(raw)-1]
		if n == len(seen) || !plainName(name) {
			return false
		}
		for _, s := range seen[:n] {
			if string(s) == string(name) {
				return false
			}
		}
		seen[n] = name
		n++
		ft, known := fieldType(name)
		if !known {
			return false
		}
		w.space()
		w.i++ // ':'
		if !w.value(ft) {
			return false
		}
	}
}

// array reads the array at i, '[' first, each item of elemType.
func (w *plainWalker) array(elemType reflect.Type) bool {
	w.i++ // '['
	for {
		w.space()
		switch w.data[w.i] {
		case ']':
			w.i++
			return true
		case ',':
			w.i++
		}
		if !w.value(elemType) {
			return false
		}
	}
}

// str reads a string literal and returns it, quotes included.
func (w *plainWalker) str() []byte {
	start := w.i
	for w.i++; w.data[w.i] != '"'; w.i++ {
		if w.data[w.i] == '\\' {
			w.i++ // the escaped character; \uXXXX's digits need no care
		}
	}
	w.i++
	return w.data[start:w.i]
}

// number reads a number literal.
func (w *plainWalker) number() []byte {
	start := w.i
	for w.i < len(w.data) {
		switch c := w.data[w.i]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
			w.i++
			continue
		}
		break
	}
	return w.data[start:w.i]
}

// plainName reports a field name, without its quotes, that is UTF-8 and
// has no escape: then its bytes are the name, and two names are equal
// exactly when their bytes are.
func plainName(name []byte) bool {
	for _, c := range name {
		if c == '\\' {
			return false
		}
	}
	return invalidUTF8(name) < 0
}

// plainText reports a string literal that checkString accepts.
func plainText(raw []byte) bool {
	return invalidUTF8(raw) < 0 && loneSurrogate(raw) == ""
}

// plainTime reports a string literal without escapes that is an RFC 3339
// time, as jsonChecker.time reads it.
func plainTime(raw []byte) bool {
	if !plainText(raw) {
		return false
	}
	s := raw[1 : len(raw)-1]
	for _, c := range s {
		if c == '\\' {
			return false
		}
	}
	_, err := time.Parse(time.RFC3339Nano, string(s))
	return err == nil
}

// plainNumber reports a number literal that checkNumber accepts for t:
// for an integer kind, digits only (and a sign for a signed kind) of a
// value within t's range; any number for the other kinds.
func plainNumber(raw []byte, t reflect.Type) bool {
	signed := false
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		signed = true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
	default:
		return true
	}
	negative := len(raw) > 0 && raw[0] == '-'
	digits := raw
	if negative {
		if !signed {
			return false
		}
		digits = raw[1:]
	}
	if len(digits) == 0 || len(digits) > 20 {
		return false
	}
	var v uint64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			return false // beyond uint64: out of every range
		}
		v = v*10 + d
	}
	bits := uint(t.Bits())
	switch {
	case !signed:
		return bits == 64 || v < 1<<bits
	case negative:
		return v <= 1<<(bits-1)
	default:
		return v < 1<<(bits-1)
	}
}

// plainField returns the type of the field of struct type t that
// jsonStructFields names name, without building its map: the last field
// of that JSON name, embedded structs flattened in place.
func plainField(t reflect.Type, name []byte) (reflect.Type, bool) {
	var found reflect.Type
	ok := false
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		fieldName := tag
		for j := 0; j < len(tag); j++ {
			if tag[j] == ',' {
				fieldName = tag[:j]
				break
			}
		}
		if f.Anonymous && fieldName == "" && elem(f.Type).Kind() == reflect.Struct {
			if ft, known := plainField(elem(f.Type), name); known {
				found, ok = ft, true
			}
			continue
		}
		if !f.IsExported() || fieldName == "-" {
			continue
		}
		if fieldName == "" {
			fieldName = f.Name
		}
		if fieldName == string(name) {
			found, ok = f.Type, true
		}
	}
	return found, ok
}
