package accounts_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// TestStateImportRefusesAResourceWithoutAnOwner: every resource has an
// owner of its workspace (docs/rules.md, State import). The memory store
// used to keep one without, where Postgres refused it with a server error;
// the rule now refuses it first, naming the field, on both stores, and the
// stores refuse it alike underneath (storetest Resource/RefusedWithoutOwner).
func TestStateImportRefusesAResourceWithoutAnOwner(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ws := e.workspace(t, accounts.QuotasPatch{})
		must(e.svc.CreateResource(e.ctx, ws.ID, accounts.CreateResourceInput{Kind: store.KindGroup, Title: "g"}))(t)
		st := must(e.svc.ExportState(e.ctx))(t)
		i := len(st.Resources) - 1
		for name, owner := range map[string]store.Owner{
			"no owner":           {},
			"an owner type only": {Type: store.OwnerUser},
			"a missing member":   {Type: store.OwnerUser, ID: "00000000-0000-4000-8000-000000000000"},
		} {
			broken := must(e.svc.ExportState(e.ctx))(t)
			broken.Resources[i].CreatedBy = owner
			err := e.svc.ImportState(e.ctx, broken)
			var coded *errs.Error
			if !errors.As(err, &coded) || coded.Code != errs.InvalidArguments || coded.Details["field"] == nil {
				t.Errorf("%s: %v, want INVALID_ARGUMENTS_ERROR naming the field", name, err)
				continue
			}
			ptr := "/resources/" + strconv.Itoa(i) + "/createdBy/"
			if field := coded.Details["field"].(string); field != ptr+"type" && field != ptr+"id" {
				t.Errorf("%s: refused naming %s, want /resources/%d/createdBy", name, field, i)
			}
		}
		if after := must(e.svc.ExportState(e.ctx))(t); !sameState(st, after) {
			t.Errorf("a refused import changed the state")
		}
	})
}
