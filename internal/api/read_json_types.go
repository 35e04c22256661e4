package api

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"

	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// The JSON kinds Go types are read from, and the messages that name them.

// checkNumber refuses a number an integer field cannot hold: a fraction,
// an exponent, or a value out of the field's range.
func checkNumber(n json.Number, t reflect.Type, path string) error {
	if t == nil {
		return nil
	}
	name := path
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if _, err := strconv.ParseInt(n.String(), 10, t.Bits()); err != nil {
			return numberError(name, n, err)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if _, err := strconv.ParseUint(n.String(), 10, t.Bits()); err != nil {
			return numberError(name, n, err)
		}
	}
	return nil
}

func numberError(name string, n json.Number, err error) error {
	if errors.Is(err, strconv.ErrRange) {
		return errs.Invalid(name, "%s is %s, which is out of range", name, n)
	}
	return errs.Invalid(name, "%s must be an integer, not %s", name, n)
}

// The JSON kinds a Go type is read from.
const (
	kindObject  = "object"
	kindArray   = "array"
	kindString  = "string"
	kindNumber  = "number"
	kindBoolean = "boolean"
)

// elem strips pointers; nil stays nil.
func elem(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// jsonKind is the JSON kind t is read from; "" for any (raw JSON, an
// interface).
func jsonKind(t reflect.Type) string {
	t = elem(t)
	if t == nil || t == rawMessageType {
		return ""
	}
	switch t.Kind() {
	case reflect.String:
		return kindString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return kindNumber
	case reflect.Bool:
		return kindBoolean
	case reflect.Struct, reflect.Map:
		return kindObject
	case reflect.Slice, reflect.Array:
		return kindArray
	default:
		return ""
	}
}

// jsonKindPhrase names the value a field of type t takes: "a string".
func jsonKindPhrase(t reflect.Type) string {
	t = elem(t)
	switch {
	case t == timeType:
		return "a time"
	case t != nil && t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "an integer"
	}
	switch jsonKind(t) {
	case kindObject:
		return "an object"
	case kindArray:
		return "an array"
	case kindString:
		return "a string"
	case kindNumber:
		return "a number"
	case kindBoolean:
		return "a boolean"
	default:
		return "a value"
	}
}

// jsonValueName names the JSON value a token starts.
func jsonValueName(tok json.Token) string {
	switch tok := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		if tok == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case json.Number:
		return "the number " + tok.String()
	case bool:
		return "a boolean"
	}
	return "a value"
}

func wrongType(path string, t reflect.Type, tok json.Token) error {
	name := path
	if name == "" {
		return errs.Invalid("", "the request body must be %s, not %s", jsonKindPhrase(t), jsonValueName(tok))
	}
	return errs.Invalid(name, "field %q must be %s, not %s", name, jsonKindPhrase(t), jsonValueName(tok))
}

// jsonStructFields maps the JSON names of struct type t to their types,
// as encoding/json names them: the tag's name or the field's, embedded
// structs flattened, "-" and unexported fields left out.
func jsonStructFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && elem(f.Type).Kind() == reflect.Struct {
			for n, ft := range jsonStructFields(elem(f.Type)) {
				fields[n] = ft
			}
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
	}
	return fields
}
