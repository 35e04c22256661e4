package store

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// delegateTx records that a call reached the wrapped Tx.
type delegateTx struct{ Tx }

// TestReadOnlyRefusesEveryWrite calls every Tx method on ReadOnly(inner):
// reads (Get*, List*, Page*, Count*) must reach inner; every other method must
// answer ErrReadOnly without reaching it. A write method added to Tx but
// not to readOnlyTx would be promoted to inner and fail this test.
func TestReadOnlyRefusesEveryWrite(t *testing.T) {
	ro := reflect.ValueOf(ReadOnly(delegateTx{}))
	txType := reflect.TypeFor[Tx]()
	for i := range txType.NumMethod() {
		m := txType.Method(i)
		isRead := strings.HasPrefix(m.Name, "Get") || strings.HasPrefix(m.Name, "List") || strings.HasPrefix(m.Name, "Page") || strings.HasPrefix(m.Name, "Count")
		args := make([]reflect.Value, m.Type.NumIn())
		for j := range args {
			args[j] = reflect.Zero(m.Type.In(j))
		}
		reached := func() (reached bool) {
			defer func() {
				// delegateTx's embedded nil Tx panics when a call reaches it.
				reached = recover() != nil
			}()
			out := ro.MethodByName(m.Name).Call(args)
			err, _ := out[len(out)-1].Interface().(error)
			if !errors.Is(err, ErrReadOnly) {
				t.Errorf("%s returned %v, want ErrReadOnly", m.Name, err)
			}
			return false
		}()
		if reached != isRead {
			t.Errorf("%s: reached the wrapped Tx = %t, want %t", m.Name, reached, isRead)
		}
	}
}
