package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/encord-emulator/encord-emulator/internal/accounts/attributes"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/textpolicy"
)

// The control plane's create of SDK resources: a way to populate what the
// SDK cannot create (groups, cloud integrations) or to give a resource an
// owner and sharing the SDK has no call for.

// CreateResourceInput creates a resource of any kind in a workspace.
type CreateResourceInput struct {
	Kind        store.ResourceKind
	Title       string
	Description string
	// CreatedBy is the owner; nil makes the workspace's oldest live admin
	// the owner (every resource has one).
	CreatedBy  *store.Owner
	SharedWith []store.Owner
	// Tags of a project (tagsAnyof filters on them).
	Tags []string
}

// Validate checks the kind, the title, the description and the form of
// the owners.
func (in *CreateResourceInput) Validate() error {
	switch {
	case in.Kind == "":
		return errs.Invalid("kind", "kind is required: project, dataset, ontology, storage_folder, group or cloud_integration")
	case !in.Kind.Valid():
		return errs.Invalid("kind", "kind %q is not a resource kind: use project, dataset, ontology, storage_folder, group or cloud_integration", string(in.Kind))
	}
	if err := checkText(textpolicy.Title, "title", &in.Title); err != nil {
		return err
	}
	if err := checkText(textpolicy.Description, "description", &in.Description); err != nil {
		return err
	}
	if in.CreatedBy != nil {
		if err := validateOwnerForm("createdBy", in.CreatedBy); err != nil {
			return err
		}
	}
	for i := range in.SharedWith {
		if err := validateOwnerForm(fmt.Sprintf("sharedWith[%d]", i), &in.SharedWith[i]); err != nil {
			return err
		}
	}
	if len(in.Tags) > 0 && in.Kind != store.KindProject {
		return errs.Invalid("tags", "only projects have tags")
	}
	for i, t := range in.Tags {
		if err := checkText(textpolicy.Name, fmt.Sprintf("tags[%d]", i), &t); err != nil {
			return err
		}
		in.Tags[i] = t
	}
	return nil
}

func validateOwnerForm(field string, o *store.Owner) error {
	if o.Type != store.OwnerUser && o.Type != store.OwnerServiceAccount {
		return errs.Invalid(field+".type", `%s.type must be "user" or "service_account"`, field)
	}
	id, err := ParseID(field+".id", o.ID)
	if err != nil {
		return err
	}
	o.ID = id
	return nil
}

// CreateResource creates a resource in a workspace for the control plane.
// Owners must be live members or service accounts of the workspace. A
// project gets an empty ontology of its own, owned like the project.
func (s *Service) CreateResource(ctx context.Context, workspaceID string, in CreateResourceInput) (ResourceView, error) {
	if err := in.Validate(); err != nil {
		return ResourceView{}, err
	}
	now := s.clock()
	r := s.newResource(workspaceID, in.Kind, in.Title, in.Description, store.Owner{}, in.SharedWith, now)
	var out ResourceView
	creates := 1
	if in.Kind == store.KindProject {
		creates = 2 // and its ontology
	}
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		if err := reserveResources(ctx, tx, workspaceID, creates); err != nil {
			return workspaceNotFound(err, workspaceID)
		}
		if in.CreatedBy != nil {
			if err := liveOwner(ctx, tx, workspaceID, "createdBy", *in.CreatedBy); err != nil {
				return err
			}
			r.CreatedBy = *in.CreatedBy
		} else {
			admin, err := oldestAdmin(ctx, tx, workspaceID)
			if err != nil {
				return err
			}
			r.CreatedBy = admin
		}
		owner := r.CreatedBy
		for i, o := range in.SharedWith {
			if err := liveOwner(ctx, tx, workspaceID, fmt.Sprintf("sharedWith[%d]", i), o); err != nil {
				return err
			}
		}
		switch in.Kind {
		case store.KindOntology:
			r.Attributes = attributes.Encode(attributes.Ontology{Editor: attributes.EmptyEditor()})
		case store.KindDataset:
			r.Attributes = attributes.Encode(attributes.Dataset{})
		case store.KindStorageFolder:
			r.Attributes = attributes.Encode(attributes.StorageFolder{})
		case store.KindProject:
			o := s.newResource(workspaceID, store.KindOntology, in.Title, "", owner, in.SharedWith, now)
			o.Attributes = attributes.Encode(attributes.Ontology{Editor: attributes.EmptyEditor()})
			if err := tx.CreateResource(ctx, o); err != nil {
				return err
			}
			r.Attributes = attributes.Encode(attributes.Project{OntologyID: o.ID, DatasetIDs: []string{}, Tags: in.Tags})
		}
		if err := tx.CreateResource(ctx, r); err != nil {
			return err
		}
		// As its owner sees it.
		var err error
		out, err = newViewer(ctx, tx, Principal{Owner: owner, WorkspaceID: workspaceID}).view(r)
		return err
	})
	if err != nil {
		return ResourceView{}, err
	}
	s.log.InfoContext(ctx, "resource created", "workspace", workspaceID, "kind", in.Kind, "resource", r.ID)
	return out, nil
}

// oldestAdmin returns the workspace's oldest live admin member; the
// last-admin rule guarantees there is one.
func oldestAdmin(ctx context.Context, tx store.Tx, workspaceID string) (store.Owner, error) {
	members, err := tx.ListMembers(ctx, workspaceID, false)
	if err != nil {
		return store.Owner{}, err
	}
	for _, m := range members {
		if m.Role == store.RoleAdmin {
			return userOwner(m), nil
		}
	}
	return store.Owner{}, errs.Invalid("createdBy", "workspace %s has no admin to own the resource; give createdBy", workspaceID)
}

// liveOwner requires o to be a live member or service account of the
// workspace.
func liveOwner(ctx context.Context, tx store.Tx, workspaceID, field string, o store.Owner) error {
	var (
		wsID string
		gone bool
		err  error
	)
	if o.Type == store.OwnerUser {
		var m store.Member
		m, err = tx.GetMember(ctx, o.ID)
		wsID, gone = m.WorkspaceID, m.RemovedAt != nil
	} else {
		var sa store.ServiceAccount
		sa, err = tx.GetServiceAccount(ctx, o.ID)
		wsID, gone = sa.WorkspaceID, sa.DeletedAt != nil
	}
	switch {
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return err
	case err != nil || wsID != workspaceID || gone:
		noun := "member"
		if o.Type == store.OwnerServiceAccount {
			noun = "service account"
		}
		return errs.Invalid(field, "%s names %s %s, which is not a live %s of workspace %s", field, noun, o.ID, noun, workspaceID)
	}
	return nil
}
