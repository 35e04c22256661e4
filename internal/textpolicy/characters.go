package textpolicy

import "unicode"

// The classes of characters the policy refuses. Each is a closed range list
// taken from Unicode; the tests compare them with Go's unicode tables.

// isControl reports C0 controls, DEL and C1 controls: the general category
// Cc, which is exactly these 65 code points.
func isControl(r rune) bool {
	return r < 0x20 || (r >= 0x7F && r <= 0x9F)
}

// isBidiControl reports the Bidi_Control property.
func isBidiControl(r rune) bool {
	switch {
	case r == 0x061C, r == 0x200E, r == 0x200F:
		return true
	case r >= 0x202A && r <= 0x202E:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// isSeparator reports LINE SEPARATOR and PARAGRAPH SEPARATOR, the general
// categories Zl and Zp.
func isSeparator(r rune) bool {
	return r == 0x2028 || r == 0x2029
}

// isNoncharacter reports the Noncharacter_Code_Point property: U+FDD0 to
// U+FDEF, and U+nFFFE and U+nFFFF of each of the 17 planes.
func isNoncharacter(r rune) bool {
	return (r >= 0xFDD0 && r <= 0xFDEF) || (r&0xFFFE == 0xFFFE && r <= 0x10FFFF)
}

// refusal says why the character r, at byte offset i of s, may not appear
// in a value obeying ru, or "" when it may.
func refusal(ru rules, s string, i int, r rune) Reason {
	switch {
	case r > 0x20 && r < 0x7F:
		return ""
	case isControl(r):
		if !ru.singleLine && (r == '\t' || r == '\n' || (r == '\r' && i+1 < len(s) && s[i+1] == '\n')) {
			return ""
		}
		return Control
	case isBidiControl(r):
		return BidiControl
	case isSeparator(r):
		return LineSeparator
	case isNoncharacter(r):
		return Noncharacter
	case ru.email && (invisible(r) || unicode.IsSpace(r)):
		return Invisible
	}
	return ""
}
