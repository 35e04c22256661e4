package faults

import (
	"crypto/sha256"
	"encoding/binary"
)

// Draw is the draw of the match with the given ordinal (1 for a rule's
// first match) under seed: a number in [0, 1), the first 53 bits of
// SHA-256(seed ‖ ordinal), both as 8 big-endian bytes, over 2^53. A rule
// fires on the match when Draw is below its probability.
//
// It depends on nothing else, the rule's id included, so the same seed
// and the same sequence of requests give the same firings in every run,
// on every replica, whatever id the rule was given; two rules with one
// seed draw alike, which a test that wants them independent avoids by
// giving them different seeds. In Python:
//
//	(int.from_bytes(hashlib.sha256(seed.to_bytes(8, "big", signed=True) + ordinal.to_bytes(8, "big")).digest()[:8], "big") >> 11) / 2**53
func Draw(seed, ordinal int64) float64 {
	var in [16]byte
	binary.BigEndian.PutUint64(in[:8], uint64(seed))
	binary.BigEndian.PutUint64(in[8:], uint64(ordinal))
	sum := sha256.Sum256(in[:])
	return float64(binary.BigEndian.Uint64(sum[:8])>>11) / (1 << 53)
}
