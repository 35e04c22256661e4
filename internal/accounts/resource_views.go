package accounts

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/encord-emulator/encord-emulator/internal/accounts/attributes"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// ResourceView is a resource as one principal sees it.
type ResourceView struct {
	store.Resource
	// OwnerEmail is the email of the creator ("" when the resource was made
	// through the control plane without one).
	OwnerEmail string
	// Administered reports whether the principal administers the resource:
	// it created it or is a workspace admin. The SDK shows it as userRole.
	Administered bool
	// PathToRoot lists a storage folder's ancestors, parent first.
	PathToRoot []store.Resource
	// OntologyEditor is a project's ontology structure (projects only).
	OntologyEditor json.RawMessage
}

// viewer completes resources into views for one principal within one
// transaction. It reads once what several views of a page share: the
// emails of owners, and the storage folders that folders' paths to the
// root walk through, each read by id when a path first needs it.
type viewer struct {
	ctx     context.Context
	tx      store.Tx
	p       Principal
	emails  map[store.Owner]string
	folders map[string]*store.Resource // by id; nil for one that does not exist
}

func newViewer(ctx context.Context, tx store.Tx, p Principal) *viewer {
	return &viewer{ctx: ctx, tx: tx, p: p}
}

// folder returns the workspace's storage folder of that id; ok is false
// when there is none.
func (v *viewer) folder(id string) (store.Resource, bool, error) {
	f, known := v.folders[id]
	if !known {
		r, err := v.tx.GetResource(v.ctx, v.p.WorkspaceID, store.KindStorageFolder, id)
		switch {
		case err == nil:
			f = &r
		case !errors.Is(err, store.ErrNotFound):
			return store.Resource{}, false, err
		}
		if v.folders == nil {
			v.folders = map[string]*store.Resource{}
		}
		v.folders[id] = f
	}
	if f == nil {
		return store.Resource{}, false, nil
	}
	return *f, true, nil
}

// email returns the email of a resource's owner; "" when the owner no
// longer exists.
func (v *viewer) email(owner store.Owner) (string, error) {
	if email, ok := v.emails[owner]; ok {
		return email, nil
	}
	var email string
	switch owner.Type {
	case store.OwnerUser:
		m, err := v.tx.GetMember(v.ctx, owner.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
		email = m.Email
	case store.OwnerServiceAccount:
		sa, err := v.tx.GetServiceAccount(v.ctx, owner.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
		email = sa.Email
	}
	if v.emails == nil {
		v.emails = map[store.Owner]string{}
	}
	v.emails[owner] = email
	return email, nil
}

// view completes r with what the SDK shows of it.
func (v *viewer) view(r store.Resource) (ResourceView, error) {
	email, err := v.email(r.CreatedBy)
	if err != nil {
		return ResourceView{}, err
	}
	out := ResourceView{Resource: r, OwnerEmail: email, Administered: r.CreatedBy == v.p.Owner || v.p.IsAdmin()}
	switch r.Kind {
	case store.KindStorageFolder:
		out.PathToRoot = []store.Resource{}
		seen := map[string]bool{r.ID: true}
		for parent := attributes.Of[attributes.StorageFolder](r).ParentID; parent != nil && !seen[*parent]; {
			f, ok, err := v.folder(*parent)
			if err != nil {
				return ResourceView{}, err
			}
			if !ok {
				break
			}
			seen[f.ID] = true
			out.PathToRoot = append(out.PathToRoot, f)
			parent = attributes.Of[attributes.StorageFolder](f).ParentID
		}
	case store.KindProject:
		out.OntologyEditor = attributes.EmptyEditor()
		if id := attributes.Of[attributes.Project](r).OntologyID; id != "" {
			o, err := v.tx.GetResource(v.ctx, r.WorkspaceID, store.KindOntology, id)
			switch {
			case err == nil:
				if ed := attributes.Of[attributes.Ontology](o).Editor; len(ed) > 0 {
					out.OntologyEditor = ed
				}
			case !errors.Is(err, store.ErrNotFound):
				return ResourceView{}, err
			}
		}
	}
	return out, nil
}
