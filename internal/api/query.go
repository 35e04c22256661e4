package api

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// queryReader reads the query parameters of a request, on every plane,
// keeping the first error, which names the parameter.
type queryReader struct {
	q   url.Values
	err error
}

func newQueryReader(r *http.Request) *queryReader { return &queryReader{q: r.URL.Query()} }

func (qr *queryReader) fail(err error) {
	if qr.err == nil {
		qr.err = err
	}
}

// str returns the parameter, or nil when it is absent.
func (qr *queryReader) str(name string) *string {
	if !qr.q.Has(name) {
		return nil
	}
	v := qr.q.Get(name)
	return &v
}

// strs returns every value of a repeated parameter; nil when absent.
func (qr *queryReader) strs(name string) []string {
	if !qr.q.Has(name) {
		return nil
	}
	return qr.q[name]
}

// optBoolean reads True/False (any form strconv.ParseBool takes).
func (qr *queryReader) optBoolean(name string) *bool {
	raw := qr.str(name)
	if raw == nil {
		return nil
	}
	b, err := strconv.ParseBool(*raw)
	if err != nil {
		qr.fail(errs.Invalid(name, "%s must be True or False, got %q", name, *raw))
		return nil
	}
	return &b
}

func (qr *queryReader) boolean(name string) bool {
	b := qr.optBoolean(name)
	return b != nil && *b
}

// integer reads an integer from min to max, def when absent.
func (qr *queryReader) integer(name string, min, max, def int) int {
	raw := qr.str(name)
	if raw == nil || *raw == "" {
		return def
	}
	n, err := strconv.Atoi(*raw)
	if err != nil || n < min || n > max {
		qr.fail(errs.Invalid(name, "%s must be an integer from %d to %d, got %q", name, min, max, *raw))
		return def
	}
	return n
}

// time reads a datetime in any form the SDK sends (parseSDKTime).
func (qr *queryReader) time(name string) *time.Time {
	raw := qr.str(name)
	if raw == nil {
		return nil
	}
	t, ok := parseSDKTime(*raw)
	if !ok {
		qr.fail(errs.Invalid(name, "%s %q is not a datetime (use ISO 8601, e.g. 2024-02-01T01:02:03+00:00)", name, *raw))
		return nil
	}
	return &t
}

// ids reads a repeated id parameter; nil when absent.
func (qr *queryReader) ids(name string) []string {
	raw := qr.strs(name)
	if raw == nil {
		return nil
	}
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		id, err := accounts.ParseID(name, v)
		if err != nil {
			qr.fail(err)
			return nil
		}
		out = append(out, id)
	}
	return out
}

// Paging limits of every paged list, on every plane. The default is also
// the SDK's own page size.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// page is the one page reader: pageSize (1..MaxPageSize, default
// DefaultPageSize) and pageToken (a token a listing returned).
func (qr *queryReader) page() accounts.PageRequest {
	pr := accounts.PageRequest{Size: qr.integer("pageSize", 1, MaxPageSize, DefaultPageSize)}
	if raw := qr.q.Get("pageToken"); raw != "" {
		c, err := decodePageToken(raw)
		if err != nil {
			qr.fail(err)
			return pr
		}
		pr.After = &c
	}
	return pr
}
