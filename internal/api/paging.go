package api

import (
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// A page token is opaque to clients, and the same on every plane: the
// base64url form of a keyset cursor (accounts.Cursor), never an offset.
// Its text is the listing's order, its direction, then the sort key and
// the id of the last item returned, separated by NUL bytes (ids and keys
// never hold one), followed by the CRC-32 of that text, so that a token
// edited or cut short is refused rather than read as another position.

const (
	tokenAscending  = "asc"
	tokenDescending = "desc"
)

// encodePageToken returns the token of a cursor.
func encodePageToken(c accounts.Cursor) string {
	dir := tokenAscending
	if c.Desc {
		dir = tokenDescending
	}
	text := []byte(strings.Join([]string{string(c.Order), dir, c.Key, c.ID}, "\x00"))
	return base64.RawURLEncoding.EncodeToString(binary.BigEndian.AppendUint32(text, crc32.ChecksumIEEE(text)))
}

// decodePageToken reads a token encodePageToken wrote, or answers a 400
// that says to start again.
func decodePageToken(token string) (accounts.Cursor, error) {
	bad := errs.Invalid("pageToken", "pageToken %q is not a token this listing returned; start again without pageToken", token)
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < crc32.Size {
		return accounts.Cursor{}, bad
	}
	text, sum := raw[:len(raw)-crc32.Size], raw[len(raw)-crc32.Size:]
	if binary.BigEndian.Uint32(sum) != crc32.ChecksumIEEE(text) || !utf8.Valid(text) {
		return accounts.Cursor{}, bad
	}
	parts := strings.Split(string(text), "\x00")
	if len(parts) != 4 || parts[3] == "" {
		return accounts.Cursor{}, bad
	}
	order := accounts.Order(parts[0])
	if order != accounts.OrderCreated && order != accounts.OrderName {
		return accounts.Cursor{}, bad
	}
	var desc bool
	switch parts[1] {
	case tokenAscending:
	case tokenDescending:
		desc = true
	default:
		return accounts.Cursor{}, bad
	}
	return accounts.Cursor{Order: order, Desc: desc, Key: parts[2], ID: parts[3]}, nil
}

// nextPageToken is the token of the page after p, nil on the last page.
func nextPageToken[T any](p accounts.Page[T]) *string {
	if p.Next == nil {
		return nil
	}
	t := encodePageToken(*p.Next)
	return &t
}

// listView is the shape of every list of the management and control
// planes: one page of items and the token of the next page, null on the
// last.
type listView[T any] struct {
	Items         []T     `json:"items"`
	NextPageToken *string `json:"nextPageToken"`
}

// readPage reads the page a list request asks for (pageSize, pageToken).
func readPage(r *http.Request) (accounts.PageRequest, error) {
	q := newQueryReader(r)
	pr := q.page()
	return pr, q.err
}

// listPage reads the page a request asks for, lists it with list, and
// answers it, converting each item with view.
func listPage[S, T any](w http.ResponseWriter, r *http.Request, list func(accounts.PageRequest) (accounts.Page[S], error), view func(S) T) error {
	pr, err := readPage(r)
	if err != nil {
		return err
	}
	p, err := list(pr)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listView[T]{Items: viewAll(p.Items, view), NextPageToken: nextPageToken(p)})
	return nil
}
