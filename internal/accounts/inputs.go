package accounts

import (
	"strings"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/textpolicy"
)

// MaxQuota is the largest value of a quota. It is part of the documented
// API (openapi.yaml), as are the length limits of text (package
// textpolicy).
const MaxQuota = 1_000_000

// The inputs below are what the management and control planes and the seed
// file ask for. Each validates itself; methods of Service call Validate
// before touching the store. Pointer fields are optional: nil means "not
// given". Errors name the fields as the API and the seed file spell them.

// AdminInput names the first admin of a new workspace.
type AdminInput struct {
	Email string
	Name  string
}

// QuotasPatch changes some quotas of a workspace. The seed file holds one
// per workspace, read by its YAML keys.
type QuotasPatch struct {
	ServiceAccounts       *int `yaml:"serviceAccounts,omitempty"`
	KeysPerServiceAccount *int `yaml:"keysPerServiceAccount,omitempty"`
	KeysPerUser           *int `yaml:"keysPerUser,omitempty"`
	Resources             *int `yaml:"resources,omitempty"`
}

// Validate checks each given quota is within 0..MaxQuota.
func (p QuotasPatch) Validate() error {
	for _, f := range []struct {
		name string
		v    *int
	}{{"serviceAccounts", p.ServiceAccounts}, {"keysPerServiceAccount", p.KeysPerServiceAccount}, {"keysPerUser", p.KeysPerUser}, {"resources", p.Resources}} {
		if f.v != nil && (*f.v < 0 || *f.v > MaxQuota) {
			return errs.Invalid("quotas."+f.name, "quotas.%s must be between 0 and %d, got %d", f.name, MaxQuota, *f.v)
		}
	}
	return nil
}

func (p QuotasPatch) apply(q store.Quotas) store.Quotas {
	if p.ServiceAccounts != nil {
		q.ServiceAccounts = *p.ServiceAccounts
	}
	if p.KeysPerServiceAccount != nil {
		q.KeysPerServiceAccount = *p.KeysPerServiceAccount
	}
	if p.KeysPerUser != nil {
		q.KeysPerUser = *p.KeysPerUser
	}
	if p.Resources != nil {
		q.Resources = *p.Resources
	}
	return q
}

// fillQuotas replaces the zero fields of q by those of d.
func fillQuotas(q, d store.Quotas) store.Quotas {
	if q.ServiceAccounts == 0 {
		q.ServiceAccounts = d.ServiceAccounts
	}
	if q.KeysPerServiceAccount == 0 {
		q.KeysPerServiceAccount = d.KeysPerServiceAccount
	}
	if q.KeysPerUser == 0 {
		q.KeysPerUser = d.KeysPerUser
	}
	if q.Resources == 0 {
		q.Resources = d.Resources
	}
	return q
}

// CreateWorkspaceInput is the control plane's one call a test needs to start.
type CreateWorkspaceInput struct {
	Name   string
	Admin  AdminInput
	Quotas QuotasPatch
}

// Validate checks the name, the admin and the quotas.
func (in *CreateWorkspaceInput) Validate() error {
	if err := checkText(textpolicy.Name, "name", &in.Name); err != nil {
		return err
	}
	if err := checkText(textpolicy.Email, "admin.email", &in.Admin.Email); err != nil {
		return err
	}
	if err := checkText(textpolicy.Name, "admin.name", &in.Admin.Name); err != nil {
		return err
	}
	return in.Quotas.Validate()
}

// AddMemberInput adds a member to the caller's workspace.
type AddMemberInput struct {
	Email string
	Name  string
	Role  store.Role
}

// Validate checks the email, the name and the role (default member).
func (in *AddMemberInput) Validate() error {
	if err := checkText(textpolicy.Email, "email", &in.Email); err != nil {
		return err
	}
	if err := checkText(textpolicy.Name, "name", &in.Name); err != nil {
		return err
	}
	return validateRole("role", &in.Role)
}

// RoleInput changes a member's role.
type RoleInput struct {
	Role store.Role
}

// Validate requires a role.
func (in *RoleInput) Validate() error {
	if in.Role == "" {
		return errs.Invalid("role", `role is required: "admin" or "member"`)
	}
	return validateRole("role", &in.Role)
}

// CreateServiceAccountInput creates a service account.
type CreateServiceAccountInput struct {
	Name        string
	Description string
}

// Validate checks the name and the description.
func (in *CreateServiceAccountInput) Validate() error {
	if err := checkText(textpolicy.Name, "name", &in.Name); err != nil {
		return err
	}
	return checkText(textpolicy.Description, "description", &in.Description)
}

// UpdateServiceAccountInput changes a service account's role or description.
type UpdateServiceAccountInput struct {
	Role        *store.Role
	Description *string
}

// Validate requires at least one field and checks each given one.
func (in *UpdateServiceAccountInput) Validate() error {
	if in.Role == nil && in.Description == nil {
		return errs.Invalid("", `nothing to change: give "role" and/or "description"`)
	}
	if in.Role != nil {
		if *in.Role == "" {
			return errs.Invalid("role", `role must be "admin" or "member"`)
		}
		if err := validateRole("role", in.Role); err != nil {
			return err
		}
	}
	if in.Description != nil {
		return checkText(textpolicy.Description, "description", in.Description)
	}
	return nil
}

// AddKeyInput registers a key: PublicKey given uploads it, PublicKey nil
// generates a pair and returns the private key once.
type AddKeyInput struct {
	Title     string
	PublicKey *string
}

// Validate checks the title; the key itself is checked by package sshkey.
func (in *AddKeyInput) Validate() error {
	if err := checkText(textpolicy.Title, "title", &in.Title); err != nil {
		return err
	}
	if in.PublicKey != nil && strings.TrimSpace(*in.PublicKey) == "" {
		return errs.Invalid("publicKey", `publicKey is empty: paste the "ssh-ed25519 AAAA..." line of your .pub file, or leave the field out to generate a key pair`)
	}
	return nil
}

// validateRole defaults an empty role to member and rejects unknown ones.
func validateRole(field string, r *store.Role) error {
	if *r == "" {
		*r = store.RoleMember
	}
	if !r.Valid() {
		return errs.Invalid(field, `%s %q is not a workspace role: use "admin" or "member"`, field, string(*r))
	}
	return nil
}
