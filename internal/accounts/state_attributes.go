package accounts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/encord-emulator/encord-emulator/internal/accounts/attributes"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/textpolicy"
)

// The attributes of an imported resource (package attributes): a JSON
// object of the fields its kind holds, spelled exactly, of the right types,
// whose references name resources of the right kind in the same workspace.
// Groups and cloud integrations hold none. Absent (or null) attributes are
// what a resource created without them holds.

// attributeField checks one field's value; ptr is its JSON pointer.
type attributeField func(c *stateChecker, r store.Resource, ptr string, value json.RawMessage) error

var attributeFields = map[store.ResourceKind]map[string]attributeField{
	store.KindOntology: {"editor": checkEditor},
	store.KindDataset: {
		"backingFolderUuid": reference(store.KindStorageFolder),
		"storageLocation":   checkInteger,
	},
	store.KindProject: {
		"ontologyHash":  reference(store.KindOntology),
		"datasetHashes": references(store.KindDataset),
		"tags":          checkTags,
		"workflowType":  checkString,
	},
	store.KindStorageFolder: {
		"parent":            reference(store.KindStorageFolder),
		"clientMetadata":    checkString,
		"syncedDatasetHash": reference(store.KindDataset),
	},
	store.KindGroup:            {},
	store.KindCloudIntegration: {},
}

func (c *stateChecker) checkAttributes(i int, r store.Resource) error {
	ptr := pointer("resources", i, "attributes")
	if len(r.Attributes) == 0 || string(r.Attributes) == "null" {
		return nil
	}
	fields := attributeFields[r.Kind]
	object, err := decodeObject(r.Attributes)
	if err != nil {
		return refuse(ptr, "the attributes of a %s are a JSON object of the fields %s", r.Kind, fieldNames(fields))
	}
	for _, name := range object.names {
		check, ok := fields[name]
		if !ok {
			return refuse(ptr+"/"+name, "a %s has no attribute %q; its attributes are %s", r.Kind, name, fieldNames(fields))
		}
		value := object.values[name]
		if string(value) == "null" {
			return refuse(ptr+"/"+name, "null is not a value; leave the attribute out")
		}
		if err := check(c, r, ptr+"/"+name, value); err != nil {
			return err
		}
	}
	if r.Kind == store.KindStorageFolder {
		return c.checkFolderCycle(i, r)
	}
	return nil
}

// object is a JSON object's fields in document order.
type object struct {
	names  []string
	values map[string]json.RawMessage
}

// decodeObject decodes a JSON object; a field named twice is an error.
func decodeObject(raw json.RawMessage) (object, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return object{}, fmt.Errorf("not an object")
	}
	o := object{values: map[string]json.RawMessage{}}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return object{}, err
		}
		name := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return object{}, err
		}
		if _, twice := o.values[name]; twice {
			return object{}, fmt.Errorf("field %q twice", name)
		}
		o.names = append(o.names, name)
		o.values[name] = value
	}
	return o, nil
}

func fieldNames(fields map[string]attributeField) string {
	if len(fields) == 0 {
		return "none"
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	return fmt.Sprintf("%q", names)
}

func checkString(_ *stateChecker, _ store.Resource, ptr string, value json.RawMessage) error {
	var s string
	if json.Unmarshal(value, &s) != nil {
		return refuse(ptr, "must be a string")
	}
	return nil
}

func checkInteger(_ *stateChecker, _ store.Resource, ptr string, value json.RawMessage) error {
	var n int
	if json.Unmarshal(value, &n) != nil {
		return refuse(ptr, "must be an integer")
	}
	return nil
}

func checkTags(_ *stateChecker, _ store.Resource, ptr string, value json.RawMessage) error {
	var tags []string
	if json.Unmarshal(value, &tags) != nil {
		return refuse(ptr, "must be a list of strings")
	}
	for j, tag := range tags {
		if err := storedText(textpolicy.Name, ptr+"/"+strconv.Itoa(j), tag); err != nil {
			return err
		}
	}
	return nil
}

// checkEditor requires an ontology's editor structure: an object with the
// arrays objects and classifications.
func checkEditor(_ *stateChecker, _ store.Resource, ptr string, value json.RawMessage) error {
	editor, err := decodeObject(value)
	if err != nil {
		return refuse(ptr, "an ontology's editor is a JSON object with the arrays objects and classifications")
	}
	for _, name := range []string{"objects", "classifications"} {
		var list []json.RawMessage
		if v, ok := editor.values[name]; !ok || string(v) == "null" || json.Unmarshal(v, &list) != nil {
			return refuse(ptr+"/"+name, "must be an array")
		}
	}
	return nil
}

// reference checks an id that names a resource of kind in the same
// workspace.
func reference(kind store.ResourceKind) attributeField {
	return func(c *stateChecker, r store.Resource, ptr string, value json.RawMessage) error {
		var id string
		if json.Unmarshal(value, &id) != nil {
			return refuse(ptr, "must be the id of a %s, a string", kind)
		}
		return c.resolves(r, ptr, id, kind)
	}
}

// references checks a list of ids that each name a resource of kind in
// the same workspace.
func references(kind store.ResourceKind) attributeField {
	return func(c *stateChecker, r store.Resource, ptr string, value json.RawMessage) error {
		var ids []string
		if json.Unmarshal(value, &ids) != nil || ids == nil {
			return refuse(ptr, "must be a list of ids of %ss", kind)
		}
		for j, id := range ids {
			if err := c.resolves(r, ptr+"/"+strconv.Itoa(j), id, kind); err != nil {
				return err
			}
		}
		return nil
	}
}

func (c *stateChecker) resolves(r store.Resource, ptr, id string, kind store.ResourceKind) error {
	if err := canonicalID(ptr, id); err != nil {
		return err
	}
	target, ok := c.resources[id]
	if !ok || target.WorkspaceID != r.WorkspaceID || target.Kind != kind {
		return refuse(ptr, "%q is not a %s of workspace %q in the state", id, kind, r.WorkspaceID)
	}
	return nil
}

// checkFolderCycle refuses a storage folder whose parents lead back to a
// folder met before: folders make a tree.
func (c *stateChecker) checkFolderCycle(i int, r store.Resource) error {
	seen := map[string]bool{r.ID: true}
	for folder := r; ; {
		parent := attributes.Of[attributes.StorageFolder](folder).ParentID
		if parent == nil {
			return nil
		}
		if seen[*parent] {
			return refuse(pointer("resources", i, "attributes", "parent"), "the folder's parents lead back to %q; folders make a tree", *parent)
		}
		seen[*parent] = true
		next, ok := c.resources[*parent]
		if !ok {
			return nil // the parent's own check names it
		}
		folder = *next
	}
}
