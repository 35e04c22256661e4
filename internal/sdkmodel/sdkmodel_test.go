package sdkmodel

import (
	"net/http"
	"strconv"
	"testing"
)

// Each case is a fact of docs/sdk-protocol.md (Error dialects by release,
// Retries by release), at the releases on both sides of the change it
// describes.
func TestFacts(t *testing.T) {
	v1Read := Call{Dialect: V1, Method: http.MethodPost}
	v1Create := Call{Dialect: V1, Method: http.MethodPost, Create: true}
	v2Get := Call{Dialect: V2, Method: http.MethodGet}
	v2Create := Call{Dialect: V2, Method: http.MethodPost, Create: true}
	v2Delete := Call{Dialect: V2, Method: http.MethodDelete}
	authorisation500 := Reply{Status: 500, Body: []byte(`{"status": 500, "response": ["AUTHORISATION_ERROR"], "payload": "no"}`)}

	cases := []struct {
		name    string
		release Release
		call    Call
		reply   Reply
		want    Outcome
	}{
		// Retries by release: the example of v1 get_projects answered 500
		// with a valid AUTHORISATION_ERROR envelope.
		{"v1 500 before status retries", 90, v1Read, authorisation500, Outcome{Exception: AuthorisationError}},
		{"v1 read not retryable yet", 91, v1Read, authorisation500, Outcome{Exception: RetryError}},
		{"v1 read not retryable yet, last", 100, v1Read, authorisation500, Outcome{Exception: RetryError}},
		{"v1 read retried", 101, v1Read, authorisation500, Outcome{Retries: 3, Exception: RetryError}},
		{"v1 read retried, last RetryError", 131, v1Read, authorisation500, Outcome{Retries: 3, Exception: RetryError}},
		{"transport wrapped", 132, v1Read, authorisation500, Outcome{Retries: 3, Exception: RequestException}},
		{"transport wrapped, last", 171, v1Read, authorisation500, Outcome{Retries: 3, Exception: RequestException}},
		{"parsed after retries", 172, v1Read, authorisation500, Outcome{Retries: 3, Exception: AuthorisationError}},
		{"v1 create never retried", 150, v1Create, authorisation500, Outcome{Exception: RequestException}},
		{"v1 create parsed at once", 190, v1Create, authorisation500, Outcome{Exception: AuthorisationError}},

		// Error dialects: v1 by code, whatever the status outside the retry statuses.
		{"v1 code on 400", 190, v1Read, Reply{Status: 400, Body: []byte(`{"status": 400, "response": ["SSH_KEY_NOT_FOUND_ERROR"]}`)}, Outcome{Exception: SSHKeyNotFound}},
		{"v1 unknown code", 190, v1Read, Reply{Status: 404, Body: []byte(`{"status": 404, "response": ["NOT_IMPLEMENTED_ERROR"]}`)}, Outcome{Exception: GenericServerError}},
		{"v1 code not in a list", 190, v1Read, Reply{Status: 404, Body: []byte(`{"status": 404, "response": "RESOURCE_NOT_FOUND_ERROR"}`)}, Outcome{Exception: GenericServerError}},
		{"v1 not JSON", 84, v1Read, Reply{Status: 401, Body: []byte(`<html>`)}, Outcome{Exception: RequestException}},
		{"v1 status 200 as a string is an error", 190, v1Read, Reply{Status: 200, Body: []byte(`{"status": "200", "response": ["UNKNOWN_ERROR"]}`)}, Outcome{Exception: UnknownException}},
		{"v1 502 not retried before 0.1.121", 120, v1Read, Reply{Status: 502, Body: []byte(`{"status": 502, "response": ["UNKNOWN_ERROR"]}`)}, Outcome{Exception: UnknownException}},
		{"v1 502 retried from 0.1.121", 121, v1Read, Reply{Status: 502, Body: []byte(`{}`)}, Outcome{Retries: 3, Exception: RetryError}},

		// Error dialects by release, v2.
		{"v2 GET 500 not retried before 0.1.101", 100, v2Get, Reply{Status: 500}, Outcome{Exception: UnknownException}},
		{"v2 GET 500 retried", 101, v2Get, Reply{Status: 500}, Outcome{Retries: 3, Exception: RetryError}},
		{"v2 GET 503 parsed after retries", 172, v2Get, Reply{Status: 503}, Outcome{Retries: 3, Exception: UnknownException}},
		{"v2 400 unknown before 0.1.118", 117, v2Get, Reply{Status: 400}, Outcome{Exception: UnknownException}},
		{"v2 400 invalid from 0.1.118", 118, v2Get, Reply{Status: 400}, Outcome{Exception: InvalidArgumentsError}},
		{"v2 422 in 0.1.126", 126, v2Get, Reply{Status: 422}, Outcome{Exception: UnknownException}},
		{"v2 422 in 0.1.127", 127, v2Get, Reply{Status: 422}, Outcome{Exception: InvalidArgumentsError}},
		{"v2 422 in 0.1.128", 128, v2Get, Reply{Status: 422}, Outcome{Exception: UnknownException}},
		{"v2 502 before 0.1.121", 120, v2Get, Reply{Status: 502}, Outcome{Exception: UnknownException}},
		{"v2 502 from 0.1.121", 121, v2Get, Reply{Status: 502}, Outcome{Retries: 3, Exception: RetryError}},
		{"v2 413 in 0.1.174", 174, v2Get, Reply{Status: 413}, Outcome{Retries: 3, Exception: UnknownException}},
		{"v2 413 in 0.1.175", 175, v2Get, Reply{Status: 413}, Outcome{Retries: 3, Exception: PayloadTooLargeError}},
		{"v2 429 with an integer Retry-After", 172, v2Get, Reply{Status: 429, RetryAfter: "7"}, Outcome{Retries: 3, Exception: RateLimitExceededError, RetryAfter: ptr(7)}},
		{"v2 429 with a date Retry-After", 190, v2Get, Reply{Status: 429, RetryAfter: "Wed, 21 Oct 2015 07:28:00 GMT"}, Outcome{Retries: 3, Exception: RateLimitExceededError}},
		{"v2 429 signed Retry-After", 190, v2Get, Reply{Status: 429, RetryAfter: "+7"}, Outcome{Retries: 3, Exception: RateLimitExceededError}},
		{"v2 409 unmapped", 190, v2Get, Reply{Status: 409}, Outcome{Exception: UnknownException}},
		{"v2 create retried before 0.1.160", 159, v2Create, Reply{Status: 503}, Outcome{Retries: 3, Exception: RequestException}},
		{"v2 create not retried from 0.1.160", 160, v2Create, Reply{Status: 503}, Outcome{Exception: RequestException}},
		{"v2 create parsed at once", 172, v2Create, Reply{Status: 503}, Outcome{Exception: UnknownException}},
		{"v2 DELETE never retried", 150, v2Delete, Reply{Status: 503}, Outcome{Exception: UnknownException}},
		{"v2 204 before 0.1.148", 147, v2Delete, Reply{Status: 204}, Outcome{Exception: UnknownException}},
		{"v2 204 from 0.1.148", 148, v2Delete, Reply{Status: 204}, Outcome{}},
	}
	for _, c := range cases {
		got := Raise(c.release, c.call, c.reply)
		if got.Exception != c.want.Exception || got.Retries != c.want.Retries || !samePtr(got.RetryAfter, c.want.RetryAfter) {
			t.Errorf("%s (%s): got %s, want %s", c.name, c.release, show(got), show(c.want))
		}
	}
}

func ptr[T any](v T) *T { return &v }

func samePtr(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func show(o Outcome) string {
	s := o.Exception
	if s == "" {
		s = "success"
	}
	if o.Retries > 0 {
		s += " after retries"
	}
	if o.RetryAfter != nil {
		s += " retry_after=" + strconv.Itoa(*o.RetryAfter)
	}
	return s
}
