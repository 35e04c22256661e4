package accounts

import (
	"fmt"
	"strconv"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The rules an imported state must keep (docs/rules.md, State import): the
// rules of the API and the seed, applied to entries that claim to be stored
// already. A state the API could not have produced is refused, whole, with
// a 400 whose field is the JSON pointer of the value at fault in the state
// document ("/keys/3/origin"), so the same document is refused the same way
// whatever the store. The pointers spell the fields as the document of the
// control plane does (openapi.yaml, State).

// principal is what the check knows of a member or a service account that
// owns keys, tokens or resources.
type principal struct {
	workspaceID string
	live        bool
	pointer     string
}

// stateChecker checks one state, entry by entry, in document order; the
// first value at fault is the refusal.
type stateChecker struct {
	st         *State
	workspaces map[string]*store.Workspace
	principals map[store.Owner]principal
	// resources by id, for the references between them.
	resources map[string]*store.Resource
	// keys by id, for the bearer tokens they minted.
	keys map[string]store.Key
	// liveEmails are the emails of live members and service accounts: the
	// pointer of the entry that holds each.
	liveEmails map[string]string
}

// checkState checks st and brings its times to the form the stores keep
// (UTC, whole microseconds), the one normalisation an import makes.
func checkState(st *State) error {
	normaliseTimes(st)
	c := &stateChecker{
		st:         st,
		workspaces: map[string]*store.Workspace{},
		principals: map[store.Owner]principal{},
		resources:  map[string]*store.Resource{},
		keys:       map[string]store.Key{},
		liveEmails: map[string]string{},
	}
	for _, check := range []func() error{c.checkWorkspaces, c.checkMembers, c.checkAdmins, c.checkServiceAccounts, c.checkKeys, c.checkTokens, c.checkResources} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// pointer is the JSON pointer of entry i of list, or of a field in it.
func pointer(list string, i int, fields ...string) string {
	p := "/" + list + "/" + strconv.Itoa(i)
	for _, f := range fields {
		p += "/" + f
	}
	return p
}

func refuse(ptr, format string, args ...any) error {
	return errs.Invalid(ptr, "%s: %s", ptr, fmt.Sprintf(format, args...))
}

// canonicalID requires an id as the emulator writes them: a UUID in its
// lower-case 36-character form.
func canonicalID(ptr, id string) error {
	if parsed, err := ParseID(ptr, id); err != nil || parsed != id {
		return refuse(ptr, "%q is not an id as the emulator writes them: a lower-case UUID such as 3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10", id)
	}
	return nil
}

// uniqueID requires a canonical id not used by an earlier entry of the list.
func uniqueID(ptr, id string, seen map[string]string) error {
	if err := canonicalID(ptr, id); err != nil {
		return err
	}
	if earlier, ok := seen[id]; ok {
		return refuse(ptr, "id %q is also the id of %s; every entry has an id of its own", id, earlier)
	}
	seen[id] = ptr
	return nil
}

func required(ptr string, t time.Time) error {
	if t.IsZero() {
		return refuse(ptr, "a time is required")
	}
	return nil
}

// inWorkspace requires the entry's workspace to be in the state, and its
// creation time.
//
// Times are not required to follow each other (a key revoked before it was
// created, a member created before its workspace): the emulator's clock is
// the caller's to set (tests give it an offset, the control plane may set
// it back), so the API itself writes such times, and a state it exported
// must import again. Only a token's expiry comes after its creation, as
// a lifetime is never negative.
func (c *stateChecker) inWorkspace(list string, i int, workspaceID string, createdAt time.Time) error {
	if err := canonicalID(pointer(list, i, "workspaceId"), workspaceID); err != nil {
		return err
	}
	if _, ok := c.workspaces[workspaceID]; !ok {
		return refuse(pointer(list, i, "workspaceId"), "workspace %q is not in the state", workspaceID)
	}
	return required(pointer(list, i, "createdAt"), createdAt)
}

// normaliseTimes brings every time of st to UTC and whole microseconds, as
// the stores keep them.
func normaliseTimes(st *State) {
	at := func(t *time.Time) { *t = t.UTC().Truncate(time.Microsecond) }
	atPtr := func(t **time.Time) {
		if *t != nil {
			v := **t
			at(&v)
			*t = &v
		}
	}
	for i := range st.Workspaces {
		at(&st.Workspaces[i].CreatedAt)
	}
	for i := range st.Members {
		m := &st.Members[i]
		at(&m.CreatedAt)
		atPtr(&m.RemovedAt)
	}
	for i := range st.ServiceAccounts {
		sa := &st.ServiceAccounts[i]
		at(&sa.CreatedAt)
		atPtr(&sa.DeletedAt)
	}
	for i := range st.Keys {
		k := &st.Keys[i]
		at(&k.CreatedAt)
		atPtr(&k.LastUsedAt)
		atPtr(&k.RevokedAt)
	}
	for i := range st.Tokens {
		t := &st.Tokens[i]
		at(&t.CreatedAt)
		at(&t.ExpiresAt)
	}
	for i := range st.Resources {
		r := &st.Resources[i]
		at(&r.CreatedAt)
		at(&r.UpdatedAt)
	}
}
