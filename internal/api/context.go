package api

import (
	"context"
	"net/http"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
)

// contextKey is the type of the keys this package puts in a request's
// context; each key holds one type of value.
type contextKey int

const (
	callerKey    contextKey = iota // accounts.Caller of a management-plane request
	principalKey                   // accounts.Principal of an SDK-plane request
)

func withCaller(r *http.Request, c accounts.Caller) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), callerKey, c))
}

// caller returns the authenticated caller of a management-plane request.
func caller(r *http.Request) accounts.Caller {
	c, _ := r.Context().Value(callerKey).(accounts.Caller)
	return c
}

func withPrincipal(r *http.Request, p accounts.Principal) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), principalKey, p))
}

// principal returns the authenticated principal of an SDK-plane request.
func principal(r *http.Request) accounts.Principal {
	p, _ := r.Context().Value(principalKey).(accounts.Principal)
	return p
}
