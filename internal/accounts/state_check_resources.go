package accounts

import (
	"strconv"

	"github.com/encord-emulator/encord-emulator/internal/textpolicy"
)

// The resources of an imported state (checkState): texts, owners and
// sharing in their workspace; their attributes are state_attributes.go's.

func (c *stateChecker) checkResources() error {
	seen := map[string]string{}
	for i := range c.st.Resources {
		r := &c.st.Resources[i]
		if err := uniqueID(pointer("resources", i, "id"), r.ID, seen); err != nil {
			return err
		}
		c.resources[r.ID] = r
	}
	for i, r := range c.st.Resources {
		if err := c.inWorkspace("resources", i, r.WorkspaceID, r.CreatedAt); err != nil {
			return err
		}
		if !r.Kind.Valid() {
			return refuse(pointer("resources", i, "kind"), "kind %q is not a resource kind: project, dataset, ontology, storage_folder, group or cloud_integration", string(r.Kind))
		}
		if err := storedText(textpolicy.Title, pointer("resources", i, "title"), r.Title); err != nil {
			return err
		}
		if err := storedText(textpolicy.Description, pointer("resources", i, "description"), r.Description); err != nil {
			return err
		}
		if _, err := c.owner(pointer("resources", i, "createdBy"), r.CreatedBy, r.WorkspaceID); err != nil {
			return err
		}
		for j, o := range r.SharedWith {
			if _, err := c.owner(pointer("resources", i, "sharedWith", strconv.Itoa(j)), o, r.WorkspaceID); err != nil {
				return err
			}
		}
		if err := c.checkAttributes(i, r); err != nil {
			return err
		}
	}
	return nil
}
