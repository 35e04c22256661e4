package api

import (
	"encoding/json"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/accounts/attributes"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The answers of the emulated v1 calls: snake_case keys and the legacy
// datetimes of legacyTime, inside the v1 envelope (writeV1). Several
// parsers of the releases before 0.1.153 build dataclasses from these
// objects, so a missing or an extra key raises there: each type below has
// exactly the keys its oldest parser takes, and no key is ever added for a
// newer release (docs/sdk-protocol.md, Per-call matrix).

type v1ProjectJSON struct {
	ProjectHash  string     `json:"project_hash"`
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	CreatedAt    legacyTime `json:"created_at"`
	LastEditedAt legacyTime `json:"last_edited_at"`
	OntologyHash string     `json:"ontology_hash"`
}

type v1ProjectWithRoleJSON struct {
	UserRole int           `json:"user_role"`
	Project  v1ProjectJSON `json:"project"`
}

func viewV1ProjectWithRole(v accounts.ResourceView) v1ProjectWithRoleJSON {
	return v1ProjectWithRoleJSON{UserRole: projectRole(v), Project: v1ProjectJSON{
		ProjectHash: v.ID, Title: v.Title, Description: v.Description,
		CreatedAt: legacyTime(v.CreatedAt), LastEditedAt: legacyTime(v.UpdatedAt),
		OntologyHash: attributes.Of[attributes.Project](v.Resource).OntologyID,
	}}
}

type v1DatasetJSON struct {
	DatasetHash       string   `json:"dataset_hash"`
	Title             string   `json:"title"`
	Description       string   `json:"description"`
	DatasetType       string   `json:"dataset_type"`
	DataRows          []string `json:"data_rows"`
	BackingFolderUUID *string  `json:"backing_folder_uuid"`
}

func viewV1Dataset(v accounts.ResourceView) v1DatasetJSON {
	return v1DatasetJSON{DatasetHash: v.ID, Title: v.Title, Description: v.Description, DatasetType: legacyStorageLocationCord,
		DataRows: []string{}, BackingFolderUUID: attributes.Of[attributes.Dataset](v.Resource).BackingFolderID}
}

// v1CloudIntegrationJSON is an item of get_cloud_integrations (releases
// 0.1.84 to 0.1.145); up to 0.1.103 any other key raises TypeError.
type v1CloudIntegrationJSON struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

func viewV1CloudIntegration(v accounts.ResourceView) v1CloudIntegrationJSON {
	return v1CloudIntegrationJSON{ID: v.ID, Title: v.Title}
}

// v1DatasetInfoJSON is the dataset of a get_datasets item (releases 0.1.84
// to 0.1.152), built as a dataclass: exactly these keys. backing_folder_uuid
// is left out, as releases up to 0.1.97 refuse it there.
type v1DatasetInfoJSON struct {
	DatasetHash  string     `json:"dataset_hash"`
	UserHash     string     `json:"user_hash"`
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	Type         int        `json:"type"`
	CreatedAt    legacyTime `json:"created_at"`
	LastEditedAt legacyTime `json:"last_edited_at"`
}

// v1DatasetWithRoleJSON is an item of get_datasets: exactly these keys.
type v1DatasetWithRoleJSON struct {
	UserRole int               `json:"user_role"`
	Dataset  v1DatasetInfoJSON `json:"dataset"`
}

func viewV1DatasetWithRole(v accounts.ResourceView) v1DatasetWithRoleJSON {
	return v1DatasetWithRoleJSON{UserRole: datasetRole(v), Dataset: v1DatasetInfoJSON{
		DatasetHash: v.ID, UserHash: v.CreatedBy.ID, Title: v.Title, Description: v.Description,
		Type:      attributes.Of[attributes.Dataset](v.Resource).StorageLocation,
		CreatedAt: legacyTime(v.CreatedAt), LastEditedAt: legacyTime(v.UpdatedAt),
	}}
}

// v1CreatedDatasetJSON answers create_dataset (releases 0.1.84 to 0.1.152):
// user_hash is the creator; backing_folder_uuid is read from 0.1.98 and
// only when a backing folder was asked for.
type v1CreatedDatasetJSON struct {
	Title             string  `json:"title"`
	Type              int     `json:"type"`
	DatasetHash       string  `json:"dataset_hash"`
	UserHash          string  `json:"user_hash"`
	BackingFolderUUID *string `json:"backing_folder_uuid,omitempty"`
}

func viewV1CreatedDataset(v accounts.ResourceView) v1CreatedDatasetJSON {
	attrs := attributes.Of[attributes.Dataset](v.Resource)
	return v1CreatedDatasetJSON{Title: v.Title, Type: attrs.StorageLocation, DatasetHash: v.ID, UserHash: v.CreatedBy.ID, BackingFolderUUID: attrs.BackingFolderID}
}

// v1OntologyJSON is the v1 ontology (releases 0.1.84 to 0.1.152): the
// editor holds objects and classifications; the dates are read from 0.1.93
// (a missing one raises KeyError) and kept as strings.
type v1OntologyJSON struct {
	OntologyHash string          `json:"ontology_hash"`
	Title        string          `json:"title"`
	Description  string          `json:"description"`
	Editor       json.RawMessage `json:"editor"`
	CreatedAt    legacyTime      `json:"created_at"`
	LastEditedAt legacyTime      `json:"last_edited_at"`
}

func viewV1Ontology(v accounts.ResourceView) v1OntologyJSON {
	return v1OntologyJSON{OntologyHash: v.ID, Title: v.Title, Description: v.Description, Editor: ontologyEditor(v),
		CreatedAt: legacyTime(v.CreatedAt), LastEditedAt: legacyTime(v.UpdatedAt)}
}

// v1OntologyWithRoleJSON is an item of get_ontologies, built as a
// dataclass: exactly these keys, user_email required.
type v1OntologyWithRoleJSON struct {
	UserRole  int            `json:"user_role"`
	UserEmail string         `json:"user_email"`
	Ontology  v1OntologyJSON `json:"ontology"`
}

func viewV1OntologyWithRole(v accounts.ResourceView, email string) v1OntologyWithRoleJSON {
	return v1OntologyWithRoleJSON{UserRole: ontologyRole(v), UserEmail: email, Ontology: viewV1Ontology(v)}
}

// v1ProjectDetailJSON answers the v1 project read of get_project (releases
// 0.1.84 to 0.1.117): the legacy project with its ontology structure, its
// datasets and its label rows (none: the emulator keeps no labels).
// ontology_hash is required there, and the dates must be legacy.
type v1ProjectDetailJSON struct {
	v1ProjectJSON
	EditorOntology json.RawMessage        `json:"editor_ontology"`
	Datasets       []v1ProjectDatasetJSON `json:"datasets"`
	LabelRows      []struct{}             `json:"label_rows"`
}

// v1ProjectDatasetJSON is a dataset of a legacy project, as the SDK's
// ProjectDataset reads it.
type v1ProjectDatasetJSON struct {
	DatasetHash string `json:"dataset_hash"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

func viewV1ProjectDetail(d accounts.ProjectDetail) v1ProjectDetailJSON {
	return v1ProjectDetailJSON{v1ProjectJSON: viewV1ProjectWithRole(d.ResourceView).Project, EditorOntology: d.OntologyEditor,
		Datasets: viewAll(d.Datasets, func(ds store.Resource) v1ProjectDatasetJSON {
			return v1ProjectDatasetJSON{DatasetHash: ds.ID, Title: ds.Title, Description: ds.Description}
		}),
		LabelRows: []struct{}{}}
}
