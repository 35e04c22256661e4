package auth

import (
	"strings"
	"unicode/utf8"
)

// SDK release 0.1.127, alone among releases, signed the percent-decoded
// request target instead of the target as sent: it passed the path and query
// through Python's urllib.parse.unquote before building the signature base.
// The next release went back to the raw target. A v2 signature that does not
// verify over the raw target is therefore tried once more over the decoded
// one, when the target holds a '%' (without one the two are the same).

// decodeTargetAsSDK0127 returns target decoded exactly as Python's
// urllib.parse.unquote(target) decodes it (with its defaults: UTF-8, errors
// replaced), and whether that differs from target.
//
// unquote splits its input into maximal runs of ASCII characters and of
// other characters. Other characters are kept as they are. In an ASCII run,
// every '%' followed by two hex digits (either case) becomes the byte they
// spell, any other '%' is kept, and the bytes of the run are then decoded as
// UTF-8, each ill-formed sequence replaced by one U+FFFD per maximal subpart
// (the Unicode Standard's "U+FFFD substitution of maximal subparts"), as
// Python's decoder does. The SDK's targets are always ASCII; bytes outside
// ASCII are kept as they are, as unquote keeps the characters they encode.
func decodeTargetAsSDK0127(target string) (string, bool) {
	if !strings.Contains(target, "%") {
		return target, false
	}
	out := make([]byte, 0, len(target))
	for i := 0; i < len(target); {
		if target[i] >= utf8.RuneSelf {
			j := i + 1
			for j < len(target) && target[j] >= utf8.RuneSelf {
				j++
			}
			out = append(out, target[i:j]...)
			i = j
			continue
		}
		j := i + 1
		for j < len(target) && target[j] < utf8.RuneSelf {
			j++
		}
		out = appendUnquotedASCII(out, target[i:j])
		i = j
	}
	decoded := string(out)
	return decoded, decoded != target
}

// appendUnquotedASCII appends run, a string of ASCII bytes, with its %XX
// escapes decoded and the result made valid UTF-8 as Python's
// bytes.decode("utf-8", "replace") makes it.
func appendUnquotedASCII(dst []byte, run string) []byte {
	raw := make([]byte, 0, len(run))
	for i := 0; i < len(run); i++ {
		if run[i] == '%' && i+2 < len(run) {
			hi, ok1 := hexValue(run[i+1])
			lo, ok2 := hexValue(run[i+2])
			if ok1 && ok2 {
				raw = append(raw, hi<<4|lo)
				i += 2
				continue
			}
		}
		raw = append(raw, run[i])
	}
	for len(raw) > 0 {
		r, size := utf8.DecodeRune(raw)
		if r != utf8.RuneError || size > 1 {
			dst = append(dst, raw[:size]...)
			raw = raw[size:]
			continue
		}
		dst = utf8.AppendRune(dst, utf8.RuneError)
		raw = raw[maximalSubpart(raw):]
	}
	return dst
}

// maximalSubpart returns the length of the longest prefix of p, which starts
// with an ill-formed UTF-8 sequence, that is the beginning of some
// well-formed sequence (at least 1): the bytes one U+FFFD replaces. The
// ranges are those of Unicode Table 3-7.
func maximalSubpart(p []byte) int {
	lo, hi := byte(0x80), byte(0xBF) // the range of the second byte
	var n int                        // the length of the sequence p[0] begins
	switch b := p[0]; {
	case 0xC2 <= b && b <= 0xDF:
		n = 2
	case b == 0xE0:
		n, lo = 3, 0xA0
	case b == 0xED:
		n, hi = 3, 0x9F
	case 0xE1 <= b && b <= 0xEF:
		n = 3
	case b == 0xF0:
		n, lo = 4, 0x90
	case b == 0xF4:
		n, hi = 4, 0x8F
	case 0xF1 <= b && b <= 0xF3:
		n = 4
	default:
		return 1
	}
	i := 1
	for ; i < n && i < len(p); i++ {
		if p[i] < lo || p[i] > hi {
			break
		}
		lo, hi = 0x80, 0xBF
	}
	return i
}

// hexValue decodes one hex digit of either case.
func hexValue(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
