// Command iconect-sandbox serves a fake iCONECT tenant (package
// iconecttest): the REST API and its OpenID Connect identity provider, in
// memory, for trying the SDK or another client without a real tenant.
//
//	go run ./cmd/iconect-sandbox -addr 127.0.0.1:8080
//
// Once both listen it prints exactly one line on stdout, a JSON object with
// the URLs and credentials to use (api_url, identity_url, client_id,
// client_secret, public_client_id, redirect_uri, username, password,
// user_id, dataservers_id, template_project_id); logs go to stderr. It runs
// until SIGINT or SIGTERM. Run it with -h for the flags.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, stop restores the default handling, so a
	// second Ctrl-C kills a sandbox stuck closing.
	context.AfterFunc(ctx, stop)
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the sandbox could not start (e.g. the address is taken)
	exitUsage = 2 // bad flags or seed data
)

// options are the parsed command line.
type options struct {
	addr, identityAddr string
	tokenLifetime      time.Duration
	latency            time.Duration
	faults             faultFlag
	seed               int64
	seedData           string
	passwordRefresh    bool
	loginForm          bool
	verbose            bool
}

// banner is the one line printed on stdout: what a client needs to connect.
type banner struct {
	APIURL            string `json:"api_url"`
	IdentityURL       string `json:"identity_url"`
	ClientID          string `json:"client_id"`
	ClientSecret      string `json:"client_secret"`
	PublicClientID    string `json:"public_client_id"`
	RedirectURI       string `json:"redirect_uri"`
	Username          string `json:"username"`
	Password          string `json:"password"`
	UserID            int64  `json:"user_id"`
	DataServersID     int64  `json:"dataservers_id"`
	TemplateProjectID int64  `json:"template_project_id"`
}

// run is the program: it serves until ctx ends and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, serverOpts, code := parseArgs(args, stderr)
	if code >= 0 {
		return code
	}
	level := slog.LevelInfo
	if o.verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	serverOpts = append(serverOpts, iconecttest.WithLogger(logger))

	s, err := start(serverOpts)
	if err != nil {
		logger.Error("iconect-sandbox: cannot start", "err", err)
		return exitError
	}
	if err := json.NewEncoder(stdout).Encode(bannerOf(s)); err != nil {
		logger.Error("iconect-sandbox: cannot write to stdout", "err", err)
		s.Close()
		return exitError
	}
	logger.Info("iconect-sandbox: serving", "api_url", s.URL, "identity_url", s.IdentityURL)
	<-ctx.Done()
	logger.Info("iconect-sandbox: stopping")
	s.Close()
	logger.Info("iconect-sandbox: stopped")
	return exitOK
}

// start runs NewServer, turning its panic (it cannot listen) into an error.
func start(opts []iconecttest.Option) (s *iconecttest.Server, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%v", v)
		}
	}()
	return iconecttest.NewServer(opts...), nil
}

func bannerOf(s *iconecttest.Server) banner {
	return banner{
		APIURL:            s.URL,
		IdentityURL:       s.IdentityURL,
		ClientID:          s.Client.ID,
		ClientSecret:      s.Client.Secret,
		PublicClientID:    s.PublicClient.ID,
		RedirectURI:       s.Client.RedirectURI,
		Username:          s.User.Username,
		Password:          s.User.Password,
		UserID:            s.User.ID,
		DataServersID:     s.DataServerID,
		TemplateProjectID: s.TemplateProjectID,
	}
}

// parseArgs parses the command line into the server's options. The
// returned code is -1 to go on, else the exit code (usage printed).
func parseArgs(args []string, stderr io.Writer) (options, []iconecttest.Option, int) {
	op, fs := newFlagSet(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return *op, nil, exitOK
		}
		return *op, nil, exitUsage // flag has printed the error and the usage
	}
	o := *op
	usageErr := func(format string, a ...any) (options, []iconecttest.Option, int) {
		_, _ = fmt.Fprintf(stderr, "iconect-sandbox: "+format+"\nRun iconect-sandbox -h for the flags.\n", a...)
		return o, nil, exitUsage
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q: the sandbox takes flags only", fs.Arg(0))
	}
	if o.identityAddr == "" {
		next, err := nextPortAddr(o.addr)
		if err != nil {
			return usageErr("-addr: %v", err)
		}
		o.identityAddr = next
	}
	if o.tokenLifetime <= 0 {
		return usageErr("-token-lifetime must be positive, not %v", o.tokenLifetime)
	}
	if o.latency < 0 {
		return usageErr("-latency must not be negative, not %v", o.latency)
	}
	opts := []iconecttest.Option{
		iconecttest.WithAddr(o.addr),
		iconecttest.WithIdentityAddr(o.identityAddr),
		iconecttest.WithTokenLifetime(o.tokenLifetime),
		iconecttest.WithLatency(o.latency),
		iconecttest.WithSeed(o.seed),
		iconecttest.WithPasswordRefreshTokens(o.passwordRefresh),
	}
	if len(o.faults.faults) > 0 {
		opts = append(opts, iconecttest.WithFaults(o.faults.faults...))
	}
	if o.loginForm {
		opts = append(opts, iconecttest.WithLoginForm())
	}
	if o.seedData != "" {
		projects, err := loadSeedData(o.seedData)
		if err != nil {
			return usageErr("-seed-data: %v", err)
		}
		for _, p := range projects {
			opts = append(opts, iconecttest.WithProject(p))
		}
	}
	return o, opts, -1
}

func newFlagSet(stderr io.Writer) (*options, *flag.FlagSet) {
	o := &options{}
	fs := flag.NewFlagSet("iconect-sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		_, _ = fmt.Fprint(stderr, usageText)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "the API's `host:port` (port 0 picks a free one)")
	fs.StringVar(&o.identityAddr, "identity-addr", "", "the identity provider's `host:port` (default: -addr's host and port+1, or a free port when -addr's is 0)")
	fs.DurationVar(&o.tokenLifetime, "token-lifetime", time.Hour, "how long access tokens live")
	fs.DurationVar(&o.latency, "latency", 0, "delay every API answer by this long")
	fs.Var(&o.faults, "fault", "inject a fault, as `operation:kind[:when]` (repeatable; see above)")
	fs.Int64Var(&o.seed, "seed", 0, "seed of the faults' randomness (the same seed hits the same requests)")
	fs.StringVar(&o.seedData, "seed-data", "", "create the projects in this JSON `file` at start (see above)")
	fs.BoolVar(&o.passwordRefresh, "password-refresh", true, "the password grant also issues a refresh token")
	fs.BoolVar(&o.loginForm, "login-form", false, "/openid/authorize shows a login form instead of approving the user at once")
	fs.BoolVar(&o.verbose, "v", false, "log every API request (method, path, operation, status) on stderr")
	o.faults.known = operationIDs()
	return o, fs
}

const usageText = `Usage: iconect-sandbox [flags]

Serves a fake iCONECT tenant: the API on -addr and its OpenID Connect identity
provider on -identity-addr. Once both listen it prints one JSON line on stdout
with the URLs and credentials (api_url, identity_url, client_id, client_secret,
public_client_id, redirect_uri, username, password, user_id, dataservers_id,
template_project_id); logs go to stderr. SIGINT or SIGTERM stops it.

-fault operation:kind[:when]
  operation  an operationId of the spec (getJob, createRecords, ...) or * for all
  kind       an HTTP status (400-599) answered without handling the request;
             429 or 429=<retry-after> (e.g. 429=5s; default 1s);
             drop-before (close the connection without handling);
             drop-after (handle, then close the connection unanswered);
             delay=<duration> (e.g. delay=500ms, then handle)
  when       a rate from 0 to 1 (default 1: every request), drawn from -seed,
             or @n,m,... to hit those matching requests only (counted from 1)
  e.g. -fault getJob:503:0.2 -fault '*:429:0.1' -fault createRecords:drop-after:@1

-seed-data file.json
  [{"name": "Acme", "fields": ["Custodian", "Subject"],
    "records": [{"Custodian": "J. Smith", "Subject": "Q3"}]}]
  Each object is a project with text fields; record values are keyed by field name.

Flags:
`

// nextPortAddr is the default identity provider address: addr's host and
// the next port, or port 0 (a free one) when addr's is 0.
func nextPortAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("%q is not host:port", addr)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return "", fmt.Errorf("port %q is not a number from 0 to 65535 (or give -identity-addr)", port)
	}
	switch n {
	case 0: // both pick a free port
	case 65535:
		return "", fmt.Errorf("port 65535 has no next port for the identity provider: give -identity-addr")
	default:
		n++
	}
	return net.JoinHostPort(host, strconv.Itoa(n)), nil
}
