package api

import (
	"bytes"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadAllSized checks that a body is read whole whatever its declared
// length says: shorter, longer, unknown, or read a byte at a time.
func TestReadAllSized(t *testing.T) {
	body := strings.Repeat("0123456789", 7000) // beyond the first buffer's cap of 64 KiB
	for _, declared := range []int64{-1, 0, 3, 70000, 1 << 40} {
		for _, oneByte := range []bool{false, true} {
			var r io.Reader = strings.NewReader(body)
			if oneByte {
				r = iotest.OneByteReader(r)
			}
			got, err := readAllSized(r, declared)
			if err != nil || string(got) != body {
				t.Errorf("declared %d, one byte at a time %t: read %d bytes, %v; want all %d", declared, oneByte, len(got), err, len(body))
			}
		}
	}
	if _, err := readAllSized(iotest.ErrReader(io.ErrUnexpectedEOF), 10); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a failing body: %v, want its error", err)
	}
}

// TestReadBodyAgain checks the body the SDK plane's authentication hands
// on: read whole, it is the same bytes; read again, nothing, as a body read
// to its end; read in part, the rest.
func TestReadBodyAgain(t *testing.T) {
	data := []byte(`{"query_type":"x"}`)
	r := httptest.NewRequest("POST", "/public/user", bytes.NewReader(data))
	r.Body = newBodyReadAgain(data)
	if got, err := readBody(r); err != nil || string(got) != string(data) {
		t.Fatalf("first read: %q, %v", got, err)
	}
	if got, err := readBody(r); err != nil || len(got) != 0 {
		t.Fatalf("second read: %q, %v; want nothing left", got, err)
	}
	r.Body = newBodyReadAgain(data)
	if _, err := r.Body.Read(make([]byte, 5)); err != nil {
		t.Fatal(err)
	}
	if got, err := readBody(r); err != nil || string(got) != string(data[5:]) {
		t.Fatalf("after 5 bytes were read: %q, %v; want the rest", got, err)
	}

	empty := httptest.NewRequest("GET", "/v2/public/projects", nil)
	if got, err := readBody(empty); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("no body: %q (nil %t), %v; want an empty body", got, got == nil, err)
	}
}
