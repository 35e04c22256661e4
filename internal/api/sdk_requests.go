package api

import (
	"encoding/json"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// The bodies the SDK sends to the emulated create calls, read leniently
// (fields the emulator does not know, such as legacyCall, are ignored), and
// the accounts input each becomes. Pointers are the fields the SDK sends as
// null or leaves out.

// createDatasetRequest is the body of POST /v2/public/datasets.
type createDatasetRequest struct {
	Title               string `json:"title"`
	Description         string `json:"description"`
	CreateBackingFolder bool   `json:"createBackingFolder"`
}

func (b createDatasetRequest) input() accounts.CreateDatasetInput {
	return accounts.CreateDatasetInput{Title: b.Title, Description: b.Description, CreateBackingFolder: b.CreateBackingFolder}
}

// createOntologyRequest is the body of POST /v2/public/ontologies, and the
// payload of the v1 create_ontology (releases 0.1.84 to 0.1.152), which has
// the same keys. editor is {} up to 0.1.103, then holds objects and
// classifications, and from 0.1.115 skeleton_templates.
type createOntologyRequest struct {
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Editor      json.RawMessage `json:"editor"`
}

func (b createOntologyRequest) input() accounts.CreateOntologyInput {
	return accounts.CreateOntologyInput{Title: b.Title, Description: b.Description, Editor: b.Editor}
}

// createStorageFolderRequest is the body of POST
// /v2/public/storage/folders.
type createStorageFolderRequest struct {
	Name           string  `json:"name"`
	Description    *string `json:"description"`
	Parent         *string `json:"parent"`
	ClientMetadata *string `json:"clientMetadata"`
}

func (b createStorageFolderRequest) input() accounts.CreateStorageFolderInput {
	in := accounts.CreateStorageFolderInput{Name: b.Name, ParentID: b.Parent, ClientMetadata: b.ClientMetadata}
	if b.Description != nil {
		in.Description = *b.Description
	}
	return in
}

// v1CreateProjectPayload is the payload of the v1 create_project call.
type v1CreateProjectPayload struct {
	Title         string   `json:"title"`
	Description   string   `json:"description"`
	DatasetHashes []string `json:"dataset_hashes"`
	OntologyHash  *string  `json:"ontology_hash"`
	WorkflowType  string   `json:"workflow_type"`
}

func (b v1CreateProjectPayload) input() accounts.CreateProjectInput {
	in := accounts.CreateProjectInput{Title: b.Title, Description: b.Description, DatasetIDs: b.DatasetHashes, WorkflowType: b.WorkflowType}
	if b.OntologyHash != nil {
		in.OntologyID = *b.OntologyHash
	}
	return in
}

// v1ListingPayload is the payload of the v1 listings get_projects,
// get_datasets and get_ontologies: {"filter": {...}} with the keys of the
// SDK's ListingFilter. Other keys (get_datasets' enable_storage_api) are
// ignored.
type v1ListingPayload struct {
	Filter v1ListingFilter `json:"filter"`
}

// v1ListingFilter holds the keys of the SDK's ListingFilter, which it sends
// only when set; datetimes come as ISO 8601 (datetime.isoformat()).
// include_org_access is the emulator's: no release of the v1 listings sends
// it, and without it an admin's listing is what it created or was invited
// to, as on v2 without includeOrgAccess.
type v1ListingFilter struct {
	TitleEq          *string `json:"title_eq"`
	TitleLike        *string `json:"title_like"`
	DescEq           *string `json:"desc_eq"`
	DescLike         *string `json:"desc_like"`
	CreatedBefore    *string `json:"created_before"`
	CreatedAfter     *string `json:"created_after"`
	EditedBefore     *string `json:"edited_before"`
	EditedAfter      *string `json:"edited_after"`
	IncludeOrgAccess bool    `json:"include_org_access"`
}

// resourceFilter is the filter as package accounts applies it, the same
// for every v1 and v2 listing. A datetime that does not parse is a 400
// naming the key.
func (in v1ListingFilter) resourceFilter() (accounts.ResourceFilter, error) {
	f := accounts.ResourceFilter{IncludeOrgAccess: in.IncludeOrgAccess, TitleEq: in.TitleEq, TitleLike: in.TitleLike, DescEq: in.DescEq, DescLike: in.DescLike}
	for _, t := range []struct {
		name string
		raw  *string
		dst  **time.Time
	}{
		{"created_before", in.CreatedBefore, &f.CreatedBefore}, {"created_after", in.CreatedAfter, &f.CreatedAfter},
		{"edited_before", in.EditedBefore, &f.EditedBefore}, {"edited_after", in.EditedAfter, &f.EditedAfter},
	} {
		if t.raw == nil {
			continue
		}
		at, ok := parseSDKTime(*t.raw)
		if !ok {
			return accounts.ResourceFilter{}, errs.Invalid("values.payload.filter."+t.name, "values.payload.filter.%s %q is not a datetime (use ISO 8601, e.g. 2024-02-01T01:02:03+00:00)", t.name, *t.raw)
		}
		*t.dst = &at
	}
	return f, nil
}

// v1CreateDatasetPayload is the payload of the v1 create_dataset
// (releases 0.1.84 to 0.1.152): the title, the storage location as an
// integer (type), the description when not empty, and from 0.1.98
// create_backing_folder.
type v1CreateDatasetPayload struct {
	Title               string `json:"title"`
	Type                int    `json:"type"`
	Description         string `json:"description"`
	CreateBackingFolder bool   `json:"create_backing_folder"`
}

func (b v1CreateDatasetPayload) input() (accounts.CreateDatasetInput, error) {
	switch {
	case b.Type == storageLocationCord:
	case b.Type > storageLocationCord && b.Type <= storageLocationLastOfClouds:
		return accounts.CreateDatasetInput{}, errs.New(errs.NotImplemented, "create_dataset with a cloud storage location (type %d) is an Encord SDK call the emulator does not emulate yet; only type 0 (CORD_STORAGE) is", b.Type)
	default:
		return accounts.CreateDatasetInput{}, errs.Invalid("values.payload.type", "values.payload.type %d is not a storage location: 0 is CORD_STORAGE, the one the emulator offers", b.Type)
	}
	return accounts.CreateDatasetInput{Title: b.Title, Description: b.Description, CreateBackingFolder: b.CreateBackingFolder}, nil
}
