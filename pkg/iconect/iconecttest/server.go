package iconecttest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/iconect-go/iconect-go/gen"
)

// Server is a running fake tenant: an iCONECT API and its OpenID Connect
// identity provider, on two loopback listeners. Start one with NewServer
// and stop it with Close, as with httptest.Server.
type Server struct {
	// URL is the API base URL (the docs' {apiURL}); operation paths go below it.
	URL string
	// IdentityURL is the identity provider's base URL (https://{identityURL}
	// in the docs): /openid/authorize, /openid/token and
	// /.well-known/openid-configuration are below it.
	IdentityURL string
	// Client is a registered confidential OAuth client.
	Client OAuthClient
	// PublicClient is a registered public client (no secret; PKCE only).
	PublicClient OAuthClient
	// User can sign in; batches can be assigned to User.ID.
	User User
	// Reviewers are further users batches can be assigned to (no sign-in).
	Reviewers []User
	// DataServerID is the data server to name in createProject.
	DataServerID int64
	// TemplateProjectID is a template project (listProjects type 1) with
	// fields and panels, for createProject's project_template_id.
	TemplateProjectID int64

	cfg     config
	clock   Clock
	val     *Validator
	signer  *signer
	tenant  *tenant
	mux     *http.ServeMux
	api     *httptest.Server
	idp     *httptest.Server
	stats   stats
	faults  faultSet
	ctx     context.Context // ended by Close: stops running jobs
	stop    context.CancelFunc
	jobs    sync.WaitGroup
	idpDown bool
	idpMu   sync.Mutex
	codes   map[string]*authCode
	refresh map[string]*refreshGrant
}

// OAuthClient is an OAuth client registered with the identity provider.
type OAuthClient struct {
	ID          string
	Secret      string // empty for a public client
	RedirectURI string
}

// User is a user of the tenant.
type User struct {
	Username string
	Password string
	ID       int64
}

// maxBody bounds a request body (an upload chunk included): larger bodies
// are refused with 400 rather than held in memory.
const maxBody = 64 << 20

// NewServer starts a fake tenant. It panics if it cannot listen, as
// httptest.NewServer does.
func NewServer(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	val, err := NewValidator()
	if err != nil {
		panic(err)
	}
	s := &Server{
		Client:       OAuthClient{ID: "iconect-go-test", Secret: "test-client-secret", RedirectURI: "http://127.0.0.1/callback"},
		PublicClient: OAuthClient{ID: "iconect-go-cli", RedirectURI: "http://127.0.0.1/cli/callback"},
		User:         User{Username: "jsmith", Password: "Password1234", ID: 130},
		Reviewers:    []User{{Username: "reviewer1", ID: 35}, {Username: "reviewer2", ID: 39}},
		DataServerID: 5,
		cfg:          cfg,
		clock:        cfg.clock,
		val:          val,
		signer:       newSigner(),
		idpDown:      cfg.identityDown,
		codes:        map[string]*authCode{},
		refresh:      map[string]*refreshGrant{},
	}
	s.ctx, s.stop = context.WithCancel(context.Background())
	s.faults.set(cfg.seed, cfg.faults)
	s.tenant = newTenant(s.clock.Now)
	s.seed()

	s.mux = http.NewServeMux()
	gen.HandlerWithOptions(gen.NewStrictHandlerWithOptions(&handlers{s: s}, nil, gen.StrictHTTPServerOptions{
		RequestErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			writeError(w, badRequest("invalid request body: %v", err))
		},
		ResponseErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) { writeError(w, err) },
	}), gen.StdHTTPServerOptions{
		BaseRouter: s.mux,
		ErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			writeError(w, badRequest("%v", err))
		},
	})
	s.api = startServer(cfg.apiAddr, http.HandlerFunc(s.serveAPI))
	defer func() {
		if v := recover(); v != nil {
			s.api.Close() // the identity provider could not listen: leave nothing open
			panic(v)
		}
	}()
	s.idp = startServer(cfg.identityAddr, http.HandlerFunc(s.serveIdentity))
	s.URL = s.api.URL
	if cfg.basePath != "/" {
		s.URL += cfg.basePath
	}
	s.IdentityURL = s.idp.URL
	return s
}

// Close stops running jobs and both listeners.
func (s *Server) Close() {
	// Under the tenant lock, so no startJob can begin a run after the wait.
	s.tenant.mu.Lock()
	s.stop()
	s.tenant.mu.Unlock()
	s.jobs.Wait()
	s.api.Close()
	s.idp.Close()
}

// SetIdentityDown takes the identity provider down (connections are closed
// unanswered) or brings it back; the API stays up either way.
func (s *Server) SetIdentityDown(down bool) {
	s.idpMu.Lock()
	s.idpDown = down
	s.idpMu.Unlock()
}

// AccessToken mints an access token for User with the given scopes
// (iconect_api and openid when none are given), valid for the configured
// token lifetime: for tests that do not exercise the identity provider.
func (s *Server) AccessToken(scopes ...string) string {
	if len(scopes) == 0 {
		scopes = []string{"iconect_api", "openid"}
	}
	tok, err := s.mintAccessToken(s.Client.ID, strings.Join(scopes, " "))
	if err != nil {
		panic(err)
	}
	return tok
}

func (s *Server) mintAccessToken(clientID, scope string) (string, error) {
	now := s.clock.Now()
	return s.signer.sign(claims{
		Issuer: s.IdentityURL, Subject: fmt.Sprint(s.User.ID), Audience: "iconect_api",
		IssuedAt: now.Unix(), Expiry: now.Add(s.cfg.tokenLifetime).Unix(),
		Scope: scope, ClientID: clientID, ID: randomString(12),
	})
}

type ctxKey int

const userKey ctxKey = 0

// serveAPI is the API's front door: latency, routing (404 and 405 as a
// tenant lacking the route answers), counts, faults, authentication and
// request validation, then the operation's handler.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if s.cfg.latency > 0 {
		time.Sleep(s.cfg.latency)
	}
	if r = s.stripBasePath(r); r == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	route, params, allowed, err := s.val.Route(r.Method, r.URL.Path, func(id string) bool { return s.cfg.without[id] })
	switch {
	case errors.Is(err, ErrMethodNotAllowed):
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	case err != nil:
		w.WriteHeader(http.StatusNotFound)
		return
	}
	s.stats.countOperation(route.OperationID)
	status := http.StatusOK
	defer func() {
		s.cfg.logger.Debug("iconecttest", "method", r.Method, "path", r.URL.Path, "operation", route.OperationID, "status", status)
	}()

	f := s.faults.pick(route.OperationID)
	if f != nil && f.before(w) {
		status = f.Status
		return
	}
	if f != nil && f.Kind == FaultDropAfter {
		conn := w
		w = &discardWriter{header: http.Header{}}
		defer dropConnection(conn)
	}

	c, err := s.authenticate(r)
	if err != nil {
		status = err.(*apiError).status
		writeError(w, err)
		return
	}
	r = r.WithContext(context.WithValue(r.Context(), userKey, c))
	if err := s.readArrays(route.OperationID, r); err != nil {
		status = http.StatusBadRequest
		writeError(w, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := s.val.ValidateRequest(r.Context(), r, route, params); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			status = ve.Status
			writeError(w, errorf(ve.Status, "%s", ve.Message))
			return
		}
		status = http.StatusBadRequest
		writeError(w, badRequest("%v", err))
		return
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		// A panic is a bug in the fake, never the client's fault: answer
		// 500 so the fuzz tests and the caller see it, and keep serving.
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			status = http.StatusInternalServerError
			s.cfg.logger.Error("iconecttest: handler panic", "operation", route.OperationID, "panic", fmt.Sprint(v))
			if !sw.wrote {
				writeError(w, fmt.Errorf("panic: %v", v))
			}
		}
	}()
	s.mux.ServeHTTP(sw, r)
	status = sw.status
}

// authenticate checks the bearer token: missing, malformed, badly signed or
// expired → 401; without the iconect_api scope → 403.
func (s *Server) authenticate(r *http.Request) (claims, error) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return claims{}, errorf(http.StatusUnauthorized, "Missing bearer token.")
	}
	c, err := s.signer.verify(strings.TrimSpace(tok), s.clock.Now())
	if err != nil {
		return claims{}, errorf(http.StatusUnauthorized, "Invalid token: %v.", err)
	}
	if !c.hasScope("iconect_api") {
		return claims{}, errorf(http.StatusForbidden, "The token lacks the iconect_api scope.")
	}
	return c, nil
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	w.status, w.wrote = code, true
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// stripBasePath returns r with WithBasePath's prefix taken off its path, or
// nil for a path outside the prefix.
func (s *Server) stripBasePath(r *http.Request) *http.Request {
	prefix := s.cfg.basePath
	if prefix == "" || prefix == "/" {
		return r
	}
	rest, ok := strings.CutPrefix(r.URL.Path, prefix)
	if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
		return nil
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = rest
	r2.URL.RawPath = ""
	return r2
}
