package api

import "github.com/go-chi/chi/v5"

// v2ResourceRoutes registers the emulated v2 endpoints of the resource model.
func (p sdkPlane) v2ResourceRoutes(r chi.Router) {}

// v1Handlers lists the emulated v1 calls.
func (p sdkPlane) v1Handlers() map[v1Route]v1Handler { return map[v1Route]v1Handler{} }
