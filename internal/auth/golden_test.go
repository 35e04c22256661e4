package auth

import (
	"net/http"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/golden"
)

// request is everything Verify looks at.
type request struct {
	method string
	target string
	header http.Header
	body   []byte
}

// goldenRequest is the request the SDK sent for v.
func goldenRequest(v golden.Vector) request {
	h := make(http.Header)
	for name, value := range v.SentHeaders() {
		h.Set(name, value)
	}
	return request{method: v.Method, target: v.RequestTarget, header: h, body: []byte(v.Body)}
}

func (r request) clone() request {
	return request{method: r.method, target: r.target, header: r.header.Clone(), body: append([]byte(nil), r.body...)}
}

func (v *Verifier) verifyRequest(r request) Result {
	return v.Verify(r.method, r.target, r.header, r.body)
}

// pinnedVerifier returns a Verifier whose clock reads unix. Golden vectors
// want pinnedVerifier(v.ClientTime) (v1 vectors have no client time; v1
// checks no time).
func pinnedVerifier(unix int64) *Verifier {
	now := time.Unix(unix, 0)
	return &Verifier{Now: func() time.Time { return now }}
}
