package accounts

import (
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/textpolicy"
)

// The workspaces, members and service accounts of an imported state
// (checkState): ids, texts, roles, one live email per identity, a live
// admin in every workspace, and the owners the other entries name.

func (c *stateChecker) checkWorkspaces() error {
	seen := map[string]string{}
	for i := range c.st.Workspaces {
		w := &c.st.Workspaces[i]
		if err := uniqueID(pointer("workspaces", i, "id"), w.ID, seen); err != nil {
			return err
		}
		if err := storedText(textpolicy.Name, pointer("workspaces", i, "name"), w.Name); err != nil {
			return err
		}
		if err := required(pointer("workspaces", i, "createdAt"), w.CreatedAt); err != nil {
			return err
		}
		for _, q := range []struct {
			name  string
			value int
		}{{"serviceAccounts", w.Quotas.ServiceAccounts}, {"keysPerServiceAccount", w.Quotas.KeysPerServiceAccount}, {"keysPerUser", w.Quotas.KeysPerUser}, {"resources", w.Quotas.Resources}} {
			if q.value < 0 || q.value > MaxQuota {
				return refuse(pointer("workspaces", i, "quotas", q.name), "a quota is between 0 and %d, not %d", MaxQuota, q.value)
			}
		}
		c.workspaces[w.ID] = w
	}
	return nil
}

func (c *stateChecker) checkMembers() error {
	seen := map[string]string{}
	for i, m := range c.st.Members {
		if err := uniqueID(pointer("members", i, "id"), m.ID, seen); err != nil {
			return err
		}
		if err := c.inWorkspace("members", i, m.WorkspaceID, m.CreatedAt); err != nil {
			return err
		}
		if err := storedText(textpolicy.Email, pointer("members", i, "email"), m.Email); err != nil {
			return err
		}
		if err := storedText(textpolicy.Name, pointer("members", i, "name"), m.Name); err != nil {
			return err
		}
		if inReservedDomain(m.Email) {
			return refuse(pointer("members", i, "email"), "%q is in the domain %s, which is reserved for the emails of service accounts", m.Email, ServiceAccountEmailDomain)
		}
		if !m.Role.Valid() {
			return refuse(pointer("members", i, "role"), `role %q is not a workspace role: "admin" or "member"`, string(m.Role))
		}
		if m.RemovedAt == nil {
			if err := c.holdEmail(pointer("members", i), m.Email); err != nil {
				return err
			}
		}
		c.principals[userOwner(m)] = principal{workspaceID: m.WorkspaceID, live: m.RemovedAt == nil, pointer: pointer("members", i)}
	}
	return nil
}

// checkAdmins requires a live admin in every workspace (the last-admin
// rule).
func (c *stateChecker) checkAdmins() error {
	admins := map[string]bool{}
	for _, m := range c.st.Members {
		if m.RemovedAt == nil && m.Role == store.RoleAdmin {
			admins[m.WorkspaceID] = true
		}
	}
	for i, w := range c.st.Workspaces {
		if !admins[w.ID] {
			return refuse(pointer("workspaces", i), "workspace %q has no live admin; every workspace keeps one (add a member of role admin to /members)", w.ID)
		}
	}
	return nil
}

func (c *stateChecker) checkServiceAccounts() error {
	seen := map[string]string{}
	for i, sa := range c.st.ServiceAccounts {
		if err := uniqueID(pointer("serviceAccounts", i, "id"), sa.ID, seen); err != nil {
			return err
		}
		if err := c.inWorkspace("serviceAccounts", i, sa.WorkspaceID, sa.CreatedAt); err != nil {
			return err
		}
		if err := storedText(textpolicy.Name, pointer("serviceAccounts", i, "name"), sa.Name); err != nil {
			return err
		}
		if err := storedText(textpolicy.Description, pointer("serviceAccounts", i, "description"), sa.Description); err != nil {
			return err
		}
		if want := ServiceAccountEmail(sa.Name, sa.WorkspaceID); sa.Email != want {
			return refuse(pointer("serviceAccounts", i, "email"), "a service account's email follows from its name and workspace: %q, not %q", want, sa.Email)
		}
		if !sa.Role.Valid() {
			return refuse(pointer("serviceAccounts", i, "role"), `role %q is not a workspace role: "admin" or "member"`, string(sa.Role))
		}
		if err := canonicalID(pointer("serviceAccounts", i, "createdBy"), sa.CreatedByMemberID); err != nil {
			return err
		}
		if creator, ok := c.principals[store.Owner{Type: store.OwnerUser, ID: sa.CreatedByMemberID}]; !ok || creator.workspaceID != sa.WorkspaceID {
			return refuse(pointer("serviceAccounts", i, "createdBy"), "member %q is not a member of workspace %q in the state", sa.CreatedByMemberID, sa.WorkspaceID)
		}
		if sa.DeletedAt == nil {
			if err := c.holdEmail(pointer("serviceAccounts", i), sa.Email); err != nil {
				return err
			}
		}
		c.principals[saOwner(sa)] = principal{workspaceID: sa.WorkspaceID, live: sa.DeletedAt == nil, pointer: pointer("serviceAccounts", i)}
	}
	return nil
}

// holdEmail gives the email to the live member or service account at ptr,
// unless an earlier one holds it: an email names one live identity.
func (c *stateChecker) holdEmail(ptr, email string) error {
	if earlier, ok := c.liveEmails[email]; ok {
		return refuse(ptr+"/email", "%q is also the email of %s; an email names one live member or service account, and a user is a live member of one workspace at most", email, earlier)
	}
	c.liveEmails[email] = ptr
	return nil
}

// owner requires o to be a member or service account of workspaceID in
// the state, and returns it.
func (c *stateChecker) owner(ptr string, o store.Owner, workspaceID string) (principal, error) {
	if o.Type != store.OwnerUser && o.Type != store.OwnerServiceAccount {
		return principal{}, refuse(ptr+"/type", `%q is not an owner type: "user" (a member) or "service_account"`, string(o.Type))
	}
	if err := canonicalID(ptr+"/id", o.ID); err != nil {
		return principal{}, err
	}
	p, ok := c.principals[o]
	if !ok || p.workspaceID != workspaceID {
		noun := "member"
		if o.Type == store.OwnerServiceAccount {
			noun = "service account"
		}
		return principal{}, refuse(ptr+"/id", "%s %q is not in the state under workspace %q", noun, o.ID, workspaceID)
	}
	return p, nil
}
