package auth_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/auth"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// TestMain runs the tests and then the planted-secret check over
// everything they produced: every error the tests saw (noteErr) and every
// line the token sources logged (env.logger) must be free of every secret
// the tests planted or obtained (client secrets, passwords, access and
// refresh tokens, authorization codes, PKCE verifiers).
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if found := watch.leaks(); len(found) > 0 {
			fmt.Fprintln(os.Stderr, "FAIL: secrets leaked into errors or logs:")
			for _, f := range found {
				fmt.Fprintln(os.Stderr, "  "+f)
			}
			code = 1
		} else if testing.Verbose() {
			secrets, outputs := watch.counts()
			fmt.Fprintf(os.Stderr, "planted-secret check: %d secrets, %d error strings and log lines, no leak\n",
				secrets, outputs)
		}
	}
	os.Exit(code)
}

// ---- the planted-secret watch ----

// leakWatch collects secrets and the text that must not contain them.
type leakWatch struct {
	mu      sync.Mutex
	secrets map[string]string // value → what it is
	outputs []string          // "where: text"
}

var watch = &leakWatch{secrets: map[string]string{}}

// secret records values that must appear in no error or log line.
func (w *leakWatch) secret(what string, values ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, v := range values {
		if len(v) >= 8 { // shorter values would match by accident
			w.secrets[v] = what
		}
	}
}

// token records a token's access and refresh tokens as secrets.
func (w *leakWatch) token(tok *oauth2.Token) {
	if tok != nil {
		w.secret("access token", tok.AccessToken)
		w.secret("refresh token", tok.RefreshToken)
		if id, ok := tok.Extra("id_token").(string); ok {
			w.secret("id token", id)
		}
	}
}

func (w *leakWatch) output(where, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.outputs = append(w.outputs, where+": "+text)
}

// leaksIn checks outputs against the secrets.
func (w *leakWatch) leaksIn(outputs []string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var found []string
	for _, out := range outputs {
		for v, what := range w.secrets {
			if strings.Contains(out, v) {
				found = append(found, fmt.Sprintf("%s in %q", what, out))
			}
		}
	}
	sort.Strings(found)
	return found
}

func (w *leakWatch) leaks() []string {
	w.mu.Lock()
	outs := append([]string(nil), w.outputs...)
	w.mu.Unlock()
	return w.leaksIn(outs)
}

func (w *leakWatch) counts() (int, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.secrets), len(w.outputs)
}

// noteErr records err's text in every form a program might print it.
func noteErr(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		watch.output(t.Name()+" error", s)
	}
}

// logWriter collects log lines for the watch (and for tests that read them).
type logWriter struct {
	where string
	mu    sync.Mutex
	buf   bytes.Buffer
}

func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		watch.output(l.where+" log", line)
	}
	return l.buf.Write(p)
}

func (l *logWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// ---- the fake tenant ----

// env is a fake tenant on a fake clock, with planted secrets.
type env struct {
	t        testing.TB
	srv      *iconecttest.Server
	clock    *iconecttest.FakeClock
	lifetime time.Duration
	logs     *logWriter
	log      *slog.Logger
}

func planted(what string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "PLANTED-" + what + "-" + hex.EncodeToString(b)
}

// newEnv starts a fake tenant whose clock starts now (x/oauth2 computes a
// signed-in token's expiry from the real time) and stands still.
func newEnv(t testing.TB, opts ...iconecttest.Option) *env {
	t.Helper()
	clock := iconecttest.NewFakeClock(time.Now())
	srv := iconecttest.NewServer(append([]iconecttest.Option{iconecttest.WithClock(clock)}, opts...)...)
	t.Cleanup(srv.Close)
	// The provider reads these per request, so they can be planted before
	// the first one.
	srv.Client.Secret = planted("client-secret")
	srv.User.Password = planted("password")
	watch.secret("client secret", srv.Client.Secret)
	watch.secret("password", srv.User.Password)
	logs := &logWriter{where: t.Name()}
	return &env{
		t: t, srv: srv, clock: clock, lifetime: time.Hour, logs: logs,
		log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

// config is the confidential client's configuration.
func (e *env) config() *auth.Config {
	return &auth.Config{
		IdentityURL:  e.srv.IdentityURL,
		ClientID:     e.srv.Client.ID,
		ClientSecret: e.srv.Client.Secret,
		RedirectURL:  e.srv.Client.RedirectURI,
	}
}

// publicConfig is the public (CLI) client's configuration.
func (e *env) publicConfig() *auth.Config {
	return &auth.Config{
		IdentityURL: e.srv.IdentityURL,
		ClientID:    e.srv.PublicClient.ID,
		RedirectURL: e.srv.PublicClient.RedirectURI,
	}
}

// source is a token source on the fake clock with fast retries, logging
// into the watch.
func (e *env) source(cfg *auth.Config, store auth.TokenStore, opts ...auth.SourceOption) *auth.TokenSource {
	e.t.Helper()
	all := append([]auth.SourceOption{auth.WithClock(e.clock.Now), auth.WithRetries(3, time.Millisecond), auth.WithLogger(e.log)}, opts...)
	src, err := cfg.TokenSource(store, all...)
	require.NoError(e.t, err)
	return src
}

// noRedirect is a browser that stops at the provider's redirect.
var noRedirect = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       10 * time.Second,
}

// authorize plays the browser: it opens the authorization URL and returns
// where the provider redirects it (the auto-approving fake answers 302).
func (e *env) authorize(authURL string) string {
	e.t.Helper()
	res, err := noRedirect.Get(authURL)
	require.NoError(e.t, err)
	_ = res.Body.Close()
	require.Equal(e.t, http.StatusFound, res.StatusCode)
	loc := res.Header.Get("Location")
	require.NotEmpty(e.t, loc)
	return loc
}

// start begins a sign-in and records its verifier as a secret.
func (e *env) start(cfg *auth.Config) *auth.AuthCodeRequest {
	e.t.Helper()
	req, err := cfg.StartAuthCode()
	require.NoError(e.t, err)
	watch.secret("PKCE verifier", req.Verifier)
	return req
}

// redirected authorizes req and returns the redirect URL, recording its
// code as a secret.
func (e *env) redirected(req *auth.AuthCodeRequest) string {
	e.t.Helper()
	loc := e.authorize(req.URL)
	if u, err := parseQuery(loc); err == nil {
		watch.secret("authorization code", u.Get("code"))
	}
	return loc
}

// signIn runs the whole authorization code flow.
func (e *env) signIn(cfg *auth.Config) *oauth2.Token {
	e.t.Helper()
	req := e.start(cfg)
	tok, err := cfg.FinishAuthCodeURL(context.Background(), req, e.redirected(req))
	noteErr(e.t, err)
	require.NoError(e.t, err)
	watch.token(tok)
	// x/oauth2 dates the expiry by the real clock; the app here lives on
	// the fake one (as the token source does with WithClock).
	if tok.ExpiresIn > 0 {
		tok.Expiry = e.clock.Now().Add(time.Duration(tok.ExpiresIn) * time.Second)
	}
	return tok
}

// get calls the API with a bearer token and returns the status.
func (e *env) get(accessToken string) int {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/projects", nil)
	require.NoError(e.t, err)
	req.Header.Set("Authorization", "Bearer "+accessToken)
	res, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	_ = res.Body.Close()
	return res.StatusCode
}

// expire moves the fake clock a whole token lifetime on: every token
// issued so far is due for refresh (and expired at the API).
func (e *env) expire() { e.clock.Advance(e.lifetime) }

// token calls src.Token, recording the token and error for the watch.
func token(t testing.TB, src *auth.TokenSource) (*oauth2.Token, error) {
	t.Helper()
	tok, err := src.Token()
	watch.token(tok)
	noteErr(t, err)
	return tok, err
}

// mustToken is token without an error.
func mustToken(t testing.TB, src *auth.TokenSource) *oauth2.Token {
	t.Helper()
	tok, err := token(t, src)
	require.NoError(t, err)
	require.NotEmpty(t, tok.AccessToken)
	return tok
}

// assertEachOnce checks that no refresh token was presented twice.
func assertEachOnce(t testing.TB, presented []string) {
	t.Helper()
	seen := map[string]int{}
	for i, rt := range presented {
		if j, dup := seen[rt]; dup {
			t.Errorf("refresh token presented twice (requests %d and %d)", j, i)
		}
		seen[rt] = i
	}
}

// postRefresh presents a refresh token by hand, as the confidential
// client, and returns the status and OAuth error code.
func (e *env) postRefresh(refreshToken string) (int, string) {
	e.t.Helper()
	form := strings.NewReader("grant_type=refresh_token&refresh_token=" + refreshToken)
	req, err := http.NewRequest(http.MethodPost, e.srv.IdentityURL+"/openid/token", form)
	require.NoError(e.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(e.srv.Client.ID, e.srv.Client.Secret)
	res, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer func() { _ = res.Body.Close() }()
	var body struct {
		Error        string `json:"error"`
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	_ = jsonDecode(res.Body, &body)
	watch.secret("access token", body.AccessToken)
	watch.secret("refresh token", body.RefreshToken)
	return res.StatusCode, body.Error
}

func parseQuery(rawURL string) (url.Values, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	return u.Query(), nil
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }

// proxy stands in front of the identity provider, recording the requests
// it forwards; with a discovery document set it answers
// /.well-known/openid-configuration itself. It serves the provider's
// /openid/... endpoints under /oauth2/v1/... too, as a provider whose
// endpoints are elsewhere would.
type proxy struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []proxied
}

type proxied struct {
	Path         string
	Basic        bool // client authenticated with HTTP Basic
	SecretInBody bool // client_secret in the form body
}

func newProxy(t testing.TB, target string, doc func(base string) any) *proxy {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	rp := httputil.NewSingleHostReverseProxy(u)
	p := &proxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/openid-configuration" && doc != nil {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(doc(p.URL))
			return
		}
		r.URL.Path = strings.Replace(r.URL.Path, "/oauth2/v1/", "/openid/", 1)
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		_, _, basic := r.BasicAuth()
		p.mu.Lock()
		p.reqs = append(p.reqs, proxied{Path: r.URL.Path, Basic: basic, SecretInBody: form.Get("client_secret") != ""})
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *proxy) requests(path string) []proxied {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []proxied
	for _, r := range p.reqs {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// Token comparisons that never print a token when they fail.

func fingerprint(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// sameToken checks that got is the very token want (the cached one).
func sameToken(t testing.TB, want, got *oauth2.Token, msgAndArgs ...any) {
	t.Helper()
	if want != got {
		t.Errorf("not the same token: want access token #%s, got #%s %v", fingerprint(want.AccessToken), fingerprint(got.AccessToken), msgAndArgs)
	}
}

// equalSecret checks two secret strings are equal.
func equalSecret(t testing.TB, want, got string, msgAndArgs ...any) {
	t.Helper()
	if want != got {
		t.Errorf("want #%s, got #%s %v", fingerprint(want), fingerprint(got), msgAndArgs)
	}
}

// differentSecret checks two secret strings differ.
func differentSecret(t testing.TB, a, b string, msgAndArgs ...any) {
	t.Helper()
	if a == b {
		t.Errorf("both #%s %v", fingerprint(a), msgAndArgs)
	}
}
