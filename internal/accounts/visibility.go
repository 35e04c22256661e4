package accounts

import (
	"context"
	"errors"
	"slices"

	"github.com/encord-emulator/encord-emulator/internal/accounts/attributes"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The visibility rule of the SDK plane's resources. A principal sees a
// resource of its own workspace when
//   - it created the resource, or
//   - the resource is shared with it (SharedWith), or
//   - it is a service account with the admin role (Encord: admin service
//     accounts can "view all Projects"), or
//   - it is a workspace admin and asked for organisation access
//     (includeOrgAccess=True; a member asking for it is refused with 403).
//
// Two kinds widen this: groups belong to the organisation and every
// principal of the workspace sees them all; an ontology is also visible to
// whoever sees a project that uses it, so that get_project, which fetches
// the project's ontology next, works for a project shared with someone.
//
// Resources of another workspace do not exist for the principal (404); a
// resource of its own workspace that it cannot see is a 403.

// canSee applies the visibility rule to a resource of p's workspace.
func canSee(p Principal, r store.Resource, orgAccess bool) bool {
	return r.WorkspaceID == p.WorkspaceID &&
		(seesAll(p, r.Kind, orgAccess) || r.CreatedBy == p.Owner || slices.Contains(r.SharedWith, p.Owner))
}

// seesAll reports whether p sees every resource of kind in its workspace,
// with organisation access when orgAccess. Otherwise p sees what it
// created, what is shared with it and, for ontologies, those of the
// projects it sees: the store's ResourceQuery.VisibleTo and AlsoVisible.
func seesAll(p Principal, kind store.ResourceKind, orgAccess bool) bool {
	return kind == store.KindGroup || (p.IsAdmin() && (p.Owner.Type == store.OwnerServiceAccount || orgAccess))
}

// visibleResource reads a resource of p's workspace and applies the
// visibility rule. A read by id needs no includeOrgAccess: a workspace
// admin sees and manages everything in the workspace (docs/rules.md,
// Workspace roles); the flag only widens listings, which otherwise show an admin
// what it created or was invited to, as Encord's do.
func visibleResource(ctx context.Context, tx store.Tx, p Principal, kind store.ResourceKind, id string) (store.Resource, error) {
	r, err := tx.GetResource(ctx, p.WorkspaceID, kind, id)
	if err != nil {
		return store.Resource{}, resourceNotFound(err, kind, id)
	}
	if canSee(p, r, p.IsAdmin()) {
		return r, nil
	}
	if kind == store.KindOntology {
		reach, err := reachableOntologies(ctx, tx, p)
		if err != nil {
			return store.Resource{}, err
		}
		if slices.Contains(reach, id) {
			return r, nil
		}
	}
	return store.Resource{}, notVisible(p, kind, id)
}

// reachableOntologies returns the ontologies used by the projects p
// created or was shared, for a p that does not see every project: it reads
// those projects, not the workspace's.
func reachableOntologies(ctx context.Context, tx store.Tx, p Principal) ([]string, error) {
	projects, err := everyResource(ctx, tx, p.WorkspaceID, store.KindProject, store.ResourceQuery{VisibleTo: &p.Owner})
	if err != nil {
		return nil, err
	}
	var reach []string
	for _, pr := range projects {
		if id := attributes.Of[attributes.Project](pr).OntologyID; id != "" && !slices.Contains(reach, id) {
			reach = append(reach, id)
		}
	}
	return reach, nil
}

func kindNoun(k store.ResourceKind) string {
	switch k {
	case store.KindStorageFolder:
		return "storage folder"
	case store.KindCloudIntegration:
		return "cloud integration"
	default:
		return string(k)
	}
}

func notVisible(p Principal, kind store.ResourceKind, id string) error {
	return errs.New(errs.Authorisation, "%s has no access to %s %s: it was created by someone else and is not shared with them", p.Email, kindNoun(kind), id)
}

func resourceNotFound(err error, kind store.ResourceKind, id string) error {
	if errors.Is(err, store.ErrNotFound) {
		return errs.Wrap(err, errs.NotFound, "%s %s does not exist in this workspace", kindNoun(kind), id)
	}
	return err
}
