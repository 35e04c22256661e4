// Package sdkmodel says what a release of the Encord SDK does with an
// error answer: whether it retries, and which exception it raises. It is
// the facts of docs/sdk-protocol.md (Error dialects, Retries, Error
// dialects by release, Retries by release) as code, so tests can check the
// emulator's answers, and docs/faults.md's tables, against them without
// the SDK. Tests only.
package sdkmodel

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// Release is an SDK release 0.1.N, by its N (84 to 190).
type Release int

func (r Release) String() string { return fmt.Sprintf("0.1.%d", int(r)) }

// Oldest and Newest bound the supported releases.
const (
	Oldest Release = 84
	Newest Release = 190
)

// Dialect is the family of an SDK path.
type Dialect string

const (
	V1 Dialect = "v1" // POST /public, /public/user
	V2 Dialect = "v2" // /v2/public/...
)

// Call is an SDK call, as far as its error handling goes.
type Call struct {
	Dialect Dialect
	// Method is the HTTP method: POST for every v1 call.
	Method string
	// Create marks a call that creates something: v1 creates are never
	// retried, v2 creates not from 0.1.160.
	Create bool
}

// Reply is an error answer.
type Reply struct {
	Status int
	Body   []byte
	// RetryAfter is the Retry-After header.
	RetryAfter string
}

// Exceptions the SDK raises, by class name. RetryError is requests'
// (not an Encord exception); RequestException is encord.exceptions'.
const (
	RetryError             = "RetryError"
	RequestException       = "RequestException"
	UnknownException       = "UnknownException"
	GenericServerError     = "GenericServerError"
	AuthenticationError    = "AuthenticationError"
	AuthorisationError     = "AuthorisationError"
	ResourceNotFoundError  = "ResourceNotFoundError"
	MethodNotAllowedError  = "MethodNotAllowedError"
	InvalidArgumentsError  = "InvalidArgumentsError"
	PayloadTooLargeError   = "PayloadTooLargeError"
	RateLimitExceededError = "RateLimitExceededError"
	SSHKeyNotFound         = "SshKeyNotFound"
	DuplicateSSHKeyError   = "DuplicateSshKeyError"
	ResourceExistsError    = "ResourceExistsError"
	OperationNotAllowed    = "OperationNotAllowed"
	success                = ""
)

// defaultMaxRetries is the SDK's max_retries.
const defaultMaxRetries = 3

// Releases where the handling of errors changed.
const (
	firstStatusRetries        = 91
	firstGetRetries           = 101
	first502Retry             = 121
	firstWrappedTransport     = 132
	firstParsedAfterRetries   = 172
	firstV2Invalid400         = 118
	onlyV2Invalid422          = 127
	firstV2PayloadTooLarge    = 175
	firstV2RateLimit          = 172
	firstV2CreateWithoutRetry = 160
	firstV2NoContent          = 148
)

// Outcome is what the SDK does with a reply.
type Outcome struct {
	// Retries is how many times the SDK sent the request again before
	// raising (with the default max_retries of 3).
	Retries int
	// Exception is the class raised; "" for a success.
	Exception string
	// RetryAfter is the retry_after of a RateLimitExceededError, when the
	// reply's Retry-After is all digits.
	RetryAfter *int
}

// Raise says what release r does with reply to call.
func Raise(r Release, call Call, reply Reply) Outcome {
	var out Outcome
	if retryStatus(r, reply.Status) && retriedMethod(r, call.Method) {
		if retryable(r, call) {
			out.Retries = defaultMaxRetries
		}
		switch {
		case r < firstWrappedTransport:
			out.Exception = RetryError
			return out
		case r < firstParsedAfterRetries:
			out.Exception = RequestException
			return out
		}
	}
	if call.Dialect == V1 {
		out.Exception = parseV1(reply.Body)
		return out
	}
	out.Exception = mapV2(r, reply.Status)
	if out.Exception == RateLimitExceededError {
		if n, err := strconv.Atoi(reply.RetryAfter); err == nil && allDigits(reply.RetryAfter) {
			out.RetryAfter = &n
		}
	}
	return out
}

// retryStatus reports whether r retries on status.
func retryStatus(r Release, status int) bool {
	switch {
	case r < firstStatusRetries:
		return false
	case status == http.StatusBadGateway:
		return r >= first502Retry
	}
	switch status {
	case http.StatusRequestEntityTooLarge, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable:
		return true
	}
	return false
}

// retriedMethod reports whether r's retry policy covers method: POST from
// 0.1.91, PUT and GET too from 0.1.101, never PATCH or DELETE.
func retriedMethod(r Release, method string) bool {
	switch method {
	case http.MethodPost:
		return r >= firstStatusRetries
	case http.MethodGet, http.MethodPut:
		return r >= firstGetRetries
	}
	return false
}

// retryable reports whether the call itself allows retries: v1 reads from
// 0.1.101, v1 creates never, v2 creates until 0.1.159. A call that does not
// is sent once, and the retry policy raises on its first retry status.
func retryable(r Release, call Call) bool {
	switch {
	case call.Dialect == V1 && call.Create:
		return false
	case call.Dialect == V1:
		return r >= firstGetRetries
	case call.Create:
		return r < firstV2CreateWithoutRetry
	}
	return true
}

// v1Codes is the SDK's table of v1 codes, the same in every release (only
// the codes the emulator can send, and their neighbours).
var v1Codes = map[string]string{
	"AUTHENTICATION_ERROR":     AuthenticationError,
	"AUTHORISATION_ERROR":      AuthorisationError,
	"RESOURCE_NOT_FOUND_ERROR": ResourceNotFoundError,
	"SSH_KEY_NOT_FOUND_ERROR":  SSHKeyNotFound,
	"DUPLICATE_SSH_KEY_ERROR":  DuplicateSSHKeyError,
	"INVALID_ARGUMENTS_ERROR":  InvalidArgumentsError,
	"RESOURCE_EXISTS_ERROR":    ResourceExistsError,
	"METHOD_NOT_ALLOWED_ERROR": MethodNotAllowedError,
	"UNKNOWN_ERROR":            UnknownException,
	"OPERATION_NOT_ALLOWED":    OperationNotAllowed,
}

// parseV1 reads a v1 envelope: a success exactly when status is the
// integer 200; else response, a one-element list, picks the exception.
func parseV1(body []byte) string {
	var envelope struct {
		Status   json.RawMessage `json:"status"`
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		return RequestException
	}
	if string(envelope.Status) == "200" {
		return success
	}
	var codes []string
	if json.Unmarshal(envelope.Response, &codes) == nil && len(codes) == 1 {
		if exc, ok := v1Codes[codes[0]]; ok {
			return exc
		}
	}
	return GenericServerError
}

// mapV2 is the exception r raises for a v2 status.
func mapV2(r Release, status int) string {
	switch status {
	case http.StatusOK:
		return success
	case http.StatusNoContent:
		if r >= firstV2NoContent {
			return success
		}
	case http.StatusBadRequest:
		if r >= firstV2Invalid400 {
			return InvalidArgumentsError
		}
	case http.StatusUnauthorized:
		return AuthenticationError
	case http.StatusForbidden:
		return AuthorisationError
	case http.StatusNotFound:
		return ResourceNotFoundError
	case http.StatusMethodNotAllowed:
		return MethodNotAllowedError
	case http.StatusUnprocessableEntity:
		if r == onlyV2Invalid422 {
			return InvalidArgumentsError
		}
	case http.StatusRequestEntityTooLarge:
		if r >= firstV2PayloadTooLarge {
			return PayloadTooLargeError
		}
	case http.StatusTooManyRequests:
		if r >= firstV2RateLimit {
			return RateLimitExceededError
		}
	}
	return UnknownException
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
