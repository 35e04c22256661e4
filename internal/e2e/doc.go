// Package e2e tests the encord-emulator binary as it is deployed: real
// processes built from ./cmd/server with the Dockerfile's build flags, real
// Postgres databases and clusters, loopback HTTP only. It covers what no
// in-process test can: several replicas on one database, a database that
// goes away and comes back, a server killed with SIGKILL mid-write,
// migrations run as commands, and the container's build and healthcheck.
//
// The package has no code of its own; everything is in its tests, which
// run under make test.
package e2e
