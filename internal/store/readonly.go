package store

import (
	"context"
	"time"
)

// ReadOnly returns tx with every write (and LockWorkspace, LockOwner) failing with
// ErrReadOnly: the one list of which Tx methods write, for the backends'
// View.
func ReadOnly(tx Tx) Tx { return readOnlyTx{tx} }

type readOnlyTx struct{ Tx }

func (readOnlyTx) LockWorkspace(context.Context, string) (Workspace, error) {
	return Workspace{}, ErrReadOnly
}
func (readOnlyTx) LockOwner(context.Context, string, Owner) (Workspace, error) {
	return Workspace{}, ErrReadOnly
}
func (readOnlyTx) CreateWorkspace(context.Context, Workspace) error            { return ErrReadOnly }
func (readOnlyTx) UpdateWorkspaceQuotas(context.Context, string, Quotas) error { return ErrReadOnly }
func (readOnlyTx) DeleteWorkspace(context.Context, string) error               { return ErrReadOnly }
func (readOnlyTx) CreateMember(context.Context, Member) error                  { return ErrReadOnly }
func (readOnlyTx) UpdateMemberRole(context.Context, string, Role) error        { return ErrReadOnly }
func (readOnlyTx) MarkMemberRemoved(context.Context, string, time.Time) error  { return ErrReadOnly }
func (readOnlyTx) CreateServiceAccount(context.Context, ServiceAccount) error  { return ErrReadOnly }
func (readOnlyTx) UpdateServiceAccount(context.Context, ServiceAccount) error  { return ErrReadOnly }
func (readOnlyTx) MarkServiceAccountDeleted(context.Context, string, time.Time) error {
	return ErrReadOnly
}
func (readOnlyTx) CreateKey(context.Context, Key) error                       { return ErrReadOnly }
func (readOnlyTx) RevokeKey(context.Context, string, time.Time, string) error { return ErrReadOnly }
func (readOnlyTx) RevokeOwnerKeys(context.Context, Owner, time.Time, string) (int, error) {
	return 0, ErrReadOnly
}
func (readOnlyTx) CreateToken(context.Context, Token) error              { return ErrReadOnly }
func (readOnlyTx) DeleteToken(context.Context, string) error             { return ErrReadOnly }
func (readOnlyTx) DeleteOwnerTokens(context.Context, Owner) (int, error) { return 0, ErrReadOnly }
func (readOnlyTx) CreateResource(context.Context, Resource) error        { return ErrReadOnly }
func (readOnlyTx) UpdateResource(context.Context, Resource) error        { return ErrReadOnly }
func (readOnlyTx) DeleteResource(context.Context, string, ResourceKind, string) error {
	return ErrReadOnly
}
func (readOnlyTx) DeleteAll(context.Context) error { return ErrReadOnly }
