package iconect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/iconect-go/iconect-go/gen"
)

// CallOption changes one call.
type CallOption func(*callConfig)

type callConfig struct {
	retry   RetryPolicy
	timeout time.Duration
	editors []RequestEditor
}

// WithCallRetry uses p for this call instead of the client's policy.
func WithCallRetry(p RetryPolicy) CallOption { return func(c *callConfig) { c.retry = p } }

// WithCallAttemptTimeout bounds each attempt of this call.
func WithCallAttemptTimeout(d time.Duration) CallOption { return func(c *callConfig) { c.timeout = d } }

// WithCallEditor changes this call's request (after the client's editors).
func WithCallEditor(e RequestEditor) CallOption {
	return func(c *callConfig) { c.editors = append(c.editors, e) }
}

// call is one SDK call in flight: its operation and options, and where its
// last attempt went (for errors).
type call struct {
	op     string
	cfg    callConfig
	method string
	url    *url.URL    // redacted only when an error needs it
	header http.Header // of the last answer
}

type callKey struct{}

// genResponse is what every generated *XxxResponse has.
type genResponse interface {
	StatusCode() int
	Bytes() []byte
}

// do runs one operation through the generated client: f gets a context
// that carries the call (read by the doer), and any non-2xx answer
// becomes an *Error.
func do[R genResponse](c *Client, ctx context.Context, op string, opts []CallOption, f func(context.Context) (R, error)) (R, error) {
	cl := &call{op: op, cfg: callConfig{retry: c.retry, timeout: c.timeout}}
	for _, o := range opts {
		o(&cl.cfg)
	}
	res, err := f(context.WithValue(ctx, callKey{}, cl))
	if err != nil {
		var zero R
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
		return zero, fmt.Errorf("iconect: %s: %w", op, err)
	}
	if s := res.StatusCode(); s < 200 || s > 299 {
		e := &Error{StatusCode: s, OperationID: op, Method: cl.method, URL: redactURL(cl.url)}
		if d, ok := retryAfter(cl.header); ok {
			e.RetryAfter = d
		}
		body := res.Bytes()
		if len(body) > maxErrorBody {
			body = body[:maxErrorBody]
		}
		e.Body = body
		e.Message = newError(op, &http.Response{StatusCode: s}, body).Message
		return res, e
	}
	return res, nil
}

// one returns the first non-nil answer (an operation may answer 200 or 201).
func one[T any](op string, answers ...*T) (*T, error) {
	for _, a := range answers {
		if a != nil {
			return a, nil
		}
	}
	return nil, fmt.Errorf("iconect: %s: the answer has no JSON body the SDK can read", op)
}

// doer is the generated client's HTTP doer: it adds the User-Agent and
// editors, runs the middleware, and retries as the call's policy decides.
type doer struct{ c *Client }

func (d doer) Do(req *http.Request) (*http.Response, error) {
	c := d.c
	cl, _ := req.Context().Value(callKey{}).(*call)
	if cl == nil {
		cl = &call{op: "unknown", cfg: callConfig{retry: c.retry, timeout: c.timeout}}
	}
	req.Header.Set("User-Agent", c.userAgent)
	c.writeArrays(cl.op, req)
	for _, editors := range [2][]RequestEditor{c.editors, cl.cfg.editors} {
		for _, e := range editors {
			if err := e(req); err != nil {
				return nil, fmt.Errorf("request editor: %w", err)
			}
		}
	}
	cl.method, cl.url = req.Method, req.URL
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	lost := false // an earlier attempt may have reached the server
	for n := 1; ; n++ {
		r := req
		if n > 1 {
			r = req.Clone(req.Context())
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				r.Body = body
			}
		}
		cancel := func() {}
		if cl.cfg.timeout > 0 {
			var ctx context.Context
			ctx, cancel = attemptContext(req.Context(), cl.cfg.timeout)
			r = r.WithContext(ctx)
		}
		start := time.Now()
		res, err := d.send(r)
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		if level := levelFor(status, err); c.log.Enabled(req.Context(), level) {
			c.log.LogAttrs(req.Context(), level, "iconect: call",
				slogOp(cl.op), slogMethod(req.Method), slogPath(pathTemplate(cl.op, req)), slogStatus(status),
				slogDuration(time.Since(start)), slogAttempt(n))
		}
		// An answer means the request was written; without one, only a
		// failure to connect proves it was not.
		written := err == nil || !notSent(err)

		if lost && status == http.StatusNotFound && deleteOperations[cl.op] {
			// The earlier attempt deleted it; its answer was lost.
			drain(res)
			cancel()
			return &http.Response{StatusCode: http.StatusNoContent, Status: "204 No Content", Header: http.Header{},
				Body: http.NoBody, Request: r, Proto: res.Proto, ProtoMajor: res.ProtoMajor, ProtoMinor: res.ProtoMinor}, nil
		}
		if err == nil && status != http.StatusTooManyRequests && status < 500 {
			if cl.cfg.timeout > 0 {
				res.Body = &cancelBody{ReadCloser: res.Body, cancel: cancel}
			}
			return res, nil
		}
		if req.Context().Err() != nil {
			cancel()
			if res != nil {
				drain(res)
			}
			return nil, err
		}
		var header http.Header
		if res != nil {
			header = res.Header
		}
		delay, again := cl.cfg.retry.RetryDelay(Attempt{OperationID: cl.op, Number: n, StatusCode: status,
			Header: header, Err: err, Written: written, Replayable: replayable})
		if !again {
			cl.header = header
			if res != nil {
				res.Body = &cancelBody{ReadCloser: res.Body, cancel: cancel}
			} else {
				cancel()
			}
			return res, err
		}
		lost = lost || (written && (err != nil || status >= 500))
		if res != nil {
			drain(res)
		}
		cancel()
		c.log.LogAttrs(req.Context(), levelRetry, "iconect: retrying", slogOp(cl.op), slogAttempt(n), slogDuration(delay))
		t := time.NewTimer(delay)
		select {
		case <-req.Context().Done():
			t.Stop()
			if err == nil {
				err = fmt.Errorf("HTTP %d", status)
			}
			return nil, fmt.Errorf("%w while waiting to retry after %v", req.Context().Err(), err)
		case <-t.C:
		}
	}
}

// send runs the middleware chain, then the HTTP client.
func (d doer) send(r *http.Request) (*http.Response, error) {
	next := d.c.httpClient.Do
	for i := len(d.c.middleware) - 1; i >= 0; i-- {
		m, inner := d.c.middleware[i], next
		next = func(r *http.Request) (*http.Response, error) { return m(r, inner) }
	}
	return next(r)
}

// cancelBody ends an attempt's context once its body is read and closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func drain(res *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	_ = res.Body.Close()
}

// check that the generated responses fit genResponse.
var _ genResponse = (*gen.ListProjectsResponse)(nil)

// pathTemplate is what the logs show of a path: the spec's template (IDs
// are not secret, but templates group well), or the path itself for a
// request made outside the services.
func pathTemplate(op string, req *http.Request) string {
	if o, ok := gen.Operations[op]; ok {
		return o.Path
	}
	return req.URL.Path
}

// notSent reports whether err proves the request never left: the
// connection could not be made (refused, unreachable, DNS). Any other
// failure may have come after the request was written.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// attemptContext bounds one attempt; the returned cancel ends it.
func attemptContext(parent context.Context, d time.Duration) (context.Context, func()) {
	return context.WithTimeout(parent, d)
}
