package accounts_test

import (
	"errors"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
)

func TestParseID(t *testing.T) {
	for raw, want := range map[string]string{
		"3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10": "3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10",
		"3F0C1E8A-6B1D-4C6E-9A51-2F4B8D7C9E10": "3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10",
	} {
		got, err := accounts.ParseID("keyId", raw)
		if err != nil || got != want {
			t.Errorf("ParseID(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	for _, raw := range []string{
		"", "12345", "not-a-uuid",
		"3f0c1e8a6b1d4c6e9a512f4b8d7c9e10",       // no dashes: another form uuid.Parse takes
		"{3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10}", // braces
		"urn:uuid:3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10",
		"3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e1g",
		"1' OR 1=1",
	} {
		_, err := accounts.ParseID("keyId", raw)
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.InvalidArguments || e.Details["field"] != "keyId" {
			t.Errorf("ParseID(%q) = %v, want INVALID_ARGUMENTS_ERROR naming keyId", raw, err)
		}
	}
}
