package faults

import (
	"fmt"
	"net/http"

	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// DefaultCode is the error code a fault answers status with when its rule
// names none: the code Encord's v1 envelope and the management plane use
// for that status, so the v1 SDK raises the exception that goes with it
// (docs/faults.md).
func DefaultCode(status int) errs.Code {
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return errs.InvalidArguments
	case http.StatusUnauthorized:
		return errs.Authentication
	case http.StatusForbidden:
		return errs.Authorisation
	case http.StatusNotFound:
		return errs.NotFound
	case http.StatusMethodNotAllowed:
		return errs.MethodNotAllowed
	case http.StatusConflict:
		return errs.ResourceExists
	case http.StatusRequestEntityTooLarge:
		return errs.PayloadTooLarge
	case http.StatusTooManyRequests:
		return errs.RateLimited
	case http.StatusNotImplemented:
		return errs.NotImplemented
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return errs.ServiceUnavailable
	}
	return errs.Unknown
}

// Code is the error code of the decision's answer.
func (d Decision) Code() errs.Code {
	if d.Action.Code != "" {
		return errs.Code(d.Action.Code)
	}
	return DefaultCode(d.Action.Status)
}

// Message is the error message of the decision's answer: the rule's, or
// one that names the rule, so a test reading the SDK's exception knows
// where it came from.
func (d Decision) Message() string {
	if d.Action.Message != "" {
		return d.Action.Message
	}
	return fmt.Sprintf("%d %s: emulated by fault rule %s (match %d)", d.Action.Status, http.StatusText(d.Action.Status), d.RuleID, d.Ordinal)
}
