package like

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, text string
		want          bool
	}{
		{"cars", "cars", true},
		{"cars", "CARS", true}, // case-insensitive, as ILIKE
		{"CARS", "cars", true},
		{"cars", "cars2", false},
		{"cars", "car", false},
		{"%cars%", "my cars here", true},
		{"%cars%", "my car", false},
		{"c_rs", "cars", true},
		{"c_rs", "crs", false},
		{"%", "", true},
		{"%", "anything", true},
		{"", "", true},
		{"", "x", false},
		{"a%b%c", "aXXbYYc", true},
		{"a%b%c", "aXXcYYb", false},
		{"a%b%c", "abc", true},
		{"a%a", "a", false}, // first and last segments may not overlap
		{"a%a", "aa", true},
		{"%%x", "x", true},
		{"%x%%", "x", true},
		{"%abab%", "abaabab", true}, // the KMP table must restart mid-pattern
		{"%abab%", "abaaba", false},
		{"%aab%", "aaab", true},
		{"%a_c%", "xxabcxx", true},
		{"%a_c%", "xxacxx", false},
		{"%_%", "", false},
		{"%_%", "é", true},
		{"%__b%", "aab", true},
		{"%__b%", "ab", false},
		{`50\%`, "50%", true},
		{`50\%`, "500", false},
		{`%\%%`, "100% sure", true},
		{`%\%%`, "100 sure", false},
		{`a\_b`, "a_b", true},
		{`a\_b`, "axb", false},
		{`a\\b`, `a\b`, true},
		{`ab\`, `ab\`, true}, // a final backslash stands for itself
		{`ab\`, `ab`, false},
		{"ünï%", "ÜNÏcode", true},
		{"_", "é", true}, // one character, not one byte
		{"__", "é", false},
		{"%日本%", "ようこそ日本へ", true},
	} {
		if got := Compile(tc.pattern).Match(tc.text); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.text, got, tc.want)
		}
	}
}

// oracleMatch is the reference the matcher is compared with: the pattern
// translated to a regular expression, both sides lower-cased as Match does
// it (so that the comparison is of matching, not of case folding).
func oracleMatch(pattern, text string) bool {
	return oracle(pattern).MatchString(string(lowerRunes(text)))
}

func oracle(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	runes := lowerRunes(pattern)
	for i := 0; i < len(runes); i++ {
		switch c := runes[i]; {
		case c == '\\' && i+1 < len(runes):
			i++
			b.WriteString(regexp.QuoteMeta(string(runes[i])))
		case c == '%':
			b.WriteString(`.*`)
		case c == '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String())
}

// TestMatchAgreesWithOracle compares the matcher with the regular
// expression of the same pattern over random patterns and texts drawn from
// a small alphabet, where partial matches and overlaps are common.
func TestMatchAgreesWithOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 9))
	random := func(alphabet string, max int) string {
		n := rng.IntN(max + 1)
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 20000 {
		pattern := random(`abA%_\`, 8)
		text := random("abB_%", 12)
		want := oracleMatch(pattern, text)
		if got := Compile(pattern).Match(text); got != want {
			t.Fatalf("Match(%q, %q) = %v, the regular expression says %v", pattern, text, got, want)
		}
	}
}

// Long segments with _ span several words of the automaton.
func TestMatchLongSegmentWithWildcards(t *testing.T) {
	segment := strings.Repeat("ab_", 50) // 150 characters, three words
	text := strings.Repeat("x", 100) + strings.Repeat("abz", 50) + "tail"
	if !Compile("%" + segment + "%").Match(text) {
		t.Errorf("a 150-character segment with _ not found")
	}
	if Compile("%" + segment + "q%").Match(text) {
		t.Errorf("a 151-character segment found where it is not")
	}
	if !Compile("%" + segment + "t%").Match(text) {
		t.Errorf("a 151-character segment not found where it is")
	}
}

// stepsOver returns the steps of matching pattern against every text.
func stepsOver(pattern string, texts []string) (steps int) {
	p := Compile(pattern)
	for _, text := range texts {
		p.match(text, &steps)
	}
	return steps
}

func repeatText(text string, rows int) []string {
	texts := make([]string, rows)
	for i := range texts {
		texts[i] = text
	}
	return texts
}

// TestMatchStepsAreLinear is the case of a 1,000-character pattern over 400
// datasets of 2,000-character descriptions, each pattern built to make a
// backtracking matcher retry at every position (about 10^6 steps per row).
// A literal segment costs at most three steps per character of text plus
// one per character of pattern; a segment with _ at most one per character
// of text and 64 characters of segment, plus three per character of text.
// Doubling the text and the pattern at most doubles the literal case's
// steps: they do not grow with the product of the lengths.
func TestMatchStepsAreLinear(t *testing.T) {
	const rows, n, m = 400, 2000, 1000
	texts := repeatText(strings.Repeat("a", n), rows)

	literal := "%" + strings.Repeat("a", m-3) + "b%"
	if got, bound := stepsOver(literal, texts), rows*(3*n+m); got > bound {
		t.Errorf("literal pattern: %d steps over %d rows, want at most %d", got, rows, bound)
	}

	wildcards := "%" + strings.Repeat("a_", (m-4)/2) + "ab%"
	segment := m - 2
	words := (segment + 63) / 64
	if got, bound := stepsOver(wildcards, texts), rows*(n*words+3*n+m); got > bound {
		t.Errorf("pattern with _: %d steps over %d rows, want at most %d", got, rows, bound)
	}

	small := stepsOver(literal, texts)
	large := stepsOver("%"+strings.Repeat("a", 2*m-3)+"b%", repeatText(strings.Repeat("a", 2*n), rows))
	if large > 2*small+rows {
		t.Errorf("doubling text and pattern took %d steps for %d: more than double", large, small)
	}
}

// FuzzMatch compares the matcher with the regular expression of the same
// pattern.
func FuzzMatch(f *testing.F) {
	for _, seed := range [][2]string{
		{"%abab%", "abaabab"}, {"a%b_c", "aXXbYc"}, {`50\%`, "50%"}, {`ab\`, `ab\`}, {"%_%", "é"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, pattern, text string) {
		if len(pattern) > 64 || len(text) > 256 {
			return
		}
		want := oracleMatch(pattern, text)
		if got := Compile(pattern).Match(text); got != want {
			t.Fatalf("Match(%q, %q) = %v, the regular expression says %v", pattern, text, got, want)
		}
	})
}

// BenchmarkMatch matches 1,000-character patterns, and a pattern a person
// would write, against 400 descriptions of 2,000 characters.
func BenchmarkMatch(b *testing.B) {
	const rows, n, m = 400, 2000, 1000
	texts := repeatText(strings.Repeat("a", n), rows)
	for _, bc := range []struct{ name, pattern string }{
		{"literal-1000", "%" + strings.Repeat("a", m-3) + "b%"},
		{"wildcards-1000", "%" + strings.Repeat("a_", (m-4)/2) + "ab%"},
		{"typical", "%cars%"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				p := Compile(bc.pattern)
				for _, text := range texts {
					p.Match(text)
				}
			}
		})
	}
}
