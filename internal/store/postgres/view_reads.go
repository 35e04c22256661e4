package postgres

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// viewReadBatch is the most statements in one pipeline of Store.View's
// reads; at most batchSlots pipelines run at once.
const viewReadBatch = 64

// viewReads is the conn of Store.View. Its queries go through a batcher:
// one that finds a slot free runs at once on the pool, as it would without
// it; the queries that arrive while every slot is busy wait, and the next
// pipeline sends all of them on one connection in one write (pgx.Batch), and
// reads their answers back in one go. That spares each statement its own
// round trip: a write and a read on both sides of the connection, and the
// wake-ups in between. Each statement still runs on its own snapshot (read
// committed) and starts after its query was asked, so a View sees what was
// committed before it started, as the store contract says.
//
// Answers are read in full before the connection goes back to the pool
// (bufferedRows): a View's pages are bounded.
type viewReads struct {
	pool *pgxpool.Pool
	// timeout bounds a pipeline for several queries, which runs detached
	// from their contexts (each caller stops waiting when its own context
	// is done).
	timeout  time.Duration
	maxBatch int
	// typeMaps holds *pgtype.Map, which decode the buffered answers: a map
	// memoizes its plans, so one serves one reader at a time.
	typeMaps sync.Pool

	batches batcher[*viewRead]
}

func newViewReads(pool *pgxpool.Pool, timeout time.Duration, maxActive, maxBatch int) *viewReads {
	v := &viewReads{pool: pool, timeout: timeout, maxBatch: maxBatch}
	v.typeMaps.New = func() any { return pgtype.NewMap() }
	v.batches = batcher[*viewRead]{maxActive: maxActive, take: v.take, run: v.answer}
	return v
}

var _ conn = (*viewReads)(nil)

// viewRead is one query; done is closed once rows or err is set.
type viewRead struct {
	ctx  context.Context // the caller's
	sql  string
	args []any
	done chan struct{}
	rows *bufferedRows
	err  error
}

// Query runs sql in the next pipeline, or at once when a slot is free.
func (v *viewReads) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	call := &viewRead{ctx: ctx, sql: sql, args: args, done: make(chan struct{})}
	v.batches.submit(call)
	select {
	case <-call.done:
		if call.err != nil {
			return nil, call.err
		}
		return call.rows, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// QueryRow is Query for one row.
func (v *viewReads) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := v.Query(ctx, sql, args...)
	return bufferedRow{rows, err}
}

// Exec is not batched: a View does not write.
func (v *viewReads) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return v.pool.Exec(ctx, sql, args...)
}

// SendBatch is already a pipeline.
func (v *viewReads) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	return v.pool.SendBatch(ctx, b)
}

func (v *viewReads) take(waiting []*viewRead) int { return min(len(waiting), v.maxBatch) }

// answer runs one batch: a query alone on the pool under its caller's
// context; several in one pipeline. In a pipeline the statements share an
// implicit transaction, so a failing one aborts those after it: they run
// again, each alone.
func (v *viewReads) answer(batch []*viewRead) {
	if len(batch) == 1 {
		c := batch[0]
		c.rows, c.err = v.buffer(v.pool.Query(c.ctx, c.sql, c.args...))
		close(c.done)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(batch[0].ctx), v.timeout)
	defer cancel()
	for _, c := range batch[v.pipeline(ctx, batch):] {
		c.rows, c.err = v.buffer(v.pool.Query(ctx, c.sql, c.args...))
	}
	for _, c := range batch {
		close(c.done)
	}
}

// pipeline sends batch on one connection and answers its calls up to the
// first that fails; it returns the index of the first call it did not
// answer.
func (v *viewReads) pipeline(ctx context.Context, batch []*viewRead) int {
	c, err := v.pool.Acquire(ctx)
	if err != nil {
		for _, call := range batch {
			call.err = err
		}
		return len(batch)
	}
	defer c.Release()
	b := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, 0, len(batch))}
	for _, call := range batch {
		b.Queue(call.sql, call.args...)
	}
	results := c.SendBatch(ctx, b)
	defer results.Close()
	for i, call := range batch {
		call.rows, call.err = v.buffer(results.Query())
		if call.err != nil {
			return i + 1
		}
	}
	return len(batch)
}

// buffer reads rows in full, in one allocation per row.
func (v *viewReads) buffer(rows pgx.Rows, err error) (*bufferedRows, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	r := &bufferedRows{fields: append([]pgconn.FieldDescription(nil), rows.FieldDescriptions()...), typeMaps: &v.typeMaps}
	for rows.Next() {
		raw := rows.RawValues()
		size := 0
		for _, value := range raw {
			size += len(value)
		}
		row := make([][]byte, len(raw))
		buf := make([]byte, 0, size)
		for j, value := range raw {
			if value != nil { // nil is NULL; keep it apart from an empty value
				start := len(buf)
				buf = append(buf, value...)
				row[j] = buf[start:len(buf):len(buf)]
			}
		}
		r.data = append(r.data, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	r.tag = rows.CommandTag()
	return r, nil
}

// bufferedRows are the rows of an answer read in full, scanned as pgx scans
// rows off the connection.
type bufferedRows struct {
	fields   []pgconn.FieldDescription
	data     [][][]byte
	tag      pgconn.CommandTag
	typeMaps *sync.Pool

	next    int // rows consumed by Next
	typeMap *pgtype.Map
	closed  bool
	err     error
}

var _ pgx.Rows = (*bufferedRows)(nil)

func (r *bufferedRows) Close() {
	if r.typeMap != nil {
		r.typeMaps.Put(r.typeMap)
		r.typeMap = nil
	}
	r.closed = true
}

func (r *bufferedRows) Err() error                                   { return r.err }
func (r *bufferedRows) CommandTag() pgconn.CommandTag                { return r.tag }
func (r *bufferedRows) FieldDescriptions() []pgconn.FieldDescription { return r.fields }
func (r *bufferedRows) Conn() *pgx.Conn                              { return nil }

func (r *bufferedRows) Next() bool {
	if r.closed || r.err != nil || r.next >= len(r.data) {
		r.Close()
		return false
	}
	r.next++
	return true
}

// errNoCurrentRow is the error of reading a row before Next or after Close.
var errNoCurrentRow = errors.New("postgres: no current row")

func (r *bufferedRows) current() ([][]byte, error) {
	if r.closed || r.next == 0 {
		return nil, errNoCurrentRow
	}
	return r.data[r.next-1], nil
}

func (r *bufferedRows) TypeMap() *pgtype.Map {
	if r.typeMap == nil {
		r.typeMap = r.typeMaps.Get().(*pgtype.Map)
	}
	return r.typeMap
}

func (r *bufferedRows) Scan(dest ...any) error {
	row, err := r.current()
	if err == nil {
		err = pgx.ScanRow(r.TypeMap(), r.fields, row, dest...)
	}
	if err != nil {
		r.err = err
		r.Close()
	}
	return err
}

func (r *bufferedRows) RawValues() [][]byte {
	row, _ := r.current()
	return row
}

// Values decodes the current row as pgx's own rows do.
func (r *bufferedRows) Values() ([]any, error) {
	row, err := r.current()
	if err != nil {
		return nil, err
	}
	m := r.TypeMap()
	values := make([]any, len(row))
	for i, raw := range row {
		fd := &r.fields[i]
		switch dt, ok := m.TypeForOID(fd.DataTypeOID); {
		case raw == nil:
		case ok:
			if values[i], err = dt.Codec.DecodeValue(m, fd.DataTypeOID, fd.Format, raw); err != nil {
				r.err = err
				return nil, err
			}
		case fd.Format == pgx.TextFormatCode:
			values[i] = string(raw)
		default:
			values[i] = append([]byte(nil), raw...)
		}
	}
	return values, nil
}

// bufferedRow is QueryRow's answer: the first row of rows, or
// pgx.ErrNoRows.
type bufferedRow struct {
	rows pgx.Rows
	err  error
}

func (r bufferedRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	return r.rows.Scan(dest...)
}
