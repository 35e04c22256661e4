package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

func TestTranslate(t *testing.T) {
	pgError := func(code, constraint string) error {
		return fmt.Errorf("exec: %w", &pgconn.PgError{Code: code, ConstraintName: constraint, Message: "m"})
	}
	opErr := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	tests := []struct {
		name string
		err  error
		want error // nil: no sentinel may match
	}{
		{"no rows", pgx.ErrNoRows, store.ErrNotFound},
		{"active public key index", pgError("23505", activePublicKeyIndex), store.ErrDuplicateKey},
		{"primary key", pgError("23505", "keys_pkey"), store.ErrAlreadyExists},
		{"live member email", pgError("23505", "members_live_email_key"), store.ErrAlreadyExists},
		{"token hash", pgError("23505", "tokens_hash_key"), store.ErrAlreadyExists},
		{"statement timeout", pgError("57014", ""), store.ErrUnavailable},
		{"admin shutdown", pgError("57P01", ""), store.ErrUnavailable},
		{"cannot connect now", pgError("57P03", ""), store.ErrUnavailable},
		{"connection failure", pgError("08006", ""), store.ErrUnavailable},
		{"too many connections", pgError("53300", ""), store.ErrUnavailable},
		{"deadlock", pgError("40P01", ""), store.ErrUnavailable},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), store.ErrUnavailable},
		{"network", fmt.Errorf("query: %w", opErr), store.ErrUnavailable},
		{"unexpected eof", fmt.Errorf("receive: %w", io.ErrUnexpectedEOF), store.ErrUnavailable},
		{"conn closed", fmt.Errorf("acquire: %w", pgconn.ErrConnClosed), store.ErrUnavailable},
		{"check violation", pgError("23514", "members_role_check"), store.ErrInvalid},
		{"NUL in text", pgError("22021", ""), store.ErrInvalid},
		{"NUL escape in jsonb", pgError("22P05", ""), store.ErrInvalid},
		{"foreign key violation", pgError("23503", "members_workspace_id_fkey"), store.ErrNotFound},
		{"canceled by the caller", context.Canceled, nil},
		{"other", errors.New("boom"), nil},
	}
	sentinels := []error{store.ErrNotFound, store.ErrAlreadyExists, store.ErrDuplicateKey, store.ErrUnavailable, store.ErrInvalid}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := translate(tt.err)
			if !errors.Is(got, tt.err) {
				t.Errorf("translate(%v) = %v: lost the cause", tt.err, got)
			}
			for _, sentinel := range sentinels {
				if errors.Is(got, sentinel) != (sentinel == tt.want) {
					t.Errorf("translate(%v) = %v: errors.Is(%v) = %t", tt.err, got, sentinel, sentinel != tt.want)
				}
			}
		})
	}
	if translate(nil) != nil {
		t.Error("translate(nil) != nil")
	}
}
