package accounts

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/textpolicy"
)

// The rules an imported state must keep (docs/rules.md, State import): the
// rules of the API and the seed, applied to entries that claim to be stored
// already. A state the API could not have produced is refused, whole, with
// a 400 whose field is the JSON pointer of the value at fault in the state
// document ("/keys/3/origin"), so the same document is refused the same way
// whatever the store. The pointers spell the fields as the document of the
// control plane does (openapi.yaml, State).

// revokeReasons are the reasons a revoked key may carry.
var revokeReasons = []string{ReasonMemberRemoved, ReasonServiceAccountDeleted, ReasonRevokedByOwner, ReasonRevokedByAdmin}

// principal is what the check knows of a member or a service account that
// owns keys, tokens or resources.
type principal struct {
	workspaceID string
	live        bool
	createdAt   time.Time
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
	if parsed, err := uuid.Parse(id); err != nil || parsed.String() != id {
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
		c.principals[userOwner(m)] = principal{workspaceID: m.WorkspaceID, live: m.RemovedAt == nil, createdAt: m.CreatedAt, pointer: pointer("members", i)}
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
		c.principals[saOwner(sa)] = principal{workspaceID: sa.WorkspaceID, live: sa.DeletedAt == nil, createdAt: sa.CreatedAt, pointer: pointer("serviceAccounts", i)}
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

func (c *stateChecker) checkKeys() error {
	seen := map[string]string{}
	activeHex := map[string]string{}
	for i, k := range c.st.Keys {
		if err := uniqueID(pointer("keys", i, "id"), k.ID, seen); err != nil {
			return err
		}
		if err := c.inWorkspace("keys", i, k.WorkspaceID, k.CreatedAt); err != nil {
			return err
		}
		owner, err := c.owner(pointer("keys", i, "owner"), k.Owner, k.WorkspaceID)
		if err != nil {
			return err
		}
		if err := storedText(textpolicy.Title, pointer("keys", i, "title"), k.Title); err != nil {
			return err
		}
		if err := checkKeyMaterial(i, k); err != nil {
			return err
		}
		if !k.Origin.Valid() {
			return refuse(pointer("keys", i, "origin"), `origin %q is not a key origin: "uploaded" or "generated"`, string(k.Origin))
		}
		switch {
		case k.RevokedAt == nil && k.RevokeReason != "":
			return refuse(pointer("keys", i, "revokeReason"), "an active key has no revocation reason; leave it out, or give revokedAt")
		case k.RevokedAt != nil && !slices.Contains(revokeReasons, k.RevokeReason):
			return refuse(pointer("keys", i, "revokeReason"), "%q is not a revocation reason: one of %q", k.RevokeReason, revokeReasons)
		case k.RevokedAt == nil && !owner.live:
			return refuse(pointer("keys", i, "revokedAt"), "the key is active but its owner %s is removed or deleted, which revokes its keys", owner.pointer)
		case k.RevokedAt == nil:
			if earlier, ok := activeHex[k.PublicKeyHex]; ok {
				return refuse(pointer("keys", i, "publicKeyHex"), "the public key of %s is active already; an active public key belongs to one key only", earlier)
			}
			activeHex[k.PublicKeyHex] = pointer("keys", i)
		}
		c.keys[k.ID] = k
	}
	return nil
}

// checkKeyMaterial requires a valid Ed25519 key whose line, key id and
// fingerprint agree, all in the form the emulator stores.
func checkKeyMaterial(i int, k store.Key) error {
	pub, err := sshkey.Parse(k.PublicKey)
	if err != nil {
		return refuse(pointer("keys", i, "publicKey"), "%v", err)
	}
	if pub.Line != k.PublicKey {
		return refuse(pointer("keys", i, "publicKey"), "write the key as the emulator stores it, without a comment: %q", pub.Line)
	}
	if err := sshkey.ValidatePublicKeyHex(k.PublicKeyHex); err != nil {
		return refuse(pointer("keys", i, "publicKeyHex"), "%v", err)
	}
	if k.PublicKeyHex != pub.Hex {
		return refuse(pointer("keys", i, "publicKeyHex"), "%q is not the key id of publicKey, %q", k.PublicKeyHex, pub.Hex)
	}
	if k.Fingerprint != pub.Fingerprint {
		return refuse(pointer("keys", i, "fingerprint"), "%q is not the fingerprint of publicKey, %q", k.Fingerprint, pub.Fingerprint)
	}
	return nil
}

func (c *stateChecker) checkTokens() error {
	seen := map[string]string{}
	hashes := map[string]string{}
	for i, t := range c.st.Tokens {
		if err := uniqueID(pointer("tokens", i, "id"), t.ID, seen); err != nil {
			return err
		}
		if !isTokenHash(t.Hash) {
			return refuse(pointer("tokens", i, "hash"), "a token is stored as the SHA-256 of its text: 64 lower-case hex digits")
		}
		if earlier, ok := hashes[t.Hash]; ok {
			return refuse(pointer("tokens", i, "hash"), "also the hash of %s; every token is a secret of its own", earlier)
		}
		hashes[t.Hash] = pointer("tokens", i)
		if !t.Kind.Valid() {
			return refuse(pointer("tokens", i, "kind"), `kind %q is not a token kind: "session" or "bearer"`, string(t.Kind))
		}
		if err := c.inWorkspace("tokens", i, t.WorkspaceID, t.CreatedAt); err != nil {
			return err
		}
		owner, err := c.owner(pointer("tokens", i, "owner"), t.Owner, t.WorkspaceID)
		if err != nil {
			return err
		}
		switch {
		case !owner.live:
			return refuse(pointer("tokens", i, "owner"), "its owner %s is removed or deleted, which deletes its tokens", owner.pointer)
		case t.Kind == store.TokenSession && t.Owner.Type != store.OwnerUser:
			return refuse(pointer("tokens", i, "owner", "type"), "a session belongs to a member: service accounts never log in")
		case !t.ExpiresAt.After(t.CreatedAt):
			return refuse(pointer("tokens", i, "expiresAt"), "a token expires after its createdAt (%s)", t.CreatedAt.Format(time.RFC3339Nano))
		}
		if err := c.checkTokenKey(i, t); err != nil {
			return err
		}
	}
	return nil
}

// checkTokenKey requires a bearer to name the active key of its owner that
// minted it (revoking a key deletes its bearers), and a session to name
// none.
func (c *stateChecker) checkTokenKey(i int, t store.Token) error {
	ptr := pointer("tokens", i, "keyId")
	if t.Kind == store.TokenSession {
		if t.KeyID != "" {
			return refuse(ptr, "a session is not minted by a key; leave keyId out")
		}
		return nil
	}
	if err := canonicalID(ptr, t.KeyID); err != nil {
		return refuse(ptr, "a bearer token names the key whose signed request minted it: an id is required, not %q", t.KeyID)
	}
	k, ok := c.keys[t.KeyID]
	switch {
	case !ok || k.Owner != t.Owner:
		return refuse(ptr, "key %q is not a key of the token's owner in the state", t.KeyID)
	case !k.Active():
		return refuse(ptr, "key %q is revoked, which deletes the bearer tokens it minted", t.KeyID)
	}
	return nil
}

// isTokenHash reports whether h is 64 lower-case hex digits.
func isTokenHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for _, r := range h {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

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
