package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// validator is implemented by request types that check themselves.
type validator interface{ Validate() error }

// decodeJSON reads the body of r into v strictly: the body must be one JSON
// object with only known fields, of the right types, within the body limit.
// If v validates itself, Validate runs too. Every error says what was wrong.
func decodeJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errs.New(errs.PayloadTooLarge, "the request body is larger than %d bytes", tooLarge.Limit).WithDetail("limit", tooLarge.Limit)
		}
		return errs.Wrap(err, errs.InvalidArguments, "could not read the request body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return errs.New(errs.InvalidArguments, "the request body is empty; send a JSON object with Content-Type: application/json")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return errs.New(errs.InvalidArguments, "the request body has data after the JSON object; send exactly one object")
	}
	if val, ok := v.(validator); ok {
		return val.Validate()
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
		return errs.Invalid(field, "field %q must be %s, not %s", field, jsonTypeName(typeError.Type.String()), typeError.Value)
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

func jsonTypeName(goType string) string {
	switch strings.TrimPrefix(goType, "*") {
	case "string", "store.Role":
		return "a string"
	case "int", "int64":
		return "an integer"
	case "bool":
		return "a boolean"
	}
	if strings.HasPrefix(goType, "accounts.") || strings.HasPrefix(goType, "struct") {
		return "an object"
	}
	return fmt.Sprintf("of type %s", goType)
}

// pathID returns the URL parameter name as a UUID, or a 400 that says the
// id is malformed.
func pathID(r *http.Request, name string) (string, error) {
	raw := urlParam(r, name)
	id, err := uuid.Parse(raw)
	if err != nil || len(raw) != 36 {
		return "", errs.Invalid(name, "%s %q is not a valid id: ids are UUIDs such as 3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10", name, raw)
	}
	return id.String(), nil
}
