// Package specvalidate checks HTTP traffic against the iCONECT API's
// OpenAPI description (api/openapi.yaml): an http.RoundTripper that
// validates every request and response it carries and records each
// violation with the operationId it belongs to.
//
// Put it under the SDK in your own tests or CI jobs:
//
//	vt, err := specvalidate.New(apiURL, nil)
//	c, err := iconect.NewClient(apiURL, iconect.WithHTTPClient(&http.Client{Transport: vt}), iconect.WithAuth(cfg, store))
//	... use c ...
//	for _, f := range vt.Findings() { log.Println(f) }
//	if err := vt.Err(); err != nil { ... } // any violation
//
// The SDK's authentication wraps the client's transport, so the Transport
// sees each request as sent, Authorization header included (the header is
// never recorded). Requests are matched to operations by their path below
// the API base URL given to New (its path prefix, such as /api, is
// stripped), not by the spec's servers entry, which is a placeholder.
// Requests to other hosts pass through unchecked.
//
// A 404 or 405 answered for the route itself (an empty body, or one that
// is not the API's {"iconect_error": ...}) is recorded as PathNotFound —
// the tenant does not have the path the spec names — rather than as a
// missing object, which the API reports with an iconect_error body.
package specvalidate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// Kind is the kind of a finding.
type Kind string

// The kinds of findings. Every kind but Drift is a violation (Err reports
// it).
const (
	// RequestViolation: a request does not match its operation.
	RequestViolation Kind = "request"
	// ResponseViolation: a response does not match its operation (an
	// undeclared status, a wrong type, a missing required property, ...).
	ResponseViolation Kind = "response"
	// PathNotFound: the server answered 404 or 405 for the route itself.
	PathNotFound Kind = "path-not-found"
	// Undocumented: a request the spec has no operation for.
	Undocumented Kind = "undocumented"
	// Drift: a response property the spec does not declare (Options.Drift).
	// Not a violation: the cue to add it to the spec.
	Drift Kind = "drift"
)

// Finding is one violation (or drift) seen by the Transport.
type Finding struct {
	Kind        Kind   `json:"kind"`
	OperationID string `json:"operation_id,omitempty"`
	Method      string `json:"method"`
	// Path is the request's path below the API base URL (no query).
	Path string `json:"path"`
	// Status is the response's status code (0 if none arrived).
	Status  int    `json:"status,omitempty"`
	Message string `json:"message"`
}

func (f Finding) String() string {
	op := f.OperationID
	if op == "" {
		op = "(no operation)"
	}
	s := fmt.Sprintf("%s %s: %s %s", op, f.Kind, f.Method, f.Path)
	if f.Status != 0 {
		s += fmt.Sprintf(" → %d", f.Status)
	}
	return s + ": " + f.Message
}

// Violation reports whether the finding fails a contract check (every kind
// but Drift).
func (f Finding) Violation() bool { return f.Kind != Drift }

// Operation is what the Transport saw of one operation.
type Operation struct {
	OperationID string `json:"operation_id"`
	Method      string `json:"method"`
	// Template is the spec's path template.
	Template string `json:"path"`
	// Calls counts the requests sent (every attempt of a retried call).
	Calls int `json:"calls"`
	// Statuses are the distinct status codes answered, ascending (0: the
	// request failed without an answer).
	Statuses []int `json:"statuses"`
	// Findings are the operation's findings, in order.
	Findings []Finding `json:"findings,omitempty"`
}

// Options configure a Transport. The zero value (or nil) validates against
// the embedded spec over http.DefaultTransport.
type Options struct {
	// Base sends the requests (default http.DefaultTransport).
	Base http.RoundTripper
	// Validator validates (default: iconecttest.NewValidator(), the embedded
	// spec). Use iconecttest.NewValidatorFromData for another copy.
	Validator *iconecttest.Validator
	// Drift also checks each response that passes as if every object
	// schema without additionalProperties had additionalProperties: false,
	// reporting (as Drift, not a violation) properties the spec lacks.
	Drift bool
	// MaxBody bounds the response bodies read for validation (default
	// 32 MiB); a longer one is passed on unchecked and reported.
	MaxBody int64
}

// Transport validates the traffic it carries; see the package comment. It
// is safe for concurrent use.
type Transport struct {
	base    http.RoundTripper
	val     *iconecttest.Validator
	strict  *iconecttest.Validator
	apiURL  *url.URL
	prefix  string
	maxBody int64

	mu       sync.Mutex
	ops      map[string]*Operation
	findings []Finding
}

const defaultMaxBody = 32 << 20

// New returns a Transport for the API at apiURL (the tenant's REST API
// base URL, prefix included, as given to iconect.NewClient).
func New(apiURL string, opts *Options) (*Transport, error) {
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("specvalidate: the API URL %q is not an http(s) URL", apiURL)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	t := &Transport{
		base:    o.Base,
		val:     o.Validator,
		apiURL:  u,
		prefix:  strings.TrimRight(u.Path, "/"),
		maxBody: o.MaxBody,
		ops:     map[string]*Operation{},
	}
	if t.base == nil {
		t.base = http.DefaultTransport
	}
	if t.maxBody <= 0 {
		t.maxBody = defaultMaxBody
	}
	if t.val == nil {
		if t.val, err = iconecttest.NewValidator(); err != nil {
			return nil, fmt.Errorf("specvalidate: %w", err)
		}
	}
	if o.Drift {
		if t.strict, err = StrictValidator(t.val.Spec()); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Validator returns the validator in use.
func (t *Transport) Validator() *iconecttest.Validator { return t.val }

// Findings returns every finding so far, in order.
func (t *Transport) Findings() []Finding {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.findings)
}

// Operations returns what was seen of each operation that was called, by
// operationId.
func (t *Transport) Operations() map[string]Operation {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]Operation, len(t.ops))
	for id, o := range t.ops {
		c := *o
		c.Statuses = slices.Clone(o.Statuses)
		c.Findings = slices.Clone(o.Findings)
		out[id] = c
	}
	return out
}

// Reset forgets what was seen.
func (t *Transport) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ops = map[string]*Operation{}
	t.findings = nil
}

// Err returns an error listing the violations (Drift findings excluded),
// or nil when there are none.
func (t *Transport) Err() error {
	var msgs []string
	for _, f := range t.Findings() {
		if f.Violation() {
			msgs = append(msgs, f.String())
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("specvalidate: %d violation(s):\n%s", len(msgs), strings.Join(msgs, "\n"))
}

// RoundTrip implements http.RoundTripper: it validates the request, sends
// it whatever the outcome, validates the response and returns it (its
// body re-readable from memory).
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	rel, ok := t.relative(req.URL)
	if !ok {
		return t.base.RoundTrip(req)
	}
	ctx := req.Context()
	route, params, _, rerr := t.val.Route(req.Method, rel, nil)
	if rerr != nil {
		res, err := t.base.RoundTrip(req)
		msg := "the spec has no operation for this path"
		if errors.Is(rerr, iconecttest.ErrMethodNotAllowed) {
			msg = "the spec has no operation for this method on this path"
		}
		t.record(nil, []Finding{{Kind: Undocumented, Method: req.Method, Path: rel, Status: statusOf(res), Message: msg}}, statusOf(res))
		return res, err
	}
	find := func(kind Kind, status int, msg string) Finding {
		return Finding{Kind: kind, OperationID: route.OperationID, Method: req.Method, Path: rel, Status: status, Message: msg}
	}

	// The request: a copy with its body in memory is validated, another
	// sent. Multipart bodies (files) are streamed, only their media type
	// checked.
	out := req
	check := req.Clone(ctx)
	multipartBody := isMultipart(req.Header.Get("Content-Type"))
	if req.Body != nil && req.Body != http.NoBody && !multipartBody {
		body, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		check.Body = io.NopCloser(bytes.NewReader(body))
		out = req.Clone(ctx)
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.ContentLength = int64(len(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	if multipartBody {
		check.Body = http.NoBody
	}
	var pending []Finding
	if err := t.val.ValidateRequest(ctx, check, route, params); err != nil {
		for _, m := range messages(err) {
			pending = append(pending, find(RequestViolation, 0, m))
		}
	}

	res, err := t.base.RoundTrip(out)
	if err != nil {
		t.record(route, pending, 0)
		return nil, err
	}
	for i := range pending {
		pending[i].Status = res.StatusCode
	}

	body, complete, rerr := readBody(res.Body, t.maxBody)
	if rerr != nil {
		_ = res.Body.Close()
		t.record(route, pending, res.StatusCode)
		return nil, rerr
	}
	if complete {
		_ = res.Body.Close()
		res.Body = io.NopCloser(bytes.NewReader(body))
	} else {
		res.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), res.Body), res.Body}
	}

	switch {
	case !complete:
		pending = append(pending, find(ResponseViolation, res.StatusCode,
			fmt.Sprintf("the response body is longer than %d bytes and was not validated", t.maxBody)))
	case routeMissing(res.StatusCode, body):
		pending = append(pending, find(PathNotFound, res.StatusCode,
			fmt.Sprintf("path not found on this tenant: %d with %s", res.StatusCode, describeBody(body))))
	default:
		verr := t.val.ValidateResponse(ctx, check, route, params, res.StatusCode, res.Header, body)
		for _, m := range messages(verr) {
			pending = append(pending, find(ResponseViolation, res.StatusCode, m))
		}
		if verr == nil && t.strict != nil {
			if sroute, sparams, _, err := t.strict.Route(req.Method, rel, nil); err == nil {
				for _, m := range messages(t.strict.ValidateResponse(ctx, check, sroute, sparams, res.StatusCode, res.Header, body)) {
					pending = append(pending, find(Drift, res.StatusCode, m))
				}
			}
		}
	}
	t.record(route, pending, res.StatusCode)
	return res, nil
}

// relative returns u's path below the API base URL, or false for another
// host or a path outside the prefix.
func (t *Transport) relative(u *url.URL) (string, bool) {
	if !strings.EqualFold(u.Host, t.apiURL.Host) || u.Scheme != t.apiURL.Scheme {
		return "", false
	}
	p := u.Path
	if t.prefix != "" {
		if p != t.prefix && !strings.HasPrefix(p, t.prefix+"/") {
			return "", false
		}
		p = strings.TrimPrefix(p, t.prefix)
	}
	if p == "" {
		p = "/"
	}
	return p, true
}

func (t *Transport) record(route *iconecttest.Route, list []Finding, status int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.findings = append(t.findings, list...)
	if route == nil {
		return
	}
	o := t.ops[route.OperationID]
	if o == nil {
		o = &Operation{OperationID: route.OperationID, Method: route.Method, Template: route.Template}
		t.ops[route.OperationID] = o
	}
	o.Calls++
	if i, found := slices.BinarySearch(o.Statuses, status); !found {
		o.Statuses = slices.Insert(o.Statuses, i, status)
	}
	o.Findings = append(o.Findings, list...)
}

func statusOf(res *http.Response) int {
	if res == nil {
		return 0
	}
	return res.StatusCode
}

func isMultipart(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && strings.HasPrefix(mt, "multipart/")
}

// readBody reads up to limit bytes; complete is false when more remain.
func readBody(r io.Reader, limit int64) (body []byte, complete bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(body)) > limit {
		return body, false, nil
	}
	return body, true, nil
}

// routeMissing reports whether a response says the route itself does not
// exist: a 404 or 405 whose body is not the API's error object.
func routeMissing(status int, body []byte) bool {
	if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
		return false
	}
	var e map[string]json.RawMessage
	if json.Unmarshal(body, &e) != nil {
		return true
	}
	_, ok := e["iconect_error"]
	return !ok
}

func describeBody(body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return "an empty body"
	}
	return fmt.Sprintf("a body that is not an iconect_error (%d bytes)", len(body))
}

// messages splits a validation error into one readable line per problem.
func messages(err error) []string {
	if err == nil {
		return nil
	}
	var ve *iconecttest.ValidationError
	if errors.As(err, &ve) && ve.Err != nil {
		err = ve.Err
	}
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []string
		for _, e := range me {
			out = append(out, messages(e)...)
		}
		sort.Strings(out)
		return slices.Compact(out)
	}
	msg := err.Error()
	if i := strings.Index(msg, "\nSchema:"); i >= 0 {
		msg = msg[:i]
	}
	return []string{strings.Join(strings.Fields(msg), " ")}
}
