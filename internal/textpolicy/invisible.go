package textpolicy

import "unicode"

// defaultIgnorable is the Unicode property Default_Ignorable_Code_Point,
// copied from DerivedCoreProperties.txt of Unicode 15.0.0 (the version of
// Go's unicode tables): characters a renderer shows as nothing when it has
// no glyph for them. The test derives the property from Go's own tables by
// the formula of that file and compares the two over every code point, so
// a toolchain whose Unicode changes the property fails the test.
var defaultIgnorable = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x00AD, Hi: 0x00AD, Stride: 1}, // SOFT HYPHEN
		{Lo: 0x034F, Hi: 0x034F, Stride: 1}, // COMBINING GRAPHEME JOINER
		{Lo: 0x061C, Hi: 0x061C, Stride: 1}, // ARABIC LETTER MARK
		{Lo: 0x115F, Hi: 0x1160, Stride: 1}, // HANGUL CHOSEONG FILLER..HANGUL JUNGSEONG FILLER
		{Lo: 0x17B4, Hi: 0x17B5, Stride: 1}, // KHMER VOWEL INHERENT AQ..KHMER VOWEL INHERENT AA
		{Lo: 0x180B, Hi: 0x180F, Stride: 1}, // MONGOLIAN FREE VARIATION SELECTORS, MONGOLIAN VOWEL SEPARATOR
		{Lo: 0x200B, Hi: 0x200F, Stride: 1}, // ZERO WIDTH SPACE..RIGHT-TO-LEFT MARK
		{Lo: 0x202A, Hi: 0x202E, Stride: 1}, // LEFT-TO-RIGHT EMBEDDING..RIGHT-TO-LEFT OVERRIDE
		{Lo: 0x2060, Hi: 0x206F, Stride: 1}, // WORD JOINER..NOMINAL DIGIT SHAPES (U+2065 unassigned)
		{Lo: 0x3164, Hi: 0x3164, Stride: 1}, // HANGUL FILLER
		{Lo: 0xFE00, Hi: 0xFE0F, Stride: 1}, // VARIATION SELECTOR-1..VARIATION SELECTOR-16
		{Lo: 0xFEFF, Hi: 0xFEFF, Stride: 1}, // ZERO WIDTH NO-BREAK SPACE
		{Lo: 0xFFA0, Hi: 0xFFA0, Stride: 1}, // HALFWIDTH HANGUL FILLER
		{Lo: 0xFFF0, Hi: 0xFFF8, Stride: 1}, // unassigned
	},
	R32: []unicode.Range32{
		{Lo: 0x1BCA0, Hi: 0x1BCA3, Stride: 1}, // SHORTHAND FORMAT LETTER OVERLAP..SHORTHAND FORMAT UP STEP
		{Lo: 0x1D173, Hi: 0x1D17A, Stride: 1}, // MUSICAL SYMBOL BEGIN BEAM..MUSICAL SYMBOL END PHRASE
		{Lo: 0xE0000, Hi: 0xE0FFF, Stride: 1}, // LANGUAGE TAG, TAG characters, VARIATION SELECTOR-17..256, unassigned
	},
}

// Characters without ink that Unicode does not call default-ignorable or
// white space, and that are used to make a name look empty.
const (
	braillePatternBlank       = '\u2800'
	musicalSymbolNullNotehead = '\U0001D159'
)

// invisible reports whether r shows as nothing: default-ignorable, or one
// of the two blank-looking symbols above. White space is not invisible in
// this sense; blank checks treat it apart.
func invisible(r rune) bool {
	if r < 0xAD {
		return false
	}
	return r == braillePatternBlank || r == musicalSymbolNullNotehead || unicode.Is(defaultIgnorable, r)
}
