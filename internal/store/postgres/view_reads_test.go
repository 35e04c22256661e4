package postgres_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// Queries that wait while View's only pipeline slot is busy go out together
// in one pipeline; each gets its own answer, and one that fails (which
// aborts the statements after it in the pipeline's implicit transaction)
// does not take the others down: they run again, alone.
func TestViewReadsPipelineAnswersEachQueryItsOwn(t *testing.T) {
	db := testenv.NewPostgresDB(t)
	db.Options.MaxConns = 2 // one pipeline slot
	s := db.Open(t)
	reads := s.ViewReads()
	ctx := t.Context()

	// Hold the slot with a query that waits for an advisory lock.
	locker := testenv.Connect(t, db.DSN)
	if _, err := locker.Exec(ctx, "SELECT pg_advisory_lock(4242)"); err != nil {
		t.Fatal(err)
	}
	held := make(chan error, 1)
	go func() {
		var ok string
		held <- reads.QueryRow(ctx, "SELECT 'held' FROM pg_advisory_lock_shared(4242)").Scan(&ok)
	}()
	waitForReads(t, s, "the slot to be taken", func(active, _ int) bool { return active == 1 })

	queries := []struct {
		name string
		run  func() error
	}{
		{"arguments", func() error {
			var n int
			if err := reads.QueryRow(ctx, "SELECT $1::int + 1", 41).Scan(&n); err != nil || n != 42 {
				return fmt.Errorf("got %d, %v; want 42", n, err)
			}
			return nil
		}},
		{"division by zero", func() error {
			var n int
			err := reads.QueryRow(ctx, "SELECT 1 / $1::int", 0).Scan(&n)
			if pgErr := (*pgconn.PgError)(nil); !errors.As(err, &pgErr) || pgErr.Code != "22012" {
				return fmt.Errorf("got %v, want division_by_zero", err)
			}
			return nil
		}},
		{"after the failure", func() error {
			var s string
			if err := reads.QueryRow(ctx, "SELECT 'still ' || $1::text", "answered").Scan(&s); err != nil || s != "still answered" {
				return fmt.Errorf("got %q, %v", s, err)
			}
			return nil
		}},
		{"no rows", func() error {
			var n int
			if err := reads.QueryRow(ctx, "SELECT 1 WHERE false").Scan(&n); !errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("got %v, want pgx.ErrNoRows", err)
			}
			return nil
		}},
		{"NULL and empty", func() error {
			var null, empty *string
			if err := reads.QueryRow(ctx, "SELECT NULL::text, ''::text").Scan(&null, &empty); err != nil || null != nil || empty == nil || *empty != "" {
				return fmt.Errorf("got %v, %v, %v; want nil and a pointer to \"\"", null, empty, err)
			}
			return nil
		}},
		{"many rows", func() error {
			rows, err := reads.Query(ctx, "SELECT g, repeat('x', g), now() FROM generate_series(1, 300) g")
			if err != nil {
				return err
			}
			got, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (int, error) {
				var g int
				var x string
				var at time.Time
				if err := row.Scan(&g, &x, &at); err != nil {
					return 0, err
				}
				if x != strings.Repeat("x", g) || at.IsZero() {
					return 0, fmt.Errorf("row %d: %d x, %v", g, len(x), at)
				}
				return g, nil
			})
			if err != nil || len(got) != 300 || got[299] != 300 {
				return fmt.Errorf("%d rows, %v", len(got), err)
			}
			return nil
		}},
		{"values", func() error {
			rows, err := reads.Query(ctx, `SELECT 7::int, 'seven'::text, NULL::int, '{"n":7}'::jsonb`)
			if err != nil {
				return err
			}
			defer rows.Close()
			if !rows.Next() {
				return fmt.Errorf("no row: %v", rows.Err())
			}
			v, err := rows.Values()
			if err != nil || len(v) != 4 || v[0] != int32(7) || v[1] != "seven" || v[2] != nil || fmt.Sprint(v[3]) != "map[n:7]" {
				return fmt.Errorf("values %#v, %v", v, err)
			}
			return nil
		}},
	}
	errs := make([]error, len(queries))
	var wg sync.WaitGroup
	for i, q := range queries {
		wg.Go(func() { errs[i] = q.run() })
		waitForReads(t, s, "the query to wait", func(_, waiting int) bool { return waiting == i+1 })
	}
	if _, err := locker.Exec(ctx, "SELECT pg_advisory_unlock(4242)"); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if err := <-held; err != nil {
		t.Errorf("the query that held the slot: %v", err)
	}
	for i, q := range queries {
		if errs[i] != nil {
			t.Errorf("%s: %v", q.name, errs[i])
		}
	}
	waitForReads(t, s, "the slot to be given back", func(active, waiting int) bool { return active == 0 && waiting == 0 })
}

func waitForReads(t *testing.T, s interface{ ViewReadsState() (int, int) }, what string, cond func(active, waiting int) bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if cond(s.ViewReadsState()) {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}
