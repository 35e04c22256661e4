package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// mustTx runs fn in a transaction and fails the test if it returns an error.
func mustTx(t *testing.T, s store.Store, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	ctx := t.Context()
	if err := s.Tx(ctx, func(tx store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("transaction failed: %v", err)
	}
}

// tryTx runs fn in a transaction and returns Tx's error.
func tryTx(t *testing.T, s store.Store, fn func(ctx context.Context, tx store.Tx) error) error {
	t.Helper()
	ctx := t.Context()
	return s.Tx(ctx, func(tx store.Tx) error { return fn(ctx, tx) })
}

// read runs a read in its own transaction and fails the test on error.
func read[T any](t *testing.T, s store.Store, fn func(ctx context.Context, tx store.Tx) (T, error)) T {
	t.Helper()
	v, err := tryRead(t, s, fn)
	if err != nil {
		t.Fatalf("transaction failed: %v", err)
	}
	return v
}

// tryRead is read that returns the error instead of failing the test.
func tryRead[T any](t *testing.T, s store.Store, fn func(ctx context.Context, tx store.Tx) (T, error)) (T, error) {
	t.Helper()
	var v T
	err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		v, err = fn(ctx, tx)
		return err
	})
	return v, err
}

// getWorkspace, getMember, getServiceAccount, getKey and getResource read
// one row by id, each in its own transaction, and fail the test on error.

func getWorkspace(t *testing.T, s store.Store, id string) store.Workspace {
	t.Helper()
	return read(t, s, func(ctx context.Context, tx store.Tx) (store.Workspace, error) { return tx.GetWorkspace(ctx, id) })
}

func getMember(t *testing.T, s store.Store, id string) store.Member {
	t.Helper()
	return read(t, s, func(ctx context.Context, tx store.Tx) (store.Member, error) { return tx.GetMember(ctx, id) })
}

func getServiceAccount(t *testing.T, s store.Store, id string) store.ServiceAccount {
	t.Helper()
	return read(t, s, func(ctx context.Context, tx store.Tx) (store.ServiceAccount, error) {
		return tx.GetServiceAccount(ctx, id)
	})
}

func getKey(t *testing.T, s store.Store, id string) store.Key {
	t.Helper()
	return read(t, s, func(ctx context.Context, tx store.Tx) (store.Key, error) { return tx.GetKey(ctx, id) })
}

// getResource reads r's row back.
func getResource(t *testing.T, s store.Store, r store.Resource) store.Resource {
	t.Helper()
	return read(t, s, func(ctx context.Context, tx store.Tx) (store.Resource, error) {
		return tx.GetResource(ctx, r.WorkspaceID, r.Kind, r.ID)
	})
}

// create writes each value with the matching Tx method, in one transaction.
func create(t *testing.T, s store.Store, values ...any) {
	t.Helper()
	mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, v := range values {
			if err := createOne(ctx, tx, v); err != nil {
				return err
			}
		}
		return nil
	})
}

func createOne(ctx context.Context, tx store.Tx, v any) error {
	switch v := v.(type) {
	case store.Workspace:
		return tx.CreateWorkspace(ctx, v)
	case store.Member:
		return tx.CreateMember(ctx, v)
	case store.ServiceAccount:
		return tx.CreateServiceAccount(ctx, v)
	case store.Key:
		return tx.CreateKey(ctx, v)
	case store.Token:
		return tx.CreateToken(ctx, v)
	case store.Resource:
		return tx.CreateResource(ctx, v)
	}
	panic(fmt.Sprintf("storetest: cannot create a %T", v))
}

// createWorkspaces creates n workspaces, for n contenders.
func createWorkspaces(t *testing.T, s store.Store, n int) []store.Workspace {
	t.Helper()
	workspaces := make([]store.Workspace, n)
	rows := make([]any, n)
	for i := range workspaces {
		workspaces[i] = newWorkspace()
		rows[i] = workspaces[i]
	}
	create(t, s, rows...)
	return workspaces
}

// wantErr fails the test unless errors.Is(err, target).
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want %v", what, err, target)
	}
}

// noErr fails the test now if err is not nil.
func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// equal fails the test unless got and want are equal once normalised: times
// compared as UTC instants at microsecond precision (a backend may return
// another time zone), and empty slices equal to nil ones (a backend may not
// tell them apart). Everything else, json.RawMessage bytes included, must be
// identical.
func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	g, w := normalize(reflect.ValueOf(got)), normalize(reflect.ValueOf(want))
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got  %s\n want %s", what, show(got), show(want))
	}
}

var timeType = reflect.TypeFor[time.Time]()

// normalize returns a deep copy of v with times and empty slices in
// canonical form.
func normalize(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	out := reflect.New(v.Type()).Elem()
	normalizeInto(out, v)
	return out.Interface()
}

func normalizeInto(dst, src reflect.Value) {
	if src.Type() == timeType {
		t := src.Interface().(time.Time)
		if !t.IsZero() {
			t = t.UTC().Truncate(time.Microsecond)
		}
		dst.Set(reflect.ValueOf(t))
		return
	}
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		normalizeInto(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Slice:
		if src.Len() == 0 {
			return // nil
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			normalizeInto(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Struct:
		for i := range src.NumField() {
			normalizeInto(dst.Field(i), src.Field(i))
		}
	default:
		dst.Set(src)
	}
}

// show formats v for a failure message, dereferencing time pointers.
func show(v any) string {
	return strings.ReplaceAll(fmt.Sprintf("%+v", normalize(reflect.ValueOf(v))), "+0000 UTC", "UTC")
}

// ids returns the ids of rows, in order.
func ids[T any](rows []T, id func(T) string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}

func memberIDs(ms []store.Member) []string {
	return ids(ms, func(m store.Member) string { return m.ID })
}
func keyIDs(ks []store.Key) []string { return ids(ks, func(k store.Key) string { return k.ID }) }
func tokenIDs(ts []store.Token) []string {
	return ids(ts, func(tok store.Token) string { return tok.ID })
}
func resourceIDs(rs []store.Resource) []string {
	return ids(rs, func(r store.Resource) string { return r.ID })
}

// sameIDs compares id lists in order.
func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: got ids %v, want %v", what, got, want)
	}
}

// sameIDSet compares id lists in any order.
func sameIDSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	sameIDs(t, what, slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want)))
}

// sortedByID returns rows sorted by id, for lists whose order the contract
// leaves open.
func sortedByID[T any](rows []T, id func(T) string) []T {
	return slices.SortedFunc(slices.Values(rows), func(a, b T) int { return strings.Compare(id(a), id(b)) })
}
