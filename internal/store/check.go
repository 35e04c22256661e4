package store

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The rows both backends can hold alike. Postgres refuses some values by
// its schema (an enumeration out of its set, a negative quota) or by its
// text type (NUL, bytes that are not UTF-8, JSON that does not parse); the
// memory store would keep them. Both backends call the checks below before
// they write, so that they refuse the same rows with the same ErrInvalid.
// Package accounts refuses every one of these values before it reaches a
// store, with a message naming the field; these checks are the contract
// that keeps the two stores equal when a caller does not.

// Valid reports whether o names a principal: a known type and an id.
func (o Owner) Valid() bool {
	return (o.Type == OwnerUser || o.Type == OwnerServiceAccount) && o.ID != "" && Storable(o.ID)
}

// Valid reports whether k is one of the key origins.
func (k KeyOrigin) Valid() bool { return k == OriginUploaded || k == OriginGenerated }

// Valid reports whether k is one of the token kinds.
func (k TokenKind) Valid() bool { return k == TokenSession || k == TokenBearer }

// Valid reports whether k is one of the resource kinds.
func (k ResourceKind) Valid() bool {
	switch k {
	case KindProject, KindDataset, KindOntology, KindStorageFolder, KindGroup, KindCloudIntegration:
		return true
	}
	return false
}

// Storable reports whether every backend can hold s as text, or look a
// row up by it: valid UTF-8 without NUL (U+0000). A lookup by text that is
// not storable finds nothing.
func Storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// invalid reports the first failed condition as ErrInvalid.
func invalid(what string, checks ...check) error {
	for _, c := range checks {
		if !c.ok {
			return fmt.Errorf("%s: %s: %w", what, c.field, ErrInvalid)
		}
	}
	return nil
}

type check struct {
	field string
	ok    bool
}

func text(field string, values ...string) check {
	for _, v := range values {
		if !Storable(v) {
			return check{field, false}
		}
	}
	return check{field, true}
}

// Check returns ErrInvalid (wrapped, naming the field) unless both
// backends can hold w.
func (w Workspace) Check() error {
	return invalid("workspace "+w.ID,
		text("id", w.ID), text("name", w.Name), w.Quotas.check())
}

func (q Quotas) check() check {
	return check{"quotas", q.ServiceAccounts >= 0 && q.KeysPerServiceAccount >= 0 && q.KeysPerUser >= 0 && q.Resources >= 0}
}

// Check returns ErrInvalid (wrapped) for a negative quota.
func (q Quotas) Check() error { return invalid("quotas", q.check()) }

// Check returns ErrInvalid (wrapped, naming the field) unless both
// backends can hold m.
func (m Member) Check() error {
	return invalid("member "+m.ID,
		text("id", m.ID, m.WorkspaceID), text("email", m.Email), text("name", m.Name), check{"role", m.Role.Valid()})
}

// Check returns ErrInvalid (wrapped, naming the field) unless both
// backends can hold sa.
func (sa ServiceAccount) Check() error {
	return invalid("service account "+sa.ID,
		text("id", sa.ID, sa.WorkspaceID, sa.CreatedByMemberID), text("name", sa.Name), text("email", sa.Email),
		text("description", sa.Description), check{"role", sa.Role.Valid()})
}

// CheckUpdate is Check for the fields UpdateServiceAccount stores.
func (sa ServiceAccount) CheckUpdate() error {
	return invalid("service account "+sa.ID, text("description", sa.Description), check{"role", sa.Role.Valid()})
}

// Check returns ErrInvalid (wrapped, naming the field) unless both
// backends can hold k.
func (k Key) Check() error {
	return invalid("key "+k.ID,
		text("id", k.ID, k.WorkspaceID), check{"owner", k.Owner.Valid()}, text("title", k.Title),
		text("publicKey", k.PublicKey, k.PublicKeyHex, k.Fingerprint), check{"origin", k.Origin.Valid()},
		text("revokeReason", k.RevokeReason))
}

// Check returns ErrInvalid (wrapped, naming the field) unless both
// backends can hold t.
func (t Token) Check() error {
	return invalid("token "+t.ID,
		text("id", t.ID, t.WorkspaceID, t.KeyID), text("hash", t.Hash), check{"kind", t.Kind.Valid()}, check{"owner", t.Owner.Valid()})
}

// Check returns ErrInvalid (wrapped, naming the field) unless both
// backends can hold r: among others, a resource without an owner is
// refused.
func (r Resource) Check() error {
	if err := invalid("resource "+r.ID,
		text("id", r.ID, r.WorkspaceID), check{"kind", r.Kind.Valid()}, check{"createdBy", r.CreatedBy.Valid()}); err != nil {
		return err
	}
	return r.CheckUpdate()
}

// CheckUpdate is Check for the fields UpdateResource stores.
func (r Resource) CheckUpdate() error {
	shared := true
	for _, o := range r.SharedWith {
		shared = shared && o.Valid()
	}
	return invalid("resource "+r.ID,
		text("title", r.Title), text("description", r.Description), check{"sharedWith", shared},
		check{"attributes", len(r.Attributes) == 0 || utf8.Valid(r.Attributes) && json.Valid(r.Attributes)})
}

// CheckRole returns ErrInvalid (wrapped) unless r is a workspace role.
func CheckRole(r Role) error { return invalid("role", check{"role", r.Valid()}) }

// CheckReason returns ErrInvalid (wrapped) unless every backend can hold
// a key's revocation reason.
func CheckReason(reason string) error { return invalid("revocation", text("reason", reason)) }
