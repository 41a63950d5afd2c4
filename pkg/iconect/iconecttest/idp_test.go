package iconecttest

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noRedirects is a client that shows the provider's redirects instead of
// following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}}

// idpAnswer is an answer of the identity provider.
type idpAnswer struct {
	status int
	header http.Header
	body   []byte
}

// json decodes a JSON answer.
func (a idpAnswer) json(t *testing.T) map[string]any {
	t.Helper()
	return decode[map[string]any](t, a.body)
}

// location parses the Location of a redirect.
func (a idpAnswer) location(t *testing.T) *url.URL {
	t.Helper()
	require.Equal(t, http.StatusFound, a.status, "body: %s", a.body)
	u, err := url.Parse(a.header.Get("Location"))
	require.NoError(t, err)
	return u
}

func idpDo(t *testing.T, req *http.Request) idpAnswer {
	t.Helper()
	res, err := noRedirects.Do(req)
	require.NoError(t, err)
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return idpAnswer{status: res.StatusCode, header: res.Header, body: b}
}

// idpGet sends a GET to the provider.
func idpGet(t *testing.T, s *Server, path string) idpAnswer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.IdentityURL+path, nil)
	require.NoError(t, err)
	return idpDo(t, req)
}

// idpPost posts a form to the provider; header holds name, value pairs.
func idpPost(t *testing.T, s *Server, path string, form url.Values, header ...string) idpAnswer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.IdentityURL+path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return idpDo(t, req)
}

// tokenWithBasic posts a token request authenticated with HTTP Basic.
func tokenWithBasic(t *testing.T, s *Server, id, secret string, form url.Values) idpAnswer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.IdentityURL+"/openid/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	return idpDo(t, req)
}

// pkce returns a code verifier and its S256 challenge.
func pkce() (verifier, challenge string) {
	verifier = randomString(32)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeQuery is a valid authorization request for client.
func authorizeQuery(client OAuthClient, challenge string) url.Values {
	return url.Values{
		"client_id": {client.ID}, "redirect_uri": {client.RedirectURI}, "response_type": {"code"},
		"state": {"st-123"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"},
		"scope": {"iconect_api openid"}, "nonce": {"n-456"},
	}
}

// authorizeCode runs the authorization request for client and returns the
// code and its verifier.
func authorizeCode(t *testing.T, s *Server, client OAuthClient) (code, verifier string) {
	t.Helper()
	verifier, challenge := pkce()
	a := idpGet(t, s, "/openid/authorize?"+authorizeQuery(client, challenge).Encode())
	u := a.location(t)
	assert.Equal(t, client.RedirectURI, u.Scheme+"://"+u.Host+u.Path)
	assert.Equal(t, "st-123", u.Query().Get("state"))
	require.NotEmpty(t, u.Query().Get("code"))
	return u.Query().Get("code"), verifier
}

func codeForm(client OAuthClient, code, verifier string) url.Values {
	return url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {client.RedirectURI},
		"code_verifier": {verifier}, "client_id": {client.ID},
	}
}

func passwordForm(s *Server, client OAuthClient) url.Values {
	return url.Values{
		"grant_type": {"password"}, "username": {s.User.Username}, "password": {s.User.Password},
		"client_id": {client.ID}, "client_secret": {client.Secret},
	}
}

// oauthErrorCode checks an RFC 6749 §5.2 error answer and returns its code.
func oauthErrorCode(t *testing.T, a idpAnswer, status int) string {
	t.Helper()
	require.Equal(t, status, a.status, "body: %s", a.body)
	e := a.json(t)
	assert.NotEmpty(t, e["error_description"])
	assert.Equal(t, "no-store", a.header.Get("Cache-Control"))
	return e["error"].(string)
}

// jwtClaims decodes a JWT's payload without checking it.
func jwtClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	return decode[map[string]any](t, b)
}

func apiStatus(t *testing.T, s *Server, token string) int {
	t.Helper()
	code, _ := call(t, s, "GET", "/projects", nil, "Authorization", "Bearer "+token)
	return code
}

func TestIdentityCodeFlowWithPKCE(t *testing.T) {
	s := NewServer()
	defer s.Close()

	code, verifier := authorizeCode(t, s, s.Client)
	form := codeForm(s.Client, code, verifier)
	form.Del("client_id")
	a := tokenWithBasic(t, s, s.Client.ID, s.Client.Secret, form)
	require.Equal(t, http.StatusOK, a.status, "body: %s", a.body)
	assert.Equal(t, "no-store", a.header.Get("Cache-Control"))
	assert.Contains(t, a.header.Get("Content-Type"), "application/json")
	res := a.json(t)
	assert.Equal(t, "bearer", res["token_type"])
	assert.EqualValues(t, 3600, res["expires_in"])
	assert.Equal(t, "iconect_api openid", res["scope"])
	assert.NotEmpty(t, res["refresh_token"])

	access := res["access_token"].(string)
	assert.Equal(t, http.StatusOK, apiStatus(t, s, access))
	ac := jwtClaims(t, access)
	assert.Equal(t, "130", ac["sub"])
	assert.Equal(t, "iconect_api openid", ac["scope"])
	assert.NotZero(t, ac["exp"])

	id := jwtClaims(t, res["id_token"].(string))
	assert.Equal(t, s.IdentityURL, id["iss"])
	assert.Equal(t, "130", id["sub"])
	assert.Equal(t, s.Client.ID, id["aud"])
	assert.Equal(t, "n-456", id["nonce"])
	assert.NotZero(t, id["exp"])
	assert.NotZero(t, id["iat"])
	assert.Equal(t, 1, s.TokenRequests("authorization_code"))

	// client_secret_post works as well.
	code, verifier = authorizeCode(t, s, s.Client)
	form = codeForm(s.Client, code, verifier)
	form.Set("client_secret", s.Client.Secret)
	a = idpPost(t, s, "/openid/token", form)
	require.Equal(t, http.StatusOK, a.status, "body: %s", a.body)
	assert.Equal(t, 2, s.TokenRequests("authorization_code"))
}

func TestIdentityPublicClient(t *testing.T) {
	s := NewServer()
	defer s.Close()

	code, verifier := authorizeCode(t, s, s.PublicClient)
	a := idpPost(t, s, "/openid/token", codeForm(s.PublicClient, code, verifier))
	require.Equal(t, http.StatusOK, a.status, "body: %s", a.body)
	res := a.json(t)
	assert.Equal(t, http.StatusOK, apiStatus(t, s, res["access_token"].(string)))
	assert.Equal(t, s.PublicClient.ID, jwtClaims(t, res["access_token"].(string))["client_id"])

	// Basic with an empty secret, as some OAuth libraries send for a public client.
	a = tokenWithBasic(t, s, s.PublicClient.ID, "", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {res["refresh_token"].(string)}})
	require.Equal(t, http.StatusOK, a.status, "body: %s", a.body)

	form := passwordForm(s, s.PublicClient)
	form.Set("client_secret", "anything")
	assert.Equal(t, "invalid_client", oauthErrorCode(t, idpPost(t, s, "/openid/token", form), http.StatusUnauthorized))
}

func TestIdentityAuthorizeRefusesWithoutRedirect(t *testing.T) {
	s := NewServer()
	defer s.Close()
	_, challenge := pkce()

	cases := map[string]func(q url.Values){
		"unknown client":         func(q url.Values) { q.Set("client_id", "nobody") },
		"missing client":         func(q url.Values) { q.Del("client_id") },
		"trailing slash":         func(q url.Values) { q.Set("redirect_uri", s.Client.RedirectURI+"/") },
		"other client's URI":     func(q url.Values) { q.Set("redirect_uri", s.PublicClient.RedirectURI) },
		"missing redirect":       func(q url.Values) { q.Del("redirect_uri") },
		"repeated redirect_uri":  func(q url.Values) { q.Add("redirect_uri", s.Client.RedirectURI) },
		"repeated client and ok": func(q url.Values) { q.Add("client_id", s.Client.ID) },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			q := authorizeQuery(s.Client, challenge)
			edit(q)
			a := idpGet(t, s, "/openid/authorize?"+q.Encode())
			assert.Equal(t, http.StatusBadRequest, a.status)
			assert.Empty(t, a.header.Get("Location"))
			assert.Contains(t, a.header.Get("Content-Type"), "text/html")
			assert.Contains(t, string(a.body), "Sign-in error")
		})
	}

	req, err := http.NewRequest(http.MethodPost, s.IdentityURL+"/openid/authorize", strings.NewReader(`{}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	a := idpDo(t, req)
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Empty(t, a.header.Get("Location"))
}

func TestIdentityAuthorizeRedirectsErrors(t *testing.T) {
	s := NewServer()
	defer s.Close()
	_, challenge := pkce()

	cases := []struct {
		name, want string
		edit       func(q url.Values)
	}{
		{"implicit flow", "unsupported_response_type", func(q url.Values) { q.Set("response_type", "token") }},
		{"missing response_type", "invalid_request", func(q url.Values) { q.Del("response_type") }},
		{"openid only", "invalid_scope", func(q url.Values) { q.Set("scope", "openid") }},
		{"iconect_api only", "invalid_scope", func(q url.Values) { q.Set("scope", "iconect_api") }},
		{"missing scope", "invalid_scope", func(q url.Values) { q.Del("scope") }},
		{"unknown scope", "invalid_scope", func(q url.Values) { q.Set("scope", "iconect_api openid admin") }},
		{"plain PKCE", "invalid_request", func(q url.Values) { q.Set("code_challenge_method", "plain") }},
		{"missing PKCE method", "invalid_request", func(q url.Values) { q.Del("code_challenge_method") }},
		{"missing challenge", "invalid_request", func(q url.Values) { q.Del("code_challenge") }},
		{"short challenge", "invalid_request", func(q url.Values) { q.Set("code_challenge", "abc") }},
		{"challenge not base64url", "invalid_request", func(q url.Values) { q.Set("code_challenge", strings.Repeat("+", 43)) }},
		{"repeated state", "invalid_request", func(q url.Values) { q.Add("state", "again") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := authorizeQuery(s.Client, challenge)
			c.edit(q)
			u := idpGet(t, s, "/openid/authorize?"+q.Encode()).location(t)
			assert.Equal(t, s.Client.RedirectURI, u.Scheme+"://"+u.Host+u.Path)
			assert.Equal(t, c.want, u.Query().Get("error"))
			assert.NotEmpty(t, u.Query().Get("error_description"))
			assert.Empty(t, u.Query().Get("code"))
			if c.name != "repeated state" {
				assert.Equal(t, "st-123", u.Query().Get("state"))
			}
		})
	}

	// Without state there is none to echo; the docs' stray grant_type is ignored.
	q := authorizeQuery(s.Client, challenge)
	q.Del("state")
	q.Set("grant_type", "client_credential")
	u := idpGet(t, s, "/openid/authorize?"+q.Encode()).location(t)
	assert.NotEmpty(t, u.Query().Get("code"))
	_, hasState := u.Query()["state"]
	assert.False(t, hasState)
}

func TestIdentityCodeIsSingleUseAndBound(t *testing.T) {
	s := NewServer()
	defer s.Close()
	post := func(form url.Values) idpAnswer {
		form.Set("client_secret", s.Client.Secret)
		return idpPost(t, s, "/openid/token", form)
	}

	code, verifier := authorizeCode(t, s, s.Client)
	require.Equal(t, http.StatusOK, post(codeForm(s.Client, code, verifier)).status)
	assert.Equal(t, "invalid_grant", oauthErrorCode(t, post(codeForm(s.Client, code, verifier)), http.StatusBadRequest), "a code is single-use")

	code, _ = authorizeCode(t, s, s.Client)
	other, _ := pkce()
	assert.Equal(t, "invalid_grant", oauthErrorCode(t, post(codeForm(s.Client, code, other)), http.StatusBadRequest), "wrong verifier")

	code, _ = authorizeCode(t, s, s.Client)
	assert.Equal(t, "invalid_grant", oauthErrorCode(t, post(codeForm(s.Client, code, "short")), http.StatusBadRequest), "malformed verifier")
	code, _ = authorizeCode(t, s, s.Client)
	assert.Equal(t, "invalid_grant", oauthErrorCode(t, post(codeForm(s.Client, code, strings.Repeat("!", 43))), http.StatusBadRequest), "verifier outside the unreserved characters")

	code, verifier = authorizeCode(t, s, s.Client)
	form := codeForm(s.Client, code, verifier)
	form.Set("redirect_uri", s.Client.RedirectURI+"/")
	assert.Equal(t, "invalid_grant", oauthErrorCode(t, post(form), http.StatusBadRequest), "redirect_uri must match again")
	assert.Equal(t, "invalid_grant", oauthErrorCode(t, post(codeForm(s.Client, code, verifier)), http.StatusBadRequest), "a failed exchange consumed the code")

	code, verifier = authorizeCode(t, s, s.PublicClient)
	assert.Equal(t, "invalid_grant", oauthErrorCode(t, post(codeForm(s.Client, code, verifier)), http.StatusBadRequest), "another client's code")

	assert.Equal(t, "invalid_grant", oauthErrorCode(t, post(codeForm(s.Client, "made-up", verifier)), http.StatusBadRequest))

	for _, k := range []string{"code", "redirect_uri", "code_verifier"} {
		form := codeForm(s.Client, "c", verifier)
		form.Del(k)
		assert.Equal(t, "invalid_request", oauthErrorCode(t, post(form), http.StatusBadRequest), "missing %s", k)
	}
	assert.Equal(t, 12, s.TokenRequests("authorization_code"), "every request counts, failed ones too")
}

func TestIdentityCodeExpires(t *testing.T) {
	clock := NewFakeClock(time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC))
	s := NewServer(WithClock(clock))
	defer s.Close()

	code, verifier := authorizeCode(t, s, s.PublicClient)
	clock.Advance(59 * time.Second)
	assert.Equal(t, http.StatusOK, idpPost(t, s, "/openid/token", codeForm(s.PublicClient, code, verifier)).status)

	code, verifier = authorizeCode(t, s, s.PublicClient)
	clock.Advance(61 * time.Second)
	assert.Equal(t, "invalid_grant", oauthErrorCode(t, idpPost(t, s, "/openid/token", codeForm(s.PublicClient, code, verifier)), http.StatusBadRequest))

	authorizeCode(t, s, s.PublicClient) // issuing a code forgets the expired ones
	s.idpMu.Lock()
	assert.Len(t, s.codes, 1)
	s.idpMu.Unlock()
}

func TestIdentityRefreshTokenRotation(t *testing.T) {
	s := NewServer()
	defer s.Close()
	refresh := func(tok string, extra ...string) idpAnswer {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok}}
		for i := 0; i+1 < len(extra); i += 2 {
			form.Set(extra[i], extra[i+1])
		}
		return tokenWithBasic(t, s, s.Client.ID, s.Client.Secret, form)
	}

	a := idpPost(t, s, "/openid/token", passwordForm(s, s.Client))
	require.Equal(t, http.StatusOK, a.status, "body: %s", a.body)
	r1 := a.json(t)["refresh_token"].(string)

	a = refresh(r1)
	require.Equal(t, http.StatusOK, a.status, "body: %s", a.body)
	res := a.json(t)
	r2 := res["refresh_token"].(string)
	assert.NotEqual(t, r1, r2, "a new refresh token comes with each refresh")
	assert.NotEmpty(t, res["id_token"])
	assert.Equal(t, http.StatusOK, apiStatus(t, s, res["access_token"].(string)))

	assert.Equal(t, "invalid_grant", oauthErrorCode(t, refresh(r1), http.StatusBadRequest), "a used refresh token")

	// A narrower scope may be asked; the next refresh token keeps the first grant's scope.
	a = refresh(r2, "scope", "iconect_api")
	require.Equal(t, http.StatusOK, a.status, "body: %s", a.body)
	res = a.json(t)
	assert.Equal(t, "iconect_api", res["scope"])
	assert.Empty(t, res["id_token"], "no id_token without openid")
	r3 := res["refresh_token"].(string)
	a = refresh(r3)
	require.Equal(t, http.StatusOK, a.status, "body: %s", a.body)
	r4 := a.json(t)["refresh_token"].(string)
	assert.Equal(t, "iconect_api openid", a.json(t)["scope"])

	assert.Equal(t, "invalid_scope", oauthErrorCode(t, refresh(r4, "scope", "iconect_api admin"), http.StatusBadRequest))
	assert.Equal(t, "invalid_grant", oauthErrorCode(t, refresh("unknown"), http.StatusBadRequest))
	assert.Equal(t, "invalid_request", oauthErrorCode(t, refresh(""), http.StatusBadRequest))
	a = idpPost(t, s, "/openid/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {r4}, "client_id": {s.PublicClient.ID}})
	assert.Equal(t, "invalid_grant", oauthErrorCode(t, a, http.StatusBadRequest), "another client's refresh token")

	a = refresh(r4)
	require.Equal(t, http.StatusOK, a.status, "r4 survived the failed attempts: %s", a.body)

	assert.Equal(t, 1, s.TokenRequests("password"))
	assert.Equal(t, 9, s.TokenRequests("refresh_token"))
	assert.Equal(t, []string{r1, r1, r2, r3, r4, "unknown", "", r4, r4}, s.RefreshTokensPresented())
}

func TestIdentityPasswordGrant(t *testing.T) {
	s := NewServer()
	defer s.Close()

	a := idpPost(t, s, "/openid/token", passwordForm(s, s.Client))
	require.Equal(t, http.StatusOK, a.status, "body: %s", a.body)
	res := a.json(t)
	assert.NotEmpty(t, res["refresh_token"], "the docs' example issues one")
	assert.Equal(t, "iconect_api openid", res["scope"], "the default scope")
	assert.NotEmpty(t, res["id_token"])

	form := passwordForm(s, s.Client)
	form.Set("scope", "openid")
	a = idpPost(t, s, "/openid/token", form)
	require.Equal(t, http.StatusOK, a.status, "a scope without iconect_api is granted as asked")
	assert.Equal(t, "openid", a.json(t)["scope"])
	assert.Equal(t, http.StatusForbidden, apiStatus(t, s, a.json(t)["access_token"].(string)))

	form = passwordForm(s, s.Client)
	form.Set("scope", "iconect_api iconect_api")
	a = idpPost(t, s, "/openid/token", form)
	require.Equal(t, http.StatusOK, a.status)
	assert.Equal(t, "iconect_api", a.json(t)["scope"])
	assert.Empty(t, a.json(t)["id_token"])

	form.Set("scope", "email")
	assert.Equal(t, "invalid_scope", oauthErrorCode(t, idpPost(t, s, "/openid/token", form), http.StatusBadRequest))

	form = passwordForm(s, s.Client)
	form.Set("password", "wrong")
	a = idpPost(t, s, "/openid/token", form)
	assert.Equal(t, "invalid_grant", oauthErrorCode(t, a, http.StatusBadRequest))
	assert.NotContains(t, string(a.body), "wrong")

	form = passwordForm(s, s.Client)
	form.Del("username")
	assert.Equal(t, "invalid_request", oauthErrorCode(t, idpPost(t, s, "/openid/token", form), http.StatusBadRequest))
	assert.Equal(t, 6, s.TokenRequests("password"))

	s2 := NewServer(WithPasswordRefreshTokens(false))
	defer s2.Close()
	a = idpPost(t, s2, "/openid/token", passwordForm(s2, s2.Client))
	require.Equal(t, http.StatusOK, a.status, "body: %s", a.body)
	_, has := a.json(t)["refresh_token"]
	assert.False(t, has, "Beta 10: no refresh token from the password grant")
	assert.Equal(t, http.StatusOK, apiStatus(t, s2, a.json(t)["access_token"].(string)))
}

func TestIdentityClientAuthentication(t *testing.T) {
	s := NewServer()
	defer s.Close()
	grant := url.Values{"grant_type": {"password"}, "username": {s.User.Username}, "password": {s.User.Password}}
	with := func(kv ...string) url.Values {
		f := url.Values{}
		for k, v := range grant {
			f[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}

	a := tokenWithBasic(t, s, s.Client.ID, "wrong-secret", grant)
	assert.Equal(t, "invalid_client", oauthErrorCode(t, a, http.StatusUnauthorized))
	assert.Contains(t, a.header.Get("WWW-Authenticate"), "Basic")
	assert.NotContains(t, string(a.body), "wrong-secret")

	a = idpPost(t, s, "/openid/token", with("client_id", s.Client.ID, "client_secret", "wrong-secret"))
	assert.Equal(t, "invalid_client", oauthErrorCode(t, a, http.StatusUnauthorized))
	assert.Empty(t, a.header.Get("WWW-Authenticate"))

	a = idpPost(t, s, "/openid/token", with("client_id", s.Client.ID))
	assert.Equal(t, "invalid_client", oauthErrorCode(t, a, http.StatusUnauthorized), "a confidential client without its secret")

	a = idpPost(t, s, "/openid/token", with("client_id", "nobody"))
	assert.Equal(t, "invalid_client", oauthErrorCode(t, a, http.StatusUnauthorized))

	a = idpPost(t, s, "/openid/token", with())
	assert.Equal(t, "invalid_client", oauthErrorCode(t, a, http.StatusUnauthorized), "no client_id at all")

	a = idpPost(t, s, "/openid/token", with(), "Authorization", "Basic !!!")
	assert.Equal(t, "invalid_client", oauthErrorCode(t, a, http.StatusUnauthorized))
	assert.Contains(t, a.header.Get("WWW-Authenticate"), "Basic")

	bad := base64.StdEncoding.EncodeToString([]byte("%zz:%zz"))
	a = idpPost(t, s, "/openid/token", with(), "Authorization", "Basic "+bad)
	assert.Equal(t, "invalid_client", oauthErrorCode(t, a, http.StatusUnauthorized), "Basic credentials are form-encoded")

	a = tokenWithBasic(t, s, s.Client.ID, s.Client.Secret, with("client_secret", s.Client.Secret))
	assert.Equal(t, "invalid_request", oauthErrorCode(t, a, http.StatusBadRequest), "two authentication methods")

	a = tokenWithBasic(t, s, s.Client.ID, s.Client.Secret, with("client_id", s.PublicClient.ID))
	assert.Equal(t, "invalid_request", oauthErrorCode(t, a, http.StatusBadRequest), "client_id differs from Basic")

	a = tokenWithBasic(t, s, s.Client.ID, s.Client.Secret, with("client_id", s.Client.ID))
	assert.Equal(t, http.StatusOK, a.status, "the same client_id in both is fine: %s", a.body)
	assert.Equal(t, 10, s.TokenRequests("password"))
}

func TestIdentityTokenRequestErrors(t *testing.T) {
	s := NewServer()
	defer s.Close()

	a := idpPost(t, s, "/openid/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {s.PublicClient.ID}})
	assert.Equal(t, "unsupported_grant_type", oauthErrorCode(t, a, http.StatusBadRequest))
	assert.Equal(t, 1, s.TokenRequests("client_credentials"))

	a = idpPost(t, s, "/openid/token", url.Values{"client_id": {s.PublicClient.ID}})
	assert.Equal(t, "invalid_request", oauthErrorCode(t, a, http.StatusBadRequest), "missing grant_type")

	form := passwordForm(s, s.Client)
	form.Add("username", "again")
	a = idpPost(t, s, "/openid/token", form)
	assert.Equal(t, "invalid_request", oauthErrorCode(t, a, http.StatusBadRequest), "a repeated parameter")
	assert.Equal(t, 1, s.TokenRequests("password"))

	req, err := http.NewRequest(http.MethodPost, s.IdentityURL+"/openid/token", strings.NewReader(`{"grant_type":"password"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	assert.Equal(t, "invalid_request", oauthErrorCode(t, idpDo(t, req), http.StatusBadRequest))

	req, err = http.NewRequest(http.MethodPost, s.IdentityURL+"/openid/token", strings.NewReader("grant_type=%zz"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	assert.Equal(t, "invalid_request", oauthErrorCode(t, idpDo(t, req), http.StatusBadRequest), "a body that is not a form")
	assert.Equal(t, 3, s.TokenRequests(""), "requests without a (readable) grant_type")

	a = idpGet(t, s, "/openid/token")
	assert.Equal(t, http.StatusMethodNotAllowed, a.status)
	assert.Equal(t, "POST", a.header.Get("Allow"))
	a = idpPost(t, s, "/.well-known/openid-configuration", url.Values{})
	assert.Equal(t, http.StatusMethodNotAllowed, a.status)
	a = idpPost(t, s, "/openid/jwks", url.Values{})
	assert.Equal(t, http.StatusMethodNotAllowed, a.status)
	req, err = http.NewRequest(http.MethodPut, s.IdentityURL+"/openid/authorize", nil)
	require.NoError(t, err)
	a = idpDo(t, req)
	assert.Equal(t, http.StatusMethodNotAllowed, a.status)
	assert.Equal(t, "GET, POST", a.header.Get("Allow"))
	a = idpGet(t, s, "/openid/userinfo")
	assert.Equal(t, http.StatusNotFound, a.status)
	assert.Empty(t, a.body)
}

func TestIdentityLoginForm(t *testing.T) {
	s := NewServer(WithLoginForm())
	defer s.Close()
	verifier, challenge := pkce()
	q := authorizeQuery(s.Client, challenge)
	q.Set("state", `"><script>x</script>`)

	a := idpGet(t, s, "/openid/authorize?"+q.Encode())
	require.Equal(t, http.StatusOK, a.status)
	assert.Empty(t, a.header.Get("Location"))
	page := string(a.body)
	assert.Contains(t, a.header.Get("Content-Type"), "text/html")
	assert.Contains(t, page, `<form method="post" action="/openid/authorize">`)
	assert.Contains(t, page, `name="username"`)
	assert.Contains(t, page, `name="password"`)
	assert.Contains(t, page, `name="code_challenge" value="`+challenge+`"`)
	assert.NotContains(t, page, "<script>", "parameters are escaped")

	form := url.Values{}
	for k, v := range q {
		form[k] = v
	}
	form.Set("username", s.User.Username)
	form.Set("password", "wrong")
	a = idpPost(t, s, "/openid/authorize", form)
	require.Equal(t, http.StatusOK, a.status)
	assert.Empty(t, a.header.Get("Location"))
	assert.Contains(t, string(a.body), "The username or password is incorrect.")
	assert.Contains(t, string(a.body), `value="`+s.User.Username+`"`)

	form.Set("password", s.User.Password)
	u := idpPost(t, s, "/openid/authorize", form).location(t)
	assert.Equal(t, q.Get("state"), u.Query().Get("state"))
	a = tokenWithBasic(t, s, s.Client.ID, s.Client.Secret, codeForm(s.Client, u.Query().Get("code"), verifier))
	require.Equal(t, http.StatusOK, a.status, "body: %s", a.body)

	form.Set("deny", "1")
	u = idpPost(t, s, "/openid/authorize", form).location(t)
	assert.Equal(t, "access_denied", u.Query().Get("error"))
	assert.Empty(t, u.Query().Get("code"))

	// A client posting its request (no credentials) gets the form.
	a = idpPost(t, s, "/openid/authorize", q)
	assert.Equal(t, http.StatusOK, a.status)
	assert.NotContains(t, string(a.body), "incorrect")

	// Request errors come before the form.
	bad := authorizeQuery(s.Client, challenge)
	bad.Set("redirect_uri", "http://evil.example/")
	assert.Equal(t, http.StatusBadRequest, idpGet(t, s, "/openid/authorize?"+bad.Encode()).status)
	bad = authorizeQuery(s.Client, challenge)
	bad.Set("code_challenge_method", "plain")
	assert.Equal(t, "invalid_request", idpGet(t, s, "/openid/authorize?"+bad.Encode()).location(t).Query().Get("error"))
}

func TestIdentityDiscoveryAndJWKS(t *testing.T) {
	s := NewServer()
	defer s.Close()

	a := idpGet(t, s, "/.well-known/openid-configuration")
	require.Equal(t, http.StatusOK, a.status)
	var doc struct {
		Issuer           string   `json:"issuer"`
		Authorization    string   `json:"authorization_endpoint"`
		Token            string   `json:"token_endpoint"`
		JWKS             string   `json:"jwks_uri"`
		ResponseTypes    []string `json:"response_types_supported"`
		GrantTypes       []string `json:"grant_types_supported"`
		ChallengeMethods []string `json:"code_challenge_methods_supported"`
		Scopes           []string `json:"scopes_supported"`
		AuthMethods      []string `json:"token_endpoint_auth_methods_supported"`
		SigningAlgs      []string `json:"id_token_signing_alg_values_supported"`
		SubjectTypes     []string `json:"subject_types_supported"`
	}
	require.NoError(t, json.Unmarshal(a.body, &doc))
	assert.Equal(t, s.IdentityURL, doc.Issuer)
	assert.Equal(t, s.IdentityURL+"/openid/authorize", doc.Authorization)
	assert.Equal(t, s.IdentityURL+"/openid/token", doc.Token)
	assert.Equal(t, s.IdentityURL+"/openid/jwks", doc.JWKS)
	assert.Equal(t, []string{"code"}, doc.ResponseTypes)
	assert.ElementsMatch(t, []string{"authorization_code", "refresh_token", "password"}, doc.GrantTypes)
	assert.Equal(t, []string{"S256"}, doc.ChallengeMethods)
	assert.ElementsMatch(t, []string{"iconect_api", "openid"}, doc.Scopes)
	assert.ElementsMatch(t, []string{"client_secret_basic", "client_secret_post", "none"}, doc.AuthMethods)
	assert.Equal(t, []string{"RS256"}, doc.SigningAlgs)
	assert.Equal(t, []string{"public"}, doc.SubjectTypes)

	a = idpGet(t, s, "/openid/jwks")
	require.Equal(t, http.StatusOK, a.status)
	var set struct {
		Keys []struct{ Kty, Alg, Kid, N, E string }
	}
	require.NoError(t, json.Unmarshal(a.body, &set))
	require.Len(t, set.Keys, 1)
	k := set.Keys[0]
	assert.Equal(t, "RSA", k.Kty)
	assert.Equal(t, "RS256", k.Alg)
	n, err := base64.RawURLEncoding.DecodeString(k.N)
	require.NoError(t, err)
	e, err := base64.RawURLEncoding.DecodeString(k.E)
	require.NoError(t, err)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}

	a = idpPost(t, s, "/openid/token", passwordForm(s, s.Client))
	require.Equal(t, http.StatusOK, a.status)
	for _, name := range []string{"access_token", "id_token"} {
		tok := a.json(t)[name].(string)
		parts := strings.Split(tok, ".")
		require.Len(t, parts, 3)
		header := decode[map[string]string](t, mustB64(t, parts[0]))
		assert.Equal(t, k.Kid, header["kid"])
		sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		assert.NoError(t, rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], mustB64(t, parts[2])), "%s verifies with the JWKS", name)
	}
}

func mustB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}

func TestIdentityTokenExpiry(t *testing.T) {
	clock := NewFakeClock(time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC))
	s := NewServer(WithClock(clock), WithTokenLifetime(time.Minute))
	defer s.Close()

	a := idpPost(t, s, "/openid/token", passwordForm(s, s.Client))
	require.Equal(t, http.StatusOK, a.status)
	res := a.json(t)
	assert.EqualValues(t, 60, res["expires_in"])
	tok := res["access_token"].(string)
	assert.Equal(t, http.StatusOK, apiStatus(t, s, tok))
	clock.Advance(2 * time.Minute)
	assert.Equal(t, http.StatusUnauthorized, apiStatus(t, s, tok))

	// The refresh token outlives the access token.
	a = tokenWithBasic(t, s, s.Client.ID, s.Client.Secret, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {res["refresh_token"].(string)}})
	require.Equal(t, http.StatusOK, a.status, "body: %s", a.body)
	assert.Equal(t, http.StatusOK, apiStatus(t, s, a.json(t)["access_token"].(string)))
}

func TestIdentityDown(t *testing.T) {
	s := NewServer(WithIdentityDown())
	defer s.Close()

	for _, path := range []string{"/openid/token", "/.well-known/openid-configuration"} {
		req, err := http.NewRequest(http.MethodPost, s.IdentityURL+path, strings.NewReader(passwordForm(s, s.Client).Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := noRedirects.Do(req)
		if err == nil {
			_ = res.Body.Close()
		}
		assert.Error(t, err, "%s: the connection is closed unanswered", path)
	}
	assert.Equal(t, 0, s.TokenRequests("password"), "an unreachable provider counts nothing")
	assert.Equal(t, http.StatusOK, apiStatus(t, s, s.AccessToken()), "the API stays up")

	s.SetIdentityDown(false)
	assert.Equal(t, http.StatusOK, idpPost(t, s, "/openid/token", passwordForm(s, s.Client)).status)
	s.SetIdentityDown(true)
	res, err := noRedirects.Get(s.IdentityURL + "/openid/jwks")
	if err == nil {
		_ = res.Body.Close()
	}
	assert.Error(t, err)
}
