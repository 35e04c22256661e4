package faults

import (
	"fmt"
	"strings"
)

// A path pattern is matched against the request's path segment by segment
// ('/' separates segments):
//
//   - "{name}" or "*" matches exactly one segment, whatever it holds;
//   - "**", as the last segment only, matches any number of segments,
//     none included;
//   - any other segment matches itself, case-sensitively.
//
// So the paths of openapi.yaml are patterns ("/v2/public/projects/{projectHash}"
// matches every project), a concrete path matches itself, and
// "/v2/public/**" matches the whole v2 family. A pattern is matched against
// the path, not the route: it does not need the router's help, and it
// means the same in every release of the emulator.
type pattern struct {
	segments []string
	// rest reports a final "**".
	rest bool
}

// maxPatternLength bounds a path pattern, in bytes.
const maxPatternLength = 512

func parsePattern(p string) (pattern, error) {
	switch {
	case len(p) > maxPatternLength:
		return pattern{}, fmt.Errorf("is %d bytes long; the limit is %d", len(p), maxPatternLength)
	case !strings.HasPrefix(p, "/"):
		return pattern{}, fmt.Errorf("%q does not start with /", p)
	}
	segments := strings.Split(p[1:], "/")
	var pat pattern
	for i, seg := range segments {
		switch {
		case seg == "**" && i == len(segments)-1:
			pat.rest = true
			continue
		case strings.Contains(seg, "**"):
			return pattern{}, fmt.Errorf("%q has ** in segment %d; ** may only be the whole last segment", p, i+1)
		case strings.HasPrefix(seg, "{") || strings.HasSuffix(seg, "}"):
			if len(seg) < 3 || !strings.HasPrefix(seg, "{") || !strings.HasSuffix(seg, "}") || strings.ContainsAny(seg[1:len(seg)-1], "{}") {
				return pattern{}, fmt.Errorf("%q has a malformed parameter %q in segment %d; write a whole segment as {name}", p, seg, i+1)
			}
			seg = "*"
		case seg != "*" && strings.Contains(seg, "*"):
			return pattern{}, fmt.Errorf("%q has * inside segment %d; * matches a whole segment only", p, i+1)
		case strings.ContainsAny(seg, "?#"):
			return pattern{}, fmt.Errorf("%q holds a query or fragment; a pattern is a path only", p)
		}
		pat.segments = append(pat.segments, seg)
	}
	return pat, nil
}

// match reports whether the pattern matches path. It allocates nothing:
// it runs for every rule on every request.
func (pat pattern) match(path string) bool {
	rest, ok := strings.CutPrefix(path, "/")
	if !ok {
		return false
	}
	exhausted := false // every segment of the path is matched
	for _, want := range pat.segments {
		if exhausted {
			return false
		}
		segment, after, more := strings.Cut(rest, "/")
		if want == "*" && segment == "" || want != "*" && want != segment {
			return false
		}
		rest, exhausted = after, !more
	}
	return exhausted || pat.rest
}

// plane returns the plane of the paths the pattern can match, "" when they
// may lie on several (a pattern starting with a wildcard), and false when
// they lie on none that can be faulted (the control plane, or no plane).
func (pat pattern) plane() (Plane, bool) {
	first := func(i int) string {
		if i < len(pat.segments) {
			return pat.segments[i]
		}
		return "**"
	}
	switch s0, s1 := first(0), first(1); {
	case s0 == "*" || s0 == "**":
		return "", true
	case s0 == "public":
		return PlaneSDK, true
	case s0 == "v2" && (s1 == "public" || s1 == "*" || s1 == "**"):
		return PlaneSDK, true
	case s0 == "api":
		return PlaneManagement, true
	}
	return "", false
}
