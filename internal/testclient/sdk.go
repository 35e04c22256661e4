package testclient

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// BearerTokenPath is the SDK call that exchanges a signature for a bearer
// token: any valid key may make it.
const BearerTokenPath = "/v2/public/user/bearer-token"

// SDKRequest is one call of the SDK plane.
type SDKRequest struct {
	// Method is GET when empty.
	Method string
	// Target is the path and query, sent and signed as written.
	Target string
	// Body is sent as it is, as application/json when not empty.
	Body string
	// Header holds more headers, set before signing.
	Header http.Header
	// Signer signs the request as the SDK does: v1 for /public and
	// /public/user, v2 otherwise. Nil sends it unsigned.
	Signer *encordsign.Signer
	// Bearer, when set, authenticates with a bearer token instead.
	Bearer string
	// Now is the signing clock; zero means now.
	Now time.Time
	// TraceID is sent in X-Cloud-Trace-Context, as the SDK does.
	TraceID string
	// Tamper runs after signing: a test's way to break a signed request.
	Tamper func(*http.Request)
}

// SDK sends a call of the SDK plane and returns the answer.
func (c *Client) SDK(ctx context.Context, s SDKRequest) Response {
	if s.Method == "" {
		s.Method = http.MethodGet
	}
	if s.Now.IsZero() {
		s.Now = time.Now()
	}
	body := []byte(s.Body)
	req, err := http.NewRequestWithContext(ctx, s.Method, c.base+s.Target, bytes.NewReader(body))
	if err != nil {
		return Response{Err: err}
	}
	if len(body) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	for name, values := range s.Header {
		req.Header.Del(name)
		for _, v := range values {
			req.Header.Add(name, v)
		}
	}
	switch {
	case s.Bearer != "":
		req.Header.Set("Authorization", encordsign.BearerHeader(s.Bearer))
	case s.Signer != nil:
		if err := s.Signer.SignRequest(req, body, s.Now); err != nil {
			return Response{Err: err}
		}
	}
	if s.TraceID != "" {
		req.Header.Set("X-Cloud-Trace-Context", s.TraceID+"/1;o=1")
	}
	if s.Tamper != nil {
		s.Tamper(req)
	}
	return c.Send(req)
}
