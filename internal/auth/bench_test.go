package auth

import (
	"crypto/ed25519"
	"crypto/sha256"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/golden"
)

// The floor of every verification is one ed25519.Verify; compare
// BenchmarkVerifyV1 with BenchmarkEd25519VerifyDigest and BenchmarkVerifyV2
// with BenchmarkEd25519VerifyBase.

func benchVector(b *testing.B, scheme string) (golden.Vector, request) {
	g := golden.MustLoad(b)
	for _, v := range g.Vectors {
		if v.Scheme == scheme && (scheme == "v1" || v.Body != "") {
			return v, goldenRequest(v)
		}
	}
	b.Fatalf("no %s vector", scheme)
	return golden.Vector{}, request{}
}

func BenchmarkVerifyV1(b *testing.B) { benchmarkVerify(b, "v1") }

func BenchmarkVerifyV2(b *testing.B) { benchmarkVerify(b, "v2") }

// BenchmarkEd25519VerifyDigest is what v1 signs: the SHA-256 of the body.
func BenchmarkEd25519VerifyDigest(b *testing.B) {
	v, _ := benchVector(b, "v1")
	digest := sha256.Sum256([]byte(v.Body))
	benchmarkEd25519Verify(b, digest[:])
}

// BenchmarkEd25519VerifyBase is what v2 signs: the signature base.
func BenchmarkEd25519VerifyBase(b *testing.B) {
	v, _ := benchVector(b, "v2")
	benchmarkEd25519Verify(b, []byte(v.SignatureBase))
}

// benchmarkVerify verifies the scheme's golden request with the clock it
// was signed at.
func benchmarkVerify(b *testing.B, scheme string) {
	v, r := benchVector(b, scheme)
	verifier := pinnedVerifier(v.ClientTime)
	b.ReportAllocs()
	for b.Loop() {
		if res := verifier.verifyRequest(r); !res.OK() {
			b.Fatal(res.Message)
		}
	}
}

// benchmarkEd25519Verify checks one Ed25519 signature of message by the
// golden key, and nothing else.
func benchmarkEd25519Verify(b *testing.B, message []byte) {
	priv := golden.MustLoad(b).PrivateKey()
	sig := ed25519.Sign(priv, message)
	pub := priv.Public().(ed25519.PublicKey)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, message, sig) {
			b.Fatal("verify failed")
		}
	}
}
