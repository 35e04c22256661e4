// Package emulator holds what the repository root gives the binary: the
// OpenAPI description of the HTTP API, served at GET /openapi.yaml.
package emulator

import _ "embed"

// OpenAPI is openapi.yaml, the reference users read for every route.
//
//go:embed openapi.yaml
var OpenAPI []byte
