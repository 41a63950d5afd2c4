package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"golang.org/x/oauth2"
)

// AuthCodeRequest is a started sign-in: send the user to URL, keep State
// and Verifier (server side, or in the CLI's memory) until the provider
// redirects back, then call FinishAuthCode.
type AuthCodeRequest struct {
	URL      string
	State    string
	Verifier string
}

// String hides the state and verifier, so printing a request leaks nothing.
// (Value receivers: a request printed by value, or as a field of a value,
// must not leak either.)
func (r AuthCodeRequest) String() string { return "auth.AuthCodeRequest{URL: " + r.URL + "}" }

// GoString does the same for %#v.
func (r AuthCodeRequest) GoString() string { return r.String() }

// LogValue does the same for log/slog, whose JSON handler would otherwise
// marshal every field.
func (r AuthCodeRequest) LogValue() slog.Value { return slog.GroupValue(slog.String("URL", r.URL)) }

// AuthorizeError is the provider refusing the sign-in at the authorize step
// (the redirect carries error=..., RFC 6749 §4.1.2.1), e.g. access_denied.
type AuthorizeError struct {
	Code        string
	Description string
}

func (e *AuthorizeError) Error() string {
	if e.Description == "" {
		return "auth: sign-in refused: " + e.Code
	}
	return "auth: sign-in refused: " + e.Code + ": " + e.Description
}

// ErrStateMismatch is a redirect whose state is not the one this sign-in
// sent: it belongs to another sign-in, or was forged (CSRF).
var ErrStateMismatch = errors.New("auth: the redirect's state does not match this sign-in")

// StartAuthCode begins an authorization code sign-in with PKCE (S256): a
// crypto-random state and verifier, and the URL to send the user to.
func (c *Config) StartAuthCode(opts ...oauth2.AuthCodeOption) (*AuthCodeRequest, error) {
	oc, err := c.oauth2()
	if err != nil {
		return nil, err
	}
	if c.RedirectURL == "" {
		return nil, errors.New("auth: Config.RedirectURL is empty")
	}
	state, err := randomToken()
	if err != nil {
		return nil, err
	}
	verifier := oauth2.GenerateVerifier()
	opts = append(opts, oauth2.S256ChallengeOption(verifier))
	return &AuthCodeRequest{URL: oc.AuthCodeURL(state, opts...), State: state, Verifier: verifier}, nil
}

// FinishAuthCode checks the redirect's state (in constant time) and
// exchanges its code and the request's verifier for a token.
func (c *Config) FinishAuthCode(ctx context.Context, req *AuthCodeRequest, state, code string) (*oauth2.Token, error) {
	if req == nil || req.State == "" || req.Verifier == "" {
		return nil, errors.New("auth: no sign-in in progress (AuthCodeRequest without state or verifier)")
	}
	if subtle.ConstantTimeCompare([]byte(state), []byte(req.State)) != 1 {
		return nil, ErrStateMismatch
	}
	if code == "" {
		return nil, errors.New("auth: the redirect carries no code")
	}
	oc, err := c.oauth2()
	if err != nil {
		return nil, err
	}
	tok, _, err := c.retrieve(ctx, "authorization_code", func(ctx context.Context) (*oauth2.Token, error) {
		return oc.Exchange(ctx, code, oauth2.VerifierOption(req.Verifier))
	})
	return tok, err
}

// FinishAuthCodeURL finishes a sign-in from the whole URL the browser was
// redirected to — what a command-line tool asks the user to paste.
func (c *Config) FinishAuthCodeURL(ctx context.Context, req *AuthCodeRequest, redirected string) (*oauth2.Token, error) {
	u, err := url.Parse(redirected)
	if err != nil {
		return nil, errors.New("auth: the pasted text is not a URL")
	}
	return c.finishQuery(ctx, req, u.Query())
}

func (c *Config) finishQuery(ctx context.Context, req *AuthCodeRequest, q url.Values) (*oauth2.Token, error) {
	if code := q.Get("error"); code != "" {
		return nil, &AuthorizeError{Code: code, Description: q.Get("error_description")}
	}
	if q.Get("code") == "" {
		return nil, errors.New("auth: the redirect URL has no code parameter")
	}
	return c.FinishAuthCode(ctx, req, q.Get("state"), q.Get("code"))
}

// CallbackHandler serves a web application's redirect endpoint. pending
// finds the sign-in this browser started (the app keeps it in its session,
// keyed as it likes); done receives the token or the error and answers the
// browser. The handler never writes a token or secret itself.
func (c *Config) CallbackHandler(pending func(r *http.Request) (*AuthCodeRequest, error),
	done func(w http.ResponseWriter, r *http.Request, tok *oauth2.Token, err error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := pending(r)
		if err != nil {
			done(w, r, nil, fmt.Errorf("auth: no sign-in in progress for this browser: %w", err))
			return
		}
		tok, err := c.finishQuery(r.Context(), req, r.URL.Query())
		done(w, r, tok, err)
	})
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: random state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
