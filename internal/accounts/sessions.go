package accounts

import (
	"context"
	"errors"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/textpolicy"
)

// Caller is an authenticated management-plane caller: a member and the hash
// of the session token it presented. Its role is re-read inside every
// transaction, so a demotion or removal takes effect on the next request.
type Caller struct {
	MemberID    string
	WorkspaceID string
	TokenHash   string // "" for a caller acting without a session (ActingAs)
	// Email is the member's email when its session was authenticated, for
	// fault rules that match on it; nothing decides a rule by it.
	Email string
}

// ActingAs returns a caller that acts as member m without a session, for
// code inside the process that acts on a member's behalf (the seed loader).
// Like any caller, its rights are re-read in every transaction: it can do
// what m can do now, no more.
func ActingAs(m store.Member) Caller {
	return Caller{MemberID: m.ID, WorkspaceID: m.WorkspaceID}
}

// Login opens a session for a live member (an emulator needs no password).
// Unknown emails, removed members and service accounts get 401.
func (s *Service) Login(ctx context.Context, email string) (IssuedToken, store.Member, error) {
	if err := checkText(textpolicy.Email, "email", &email); err != nil {
		return IssuedToken{}, store.Member{}, err
	}
	var (
		issued IssuedToken
		member store.Member
	)
	err := s.store.Tx(ctx, func(tx store.Tx) error {
		var err error
		member, err = tx.GetMemberByEmail(ctx, email)
		if errors.Is(err, store.ErrNotFound) {
			return errs.New(errs.Authentication, "no workspace member has the email %q (removed members must be added again; service accounts can never log in, they only use the SDK)", email).WithRemedy(errs.Remedy{Action: errs.AddMember})
		}
		if err != nil {
			return err
		}
		issued, err = s.issueToken(ctx, tx, store.TokenSession, store.Owner{Type: store.OwnerUser, ID: member.ID}, member.WorkspaceID, "")
		return err
	})
	return issued, member, err
}

// Logout ends the caller's session.
func (s *Service) Logout(ctx context.Context, c Caller) error {
	return s.endSession(ctx, c.TokenHash)
}

// EndSession ends a session Login or CreateWorkspace issued.
func (s *Service) EndSession(ctx context.Context, session IssuedToken) error {
	return s.endSession(ctx, session.Stored.Hash)
}

func (s *Service) endSession(ctx context.Context, hash string) error {
	if hash == "" {
		return nil // a caller acting without a session
	}
	return s.store.Tx(ctx, func(tx store.Tx) error {
		err := tx.DeleteToken(ctx, hash)
		if errors.Is(err, store.ErrNotFound) {
			return nil // already gone: logging out twice is not an error
		}
		return err
	})
}

// AuthenticateSession turns a session token into a Caller, or a 401 that
// says why not.
func (s *Service) AuthenticateSession(ctx context.Context, token string) (Caller, error) {
	if token == "" {
		return Caller{}, errs.New(errs.Authentication, "missing session token").WithRemedy(errs.Remedy{Action: errs.LogIn})
	}
	res, err := s.store.ResolveToken(ctx, HashToken(token))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Caller{}, errs.New(errs.Authentication, "the session token is unknown or was ended (logout, member removal, reset)").WithRemedy(errs.Remedy{Action: errs.LogIn})
	case err != nil:
		return Caller{}, err
	case res.Token.Kind != store.TokenSession:
		return Caller{}, errs.New(errs.Authentication, "this is an SDK bearer token; the management plane needs a session token").WithRemedy(errs.Remedy{Action: errs.LogIn})
	case !s.clock().Before(res.Token.ExpiresAt):
		return Caller{}, errs.New(errs.Authentication, "the session expired at %s", res.Token.ExpiresAt.Format("2006-01-02T15:04:05Z")).WithRemedy(errs.Remedy{Action: errs.LogIn})
	case res.OwnerGone || res.Token.Owner.Type != store.OwnerUser:
		return Caller{}, errs.New(errs.Authentication, "the session's member was removed from the workspace; an admin must add it again")
	}
	return Caller{MemberID: res.Token.Owner.ID, WorkspaceID: res.Token.WorkspaceID, TokenHash: res.Token.Hash, Email: res.Email}, nil
}

// issueToken stores a new token of the given kind and returns its text once.
// keyID is the key that minted a bearer token, "" for a session.
func (s *Service) issueToken(ctx context.Context, tx store.Tx, kind store.TokenKind, owner store.Owner, workspaceID, keyID string) (IssuedToken, error) {
	ttl, prefix := s.sessionTTL, "emus-"
	if kind == store.TokenBearer {
		ttl, prefix = s.bearerTTL, "emu-"
	}
	text, hash := newToken(prefix)
	now := s.clock()
	t := store.Token{ID: newID(), Hash: hash, Kind: kind, Owner: owner, WorkspaceID: workspaceID, KeyID: keyID, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := tx.CreateToken(ctx, t); err != nil {
		return IssuedToken{}, err
	}
	return IssuedToken{Token: text, Stored: t}, nil
}

// read runs fn in a read-only view after checking that the caller is still
// a live member of its workspace (and an admin when adminOnly).
func (s *Service) read(ctx context.Context, c Caller, adminOnly bool, fn func(tx store.Tx, ws store.Workspace, me store.Member) error) error {
	return s.store.View(ctx, func(tx store.Tx) error {
		return asCaller(ctx, tx, c, adminOnly, tx.GetWorkspace, fn)
	})
}

// write is read for writes, in a transaction that first locks the caller's
// workspace, so every check fn makes (quotas, admins, liveness of the
// target) holds until commit, against concurrent writers in this process
// and in other replicas.
func (s *Service) write(ctx context.Context, c Caller, adminOnly bool, fn func(tx store.Tx, ws store.Workspace, me store.Member) error) error {
	return s.store.Tx(ctx, func(tx store.Tx) error {
		return asCaller(ctx, tx, c, adminOnly, tx.LockWorkspace, fn)
	})
}

func asCaller(ctx context.Context, tx store.Tx, c Caller, adminOnly bool,
	getWorkspace func(context.Context, string) (store.Workspace, error),
	fn func(tx store.Tx, ws store.Workspace, me store.Member) error,
) error {
	ws, err := getWorkspace(ctx, c.WorkspaceID)
	if err != nil {
		return callerGone(err)
	}
	me, err := checkCaller(ctx, tx, c, adminOnly)
	if err != nil {
		return err
	}
	return fn(tx, ws, me)
}

func checkCaller(ctx context.Context, tx store.Tx, c Caller, adminOnly bool) (store.Member, error) {
	me, err := tx.GetMember(ctx, c.MemberID)
	if err != nil {
		return store.Member{}, callerGone(err)
	}
	if me.RemovedAt != nil || me.WorkspaceID != c.WorkspaceID {
		return store.Member{}, callerGone(store.ErrNotFound)
	}
	if adminOnly && me.Role != store.RoleAdmin {
		return store.Member{}, errs.New(errs.Authorisation, "only workspace admins can do this; %s is a member of the workspace (being admin of a project does not count). Ask an admin to do it or to make you admin", me.Email)
	}
	return me, nil
}

func callerGone(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errs.Wrap(err, errs.Authentication, "the session's member is no longer in the workspace; log in again")
	}
	return err
}
