package api

import (
	"encoding/json"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
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

// createOntologyRequest is the body of POST /v2/public/ontologies.
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

// v1ProjectFilter is the payload of get_projects: {"filter": {...}} with
// the keys of EncordUserClient.get_projects.
type v1ProjectFilter struct {
	Filter v1ProjectFilterKeys `json:"filter"`
}

type v1ProjectFilterKeys struct {
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
