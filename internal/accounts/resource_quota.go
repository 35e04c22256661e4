package accounts

import (
	"context"
	"fmt"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// reserveResources locks the workspace, so that concurrent creates (in this
// process or another replica) count one after the other, and refuses with
// 409 QUOTA_EXCEEDED_ERROR a create of n resources that the workspace's
// resources quota cannot hold.
// docs/rules.md, Resource quota.
func reserveResources(ctx context.Context, tx store.Tx, workspaceID string, n int) error {
	ws, err := tx.LockWorkspace(ctx, workspaceID)
	if err != nil {
		return err
	}
	count, err := tx.CountResources(ctx, ws.ID)
	if err != nil {
		return err
	}
	limit := ws.Quotas.Resources
	if count+n <= limit {
		return nil
	}
	creates := ""
	if n > 1 {
		creates = fmt.Sprintf(", and this call creates %d", n)
	}
	return errs.New(errs.QuotaExceeded,
		"workspace %q already has %d of %d resources (projects, datasets, ontologies, storage folders, groups and cloud integrations together)%s; raise the workspace's resources quota",
		ws.Name, count, limit, creates).
		WithDetail("limit", limit).WithDetail("count", count).WithRemedy(errs.Remedy{Action: errs.RaiseQuota, WorkspaceID: ws.ID})
}
