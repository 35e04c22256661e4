// Package testenv is what tests (and cmd/bench) run against: the store
// backends (the memory store, and a private, migrated Postgres schema per
// test), a Postgres database of their own, and server processes of the
// emulator on free ports, ready when their readyz says so.
//
// The test database is DATABASE_URL's, or the one the PG* variables name
// (pg_virtualenv exports them; make test uses it). Without one the Postgres
// variants skip with a message that contains SKIP-POSTGRES, unless
// EMULATOR_REQUIRE_POSTGRES is set (make test and CI set it), in which case
// they fail: a skipped Postgres suite must never pass for a run that
// promised one.
//
// Functions that take a testing.TB fail the test on error and clean up when
// it ends; the others return errors, for programs that are not tests.
package testenv

import (
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
)

// Backend is a way to get a fresh, empty store.
type Backend struct {
	Name string
	New  func(t *testing.T) store.Store
}

// Backends lists memory then Postgres.
func Backends() []Backend {
	return []Backend{
		{Name: "memory", New: func(*testing.T) store.Store { return memory.New() }},
		{Name: "postgres", New: func(t *testing.T) store.Store { return NewPostgresDB(t).Open(t) }},
	}
}

// ForEachBackend runs fn as a subtest per backend.
func ForEachBackend(t *testing.T, fn func(t *testing.T, newStore func(t *testing.T) store.Store)) {
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) { fn(t, b.New) })
	}
}
