package auth

import (
	"io"
	"net/http"
)

// Transport adds the source's bearer token to each request. On a 401 it
// forces one refresh and replays the request once, if its body can be
// replayed (no body, or Request.GetBody set, as http.NewRequest does for
// in-memory bodies); otherwise the 401 is returned as is.
type Transport struct {
	Source *TokenSource
	// Base sends the requests (default http.DefaultTransport).
	Base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.Source.Token()
	if err != nil {
		closeBody(req)
		return nil, err
	}
	res, err := t.base().RoundTrip(withToken(req, tok.AccessToken))
	if err != nil || res.StatusCode != http.StatusUnauthorized {
		return res, err
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return res, nil
	}
	fresh, err := t.Source.Refresh(tok)
	if err != nil {
		return res, nil // the caller sees the 401; the source logged why
	}
	retry := withToken(req, fresh.AccessToken)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return res, nil
		}
		retry.Body = body
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	_ = res.Body.Close()
	return t.base().RoundTrip(retry)
}

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

// withToken copies req (a RoundTripper must not change its request) with
// the Authorization header set.
func withToken(req *http.Request, token string) *http.Request {
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+token)
	return r
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
