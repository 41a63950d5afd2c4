// Package contract is the contract check: a scenario exercising every
// operation of api/openapi.yaml through the SDK (pkg/iconect), with
// pkg/specvalidate under it validating each request and response, against
// the in-process fake tenant (the default, inside `go test`) or a real
// tenant (`make contract`, configured from ICONECT_* variables). Its Report
// says per operationId whether it was exercised, passed, violated the spec
// or found no path on the tenant, and ends with the line
//
//	contract: N/60 operations exercised, V violations, U paths not found
package contract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/auth"
	"github.com/iconect-go/iconect-go/pkg/iconect"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
	"github.com/iconect-go/iconect-go/pkg/specvalidate"
)

// Config is what a run needs. Secrets (ClientSecret, Password) are used to
// sign in and never printed.
type Config struct {
	APIURL       string
	IdentityURL  string
	ClientID     string
	ClientSecret string
	Username     string
	Password     string
	// UserID is the user batches are assigned to (the one signing in).
	UserID int64
	// DataServerID is the data server the scenario's project is made on.
	DataServerID int64

	// ReadOnly runs only GET operations, against an existing project
	// (ProjectID, or the first listProjects returns), for production
	// tenants: nothing is created, changed or deleted.
	ReadOnly  bool
	ProjectID int64
	// Drift also reports response properties the spec lacks (not failing).
	Drift bool

	// Target names the target in the report ("fake", "tenant", ...).
	Target string
	// Spec, when set, is the spec to validate against (YAML or JSON)
	// instead of the embedded one: an altered copy, in tests.
	Spec []byte
	// TokenSource, when set, authenticates instead of signing in with the
	// identity settings.
	TokenSource oauth2.TokenSource
	// Base sends the validated requests (default http.DefaultTransport).
	Base http.RoundTripper
	// Wrap, when set, wraps the validating transport (what the SDK sends
	// through): a test's rewriter, Prism's upload bypass.
	Wrap func(validating http.RoundTripper) http.RoundTripper
	// Wait is how jobs are polled (default: every 0.5–5 s, at most 10 min).
	Wait *iconect.WaitOptions
	// BigRows is the row count of the import that is started and stopped
	// (default 5000): long enough to still run when stopped.
	BigRows int
	// ChunkSize is the chunk size of the chunked upload (default 64 KiB).
	ChunkSize int64
	// Log receives progress lines (default: discarded).
	Log io.Writer
	// Name prefixes the names of what the scenario creates (default
	// "iconect-go contract").
	Name string
}

// Env variable names of the tenant mode.
const (
	EnvAPIURL       = "ICONECT_API_URL"
	EnvIdentityURL  = "ICONECT_IDENTITY_URL"
	EnvClientID     = "ICONECT_CLIENT_ID"
	EnvClientSecret = "ICONECT_CLIENT_SECRET"
	EnvUsername     = "ICONECT_USERNAME"
	EnvPassword     = "ICONECT_PASSWORD"
	EnvUserID       = "ICONECT_USER_ID"
	EnvDataServerID = "ICONECT_DATASERVER_ID"
	EnvReadOnly     = "ICONECT_CONTRACT_READ_ONLY"
	EnvProjectID    = "ICONECT_CONTRACT_PROJECT_ID"
	EnvDrift        = "ICONECT_CONTRACT_DRIFT"
	// EnvPoll is the first delay between two polls of a running job (a Go
	// duration; default 500ms, doubling up to 5 s).
	EnvPoll = "ICONECT_CONTRACT_POLL"
)

// TenantConfigured reports whether ICONECT_API_URL is set: the tenant mode.
func TenantConfigured(getenv func(string) string) bool {
	if getenv == nil {
		getenv = os.Getenv
	}
	return strings.TrimSpace(getenv(EnvAPIURL)) != ""
}

// ConfigFromEnv reads the tenant mode's settings (getenv nil: os.Getenv).
// It names every missing or malformed variable, never a value.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	cfg := Config{
		Target:       "tenant",
		APIURL:       get(EnvAPIURL),
		IdentityURL:  get(EnvIdentityURL),
		ClientID:     get(EnvClientID),
		ClientSecret: getenv(EnvClientSecret),
		Username:     get(EnvUsername),
		Password:     getenv(EnvPassword),
	}
	var problems []string
	for _, k := range []struct{ name, v string }{
		{EnvAPIURL, cfg.APIURL}, {EnvIdentityURL, cfg.IdentityURL}, {EnvClientID, cfg.ClientID},
		{EnvUsername, cfg.Username}, {EnvPassword, cfg.Password},
	} {
		if k.v == "" {
			problems = append(problems, k.name+" is not set")
		}
	}
	flag := func(name string) bool {
		b, err := strconv.ParseBool(get(name))
		if get(name) != "" && err != nil {
			problems = append(problems, name+" is not a boolean")
		}
		return b
	}
	cfg.ReadOnly = flag(EnvReadOnly)
	cfg.Drift = flag(EnvDrift)
	id := func(name string, required bool) int64 {
		s := get(name)
		if s == "" {
			if required {
				problems = append(problems, name+" is not set")
			}
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			problems = append(problems, name+" is not a positive integer")
		}
		return n
	}
	// Read-only runs create nothing: no user or data server is needed.
	cfg.UserID = id(EnvUserID, !cfg.ReadOnly)
	cfg.DataServerID = id(EnvDataServerID, !cfg.ReadOnly)
	cfg.ProjectID = id(EnvProjectID, false)
	if v := get(EnvPoll); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			problems = append(problems, EnvPoll+" is not a positive duration")
		} else {
			cfg.Wait = &iconect.WaitOptions{MinDelay: d, MaxDelay: max(d, 5*time.Second), MaxWait: 10 * time.Minute}
		}
	}
	if len(problems) > 0 {
		return cfg, fmt.Errorf("contract: %s", strings.Join(problems, "; "))
	}
	return cfg, nil
}

// Run runs the scenario against cfg's tenant and returns its report. The
// error is for a run that could not start (bad configuration); failures
// during the scenario are in the report (Report.StepErrors).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.Name == "" {
		cfg.Name = "iconect-go contract"
	}
	if cfg.BigRows <= 0 {
		cfg.BigRows = 5000
	}
	if cfg.ChunkSize <= 0 {
		cfg.ChunkSize = 64 << 10
	}
	if cfg.Wait == nil {
		cfg.Wait = &iconect.WaitOptions{MinDelay: 500 * time.Millisecond, MaxDelay: 5 * time.Second, MaxWait: 10 * time.Minute}
	}
	val, err := validator(cfg.Spec)
	if err != nil {
		return nil, err
	}
	vt, err := specvalidate.New(cfg.APIURL, &specvalidate.Options{Base: cfg.Base, Validator: val, Drift: cfg.Drift})
	if err != nil {
		return nil, err
	}
	var rt http.RoundTripper = vt
	if cfg.Wrap != nil {
		rt = cfg.Wrap(vt)
	}
	opts := []iconect.Option{iconect.WithHTTPClient(&http.Client{Transport: rt}), iconect.WithUserAgent("iconect-contract")}
	switch {
	case cfg.TokenSource != nil:
		opts = append(opts, iconect.WithTokenSource(cfg.TokenSource))
	case cfg.IdentityURL != "":
		ac := &auth.Config{IdentityURL: cfg.IdentityURL, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret}
		opts = append(opts, iconect.WithAuth(ac, auth.NewMemoryStore(nil), auth.WithPassword(cfg.Username, cfg.Password)))
	default:
		return nil, errors.New("contract: no identity URL and no token source")
	}
	c, err := iconect.NewClient(cfg.APIURL, opts...)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	s := &scenario{c: c, cfg: cfg, log: cfg.Log}
	if cfg.ReadOnly {
		s.readOnly(ctx)
	} else {
		s.full(ctx)
	}
	rep := newReport(cfg, val, vt, s.errs, s.notes)
	rep.Duration = time.Since(start).Round(time.Millisecond).String()
	return rep, nil
}

func validator(spec []byte) (*iconecttest.Validator, error) {
	if spec == nil {
		return iconecttest.NewValidator()
	}
	return iconecttest.NewValidatorFromData(spec)
}

// FakeOptions are the fake tenant's options for RunFake: jobs step every
// 10 ms.
var FakeOptions = []iconecttest.Option{iconecttest.WithJobStep(10 * time.Millisecond)}

// FakeConfig returns the Config of a fake tenant: its URLs, its
// confidential client, its user and data server, and polling fit for
// jobs that take milliseconds.
func FakeConfig(srv *iconecttest.Server) Config {
	return Config{
		Target:       "fake",
		APIURL:       srv.URL,
		IdentityURL:  srv.IdentityURL,
		ClientID:     srv.Client.ID,
		ClientSecret: srv.Client.Secret,
		Username:     srv.User.Username,
		Password:     srv.User.Password,
		UserID:       srv.User.ID,
		DataServerID: srv.DataServerID,
		Wait:         &iconect.WaitOptions{MinDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond, MaxWait: time.Minute},
	}
}

// RunFake runs the scenario against a fresh in-process fake tenant; edit,
// if not nil, adjusts the configuration first.
func RunFake(ctx context.Context, edit func(*Config)) (*Report, error) {
	srv := iconecttest.NewServer(FakeOptions...)
	defer srv.Close()
	cfg := FakeConfig(srv)
	if edit != nil {
		edit(&cfg)
	}
	return Run(ctx, cfg)
}
