package api

import (
	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/accounts/attributes"
)

// The answers of the emulated v1 calls: snake_case keys and the legacy
// datetimes of legacyTime, inside the v1 envelope (writeV1).

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
