package api

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
)

func TestPageTokenRoundTrip(t *testing.T) {
	for _, c := range []accounts.Cursor{
		accounts.CreatedCursor(mustTime(t, "2025-01-02T03:04:05.123456Z"), "3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10"),
		{Order: accounts.OrderName, Desc: true, Key: "cats 100% ünïcode", ID: "3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10"},
		{Order: accounts.OrderName, Key: "", ID: "x"}, // an empty title sorts first
	} {
		token := encodePageToken(c)
		got, err := decodePageToken(token)
		if err != nil || got != c {
			t.Errorf("decode(encode(%+v)) = %+v, %v", c, got, err)
		}
		if _, err := base64.RawURLEncoding.DecodeString(token); err != nil {
			t.Errorf("token %q is not base64url without padding: %v", token, err)
		}
	}
}

func TestPageTokenTampered(t *testing.T) {
	valid := encodePageToken(accounts.Cursor{Order: accounts.OrderCreated, Key: "20250102T030405.000000", ID: "3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10"})
	// b64 makes a token of text with a valid checksum: only its structure
	// is wrong.
	b64 := func(text string) string {
		return base64.RawURLEncoding.EncodeToString(binary.BigEndian.AppendUint32([]byte(text), crc32.ChecksumIEEE([]byte(text))))
	}
	raw, _ := base64.RawURLEncoding.DecodeString(valid)
	flipped := append([]byte(nil), raw...)
	flipped[len(flipped)-10] ^= 1 // a character of the id
	for name, token := range map[string]string{
		"not base64":          "!!!",
		"padded":              valid + "=",
		"truncated":           valid[:len(valid)-3],
		"a flipped bit":       base64.RawURLEncoding.EncodeToString(flipped),
		"no checksum":         base64.RawURLEncoding.EncodeToString(raw[:len(raw)-4]),
		"an offset":           base64.RawURLEncoding.EncodeToString([]byte("100")),
		"a checked offset":    b64("100"),
		"three parts":         b64("createdAt\x00asc\x00x"),
		"five parts":          b64("createdAt\x00asc\x00k\x00id\x00more"),
		"unknown order":       b64("size\x00asc\x00k\x00id"),
		"unknown direction":   b64("name\x00up\x00k\x00id"),
		"no id":               b64("name\x00asc\x00k\x00"),
		"invalid UTF-8":       b64("name\x00asc\x00\xff\x00id"),
		"standard base64 '+'": "+/+/",
	} {
		_, err := decodePageToken(token)
		var e *errs.Error
		if !errors.As(err, &e) || e.Status() != 400 || e.Details["field"] != "pageToken" {
			t.Errorf("%s (%q): got %v, want a 400 naming pageToken", name, token, err)
		}
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}
