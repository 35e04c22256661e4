package textpolicy

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var allKinds = []Kind{Name, Title, Description, Email}

// inField places s inside a value of kind k, so that it is neither at an
// edge (where trimming would remove white space) nor the whole value
// (where blankness would be checked first): "ab" + s + "c", or an email
// with s in its local part. The character s starts at index 2.
func inField(k Kind, s string) string {
	if k == Email {
		return "ab" + s + "c@example.com"
	}
	return "ab" + s + "c"
}

// refuse asserts Check(k, "f", v) fails with reason, naming rune r at
// character index.
func refuse(t *testing.T, k Kind, v string, reason Reason, r rune, index int) *Error {
	t.Helper()
	out, err := Check(k, "f", v)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Check(%v, %+q) = %+q, %v; want an *Error with reason %s", k, v, out, err, reason)
	}
	if e.Reason != reason || e.Rune != r || e.Index != index || e.Field != "f" || e.Kind != k {
		t.Fatalf("Check(%v, %+q): got %+v; want reason %s, rune %U, index %d", k, v, *e, reason, r, index)
	}
	if out != "" {
		t.Fatalf("Check(%v, %+q) refused but returned %+q", k, v, out)
	}
	msg := e.Error()
	if !strings.HasPrefix(msg, "f") || !utf8.ValidString(msg) {
		t.Fatalf("message %+q does not start with the field or is not UTF-8", msg)
	}
	return e
}

// accept asserts Check(k, "f", v) returns want, and that checking want
// again returns it unchanged.
func accept(t *testing.T, k Kind, v, want string) {
	t.Helper()
	out, err := Check(k, "f", v)
	if err != nil || out != want {
		t.Fatalf("Check(%v, %+q) = %+q, %v; want %+q, nil", k, v, out, err, want)
	}
	if again, err := Check(k, "f", out); err != nil || again != out {
		t.Fatalf("Check(%v, %+q) is not idempotent: %+q, %v", k, out, again, err)
	}
	if err := Verify(k, "f", out); err != nil {
		t.Fatalf("Verify(%v, %+q) = %v", k, out, err)
	}
}

func TestAcceptsOrdinaryAndTrickyText(t *testing.T) {
	for _, tc := range []struct {
		kind     Kind
		in, want string
	}{
		{Name, "Ada Lovelace", "Ada Lovelace"},
		{Name, "  Ada  ", "Ada"},
		{Name, "\t Ada \r\n", "Ada"},             // line breaks at the edges are white space: trimmed
		{Name, "\u00a0Ada\u3000\u2028", "Ada"},   // so are NBSP, ideographic space and U+2028
		{Name, "\u0085Ada", "Ada"},               // NEXT LINE is white space too
		{Name, "🚀 Rocket team", "🚀 Rocket team"}, // emoji
		{Name, "👩\u200d💻 dev", "👩\u200d💻 dev"},   // ZWJ inside an emoji sequence
		{Name, "❤\ufe0f", "❤\ufe0f"},             // variation selector choosing emoji presentation
		{Name, "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"}, // flag of Scotland: tag characters
		{Name, "Zoe\u0308", "Zoe\u0308"},                 // combining diaeresis, not NFC-composed
		{Name, "Zo\u00eb", "Zo\u00eb"},                   // the composed form is kept as is too
		{Name, "数据集 一", "数据集 一"},                         // CJK
		{Name, "שלום עולם", "שלום עולם"},                 // Hebrew, right to left without controls
		{Name, "مرحبا بالعالم", "مرحبا بالعالم"},         // Arabic
		{Name, "می\u200cخواهم", "می\u200cخواهم"},         // Persian ZWNJ
		{Name, "Ada\u200bLovelace", "Ada\u200bLovelace"}, // invisible inside a visible name
		{Name, "\uE000 icons", "\uE000 icons"},           // private use
		{Name, "\U000F0000", "\U000F0000"},               // supplementary private use
		{Name, "\U0001FAE9", "\U0001FAE9"},               // unassigned in Unicode 15.0 (an emoji of 16.0)
		{Name, "\ufffd", "\ufffd"},                       // the replacement character is a character
		{Name, "\u0301", "\u0301"},                       // a lone combining mark has ink
		{Title, " laptop ", "laptop"},
		{Description, "", ""},
		{Description, "   ", "   "},                           // optional and not trimmed
		{Description, " kept as sent \n", " kept as sent \n"}, // not trimmed
		{Description, "line 1\nline 2\r\n\tindented", "line 1\nline 2\r\n\tindented"},
		{Description, "\u200b", "\u200b"}, // an invisible description is allowed: it is optional
		{Email, "  Ada@Example.COM ", "ada@example.com"},
		{Email, "ÄDÄ@exämple.com", "ädä@exämple.com"}, // internationalised address, lower-cased
		{Email, "a.b+tag@sub.example.com", "a.b+tag@sub.example.com"},
	} {
		accept(t, tc.kind, tc.in, tc.want)
	}
	if r := '\U0001FAE9'; !unicode.Is(unicode.Cn, r) {
		t.Fatalf("%U is assigned in Go's Unicode %s; pick another unassigned code point for the test", r, unicode.Version)
	}
}

func TestControlCharacters(t *testing.T) {
	for _, k := range allKinds {
		for r := rune(0); r <= 0x9F; r++ {
			if r == 0x20 {
				r = 0x7F // skip printable ASCII
			}
			v := inField(k, string(r))
			if k == Description && (r == '\t' || r == '\n') {
				accept(t, k, v, v)
				continue
			}
			e := refuse(t, k, v, Control, r, 2)
			if !strings.Contains(e.Error(), "control character") && !strings.Contains(e.Error(), "not followed by a line feed") {
				t.Fatalf("message %q does not say what is wrong", e.Error())
			}
		}
	}
	// A carriage return is part of a line break only before a line feed.
	accept(t, Description, "a\r\nb", "a\r\nb")
	refuse(t, Description, "a\rb", Control, '\r', 1)
	refuse(t, Description, "a\r", Control, '\r', 1)
	refuse(t, Description, "a\n\rb", Control, '\r', 2)
	refuse(t, Description, "a\r\rb\n", Control, '\r', 1)
	// NUL, the character Postgres cannot hold, everywhere and first.
	for _, k := range allKinds {
		refuse(t, k, inField(k, "\x00"), Control, 0, 2)
	}
	refuse(t, Description, "\x00", Control, 0, 0)
}

func TestBidiControls(t *testing.T) {
	bidi := []rune{0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}
	for _, k := range allKinds {
		for _, r := range bidi {
			refuse(t, k, inField(k, string(r)), BidiControl, r, 2)
		}
	}
	// A bidi control alone is reported as what it is, not as a blank name.
	refuse(t, Name, "\u202e", BidiControl, 0x202E, 0)
	// Positions count characters of the value as given, trimmed ones too.
	e := refuse(t, Name, "  ab\u202ecd", BidiControl, 0x202E, 4)
	if want := "f: U+202E RIGHT-TO-LEFT OVERRIDE at character 5 is a bidi control character; remove it (right-to-left letters need no control characters)"; e.Error() != want {
		t.Fatalf("message\n%s\nwant\n%s", e.Error(), want)
	}
}

func TestLineSeparators(t *testing.T) {
	for _, k := range allKinds {
		for _, r := range []rune{0x2028, 0x2029} {
			refuse(t, k, inField(k, string(r)), LineSeparator, r, 2)
		}
	}
}

func TestNoncharacters(t *testing.T) {
	for _, k := range allKinds {
		for _, r := range []rune{0xFDD0, 0xFDEF, 0xFFFE, 0xFFFF, 0x1FFFE, 0x1FFFF, 0x10FFFE, 0x10FFFF} {
			refuse(t, k, inField(k, string(r)), Noncharacter, r, 2)
		}
	}
}

func TestBlank(t *testing.T) {
	for _, k := range []Kind{Name, Title, Email} {
		for _, v := range []string{"", " ", "\t\r\n\u00a0\u3000\u2028"} {
			e := refuse(t, k, v, Blank, 0, -1)
			if want := "f is required and must not be blank"; e.Error() != want {
				t.Fatalf("message %q, want %q", e.Error(), want)
			}
		}
	}
	for _, tc := range []struct {
		v     string
		r     rune
		index int
	}{
		{"\u200b", 0x200B, 0},                // zero-width space
		{" \u200b ", 0x200B, 1},              // surrounded by spaces
		{"\u00ad", 0x00AD, 0},                // soft hyphen
		{"\u00ad\u00ad\u00ad", 0x00AD, 0},    // several
		{"\u3164", 0x3164, 0},                // Hangul filler
		{"\u115f\u1160", 0x115F, 0},          // Hangul choseong and jungseong fillers
		{"\uffa0", 0xFFA0, 0},                // halfwidth Hangul filler
		{"\ufeff", 0xFEFF, 0},                // byte order mark
		{"\u2800", 0x2800, 0},                // Braille pattern blank
		{"\U0001D159", 0x1D159, 0},           // musical null notehead
		{"\U000E0041\U000E0042", 0xE0041, 0}, // tag characters alone: hidden text
		{"\ufe0f", 0xFE0F, 0},                // variation selector
		{"\u200b\u200c\u200d\u2060\ufeff \u00ad\u034f\u180e\u3164\u115f\u1160\ufe0f\U000E0100\u2800 \u3000", 0x200B, 0}, // a mix
	} {
		for _, k := range []Kind{Name, Title} {
			e := refuse(t, k, tc.v, Blank, tc.r, tc.index)
			if !strings.Contains(e.Error(), "only invisible characters") {
				t.Fatalf("message %q does not say why the value is blank", e.Error())
			}
		}
		accept(t, Description, tc.v, tc.v) // optional: may be anything allowed
	}
	e := refuse(t, Name, "\u200b", Blank, 0x200B, 0)
	if want := "f is blank: it holds only invisible characters and whitespace, from U+200B ZERO WIDTH SPACE at character 1; write visible text"; e.Error() != want {
		t.Fatalf("message\n%s\nwant\n%s", e.Error(), want)
	}
}

func TestInvisibleAndWhitespaceInsideEmails(t *testing.T) {
	for _, r := range []rune{0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x3164, 0x2800, 0xFE0F, 0x00A0, 0x3000, 0x2009, ' '} {
		refuse(t, Email, inField(Email, string(r)), Invisible, r, 2)
	}
	// The same characters are allowed inside names.
	accept(t, Name, "a\u00a0b\u200bc", "a\u00a0b\u200bc")
}

func TestLengthIsCountedInCharacters(t *testing.T) {
	for _, tc := range []struct {
		kind Kind
		unit string // one character, of 1 to 4 bytes
	}{
		{Name, "é"}, {Name, "日"}, {Name, "🚀"}, {Title, "a"}, {Title, "🚀"},
		{Description, "é"}, {Description, "🚀"},
	} {
		limit := tc.kind.MaxLength()
		atCap := strings.Repeat(tc.unit, limit)
		accept(t, tc.kind, atCap, atCap)
		e := refuse(t, tc.kind, atCap+tc.unit, TooLong, 0, -1)
		if e.Length != limit+1 || e.Limit != limit {
			t.Fatalf("%v of %d %q: length %d, limit %d", tc.kind, limit+1, tc.unit, e.Length, e.Limit)
		}
		if want := fmt.Sprintf("f is %d characters long; the limit is %d", limit+1, limit); e.Error() != want {
			t.Fatalf("message %q, want %q", e.Error(), want)
		}
	}
	// Surrounding white space is trimmed before counting.
	atCap := strings.Repeat("é", MaxNameLength)
	accept(t, Name, "   "+atCap+"\n", atCap)
	// The length is checked before the characters: both must be fixed.
	refuse(t, Name, strings.Repeat("a", MaxNameLength)+"\x00", TooLong, 0, -1)
}

func TestEmailLength(t *testing.T) {
	domain := "@example.com"
	ascii := strings.Repeat("a", MaxEmailLength-len(domain)) + domain
	accept(t, Email, ascii, ascii)
	e := refuse(t, Email, "a"+ascii, TooLong, 0, -1)
	if e.Length != MaxEmailLength+1 || e.Limit != MaxEmailLength {
		t.Fatalf("got %+v", *e)
	}
	// 130 two-byte characters: 142 characters, 272 bytes.
	wide := strings.Repeat("é", 130) + domain
	e = refuse(t, Email, wide, TooManyBytes, 0, -1)
	if e.Length != 272 || e.Limit != MaxEmailLength {
		t.Fatalf("got %+v", *e)
	}
	if want := "f is 272 bytes long in UTF-8; the limit is 254 bytes"; e.Error() != want {
		t.Fatalf("message %q, want %q", e.Error(), want)
	}
	// Bytes are counted after lower-casing, which may change them:
	// U+023A (2 bytes) lower-cases to U+2C65 (3 bytes).
	upper := strings.Repeat("\u023a", 121) + domain // 254 bytes as given
	if len(upper) != MaxEmailLength {
		t.Fatalf("test value is %d bytes", len(upper))
	}
	refuse(t, Email, upper, TooManyBytes, 0, -1)
}

func TestEmailShape(t *testing.T) {
	for _, v := range []string{"ada", "ada@", "@example.com", "Ada<ada@example.com>", "<ada@example.com>", `"ada"@example.com`, "a@b@example.com", "ada@example.com,bob@example.com"} {
		e := refuse(t, Email, v, NotEmail, 0, -1)
		if !strings.Contains(e.Error(), "is not an email address") || e.Value != strings.ToLower(v) {
			t.Fatalf("got %+v: %s", *e, e)
		}
	}
	// A display name has a space, which is refused first.
	refuse(t, Email, "Ada <ada@example.com>", Invisible, ' ', 3)
}

func TestInvalidUTF8AndSurrogates(t *testing.T) {
	for _, k := range allKinds {
		for _, tc := range []struct {
			v     string
			b     rune
			index int
		}{
			{"ab\xffcd", 0xFF, 2},
			{"\xc3", 0xC3, 0},                     // truncated é
			{"é\xc3", 0xC3, 1},                    // truncated after a two-byte character
			{"\xc0\xaf", 0xC0, 0},                 // overlong '/'
			{"  \xfe", 0xFE, 2},                   // positions count trimmable space
			{"\xf4\x90\x80\x80", 0xF4, 0},         // beyond U+10FFFF
			{"a\xed\xa0\x80b", 0xED, 1},           // U+D800, a lone high surrogate, encoded as if it were a character
			{"\xed\xbf\xbf", 0xED, 0},             // U+DFFF, a lone low surrogate
			{"\xed\xa0\xbd\xed\xb8\x80", 0xED, 0}, // a surrogate pair in CESU-8 is not UTF-8 either
		} {
			e := refuse(t, k, tc.v, InvalidUTF8, tc.b, tc.index)
			if !strings.Contains(e.Error(), fmt.Sprintf("byte 0x%02X at character %d", tc.b, tc.index+1)) {
				t.Fatalf("message %q does not name the byte", e.Error())
			}
		}
	}
	// Every surrogate code point: Go cannot encode it, and its 3-byte
	// encoding is invalid UTF-8, so no accepted value holds one.
	for r := rune(0xD800); r <= 0xDFFF; r++ {
		if utf8.ValidRune(r) || string(r) != "\ufffd" {
			t.Fatalf("%U is encodable", r)
		}
		b := string([]byte{0xED, byte(0x80 | (r>>6)&0x3F), byte(0x80 | r&0x3F)})
		refuse(t, Name, b, InvalidUTF8, 0xED, 0)
	}
}

func TestUnknownKind(t *testing.T) {
	for _, k := range []Kind{0, Email + 1} {
		_, err := Check(k, "f", "x")
		var e *Error
		if err == nil || errors.As(err, &e) {
			t.Fatalf("Check(%v) = %v; want a plain error", k, err)
		}
		if k.MaxLength() != 0 {
			t.Fatalf("%v has a limit", k)
		}
	}
}

func TestVerify(t *testing.T) {
	for _, tc := range []struct {
		kind      Kind
		in, want  string
		lowerCase bool
	}{
		{Name, " Ada", "Ada", false},
		{Title, "laptop\n", "laptop", false},
		{Email, "Ada@example.com", "ada@example.com", true},
	} {
		err := Verify(tc.kind, "f", tc.in)
		var e *Error
		if !errors.As(err, &e) || e.Reason != NotNormalised || e.Value != tc.want || e.Index != -1 {
			t.Fatalf("Verify(%v, %q) = %v", tc.kind, tc.in, err)
		}
		if got := strings.Contains(e.Error(), "lower-cased"); got != tc.lowerCase || !strings.Contains(e.Error(), fmt.Sprintf("%q", tc.want)) {
			t.Fatalf("message %q", e.Error())
		}
	}
	// Verify refuses what Check refuses, with Check's error.
	var e *Error
	if err := Verify(Name, "f", "a\x00"); !errors.As(err, &e) || e.Reason != Control {
		t.Fatalf("Verify of a NUL: %v", err)
	}
	if err := Verify(Description, "f", " as sent\n"); err != nil {
		t.Fatalf("a description is stored as sent: %v", err)
	}
}

func TestMessagesNameTheCharacter(t *testing.T) {
	for _, tc := range []struct {
		kind Kind
		v    string
		want string
	}{
		{Name, "ab\x00", "f: U+0000 NULL at character 3 is a control character; remove it"},
		{Name, "ab\ncd", "f: U+000A LINE FEED at character 3 is a control character, and f is a single line; remove it"},
		{Description, "ab\x1b[31m", `f: U+001B ESCAPE at character 3 is a control character; remove it (tabs and line breaks, \n or \r\n, are allowed)`},
		{Description, "ab\rcd", `f: U+000D CARRIAGE RETURN at character 3 is not followed by a line feed; end lines with \n or \r\n`},
		{Name, "ab\u0085cd", "f: U+0085 NEXT LINE at character 3 is a control character; remove it"},
		{Name, "ab\u0090cd", "f: U+0090 at character 3 is a control character; remove it"},
		{Title, "ab\u2028cd", "f: U+2028 LINE SEPARATOR at character 3 is a line separator, and f is a single line; remove it"},
		{Description, "ab\u2029cd", `f: U+2029 PARAGRAPH SEPARATOR at character 3 is a line separator; break lines with \n instead`},
		{Name, "ab\uffffcd", "f: U+FFFF at character 3 is a noncharacter, which is not for use in text; remove it"},
		{Email, "a\u200d@example.com", "f: U+200D ZERO WIDTH JOINER at character 2 is whitespace or an invisible character, which an email address cannot hold; remove it"},
		{Name, "\ufe0e", "f is blank: it holds only invisible characters and whitespace, from U+FE0E VARIATION SELECTOR-15 at character 1; write visible text"},
		{Name, "\U000E0105", "f is blank: it holds only invisible characters and whitespace, from U+E0105 VARIATION SELECTOR-22 at character 1; write visible text"},
		{Email, "Ada", `f "ada" is not an email address (expected a plain address such as ada@example.com)`},
	} {
		_, err := Check(tc.kind, "f", tc.v)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Check(%v, %+q):\n got %v\nwant %s", tc.kind, tc.v, err, tc.want)
		}
	}
}
