package accounts

import (
	"context"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/accounts/attributes"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The creates of the SDK plane: what create_dataset, create_ontology,
// create_project and create_storage_folder really create, owned by the
// principal that calls them. Each answers the new resource as its owner
// sees it.

// CreateDataset creates a dataset owned by p and, when asked, the storage
// folder that backs it (named after the dataset, synced with it; the
// view's attributes name it).
func (s *Service) CreateDataset(ctx context.Context, p Principal, in CreateDatasetInput) (ResourceView, error) {
	if err := in.Validate(); err != nil {
		return ResourceView{}, err
	}
	now := s.clock()
	ds := s.newResource(p.WorkspaceID, store.KindDataset, in.Title, in.Description, p.Owner, nil, now)
	if !in.CreateBackingFolder {
		ds.Attributes = attributes.Encode(attributes.Dataset{})
		return s.createOwned(ctx, p, nil, ds)
	}
	folder := s.newResource(p.WorkspaceID, store.KindStorageFolder, in.Title, "", p.Owner, nil, now)
	folder.Attributes = attributes.Encode(attributes.StorageFolder{SyncedDatasetID: &ds.ID})
	ds.Attributes = attributes.Encode(attributes.Dataset{BackingFolderID: &folder.ID})
	return s.createOwned(ctx, p, nil, folder, ds)
}

// CreateOntology creates an ontology owned by p.
func (s *Service) CreateOntology(ctx context.Context, p Principal, in CreateOntologyInput) (ResourceView, error) {
	if err := in.Validate(); err != nil {
		return ResourceView{}, err
	}
	o := s.newResource(p.WorkspaceID, store.KindOntology, in.Title, in.Description, p.Owner, nil, s.clock())
	o.Attributes = attributes.Encode(attributes.Ontology{Editor: in.Editor})
	return s.createOwned(ctx, p, nil, o)
}

// CreateProject creates a project owned by p over datasets p sees. Without
// an ontology id it also creates an empty ontology for the project, as
// Encord does, so that get_project can fetch it.
func (s *Service) CreateProject(ctx context.Context, p Principal, in CreateProjectInput) (ResourceView, error) {
	if err := in.Validate(); err != nil {
		return ResourceView{}, err
	}
	now := s.clock()
	project := s.newResource(p.WorkspaceID, store.KindProject, in.Title, in.Description, p.Owner, nil, now)
	attrs := attributes.Project{DatasetIDs: in.DatasetIDs, OntologyID: in.OntologyID, WorkflowType: in.WorkflowType}
	if attrs.DatasetIDs == nil {
		attrs.DatasetIDs = []string{}
	}
	seen := func(tx store.Tx) error {
		for _, id := range in.DatasetIDs {
			if _, err := visibleResource(ctx, tx, p, store.KindDataset, id); err != nil {
				return err
			}
		}
		if in.OntologyID == "" {
			return nil
		}
		_, err := visibleResource(ctx, tx, p, store.KindOntology, in.OntologyID)
		return err
	}
	if in.OntologyID != "" {
		project.Attributes = attributes.Encode(attrs)
		return s.createOwned(ctx, p, seen, project)
	}
	o := s.newResource(p.WorkspaceID, store.KindOntology, in.Title, "", p.Owner, nil, now)
	o.Attributes = attributes.Encode(attributes.Ontology{Editor: attributes.EmptyEditor()})
	attrs.OntologyID = o.ID
	project.Attributes = attributes.Encode(attrs)
	return s.createOwned(ctx, p, seen, o, project)
}

// CreateStorageFolder creates a storage folder owned by p, at the top level
// or in a parent folder p sees.
func (s *Service) CreateStorageFolder(ctx context.Context, p Principal, in CreateStorageFolderInput) (ResourceView, error) {
	if err := in.Validate(); err != nil {
		return ResourceView{}, err
	}
	folder := s.newResource(p.WorkspaceID, store.KindStorageFolder, in.Name, in.Description, p.Owner, nil, s.clock())
	folder.Attributes = attributes.Encode(attributes.StorageFolder{ParentID: in.ParentID, ClientMetadata: in.ClientMetadata})
	parentSeen := func(tx store.Tx) error {
		if in.ParentID == nil {
			return nil
		}
		_, err := visibleResource(ctx, tx, p, store.KindStorageFolder, *in.ParentID)
		return err
	}
	return s.createOwned(ctx, p, parentSeen, folder)
}

// createOwned creates rs, owned by p, in one transaction: it reserves the
// workspace's resources quota for all of them, runs check (the references
// the create needs; nil for none), creates them in order, and answers the
// last one, the resource asked for, as p sees it.
func (s *Service) createOwned(ctx context.Context, p Principal, check func(store.Tx) error, rs ...store.Resource) (ResourceView, error) {
	asked := rs[len(rs)-1]
	var out ResourceView
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		if err := reserveResources(ctx, tx, p.WorkspaceID, len(rs)); err != nil {
			return err
		}
		if check != nil {
			if err := check(tx); err != nil {
				return err
			}
		}
		for _, r := range rs {
			if err := tx.CreateResource(ctx, r); err != nil {
				return err
			}
		}
		var err error
		out, err = ownView(ctx, tx, p, asked)
		return err
	})
	if err != nil {
		return ResourceView{}, err
	}
	s.log.InfoContext(ctx, "resource created", "workspace", p.WorkspaceID, "kind", asked.Kind, "resource", asked.ID, "by", p.Email)
	return out, nil
}

// ownView is a resource p has just created, as p sees it.
func ownView(ctx context.Context, tx store.Tx, p Principal, r store.Resource) (ResourceView, error) {
	vw := newViewer(ctx, tx, p)
	vw.emails = map[store.Owner]string{p.Owner: p.Email}
	return vw.view(r)
}

func (s *Service) newResource(workspaceID string, kind store.ResourceKind, title, desc string, owner store.Owner, shared []store.Owner, now time.Time) store.Resource {
	if shared == nil {
		shared = []store.Owner{}
	}
	return store.Resource{
		ID: newID(), WorkspaceID: workspaceID, Kind: kind, Title: title, Description: desc,
		CreatedBy: owner, SharedWith: shared, CreatedAt: now, UpdatedAt: now,
	}
}
