package sandbox

import (
	"flag"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// Help explains the values of -fault and -seed-data, for a command's usage
// text: the flags' own help lines say "see above".
const Help = `-fault operation:kind[:when]
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
`

// Flags are the sandbox's flags: Register defines them on a flag set and,
// once it has parsed, Options checks them and turns them into the server's
// options.
type Flags struct {
	// FlagPrefix is how Options' errors name a flag: "-" (when empty) or
	// "--".
	FlagPrefix string

	addr, identityAddr string
	tokenLifetime      time.Duration
	latency            time.Duration
	jobStep            time.Duration
	faults             faultFlag
	seed               int64
	seedData           string
	passwordRefresh    bool
	loginForm          bool
	arrayForm          string
}

// Register defines -addr, -identity-addr, -token-lifetime, -latency,
// -job-step, -fault (repeatable), -seed, -seed-data, -password-refresh and
// -login-form on fs. The flag package takes each as -name or --name.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "the API's `host:port` (port 0 picks a free one)")
	fs.StringVar(&f.identityAddr, "identity-addr", "", "the identity provider's `host:port` (default: -addr's host and port+1, or a free port when -addr's is 0)")
	fs.DurationVar(&f.tokenLifetime, "token-lifetime", time.Hour, "how long access tokens live")
	fs.DurationVar(&f.latency, "latency", 0, "delay every API answer by this long")
	fs.DurationVar(&f.jobStep, "job-step", 10*time.Millisecond, "how long a job takes per step (100 rows or records)")
	fs.Var(&f.faults, "fault", "inject a fault, as `operation:kind[:when]` (repeatable; see above)")
	fs.Int64Var(&f.seed, "seed", 0, "seed of the faults' randomness (the same seed hits the same requests)")
	fs.StringVar(&f.seedData, "seed-data", "", "create the projects in this JSON `file` at start (see above)")
	fs.BoolVar(&f.passwordRefresh, "password-refresh", true, "the password grant also issues a refresh token")
	fs.BoolVar(&f.loginForm, "login-form", false, "/openid/authorize shows a login form instead of approving the user at once")
	fs.StringVar(&f.arrayForm, "array-form", "spec", "how array query parameters are read: `spec`, repeated (ids=1&ids=2) or comma (ids=1,2)")
}

// Options checks the parsed flags and returns the server's options. Its
// error names the flag at fault.
func (f *Flags) Options() ([]iconecttest.Option, error) {
	dash := f.FlagPrefix
	if dash == "" {
		dash = "-"
	}
	identityAddr := f.identityAddr
	if identityAddr == "" {
		next, err := nextPortAddr(f.addr, dash)
		if err != nil {
			return nil, fmt.Errorf("%saddr: %v", dash, err)
		}
		identityAddr = next
	}
	if f.tokenLifetime <= 0 {
		return nil, fmt.Errorf("%stoken-lifetime must be positive, not %v", dash, f.tokenLifetime)
	}
	if f.latency < 0 {
		return nil, fmt.Errorf("%slatency must not be negative, not %v", dash, f.latency)
	}
	if f.jobStep <= 0 {
		return nil, fmt.Errorf("%sjob-step must be positive, not %v", dash, f.jobStep)
	}
	opts := []iconecttest.Option{
		iconecttest.WithAddr(f.addr),
		iconecttest.WithIdentityAddr(identityAddr),
		iconecttest.WithTokenLifetime(f.tokenLifetime),
		iconecttest.WithLatency(f.latency),
		iconecttest.WithJobStep(f.jobStep),
		iconecttest.WithSeed(f.seed),
		iconecttest.WithPasswordRefreshTokens(f.passwordRefresh),
	}
	if len(f.faults.faults) > 0 {
		opts = append(opts, iconecttest.WithFaults(f.faults.faults...))
	}
	if f.loginForm {
		opts = append(opts, iconecttest.WithLoginForm())
	}
	form, ok := map[string]iconecttest.ArrayForm{"spec": iconecttest.ArrayFormSpec, "repeated": iconecttest.ArrayFormRepeated,
		"comma": iconecttest.ArrayFormComma}[f.arrayForm]
	if !ok {
		return nil, fmt.Errorf("%sarray-form must be spec, repeated or comma, not %q", dash, f.arrayForm)
	}
	opts = append(opts, iconecttest.WithArrayForm(form))
	if f.seedData != "" {
		projects, err := loadSeedData(f.seedData)
		if err != nil {
			return nil, fmt.Errorf("%sseed-data: %v", dash, err)
		}
		for _, p := range projects {
			opts = append(opts, iconecttest.WithProject(p))
		}
	}
	return opts, nil
}

// nextPortAddr is the default identity provider address: addr's host and
// the next port, or port 0 (a free one) when addr's is 0. dash is how the
// errors name -identity-addr.
func nextPortAddr(addr, dash string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("%q is not host:port", addr)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return "", fmt.Errorf("port %q is not a number from 0 to 65535 (or give %sidentity-addr)", port, dash)
	}
	switch n {
	case 0: // both pick a free port
	case 65535:
		return "", fmt.Errorf("port 65535 has no next port for the identity provider: give %sidentity-addr", dash)
	default:
		n++
	}
	return net.JoinHostPort(host, strconv.Itoa(n)), nil
}
