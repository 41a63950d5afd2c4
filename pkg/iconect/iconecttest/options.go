package iconecttest

import (
	"log/slog"
	"strings"
	"time"
)

// Option configures a Server.
type Option func(*config)

type config struct {
	tokenLifetime   time.Duration
	clock           Clock
	latency         time.Duration
	faults          []Fault
	seed            int64
	passwordRefresh bool
	identityDown    bool
	loginForm       bool
	without         map[string]bool
	projects        []SeedProject
	logger          *slog.Logger
	jobStep         time.Duration
	uploadTTL       time.Duration
	basePath        string
	arrayForm       ArrayForm // arrayform.go
	apiAddr         string    // listen.go
	identityAddr    string    // listen.go
}

func defaultConfig() config {
	return config{
		tokenLifetime:   time.Hour,
		clock:           realClock{},
		passwordRefresh: true,
		without:         map[string]bool{},
		logger:          slog.New(slog.DiscardHandler),
		jobStep:         10 * time.Millisecond,
		uploadTTL:       24 * time.Hour,
	}
}

// WithTokenLifetime sets how long access tokens live (default one hour).
func WithTokenLifetime(d time.Duration) Option { return func(c *config) { c.tokenLifetime = d } }

// WithClock runs the fake on clock (a *FakeClock in tests that move time).
func WithClock(clock Clock) Option { return func(c *config) { c.clock = clock } }

// WithBasePath serves the API below a path prefix (e.g. "/api"), as many
// deployments do: Server.URL then ends with it, and a request outside it is
// an unknown route.
func WithBasePath(prefix string) Option {
	return func(c *config) { c.basePath = "/" + strings.Trim(prefix, "/") }
}

// WithLatency delays every API answer by d (real time).
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithFaults injects faults (see Fault); Server.SetFaults changes them later.
func WithFaults(faults ...Fault) Option {
	return func(c *config) { c.faults = append(c.faults, faults...) }
}

// WithSeed makes fault injection by rate deterministic.
func WithSeed(seed int64) Option { return func(c *config) { c.seed = seed } }

// WithPasswordRefreshTokens sets whether the password grant issues a refresh
// token (default true, as the docs' example shows; Beta 10's notes say it
// no longer does, so both must work).
func WithPasswordRefreshTokens(issue bool) Option {
	return func(c *config) { c.passwordRefresh = issue }
}

// WithIdentityDown starts the identity provider down while the API is up
// (Server.SetIdentityDown changes it later).
func WithIdentityDown() Option { return func(c *config) { c.identityDown = true } }

// WithLoginForm makes /openid/authorize show a login form instead of
// approving the configured user at once.
func WithLoginForm() Option { return func(c *config) { c.loginForm = true } }

// WithoutOperations makes these operations' routes answer as unknown routes,
// as a tenant that lacks them would.
func WithoutOperations(operationIDs ...string) Option {
	return func(c *config) {
		for _, id := range operationIDs {
			c.without[id] = true
		}
	}
}

// WithProject creates a project at start (see SeedProject).
func WithProject(p SeedProject) Option {
	return func(c *config) { c.projects = append(c.projects, p) }
}

// WithLogger logs each request (method, path, operation, status); never a
// token or a body.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithJobStep sets how long a running job takes per step on the fake's
// clock (default 10ms): a delimited import handles up to 100 rows a step.
func WithJobStep(d time.Duration) Option { return func(c *config) { c.jobStep = d } }

// SeedProject is a project made at start: text fields by name and records
// whose values are keyed by field name (a name not in Fields, or the
// built-in DOCID, gets or uses that field).
type SeedProject struct {
	Name    string
	Fields  []string
	Records []map[string]string
}
