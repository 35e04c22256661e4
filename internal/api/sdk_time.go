package api

import (
	"strings"
	"time"
)

// sdkTime is a v2 datetime: ISO 8601 with microseconds and an explicit
// offset, which pydantic and the SDK's parse_datetime both read.
type sdkTime time.Time

func (t sdkTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05.000000-07:00") + `"`), nil
}

// legacyTime is a v1 datetime: "%Y-%m-%d %H:%M:%S", UTC.
type legacyTime time.Time

func (t legacyTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(time.DateTime) + `"`), nil
}

// sdkTimeLayouts are the datetime forms the SDK (or its user) may send:
// ISO 8601 with or without fraction and offset, with T or a space, or a
// bare date. A value without an offset is UTC, as the SDK assumes.
var sdkTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	time.DateOnly,
}

// parseSDKTime parses a datetime leniently. An offset whose "+" arrived
// unencoded (and so was decoded as a space) is repaired first.
func parseSDKTime(raw string) (time.Time, bool) {
	s := strings.TrimSpace(raw)
	if i := strings.LastIndexByte(s, ' '); i > 0 && isOffset(s[i+1:]) && strings.ContainsAny(s[:i], "T ") {
		s = s[:i] + "+" + s[i+1:]
	}
	for _, layout := range sdkTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// isOffset reports whether s is "hh:mm" or "hhmm".
func isOffset(s string) bool {
	digits := strings.Replace(s, ":", "", 1)
	if len(digits) != 4 || (len(s) == 5 && s[2] != ':') {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
