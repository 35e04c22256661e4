// Package errs is the emulator's error vocabulary: Encord's error codes, the
// HTTP status each maps to, and the one function (From) that turns any error
// into a coded error. Rule violations are created here by package accounts;
// the HTTP planes only render what From returns.
package errs

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// Code is an error code in Encord's vocabulary.
type Code string

const (
	InvalidArguments    Code = "INVALID_ARGUMENTS_ERROR"
	Authentication      Code = "AUTHENTICATION_ERROR"
	Authorisation       Code = "AUTHORISATION_ERROR"
	NotFound            Code = "RESOURCE_NOT_FOUND_ERROR"
	DuplicateSSHKey     Code = "DUPLICATE_SSH_KEY_ERROR"
	SSHKeyNotFound      Code = "SSH_KEY_NOT_FOUND_ERROR"
	ResourceExists      Code = "RESOURCE_EXISTS_ERROR"
	QuotaExceeded       Code = "QUOTA_EXCEEDED_ERROR"
	OperationNotAllowed Code = "OPERATION_NOT_ALLOWED"
	PayloadTooLarge     Code = "PAYLOAD_TOO_LARGE_ERROR"
	RequestTimeout      Code = "REQUEST_TIMEOUT_ERROR"
	UnsupportedMedia    Code = "UNSUPPORTED_MEDIA_TYPE_ERROR"
	MethodNotAllowed    Code = "METHOD_NOT_ALLOWED_ERROR"
	NotImplemented      Code = "NOT_IMPLEMENTED_ERROR"
	ServiceUnavailable  Code = "SERVICE_UNAVAILABLE_ERROR"
	// RateLimited is answered only by a fault rule (a rate limit the test
	// asked for); the SDK's v1 table does not know it.
	RateLimited Code = "RATE_LIMIT_EXCEEDED_ERROR"
	Unknown     Code = "UNKNOWN_ERROR"
)

// Codes lists every code of the vocabulary.
func Codes() []Code {
	return []Code{
		InvalidArguments, Authentication, Authorisation, NotFound, DuplicateSSHKey, SSHKeyNotFound,
		ResourceExists, QuotaExceeded, OperationNotAllowed, RequestTimeout, PayloadTooLarge, UnsupportedMedia,
		MethodNotAllowed, NotImplemented, ServiceUnavailable, RateLimited, Unknown,
	}
}

// HTTPStatus is the status an error of this code answers with.
func (c Code) HTTPStatus() int {
	switch c {
	case InvalidArguments, SSHKeyNotFound:
		return http.StatusBadRequest
	case Authentication:
		return http.StatusUnauthorized
	case Authorisation:
		return http.StatusForbidden
	case NotFound:
		return http.StatusNotFound
	case DuplicateSSHKey, ResourceExists, QuotaExceeded, OperationNotAllowed:
		return http.StatusConflict
	case RequestTimeout:
		return http.StatusRequestTimeout
	case PayloadTooLarge:
		return http.StatusRequestEntityTooLarge
	case UnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case MethodNotAllowed:
		return http.StatusMethodNotAllowed
	case NotImplemented:
		return http.StatusNotImplemented
	case ServiceUnavailable:
		return http.StatusServiceUnavailable
	case RateLimited:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// Error is an error with a code and a message meant for the caller: it says
// what was wrong and, where one exists, what to do.
type Error struct {
	Code    Code
	Message string
	// Details is optional structured context (the field at fault, a limit).
	Details map[string]any
	// Remedy names what the caller can do about the error when a route of
	// the HTTP planes does it; they append that route to Message.
	Remedy Remedy
	cause  error
	// status, when set, replaces the code's status (WithStatus).
	status int
}

// Action is something a caller can do to get past an error.
type Action string

// The actions an error can point to. Rules are decided without knowing
// routes; the HTTP planes spell each action out with its route.
const (
	LogIn               Action = "log_in"                // open a management-plane session
	AddMember           Action = "add_member"            // have an admin add the email
	ListMembers         Action = "list_members"          // see the members' ids
	ListServiceAccounts Action = "list_service_accounts" // see the service accounts' ids
	ListWorkspaces      Action = "list_workspaces"       // see the workspaces' ids
	RaiseQuota          Action = "raise_quota"           // raise a quota of Remedy.WorkspaceID
	RegisterKey         Action = "register_key"          // register the public key
	GetBearerToken      Action = "get_bearer_token"      // mint an SDK bearer token
)

// Remedy is what the caller can do about an error, named, not spelled.
type Remedy struct {
	Action Action
	// WorkspaceID is the workspace RaiseQuota acts on.
	WorkspaceID string
}

// WithRemedy returns e pointing to a remedy.
func (e *Error) WithRemedy(r Remedy) *Error {
	e.Remedy = r
	return e
}

func (e *Error) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.cause)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.cause }

// Status is the HTTP status the error answers with, on every plane: the
// SDK's error dialects change the body, never the status. It is the code's
// status unless WithStatus chose another.
func (e *Error) Status() int {
	if e.status != 0 {
		return e.status
	}
	return e.Code.HTTPStatus()
}

// WithStatus returns a copy of e answered with status instead of its
// code's: a fault rule answers the status it names, with a code of its
// own choosing.
func (e *Error) WithStatus(status int) *Error {
	c := *e
	c.status = status
	return &c
}

// WithDetail returns e with one more detail set.
func (e *Error) WithDetail(key string, value any) *Error {
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	e.Details[key] = value
	return e
}

// WithCode returns a copy of e with another code: the SDK's v1 dialect
// spells some failures with codes of its own.
func (e *Error) WithCode(code Code) *Error {
	c := *e
	c.Code = code
	return &c
}

// New returns a coded error whose message is formatted from format and args.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap is New with a cause kept for logs and errors.Is; the cause never
// reaches the caller's message.
func Wrap(cause error, code Code, format string, args ...any) *Error {
	e := New(code, format, args...)
	e.cause = cause
	return e
}

// Invalid reports bad input in one named field.
func Invalid(field, format string, args ...any) *Error {
	return New(InvalidArguments, format, args...).WithDetail("field", field)
}

// From maps any error to a coded error: coded errors pass through, a store
// outage, a deadline or a cancellation becomes SERVICE_UNAVAILABLE_ERROR, bare store
// sentinels get a generic message (a row the stores refuse is a 400), and anything else is UNKNOWN_ERROR (a bug:
// callers log it).
func From(err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// Canceled: the client went away or the server is shutting down;
		// neither is a bug to log as one.
		return Wrap(err, ServiceUnavailable, "the emulator's store is unavailable; retry shortly")
	case errors.Is(err, store.ErrNotFound):
		return Wrap(err, NotFound, "the requested resource was not found")
	case errors.Is(err, store.ErrDuplicateKey):
		return Wrap(err, DuplicateSSHKey, "this public key is already registered; create a unique key")
	case errors.Is(err, store.ErrAlreadyExists):
		return Wrap(err, ResourceExists, "the resource already exists")
	case errors.Is(err, store.ErrInvalid):
		// Package accounts refuses such values first, naming the field;
		// this is the store's own refusal, the same on every store.
		return Wrap(err, InvalidArguments, "the request holds a value the emulator cannot store (text with NUL or bytes that are not UTF-8, or a value outside its set); correct it and send it again")
	default:
		return Wrap(err, Unknown, "internal error; see the emulator's log")
	}
}
