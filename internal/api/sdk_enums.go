package api

import "github.com/encord-emulator/encord-emulator/internal/accounts"

// The SDK's enum values, as its parsers read them (docs/sdk-protocol.md,
// enums).
const (
	ontologyRoleAdmin = 0
	ontologyRoleUser  = 1

	projectRoleAdmin     = 0
	projectRoleAnnotator = 1

	// legacyStorageLocationCord is Encord's own storage (StorageLocation
	// 0 on v2) in the legacy v1 dataset object, whose dataset_type the SDK
	// reads back by name
	// (Dataset.storage_location looks the string up in its table of names:
	// an integer there raises KeyError on first access).
	legacyStorageLocationCord = "CORD_STORAGE"
)

func ontologyRole(v accounts.ResourceView) int {
	if v.Administered {
		return ontologyRoleAdmin
	}
	return ontologyRoleUser
}

func projectRole(v accounts.ResourceView) int {
	if v.Administered {
		return projectRoleAdmin
	}
	return projectRoleAnnotator
}

// adminOrUser is DatasetUserRoleV2 and StorageUserRole.
func adminOrUser(v accounts.ResourceView) string {
	if v.Administered {
		return "admin"
	}
	return "user"
}
