package sshkey

import (
	"errors"
	"fmt"
)

// Kind classifies why a key was rejected. A Kind is itself an error, so that
// callers can test for it without a type assertion:
//
//	if errors.Is(err, sshkey.KindPrivateKey) { ... }
//
// Kinds are comparable constants; they never change at run time.
type Kind uint8

// The kinds of rejection. Every rejection is an *Error
// carrying one of them.
const (
	// KindEmpty: nothing but white space was given.
	KindEmpty Kind = iota + 1

	// KindMalformed: the input is not a key at all, or a key whose data is
	// damaged (garbage, truncated or garbled base64, input over the size
	// limit, a key split over several lines, a key without its type).
	KindMalformed

	// KindPrivateKey: a private key was given where a public key belongs.
	KindPrivateKey

	// KindNotPrivateKey: something other than a private key (for example a
	// public key line) was given where a private key belongs.
	KindNotPrivateKey

	// KindUnsupportedType: a well-formed key of a type other than plain
	// ssh-ed25519 (ssh-rsa, ecdsa-sha2-nistp256, ssh-dss,
	// sk-ssh-ed25519@openssh.com, certificates, ...). Error.KeyType names it.
	KindUnsupportedType

	// KindUnsupportedFormat: the right kind of key in an encoding the Encord
	// SDK cannot use (RFC 4716 or PEM public keys, PKCS#8 or PuTTY private
	// keys).
	KindUnsupportedFormat

	// KindMultipleKeys: more than one key where exactly one is expected.
	KindMultipleKeys

	// KindOptions: an authorized_keys line with an options prefix such as
	// command="..." or restrict.
	KindOptions

	// KindPassphraseProtected: a private key encrypted with a passphrase.
	KindPassphraseProtected

	// KindNotOnCurve: a well-formed ssh-ed25519 key whose 32 bytes encode no
	// point of the Ed25519 curve (see ValidatePublicKey).
	KindNotOnCurve

	// KindSmallOrder: a key that is one of the 8 small-order points, such as
	// the identity, in any encoding; anyone can forge signatures for it.
	// Error.Point names the point.
	KindSmallOrder

	// KindNonCanonical: a key that encodes a valid point in a non-canonical
	// way (y not reduced modulo 2^255-19), a second spelling of a real key.
	KindNonCanonical
)

// String returns a short, stable description of the kind, for logs and
// metrics. It is not the message shown to users: that is Error.Error.
func (k Kind) String() string {
	switch k {
	case KindEmpty:
		return "empty key"
	case KindMalformed:
		return "malformed key"
	case KindPrivateKey:
		return "private key where a public key is expected"
	case KindNotPrivateKey:
		return "not a private key"
	case KindUnsupportedType:
		return "unsupported key type"
	case KindUnsupportedFormat:
		return "unsupported key format"
	case KindMultipleKeys:
		return "more than one key"
	case KindOptions:
		return "authorized_keys options not allowed"
	case KindPassphraseProtected:
		return "passphrase-protected private key"
	case KindNotOnCurve:
		return "not a point of the Ed25519 curve"
	case KindSmallOrder:
		return "small-order point"
	case KindNonCanonical:
		return "non-canonical point encoding"
	}
	return fmt.Sprintf("sshkey.Kind(%d)", uint8(k))
}

// Error makes a Kind usable as the target of errors.Is.
func (k Kind) Error() string { return "sshkey: " + k.String() }

// Error is the error type of every rejected input: Parse, ParsePrivateKey,
// FromHex, FromEd25519, ValidatePublicKey and ValidatePublicKeyHex return no
// other. (Generate fails only when
// crypto/rand does, with a plain wrapped error.)
//
// Error() is a complete sentence or two written for the person who supplied
// the key: it says what is wrong and what to do, and is safe to return
// verbatim in an HTTP 400 response. It never repeats key material from the
// input; the only text taken from the input is a key type name, and only
// when it is a short string of the characters key type names are made of.
//
// errors.Is(err, k) reports whether err is an *Error of Kind k. The
// underlying error from golang.org/x/crypto/ssh, when there is one, is also
// reachable through errors.Is and errors.As, for logs.
type Error struct {
	Kind Kind

	// KeyType names the rejected key type for KindUnsupportedType, as it
	// appears in OpenSSH ("ssh-rsa", "ecdsa-sha2-nistp256", ...). It may be
	// empty when the type could not be named safely. Empty for other kinds.
	KeyType string

	// Point names the rejected point for KindSmallOrder: "the identity",
	// "the point of order 2", "a point of order 4" or "a point of order 8".
	// Empty for other kinds.
	Point string

	msg   string
	cause error
}

func (e *Error) Error() string { return e.msg }

// Unwrap exposes the Kind and the underlying cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.cause == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.cause}
}

// KindOf returns the Kind of err, or 0 when err is not (and does not wrap) an
// *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

func newError(kind Kind, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, msg: fmt.Sprintf(format, args...), cause: cause}
}
