// Package golden holds the Encord SDK's golden signature vectors for tests.
//
// testdata/encord-golden-vectors.json is the repository's one copy of the
// vectors: requests signed by the Encord Python SDK's own code with a fixed
// test-only key and a pinned clock (docs/sdk-protocol.md, Golden vectors).
// It is embedded so that the tests of any package read the same copy without
// knowing where it lies.
//
// Only test files import this package: it imports testing.
package golden

import (
	"crypto/ed25519"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"testing"
)

//go:embed testdata/encord-golden-vectors.json
var vectorsJSON string

// File is the part of the golden vectors file the tests use.
type File struct {
	Key     Key      `json:"key"`
	Vectors []Vector `json:"vectors"`
}

// Key is the test-only Ed25519 key every vector is signed with.
type Key struct {
	SeedHex           string `json:"seed_hex"`
	PrivateKeyOpenSSH string `json:"private_key_openssh"` // the key file the SDK reads
	PublicKeyHex      string `json:"public_key_hex"`      // the key id of v1 and v2 signatures
	PublicKeyOpenSSH  string `json:"public_key_openssh"`  // an authorized_keys line
}

// Vector is one request as the SDK signed it.
type Vector struct {
	Name          string `json:"name"`
	Scheme        string `json:"scheme"` // "v1" or "v2"
	Method        string `json:"method"`
	RequestTarget string `json:"request_target"` // raw path and query, as on the request line
	Body          string `json:"body"`           // "" when the request has no body
	// Created is the v2 signature's created parameter; ClientTime is the
	// clock the SDK ran with. Both are zero for v1, which signs no time.
	Created       int64  `json:"created"`
	ClientTime    int64  `json:"client_time"`
	SignatureBase string `json:"signature_base"` // v2 only
	// ExpectedHeaders are the credentials the signature produced;
	// OtherHeaders are the headers the SDK sends unsigned.
	ExpectedHeaders map[string]string `json:"expected_headers"`
	OtherHeaders    map[string]string `json:"other_headers"`
}

// Load decodes the embedded vectors. It fails if the file holds no vectors
// or its key seed is not 32 hex-encoded bytes.
func Load() (File, error) {
	var f File
	if err := json.Unmarshal([]byte(vectorsJSON), &f); err != nil {
		return File{}, fmt.Errorf("golden: decode vectors: %w", err)
	}
	if len(f.Vectors) == 0 {
		return File{}, errors.New("golden: the file holds no vectors")
	}
	if _, err := decodeSeed(f.Key.SeedHex); err != nil {
		return File{}, err
	}
	return f, nil
}

// MustLoad is Load for tests and benchmarks: it stops tb on failure.
func MustLoad(tb testing.TB) File {
	tb.Helper()
	f, err := Load()
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// PrivateKey returns the key made from the file's seed. It panics if f did
// not come from Load.
func (f File) PrivateKey() ed25519.PrivateKey {
	seed, err := decodeSeed(f.Key.SeedHex)
	if err != nil {
		panic(err)
	}
	return ed25519.NewKeyFromSeed(seed)
}

// SentHeaders returns every header the SDK sent with the request: the
// unsigned ones and the credentials, named as in the file.
func (v Vector) SentHeaders() map[string]string {
	sent := make(map[string]string, len(v.OtherHeaders)+len(v.ExpectedHeaders))
	maps.Copy(sent, v.OtherHeaders)
	maps.Copy(sent, v.ExpectedHeaders)
	return sent
}

func decodeSeed(seedHex string) ([]byte, error) {
	seed, err := hex.DecodeString(seedHex)
	if err != nil {
		return nil, fmt.Errorf("golden: key seed: %w", err)
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("golden: key seed is %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	return seed, nil
}
