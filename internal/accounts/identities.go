package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// One identity, one email: an email names one live member or one live
// service account, never both, installation-wide, and the domain of
// service-account emails is reserved for them. The store's constraint
// decides races (store.ErrAlreadyExists); the checks below only make the
// common case's 409 say who holds the email.
// docs/rules.md, One email per identity.

// inReservedDomain reports whether email, lower-cased, is an address of the
// service-account domain or of one of its subdomains.
func inReservedDomain(email string) bool {
	at := strings.LastIndexByte(email, '@')
	domain := email[at+1:]
	return domain == ServiceAccountEmailDomain || strings.HasSuffix(domain, "."+ServiceAccountEmailDomain)
}

// ensureEmailFree reports, as a 409 RESOURCE_EXISTS_ERROR that says who
// holds it, an email a new member cannot take: that of a live member
// somewhere, that of a live service account, or any address of the
// service-account domain.
func ensureEmailFree(ctx context.Context, tx store.Tx, field, email string) error {
	member, err := tx.GetMemberByEmail(ctx, email)
	switch {
	case err == nil:
		return emailTaken(nil, field, "%s %q is already a member of workspace %s; a user belongs to one workspace at a time, so remove it there first", field, email, member.WorkspaceID)
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	sa, err := tx.GetServiceAccountByEmail(ctx, email)
	switch {
	case err == nil:
		return emailTaken(nil, field, "%s %q is the email of service account %q (%s) of workspace %s; an email names one member or one service account, never both: give the member an address of its own", field, email, sa.Name, sa.ID, sa.WorkspaceID)
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	if inReservedDomain(email) {
		return emailTaken(nil, field, "%s %q is in the domain %s, which is reserved for the emails of service accounts; give the member an address of its own", field, email, ServiceAccountEmailDomain)
	}
	return nil
}

// memberEmailTaken maps the store's refusal of a new member's email (a
// concurrent transaction took it first) to a 409.
func memberEmailTaken(err error, field, email string) error {
	if errors.Is(err, store.ErrAlreadyExists) {
		return emailTaken(err, field, "%s %q is already the email of a member or a service account; an email names one identity, and a user belongs to one workspace at a time", field, email)
	}
	return err
}

// ensureServiceAccountEmailFree reports, as a 409 naming the name field, a
// derived email a new service account cannot take.
func ensureServiceAccountEmailFree(ctx context.Context, tx store.Tx, email string) error {
	sa, err := tx.GetServiceAccountByEmail(ctx, email)
	switch {
	case err == nil:
		return emailTaken(nil, "name", "service account %q (%s) already has the email %s this name derives; choose another name", sa.Name, sa.ID, email)
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	member, err := tx.GetMemberByEmail(ctx, email)
	switch {
	case err == nil:
		return emailTaken(nil, "name", "the email %s this name derives is that of member %s of workspace %s; choose another name", email, member.ID, member.WorkspaceID)
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	return nil
}

// serviceAccountEmailTaken is memberEmailTaken for a new service account.
func serviceAccountEmailTaken(err error, email string) error {
	if errors.Is(err, store.ErrAlreadyExists) {
		return emailTaken(err, "name", "the email %s this name derives is already the email of a service account or a member; choose another name", email)
	}
	return err
}

// emailTaken is the 409 of an email another identity holds; cause, when
// set, is the store's refusal, kept for logs.
func emailTaken(cause error, field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if cause == nil {
		return errs.New(errs.ResourceExists, "%s", msg).WithDetail("field", field)
	}
	return errs.Wrap(cause, errs.ResourceExists, "%s", msg).WithDetail("field", field)
}
