package accounts_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/accounts/attributes"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// TestResourcePagingIsPositional checks that a page token names a position,
// not an offset: deleting an item already returned does not make the next
// page skip one.
func TestResourcePagingIsPositional(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) { testResourcePagingIsPositional(t, e) })
}

func testResourcePagingIsPositional(t *testing.T, e *env) {
	ctx, st, svc := e.ctx, e.st, e.svc
	ws := e.workspace(t, accounts.QuotasPatch{})
	p := accounts.Principal{Owner: store.Owner{Type: store.OwnerUser, ID: ws.Admin.ID}, WorkspaceID: ws.ID, Role: store.RoleAdmin, Email: ws.Admin.Email}
	var ids []string
	for i := range 5 {
		ds, err := svc.CreateDataset(ctx, p, accounts.CreateDatasetInput{Title: fmt.Sprintf("d%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ds.ID)
	}
	first, err := svc.ListResources(ctx, p, store.KindDataset, accounts.ResourceFilter{Order: accounts.OrderName}, accounts.PageRequest{Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Items) != 2 || first.Items[0].Title != "d0" || first.Next == nil {
		t.Fatalf("first page = %+v", first)
	}
	if err := st.Tx(ctx, func(tx store.Tx) error { return tx.DeleteResource(ctx, p.WorkspaceID, store.KindDataset, ids[0]) }); err != nil {
		t.Fatal(err)
	}
	second, err := svc.ListResources(ctx, p, store.KindDataset, accounts.ResourceFilter{Order: accounts.OrderName}, accounts.PageRequest{Size: 2, After: first.Next})
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Items) != 2 || second.Items[0].Title != "d2" || second.Items[1].Title != "d3" {
		t.Fatalf("second page = %+v, want d2, d3", second.Items)
	}

	// A cursor of the listing by name does not resume the listing by
	// creation time.
	_, err = svc.ListResources(ctx, p, store.KindDataset, accounts.ResourceFilter{}, accounts.PageRequest{Size: 2, After: first.Next})
	var coded *errs.Error
	if !errors.As(err, &coded) || coded.Code != errs.InvalidArguments || coded.Details["field"] != "pageToken" {
		t.Fatalf("cursor of another order: %v, want INVALID_ARGUMENTS_ERROR on pageToken", err)
	}
}

// TestCreateOntologyEditor checks the editor structure the SDK parses is
// always complete, and refused when it cannot be.
func TestCreateOntologyEditor(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) { testCreateOntologyEditor(t, e) })
}

func testCreateOntologyEditor(t *testing.T, e *env) {
	ctx, svc := e.ctx, e.svc
	ws := e.workspace(t, accounts.QuotasPatch{})
	p := accounts.Principal{Owner: store.Owner{Type: store.OwnerUser, ID: ws.Admin.ID}, WorkspaceID: ws.ID, Role: store.RoleMember}
	for _, tc := range []struct{ editor, want string }{
		{``, `{"objects":[],"classifications":[]}`},
		{`null`, `{"objects":[],"classifications":[]}`},
		{`{}`, `{"classifications":[],"objects":[]}`},
		{`{"objects": [{"id": "1"}], "classifications": null, "extra": 1}`, `{"classifications":[],"extra":1,"objects":[{"id":"1"}]}`},
	} {
		v, err := svc.CreateOntology(ctx, p, accounts.CreateOntologyInput{Title: "o", Editor: []byte(tc.editor)})
		if err != nil {
			t.Fatalf("editor %s: %v", tc.editor, err)
		}
		if got := string(attributes.Of[attributes.Ontology](v.Resource).Editor); got != tc.want {
			t.Errorf("editor %s stored as %s, want %s", tc.editor, got, tc.want)
		}
	}
	for _, bad := range []string{`[]`, `{"objects": {}}`, `"x"`} {
		_, err := svc.CreateOntology(ctx, p, accounts.CreateOntologyInput{Title: "o", Editor: []byte(bad)})
		var coded *errs.Error
		if !errors.As(err, &coded) || coded.Code != errs.InvalidArguments {
			t.Errorf("editor %s: got %v, want INVALID_ARGUMENTS_ERROR", bad, err)
		}
	}
}
