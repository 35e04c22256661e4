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

func BenchmarkVerifyV1(b *testing.B) {
	v, r := benchVector(b, "v1")
	verifier := pinnedVerifier(v.ClientTime)
	b.ReportAllocs()
	for b.Loop() {
		if res := verifier.verifyRequest(r); !res.OK() {
			b.Fatal(res.Message)
		}
	}
}

func BenchmarkVerifyV2(b *testing.B) {
	v, r := benchVector(b, "v2")
	verifier := pinnedVerifier(v.ClientTime)
	b.ReportAllocs()
	for b.Loop() {
		if res := verifier.verifyRequest(r); !res.OK() {
			b.Fatal(res.Message)
		}
	}
}

func BenchmarkEd25519VerifyDigest(b *testing.B) {
	v, _ := benchVector(b, "v1")
	priv := golden.MustLoad(b).PrivateKey()
	digest := sha256.Sum256([]byte(v.Body))
	sig := ed25519.Sign(priv, digest[:])
	pub := priv.Public().(ed25519.PublicKey)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, digest[:], sig) {
			b.Fatal("verify failed")
		}
	}
}

func BenchmarkEd25519VerifyBase(b *testing.B) {
	v, _ := benchVector(b, "v2")
	priv := golden.MustLoad(b).PrivateKey()
	base := []byte(v.SignatureBase)
	sig := ed25519.Sign(priv, base)
	pub := priv.Public().(ed25519.PublicKey)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, base, sig) {
			b.Fatal("verify failed")
		}
	}
}
