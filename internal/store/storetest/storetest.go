// Package storetest is the conformance suite of store.Store: every backend
// runs it, and a backend is correct exactly when it passes. Each subtest
// checks one clause of the contract written in package store, against a
// fresh, empty store.
//
// A backend's test calls Run with a constructor of empty stores, and
// RunConcurrent with a constructor of store pairs sharing one database:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return memory.New() })
//	}
//
// Run the suite with -race: the concurrent tests are meant for it.
package storetest

import (
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// conformanceTest is one clause of the contract.
type conformanceTest struct {
	name string
	run  func(t *testing.T, s store.Store)
}

// Run runs the conformance suite. newStore returns a fresh, empty store; the
// suite closes it, once, when the subtest ends (or in the subtest, for those
// testing a closed store). Subtests run one after the other, never in
// parallel, so a backend may give every subtest the same database emptied in
// between.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	groups := [][]conformanceTest{
		workspaceTests(),
		memberTests(),
		serviceAccountTests(),
		identityTests(),
		keyTests(),
		resolveKeyTests(),
		tokenTests(),
		bearerTests(),
		purgeTests(),
		resourceTests(),
		invalidRowTests(),
		cascadeTests(),
		transactionTests(),
		viewTests(),
		pagingTests(),
		lifecycleTests(),
		controlTests(),
	}
	for _, group := range groups {
		for _, test := range group {
			t.Run(test.name, func(t *testing.T) {
				s := newStore(t)
				t.Cleanup(func() {
					if err := s.Close(); err != nil {
						t.Errorf("Close: %v", err)
					}
				})
				test.run(t, s)
			})
		}
	}
	// These close the store themselves.
	for _, test := range append(closingTests(), closingControlTests()...) {
		t.Run(test.name, func(t *testing.T) { test.run(t, newStore(t)) })
	}
}
