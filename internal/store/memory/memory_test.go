package memory_test

import (
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return memory.New() })
}

func TestConcurrentConformance(t *testing.T) {
	storetest.RunConcurrent(t, func(t *testing.T) (store.Store, store.Store) {
		s := memory.New()
		return s, s
	})
}
