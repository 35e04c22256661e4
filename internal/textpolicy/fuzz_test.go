package textpolicy

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzCheck runs Check on arbitrary values of every kind. It must not
// panic; an accepted value is valid UTF-8, holds no refused character, fits
// the limit, is not blank when required, is in normal form and is accepted
// unchanged by Check and Verify; a refusal is an *Error naming the field
// whose position points at the character it names.
func FuzzCheck(f *testing.F) {
	for _, k := range allKinds {
		for _, v := range []string{
			"Ada Lovelace", "  Ada  ", "ada@example.com", "Ada@Example.com ",
			"a\x00b", "a\u202eb", "\u200b", "a\u2028b", "ab\xffcd", "\xed\xa0\x80",
			"line 1\r\nline 2\n\tx", "a\rb", "👩\u200d💻", "שלום", "\ufffe", "\u3164",
		} {
			f.Add(uint8(k), v)
		}
	}
	f.Fuzz(func(t *testing.T, k uint8, value string) {
		kind := Kind(k%4 + 1)
		ru, _ := kind.rules()
		out, err := Check(kind, "field", value)
		if err != nil {
			checkRefusal(t, kind, value, err)
			return
		}
		if !utf8.ValidString(out) {
			t.Fatalf("accepted %+q: result %+q is not UTF-8", value, out)
		}
		if n := utf8.RuneCountInString(out); n > ru.maxRunes || (ru.maxBytes > 0 && len(out) > ru.maxBytes) {
			t.Fatalf("accepted %+q: result is %d characters, %d bytes", value, n, len(out))
		}
		visible := false
		for i, r := range out {
			switch {
			case isControl(r) && !(!ru.singleLine && (r == '\t' || r == '\n' || (r == '\r' && strings.HasPrefix(out[i+1:], "\n")))):
				t.Fatalf("accepted %+q: control %U", value, r)
			case isBidiControl(r), isSeparator(r), isNoncharacter(r):
				t.Fatalf("accepted %+q: %U", value, r)
			case ru.email && (invisible(r) || unicode.IsSpace(r)):
				t.Fatalf("accepted email %+q: %U", value, r)
			}
			visible = visible || !(unicode.IsSpace(r) || invisible(r))
		}
		if ru.required && !visible {
			t.Fatalf("accepted blank %+q", value)
		}
		if ru.singleLine && out != strings.TrimSpace(out) {
			t.Fatalf("accepted %+q: result %+q is not trimmed", value, out)
		}
		if ru.email && out != strings.ToLower(out) {
			t.Fatalf("accepted %+q: result %+q is not lower-case", value, out)
		}
		if !ru.singleLine && out != value {
			t.Fatalf("description %+q stored as %+q", value, out)
		}
		if again, err := Check(kind, "field", out); err != nil || again != out {
			t.Fatalf("Check is not idempotent on %+q: %+q, %v", out, again, err)
		}
		if err := Verify(kind, "field", out); err != nil {
			t.Fatalf("Verify refuses Check's result %+q: %v", out, err)
		}
	})
}

func checkRefusal(t *testing.T, kind Kind, value string, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Check(%v, %+q): %v is not an *Error", kind, value, err)
	}
	msg := e.Error()
	if e.Field != "field" || e.Kind != kind || !strings.HasPrefix(msg, "field") || !utf8.ValidString(msg) {
		t.Fatalf("Check(%v, %+q): %+v: %q", kind, value, *e, msg)
	}
	if e.Index < 0 {
		return
	}
	// The position counts characters of the value as given, a bad byte as
	// one character.
	i, n := 0, 0
	for ; n < e.Index && i < len(value); n++ {
		_, size := utf8.DecodeRuneInString(value[i:])
		i += size
	}
	if i >= len(value) {
		t.Fatalf("Check(%v, %+q): index %d is past the end", kind, value, e.Index)
	}
	r, size := utf8.DecodeRuneInString(value[i:])
	if e.Reason == InvalidUTF8 {
		if size != 1 || r != utf8.RuneError || rune(value[i]) != e.Rune {
			t.Fatalf("Check(%v, %+q): invalid byte %#x at %d is not there", kind, value, e.Rune, e.Index)
		}
		return
	}
	if r != e.Rune && !(kind == Email && unicode.ToLower(r) == e.Rune) {
		t.Fatalf("Check(%v, %+q): %U at %d, but the value has %U there", kind, value, e.Rune, e.Index, r)
	}
}
