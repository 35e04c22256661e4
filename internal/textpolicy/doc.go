// Package textpolicy is the one rule for every user-supplied string the
// emulator stores: names, titles, descriptions and emails, whether they come
// from the management or control plane, an SDK body, the seed file or a
// state import. Check applies it and returns the value to store; a refusal
// is an *Error naming the field, what was wrong, where, and what to do.
//
// The package depends on the standard library only, so every layer can call
// it.
//
// # Kinds
//
//	kind         required  lines   trimmed  limit
//	Name         yes       one     yes      200 characters
//	Title        yes       one     yes      200 characters
//	Description  no        many    no       2000 characters
//	Email        yes       one     yes      254 characters and 254 UTF-8 bytes, lower-cased, a plain address
//
// Names and titles follow the same rules; they are two kinds because they
// are two limits of the documented API, which may part one day. A key's
// title is required, as a name is.
//
// # Rules, in the order they are checked
//
//  1. Valid UTF-8. A Go string may hold any bytes; a value that is not UTF-8
//     is refused, naming the first bad byte. UTF-16 surrogates (U+D800 to
//     U+DFFF) cannot appear in valid UTF-8, so a lone surrogate encoded
//     byte by byte is refused by this rule too. (A JSON escape such as
//     "\ud800" never reaches this package: encoding/json decodes it to
//     U+FFFD, so a decoder that wants to refuse it must look at the raw
//     body.)
//  2. Normalisation. Single-line kinds lose their surrounding whitespace
//     (strings.TrimSpace: Unicode White_Space, which includes tab, line
//     breaks, U+0085, U+00A0, U+2028 and U+2029), as names always were.
//     Emails are then lower-cased, since they identify people
//     case-insensitively. Descriptions are kept exactly as sent. Nothing is
//     NFC-normalised: the stores hold, and every answer returns, the
//     characters the client sent, so a client comparing the title it set
//     with the title it reads back finds them equal. Every later rule sees
//     the normalised value; the positions it reports count characters in
//     the value as given.
//  3. Length, in characters (runes), not bytes: a 200-character name may be
//     800 bytes of emoji. An email is also held to 254 bytes of UTF-8, the
//     limit of an address in SMTP (RFC 5321), which was the only limit of
//     emails before this package.
//  4. Characters. Refused everywhere:
//     - control characters: C0 (U+0000 to U+001F, NUL included), DEL
//     (U+007F) and C1 (U+0080 to U+009F). The exception is a description,
//     which is free text a person writes in a text area: it may hold tab
//     (U+0009), line feed (U+000A), and carriage return (U+000D) when a
//     line feed follows it (a browser submits a text area's line breaks
//     as CR LF). A carriage return alone is refused: on a terminal or in
//     a log it moves back to the start of the line and hides what came
//     before it.
//     - bidi controls (the Unicode Bidi_Control property: U+061C, U+200E,
//     U+200F, U+202A to U+202E, U+2066 to U+2069). They make text display
//     in an order other than the one it is stored in ("Trojan Source").
//     Right-to-left letters, Hebrew or Arabic, need none of them.
//     - line and paragraph separators (U+2028, U+2029): single-line kinds
//     hold one line, and a description breaks lines with \n; these two
//     also break JavaScript string literals in older engines.
//     - noncharacters (U+FDD0 to U+FDEF, and the last two code points of
//     every plane, U+FFFE, U+FFFF, U+1FFFE ... U+10FFFF), which Unicode
//     reserves for a program's internal use, never for interchange.
//     Refused inside emails only: whitespace and invisible characters
//     (below). net/mail accepts U+00A0 or U+200B inside an address, and
//     such an address looks like another person's, or like two words.
//  5. Not blank, for required kinds: a value is blank when, once trimmed,
//     it is empty or holds only whitespace and invisible characters.
//     Invisible means the Unicode Default_Ignorable_Code_Point property
//     (zero-width space and joiners, U+2060, U+FEFF, soft hyphen,
//     variation selectors, the Hangul fillers U+115F, U+1160, U+3164,
//     U+FFA0, U+180E, tag characters, ...; table in invisible.go) plus two
//     characters that have no ink though Unicode gives them none of these
//     properties: U+2800 BRAILLE PATTERN BLANK and U+1D159 MUSICAL SYMBOL
//     NULL NOTEHEAD, the usual way to make a name look empty.
//  6. Email shape: a plain address as net/mail reads it, such as
//     ada@example.com, without a display name, angle brackets or quoting.
//     Which domain an email may use is the business of package accounts.
//
// # Allowed on purpose
//
// Invisible characters inside names, titles and descriptions are allowed:
// the zero-width joiner builds emoji sequences (👩‍💻), the zero-width
// non-joiner is part of Persian and Indic spelling, variation selectors
// choose emoji presentation, tag characters spell the flags of England,
// Scotland and Wales. They only cannot make up a whole required value.
// Private-use characters (U+E000 to U+F8FF, planes 15 and 16) are allowed:
// icon fonts use them and they change no layout. Unassigned code points are
// allowed: which ones are unassigned depends on the Unicode version of the
// Go toolchain, and refusing them would refuse the emoji of a phone newer
// than the toolchain. Combining marks, CJK, and right-to-left letters are
// ordinary text.
package textpolicy
