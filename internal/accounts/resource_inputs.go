package accounts

import (
	"encoding/json"
	"fmt"

	"github.com/encord-emulator/encord-emulator/internal/accounts/attributes"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/textpolicy"
)

// The inputs of the SDK's create calls. Each validates itself; the methods
// of Service call Validate before touching the store. Errors name the
// fields as the SDK sends them.

// CreateDatasetInput creates a dataset (create_dataset).
type CreateDatasetInput struct {
	Title               string
	Description         string
	CreateBackingFolder bool
}

// Validate checks the title and the description.
func (in *CreateDatasetInput) Validate() error {
	if err := checkText(textpolicy.Title, "title", &in.Title); err != nil {
		return err
	}
	return checkText(textpolicy.Description, "description", &in.Description)
}

// CreateOntologyInput creates an ontology (create_ontology). Editor is the
// structure as the SDK sends it: a JSON object, or nothing.
type CreateOntologyInput struct {
	Title       string
	Description string
	Editor      json.RawMessage
}

// Validate checks the title, the description and the editor structure,
// which it completes with empty "objects" and "classifications" arrays.
func (in *CreateOntologyInput) Validate() error {
	if err := checkText(textpolicy.Title, "title", &in.Title); err != nil {
		return err
	}
	if err := checkText(textpolicy.Description, "description", &in.Description); err != nil {
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
		return attributes.EmptyEditor(), nil
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
	editor, err := json.Marshal(fields)
	if err != nil {
		return nil, errs.Wrap(err, errs.InvalidArguments, "editor could not be encoded again: %s", err.Error())
	}
	return editor, nil
}

// CreateProjectInput creates a project (the v1 create_project call) over
// the datasets DatasetIDs, with the ontology OntologyID ("" for a new
// empty one).
type CreateProjectInput struct {
	Title        string
	Description  string
	DatasetIDs   []string
	OntologyID   string
	WorkflowType string
}

// Validate checks the title, the description and the form of the ids.
func (in *CreateProjectInput) Validate() error {
	if err := checkText(textpolicy.Title, "title", &in.Title); err != nil {
		return err
	}
	if err := checkText(textpolicy.Description, "description", &in.Description); err != nil {
		return err
	}
	for i, h := range in.DatasetIDs {
		id, err := ParseID(fmt.Sprintf("dataset_hashes[%d]", i), h)
		if err != nil {
			return err
		}
		in.DatasetIDs[i] = id
	}
	if in.OntologyID != "" {
		id, err := ParseID("ontology_hash", in.OntologyID)
		if err != nil {
			return err
		}
		in.OntologyID = id
	}
	return nil
}

// CreateStorageFolderInput creates a storage folder
// (create_storage_folder), at the top level when ParentID is nil.
// ClientMetadata is the JSON-encoded string the SDK sends, kept as it is.
type CreateStorageFolderInput struct {
	Name           string
	Description    string
	ParentID       *string
	ClientMetadata *string
}

// Validate checks the name, the description and the parent's form.
func (in *CreateStorageFolderInput) Validate() error {
	if err := checkText(textpolicy.Name, "name", &in.Name); err != nil {
		return err
	}
	if err := checkText(textpolicy.Description, "description", &in.Description); err != nil {
		return err
	}
	if in.ParentID != nil {
		id, err := ParseID("parent", *in.ParentID)
		if err != nil {
			return err
		}
		in.ParentID = &id
	}
	return nil
}
