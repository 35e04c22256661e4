package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// DefaultMaxBodyBytes is the default limit of a request body.
const DefaultMaxBodyBytes = 1 << 20

// strictness says how a plane reads a JSON body.
type strictness int

const (
	// strict: the management and control planes refuse fields they do not
	// know; openapi.yaml documents every field.
	strict strictness = iota
	// lenient: the SDK plane ignores fields it does not know, as Encord's
	// pydantic models do, so that a newer SDK release still works.
	lenient
)

// readBody reads the whole request body within the body limit
// (limitBody): the one place where a body too large becomes a 413.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, errs.New(errs.PayloadTooLarge, "the request body is larger than the emulator's limit of %d bytes (--max-body-bytes)", tooLarge.Limit).WithDetail("limit", tooLarge.Limit)
		}
		return nil, errs.Wrap(err, errs.InvalidArguments, "could not read the request body")
	}
	return body, nil
}

// decodeBody reads the body of r into v: one JSON object, of the right
// types, within the body limit. Every error says what was wrong; the rules
// of the values are package accounts' to check.
func decodeBody(r *http.Request, v any, mode strictness) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return errs.New(errs.InvalidArguments, "the request body is empty; send a JSON object with Content-Type: application/json")
	}
	return decodeJSON(body, v, mode)
}

// decodeJSON decodes one JSON object (a body, or a part of one such as a v1
// payload) into v.
func decodeJSON(data []byte, v any, mode strictness) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if mode == strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return errs.New(errs.InvalidArguments, "the request body has data after the JSON object; send exactly one object")
	}
	return nil
}

// jsonError turns an encoding/json error into a message that names the
// field or the byte at fault.
func jsonError(err error) error {
	var (
		syntax    *json.SyntaxError
		typeError *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		return errs.Invalid("", "the request body is not valid JSON (at byte %d): %s", syntax.Offset, syntax.Error())
	case errors.As(err, &typeError):
		field := typeError.Field
		if field == "" {
			return errs.Invalid("", "the request body must be a JSON object, not a %s", typeError.Value)
		}
		return errs.Invalid(field, "field %q must be %s, not %s", field, jsonKindName(typeError.Type), typeError.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.Invalid("", "the request body ends in the middle of the JSON object")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no typed error for unknown fields.
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return errs.Invalid(strings.Trim(name, `"`), "unknown field %s in the request body; check the spelling against openapi.yaml", name)
	default:
		return errs.Wrap(err, errs.InvalidArguments, "the request body could not be decoded: %s", err.Error())
	}
}

// jsonKindName names the JSON value a Go type is read from.
func jsonKindName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}

// pathID returns the URL parameter name as an id, or a 400 that says the
// id is malformed.
func pathID(r *http.Request, name string) (string, error) {
	return accounts.ParseID(name, chi.URLParam(r, name))
}
