package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/iconect-go/iconect-go/pkg/auth"
	"github.com/iconect-go/iconect-go/pkg/iconect"
)

// globals are the connection settings every command takes, as flags or
// from the environment (a flag wins). Environment values are read after
// parsing, so that -h never prints them.
type globals struct {
	a       *app
	fs      *flag.FlagSet
	name    string
	apiURL  string
	idURL   string
	client  string
	redir   string
	userID  int64
	dsID    int64
	project int64
	token   string
	output  string
	args    []string // the positional arguments
	help    func()

	secret string // ICONECT_CLIENT_SECRET only: a flag would show in ps
}

// newFlags returns a command's flag set with the connection flags, and
// the settings they fill. usageLine is what follows "iconect <name>".
func (a *app) newFlags(name, usageLine, about string) (*flag.FlagSet, *globals) {
	g := &globals{a: a, name: name}
	fs := flag.NewFlagSet("iconect "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse errors are reported by fail, as one line
	g.fs = fs
	fs.Usage = func() {} // -h prints the usage (g.help); errors are one line
	g.help = func() {
		w := a.stdout
		_, _ = fmt.Fprintf(w, "Usage: iconect %s %s\n\n%s\n\nFlags:\n", name, usageLine, about)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	fs.StringVar(&g.apiURL, "api-url", "", "the API's base `URL` (env ICONECT_API_URL)")
	fs.StringVar(&g.idURL, "identity-url", "", "the identity provider's base `URL` (env ICONECT_IDENTITY_URL)")
	fs.StringVar(&g.client, "client-id", "", "the OAuth client `ID` (env ICONECT_CLIENT_ID; its secret: env ICONECT_CLIENT_SECRET)")
	fs.StringVar(&g.token, "token-file", "", "the token `file` (env ICONECT_TOKEN_FILE; default <user config dir>/iconect/token.json)")
	fs.StringVar(&g.output, "output", "", "output `format`: text or json")
	fs.StringVar(&g.output, "o", "", "short for --output")
	return fs, g
}

// projectFlag adds --project (env ICONECT_PROJECT_ID).
func (g *globals) projectFlag() {
	g.fs.Int64Var(&g.project, "project", 0, "the project `ID` (env ICONECT_PROJECT_ID)")
}

// userFlag adds --user-id (env ICONECT_USER_ID).
func (g *globals) userFlag(usage string) {
	g.fs.Int64Var(&g.userID, "user-id", 0, usage+" (env ICONECT_USER_ID)")
}

// parse parses args (flags and positional arguments in any order; all
// after "--" are positional) and fills unset settings from the
// environment. Any positional argument beyond maxArgs is a usage error.
func (g *globals) parse(args []string, maxArgs int) error {
	var tail []string
	for i, s := range args {
		if s == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	for {
		if err := g.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				g.help()
				return errHelp
			}
			return usagef("%s: %v (run iconect %s -h)", g.name, err, g.name)
		}
		if g.fs.NArg() == 0 {
			break
		}
		g.args = append(g.args, g.fs.Arg(0))
		args = g.fs.Args()[1:]
	}
	g.args = append(g.args, tail...)
	if len(g.args) > maxArgs {
		return usagef("%s: unexpected argument %q (run iconect %s -h)", g.name, g.args[maxArgs], g.name)
	}
	env := g.a.getenv
	str := func(p *string, key string) {
		if *p == "" {
			*p = strings.TrimSpace(env(key))
		}
	}
	str(&g.apiURL, "ICONECT_API_URL")
	str(&g.idURL, "ICONECT_IDENTITY_URL")
	str(&g.client, "ICONECT_CLIENT_ID")
	str(&g.redir, "ICONECT_REDIRECT_URL")
	str(&g.token, "ICONECT_TOKEN_FILE")
	g.secret = env("ICONECT_CLIENT_SECRET")
	for _, v := range []struct {
		p    *int64
		key  string
		flag string
	}{{&g.userID, "ICONECT_USER_ID", "user-id"}, {&g.dsID, "ICONECT_DATASERVERS_ID", "dataservers-id"}, {&g.project, "ICONECT_PROJECT_ID", "project"}} {
		if *v.p != 0 {
			continue
		}
		if s := strings.TrimSpace(env(v.key)); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n <= 0 {
				return usagef("%s=%q is not a positive integer (it stands for --%s)", v.key, s, v.flag)
			}
			*v.p = n
		}
	}
	switch g.output {
	case "":
		g.output = "text"
	case "text", "json":
	default:
		return usagef("%s: --output %q: give text or json", g.name, g.output)
	}
	return nil
}

func (g *globals) json() bool { return g.output == "json" }

// need checks that a required ID is set, naming its flag and variable.
func need(name string, v int64, flag, env string) error {
	if v == 0 {
		if env == "" {
			return usagef("%s: --%s is required", name, flag)
		}
		return usagef("%s: --%s (or %s) is required", name, flag, env)
	}
	if v < 0 {
		return usagef("%s: --%s must be positive, not %d", name, flag, v)
	}
	return nil
}

func (g *globals) needProject() error {
	return need(g.name, g.project, "project", "ICONECT_PROJECT_ID")
}

// tokenPath is where the token is kept.
func (g *globals) tokenPath() (string, error) {
	if g.token != "" {
		return g.token, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", usagef("no user config directory (%v): give --token-file or ICONECT_TOKEN_FILE", err)
	}
	return filepath.Join(dir, "iconect", "token.json"), nil
}

// authConfig is the OAuth client the settings describe.
func (g *globals) authConfig() (*auth.Config, error) {
	if err := checkURL(g.name, "identity-url", "ICONECT_IDENTITY_URL", g.idURL); err != nil {
		return nil, err
	}
	if g.client == "" {
		return nil, usagef("%s: no OAuth client: give --client-id or ICONECT_CLIENT_ID", g.name)
	}
	cfg := &auth.Config{IdentityURL: g.idURL, ClientID: g.client, ClientSecret: g.secret, RedirectURL: g.redir}
	if g.a.httpClient != nil {
		cfg.HTTPClient = g.a.httpClient
	}
	return cfg, nil
}

func checkURL(name, flag, env, v string) error {
	if v == "" {
		return usagef("%s: no %s: give --%s or %s", name, strings.ReplaceAll(flag, "-", " "), flag, env)
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("%s: --%s %q is not an http(s) URL", name, flag, v)
	}
	return nil
}

// errNotLoggedIn is a missing or expired login.
var errNotLoggedIn = errors.New("not logged in, or the login has expired")

// newClient returns an API client signed in with the kept token. A missing
// or expired login is found here, before any API call.
func (g *globals) newClient() (*iconect.Client, error) {
	if err := checkURL(g.name, "api-url", "ICONECT_API_URL", g.apiURL); err != nil {
		return nil, err
	}
	cfg, err := g.authConfig()
	if err != nil {
		return nil, err
	}
	path, err := g.tokenPath()
	if err != nil {
		return nil, err
	}
	ts, err := cfg.TokenSource(auth.NewFileStore(path), auth.WithRetries(2, 200*time.Millisecond))
	if err != nil {
		return nil, err
	}
	if _, err := ts.Token(); err != nil {
		if errors.Is(err, auth.ErrReauthRequired) {
			return nil, errNotLoggedIn
		}
		return nil, err
	}
	opts := []iconect.Option{iconect.WithTokenSource(ts), iconect.WithUserAgent("iconect-cli/" + iconect.Version)}
	if g.a.httpClient != nil {
		opts = append(opts, iconect.WithHTTPClient(g.a.httpClient))
	}
	return iconect.NewClient(g.apiURL, opts...)
}

// emit writes v as JSON (--output json) or calls text.
func (g *globals) emit(v any, text func(w io.Writer) error) error {
	if g.json() {
		return writeJSON(g.a.stdout, v)
	}
	return text(g.a.stdout)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// table writes rows under a header, in aligned columns.
func table(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		_, _ = fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// str reads an optional string.
func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// oneLine makes s fit one line of a table.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// shorten cuts s to n characters for a table (marked with …).
func shorten(s string, n int) string {
	s = oneLine(s)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// parseIDs reads a comma-separated list of positive IDs.
func parseIDs(name, flag, s string) ([]int64, error) {
	var ids []int64
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil || n <= 0 {
			return nil, usagef("%s: --%s: %q is not a positive integer ID", name, flag, part)
		}
		ids = append(ids, n)
	}
	if len(ids) == 0 {
		return nil, usagef("%s: --%s is required (IDs separated by commas)", name, flag)
	}
	return ids, nil
}

// withTimeout bounds ctx by d when d > 0.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d > 0 {
		return context.WithTimeout(ctx, d)
	}
	return context.WithCancel(ctx)
}
