package api_test

import (
	"regexp"
	"slices"
	"sort"
	"testing"
)

// The shapes of the SDK's answers: the keys an object holds and the kind
// of each value, as the SDK's parsers read them; lists, pages and ids.

var (
	lowerUUID  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	isoOffset  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d:\d\d$`)
	legacyTime = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`)
)

// keyKind says what a key of an SDK object must hold.
type keyKind int

const (
	kUUID       keyKind = iota + 1 // lowercase UUID string
	kUUIDOrNull                    // required key, lowercase UUID or null
	kString
	kNull   // required key, null
	kTime   // ISO 8601 with offset
	kLegacy // "2006-01-02 15:04:05"
	kInt
	kEditor   // object with objects and classifications arrays
	kObject   // any JSON object
	kEmptyArr // []
	kArray
)

// shape checks that obj has every key with a value of its kind.
func shape(t *testing.T, what string, obj any, want map[string]keyKind) map[string]any {
	t.Helper()
	m, ok := obj.(map[string]any)
	if !ok {
		t.Fatalf("%s: %v is not an object", what, obj)
	}
	for key, kind := range want {
		v, present := m[key]
		if !present {
			t.Fatalf("%s: key %q missing in %v", what, key, m)
		}
		s, isStr := v.(string)
		var ok bool
		switch kind {
		case kUUID:
			ok = isStr && lowerUUID.MatchString(s)
		case kUUIDOrNull:
			ok = v == nil || isStr && lowerUUID.MatchString(s)
		case kString:
			ok = isStr
		case kNull:
			ok = v == nil
		case kTime:
			ok = isStr && isoOffset.MatchString(s)
		case kLegacy:
			ok = isStr && legacyTime.MatchString(s)
		case kInt:
			f, isNum := v.(float64)
			ok = isNum && f == float64(int(f))
		case kEditor:
			ed, isObj := v.(map[string]any)
			_, objs := ed["objects"].([]any)
			_, cls := ed["classifications"].([]any)
			ok = isObj && objs && cls
		case kObject:
			_, ok = v.(map[string]any)
		case kEmptyArr:
			a, isArr := v.([]any)
			ok = isArr && len(a) == 0
		case kArray:
			_, ok = v.([]any)
		}
		if !ok {
			t.Fatalf("%s: key %q = %#v is not of the expected kind %d", what, key, v, kind)
		}
	}
	return m
}

// page checks the Page[T] wrapper and returns its results.
func page(t *testing.T, r response) []map[string]any {
	t.Helper()
	if len(r.JSON) != 2 {
		t.Fatalf("a Page has exactly results and nextPageToken: %s", r)
	}
	if _, ok := r.JSON["nextPageToken"]; !ok {
		t.Fatalf("nextPageToken missing: %s", r)
	}
	return list(t, r, "results")
}

// list returns the objects of r.JSON[key].
func list(t *testing.T, r response, key string) []map[string]any {
	t.Helper()
	raw, ok := r.JSON[key].([]any)
	if !ok {
		t.Fatalf("%q is not a list: %s", key, r)
	}
	out := make([]map[string]any, 0, len(raw))
	for _, it := range raw {
		out = append(out, it.(map[string]any))
	}
	return out
}

// ids returns the value of key of each item, sorted.
func ids(items []map[string]any, key string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, it[key].(string))
	}
	sort.Strings(out)
	return out
}

func sorted(s ...string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}
