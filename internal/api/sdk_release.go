package api

import "strings"

// sdkUserAgentPrefix starts the User-Agent of every Encord SDK release:
// "encord-sdk-python/<release> python/<version>", then from 0.1.145
// " pydantic/<version>", then from 0.1.155 the caller's optional suffix.
const sdkUserAgentPrefix = "encord-sdk-python/"

// maxSDKReleaseLen bounds what the journal keeps of a release: the header
// is the client's, and a release is short ("0.1.190").
const maxSDKReleaseLen = 32

// sdkRelease returns the SDK release a User-Agent names, or "" when the
// User-Agent is not the SDK's or the release is not a version (digits,
// letters, dots, "+", "-" and "_", starting with a digit).
func sdkRelease(userAgent string) string {
	rest, ok := strings.CutPrefix(userAgent, sdkUserAgentPrefix)
	if !ok {
		return ""
	}
	release, _, _ := strings.Cut(rest, " ")
	if release == "" || len(release) > maxSDKReleaseLen || release[0] < '0' || release[0] > '9' {
		return ""
	}
	for _, c := range release {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.ContainsRune(".+-_", c)) {
			return ""
		}
	}
	return release
}
