package auth_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/pkg/auth"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// TestPlantedSecrets drives every failure path with planted secrets and
// checks that no error string, printed sign-in request or log line holds
// the client secret, the password, a token, a code or a verifier. (TestMain
// runs the same check over everything all the tests produced.)
func TestPlantedSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, iconecttest.WithLoginForm())
	ctx := context.Background()
	cfg := e.config()
	var outputs []string
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	jsonLogger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	seen := func(err error) {
		t.Helper()
		require.Error(t, err)
		noteErr(t, err)
		outputs = append(outputs, err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%q", err))
		logger.Error("operation failed", "err", err)
		jsonLogger.Error("operation failed", "err", err)
	}
	source := func(c *auth.Config, store auth.TokenStore, opts ...auth.SourceOption) *auth.TokenSource {
		t.Helper()
		src, err := c.TokenSource(store, append([]auth.SourceOption{auth.WithClock(e.clock.Now),
			auth.WithRetries(2, 0), auth.WithLogger(logger)}, opts...)...)
		require.NoError(t, err)
		return src
	}
	// signIn through the login form (the fake shows one in this test), so
	// the user's password travels too.
	approve := func(req *auth.AuthCodeRequest, password string) string {
		t.Helper()
		u, err := url.Parse(req.URL)
		require.NoError(t, err)
		form := u.Query()
		form.Set("username", e.srv.User.Username)
		form.Set("password", password)
		res, err := noRedirect.PostForm(e.srv.IdentityURL+"/openid/authorize", form)
		require.NoError(t, err)
		_ = res.Body.Close()
		loc := res.Header.Get("Location")
		if q, err := parseQuery(loc); err == nil {
			watch.secret("authorization code", q.Get("code"))
		}
		return loc
	}

	// Printing a sign-in in progress, in every way.
	req := e.start(cfg)
	type session struct {
		ID      string
		Pending auth.AuthCodeRequest
		Ptr     *auth.AuthCodeRequest
	}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		outputs = append(outputs, fmt.Sprintf(f, req), fmt.Sprintf(f, *req), fmt.Sprintf(f, session{"s1", *req, req}))
	}
	logger.Info("sign-in started", "request", req, "value", *req)
	jsonLogger.Info("sign-in started", "request", req)

	// The successful sign-in whose tokens must not leak below.
	loc := approve(req, e.srv.User.Password)
	tok0, err := cfg.FinishAuthCodeURL(ctx, req, loc)
	require.NoError(t, err)
	watch.token(tok0)

	// A wrong state.
	req = e.start(cfg)
	other := e.start(cfg)
	_, err = cfg.FinishAuthCodeURL(ctx, req, approve(other, e.srv.User.Password))
	seen(err)

	// A wrong verifier.
	req = e.start(cfg)
	loc = approve(req, e.srv.User.Password)
	_, err = cfg.FinishAuthCodeURL(ctx, &auth.AuthCodeRequest{State: req.State, Verifier: other.Verifier}, loc)
	seen(err)

	// The user cancels at the login form (access_denied).
	req = e.start(cfg)
	u, _ := url.Parse(req.URL)
	form := u.Query()
	form.Set("deny", "1")
	res, err := noRedirect.PostForm(e.srv.IdentityURL+"/openid/authorize", form)
	require.NoError(t, err)
	_ = res.Body.Close()
	_, err = cfg.FinishAuthCodeURL(ctx, req, res.Header.Get("Location"))
	seen(err)

	// A bad client secret, at the code exchange and the password grant.
	bad := e.config()
	bad.ClientSecret = "wrong-" + e.srv.Client.Secret
	watch.secret("client secret", bad.ClientSecret)
	req = e.start(bad)
	_, err = bad.FinishAuthCodeURL(ctx, req, approve(req, e.srv.User.Password))
	seen(err)
	_, err = bad.PasswordToken(ctx, e.srv.User.Username, e.srv.User.Password)
	seen(err)

	// A wrong password.
	wrongPassword := "wrong-" + e.srv.User.Password
	watch.secret("password", wrongPassword)
	_, err = cfg.PasswordToken(ctx, e.srv.User.Username, wrongPassword)
	seen(err)
	_, err = source(cfg, nil, auth.WithPassword(e.srv.User.Username, wrongPassword)).Token()
	seen(err)

	// The provider down while a refresh is due, and for the password grant.
	store := auth.NewMemoryStore(tok0)
	src := source(cfg, store)
	_, err = src.Token()
	require.NoError(t, err)
	e.expire()
	e.srv.SetIdentityDown(true)
	_, err = src.Token()
	seen(err)
	_, err = source(cfg, nil, auth.WithPassword(e.srv.User.Username, e.srv.User.Password)).Token()
	seen(err)
	e.srv.SetIdentityDown(false)

	// A refresh with the bad client secret, then a refused refresh token.
	_, err = source(bad, auth.NewMemoryStore(tok0)).Token()
	seen(err)
	tok1, err := src.Token()
	require.NoError(t, err)
	watch.token(tok1)
	_, err = source(cfg, auth.NewMemoryStore(tok0)).Token() // tok0's refresh token is spent
	seen(err)

	// The transport's failures.
	client := &http.Client{Transport: &auth.Transport{Source: source(cfg, nil)}}
	_, err = client.Get(e.srv.URL + "/projects")
	seen(err)

	// The check itself finds a planted secret.
	require.NotEmpty(t, watch.leaksIn([]string{"oops " + e.srv.Client.Secret}))
	require.NotEmpty(t, watch.leaksIn([]string{"oops " + tok1.RefreshToken}))

	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		outputs = append(outputs, line)
		watch.output(t.Name()+" log", line)
	}
	assert.Greater(t, len(outputs), 60)
	assert.Contains(t, logs.String(), "refused the refresh token")
	assert.Contains(t, logs.String(), "token refresh failed")
	for _, leak := range watch.leaksIn(outputs) {
		t.Errorf("leak: %s", leak)
	}
}
