package api

import (
	"encoding/json"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/accounts/attributes"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The answers of the emulated v2 endpoints, in exactly the shapes the
// pydantic models of SDK 0.1.190 accept: camelCase keys, the keys typed
// Optional[X] without a default always present (null when unset), times
// as sdkTime.

// sdkPage is the SDK's Page[T].
type sdkPage[T any] struct {
	Results       []T     `json:"results"`
	NextPageToken *string `json:"nextPageToken"`
}

// sdkResult is the {"result": [...]} answer of the unpaged listings.
type sdkResult[T any] struct {
	Result []T `json:"result"`
}

// pageOf is the view of a page of resources as a Page[T], each item as view.
func pageOf[T any](view func(accounts.ResourceView) T) func(accounts.Page[accounts.ResourceView]) sdkPage[T] {
	return func(pg accounts.Page[accounts.ResourceView]) sdkPage[T] {
		return sdkPage[T]{Results: viewAll(pg.Items, view), NextPageToken: nextPageToken(pg)}
	}
}

// resultOf is the view of an unpaged listing, each item as view.
func resultOf[T any](view func(accounts.ResourceView) T) func(accounts.Page[accounts.ResourceView]) sdkResult[T] {
	return func(pg accounts.Page[accounts.ResourceView]) sdkResult[T] {
		return sdkResult[T]{Result: viewAll(pg.Items, view)}
	}
}

type cloudIntegrationJSON struct {
	IntegrationUUID string `json:"integrationUuid"`
	Title           string `json:"title"`
}

func viewCloudIntegration(v accounts.ResourceView) cloudIntegrationJSON {
	return cloudIntegrationJSON{IntegrationUUID: v.ID, Title: v.Title}
}

type groupJSON struct {
	GroupHash   string  `json:"groupHash"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	CreatedAt   sdkTime `json:"createdAt"`
}

func viewGroup(v accounts.ResourceView) groupJSON {
	return groupJSON{GroupHash: v.ID, Name: v.Title, Description: v.Description, CreatedAt: sdkTime(v.CreatedAt)}
}

type ontologyJSON struct {
	OntologyUUID string          `json:"ontologyUuid"`
	Title        string          `json:"title"`
	Description  string          `json:"description"`
	Editor       json.RawMessage `json:"editor"`
	CreatedAt    sdkTime         `json:"createdAt"`
	LastEditedAt sdkTime         `json:"lastEditedAt"`
	UserRole     *int            `json:"userRole"`
}

// ontologyEditor is an ontology's structure, on v1 and v2 alike.
func ontologyEditor(v accounts.ResourceView) json.RawMessage {
	if editor := attributes.Of[attributes.Ontology](v.Resource).Editor; len(editor) > 0 {
		return editor
	}
	return attributes.EmptyEditor()
}

func viewOntology(v accounts.ResourceView) ontologyJSON {
	role := ontologyRole(v)
	return ontologyJSON{OntologyUUID: v.ID, Title: v.Title, Description: v.Description, Editor: ontologyEditor(v),
		CreatedAt: sdkTime(v.CreatedAt), LastEditedAt: sdkTime(v.UpdatedAt), UserRole: &role}
}

type datasetJSON struct {
	DatasetUUID       string  `json:"datasetUuid"`
	Title             string  `json:"title"`
	Description       string  `json:"description"`
	CreatedAt         sdkTime `json:"createdAt"`
	LastEditedAt      sdkTime `json:"lastEditedAt"`
	UserRole          string  `json:"userRole"`
	StorageLocation   int     `json:"storageLocation"`
	BackingFolderUUID *string `json:"backingFolderUuid"`
}

func viewDataset(v accounts.ResourceView) datasetJSON {
	attrs := attributes.Of[attributes.Dataset](v.Resource)
	return datasetJSON{DatasetUUID: v.ID, Title: v.Title, Description: v.Description,
		CreatedAt: sdkTime(v.CreatedAt), LastEditedAt: sdkTime(v.UpdatedAt), UserRole: adminOrUser(v),
		StorageLocation: attrs.StorageLocation, BackingFolderUUID: attrs.BackingFolderID}
}

type createdDatasetJSON struct {
	DatasetUUID       string  `json:"datasetUuid"`
	BackingFolderUUID *string `json:"backingFolderUuid"`
}

func viewCreatedDataset(v accounts.ResourceView) createdDatasetJSON {
	return createdDatasetJSON{DatasetUUID: v.ID, BackingFolderUUID: attributes.Of[attributes.Dataset](v.Resource).BackingFolderID}
}

type projectJSON struct {
	ProjectHash    string          `json:"projectHash"`
	ProjectType    string          `json:"projectType"`
	Status         string          `json:"status"`
	Title          string          `json:"title"`
	Description    string          `json:"description"`
	CreatedAt      sdkTime         `json:"createdAt"`
	LastEditedAt   sdkTime         `json:"lastEditedAt"`
	OntologyHash   string          `json:"ontologyHash"`
	EditorOntology json.RawMessage `json:"editorOntology"`
	UserRole       int             `json:"userRole"`
}

func viewProject(v accounts.ResourceView) projectJSON {
	editor := v.OntologyEditor
	if len(editor) == 0 {
		editor = json.RawMessage(`{}`)
	}
	return projectJSON{ProjectHash: v.ID, ProjectType: "workflow", Status: "inProgress", Title: v.Title, Description: v.Description,
		CreatedAt: sdkTime(v.CreatedAt), LastEditedAt: sdkTime(v.UpdatedAt),
		OntologyHash: attributes.Of[attributes.Project](v.Resource).OntologyID, EditorOntology: editor, UserRole: projectRole(v)}
}

type pathElementJSON struct {
	UUID              string  `json:"uuid"`
	ParentUUID        *string `json:"parentUuid"`
	Name              string  `json:"name"`
	SyncedDatasetHash *string `json:"syncedDatasetHash"`
}

type storageFolderJSON struct {
	UUID              string            `json:"uuid"`
	Parent            *string           `json:"parent"`
	Name              string            `json:"name"`
	Description       string            `json:"description"`
	ClientMetadata    *string           `json:"clientMetadata"`
	Owner             string            `json:"owner"`
	CreatedAt         sdkTime           `json:"createdAt"`
	LastEditedAt      sdkTime           `json:"lastEditedAt"`
	UserRole          string            `json:"userRole"`
	SyncedDatasetHash *string           `json:"syncedDatasetHash"`
	PathToRoot        []pathElementJSON `json:"pathToRoot"`
}

func viewStorageFolder(v accounts.ResourceView) storageFolderJSON {
	attrs := attributes.Of[attributes.StorageFolder](v.Resource)
	path := viewAll(v.PathToRoot, func(f store.Resource) pathElementJSON {
		fa := attributes.Of[attributes.StorageFolder](f)
		return pathElementJSON{UUID: f.ID, ParentUUID: fa.ParentID, Name: f.Title, SyncedDatasetHash: fa.SyncedDatasetID}
	})
	return storageFolderJSON{UUID: v.ID, Parent: attrs.ParentID, Name: v.Title, Description: v.Description,
		ClientMetadata: attrs.ClientMetadata, Owner: v.OwnerEmail, CreatedAt: sdkTime(v.CreatedAt), LastEditedAt: sdkTime(v.UpdatedAt),
		UserRole: adminOrUser(v), SyncedDatasetHash: attrs.SyncedDatasetID, PathToRoot: path}
}

type bearerTokenResponse struct {
	Token string `json:"token"`
}
