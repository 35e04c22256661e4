package api

import "github.com/encord-emulator/encord-emulator/internal/accounts"

// The SDK's enum values, as its parsers read them (docs/sdk-protocol.md,
// JSON conventions).
const (
	ontologyRoleAdmin = 0
	ontologyRoleUser  = 1

	projectRoleAdmin     = 0
	projectRoleAnnotator = 1

	// The v1 DatasetUserRole of get_datasets (releases 0.1.84 to 0.1.152);
	// v2 says "admin" or "user" (adminOrUser).
	datasetRoleAdmin = 0
	datasetRoleUser  = 1

	// Storage locations of the v1 create_dataset's type (the SDK's
	// StorageLocation): Encord's own storage, the one the emulator offers,
	// and the cloud storages (AWS 1, GCP 2, AZURE 3, OTC or S3_COMPATIBLE
	// 4), which it does not emulate.
	storageLocationCord         = 0
	storageLocationLastOfClouds = 4

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

func datasetRole(v accounts.ResourceView) int {
	if v.Administered {
		return datasetRoleAdmin
	}
	return datasetRoleUser
}

// adminOrUser is DatasetUserRoleV2 and StorageUserRole.
func adminOrUser(v accounts.ResourceView) string {
	if v.Administered {
		return "admin"
	}
	return "user"
}
