package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/iconect-go/iconect-go/pkg/auth"
	"github.com/iconect-go/iconect-go/pkg/iconect"
)

// usageError is bad flags or bad input: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{msg: fmt.Sprintf(format, a...)} }

// errHelp is -h: the usage was printed, exit 0.
var errHelp = errors.New("help requested")

// hinted is an error with a hint of what to do about it.
type hinted struct {
	err  error
	hint string
}

func (e *hinted) Error() string { return e.err.Error() }
func (e *hinted) Unwrap() error { return e.err }

func withHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &hinted{err: err, hint: hint}
}

// problem is an error as the user sees it.
type problem struct {
	Error  string `json:"error"`
	Hint   string `json:"hint,omitempty"`
	Status int    `json:"http_status,omitempty"`
	Code   int    `json:"exit_code"`
}

// fail reports err on stderr, as one line (or one JSON object), and returns
// the exit code.
func (a *app) fail(err error, asJSON bool) int {
	if errors.Is(err, errHelp) {
		return exitOK
	}
	p := explain(err)
	p.Error = oneLine(p.Error)
	p.Hint = oneLine(p.Hint)
	if asJSON {
		b := &strings.Builder{}
		_ = writeJSONLine(b, p)
		_, _ = fmt.Fprint(a.stderr, b.String())
		return p.Code
	}
	line := "iconect: " + p.Error
	if p.Hint != "" {
		line += " — " + p.Hint
	}
	_, _ = fmt.Fprintln(a.stderr, line)
	return p.Code
}

// explain sorts an error into its exit code, message and hint. The SDK's
// and auth's errors carry no secret (URLs are redacted, token requests
// never quoted), so their text can be shown.
func explain(err error) problem {
	var (
		hint  string
		ue    *usageError
		ae    *iconect.Error
		ve    *iconect.ValidationError
		je    *iconect.JobFailedError
		te    *auth.TokenError
		tmp   *auth.TemporaryError
		aze   *auth.AuthorizeError
		h     *hinted
		urlE  *url.Error
		netOp *net.OpError
	)
	if errors.As(err, &h) {
		hint = h.hint
	}
	switch {
	case errors.As(err, &ue):
		return problem{Error: ue.msg, Hint: hint, Code: exitUsage}
	case errors.Is(err, errNotLoggedIn), errors.Is(err, auth.ErrReauthRequired):
		return problem{Error: "not logged in, or the login has expired", Hint: "run iconect login", Code: exitError}
	case errors.As(err, &ve):
		return problem{Error: "invalid input: " + ve.Message, Hint: or(hint, "check the flags (run the command with -h)"), Code: exitUsage}
	case errors.As(err, &ae):
		return apiProblem(ae, hint)
	case errors.As(err, &je):
		msg := fmt.Sprintf("job %d ended %s", je.Job.ID, je.Status)
		if je.StatusMessage != "" {
			msg += ": " + je.StatusMessage
		}
		return problem{Error: msg, Hint: or(hint, fmt.Sprintf("see iconect jobs get --job %d", je.Job.ID)), Code: exitError}
	case errors.Is(err, iconect.ErrWaitTimeout):
		return problem{Error: "the job did not end in time (it goes on running)", Hint: or(hint, "follow it with iconect jobs wait"), Code: exitError}
	case errors.As(err, &te):
		msg := fmt.Sprintf("the identity provider refused the %s sign-in (HTTP %d): %s", te.Grant, te.StatusCode, strings.TrimSpace(te.Code+" "+te.Description))
		switch te.Code {
		case "invalid_client", "unauthorized_client":
			hint = "check --client-id and ICONECT_CLIENT_SECRET"
		case "invalid_grant":
			hint = "check the username and password, or run iconect login again"
		default:
			hint = or(hint, "check the sign-in settings (iconect login -h)")
		}
		return problem{Error: msg, Hint: hint, Code: exitError}
	case errors.As(err, &aze):
		return problem{Error: "the sign-in was refused: " + strings.TrimSpace(aze.Code+" "+aze.Description), Hint: "run iconect login again", Code: exitError}
	case errors.Is(err, auth.ErrStateMismatch):
		return problem{Error: "the pasted URL belongs to another sign-in (its state does not match)", Hint: "run iconect login again and paste the URL of this sign-in", Code: exitError}
	case errors.As(err, &tmp):
		return problem{Error: "the identity provider could not be reached or failed", Hint: "try again later; check --identity-url", Code: exitError}
	case errors.Is(err, context.Canceled):
		return problem{Error: "interrupted", Code: exitError}
	case errors.Is(err, context.DeadlineExceeded):
		return problem{Error: "timed out", Hint: hint, Code: exitError}
	case errors.As(err, &urlE), errors.As(err, &netOp):
		msg := "cannot reach the API"
		if urlE != nil {
			if u, perr := url.Parse(urlE.URL); perr == nil {
				msg += " at " + u.Scheme + "://" + u.Host
			}
		}
		return problem{Error: msg, Hint: or(hint, "check --api-url and your network"), Code: exitError}
	}
	return problem{Error: err.Error(), Hint: hint, Code: exitError}
}

// apiProblem explains an answer outside 2xx.
func apiProblem(e *iconect.Error, hint string) problem {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	p := problem{Error: fmt.Sprintf("%s: %s (HTTP %d)", e.OperationID, msg, e.StatusCode), Status: e.StatusCode, Code: exitError}
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		p.Hint = "the API refused the token: run iconect login"
	case e.StatusCode == http.StatusForbidden:
		p.Hint = or(hint, "your user or token may not do this (the token needs the iconect_api scope)")
	case e.StatusCode == http.StatusNotFound:
		p.Hint = or(hint, "check the IDs you gave (iconect projects list, iconect jobs list, ...) and --api-url")
	case e.StatusCode == http.StatusTooManyRequests:
		p.Hint = or(hint, "rate limited: try again later")
	case e.StatusCode >= 500:
		p.Hint = or(hint, "the tenant failed: try again later")
	default:
		p.Hint = or(hint, "the API refused the input: check the flags")
	}
	return p
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
