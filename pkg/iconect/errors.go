package iconect

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Error is a non-2xx answer of the iCONECT API. Every method returns one
// for any answer outside 2xx; use errors.As, or the Is... helpers.
type Error struct {
	StatusCode int
	// Message is the API's iconect_error, when the body carries one.
	Message     string
	OperationID string
	Method      string
	// URL is the request URL with anything secret-looking redacted.
	URL string
	// Body is the start of the answer's body (at most 1 MiB).
	Body []byte
	// RetryAfter is the answer's Retry-After (429, 503), 0 when absent.
	RetryAfter time.Duration
}

// RetryAfterDelay reports the wait the server asked for, for callers that
// retry on their own (the chunked uploader does).
func (e *Error) RetryAfterDelay() (time.Duration, bool) { return e.RetryAfter, e.RetryAfter > 0 }

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("iconect: %s (%s %s): %d: %s", e.OperationID, e.Method, e.URL, e.StatusCode, msg)
}

// maxErrorBody bounds what an Error keeps of a body.
const maxErrorBody = 1 << 20

func newError(op string, res *http.Response, body []byte) *Error {
	if len(body) > maxErrorBody {
		body = body[:maxErrorBody]
	}
	e := &Error{StatusCode: res.StatusCode, OperationID: op, Body: body}
	if res.Request != nil {
		e.Method = res.Request.Method
		e.URL = redactURL(res.Request.URL)
	}
	var ie struct {
		IconectError string `json:"iconect_error"`
	}
	if json.Unmarshal(body, &ie) == nil {
		e.Message = ie.IconectError
	}
	return e
}

// ValidationError is input the SDK refuses before sending: the API would
// refuse it too, and a clear local error beats a round trip.
type ValidationError struct {
	OperationID string
	Message     string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("iconect: %s: invalid input: %s", e.OperationID, e.Message)
}

func invalid(op, format string, args ...any) error {
	return &ValidationError{OperationID: op, Message: fmt.Sprintf(format, args...)}
}

func statusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// IsNotFound reports whether err is a 404: the object does not exist.
func IsNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

// IsUnauthorized reports whether err is a 401: the token is missing,
// expired or invalid (sign in again).
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

// IsForbidden reports whether err is a 403: the user or token may not use
// this operation.
func IsForbidden(err error) bool { return statusOf(err) == http.StatusForbidden }

// IsRateLimited reports whether err is a 429 (after the retries).
func IsRateLimited(err error) bool { return statusOf(err) == http.StatusTooManyRequests }

// IsValidation reports whether the input was refused: by the SDK before
// sending (ValidationError) or by the API (400, 415).
func IsValidation(err error) bool {
	var v *ValidationError
	if errors.As(err, &v) {
		return true
	}
	s := statusOf(err)
	return s == http.StatusBadRequest || s == http.StatusUnsupportedMediaType
}

// secretParams are query parameters whose values never appear in errors or
// logs (the API takes none today; a proxy or a future version may).
var secretParams = []string{"access_token", "token", "code", "code_verifier", "client_secret", "password", "refresh_token", "state", "key", "signature", "sig"}

func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q := c.Query()
		for k := range q {
			for _, s := range secretParams {
				if strings.EqualFold(k, s) {
					q.Set(k, "REDACTED")
				}
			}
		}
		c.RawQuery = q.Encode()
	}
	return c.String()
}
