package faults

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/errs"
)

func ptr[T any](v T) *T { return &v }

var answer503 = Action{Status: 503}

func TestPrepareRefuses(t *testing.T) {
	cases := []struct {
		name  string
		rule  Rule
		field string
		says  string
	}{
		{"bad id", Rule{ID: "has space", Action: answer503}, "id", "is not a rule id"},
		{"id too long", Rule{ID: strings.Repeat("a", 65), Action: answer503}, "id", "1 to 64"},
		{"control plane", Rule{Match: Match{Plane: "control"}, Action: answer503}, "match.plane", "never faulted"},
		{"unknown method", Rule{Match: Match{Method: "TRACE"}, Action: answer503}, "match.method", "GET, POST, PUT, PATCH, DELETE"},
		{"bad pattern", Rule{Match: Match{Path: "v2/public"}, Action: answer503}, "match.path", "does not start with /"},
		{"control path", Rule{Match: Match{Path: "/_emulator/faults"}, Action: answer503}, "match.path", "never faulted"},
		{"plane disagrees with path", Rule{Match: Match{Plane: PlaneManagement, Path: "/v2/public/**"}, Action: answer503}, "match.path", "is on the sdk plane"},
		{"query type on management", Rule{Match: Match{Plane: PlaneManagement, QueryType: "project"}, Action: answer503}, "match.queryType", "v1 SDK calls"},
		{"bad query type", Rule{Match: Match{QueryType: "Project!"}, Action: answer503}, "match.queryType", "not a v1 query_type"},
		{"bad query method", Rule{Match: Match{QueryType: "project", QueryMethod: "FETCH"}, Action: answer503}, "match.queryMethod", "not a v1 query_method"},
		{"bad email", Rule{Match: Match{Principal: "ada@@example.com"}, Action: answer503}, "match.principal", ""},
		{"bad principal", Rule{Match: Match{Principal: "not an id"}, Action: answer503}, "match.principal", "neither an email"},
		{"bad workspace", Rule{Match: Match{Workspace: "w/1"}, Action: answer503}, "match.workspace", "not a workspace id"},
		{"success status", Rule{Action: Action{Status: 200}}, "action.status", "400 to 599"},
		{"status and drop", Rule{Action: Action{Status: 503, Drop: true}}, "action.drop", "either status or drop"},
		{"negative delay", Rule{Action: Action{Delay: -time.Second}}, "action.delay", "out of range"},
		{"delay too long", Rule{Action: Action{Delay: MaxDelay + time.Millisecond}}, "action.delay", "out of range"},
		{"nothing to do", Rule{}, "action", "does nothing"},
		{"code without status", Rule{Action: Action{Delay: time.Second, Code: "X"}}, "action.status", "go with an answered status"},
		{"unknown code", Rule{Action: Action{Status: 500, Code: "OOPS_ERROR"}}, "action.code", "not one of the emulator's error codes: use one of INVALID_ARGUMENTS_ERROR"},
		{"retry after too long", Rule{Action: Action{Status: 429, RetryAfter: ptr(MaxRetryAfter + 1)}}, "action.retryAfter", "out of range"},
		{"negative retry after", Rule{Action: Action{Status: 429, RetryAfter: ptr(-1)}}, "action.retryAfter", "out of range"},
		{"message with a bidi control", Rule{Action: Action{Status: 500, Message: "a\u202eb"}}, "action.message", "bidi"},
		{"zero times", Rule{Action: answer503, Fire: Fire{Times: ptr[int64](0)}}, "fire.times", "below 1"},
		{"zero probability", Rule{Action: answer503, Fire: Fire{Probability: ptr(0.0)}}, "fire.probability", "out of range"},
		{"probability above 1", Rule{Action: answer503, Fire: Fire{Probability: ptr(1.5)}}, "fire.probability", "out of range"},
		{"NaN probability", Rule{Action: answer503, Fire: Fire{Probability: ptr(math.NaN())}}, "fire.probability", "out of range"},
		{"seed without probability", Rule{Action: answer503, Fire: Fire{Seed: ptr[int64](1)}}, "fire.seed", "give fire.probability"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := prepare(c.rule)
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.InvalidArguments {
				t.Fatalf("prepare = %v, want INVALID_ARGUMENTS_ERROR", err)
			}
			if e.Details["field"] != c.field || !strings.Contains(e.Message, c.says) {
				t.Errorf("refused %q with %q, want field %q and a message saying %q", e.Details["field"], e.Message, c.field, c.says)
			}
		})
	}
}

func TestPrepareCompletes(t *testing.T) {
	cases := []struct {
		name     string
		in, want Rule
	}{
		{"plane from an SDK path",
			Rule{Match: Match{Path: "/public/user", Method: "post", QueryType: "project", QueryMethod: "get"}, Action: answer503},
			Rule{Match: Match{Plane: PlaneSDK, Path: "/public/user", Method: "POST", QueryType: "project", QueryMethod: "GET"}, Action: answer503}},
		{"plane from a management path",
			Rule{Match: Match{Path: "/api/v1/**"}, Action: answer503},
			Rule{Match: Match{Plane: PlaneManagement, Path: "/api/v1/**"}, Action: answer503}},
		{"SDK plane by default",
			Rule{Match: Match{Path: "/**"}, Action: answer503},
			Rule{Match: Match{Plane: PlaneSDK, Path: "/**"}, Action: answer503}},
		{"email in lower case",
			Rule{Match: Match{Principal: " Ada@Example.COM "}, Action: answer503},
			Rule{Match: Match{Plane: PlaneSDK, Principal: "ada@example.com"}, Action: answer503}},
		{"key id in lower case",
			Rule{Match: Match{Principal: strings.Repeat("AB", 32)}, Action: answer503},
			Rule{Match: Match{Plane: PlaneSDK, Principal: strings.Repeat("ab", 32)}, Action: answer503}},
		{"probability 1 is every match",
			Rule{Action: answer503, Fire: Fire{Probability: ptr(1.0), Times: ptr[int64](2)}},
			Rule{Match: Match{Plane: PlaneSDK}, Action: answer503, Fire: Fire{Times: ptr[int64](2)}}},
		{"a delay alone",
			Rule{Action: Action{Delay: MaxDelay}},
			Rule{Match: Match{Plane: PlaneSDK}, Action: Action{Delay: MaxDelay}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := prepare(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if show(got) != show(c.want) {
				t.Errorf("prepare =\n %s\nwant\n %s", show(got), show(c.want))
			}
		})
	}
}
