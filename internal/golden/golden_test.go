package golden

import (
	"crypto/ed25519"
	"encoding/hex"
	"slices"
	"testing"
)

func TestLoad(t *testing.T) {
	f := MustLoad(t)
	for _, scheme := range []string{"v1", "v2"} {
		if !slices.ContainsFunc(f.Vectors, func(v Vector) bool { return v.Scheme == scheme }) {
			t.Errorf("no %s vector", scheme)
		}
	}
	for _, v := range f.Vectors {
		if v.Name == "" || v.Method == "" || v.RequestTarget == "" || len(v.ExpectedHeaders) == 0 {
			t.Errorf("vector %q lacks a field the tests rely on: %+v", v.Name, v)
		}
	}
	if f.Key.PrivateKeyOpenSSH == "" || f.Key.PublicKeyOpenSSH == "" {
		t.Error("key lacks its OpenSSH forms")
	}
}

func TestPrivateKeyIsTheSeeds(t *testing.T) {
	f := MustLoad(t)
	priv := f.PrivateKey()
	if got := hex.EncodeToString(priv.Seed()); got != f.Key.SeedHex {
		t.Errorf("seed = %s, want %s", got, f.Key.SeedHex)
	}
	pub := priv.Public().(ed25519.PublicKey)
	if got := hex.EncodeToString(pub); got != f.Key.PublicKeyHex {
		t.Errorf("public key = %s, want %s", got, f.Key.PublicKeyHex)
	}
}

func TestPrivateKeyPanicsOnABadSeed(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("PrivateKey accepted a 31-byte seed")
		}
	}()
	File{Key: Key{SeedHex: hex.EncodeToString(make([]byte, 31))}}.PrivateKey()
}

func TestSentHeadersPreferTheCredentials(t *testing.T) {
	v := Vector{
		OtherHeaders:    map[string]string{"Accept": "application/json", "Authorization": "unsigned"},
		ExpectedHeaders: map[string]string{"Authorization": "signed"},
	}
	got := v.SentHeaders()
	if len(got) != 2 || got["Accept"] != "application/json" || got["Authorization"] != "signed" {
		t.Errorf("SentHeaders() = %v", got)
	}
	if v.OtherHeaders["Authorization"] != "unsigned" {
		t.Error("SentHeaders changed the vector's own map")
	}
}
