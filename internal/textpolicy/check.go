package textpolicy

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Check applies the policy of kind to value, the content of the field
// named field, and returns the value to store: trimmed for single-line
// kinds, lower-cased for emails, unchanged otherwise. A refused value
// returns an *Error. Check is idempotent: Check of its own result returns
// that result unchanged. An unknown kind is a programming error, returned
// as a plain error.
func Check(kind Kind, field, value string) (string, error) {
	ru, ok := kind.rules()
	if !ok {
		return "", fmt.Errorf("textpolicy: %v is not a kind of field", kind)
	}
	fail := func(reason Reason, r rune, index int) *Error {
		return &Error{Field: field, Kind: kind, Reason: reason, Rune: r, Index: index}
	}

	if !utf8.ValidString(value) {
		i, n := firstInvalid(value)
		return "", fail(InvalidUTF8, rune(value[i]), n)
	}

	v, skipped := value, 0 // skipped: characters trimmed from the front
	if ru.singleLine {
		v = strings.TrimLeftFunc(value, unicode.IsSpace)
		skipped = utf8.RuneCountInString(value[:len(value)-len(v)])
		v = strings.TrimRightFunc(v, unicode.IsSpace)
	}
	if ru.email {
		v = strings.ToLower(v) // rune by rune: positions do not move
	}

	if n := utf8.RuneCountInString(v); n > ru.maxRunes {
		e := fail(TooLong, 0, -1)
		e.Length, e.Limit = n, ru.maxRunes
		return "", e
	}
	if ru.maxBytes > 0 && len(v) > ru.maxBytes {
		e := fail(TooManyBytes, 0, -1)
		e.Length, e.Limit = len(v), ru.maxBytes
		return "", e
	}

	visible, n := false, 0
	for i, r := range v {
		if reason := refusal(ru, v, i, r); reason != "" {
			return "", fail(reason, r, skipped+n)
		}
		if !visible {
			visible = !unicode.IsSpace(r) && !invisible(r)
		}
		n++
	}
	if ru.required && !visible {
		if v == "" {
			return "", fail(Blank, 0, -1)
		}
		r, _ := utf8.DecodeRuneInString(v)
		return "", fail(Blank, r, skipped)
	}

	if ru.email {
		addr, err := mail.ParseAddress(v)
		if err != nil || addr.Address != v || addr.Name != "" {
			e := fail(NotEmail, 0, -1)
			e.Value = v
			return "", e
		}
	}
	return v, nil
}

// Verify checks a value that claims to be stored already, such as an
// entry of an imported state: it must pass Check and be in the form Check
// returns (trimmed, emails lower-cased), or the store would hold a value
// the API could never have answered. A value Check would change is refused
// with reason NotNormalised, whose Value is the form to use.
func Verify(kind Kind, field, value string) error {
	out, err := Check(kind, field, value)
	if err != nil {
		return err
	}
	if out != value {
		return &Error{Field: field, Kind: kind, Reason: NotNormalised, Index: -1, Value: out}
	}
	return nil
}

// firstInvalid returns the byte offset of the first byte of s that does not
// belong to a UTF-8 character, and the number of characters before it.
func firstInvalid(s string) (offset, index int) {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i, index
			}
		}
		index++
	}
	return len(s), index
}
