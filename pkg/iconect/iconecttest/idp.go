package iconecttest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The identity provider plays iCONECT's OpenID Connect provider
// (https://{identityURL} in the docs): the authorization code grant with
// PKCE, the refresh token grant with single-use refresh tokens, and the
// password grant. Where the docs are silent it follows RFC 6749, RFC 7636
// and OpenID Connect Core.

const (
	// codeLifetime bounds how long an authorization code can be exchanged.
	codeLifetime = 60 * time.Second
	// maxTokenBody bounds a token or login form body.
	maxTokenBody = 1 << 20

	scopeAPI    = "iconect_api"
	scopeOpenID = "openid"
	// defaultScope is granted when a token request names none.
	defaultScope = scopeAPI + " " + scopeOpenID
)

// supportedScopes are the scopes the provider knows; any other is
// invalid_scope.
var supportedScopes = []string{scopeAPI, scopeOpenID}

// authCode is an issued authorization code and what it is bound to.
type authCode struct {
	clientID    string
	redirectURI string
	challenge   string // the S256 code_challenge
	scope       string
	nonce       string
	expires     time.Time
	used        bool // kept after use so a replay is told apart from a typo
}

// refreshGrant is an issued refresh token; used ones stay to answer a replay.
type refreshGrant struct {
	clientID string
	scope    string
	used     bool
}

// oauthError is an RFC 6749 error: §5.2 at the token endpoint, §4.1.2.1 as
// a redirect from the authorization endpoint.
type oauthError struct {
	status int
	code   string
	desc   string
	basic  bool // client authentication was tried with HTTP Basic
}

func oauthErr(status int, code, desc string) *oauthError {
	return &oauthError{status: status, code: code, desc: desc}
}

func invalidRequest(desc string) *oauthError {
	return oauthErr(http.StatusBadRequest, "invalid_request", desc)
}

func invalidGrant(desc string) *oauthError {
	return oauthErr(http.StatusBadRequest, "invalid_grant", desc)
}

// serveIdentity is the identity listener's handler.
func (s *Server) serveIdentity(w http.ResponseWriter, r *http.Request) {
	if s.identityDown() {
		dropConnection(w)
		return
	}
	switch r.URL.Path {
	case "/openid/authorize":
		if allowMethods(w, r, http.MethodGet, http.MethodPost) {
			s.authorize(w, r)
		}
	case "/openid/token":
		if allowMethods(w, r, http.MethodPost) {
			s.token(w, r)
		}
	case "/.well-known/openid-configuration":
		if allowMethods(w, r, http.MethodGet) {
			writeJSON(w, http.StatusOK, s.discovery())
		}
	case "/openid/jwks":
		if allowMethods(w, r, http.MethodGet) {
			writeJSON(w, http.StatusOK, s.signer.jwks())
		}
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func (s *Server) identityDown() bool {
	s.idpMu.Lock()
	defer s.idpMu.Unlock()
	return s.idpDown
}

// allowMethods answers 405 with Allow unless r uses one of methods.
func allowMethods(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	w.WriteHeader(http.StatusMethodNotAllowed)
	return false
}

// discovery is the OpenID Provider Metadata document.
func (s *Server) discovery() map[string]any {
	base := s.IdentityURL
	return map[string]any{
		"issuer":                                base,
		"authorization_endpoint":                base + "/openid/authorize",
		"token_endpoint":                        base + "/openid/token",
		"jwks_uri":                              base + "/openid/jwks",
		"response_types_supported":              []string{"code"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token", "password"},
		"code_challenge_methods_supported":      []string{"S256"},
		"scopes_supported":                      supportedScopes,
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"subject_types_supported":               []string{"public"},
	}
}

// client finds a registered client by ID.
func (s *Server) client(id string) (OAuthClient, bool) {
	for _, c := range []OAuthClient{s.Client, s.PublicClient} {
		if id != "" && c.ID == id {
			return c, true
		}
	}
	return OAuthClient{}, false
}

// ---- authorization endpoint ----

// authorizeRequest is a checked authorization request.
type authorizeRequest struct {
	client    OAuthClient
	params    url.Values // as received, for the login form's hidden fields
	scope     string
	state     string
	challenge string
	nonce     string
}

// authorizeParams are the parameters the login form carries along.
var authorizeParams = []string{"client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method", "nonce"}

// authorize serves /openid/authorize: GET from the browser, POST from the
// login form (or a client posting its request, as OpenID Connect allows).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	params, page := authorizeInput(w, r)
	if page != "" {
		writeErrorPage(w, page)
		return
	}
	client, page := s.checkClientRedirect(params)
	if page != "" {
		writeErrorPage(w, page)
		return
	}
	ar := &authorizeRequest{client: client, params: params, state: params.Get("state")}
	if err := ar.check(); err != nil {
		redirectError(w, client.RedirectURI, ar.state, err)
		return
	}
	if s.cfg.loginForm {
		if r.Method == http.MethodGet {
			s.loginForm(w, ar, "")
			return
		}
		if params.Get("deny") != "" {
			redirectError(w, client.RedirectURI, ar.state, oauthErr(0, "access_denied", "The user denied the request."))
			return
		}
		_, hasUser := params["username"]
		_, hasPassword := params["password"]
		if !hasUser && !hasPassword { // the client posted its request: show the form
			s.loginForm(w, ar, "")
			return
		}
		if !s.userCredentials(params.Get("username"), params.Get("password")) {
			s.loginForm(w, ar, "The username or password is incorrect.")
			return
		}
	}
	s.approve(w, ar)
}

// authorizeInput reads the request's parameters: the query of a GET, the
// form body of a POST. A non-empty page is the reason it cannot.
func authorizeInput(w http.ResponseWriter, r *http.Request) (url.Values, string) {
	if r.Method == http.MethodGet {
		return r.URL.Query(), ""
	}
	if !isFormRequest(r) {
		return nil, "The authorization request must be posted as application/x-www-form-urlencoded."
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenBody)
	if err := r.ParseForm(); err != nil {
		return nil, "The authorization request's form could not be read."
	}
	return r.PostForm, ""
}

// checkClientRedirect checks what must be right before the provider may
// redirect at all (RFC 6749 §4.1.2.1): a known client and its registered
// redirect URI, compared exactly.
func (s *Server) checkClientRedirect(params url.Values) (OAuthClient, string) {
	if len(params["client_id"]) > 1 || len(params["redirect_uri"]) > 1 {
		return OAuthClient{}, "The client_id and redirect_uri parameters must be given once."
	}
	client, ok := s.client(params.Get("client_id"))
	if !ok {
		return OAuthClient{}, "The client_id is missing or names no registered application."
	}
	if params.Get("redirect_uri") != client.RedirectURI {
		return OAuthClient{}, "The redirect_uri does not match the one registered for this application."
	}
	return client, ""
}

// check validates everything after the client and redirect URI; its errors
// go back to the client by redirect.
func (ar *authorizeRequest) check() *oauthError {
	p := ar.params
	if k := repeatedParam(p); k != "" {
		return invalidRequest("The " + k + " parameter is repeated.")
	}
	switch p.Get("response_type") {
	case "code":
	case "":
		return invalidRequest("The response_type parameter is missing.")
	default:
		return oauthErr(0, "unsupported_response_type", "Only response_type=code is supported.")
	}
	scope, err := parseScope(p.Get("scope"))
	if err != nil {
		return err
	}
	if !hasScope(scope, scopeAPI) || !hasScope(scope, scopeOpenID) {
		return oauthErr(0, "invalid_scope", "The scope must include iconect_api and openid.")
	}
	switch p.Get("code_challenge_method") {
	case "S256":
	case "":
		return invalidRequest("PKCE is required: code_challenge_method must be S256.")
	default:
		return invalidRequest("Only code_challenge_method=S256 is supported.")
	}
	ch := p.Get("code_challenge")
	if len(ch) != 43 || !base64URLChars(ch) {
		return invalidRequest("The code_challenge must be the base64url SHA-256 of the code_verifier (43 characters).")
	}
	ar.scope, ar.challenge, ar.nonce = scope, ch, p.Get("nonce")
	return nil
}

// approve issues a code for User and sends the browser back to the client.
func (s *Server) approve(w http.ResponseWriter, ar *authorizeRequest) {
	code := randomString(24)
	now := s.clock.Now()
	s.idpMu.Lock()
	for k, c := range s.codes { // forget codes nobody can use any more
		if !now.Before(c.expires) {
			delete(s.codes, k)
		}
	}
	s.codes[code] = &authCode{
		clientID: ar.client.ID, redirectURI: ar.client.RedirectURI, challenge: ar.challenge,
		scope: ar.scope, nonce: ar.nonce, expires: now.Add(codeLifetime),
	}
	s.idpMu.Unlock()
	q := url.Values{"code": {code}}
	if ar.state != "" {
		q.Set("state", ar.state)
	}
	redirect(w, ar.client.RedirectURI, q)
}

// redirectError sends an authorization error back to the client.
func redirectError(w http.ResponseWriter, redirectURI, state string, e *oauthError) {
	q := url.Values{"error": {e.code}, "error_description": {e.desc}}
	if state != "" {
		q.Set("state", state)
	}
	redirect(w, redirectURI, q)
}

// redirect answers 302 to base with params added to its query.
func redirect(w http.ResponseWriter, base string, params url.Values) {
	u, err := url.Parse(base)
	if err != nil { // a registered URI always parses
		writeErrorPage(w, "The registered redirect_uri is not a URL.")
		return
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Location", u.String())
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

func (s *Server) userCredentials(username, password string) bool {
	u := subtle.ConstantTimeCompare([]byte(username), []byte(s.User.Username))
	p := subtle.ConstantTimeCompare([]byte(password), []byte(s.User.Password))
	return u&p == 1
}

var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to iCONECT</title></head>
<body>
<h1>Sign in to iCONECT</h1>
<p>The application {{.ClientID}} asks to use the iCONECT API on your behalf.</p>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>
{{end}}<form method="post" action="/openid/authorize">
{{range .Hidden}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<label>Username <input name="username" autocomplete="username" value="{{.Username}}"></label>
<label>Password <input type="password" name="password" autocomplete="current-password"></label>
<button type="submit" name="approve" value="1">Sign in</button>
<button type="submit" name="deny" value="1">Cancel</button>
</form>
</body></html>
`))

var errorPageTemplate = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head>
<body><h1>Sign-in error</h1><p>{{.}}</p></body></html>
`))

type hiddenField struct{ Name, Value string }

// loginForm answers the login page, carrying the authorization request in
// hidden fields; errMsg is shown after a failed attempt.
func (s *Server) loginForm(w http.ResponseWriter, ar *authorizeRequest, errMsg string) {
	var hidden []hiddenField
	for _, k := range authorizeParams {
		if v := ar.params.Get(k); v != "" {
			hidden = append(hidden, hiddenField{k, v})
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_ = loginTemplate.Execute(w, map[string]any{
		"ClientID": ar.client.ID, "Error": errMsg, "Hidden": hidden, "Username": ar.params.Get("username"),
	})
}

// writeErrorPage answers 400 with an HTML page: the provider cannot trust
// the redirect URI, so the user sees the error instead of the client.
func writeErrorPage(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	_ = errorPageTemplate.Execute(w, msg)
}

// ---- token endpoint ----

// tokenResponse is a successful token answer (RFC 6749 §5.1).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
	IDToken      string `json:"id_token,omitempty"`
}

// token serves POST /openid/token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	form, ferr := tokenForm(w, r)
	s.stats.countGrant(form.Get("grant_type"), form.Get("refresh_token"))
	if ferr != nil {
		writeTokenError(w, ferr)
		return
	}
	res, err := s.grant(r, form)
	if err != nil {
		writeTokenError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// tokenForm reads the form body; the values are empty when it cannot.
func tokenForm(w http.ResponseWriter, r *http.Request) (url.Values, *oauthError) {
	if !isFormRequest(r) {
		return url.Values{}, invalidRequest("The token request must be application/x-www-form-urlencoded.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenBody)
	if err := r.ParseForm(); err != nil {
		return url.Values{}, invalidRequest("The token request's form could not be read.")
	}
	if k := repeatedParam(r.PostForm); k != "" {
		return r.PostForm, invalidRequest("The " + k + " parameter is repeated.")
	}
	return r.PostForm, nil
}

// grant authenticates the client and runs the requested grant.
func (s *Server) grant(r *http.Request, form url.Values) (*tokenResponse, *oauthError) {
	grantType := form.Get("grant_type")
	if grantType == "" {
		return nil, invalidRequest("The grant_type parameter is missing.")
	}
	client, err := s.authenticateClient(r, form)
	if err != nil {
		return nil, err
	}
	switch grantType {
	case "authorization_code":
		return s.codeGrant(client, form)
	case "refresh_token":
		return s.refreshTokenGrant(client, form)
	case "password":
		return s.passwordGrant(client, form)
	default:
		return nil, oauthErr(http.StatusBadRequest, "unsupported_grant_type",
			"Supported grant types are authorization_code, refresh_token and password.")
	}
}

// authenticateClient identifies the client: a confidential one by its
// secret (HTTP Basic or client_secret in the body, not both), a public one
// by client_id alone.
func (s *Server) authenticateClient(r *http.Request, form url.Values) (OAuthClient, *oauthError) {
	id, secret, basic, err := clientCredentials(r, form)
	if err != nil {
		return OAuthClient{}, err
	}
	fail := func(desc string) (OAuthClient, *oauthError) {
		e := oauthErr(http.StatusUnauthorized, "invalid_client", desc)
		e.basic = basic
		return OAuthClient{}, e
	}
	if id == "" {
		return fail("Client authentication failed: no client_id was given.")
	}
	client, ok := s.client(id)
	switch {
	case !ok:
		return fail("Client authentication failed: the client is unknown.")
	case client.Secret == "" && secret != "":
		return fail("Client authentication failed: this public client has no secret.")
	case client.Secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(client.Secret)) != 1:
		return fail("Client authentication failed: the client secret is missing or wrong.")
	}
	return client, nil
}

// clientCredentials reads the client ID and secret from the Authorization
// header (client_secret_basic, RFC 6749 §2.3.1: both form-encoded) or the
// body (client_secret_post, or none for a public client).
func clientCredentials(r *http.Request, form url.Values) (id, secret string, basic bool, err *oauthError) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return form.Get("client_id"), form.Get("client_secret"), false, nil
	}
	bad := oauthErr(http.StatusUnauthorized, "invalid_client", "Client authentication failed: the Authorization header is not valid Basic credentials.")
	bad.basic = true
	user, pass, ok := r.BasicAuth()
	if !ok {
		return "", "", true, bad
	}
	id, err1 := url.QueryUnescape(user)
	secret, err2 := url.QueryUnescape(pass)
	if err1 != nil || err2 != nil {
		return "", "", true, bad
	}
	if form.Get("client_secret") != "" {
		return "", "", true, invalidRequest("The client authenticated twice: use either HTTP Basic or client_secret, not both.")
	}
	if cid := form.Get("client_id"); cid != "" && cid != id {
		return "", "", true, invalidRequest("The client_id in the body differs from the one in the Authorization header.")
	}
	return id, secret, true, nil
}

// codeGrant exchanges an authorization code. A code is consumed by the
// first request that presents it, even one that fails.
func (s *Server) codeGrant(client OAuthClient, form url.Values) (*tokenResponse, *oauthError) {
	for _, k := range []string{"code", "redirect_uri", "code_verifier"} {
		if form.Get(k) == "" {
			return nil, invalidRequest("The " + k + " parameter is missing.")
		}
	}
	now := s.clock.Now()
	s.idpMu.Lock()
	c, ok := s.codes[form.Get("code")]
	var used bool
	if ok {
		used, c.used = c.used, true
	}
	s.idpMu.Unlock()
	switch {
	case !ok:
		return nil, invalidGrant("The authorization code is unknown.")
	case used:
		return nil, invalidGrant("The authorization code has already been used.")
	case !now.Before(c.expires):
		return nil, invalidGrant("The authorization code has expired.")
	case c.clientID != client.ID:
		return nil, invalidGrant("The authorization code was issued to another client.")
	case c.redirectURI != form.Get("redirect_uri"):
		return nil, invalidGrant("The redirect_uri does not match the authorization request's.")
	case !verifierMatches(form.Get("code_verifier"), c.challenge):
		return nil, invalidGrant("The code_verifier does not match the code_challenge.")
	}
	return s.issue(client, c.scope, c.nonce, c.scope)
}

// refreshTokenGrant exchanges a refresh token, once: it is consumed and a
// new one comes with the new access token. A narrower scope may be asked.
func (s *Server) refreshTokenGrant(client OAuthClient, form url.Values) (*tokenResponse, *oauthError) {
	tok := form.Get("refresh_token")
	if tok == "" {
		return nil, invalidRequest("The refresh_token parameter is missing.")
	}
	s.idpMu.Lock()
	g, ok := s.refresh[tok]
	var err *oauthError
	switch {
	case !ok:
		err = invalidGrant("The refresh token is unknown.")
	case g.used:
		err = invalidGrant("The refresh token has already been used.")
	case g.clientID != client.ID:
		err = invalidGrant("The refresh token was issued to another client.")
	}
	var scope string
	if err == nil {
		scope, err = narrowScope(g.scope, form.Get("scope"))
	}
	if err == nil {
		g.used = true
	}
	s.idpMu.Unlock()
	if err != nil {
		return nil, err
	}
	// the new refresh token keeps the original grant's scope (RFC 6749 §6)
	return s.issue(client, scope, "", g.scope)
}

// passwordGrant signs User in with a username and password.
func (s *Server) passwordGrant(client OAuthClient, form url.Values) (*tokenResponse, *oauthError) {
	if form.Get("username") == "" || form.Get("password") == "" {
		return nil, invalidRequest("The username and password parameters are required.")
	}
	if !s.userCredentials(form.Get("username"), form.Get("password")) {
		return nil, invalidGrant("The username or password is incorrect.")
	}
	scope := form.Get("scope")
	if strings.TrimSpace(scope) == "" {
		scope = defaultScope
	}
	scope, err := parseScope(scope)
	if err != nil {
		return nil, err
	}
	refreshScope := ""
	if s.cfg.passwordRefresh {
		refreshScope = scope
	}
	return s.issue(client, scope, "", refreshScope)
}

// issue mints the tokens of a successful grant; a refresh token, for
// refreshScope, only when refreshScope is not empty.
func (s *Server) issue(client OAuthClient, scope, nonce, refreshScope string) (*tokenResponse, *oauthError) {
	serverError := oauthErr(http.StatusInternalServerError, "server_error", "The provider could not sign a token.")
	access, err := s.mintAccessToken(client.ID, scope)
	if err != nil {
		return nil, serverError
	}
	res := &tokenResponse{
		AccessToken: access, TokenType: "bearer", Scope: scope,
		ExpiresIn: int64(s.cfg.tokenLifetime / time.Second),
	}
	if hasScope(scope, scopeOpenID) {
		if res.IDToken, err = s.idToken(client.ID, nonce); err != nil {
			return nil, serverError
		}
	}
	if refreshScope != "" {
		res.RefreshToken = randomString(32)
		s.idpMu.Lock()
		s.refresh[res.RefreshToken] = &refreshGrant{clientID: client.ID, scope: refreshScope}
		s.idpMu.Unlock()
	}
	return res, nil
}

// writeTokenError answers an RFC 6749 §5.2 error.
func writeTokenError(w http.ResponseWriter, e *oauthError) {
	if e.basic {
		w.Header().Set("WWW-Authenticate", `Basic realm="iconecttest", error="invalid_client"`)
	}
	writeJSON(w, e.status, map[string]string{"error": e.code, "error_description": e.desc})
}

// ---- ID tokens ----

// idTokenClaims are an OpenID Connect ID token's claims.
type idTokenClaims struct {
	Issuer   string `json:"iss"`
	Subject  string `json:"sub"`
	Audience string `json:"aud"`
	Expiry   int64  `json:"exp"`
	IssuedAt int64  `json:"iat"`
	Nonce    string `json:"nonce,omitempty"`
}

// idToken signs an ID token for User, addressed to the client. It is signed
// here rather than by signer.sign because it carries a nonce and no scope.
func (s *Server) idToken(clientID, nonce string) (string, error) {
	now := s.clock.Now()
	return s.signer.sign(idTokenClaims{
		Issuer: s.IdentityURL, Subject: strconv.FormatInt(s.User.ID, 10), Audience: clientID,
		Expiry: now.Add(s.cfg.tokenLifetime).Unix(), IssuedAt: now.Unix(), Nonce: nonce,
	})
}

// ---- small helpers ----

// isFormRequest reports whether r's body is application/x-www-form-urlencoded.
func isFormRequest(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// repeatedParam names a parameter given more than once (RFC 6749 §3.1
// forbids it), in a stable order.
func repeatedParam(v url.Values) string {
	var keys []string
	for k, vs := range v {
		if len(vs) > 1 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return ""
	}
	return keys[0]
}

// parseScope normalises a space-separated scope, refusing unknown scopes.
func parseScope(scope string) (string, *oauthError) {
	var out []string
	for _, sc := range strings.Fields(scope) {
		if !hasScope(strings.Join(supportedScopes, " "), sc) {
			return "", oauthErr(http.StatusBadRequest, "invalid_scope", "Supported scopes are iconect_api and openid.")
		}
		if !hasScope(strings.Join(out, " "), sc) {
			out = append(out, sc)
		}
	}
	return strings.Join(out, " "), nil
}

// narrowScope is the scope of a refresh: the original, or a part of it.
func narrowScope(granted, asked string) (string, *oauthError) {
	if strings.TrimSpace(asked) == "" {
		return granted, nil
	}
	scope, err := parseScope(asked)
	if err != nil {
		return "", err
	}
	for _, sc := range strings.Fields(scope) {
		if !hasScope(granted, sc) {
			return "", oauthErr(http.StatusBadRequest, "invalid_scope", "A refresh cannot widen the scope first granted.")
		}
	}
	return scope, nil
}

func hasScope(scope, want string) bool {
	return claims{Scope: scope}.hasScope(want)
}

// base64URLChars reports whether s uses only the base64url alphabet.
func base64URLChars(s string) bool {
	for _, c := range s {
		if !isAlnum(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isAlnum(c rune) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// verifierMatches checks a PKCE code_verifier (RFC 7636 §4.1: 43 to 128
// unreserved characters) against its S256 challenge.
func verifierMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	for _, c := range verifier {
		if !isAlnum(c) && !strings.ContainsRune("-._~", c) {
			return false
		}
	}
	sum := sha256.Sum256([]byte(verifier))
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}
