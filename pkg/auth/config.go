// Package auth signs in to iCONECT with OpenID Connect, on golang.org/x/oauth2:
// authorization code with PKCE (StartAuthCode, FinishAuthCode), the password
// grant for single-user integrations (PasswordToken), and a TokenSource that
// refreshes ahead of expiry, once for any number of callers, saves each
// rotated token to a TokenStore before using it and never spends a
// single-use refresh token twice. Transport adds the token to API requests.
//
// iCONECT's identity provider consumes a refresh token when it is used, so
// the usual x/oauth2 token source is not enough: it has no hook to save the
// rotated token, keeps the context of the first request, and its auth-style
// auto-detection re-sends a refused grant. This package sets the auth style
// explicitly and owns the refresh.
package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// Config describes an application registered with the iCONECT identity
// provider.
type Config struct {
	// IdentityURL is the provider's base URL (https://{identityURL} in the
	// docs); the endpoints default to IdentityURL + /openid/authorize and
	// /openid/token.
	IdentityURL string
	// ClientID and ClientSecret are the registered application's; leave
	// ClientSecret empty for a public client (a CLI, a desktop app).
	ClientID     string
	ClientSecret string
	// RedirectURL must equal the registered redirect URI exactly (a trailing
	// slash matters).
	RedirectURL string
	// Scopes are extra scopes; iconect_api and openid are always requested.
	Scopes []string

	// AuthURL and TokenURL override the endpoints (Discover fills them from
	// the provider's /.well-known/openid-configuration).
	AuthURL  string
	TokenURL string
	// AuthStyle is how the client authenticates at the token endpoint. The
	// zero value means HTTP Basic for a confidential client and the
	// client_id in the body for a public one — never auto-detection, which
	// would re-send a refused single-use grant in the other style.
	AuthStyle oauth2.AuthStyle
	// HTTPClient sends token and discovery requests (default: a client with
	// a 30 s timeout).
	HTTPClient *http.Client
}

// RequiredScopes are requested on every grant: the iCONECT API refuses
// tokens without iconect_api, and the provider requires openid.
var RequiredScopes = []string{"iconect_api", "openid"}

var defaultClient = &http.Client{Timeout: 30 * time.Second}

func (c *Config) client() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return defaultClient
}

func (c *Config) scopes() []string {
	out := slices.Clone(RequiredScopes)
	for _, s := range c.Scopes {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// endpoint returns the endpoints, checking the configuration first.
func (c *Config) endpoint() (oauth2.Endpoint, error) {
	if c.ClientID == "" {
		return oauth2.Endpoint{}, errors.New("auth: Config.ClientID is empty")
	}
	base := strings.TrimRight(c.IdentityURL, "/")
	auth, token := c.AuthURL, c.TokenURL
	if auth == "" || token == "" {
		if base == "" {
			return oauth2.Endpoint{}, errors.New("auth: Config.IdentityURL is empty (or set AuthURL and TokenURL)")
		}
		if auth == "" {
			auth = base + "/openid/authorize"
		}
		if token == "" {
			token = base + "/openid/token"
		}
	}
	style := c.AuthStyle
	if style == oauth2.AuthStyleAutoDetect {
		style = oauth2.AuthStyleInParams
		if c.ClientSecret != "" {
			style = oauth2.AuthStyleInHeader
		}
	}
	return oauth2.Endpoint{AuthURL: auth, TokenURL: token, AuthStyle: style}, nil
}

func (c *Config) oauth2() (*oauth2.Config, error) {
	ep, err := c.endpoint()
	if err != nil {
		return nil, err
	}
	return &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURL: c.RedirectURL,
		Scopes: c.scopes(), Endpoint: ep}, nil
}

// Discover reads the provider's /.well-known/openid-configuration and sets
// AuthURL, TokenURL and (unless set) the auth style from it, so the code
// works against any standards-conformant provider, wherever its endpoints
// are.
func (c *Config) Discover(ctx context.Context) error {
	base := strings.TrimRight(c.IdentityURL, "/")
	if base == "" {
		return errors.New("auth: Config.IdentityURL is empty")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/.well-known/openid-configuration", nil)
	if err != nil {
		return fmt.Errorf("auth: discovery: %w", err)
	}
	res, err := c.client().Do(req)
	if err != nil {
		return fmt.Errorf("auth: discovery: %w", err)
	}
	defer func() { _ = res.Body.Close() }()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("auth: discovery: %s answered HTTP %d", req.URL.Redacted(), res.StatusCode)
	}
	var doc struct {
		AuthorizationEndpoint string   `json:"authorization_endpoint"`
		TokenEndpoint         string   `json:"token_endpoint"`
		AuthMethods           []string `json:"token_endpoint_auth_methods_supported"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&doc); err != nil {
		return fmt.Errorf("auth: discovery: bad document: %w", err)
	}
	if doc.AuthorizationEndpoint == "" || doc.TokenEndpoint == "" {
		return errors.New("auth: discovery: the document names no authorization_endpoint or token_endpoint")
	}
	c.AuthURL, c.TokenURL = doc.AuthorizationEndpoint, doc.TokenEndpoint
	if c.AuthStyle == oauth2.AuthStyleAutoDetect && c.ClientSecret != "" && len(doc.AuthMethods) > 0 &&
		!slices.Contains(doc.AuthMethods, "client_secret_basic") && slices.Contains(doc.AuthMethods, "client_secret_post") {
		c.AuthStyle = oauth2.AuthStyleInParams
	}
	return nil
}

// retrieve runs one token request and sorts its failure: the provider's
// refusal (TokenError), a 5xx or transport failure (TemporaryError). wrote
// reports whether the request may have reached the provider: a refresh
// token in a request that was written may have been spent.
func (c *Config) retrieve(ctx context.Context, grant string, do func(ctx context.Context) (*oauth2.Token, error)) (tok *oauth2.Token, wrote bool, err error) {
	var written atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) { written.Store(info.Err == nil) },
	})
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.client())
	tok, err = do(ctx)
	if err == nil {
		return tok, true, nil
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		if re.Response.StatusCode >= http.StatusInternalServerError {
			return nil, true, &TemporaryError{Grant: grant, Err: fmt.Errorf("the identity provider answered HTTP %d", re.Response.StatusCode)}
		}
		// Not wrapped: RetrieveError's text quotes the whole response body.
		return nil, true, &TokenError{Grant: grant, StatusCode: re.Response.StatusCode, Code: re.ErrorCode, Description: re.ErrorDescription}
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, written.Load(), &TemporaryError{Grant: grant, Err: ctxErr}
	}
	return nil, written.Load(), &TemporaryError{Grant: grant, Err: redact(err)}
}

// redact keeps an error's kind but drops x/oauth2's quoting of a response
// body, which is the provider's to fill.
func redact(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "\nResponse:"); i >= 0 {
		return errors.New(msg[:i])
	}
	return err
}
