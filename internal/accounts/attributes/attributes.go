// Package attributes is the schema of what a resource of the SDK plane
// holds beyond the fields every resource has: an ontology's editor
// structure, a project's ontology and datasets, a storage folder's place in
// the tree. Package accounts decides the values; the store keeps them as
// JSON, verbatim (store.Resource.Attributes), so this encoding is also the
// one the state export holds and the one existing databases contain.
package attributes

import (
	"encoding/json"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// Ontology is the editor structure, a JSON object that always holds the
// "objects" and "classifications" arrays.
type Ontology struct {
	Editor json.RawMessage `json:"editor,omitempty"`
}

// Dataset names the storage folder backing the dataset, if any.
type Dataset struct {
	BackingFolderID *string `json:"backingFolderUuid,omitempty"`
	StorageLocation int     `json:"storageLocation"`
}

// Project names the project's ontology, datasets and tags.
type Project struct {
	OntologyID   string   `json:"ontologyHash"`
	DatasetIDs   []string `json:"datasetHashes"`
	Tags         []string `json:"tags,omitempty"`
	WorkflowType string   `json:"workflowType,omitempty"`
}

// StorageFolder is the folder's place in the tree and what the SDK shows
// of it.
type StorageFolder struct {
	ParentID        *string `json:"parent,omitempty"`
	ClientMetadata  *string `json:"clientMetadata,omitempty"`
	SyncedDatasetID *string `json:"syncedDatasetHash,omitempty"`
}

// Kind is one of the attribute types.
type Kind interface {
	Ontology | Dataset | Project | StorageFolder
}

// EmptyEditor is the editor structure of an ontology with nothing in it.
func EmptyEditor() json.RawMessage {
	return json.RawMessage(`{"objects":[],"classifications":[]}`)
}

// Of decodes the attributes of r as T. Absent or malformed attributes
// (hand-written imported state) read as T's zero value: they never make a
// listing fail.
func Of[T Kind](r store.Resource) T {
	var v T
	if len(r.Attributes) > 0 {
		if err := json.Unmarshal(r.Attributes, &v); err != nil {
			var zero T
			return zero
		}
	}
	return v
}

// Encode returns the stored form of v.
func Encode[T Kind](v T) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("attributes: " + err.Error()) // the types above always marshal
	}
	return b
}
