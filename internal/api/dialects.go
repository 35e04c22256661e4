package api

import (
	"errors"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// dialect is the error language of a plane. The status always comes from
// the error's code (package errs); a dialect only spells the code and
// writes the body. The SDK's two dialects are described in
// docs/sdk-protocol.md, Error dialects.
type dialect interface {
	// code spells e, coded from cause, as this dialect does.
	code(e *errs.Error, cause error) *errs.Error
	// body is the JSON body of the answer.
	body(e *errs.Error) any
}

// codeIn codes err as dialect d answers it, its remedy spelled out.
func codeIn(d dialect, err error) *errs.Error {
	return withRemedy(d.code(errs.From(err), err))
}

var (
	_ dialect = apiDialect{}
	_ dialect = v1Dialect{}
	_ dialect = v2Dialect{}
)

// apiDialect is the error shape of the management and control planes:
// {"error": {"code", "message", "details"}}.
type apiDialect struct{}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    errs.Code      `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details"`
}

func (apiDialect) code(e *errs.Error, _ error) *errs.Error { return e }

func (apiDialect) body(e *errs.Error) any {
	details := e.Details
	if details == nil {
		details = map[string]any{}
	}
	return errorBody{Error: errorDetail{Code: e.Code, Message: e.Message, Details: details}}
}

// v1Dialect is the answer of /public and /public/user: the SDK reads only
// the envelope {"status", "response": ["CODE"], "payload"}, and the HTTP
// status matters only for its retries (413, 429, 500, 502, 503).
type v1Dialect struct{}

// v1Envelope is the v1 answer, success or error.
type v1Envelope struct {
	Status   int `json:"status"`
	Response any `json:"response"`
	Payload  any `json:"payload,omitempty"`
}

// coded spells a valid signature by a key nobody registered as Encord
// does: SSH_KEY_NOT_FOUND_ERROR (HTTP 400), which the SDK raises as
// SshKeyNotFound.
func (v1Dialect) code(e *errs.Error, cause error) *errs.Error {
	if errors.Is(cause, accounts.UnknownKey) {
		return e.WithCode(errs.SSHKeyNotFound)
	}
	return e
}

func (v1Dialect) body(e *errs.Error) any {
	return v1Envelope{Status: e.Status(), Response: []errs.Code{e.Code}, Payload: e.Message}
}

// v2Dialect is the answer of /v2/public: the HTTP status picks the SDK's
// exception, whose message is the body's "message".
type v2Dialect struct{}

type v2Message struct {
	Message string `json:"message"`
}

func (v2Dialect) code(e *errs.Error, _ error) *errs.Error { return e }

func (v2Dialect) body(e *errs.Error) any { return v2Message{Message: e.Message} }
