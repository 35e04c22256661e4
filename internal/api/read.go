package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"reflect"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// strictness says how a plane reads a JSON body.
type strictness int

const (
	// strict: the management and control planes refuse fields they do not
	// know (openapi.yaml documents every field) and null for an optional
	// field, which is not the same as leaving it out.
	strict strictness = iota
	// lenient: the SDK plane reads what the SDK sends and nothing
	// stricter: it ignores fields it does not know, as Encord's pydantic
	// models do, so that a newer SDK release still works, and takes null
	// for an optional field, as the SDK sends None.
	lenient
)

// readBody reads the whole request body within the body limit
// (limitBody) and the read deadline of the connection: the one place where
// a body too large becomes a 413, and a body too slow a 408. A slow client
// is the client's fault, not an outage: never a 5xx, which the SDK would
// retry.
func readBody(r *http.Request) ([]byte, error) {
	if again, ok := r.Body.(*bodyReadAgain); ok && again.Len() == len(again.data) {
		again.Reset(nil) // read, as if by io.ReadAll
		return again.data, nil
	}
	if r.ContentLength == 0 && len(r.TransferEncoding) == 0 {
		return []byte{}, nil // no body: nothing to read or allocate
	}
	body, err := readAllSized(r.Body, r.ContentLength)
	if err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return nil, errs.New(errs.PayloadTooLarge, "the request body is larger than the emulator's limit of %d bytes (--max-body-bytes)", tooLarge.Limit).WithDetail("limit", tooLarge.Limit)
		case errors.Is(err, os.ErrDeadlineExceeded):
			return nil, errs.Wrap(err, errs.RequestTimeout, "the request body did not arrive in time: the emulator reads a body for at most --read-timeout from its first byte, and within --request-timeout; send the whole body at once")
		}
		return nil, errs.Wrap(err, errs.InvalidArguments, "could not read the request body")
	}
	return body, nil
}

// readAllSized is io.ReadAll into one buffer of the declared length (at
// most 64 KiB at first: the declaration is the client's), so a body of
// the length it says is read with one allocation of its size. It reads to
// the end, as io.ReadAll does.
func readAllSized(r io.Reader, declared int64) ([]byte, error) {
	size := 512 // io.ReadAll's first buffer, for a body of unknown length
	if declared >= 0 {
		size = int(min(declared, 64<<10)) + 1 // +1: room to read the end
	}
	b := make([]byte, 0, size)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // longer than declared: grow as io.ReadAll does
		}
	}
}

// bodyReadAgain is a body that was read already (by the SDK plane's
// authentication, which hashes it) and is readable again; readBody returns
// its bytes without copying them.
type bodyReadAgain struct {
	bytes.Reader
	data []byte
}

func newBodyReadAgain(data []byte) *bodyReadAgain {
	b := &bodyReadAgain{data: data}
	b.Reset(data)
	return b
}

func (*bodyReadAgain) Close() error { return nil }

// decodeBody reads the body of r into v: one JSON object, of the right
// types, within the body limit. Every error says what was wrong; the rules
// of the values are package accounts' to check.
func decodeBody(r *http.Request, v any, mode strictness) error {
	body, err := readJSONBody(r)
	if err != nil {
		return err
	}
	return decodeJSON(body, v, mode, "")
}

// decodeDocument is decodeBody in strict mode for a document of many
// entries (the state): its errors name the value at fault by its JSON
// pointer, "/keys/3/origin".
func decodeDocument(r *http.Request, v any) error {
	body, err := readJSONBody(r)
	if err != nil {
		return err
	}
	data, err := checkJSONDocument(body, reflect.TypeOf(v).Elem())
	if err != nil {
		return err
	}
	return unmarshalChecked(data, v)
}

// readJSONBody reads a body that must be JSON: not empty, and declared
// as JSON by its Content-Type.
func readJSONBody(r *http.Request) ([]byte, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errs.New(errs.InvalidArguments, "the request body is empty; send a JSON object with Content-Type: application/json")
	}
	if err := requireJSONMediaType(r); err != nil {
		return nil, err
	}
	return body, nil
}

// requireJSONMediaType refuses a body that its Content-Type does not say
// is JSON (application/json or application/*+json, in UTF-8): 415. A
// request without a body needs no Content-Type.
func requireJSONMediaType(r *http.Request) error {
	header := r.Header.Get("Content-Type")
	mediaType, params, err := mime.ParseMediaType(header)
	isJSON := err == nil && (mediaType == "application/json" || strings.HasPrefix(mediaType, "application/") && strings.HasSuffix(mediaType, "+json"))
	if charset, ok := params["charset"]; isJSON && ok && !strings.EqualFold(charset, "utf-8") {
		return errs.New(errs.UnsupportedMedia, "the request body is declared as %q; send it as JSON in UTF-8 with Content-Type: application/json", header)
	}
	if !isJSON {
		if header == "" {
			return errs.New(errs.UnsupportedMedia, "the request body has no Content-Type; send it as JSON with Content-Type: application/json")
		}
		return errs.New(errs.UnsupportedMedia, "the request body is declared as %q, not JSON; send it as JSON with Content-Type: application/json", header)
	}
	return nil
}

// decodeJSON decodes one JSON object into v, after the raw pass of
// checkJSON: a body, or the object at path in one (a v1 call's
// values.payload), which errors then name.
func decodeJSON(data []byte, v any, mode strictness, path string) error {
	data, err := checkJSON(data, reflect.TypeOf(v).Elem(), mode, path)
	if err != nil {
		return err
	}
	return unmarshalChecked(data, v)
}

// unmarshalChecked decodes what checkJSON has read against v's type
// already.
func unmarshalChecked(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return errs.Wrap(err, errs.InvalidArguments, "the request body could not be decoded: %s", err.Error())
	}
	return nil
}

// pathID returns the URL parameter name as an id, or a 400 that says the
// id is malformed.
func pathID(r *http.Request, name string) (string, error) {
	return accounts.ParseID(name, chi.URLParam(r, name))
}
