package textpolicy

import "fmt"

// Reason says which rule a value broke. Its values are stable strings, fit
// for an API error's details.
type Reason string

// The reasons of an *Error.
const (
	InvalidUTF8   Reason = "invalid_utf8"        // Rune holds the first bad byte
	Control       Reason = "control_character"   // C0, DEL or C1 (tab and line breaks in single-line kinds)
	BidiControl   Reason = "bidi_control"        // Bidi_Control
	LineSeparator Reason = "line_separator"      // U+2028 or U+2029
	Noncharacter  Reason = "noncharacter"        // Noncharacter_Code_Point
	Invisible     Reason = "invisible_character" // whitespace or an invisible character inside an email
	Blank         Reason = "blank"               // a required value empty or only whitespace and invisible characters
	TooLong       Reason = "too_long"            // Length characters beyond Limit
	TooManyBytes  Reason = "too_many_bytes"      // Length UTF-8 bytes beyond Limit (emails)
	NotEmail      Reason = "not_an_email"        // Value is not a plain address
	NotNormalised Reason = "not_normalised"      // Verify only: Check would store Value instead
)

// Error is a value the policy refuses. Its message names the field, says
// what is wrong and what to do, for example
//
//	name: U+202E RIGHT-TO-LEFT OVERRIDE at character 4 is a bidi control character; remove it (right-to-left letters need no control characters)
type Error struct {
	// Field is the field's name as the caller gave it, e.g. "admin.name".
	Field string
	Kind  Kind
	// Reason is the rule broken.
	Reason Reason
	// Rune is the character at fault, for the character reasons; the first
	// byte that is not UTF-8 for InvalidUTF8; the first character of the
	// value for a Blank value that is not empty.
	Rune rune
	// Index is the position of Rune, counted in characters from 0, in the
	// value as given (before trimming); a bad byte counts as one character.
	// It is -1 when the error is about the whole value. Messages print it
	// counted from 1.
	Index int
	// Length and Limit are the value's length and the limit it exceeds, in
	// characters for TooLong and in UTF-8 bytes for TooManyBytes.
	Length, Limit int
	// Value is the normalised value, for NotEmail and NotNormalised.
	Value string
}

func (e *Error) Error() string {
	at := func() string { return fmt.Sprintf("%s at character %d", describeRune(e.Rune), e.Index+1) }
	f := e.Field
	switch e.Reason {
	case InvalidUTF8:
		return fmt.Sprintf("%s is not valid UTF-8: byte 0x%02X at character %d does not belong to a UTF-8 character; send the text encoded as UTF-8", f, e.Rune, e.Index+1)
	case Control:
		switch {
		case e.Kind == Description && e.Rune == '\r':
			return fmt.Sprintf("%s: %s is not followed by a line feed; end lines with \\n or \\r\\n", f, at())
		case e.Kind == Description:
			return fmt.Sprintf("%s: %s is a control character; remove it (tabs and line breaks, \\n or \\r\\n, are allowed)", f, at())
		case e.Rune == '\t' || e.Rune == '\n' || e.Rune == '\r':
			return fmt.Sprintf("%s: %s is a control character, and %s is a single line; remove it", f, at(), f)
		}
		return fmt.Sprintf("%s: %s is a control character; remove it", f, at())
	case BidiControl:
		return fmt.Sprintf("%s: %s is a bidi control character; remove it (right-to-left letters need no control characters)", f, at())
	case LineSeparator:
		if e.Kind == Description {
			return fmt.Sprintf("%s: %s is a line separator; break lines with \\n instead", f, at())
		}
		return fmt.Sprintf("%s: %s is a line separator, and %s is a single line; remove it", f, at(), f)
	case Noncharacter:
		return fmt.Sprintf("%s: %s is a noncharacter, which is not for use in text; remove it", f, at())
	case Invisible:
		return fmt.Sprintf("%s: %s is whitespace or an invisible character, which an email address cannot hold; remove it", f, at())
	case Blank:
		if e.Index < 0 {
			return fmt.Sprintf("%s is required and must not be blank", f)
		}
		return fmt.Sprintf("%s is blank: it holds only invisible characters and whitespace, from %s; write visible text", f, at())
	case TooLong:
		return fmt.Sprintf("%s is %d characters long; the limit is %d", f, e.Length, e.Limit)
	case TooManyBytes:
		return fmt.Sprintf("%s is %d bytes long in UTF-8; the limit is %d bytes", f, e.Length, e.Limit)
	case NotEmail:
		return fmt.Sprintf("%s %q is not an email address (expected a plain address such as ada@example.com)", f, e.Value)
	case NotNormalised:
		how := "surrounding whitespace trimmed"
		if e.Kind == Email {
			how += ", lower-cased"
		}
		return fmt.Sprintf("%s is not in the form the emulator stores; write it as %q (%s)", f, e.Value, how)
	}
	return fmt.Sprintf("%s: %s", f, e.Reason)
}
