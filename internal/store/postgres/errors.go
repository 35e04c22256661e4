package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// activePublicKeyIndex is the unique index that makes a public key belong to
// at most one active key (migrations/000001_init.up.sql). Its violation is the
// one uniqueness failure reported as store.ErrDuplicateKey.
const activePublicKeyIndex = "keys_active_public_key_hex_key"

// SQLSTATE codes the store reacts to. Class 08 (connection exception) is
// matched by prefix.
const (
	codeUniqueViolation   = "23505"
	codeForeignKey        = "23503" // a row of a workspace that does not exist
	codeCheckViolation    = "23514"
	codeNotInRepertoire   = "22021" // NUL, or bytes that are not UTF-8
	codeUntranslatable    = "22P05" // \u0000 in jsonb
	codeUndefinedTable    = "42P01"
	codeQueryCanceled     = "57014" // statement_timeout, or a cancel request
	codeAdminShutdown     = "57P01"
	codeCrashShutdown     = "57P02"
	codeCannotConnectNow  = "57P03"
	codeTooManyConnection = "53300"
	codeDeadlockDetected  = "40P01"
	classConnection       = "08"
)

// translate maps a driver error onto the store's sentinel errors, keeping the
// driver error in the chain for logs. Every method passes its driver errors
// through it; nothing else in the package maps them.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", store.ErrNotFound, err)
	}

	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == codeUniqueViolation && pgErr.ConstraintName == activePublicKeyIndex:
			return fmt.Errorf("%w: %w", store.ErrDuplicateKey, err)
		case pgErr.Code == codeUniqueViolation:
			return fmt.Errorf("%w: %s: %w", store.ErrAlreadyExists, pgErr.ConstraintName, err)
		case pgErr.Code == codeForeignKey:
			return fmt.Errorf("%w: %s: %w", store.ErrNotFound, pgErr.ConstraintName, err)
		// The Check methods of the rows refuse these before any statement;
		// the schema's answer is the same, should one slip through.
		case pgErr.Code == codeCheckViolation, pgErr.Code == codeNotInRepertoire, pgErr.Code == codeUntranslatable:
			return fmt.Errorf("%w: %w", store.ErrInvalid, err)
		case pgErr.Code == codeQueryCanceled,
			pgErr.Code == codeAdminShutdown,
			pgErr.Code == codeCrashShutdown,
			pgErr.Code == codeCannotConnectNow,
			pgErr.Code == codeTooManyConnection,
			pgErr.Code == codeDeadlockDetected,
			strings.HasPrefix(pgErr.Code, classConnection):
			return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
		}
		return err
	}

	if unreachable(err) {
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	return err
}

// asUnavailable makes err wrap store.ErrUnavailable, for failures that are
// not the database's fault but still mean it cannot serve (Ping).
func asUnavailable(err error) error {
	if errors.Is(err, store.ErrUnavailable) {
		return err
	}
	return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
}

// unreachable reports whether err says the database could not be reached or
// did not answer in time, as opposed to having answered with an error.
func unreachable(err error) bool {
	var (
		connectErr *pgconn.ConnectError
		netErr     net.Error
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded),
		pgconn.Timeout(err),
		errors.As(err, &connectErr),
		errors.As(err, &netErr),
		errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, puddle.ErrClosedPool), // the Store was closed
		errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF):
		return true
	}
	return false
}

// isUndefinedTable reports whether err says a table does not exist, as the
// version table does not before the first migration.
func isUndefinedTable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == codeUndefinedTable
}
