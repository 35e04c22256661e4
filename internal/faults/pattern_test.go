package faults

import (
	"strings"
	"testing"
)

func TestPatternMatch(t *testing.T) {
	cases := []struct {
		pattern string
		match   []string
		miss    []string
	}{
		{"/v2/public/projects/{projectHash}",
			[]string{"/v2/public/projects/p1", "/v2/public/projects/0b9c"},
			[]string{"/v2/public/projects", "/v2/public/projects/", "/v2/public/projects/p1/x", "/v2/public/Projects/p1"}},
		{"/v2/public/**",
			[]string{"/v2/public", "/v2/public/", "/v2/public/projects", "/v2/public/user/bearer-token"},
			[]string{"/v2", "/public/user", "/v2/publicx/projects"}},
		{"/public", []string{"/public"}, []string{"/public/user", "/public/", "/Public"}},
		{"/public/*", []string{"/public/user"}, []string{"/public", "/public/", "/public/user/x"}},
		{"/**", []string{"/", "/public", "/api/v1/me"}, []string{"", "public"}},
		{"/api/v1/workspace/service-accounts/{saId}/keys",
			[]string{"/api/v1/workspace/service-accounts/a-1/keys"},
			[]string{"/api/v1/workspace/service-accounts/a-1/keys/k"}},
	}
	for _, c := range cases {
		pat, err := parsePattern(c.pattern)
		if err != nil {
			t.Fatalf("parsePattern(%q): %v", c.pattern, err)
		}
		for _, p := range c.match {
			if !pat.match(p) {
				t.Errorf("%q does not match %q, want a match", c.pattern, p)
			}
		}
		for _, p := range c.miss {
			if pat.match(p) {
				t.Errorf("%q matches %q, want none", c.pattern, p)
			}
		}
	}
}

func TestPatternRefusals(t *testing.T) {
	cases := map[string]string{
		"v2/public":                                 "does not start with /",
		"/v2/**/projects":                           "** may only be the whole last segment",
		"/v2/public/pro**":                          "** may only be the whole last segment",
		"/v2/public/{projectHash":                   "malformed parameter",
		"/v2/public/{}":                             "malformed parameter",
		"/v2/public/x{a}":                           "malformed parameter",
		"/v2/public/pro*":                           "* matches a whole segment only",
		"/v2/public/projects?x=1":                   "a path only",
		"/" + strings.Repeat("a", maxPatternLength): "the limit is 512",
	}
	for p, want := range cases {
		_, err := parsePattern(p)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parsePattern(%q) = %v, want an error saying %q", p, err, want)
		}
	}
}

func TestPatternPlane(t *testing.T) {
	cases := []struct {
		pattern string
		plane   Plane
		ok      bool
	}{
		{"/public", PlaneSDK, true},
		{"/public/user", PlaneSDK, true},
		{"/v2/public/**", PlaneSDK, true},
		{"/v2/**", PlaneSDK, true},
		{"/api/v1/me", PlaneManagement, true},
		{"/**", "", true},
		{"/{x}/public", "", true},
		{"/_emulator/faults", "", false},
		{"/openapi.yaml", "", false},
		{"/v3/public", "", false},
	}
	for _, c := range cases {
		pat, err := parsePattern(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if plane, ok := pat.plane(); plane != c.plane || ok != c.ok {
			t.Errorf("plane of %q = %q, %t; want %q, %t", c.pattern, plane, ok, c.plane, c.ok)
		}
	}
}
