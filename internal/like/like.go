// Package like matches text against SQL LIKE patterns, as the SDK's
// title_like and description_like filters use them, in time that does not
// grow with the product of the text's and the pattern's lengths.
//
// A pattern is compared case-insensitively (as Postgres ILIKE): % matches
// any run of characters, _ exactly one character (not one byte), and a
// backslash makes the next character literal; a backslash that ends the
// pattern stands for itself.
//
// # Cost
//
// Compile splits the pattern on % into segments. The first segment must
// match at the start of the text and the last at its end: each is compared
// once. The segments between are found left to right, each at its leftmost
// occurrence after the one before; taking the leftmost never loses a match,
// since it leaves the most text for the rest. So the text is scanned once,
// whatever the pattern:
//
//   - a segment of literal characters is found with Knuth-Morris-Pratt,
//     in steps linear in the text scanned plus the segment;
//   - a segment holding _ is found with the bit-parallel Shift-And
//     automaton, one step per text character and 64 characters of the
//     segment: the linear methods for literal strings do not carry over to
//     single-character wildcards, but a segment of at most 64 characters,
//     which is every segment a person writes, costs one step per character,
//     and a 2,000-character one 32.
//
// The matcher this package replaced backtracked to the last % on every
// mismatch, which costs steps in proportion to the text's length times the
// pattern's: a 1,000-character pattern over 400 datasets took most of a
// second.
package like

import (
	"unicode"
	"unicode/utf8"
)

// Pattern is a compiled LIKE pattern, safe for concurrent use.
type Pattern struct {
	// segments are the pattern's parts between unescaped %s, in order;
	// with no % there is one, which must match the whole text.
	segments []segment
	// wildcard is whether the pattern holds an unescaped %.
	wildcard bool
	// length is the number of characters any match needs.
	length int
}

// segment is a run of the pattern without %: characters and _s.
type segment struct {
	atoms []atom
	// hasAny is whether some atom is a _.
	hasAny bool
	// failure is the Knuth-Morris-Pratt table of a segment without _:
	// failure[i] is the length of the longest proper prefix of atoms[:i+1]
	// that is also its suffix.
	failure []int
	// masks and anyMask drive the Shift-And automaton of a segment with _:
	// bit i of masks[c] (or of anyMask, for a _) is set when atom i
	// matches character c.
	masks   map[rune][]uint64
	anyMask []uint64
}

// atom is one character of a segment: a literal rune, or any one character.
type atom struct {
	r   rune
	any bool
}

func (a atom) matches(c rune) bool { return a.any || a.r == c }

// Compile parses pattern. Every string is a valid pattern.
func Compile(pattern string) *Pattern {
	p := &Pattern{}
	var current []atom
	runes := lowerRunes(pattern)
	for i := 0; i < len(runes); i++ {
		c := runes[i]
		switch {
		case c == '\\' && i+1 < len(runes):
			i++
			current = append(current, atom{r: runes[i]})
		case c == '%':
			p.wildcard = true
			p.segments = append(p.segments, newSegment(current))
			current = nil
		case c == '_':
			current = append(current, atom{any: true})
		default:
			current = append(current, atom{r: c})
		}
	}
	p.segments = append(p.segments, newSegment(current))
	for _, s := range p.segments {
		p.length += len(s.atoms)
	}
	return p
}

// Match reports whether text matches the pattern.
func (p *Pattern) Match(text string) bool {
	var steps int
	return p.match(text, &steps)
}

// match is Match, counting in *steps the elementary comparisons it makes
// (one per character comparison, or per 64-bit word of the automaton).
func (p *Pattern) match(text string, steps *int) bool {
	if utf8.RuneCountInString(text) < p.length {
		return false
	}
	t := lowerRunes(text)
	*steps += len(t)
	first, last := p.segments[0], p.segments[len(p.segments)-1]
	if !p.wildcard {
		return len(t) == len(first.atoms) && first.matchesAt(t, 0, steps)
	}
	end := len(t) - len(last.atoms)
	if !first.matchesAt(t, 0, steps) || !last.matchesAt(t, end, steps) {
		return false
	}
	pos := len(first.atoms)
	for _, s := range p.segments[1 : len(p.segments)-1] {
		if len(s.atoms) == 0 {
			continue
		}
		found := s.find(t[pos:end], steps)
		if found < 0 {
			return false
		}
		pos += found + len(s.atoms)
	}
	return true
}

func newSegment(atoms []atom) segment {
	s := segment{atoms: atoms}
	for _, a := range atoms {
		s.hasAny = s.hasAny || a.any
	}
	if s.hasAny {
		s.compileShiftAnd()
	} else {
		s.compileKMP()
	}
	return s
}

// matchesAt reports whether the segment matches t at position at.
func (s segment) matchesAt(t []rune, at int, steps *int) bool {
	for i, a := range s.atoms {
		*steps++
		if !a.matches(t[at+i]) {
			return false
		}
	}
	return true
}

// find returns the position of the segment's leftmost occurrence in t, or -1.
func (s segment) find(t []rune, steps *int) int {
	if s.hasAny {
		return s.findShiftAnd(t, steps)
	}
	return s.findKMP(t, steps)
}

func (s *segment) compileKMP() {
	s.failure = make([]int, len(s.atoms))
	k := 0
	for i := 1; i < len(s.atoms); i++ {
		for k > 0 && s.atoms[i].r != s.atoms[k].r {
			k = s.failure[k-1]
		}
		if s.atoms[i].r == s.atoms[k].r {
			k++
		}
		s.failure[i] = k
	}
}

// findKMP scans t once; every step either advances in t or shortens the
// current partial match, which grew by one step at most per character of t,
// so it takes at most 2·len(t) steps.
func (s segment) findKMP(t []rune, steps *int) int {
	k := 0
	for i, c := range t {
		for k > 0 && s.atoms[k].r != c {
			*steps++
			k = s.failure[k-1]
		}
		*steps++
		if s.atoms[k].r == c {
			k++
		}
		if k == len(s.atoms) {
			return i + 1 - k
		}
	}
	return -1
}

func (s *segment) compileShiftAnd() {
	words := (len(s.atoms) + 63) / 64
	s.masks = make(map[rune][]uint64)
	s.anyMask = make([]uint64, words)
	for i, a := range s.atoms {
		word, bit := i/64, uint64(1)<<(i%64)
		if a.any {
			s.anyMask[word] |= bit
			continue
		}
		m := s.masks[a.r]
		if m == nil {
			m = make([]uint64, words)
			s.masks[a.r] = m
		}
		m[word] |= bit
	}
}

// findShiftAnd runs the Shift-And automaton over t: bit i of state is set
// when atoms[:i+1] match the text ending at the current character. It
// takes one step per character of t and word of state.
func (s segment) findShiftAnd(t []rune, steps *int) int {
	words := len(s.anyMask)
	state := make([]uint64, words)
	lastWord, lastBit := (len(s.atoms)-1)/64, uint64(1)<<((len(s.atoms)-1)%64)
	for i, c := range t {
		mask := s.masks[c] // nil: only the _s match c
		carry := uint64(1) // a match may start at every character
		for w := range words {
			*steps++
			next := state[w]<<1 | carry
			carry = state[w] >> 63
			allowed := s.anyMask[w]
			if mask != nil {
				allowed |= mask[w]
			}
			state[w] = next & allowed
		}
		if state[lastWord]&lastBit != 0 {
			return i + 1 - len(s.atoms)
		}
	}
	return -1
}

// lowerRunes returns s's characters, lower-cased one by one.
func lowerRunes(s string) []rune {
	runes := make([]rune, 0, len(s))
	for _, r := range s {
		runes = append(runes, unicode.ToLower(r))
	}
	return runes
}
