package accounts

import (
	"context"
	"errors"

	"github.com/encord-emulator/encord-emulator/internal/accounts/attributes"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// ProjectDetail is a project with the datasets it uses, as the legacy
// project read of get_project (SDK releases up to 0.1.117) shows it.
type ProjectDetail struct {
	ResourceView
	// Datasets are the project's datasets, in the project's order; one
	// deleted since is left out. They are shown through the project:
	// whoever sees the project sees them listed, as with its ontology.
	Datasets []store.Resource
}

// GetProjectDetail returns a project p sees with its datasets: 404 when it
// does not exist in p's workspace, 403 when p cannot see it.
func (s *Service) GetProjectDetail(ctx context.Context, p Principal, id string) (ProjectDetail, error) {
	var out ProjectDetail
	err := s.store.View(ctx, func(tx store.Tx) error {
		r, err := visibleResource(ctx, tx, p, store.KindProject, id)
		if err != nil {
			return err
		}
		if out.ResourceView, err = newViewer(ctx, tx, p).view(r); err != nil {
			return err
		}
		ids := attributes.Of[attributes.Project](r).DatasetIDs
		out.Datasets = make([]store.Resource, 0, len(ids))
		for _, dsID := range ids {
			ds, err := tx.GetResource(ctx, p.WorkspaceID, store.KindDataset, dsID)
			switch {
			case err == nil:
				out.Datasets = append(out.Datasets, ds)
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
		}
		return nil
	})
	return out, err
}
