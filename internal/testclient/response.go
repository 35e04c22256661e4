package testclient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Response is an answer, or the error that stands for it.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// JSON is the body of an application/json answer (always an object).
	JSON map[string]any
	// Err is set when there is no usable answer: a transport error (the
	// server down, the client's timeout), a body cut short, or JSON that is
	// not an object.
	Err error
}

func (r Response) String() string {
	if r.Err != nil && r.Status == 0 {
		return "no answer: " + r.Err.Error()
	}
	return fmt.Sprintf("%d %s", r.Status, bytes.TrimSpace(r.Body))
}

// Str returns a string field of the JSON body, following a dotted path
// ("key.id"); "" when there is none.
func (r Response) Str(path string) string {
	var v any = r.JSON
	for field := range strings.SplitSeq(path, ".") {
		m, _ := v.(map[string]any)
		v = m[field]
	}
	s, _ := v.(string)
	return s
}

// Code is the error code of a management- or control-plane error
// (error.code).
func (r Response) Code() string { return r.Str("error.code") }

// Message is the message of a management- or control-plane error
// (error.message).
func (r Response) Message() string { return r.Str("error.message") }

// Items returns the items of a list answer.
func (r Response) Items() []map[string]any {
	raw, _ := r.JSON["items"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, item := range raw {
		if m, ok := item.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// Decode decodes the body into v.
func (r Response) Decode(v any) error {
	if r.Err != nil {
		return r.Err
	}
	return json.Unmarshal(r.Body, v)
}

// Want returns nil when the answer has status want, and otherwise an error
// that shows the answer.
func (r Response) Want(want int) error {
	if r.Err != nil || r.Status != want {
		return fmt.Errorf("got %s, want status %d", r, want)
	}
	return nil
}

// WantError returns nil when the answer is a management- or control-plane
// error with status and code, and otherwise an error that shows the
// answer.
func (r Response) WantError(status int, code string) error {
	if r.Err != nil || r.Status != status || r.Code() != code {
		return fmt.Errorf("got %s, want %d %s", r, status, code)
	}
	return nil
}
