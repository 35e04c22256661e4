package api

import (
	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The request bodies of the management and control planes, read strictly
// (openapi.yaml names every field), and the accounts input each becomes.
// Pointers are optional fields: nil when left out.

type loginRequest struct {
	Email string `json:"email"`
}

type addKeyRequest struct {
	Title     string  `json:"title"`
	PublicKey *string `json:"publicKey,omitempty"`
}

func (b addKeyRequest) input() accounts.AddKeyInput {
	return accounts.AddKeyInput{Title: b.Title, PublicKey: b.PublicKey}
}

type addMemberRequest struct {
	Email string     `json:"email"`
	Name  string     `json:"name"`
	Role  store.Role `json:"role"`
}

func (b addMemberRequest) input() accounts.AddMemberInput {
	return accounts.AddMemberInput{Email: b.Email, Name: b.Name, Role: b.Role}
}

type roleRequest struct {
	Role store.Role `json:"role"`
}

func (b roleRequest) input() accounts.RoleInput { return accounts.RoleInput{Role: b.Role} }

type createServiceAccountRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

func (b createServiceAccountRequest) input() accounts.CreateServiceAccountInput {
	return accounts.CreateServiceAccountInput{Name: b.Name, Description: b.Description}
}

type updateServiceAccountRequest struct {
	Role        *store.Role `json:"role,omitempty"`
	Description *string     `json:"description,omitempty"`
}

func (b updateServiceAccountRequest) input() accounts.UpdateServiceAccountInput {
	return accounts.UpdateServiceAccountInput{Role: b.Role, Description: b.Description}
}

type workspaceAdminRequest struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

type quotasPatchRequest struct {
	ServiceAccounts       *int `json:"serviceAccounts,omitempty"`
	KeysPerServiceAccount *int `json:"keysPerServiceAccount,omitempty"`
	KeysPerUser           *int `json:"keysPerUser,omitempty"`
	Resources             *int `json:"resources,omitempty"`
}

func (b quotasPatchRequest) input() accounts.QuotasPatch {
	return accounts.QuotasPatch{ServiceAccounts: b.ServiceAccounts, KeysPerServiceAccount: b.KeysPerServiceAccount, KeysPerUser: b.KeysPerUser, Resources: b.Resources}
}

type createWorkspaceRequest struct {
	Name   string                `json:"name"`
	Admin  workspaceAdminRequest `json:"admin"`
	Quotas quotasPatchRequest    `json:"quotas"`
}

func (b createWorkspaceRequest) input() accounts.CreateWorkspaceInput {
	return accounts.CreateWorkspaceInput{Name: b.Name, Admin: accounts.AdminInput{Email: b.Admin.Email, Name: b.Admin.Name}, Quotas: b.Quotas.input()}
}
