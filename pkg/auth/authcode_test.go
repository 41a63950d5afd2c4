package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/auth"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

func TestAuthCodeFlow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		config func(*env) *auth.Config
	}{
		{"confidential", (*env).config},
		{"public", (*env).publicConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			cfg := tc.config(e)
			req := e.start(cfg)

			u, err := url.Parse(req.URL)
			require.NoError(t, err)
			assert.Equal(t, e.srv.IdentityURL+"/openid/authorize", u.Scheme+"://"+u.Host+u.Path)
			q := u.Query()
			assert.Equal(t, cfg.ClientID, q.Get("client_id"))
			assert.Equal(t, cfg.RedirectURL, q.Get("redirect_uri"))
			assert.Equal(t, "code", q.Get("response_type"))
			assert.Equal(t, req.State, q.Get("state"))
			assert.Equal(t, "S256", q.Get("code_challenge_method"))
			assert.Len(t, q.Get("code_challenge"), 43)
			assert.NotContains(t, req.URL, req.Verifier, "the verifier must not travel in the URL")
			assert.Equal(t, oauth2.S256ChallengeFromVerifier(req.Verifier), q.Get("code_challenge"))
			assert.ElementsMatch(t, []string{"iconect_api", "openid"}, strings.Fields(q.Get("scope")))

			loc := e.redirected(req)
			tok, err := cfg.FinishAuthCodeURL(context.Background(), req, loc)
			noteErr(t, err)
			require.NoError(t, err)
			watch.token(tok)
			assert.NotEmpty(t, tok.AccessToken)
			assert.NotEmpty(t, tok.RefreshToken)
			assert.False(t, tok.Expiry.IsZero())
			assert.Equal(t, 1, e.srv.TokenRequests("authorization_code"))
			assert.Equal(t, http.StatusOK, e.get(tok.AccessToken), "the token works on the API")
		})
	}
}

func TestStartAuthCodeIsRandom(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	a, b := e.start(cfg), e.start(cfg)
	assert.NotEqual(t, a.State, b.State)
	assert.NotEqual(t, a.Verifier, b.Verifier)
	assert.GreaterOrEqual(t, len(a.State), 43, "state: 256 random bits")
	assert.GreaterOrEqual(t, len(a.Verifier), 43)
}

func TestAuthCodeExtraScopes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	cfg.Scopes = []string{"openid", "iconect_api"} // already required: not repeated
	req := e.start(cfg)
	u, err := url.Parse(req.URL)
	require.NoError(t, err)
	assert.Equal(t, "iconect_api openid", u.Query().Get("scope"))

	// A scope the provider does not know comes back as an authorize error.
	cfg.Scopes = []string{"offline_access"}
	req = e.start(cfg)
	assert.Contains(t, req.URL, "offline_access")
	_, err = cfg.FinishAuthCodeURL(context.Background(), req, e.authorize(req.URL))
	noteErr(t, err)
	var ae *auth.AuthorizeError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "invalid_scope", ae.Code)
	assert.Equal(t, 0, e.srv.TokenRequests("authorization_code"))
}

func TestAuthCodeWrongState(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	mine, other := e.start(cfg), e.start(cfg)
	loc := e.redirected(other) // another sign-in's redirect (or a forged one)

	_, err := cfg.FinishAuthCodeURL(context.Background(), mine, loc)
	noteErr(t, err)
	require.ErrorIs(t, err, auth.ErrStateMismatch)
	assert.Contains(t, err.Error(), "state does not match")

	q, err := parseQuery(loc)
	require.NoError(t, err)
	for _, state := range []string{"", "forged", mine.State + "x", mine.State[:len(mine.State)-1]} {
		_, err := cfg.FinishAuthCode(context.Background(), mine, state, q.Get("code"))
		noteErr(t, err)
		assert.ErrorIs(t, err, auth.ErrStateMismatch, "state %q", state)
	}
	assert.Equal(t, 0, e.srv.TokenRequests("authorization_code"), "no token request on a wrong state")

	// The code was not spent: its own sign-in still finishes.
	tok, err := cfg.FinishAuthCodeURL(context.Background(), other, loc)
	noteErr(t, err)
	require.NoError(t, err)
	watch.token(tok)
	assert.Equal(t, 1, e.srv.TokenRequests("authorization_code"))
}

func TestAuthCodeWrongVerifier(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		config func(*env) *auth.Config
	}{
		{"confidential", (*env).config},
		{"public", (*env).publicConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			cfg := tc.config(e)
			mine, other := e.start(cfg), e.start(cfg)
			loc := e.redirected(mine)
			wrong := &auth.AuthCodeRequest{URL: mine.URL, State: mine.State, Verifier: other.Verifier}

			tok, err := cfg.FinishAuthCodeURL(context.Background(), wrong, loc)
			noteErr(t, err)
			require.Error(t, err)
			assert.Nil(t, tok)
			var te *auth.TokenError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, "invalid_grant", te.Code)
			assert.Equal(t, "authorization_code", te.Grant)
			assert.Equal(t, http.StatusBadRequest, te.StatusCode)
			assert.Contains(t, te.Description, "code_verifier")
			assert.Contains(t, err.Error(), "authorization_code grant refused (HTTP 400): invalid_grant")
			assert.NotErrorIs(t, err, auth.ErrStateMismatch)
			assert.Equal(t, 1, e.srv.TokenRequests("authorization_code"))
		})
	}
}

func TestAuthCodeAccessDenied(t *testing.T) {
	t.Parallel()
	e := newEnv(t, iconecttest.WithLoginForm())
	cfg := e.config()
	req := e.start(cfg)
	u, err := url.Parse(req.URL)
	require.NoError(t, err)

	// The user presses Cancel on the provider's login form.
	form := u.Query()
	form.Set("deny", "1")
	res, err := noRedirect.PostForm(e.srv.IdentityURL+"/openid/authorize", form)
	require.NoError(t, err)
	_ = res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)

	tok, err := cfg.FinishAuthCodeURL(context.Background(), req, res.Header.Get("Location"))
	noteErr(t, err)
	assert.Nil(t, tok)
	var ae *auth.AuthorizeError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "access_denied", ae.Code)
	assert.NotEmpty(t, ae.Description)
	assert.Equal(t, "auth: sign-in refused: access_denied: "+ae.Description, err.Error())
	assert.Equal(t, "auth: sign-in refused: access_denied", (&auth.AuthorizeError{Code: "access_denied"}).Error())
	assert.Equal(t, 0, e.srv.TokenRequests("authorization_code"))

	// The same form with the user's credentials signs in.
	form = u.Query()
	form.Set("username", e.srv.User.Username)
	form.Set("password", e.srv.User.Password)
	form.Set("approve", "1")
	res, err = noRedirect.PostForm(e.srv.IdentityURL+"/openid/authorize", form)
	require.NoError(t, err)
	_ = res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)
	loc := res.Header.Get("Location")
	if q, err := parseQuery(loc); err == nil {
		watch.secret("authorization code", q.Get("code"))
	}
	tok, err = cfg.FinishAuthCodeURL(context.Background(), req, loc)
	noteErr(t, err)
	require.NoError(t, err)
	watch.token(tok)
	assert.Equal(t, http.StatusOK, e.get(tok.AccessToken))
}

func TestFinishAuthCodeBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	req := e.start(cfg)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"nil request", func() error { _, err := cfg.FinishAuthCode(ctx, nil, "s", "c"); return err }, "no sign-in in progress"},
		{"no verifier", func() error {
			_, err := cfg.FinishAuthCode(ctx, &auth.AuthCodeRequest{State: req.State}, req.State, "c")
			return err
		}, "no sign-in in progress"},
		{"no code", func() error { _, err := cfg.FinishAuthCode(ctx, req, req.State, ""); return err }, "carries no code"},
		{"not a URL", func() error { _, err := cfg.FinishAuthCodeURL(ctx, req, "http://%zz"); return err }, "not a URL"},
		{"URL without code", func() error {
			_, err := cfg.FinishAuthCodeURL(ctx, req, cfg.RedirectURL+"?state="+req.State)
			return err
		}, "no code parameter"},
		{"bad config", func() error {
			bad := *cfg
			bad.ClientID = ""
			_, err := bad.FinishAuthCode(ctx, req, req.State, "c")
			return err
		}, "ClientID is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			noteErr(t, err)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	assert.Equal(t, 0, e.srv.TokenRequests("authorization_code"))
}

func TestCallbackHandler(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	errNoSession := errors.New("no session cookie")

	// The web application keeps each browser's sign-in in its session.
	var mu sync.Mutex
	sessions := map[string]*auth.AuthCodeRequest{}
	type result struct {
		tok *oauth2.Token
		err error
	}
	results := make(chan result, 1)
	h := cfg.CallbackHandler(
		func(r *http.Request) (*auth.AuthCodeRequest, error) {
			c, err := r.Cookie("sid")
			if err != nil {
				return nil, errNoSession
			}
			mu.Lock()
			defer mu.Unlock()
			req, ok := sessions[c.Value]
			if !ok {
				return nil, fmt.Errorf("unknown session")
			}
			return req, nil
		},
		func(w http.ResponseWriter, r *http.Request, tok *oauth2.Token, err error) {
			results <- result{tok, err}
			if err != nil {
				http.Error(w, "sign-in failed", http.StatusBadRequest)
				return
			}
			_, _ = fmt.Fprintln(w, "signed in")
		})
	app := httptest.NewServer(h)
	defer app.Close()

	callback := func(loc, sid string) (*http.Response, result) {
		t.Helper()
		q, err := url.Parse(loc)
		require.NoError(t, err)
		r, err := http.NewRequest(http.MethodGet, app.URL+"/callback?"+q.RawQuery, nil)
		require.NoError(t, err)
		if sid != "" {
			r.AddCookie(&http.Cookie{Name: "sid", Value: sid})
		}
		res, err := http.DefaultClient.Do(r)
		require.NoError(t, err)
		_ = res.Body.Close()
		got := <-results
		watch.token(got.tok)
		noteErr(t, got.err)
		return res, got
	}

	req := e.start(cfg)
	mu.Lock()
	sessions["browser-1"] = req
	mu.Unlock()
	loc := e.redirected(req)

	// No session: pending's error reaches done, wrapped; no token request.
	res, got := callback(loc, "")
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
	require.ErrorIs(t, got.err, errNoSession)
	assert.Contains(t, got.err.Error(), "no sign-in in progress for this browser")
	assert.Equal(t, 0, e.srv.TokenRequests("authorization_code"))

	// Another browser's session: the state does not match.
	other := e.start(cfg)
	mu.Lock()
	sessions["browser-2"] = other
	mu.Unlock()
	_, got = callback(loc, "browser-2")
	assert.ErrorIs(t, got.err, auth.ErrStateMismatch)
	assert.Equal(t, 0, e.srv.TokenRequests("authorization_code"))

	// The right browser signs in.
	res, got = callback(loc, "browser-1")
	require.NoError(t, got.err)
	assert.Equal(t, http.StatusOK, res.StatusCode)
	require.NotNil(t, got.tok)
	assert.Equal(t, http.StatusOK, e.get(got.tok.AccessToken))

	// An error redirect reaches done as an AuthorizeError.
	_, got = callback(cfg.RedirectURL+"?error=access_denied&state="+req.State, "browser-1")
	var ae *auth.AuthorizeError
	assert.ErrorAs(t, got.err, &ae)
}

func TestDiscover(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := &auth.Config{IdentityURL: e.srv.IdentityURL + "/", ClientID: e.srv.Client.ID,
		ClientSecret: e.srv.Client.Secret, RedirectURL: e.srv.Client.RedirectURI}
	require.NoError(t, cfg.Discover(context.Background()))
	assert.Equal(t, e.srv.IdentityURL+"/openid/authorize", cfg.AuthURL)
	assert.Equal(t, e.srv.IdentityURL+"/openid/token", cfg.TokenURL)
	assert.Equal(t, oauth2.AuthStyleAutoDetect, cfg.AuthStyle, "client_secret_basic is supported: the default stays")
	tok := e.signIn(cfg)
	assert.Equal(t, http.StatusOK, e.get(tok.AccessToken))
}

// A provider whose endpoints are elsewhere and which accepts only
// client_secret_post: Discover finds both, and the client authenticates in
// the body.
func TestDiscoverElsewhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := newProxy(t, e.srv.IdentityURL, func(base string) any {
		return map[string]any{
			"issuer":                                base,
			"authorization_endpoint":                base + "/oauth2/v1/authorize",
			"token_endpoint":                        base + "/oauth2/v1/token",
			"token_endpoint_auth_methods_supported": []string{"client_secret_post"},
		}
	})
	cfg := &auth.Config{IdentityURL: p.URL, ClientID: e.srv.Client.ID, ClientSecret: e.srv.Client.Secret}
	require.NoError(t, cfg.Discover(context.Background()))
	assert.Equal(t, p.URL+"/oauth2/v1/authorize", cfg.AuthURL)
	assert.Equal(t, p.URL+"/oauth2/v1/token", cfg.TokenURL)
	assert.Equal(t, oauth2.AuthStyleInParams, cfg.AuthStyle)

	tok, err := cfg.PasswordToken(context.Background(), e.srv.User.Username, e.srv.User.Password)
	noteErr(t, err)
	require.NoError(t, err)
	watch.token(tok)
	reqs := p.requests("/openid/token")
	require.Len(t, reqs, 1)
	assert.True(t, reqs[0].SecretInBody)
	assert.False(t, reqs[0].Basic)
}

func TestEndpointOverride(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := newProxy(t, e.srv.IdentityURL, nil)
	for _, identityURL := range []string{"", "http://127.0.0.1:1/unused"} {
		t.Run(fmt.Sprintf("IdentityURL=%q", identityURL), func(t *testing.T) {
			cfg := &auth.Config{IdentityURL: identityURL, AuthURL: p.URL + "/openid/authorize", TokenURL: p.URL + "/openid/token",
				ClientID: e.srv.Client.ID, ClientSecret: e.srv.Client.Secret, RedirectURL: e.srv.Client.RedirectURI}
			before := len(p.requests("/openid/token"))
			req := e.start(cfg)
			assert.True(t, strings.HasPrefix(req.URL, p.URL+"/openid/authorize?"), req.URL)
			tok, err := cfg.FinishAuthCodeURL(context.Background(), req, e.redirected(req))
			noteErr(t, err)
			require.NoError(t, err)
			watch.token(tok)
			reqs := p.requests("/openid/token")
			require.Len(t, reqs, before+1, "the token request went to the overridden TokenURL")
			assert.True(t, reqs[before].Basic, "a confidential client uses HTTP Basic by default")
			assert.False(t, reqs[before].SecretInBody)
		})
	}
}

func TestDiscoverErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	serve := func(status int, body string) string {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			_, _ = fmt.Fprint(w, body)
		}))
		t.Cleanup(s.Close)
		return s.URL
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	for _, tc := range []struct {
		name, identityURL, want string
	}{
		{"no IdentityURL", "", "IdentityURL is empty"},
		{"404", serve(http.StatusNotFound, "not here"), "answered HTTP 404"},
		{"500", serve(http.StatusInternalServerError, ""), "answered HTTP 500"},
		{"bad JSON", serve(http.StatusOK, "{not json"), "discovery: bad document"},
		{"no endpoints", serve(http.StatusOK, `{"issuer":"x"}`), "names no authorization_endpoint or token_endpoint"},
		{"unreachable", closed.URL, "auth: discovery:"},
		{"bad URL", "http://[::1", "auth: discovery:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &auth.Config{IdentityURL: tc.identityURL, ClientID: "c", AuthURL: "keep", TokenURL: "keep"}
			err := cfg.Discover(ctx)
			noteErr(t, err)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, "keep", cfg.AuthURL, "a failed discovery changes nothing")
			assert.Equal(t, "keep", cfg.TokenURL)
		})
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	noClient := e.config()
	noClient.ClientID = ""
	noIdentity := e.config()
	noIdentity.IdentityURL = ""
	onlyAuth := e.config()
	onlyAuth.IdentityURL, onlyAuth.AuthURL = "", e.srv.IdentityURL+"/openid/authorize"
	noRedirectURL := e.config()
	noRedirectURL.RedirectURL = ""

	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"StartAuthCode without ClientID", func() error { _, err := noClient.StartAuthCode(); return err }, "auth: Config.ClientID is empty"},
		{"PasswordToken without ClientID", func() error {
			_, err := noClient.PasswordToken(ctx, e.srv.User.Username, e.srv.User.Password)
			return err
		}, "auth: Config.ClientID is empty"},
		{"TokenSource without ClientID", func() error { _, err := noClient.TokenSource(nil); return err }, "auth: Config.ClientID is empty"},
		{"StartAuthCode without IdentityURL", func() error { _, err := noIdentity.StartAuthCode(); return err }, "auth: Config.IdentityURL is empty (or set AuthURL and TokenURL)"},
		{"only AuthURL", func() error { _, err := onlyAuth.StartAuthCode(); return err }, "IdentityURL is empty"},
		{"TokenSource without IdentityURL", func() error { _, err := noIdentity.TokenSource(nil); return err }, "IdentityURL is empty"},
		{"StartAuthCode without RedirectURL", func() error { _, err := noRedirectURL.StartAuthCode(); return err }, "auth: Config.RedirectURL is empty"},
		{"PasswordToken without password", func() error {
			_, err := e.config().PasswordToken(ctx, e.srv.User.Username, "")
			return err
		}, "auth: the password grant needs a username and a password"},
		{"PasswordToken without username", func() error {
			_, err := e.config().PasswordToken(ctx, "", e.srv.User.Password)
			return err
		}, "needs a username and a password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			noteErr(t, err)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	assert.Equal(t, 0, e.srv.TokenRequests("password"), "nothing was sent")
}
