package errs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

func TestFrom(t *testing.T) {
	coded := New(QuotaExceeded, "2 of 2")
	cases := []struct {
		err  error
		code Code
	}{
		{fmt.Errorf("wrapped: %w", coded), QuotaExceeded},
		{fmt.Errorf("dial: %w", store.ErrUnavailable), ServiceUnavailable},
		{context.DeadlineExceeded, ServiceUnavailable},
		{fmt.Errorf("query: %w", context.Canceled), ServiceUnavailable},
		{store.ErrNotFound, NotFound},
		{store.ErrDuplicateKey, DuplicateSSHKey},
		{store.ErrAlreadyExists, ResourceExists},
		{fmt.Errorf("create: %w", store.ErrInvalid), InvalidArguments},
		{errors.New("a bug"), Unknown},
	}
	for _, tc := range cases {
		if got := From(tc.err).Code; got != tc.code {
			t.Errorf("From(%v) = %s, want %s", tc.err, got, tc.code)
		}
	}
	if From(fmt.Errorf("x: %w", coded)) != coded {
		t.Error("a coded error must pass through unchanged")
	}
	if e := From(errors.New("secret detail")); e.Message == "secret detail" || !errors.Is(e, e.Unwrap()) {
		t.Errorf("an unknown error's text must stay out of the message: %q", e.Message)
	}
}

func TestHTTPStatus(t *testing.T) {
	for code, status := range map[Code]int{
		InvalidArguments: 400, SSHKeyNotFound: 400, Authentication: 401, Authorisation: 403,
		NotFound: 404, MethodNotAllowed: 405, DuplicateSSHKey: 409, ResourceExists: 409,
		QuotaExceeded: 409, OperationNotAllowed: 409, RequestTimeout: 408, PayloadTooLarge: 413, UnsupportedMedia: 415,
		Unknown: http.StatusInternalServerError, NotImplemented: 501, ServiceUnavailable: 503, RateLimited: 429,
	} {
		if got := code.HTTPStatus(); got != status {
			t.Errorf("%s: status %d, want %d", code, got, status)
		}
		if !slices.Contains(Codes(), code) {
			t.Errorf("%s is missing from Codes()", code)
		}
	}
}

// A fault rule answers the status it names, whatever its code.
func TestWithStatus(t *testing.T) {
	e := New(ServiceUnavailable, "down")
	faulted := e.WithStatus(http.StatusGatewayTimeout)
	if faulted.Status() != http.StatusGatewayTimeout || faulted.Code != ServiceUnavailable {
		t.Errorf("WithStatus(504): status %d code %s, want 504 and the code kept", faulted.Status(), faulted.Code)
	}
	if e.Status() != http.StatusServiceUnavailable {
		t.Errorf("WithStatus changed the original: status %d", e.Status())
	}
}
