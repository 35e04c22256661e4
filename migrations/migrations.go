// Package migrations holds the Postgres schema as numbered golang-migrate
// files (NNNNNN_name.up.sql / NNNNNN_name.down.sql), embedded so that the
// server binary carries the schema it was built for.
package migrations

import "embed"

// FS holds every migration file at its root, ready for golang-migrate's iofs
// source (iofs.New(migrations.FS, ".")).
//
//go:embed *.sql
var FS embed.FS
