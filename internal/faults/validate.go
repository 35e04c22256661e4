package faults

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/textpolicy"
)

// Limits of a rule.
const (
	MaxDelay      = 5 * time.Minute
	MaxRetryAfter = 24 * 60 * 60 // seconds
	maxFieldBytes = 256
)

var (
	ruleIDPattern    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	queryTypePattern = regexp.MustCompile(`^[a-z_]{1,64}$`)
	keyIDPattern     = regexp.MustCompile(`^[0-9a-f]{64}$`)
	idPattern        = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)
)

// Validate reports what is wrong with r, as Create would: an
// INVALID_ARGUMENTS_ERROR naming the field (the seed file checks its rules
// with it before any store is open).
func Validate(r Rule) error {
	_, err := prepare(r)
	return err
}

// prepare validates r and fills in what its author may leave out (the
// plane, the case of the method and the email); the id, the seed and the
// creation time are the engine's. A refusal is an INVALID_ARGUMENTS_ERROR
// naming the field as the API spells it.
func prepare(r Rule) (Rule, error) {
	if r.ID != "" && !ruleIDPattern.MatchString(r.ID) {
		return r, errs.Invalid("id", "id %q is not a rule id: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (or leave it out to get one)", clip(r.ID))
	}
	var err error
	if r.Match, err = prepareMatch(r.Match); err != nil {
		return r, err
	}
	if r.Action, err = prepareAction(r.Action); err != nil {
		return r, err
	}
	if r.Fire, err = prepareFire(r.Fire); err != nil {
		return r, err
	}
	return r, nil
}

func prepareMatch(m Match) (Match, error) {
	switch m.Plane {
	case "", PlaneSDK, PlaneManagement:
	default:
		return m, errs.Invalid("match.plane", "plane %q is not one a rule can fault: use %q or %q (the control plane is never faulted)", clip(string(m.Plane)), PlaneSDK, PlaneManagement)
	}
	if m.Method != "" {
		m.Method = strings.ToUpper(m.Method)
		if !slices.Contains(methods, m.Method) {
			return m, errs.Invalid("match.method", "method %q is not one the emulator serves: use one of %s", clip(m.Method), strings.Join(methods, ", "))
		}
	}
	if m.Path != "" {
		pat, err := parsePattern(m.Path)
		if err != nil {
			return m, errs.Invalid("match.path", "path pattern %s; write a path such as /v2/public/projects/{projectHash} or /v2/public/**", err)
		}
		plane, ok := pat.plane()
		switch {
		case !ok:
			return m, errs.Invalid("match.path", "path pattern %q matches no path a rule can fault: SDK paths start with /public or /v2/public, management paths with /api/v1 (the control plane is never faulted)", m.Path)
		case plane != "" && m.Plane != "" && plane != m.Plane:
			return m, errs.Invalid("match.path", "path pattern %q is on the %s plane, but match.plane is %q: drop match.plane or make them agree", m.Path, plane, m.Plane)
		case m.Plane == "":
			m.Plane = plane
		}
	}
	if m.Plane == "" {
		m.Plane = PlaneSDK
	}
	if m.QueryType != "" || m.QueryMethod != "" {
		if m.Plane != PlaneSDK {
			return m, errs.Invalid("match.queryType", "queryType and queryMethod select v1 SDK calls, but the rule is on the %s plane", m.Plane)
		}
		if m.QueryType != "" && !queryTypePattern.MatchString(m.QueryType) {
			return m, errs.Invalid("match.queryType", "queryType %q is not a v1 query_type: the SDK sends lower-case words such as projectwithuserrole", clip(m.QueryType))
		}
		m.QueryMethod = strings.ToUpper(m.QueryMethod)
		if m.QueryMethod != "" && !slices.Contains(methods, m.QueryMethod) {
			return m, errs.Invalid("match.queryMethod", "queryMethod %q is not a v1 query_method: use one of %s", clip(m.QueryMethod), strings.Join(methods, ", "))
		}
	}
	switch p := m.Principal; {
	case p == "":
	case strings.Contains(p, "@"):
		email, err := textpolicy.Check(textpolicy.Email, "match.principal", p)
		if err != nil {
			return m, errs.Invalid("match.principal", "%v", err)
		}
		m.Principal = email
	case keyIDPattern.MatchString(strings.ToLower(p)) && len(p) == 64:
		m.Principal = strings.ToLower(p)
	case idPattern.MatchString(p):
	default:
		return m, errs.Invalid("match.principal", "principal %q is neither an email, an SDK key id (64 hex digits) nor the id of a key, a member or a service account", clip(p))
	}
	if m.Workspace != "" && !idPattern.MatchString(m.Workspace) {
		return m, errs.Invalid("match.workspace", "workspace %q is not a workspace id", clip(m.Workspace))
	}
	return m, nil
}

func prepareAction(a Action) (Action, error) {
	switch {
	case a.Status != 0 && (a.Status < 400 || a.Status > 599):
		return a, errs.Invalid("action.status", "status %d is not an error status: a fault answers 400 to 599", a.Status)
	case a.Status != 0 && a.Drop:
		return a, errs.Invalid("action.drop", "a dropped connection sends no status: give either status or drop")
	case a.Delay < 0 || a.Delay > MaxDelay:
		return a, errs.Invalid("action.delay", "delay %s is out of range: it must lie from 0 to %s", a.Delay, MaxDelay)
	case a.Status == 0 && !a.Drop && a.Delay == 0:
		return a, errs.Invalid("action", "the action does nothing: give a status, drop, a delay, or a delay with either")
	case a.Status == 0 && (a.Code != "" || a.Message != "" || a.RetryAfter != nil):
		return a, errs.Invalid("action.status", "code, message and retryAfter go with an answered status: give action.status")
	case a.Code != "" && !slices.Contains(errs.Codes(), errs.Code(a.Code)):
		return a, errs.Invalid("action.code", "code %q is not one of the emulator's error codes: use one of %s", clip(a.Code), codeList())
	case a.RetryAfter != nil && (*a.RetryAfter < 0 || *a.RetryAfter > MaxRetryAfter):
		return a, errs.Invalid("action.retryAfter", "retryAfter %d is out of range: it is whole seconds from 0 to %d", *a.RetryAfter, MaxRetryAfter)
	}
	a.Delay = a.Delay.Truncate(time.Microsecond) // as the store keeps it
	if a.Message != "" {
		msg, err := textpolicy.Check(textpolicy.Description, "action.message", a.Message)
		if err != nil {
			return a, errs.Invalid("action.message", "%v", err)
		}
		a.Message = msg
	}
	return a, nil
}

func prepareFire(f Fire) (Fire, error) {
	switch {
	case f.Times != nil && *f.Times < 1:
		return f, errs.Invalid("fire.times", "times %d is below 1: it is how many matching requests the rule fires on (leave it out for no limit)", *f.Times)
	case f.Probability != nil && (math.IsNaN(*f.Probability) || *f.Probability <= 0 || *f.Probability > 1):
		return f, errs.Invalid("fire.probability", "probability %v is out of range: it must lie in (0, 1] (leave it out to fire on every match)", *f.Probability)
	}
	if f.Probability != nil && *f.Probability == 1 {
		f.Probability = nil // the one spelling of "every match"
	}
	if f.Seed != nil && f.Probability == nil {
		return f, errs.Invalid("fire.seed", "a seed makes a probability below 1 reproducible: give fire.probability too, or drop the seed")
	}
	return f, nil
}

// codeList is the error codes, for a message.
func codeList() string {
	names := make([]string, 0, len(errs.Codes()))
	for _, c := range errs.Codes() {
		names = append(names, string(c))
	}
	return strings.Join(names, ", ")
}

// clip shortens a refused value for its message.
func clip(s string) string {
	if len(s) <= maxFieldBytes {
		return s
	}
	return s[:maxFieldBytes] + "..."
}
