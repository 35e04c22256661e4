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
	var (
		attrs  attributes.Dataset
		folder *store.Resource
	)
	if in.CreateBackingFolder {
		f := s.newResource(p.WorkspaceID, store.KindStorageFolder, in.Title, "", p.Owner, nil, now)
		f.Attributes = attributes.Encode(attributes.StorageFolder{SyncedDatasetID: &ds.ID})
		attrs.BackingFolderID = &f.ID
		folder = &f
	}
	ds.Attributes = attributes.Encode(attrs)
	var out ResourceView
	creates := 1
	if folder != nil {
		creates = 2
	}
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		if err := reserveResources(ctx, tx, p.WorkspaceID, creates); err != nil {
			return err
		}
		if folder != nil {
			if err := tx.CreateResource(ctx, *folder); err != nil {
				return err
			}
		}
		if err := tx.CreateResource(ctx, ds); err != nil {
			return err
		}
		var err error
		out, err = ownView(ctx, tx, p, ds)
		return err
	})
	if err != nil {
		return ResourceView{}, err
	}
	s.log.InfoContext(ctx, "dataset created", "workspace", p.WorkspaceID, "dataset", ds.ID, "by", p.Email)
	return out, nil
}

// CreateOntology creates an ontology owned by p.
func (s *Service) CreateOntology(ctx context.Context, p Principal, in CreateOntologyInput) (ResourceView, error) {
	if err := in.Validate(); err != nil {
		return ResourceView{}, err
	}
	o := s.newResource(p.WorkspaceID, store.KindOntology, in.Title, in.Description, p.Owner, nil, s.clock())
	o.Attributes = attributes.Encode(attributes.Ontology{Editor: in.Editor})
	var out ResourceView
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		if err := reserveResources(ctx, tx, p.WorkspaceID, 1); err != nil {
			return err
		}
		if err := tx.CreateResource(ctx, o); err != nil {
			return err
		}
		var err error
		out, err = ownView(ctx, tx, p, o)
		return err
	})
	if err != nil {
		return ResourceView{}, err
	}
	s.log.InfoContext(ctx, "ontology created", "workspace", p.WorkspaceID, "ontology", o.ID, "by", p.Email)
	return out, nil
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
	attrs := attributes.Project{DatasetIDs: in.DatasetIDs, WorkflowType: in.WorkflowType}
	if attrs.DatasetIDs == nil {
		attrs.DatasetIDs = []string{}
	}
	creates := 1
	if in.OntologyID == "" {
		creates = 2 // and its ontology
	}
	var out ResourceView
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		if err := reserveResources(ctx, tx, p.WorkspaceID, creates); err != nil {
			return err
		}
		for _, id := range in.DatasetIDs {
			if _, err := visibleResource(ctx, tx, p, store.KindDataset, id); err != nil {
				return err
			}
		}
		if in.OntologyID != "" {
			if _, err := visibleResource(ctx, tx, p, store.KindOntology, in.OntologyID); err != nil {
				return err
			}
			attrs.OntologyID = in.OntologyID
		} else {
			o := s.newResource(p.WorkspaceID, store.KindOntology, in.Title, "", p.Owner, nil, now)
			o.Attributes = attributes.Encode(attributes.Ontology{Editor: attributes.EmptyEditor()})
			if err := tx.CreateResource(ctx, o); err != nil {
				return err
			}
			attrs.OntologyID = o.ID
		}
		project.Attributes = attributes.Encode(attrs)
		if err := tx.CreateResource(ctx, project); err != nil {
			return err
		}
		var err error
		out, err = ownView(ctx, tx, p, project)
		return err
	})
	if err != nil {
		return ResourceView{}, err
	}
	s.log.InfoContext(ctx, "project created", "workspace", p.WorkspaceID, "project", project.ID, "by", p.Email)
	return out, nil
}

// CreateStorageFolder creates a storage folder owned by p, at the top level
// or in a parent folder p sees.
func (s *Service) CreateStorageFolder(ctx context.Context, p Principal, in CreateStorageFolderInput) (ResourceView, error) {
	if err := in.Validate(); err != nil {
		return ResourceView{}, err
	}
	folder := s.newResource(p.WorkspaceID, store.KindStorageFolder, in.Name, in.Description, p.Owner, nil, s.clock())
	folder.Attributes = attributes.Encode(attributes.StorageFolder{ParentID: in.ParentID, ClientMetadata: in.ClientMetadata})
	var out ResourceView
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		if err := reserveResources(ctx, tx, p.WorkspaceID, 1); err != nil {
			return err
		}
		if in.ParentID != nil {
			if _, err := visibleResource(ctx, tx, p, store.KindStorageFolder, *in.ParentID); err != nil {
				return err
			}
		}
		if err := tx.CreateResource(ctx, folder); err != nil {
			return err
		}
		var err error
		out, err = ownView(ctx, tx, p, folder)
		return err
	})
	if err != nil {
		return ResourceView{}, err
	}
	s.log.InfoContext(ctx, "storage folder created", "workspace", p.WorkspaceID, "folder", folder.ID, "by", p.Email)
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
