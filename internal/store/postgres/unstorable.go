package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// Text Postgres cannot hold (NUL, bytes that are not UTF-8) is refused by
// the server with SQLSTATE 22021 wherever it appears, in a WHERE clause
// too, and the error aborts the transaction. The store's contract is that
// a lookup by such text finds nothing, as in the memory store, and creates
// refuse it with ErrInvalid (the Check methods, before any statement). So a
// statement one of whose arguments is such text is not sent: it matches no
// row. A statement that answers a row whatever matches (a count) is guarded
// by its method instead.

// storableOnly is a conn that does not send statements with unstorable text
// arguments.
type storableOnly struct{ conn }

func unstorable(args []any) bool {
	for _, a := range args {
		if s, ok := a.(string); ok && !store.Storable(s) {
			return true
		}
	}
	return false
}

func (c storableOnly) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if unstorable(args) {
		return pgconn.CommandTag{}, nil
	}
	return c.conn.Exec(ctx, sql, args...)
}

func (c storableOnly) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if unstorable(args) {
		return noRows{}, nil
	}
	return c.conn.Query(ctx, sql, args...)
}

func (c storableOnly) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if unstorable(args) {
		return noRow{}
	}
	return c.conn.QueryRow(ctx, sql, args...)
}

// noRow is the answer of a lookup that matches no row.
type noRow struct{}

func (noRow) Scan(...any) error { return pgx.ErrNoRows }

// noRows is the answer of a query that matches no row.
type noRows struct{}

func (noRows) Close()                                       {}
func (noRows) Err() error                                   { return nil }
func (noRows) CommandTag() pgconn.CommandTag                { return pgconn.CommandTag{} }
func (noRows) FieldDescriptions() []pgconn.FieldDescription { return nil }
func (noRows) Next() bool                                   { return false }
func (noRows) Scan(...any) error                            { return pgx.ErrNoRows }
func (noRows) Values() ([]any, error)                       { return nil, pgx.ErrNoRows }
func (noRows) RawValues() [][]byte                          { return nil }
func (noRows) Conn() *pgx.Conn                              { return nil }
func (noRows) TypeMap() *pgtype.Map                         { return nil }
