package textpolicy

import (
	"testing"
	"unicode"
)

// Each class of characters is a hand-written range check; these tests hold
// it to Go's Unicode tables over the whole code space.

func TestClassesMatchUnicodeTables(t *testing.T) {
	for _, c := range []struct {
		name  string
		ours  func(rune) bool
		table func(rune) bool
	}{
		{"control (Cc)", isControl, func(r rune) bool { return unicode.Is(unicode.Cc, r) }},
		{"Bidi_Control", isBidiControl, func(r rune) bool { return unicode.Is(unicode.Bidi_Control, r) }},
		{"separator (Zl, Zp)", isSeparator, func(r rune) bool { return unicode.In(r, unicode.Zl, unicode.Zp) }},
		{"Noncharacter_Code_Point", isNoncharacter, func(r rune) bool { return unicode.Is(unicode.Noncharacter_Code_Point, r) }},
	} {
		for r := rune(0); r <= unicode.MaxRune; r++ {
			if c.ours(r) != c.table(r) {
				t.Errorf("%s: %U is %v here, %v in Go's unicode tables", c.name, r, c.ours(r), c.table(r))
			}
		}
	}
}

// TestDefaultIgnorableTable derives Default_Ignorable_Code_Point from Go's
// unicode tables with the formula DerivedCoreProperties.txt (Unicode 15.0)
// gives for it:
//
//	Other_Default_Ignorable_Code_Point
//	+ Cf (format characters)
//	+ Variation_Selector
//	- White_Space
//	- FFF9..FFFB (interlinear annotation format characters)
//	- 13430..1343F (Egyptian hieroglyph format characters)
//	- Prepended_Concatenation_Mark (format characters that should be visible)
//
// and compares the result with the table copied from that file. The file
// totals 4174 code points.
func TestDefaultIgnorableTable(t *testing.T) {
	derived := func(r rune) bool {
		in := unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Cf, unicode.Variation_Selector)
		out := unicode.Is(unicode.White_Space, r) ||
			(r >= 0xFFF9 && r <= 0xFFFB) ||
			(r >= 0x13430 && r <= 0x1343F) ||
			unicode.Is(unicode.Prepended_Concatenation_Mark, r)
		return in && !out
	}
	total := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		table := unicode.Is(defaultIgnorable, r)
		if table != derived(r) {
			t.Errorf("%U: Default_Ignorable_Code_Point is %v in the table, %v by derivation from Go's Unicode %s", r, table, derived(r), unicode.Version)
		}
		if table {
			total++
		}
	}
	if total != 4174 {
		t.Errorf("the table holds %d code points; DerivedCoreProperties.txt lists 4174", total)
	}
}

func TestInvisible(t *testing.T) {
	for _, r := range []rune{0x00AD, 0x034F, 0x115F, 0x1160, 0x180E, 0x200B, 0x200C, 0x200D, 0x2060, 0x3164, 0xFE0F, 0xFEFF, 0xFFA0, 0xE0001, 0xE0020, 0xE01EF, 0x2800, 0x1D159} {
		if !invisible(r) {
			t.Errorf("%U is not invisible", r)
		}
	}
	// White space is not "invisible" (blank checks treat it apart), nor
	// are ordinary characters, nor the visible format characters.
	for _, r := range []rune{' ', '\t', 0xA0, 0x3000, 'a', 0x0301, 0x0600, 0xFFF9, 0x13430, 0xFFFD, 0xE000} {
		if invisible(r) {
			t.Errorf("%U is invisible", r)
		}
	}
}
