package api

import (
	"unicode/utf8"

	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// The text a JSON body may hold: valid UTF-8, and no UTF-16 surrogate
// escape without its other half.

// checkString refuses a string literal with invalid UTF-8 or a lone
// surrogate escape. raw is the literal, quotes included, as Token read it
// (so its escapes are well formed).
func checkString(raw []byte, path string) error {
	name := path
	what := name
	if what == "" {
		what = "the request body"
	}
	if i := invalidUTF8(raw); i >= 0 {
		return errs.Invalid(name, "%s holds bytes that are not UTF-8 (byte %d of the string); send text encoded as UTF-8", what, i)
	}
	if esc := loneSurrogate(raw); esc != "" {
		return errs.Invalid(name, `%s holds the escape %s, half of a UTF-16 surrogate pair without its other half; escape a character beyond U+FFFF as a pair such as \ud83d\ude00`, what, esc)
	}
	return nil
}

// checkKey is checkString for a field name of the object at path.
func checkKey(raw []byte, path string) error {
	where := "a field name of the request body"
	if path != "" {
		where = "a field name in " + path
	}
	if i := invalidUTF8(raw); i >= 0 {
		return errs.Invalid(path, "%s holds bytes that are not UTF-8 (byte %d of the name); send text encoded as UTF-8", where, i)
	}
	if esc := loneSurrogate(raw); esc != "" {
		return errs.Invalid(path, `%s holds the escape %s, half of a UTF-16 surrogate pair without its other half`, where, esc)
	}
	return nil
}

// invalidUTF8 returns the offset of the first byte of s that is not UTF-8,
// or -1.
func invalidUTF8(s []byte) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// loneSurrogate returns the first \uXXXX escape of a string literal that is
// half of a surrogate pair without the other half, or "".
func loneSurrogate(raw []byte) string {
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 >= len(raw) {
			continue
		}
		if raw[i+1] != 'u' {
			i++ // skip the escaped character
			continue
		}
		v, ok := hex4(raw, i+2)
		if !ok {
			continue
		}
		switch {
		case v >= 0xD800 && v <= 0xDBFF:
			if lo, ok := hex4(raw, i+8); ok && i+7 < len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' && lo >= 0xDC00 && lo <= 0xDFFF {
				i += 11 // the pair
				continue
			}
			return string(raw[i : i+6])
		case v >= 0xDC00 && v <= 0xDFFF:
			return string(raw[i : i+6])
		}
		i += 5
	}
	return ""
}

// hex4 reads the four hex digits at b[at:].
func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var v rune
	for _, c := range b[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
