package accounts

import "strings"

// Like reports whether s matches the SQL LIKE pattern, compared
// case-insensitively (as Postgres ILIKE): % matches any run of characters,
// _ exactly one, and a backslash makes the next character literal.
func Like(pattern, s string) bool {
	p := []rune(strings.ToLower(pattern))
	t := []rune(strings.ToLower(s))
	// Greedy match with backtracking to the last %, linear in practice.
	pi, ti := 0, 0
	starP, starT := -1, 0
	for ti < len(t) {
		if pi < len(p) {
			c, literal := p[pi], false
			if c == '\\' && pi+1 < len(p) {
				c, literal = p[pi+1], true
			}
			switch {
			case c == '%' && !literal:
				starP, starT = pi, ti
				pi++
				continue
			case (c == '_' && !literal) || c == t[ti]:
				if literal {
					pi += 2
				} else {
					pi++
				}
				ti++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		starT++
		pi, ti = starP+1, starT
	}
	for pi < len(p) && p[pi] == '%' {
		pi++
	}
	return pi == len(p)
}
