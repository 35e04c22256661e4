package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// This file holds the rules of the SDK plane's small resource model:
// who sees which project, dataset, ontology, storage folder, group and cloud
// integration, how listings are filtered and paged, and what the create
// calls of the SDK really create.
//
// Visibility. A principal sees a resource of its own workspace when
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

// Attributes of each kind, kept as JSON in store.Resource.Attributes.
// Unknown or malformed attributes (hand-written imported state) read as the
// zero value: they never make a listing fail.
type (
	// OntologyAttributes: the editor structure, a JSON object that always
	// holds the "objects" and "classifications" arrays.
	OntologyAttributes struct {
		Editor json.RawMessage `json:"editor,omitempty"`
	}
	// DatasetAttributes: the storage folder backing the dataset, if any.
	DatasetAttributes struct {
		BackingFolderID *string `json:"backingFolderUuid,omitempty"`
		StorageLocation int     `json:"storageLocation"`
	}
	// ProjectAttributes: the project's ontology, datasets and tags.
	ProjectAttributes struct {
		OntologyID   string   `json:"ontologyHash"`
		DatasetIDs   []string `json:"datasetHashes"`
		Tags         []string `json:"tags,omitempty"`
		WorkflowType string   `json:"workflowType,omitempty"`
	}
	// StorageFolderAttributes: the folder's place in the tree and what the
	// SDK shows of it.
	StorageFolderAttributes struct {
		ParentID        *string `json:"parent,omitempty"`
		ClientMetadata  *string `json:"clientMetadata,omitempty"`
		SyncedDatasetID *string `json:"syncedDatasetHash,omitempty"`
	}
)

// AttributesOf decodes the attributes of r as T, or returns T's zero value
// when they are absent or not of that shape.
func AttributesOf[T any](r store.Resource) T {
	var v T
	if len(r.Attributes) > 0 {
		if err := json.Unmarshal(r.Attributes, &v); err != nil {
			var zero T
			return zero
		}
	}
	return v
}

func encodeAttributes(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("accounts: attributes do not marshal: " + err.Error()) // the types above always do
	}
	return b
}

// ResourceFilter narrows a listing. The zero value lists everything the
// principal sees, oldest first. Nil pointers and nil slices mean "no
// filter".
type ResourceFilter struct {
	// IncludeOrgAccess asks for every resource of the workspace; only
	// workspace admins may.
	IncludeOrgAccess bool

	TitleEq   *string // exact, case-sensitive
	TitleLike *string // SQL LIKE: % any run, _ one character, \ escapes; case-insensitive
	DescEq    *string
	DescLike  *string

	CreatedBefore, CreatedAfter *time.Time // strict bounds
	EditedBefore, EditedAfter   *time.Time

	// TagsAnyOf keeps projects carrying at least one of the tags. A
	// non-nil empty list matches nothing.
	TagsAnyOf []string
	// IDs and Titles keep resources whose id (title) is in the list.
	IDs, Titles []string

	// Storage folders only.
	Search        *string // substring of the name, case-insensitive
	DatasetSynced *bool   // synced with a dataset (true) or not (false)
	Recursive     bool    // false lists top-level folders only

	Order Order
	Desc  bool
}

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

// emptyEditor is the structure of an ontology with nothing in it.
var emptyEditor = json.RawMessage(`{"objects":[],"classifications":[]}`)

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

// ListResources lists the resources of a kind that p sees, filtered and
// paged. includeOrgAccess by a non-admin is a 403.
func (s *Service) ListResources(ctx context.Context, p Principal, kind store.ResourceKind, f ResourceFilter, pr PageRequest) (Page[ResourceView], error) {
	if f.IncludeOrgAccess && !p.IsAdmin() {
		return Page[ResourceView]{}, errs.New(errs.Authorisation, "includeOrgAccess=True needs a workspace admin; %s is a member", p.Email)
	}
	order := f.Order
	if order == "" {
		order = OrderCreated
	}
	if order != OrderCreated && order != OrderName {
		return Page[ResourceView]{}, errs.Invalid("order", "order must be %q or %q, got %q", OrderName, OrderCreated, string(order))
	}
	cursorOf := func(r store.Resource) Cursor {
		if order == OrderName {
			return Cursor{Key: nameKey(r.Title), ID: r.ID}
		}
		return CreatedCursor(r.CreatedAt, r.ID)
	}
	var page Page[ResourceView]
	err := s.store.View(ctx, func(tx store.Tx) error {
		all, err := tx.ListResources(ctx, p.WorkspaceID, kind)
		if err != nil {
			return err
		}
		reach, err := reachableOntologies(ctx, tx, p, kind, f.IncludeOrgAccess)
		if err != nil {
			return err
		}
		var folders map[string]store.Resource
		if kind == store.KindStorageFolder {
			folders = make(map[string]store.Resource, len(all))
			for _, r := range all {
				folders[r.ID] = r
			}
		}
		matched := make([]store.Resource, 0, len(all))
		for _, r := range all {
			if (canSee(p, r, f.IncludeOrgAccess) || reach[r.ID]) && f.matches(r) {
				matched = append(matched, r)
			}
		}
		cut, err := paginate(matched, pr, order, f.Desc, cursorOf)
		if err != nil {
			return err
		}
		page.Next = cut.Next
		page.Items = make([]ResourceView, 0, len(cut.Items))
		owners := ownerEmails{}
		for _, r := range cut.Items {
			v, err := s.view(ctx, tx, p, r, owners, folders)
			if err != nil {
				return err
			}
			page.Items = append(page.Items, v)
		}
		return nil
	})
	return page, err
}

// GetResource returns one resource that p sees: 404 when it does not exist
// in p's workspace, 403 when it exists but p cannot see it.
func (s *Service) GetResource(ctx context.Context, p Principal, kind store.ResourceKind, id string) (ResourceView, error) {
	var out ResourceView
	err := s.store.View(ctx, func(tx store.Tx) error {
		r, err := visibleResource(ctx, tx, p, kind, id)
		if err != nil {
			return err
		}
		var folders map[string]store.Resource
		if kind == store.KindStorageFolder {
			all, err := tx.ListResources(ctx, p.WorkspaceID, kind)
			if err != nil {
				return err
			}
			folders = make(map[string]store.Resource, len(all))
			for _, f := range all {
				folders[f.ID] = f
			}
		}
		out, err = s.view(ctx, tx, p, r, ownerEmails{}, folders)
		return err
	})
	return out, err
}

// visibleResource reads a resource of p's workspace and applies the
// visibility rule. A read by id needs no includeOrgAccess: a workspace
// admin sees and manages everything in the workspace (design.md section 2);
// the flag only widens listings, which otherwise show an admin what it
// created or was invited to, as Encord's do.
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
			if id := AttributesOf[ProjectAttributes](pr).OntologyID; id != "" {
				reach[id] = true
			}
		}
	}
	return reach, nil
}

// ownerEmails caches the emails of resource creators within one call.
type ownerEmails map[store.Owner]string

func (o ownerEmails) lookup(ctx context.Context, tx store.Tx, owner store.Owner) (string, error) {
	if email, ok := o[owner]; ok {
		return email, nil
	}
	var email string
	switch owner.Type {
	case store.OwnerUser:
		m, err := tx.GetMember(ctx, owner.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
		email = m.Email
	case store.OwnerServiceAccount:
		sa, err := tx.GetServiceAccount(ctx, owner.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
		email = sa.Email
	}
	o[owner] = email
	return email, nil
}

// view completes a resource with what the SDK shows of it.
func (s *Service) view(ctx context.Context, tx store.Tx, p Principal, r store.Resource, owners ownerEmails, folders map[string]store.Resource) (ResourceView, error) {
	email, err := owners.lookup(ctx, tx, r.CreatedBy)
	if err != nil {
		return ResourceView{}, err
	}
	v := ResourceView{Resource: r, OwnerEmail: email, Administered: r.CreatedBy == p.Owner || p.IsAdmin()}
	switch r.Kind {
	case store.KindStorageFolder:
		v.PathToRoot = []store.Resource{}
		seen := map[string]bool{r.ID: true}
		for parent := AttributesOf[StorageFolderAttributes](r).ParentID; parent != nil && !seen[*parent]; {
			f, ok := folders[*parent]
			if !ok {
				break
			}
			seen[f.ID] = true
			v.PathToRoot = append(v.PathToRoot, f)
			parent = AttributesOf[StorageFolderAttributes](f).ParentID
		}
	case store.KindProject:
		v.OntologyEditor = emptyEditor
		if id := AttributesOf[ProjectAttributes](r).OntologyID; id != "" {
			o, err := tx.GetResource(ctx, r.WorkspaceID, store.KindOntology, id)
			switch {
			case err == nil:
				if ed := AttributesOf[OntologyAttributes](o).Editor; len(ed) > 0 {
					v.OntologyEditor = ed
				}
			case !errors.Is(err, store.ErrNotFound):
				return ResourceView{}, err
			}
		}
	}
	return v, nil
}

// matches applies the filter's predicates (not visibility) to r.
func (f ResourceFilter) matches(r store.Resource) bool {
	switch {
	case f.TitleEq != nil && r.Title != *f.TitleEq,
		f.TitleLike != nil && !Like(*f.TitleLike, r.Title),
		f.DescEq != nil && r.Description != *f.DescEq,
		f.DescLike != nil && !Like(*f.DescLike, r.Description),
		f.CreatedBefore != nil && !r.CreatedAt.Before(*f.CreatedBefore),
		f.CreatedAfter != nil && !r.CreatedAt.After(*f.CreatedAfter),
		f.EditedBefore != nil && !r.UpdatedAt.Before(*f.EditedBefore),
		f.EditedAfter != nil && !r.UpdatedAt.After(*f.EditedAfter),
		f.IDs != nil && !slices.Contains(f.IDs, r.ID),
		f.Titles != nil && !slices.Contains(f.Titles, r.Title),
		f.Search != nil && !strings.Contains(strings.ToLower(r.Title), strings.ToLower(*f.Search)):
		return false
	}
	if f.TagsAnyOf != nil {
		tags := AttributesOf[ProjectAttributes](r).Tags
		if !slices.ContainsFunc(f.TagsAnyOf, func(t string) bool { return slices.Contains(tags, t) }) {
			return false
		}
	}
	if r.Kind == store.KindStorageFolder {
		attrs := AttributesOf[StorageFolderAttributes](r)
		if !f.Recursive && attrs.ParentID != nil {
			return false
		}
		if f.DatasetSynced != nil && *f.DatasetSynced != (attrs.SyncedDatasetID != nil) {
			return false
		}
	}
	return true
}

// Like reports whether s matches the SQL LIKE pattern, compared
// case-insensitively (as Postgres ILIKE): % matches any run of characters,
// _ exactly one, and a backslash makes the next character literal.
func Like(pattern, s string) bool {
	p := []rune(strings.ToLower(pattern))
	t := []rune(strings.ToLower(s))
	// Greedy match with backtracking to the last %, linear in practice.
	pi, ti := 0, 0
	starP, starT := -1, 0
	for ti < len(t) {
		if pi < len(p) {
			c, literal := p[pi], false
			if c == '\\' && pi+1 < len(p) {
				c, literal = p[pi+1], true
			}
			switch {
			case c == '%' && !literal:
				starP, starT = pi, ti
				pi++
				continue
			case (c == '_' && !literal) || c == t[ti]:
				if literal {
					pi += 2
				} else {
					pi++
				}
				ti++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		starT++
		pi, ti = starP+1, starT
	}
	for pi < len(p) && p[pi] == '%' {
		pi++
	}
	return pi == len(p)
}

// --- Creates by a principal (the SDK's create calls) ---

// CreateDatasetInput is the body of POST /v2/public/datasets.
type CreateDatasetInput struct {
	Title               string `json:"title"`
	Description         string `json:"description"`
	CreateBackingFolder bool   `json:"createBackingFolder"`
	LegacyCall          bool   `json:"legacyCall"`
}

// Validate checks the title and the description.
func (in *CreateDatasetInput) Validate() error {
	if err := validateName("title", &in.Title); err != nil {
		return err
	}
	return validateDescription("description", in.Description)
}

// CreatedDataset is a new dataset and its backing folder, if one was asked
// for.
type CreatedDataset struct {
	Dataset       store.Resource
	BackingFolder *store.Resource
}

// CreateDataset creates a dataset owned by p and, when asked, the storage
// folder that backs it (named after the dataset, synced with it).
func (s *Service) CreateDataset(ctx context.Context, p Principal, in CreateDatasetInput) (CreatedDataset, error) {
	if err := in.Validate(); err != nil {
		return CreatedDataset{}, err
	}
	now := s.clock()
	ds := s.newResource(p.WorkspaceID, store.KindDataset, in.Title, in.Description, p.Owner, nil, now)
	var out CreatedDataset
	attrs := DatasetAttributes{}
	if in.CreateBackingFolder {
		folder := s.newResource(p.WorkspaceID, store.KindStorageFolder, in.Title, "", p.Owner, nil, now)
		folder.Attributes = encodeAttributes(StorageFolderAttributes{SyncedDatasetID: &ds.ID})
		attrs.BackingFolderID = &folder.ID
		out.BackingFolder = &folder
	}
	ds.Attributes = encodeAttributes(attrs)
	out.Dataset = ds
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		if out.BackingFolder != nil {
			if err := tx.CreateResource(ctx, *out.BackingFolder); err != nil {
				return err
			}
		}
		return tx.CreateResource(ctx, ds)
	})
	if err != nil {
		return CreatedDataset{}, err
	}
	s.log.InfoContext(ctx, "dataset created", "workspace", p.WorkspaceID, "dataset", ds.ID, "by", p.Email)
	return out, nil
}

// CreateOntologyInput is the body of POST /v2/public/ontologies.
type CreateOntologyInput struct {
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Editor      json.RawMessage `json:"editor"`
}

// Validate checks the title, the description and the editor structure,
// which it completes with empty "objects" and "classifications" arrays.
func (in *CreateOntologyInput) Validate() error {
	if err := validateName("title", &in.Title); err != nil {
		return err
	}
	if err := validateDescription("description", in.Description); err != nil {
		return err
	}
	editor, err := normaliseEditor(in.Editor)
	if err != nil {
		return err
	}
	in.Editor = editor
	return nil
}

// normaliseEditor requires a JSON object (or nothing) and makes sure it has
// the two arrays the SDK's OntologyStructure.from_dict reads.
func normaliseEditor(raw json.RawMessage) (json.RawMessage, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return emptyEditor, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, errs.Invalid("editor", "editor must be a JSON object with the arrays objects and classifications")
	}
	for _, name := range []string{"objects", "classifications"} {
		v, ok := fields[name]
		if !ok || string(v) == "null" {
			fields[name] = json.RawMessage("[]")
			continue
		}
		var list []json.RawMessage
		if err := json.Unmarshal(v, &list); err != nil {
			return nil, errs.Invalid("editor."+name, "editor.%s must be an array", name)
		}
	}
	return encodeAttributes(fields), nil
}

// CreateOntology creates an ontology owned by p.
func (s *Service) CreateOntology(ctx context.Context, p Principal, in CreateOntologyInput) (ResourceView, error) {
	if err := in.Validate(); err != nil {
		return ResourceView{}, err
	}
	o := s.newResource(p.WorkspaceID, store.KindOntology, in.Title, in.Description, p.Owner, nil, s.clock())
	o.Attributes = encodeAttributes(OntologyAttributes{Editor: in.Editor})
	if err := s.store.Tx(ctx, func(tx store.Tx) error { return tx.CreateResource(ctx, o) }); err != nil {
		return ResourceView{}, err
	}
	s.log.InfoContext(ctx, "ontology created", "workspace", p.WorkspaceID, "ontology", o.ID, "by", p.Email)
	return ResourceView{Resource: o, OwnerEmail: p.Email, Administered: true}, nil
}

// CreateProjectInput is the payload of the v1 create_project call.
type CreateProjectInput struct {
	Title         string   `json:"title"`
	Description   string   `json:"description"`
	DatasetHashes []string `json:"dataset_hashes"`
	OntologyHash  *string  `json:"ontology_hash"`
	WorkflowType  string   `json:"workflow_type"`
}

// Validate checks the title, the description and the form of the hashes.
func (in *CreateProjectInput) Validate() error {
	if err := validateName("title", &in.Title); err != nil {
		return err
	}
	if err := validateDescription("description", in.Description); err != nil {
		return err
	}
	for i, h := range in.DatasetHashes {
		id, err := ParseID(fmt.Sprintf("dataset_hashes[%d]", i), h)
		if err != nil {
			return err
		}
		in.DatasetHashes[i] = id
	}
	if in.OntologyHash != nil && *in.OntologyHash != "" {
		id, err := ParseID("ontology_hash", *in.OntologyHash)
		if err != nil {
			return err
		}
		in.OntologyHash = &id
	}
	return nil
}

// CreateProject creates a project owned by p over datasets p sees. Without
// an ontology_hash it also creates an empty ontology for the project, as
// Encord does, so that get_project can fetch it.
func (s *Service) CreateProject(ctx context.Context, p Principal, in CreateProjectInput) (store.Resource, error) {
	if err := in.Validate(); err != nil {
		return store.Resource{}, err
	}
	now := s.clock()
	project := s.newResource(p.WorkspaceID, store.KindProject, in.Title, in.Description, p.Owner, nil, now)
	attrs := ProjectAttributes{DatasetIDs: in.DatasetHashes, WorkflowType: in.WorkflowType}
	if attrs.DatasetIDs == nil {
		attrs.DatasetIDs = []string{}
	}
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		for _, id := range in.DatasetHashes {
			if _, err := visibleResource(ctx, tx, p, store.KindDataset, id); err != nil {
				return err
			}
		}
		if in.OntologyHash != nil && *in.OntologyHash != "" {
			if _, err := visibleResource(ctx, tx, p, store.KindOntology, *in.OntologyHash); err != nil {
				return err
			}
			attrs.OntologyID = *in.OntologyHash
		} else {
			o := s.newResource(p.WorkspaceID, store.KindOntology, in.Title, "", p.Owner, nil, now)
			o.Attributes = encodeAttributes(OntologyAttributes{Editor: emptyEditor})
			if err := tx.CreateResource(ctx, o); err != nil {
				return err
			}
			attrs.OntologyID = o.ID
		}
		project.Attributes = encodeAttributes(attrs)
		return tx.CreateResource(ctx, project)
	})
	if err != nil {
		return store.Resource{}, err
	}
	s.log.InfoContext(ctx, "project created", "workspace", p.WorkspaceID, "project", project.ID, "by", p.Email)
	return project, nil
}

// CreateStorageFolderInput is the body of POST /v2/public/storage/folders.
type CreateStorageFolderInput struct {
	Name           string  `json:"name"`
	Description    *string `json:"description"`
	Parent         *string `json:"parent"`
	ClientMetadata *string `json:"clientMetadata"`
}

// Validate checks the name, the description and the parent's form.
func (in *CreateStorageFolderInput) Validate() error {
	if err := validateName("name", &in.Name); err != nil {
		return err
	}
	if in.Description != nil {
		if err := validateDescription("description", *in.Description); err != nil {
			return err
		}
	}
	if in.Parent != nil {
		id, err := ParseID("parent", *in.Parent)
		if err != nil {
			return err
		}
		in.Parent = &id
	}
	return nil
}

// CreateStorageFolder creates a storage folder owned by p, at the top level
// or in a parent folder p sees.
func (s *Service) CreateStorageFolder(ctx context.Context, p Principal, in CreateStorageFolderInput) (ResourceView, error) {
	if err := in.Validate(); err != nil {
		return ResourceView{}, err
	}
	desc := ""
	if in.Description != nil {
		desc = *in.Description
	}
	folder := s.newResource(p.WorkspaceID, store.KindStorageFolder, in.Name, desc, p.Owner, nil, s.clock())
	folder.Attributes = encodeAttributes(StorageFolderAttributes{ParentID: in.Parent, ClientMetadata: in.ClientMetadata})
	var out ResourceView
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		if in.Parent != nil {
			if _, err := visibleResource(ctx, tx, p, store.KindStorageFolder, *in.Parent); err != nil {
				return err
			}
		}
		if err := tx.CreateResource(ctx, folder); err != nil {
			return err
		}
		all, err := tx.ListResources(ctx, p.WorkspaceID, store.KindStorageFolder)
		if err != nil {
			return err
		}
		folders := make(map[string]store.Resource, len(all))
		for _, f := range all {
			folders[f.ID] = f
		}
		out, err = s.view(ctx, tx, p, folder, ownerEmails{p.Owner: p.Email}, folders)
		return err
	})
	if err != nil {
		return ResourceView{}, err
	}
	s.log.InfoContext(ctx, "storage folder created", "workspace", p.WorkspaceID, "folder", folder.ID, "by", p.Email)
	return out, nil
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

// --- Creates through the control plane ---

// CreateResourceInput is the body of POST
// /_emulator/workspaces/{workspaceId}/resources: a way to populate what the
// SDK cannot create (groups, cloud integrations) or to give a resource an
// owner and sharing the SDK has no call for.
type CreateResourceInput struct {
	Kind        store.ResourceKind `json:"kind"`
	Title       string             `json:"title"`
	Description string             `json:"description"`
	// CreatedBy is the owner; nil makes the workspace's oldest live admin
	// the owner (every resource has one).
	CreatedBy  *store.Owner  `json:"createdBy,omitempty"`
	SharedWith []store.Owner `json:"sharedWith,omitempty"`
	// Tags of a project (tagsAnyof filters on them).
	Tags []string `json:"tags,omitempty"`
}

// Validate checks the kind, the title, the description and the form of
// the owners.
func (in *CreateResourceInput) Validate() error {
	switch in.Kind {
	case store.KindProject, store.KindDataset, store.KindOntology, store.KindStorageFolder, store.KindGroup, store.KindCloudIntegration:
	case "":
		return errs.Invalid("kind", "kind is required: project, dataset, ontology, storage_folder, group or cloud_integration")
	default:
		return errs.Invalid("kind", "kind %q is not a resource kind: use project, dataset, ontology, storage_folder, group or cloud_integration", string(in.Kind))
	}
	if err := validateName("title", &in.Title); err != nil {
		return err
	}
	if err := validateDescription("description", in.Description); err != nil {
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
		if err := validateName(fmt.Sprintf("tags[%d]", i), &t); err != nil {
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
func (s *Service) CreateResource(ctx context.Context, workspaceID string, in CreateResourceInput) (store.Resource, error) {
	if err := in.Validate(); err != nil {
		return store.Resource{}, err
	}
	now := s.clock()
	r := s.newResource(workspaceID, in.Kind, in.Title, in.Description, store.Owner{}, in.SharedWith, now)
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		if _, err := tx.GetWorkspace(ctx, workspaceID); err != nil {
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
			r.Attributes = encodeAttributes(OntologyAttributes{Editor: emptyEditor})
		case store.KindDataset:
			r.Attributes = encodeAttributes(DatasetAttributes{})
		case store.KindStorageFolder:
			r.Attributes = encodeAttributes(StorageFolderAttributes{})
		case store.KindProject:
			o := s.newResource(workspaceID, store.KindOntology, in.Title, "", owner, in.SharedWith, now)
			o.Attributes = encodeAttributes(OntologyAttributes{Editor: emptyEditor})
			if err := tx.CreateResource(ctx, o); err != nil {
				return err
			}
			r.Attributes = encodeAttributes(ProjectAttributes{OntologyID: o.ID, DatasetIDs: []string{}, Tags: in.Tags})
		}
		return tx.CreateResource(ctx, r)
	})
	if err != nil {
		return store.Resource{}, err
	}
	s.log.InfoContext(ctx, "resource created", "workspace", workspaceID, "kind", in.Kind, "resource", r.ID)
	return r, nil
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
