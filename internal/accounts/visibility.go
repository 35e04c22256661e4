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
	switch {
	case r.WorkspaceID != p.WorkspaceID:
		return false
	case r.Kind == store.KindGroup:
		return true
	case r.CreatedBy == p.Owner:
		return true
	case slices.Contains(r.SharedWith, p.Owner):
		return true
	case p.IsAdmin() && p.Owner.Type == store.OwnerServiceAccount:
		return true
	default:
		return orgAccess && p.IsAdmin()
	}
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
		reach, err := reachableOntologies(ctx, tx, p, kind, false)
		if err != nil {
			return store.Resource{}, err
		}
		if reach[id] {
			return r, nil
		}
	}
	return store.Resource{}, notVisible(p, kind, id)
}

// reachableOntologies returns the ontologies used by the projects p sees,
// when kind is ontology; nil otherwise.
func reachableOntologies(ctx context.Context, tx store.Tx, p Principal, kind store.ResourceKind, orgAccess bool) (map[string]bool, error) {
	if kind != store.KindOntology {
		return nil, nil
	}
	projects, err := tx.ListResources(ctx, p.WorkspaceID, store.KindProject)
	if err != nil {
		return nil, err
	}
	reach := map[string]bool{}
	for _, pr := range projects {
		if canSee(p, pr, orgAccess) {
			if id := attributes.Of[attributes.Project](pr).OntologyID; id != "" {
				reach[id] = true
			}
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
