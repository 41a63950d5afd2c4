// Command iconect is a command-line client of the iCONECT eDiscovery REST
// API, built on this module's SDK (pkg/iconect) and sign-in (pkg/auth).
//
//	go run ./cmd/iconect demo            # the whole SDK against an embedded sandbox, in seconds
//	iconect login                        # authorization code + PKCE (paste the redirect URL)
//	iconect projects list
//	iconect records export --project 12 --format csv --out matter.csv
//
// Every command takes --output json for scripts. Exit codes: 0 ok, 1 an API
// (or network, or sign-in) error, 2 bad flags or bad input. Errors are one
// line on stderr: what went wrong, the API's iconect_error message and a
// hint. Run iconect help (or iconect <command> -h) for the commands.
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop) // a second Ctrl-C kills
	a := &app{
		stdin:     os.Stdin,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		getenv:    os.Getenv,
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
		stdinTTY:  isTerminal(os.Stdin),
	}
	code := run(ctx, a, os.Args[1:])
	stop()
	os.Exit(code)
}

// isTerminal reports whether f is a character device (a terminal), without
// a dependency: progress is drawn in place only there.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the API, the network or the sign-in failed
	exitUsage = 2 // bad flags or bad input
)

// app is the program's world: its streams and environment, replaced in
// tests.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// Whether the streams are terminals: progress is drawn in place on a
	// terminal and as plain lines elsewhere; a password typed on a
	// terminal is not echoed.
	stdoutTTY, stderrTTY, stdinTTY bool
	// authorize, when set, plays the browser of an authorization code
	// sign-in: it gets the URL to open and returns the URL the provider
	// redirected to (the demo and tests; nil: ask the user to paste it).
	authorize func(ctx context.Context, authURL string) (string, error)
	// httpClient, when set, sends API and token requests (tests).
	httpClient *http.Client
}

// command is one command (or subcommand) of the CLI.
type command struct {
	name    string // "projects list"
	summary string
	run     func(ctx context.Context, a *app, args []string) error
}

// commands lists every command; "group sub" names are dispatched on their
// first two words.
var commands []command

func init() {
	commands = []command{
		{"login", "sign in (authorization code + PKCE, or --password) and keep the token", cmdLogin},
		{"logout", "forget the kept token", cmdLogout},
		{"clients create", "create a client (the owner of projects)", cmdClientsCreate},
		{"projects list", "list the projects (or templates)", cmdProjectsList},
		{"projects create", "create a project", cmdProjectsCreate},
		{"fields list", "list a project's fields", cmdFieldsList},
		{"records list", "show records (the first --limit)", cmdRecordsList},
		{"records export", "write every record (or a view's) as CSV or JSON, all pages, values whole", cmdRecordsExport},
		{"records import", "import a CSV file: upload, delimited import job, wait", cmdRecordsImport},
		{"records delete", "delete the records of a view (a mass action delete job)", cmdRecordsDelete},
		{"upload", "upload a file to a file store, or a record's native file, with progress", cmdUpload},
		{"jobs list", "list a project's jobs", cmdJobsList},
		{"jobs get", "show a job", cmdJobsGet},
		{"jobs wait", "wait for a job to end, showing its progress", cmdJobsWait},
		{"jobs stop", "stop a running job", cmdJobsStop},
		{"batches list", "list batches (unassigned, assigned or completed)", cmdBatchesList},
		{"batches assign", "assign batches to a user", cmdBatchesAssign},
		{"batches check-in", "check a batch in with a status", cmdBatchesCheckIn},
		{"views create", "create a view of records (by ID or by search)", cmdViewsCreate},
		{"sandbox", "serve a fake iCONECT tenant (API + identity provider) on this machine", cmdSandbox},
		{"demo", "walk a whole review workflow against an embedded sandbox", cmdDemo},
	}
}

// run is the program: it returns the exit code.
func run(ctx context.Context, a *app, args []string) int {
	if len(args) == 0 {
		a.usage(a.stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		a.usage(a.stdout)
		return exitOK
	}
	cmd, rest, err := lookup(args)
	if err != nil {
		return a.fail(err, wantsJSON(args))
	}
	if err := cmd.run(ctx, a, rest); err != nil {
		return a.fail(err, wantsJSON(rest))
	}
	return exitOK
}

// lookup finds the command args name and returns it with its arguments.
func lookup(args []string) (*command, []string, error) {
	name := args[0]
	groups := map[string][]string{}
	for i := range commands {
		c := &commands[i]
		if c.name == name {
			return c, args[1:], nil
		}
		if g, sub, ok := strings.Cut(c.name, " "); ok {
			groups[g] = append(groups[g], sub)
		}
	}
	subs, ok := groups[name]
	if !ok {
		return nil, nil, usagef("unknown command %q (run iconect help for the commands)", name)
	}
	if len(args) < 2 || strings.HasPrefix(args[1], "-") {
		return nil, nil, usagef("%s needs a subcommand: %s", name, strings.Join(subs, ", "))
	}
	for i := range commands {
		if commands[i].name == name+" "+args[1] {
			return &commands[i], args[2:], nil
		}
	}
	return nil, nil, usagef("unknown command %q: %s takes %s", name+" "+args[1], name, strings.Join(subs, ", "))
}

// wantsJSON reports whether args ask for JSON output, so that even an
// error in parsing them is reported as JSON.
func wantsJSON(args []string) bool {
	for i, s := range args {
		switch s {
		case "--output=json", "-output=json", "-o=json", "--o=json":
			return true
		case "--output", "-output", "-o", "--o":
			if i+1 < len(args) && args[i+1] == "json" {
				return true
			}
		}
	}
	return false
}

func (a *app) usage(w io.Writer) {
	var b strings.Builder
	b.WriteString(`Usage: iconect <command> [flags]

A command-line client of the iCONECT eDiscovery REST API.

Commands:
`)
	width := 0
	for _, c := range commands {
		width = max(width, len(c.name))
	}
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, c.name, c.summary)
	}
	b.WriteString(`
Settings (flags of the commands that use them, or the environment):
  --api-url         ICONECT_API_URL          the tenant's REST API base URL
  --identity-url    ICONECT_IDENTITY_URL     the identity provider's base URL
  --client-id       ICONECT_CLIENT_ID        the registered OAuth client
                    ICONECT_CLIENT_SECRET    its secret (confidential clients; environment only)
  --redirect-url    ICONECT_REDIRECT_URL     the client's registered redirect URI (login)
  --user-id         ICONECT_USER_ID          your user ID (batches assign)
  --dataservers-id  ICONECT_DATASERVERS_ID   the data server for new projects
  --project         ICONECT_PROJECT_ID       the project a command works on
  --token-file      ICONECT_TOKEN_FILE       where the token is kept (default: <user config dir>/iconect/token.json)
  --output, -o      text or json

Exit codes: 0 ok, 1 an API, network or sign-in error, 2 bad flags or input.
Run iconect <command> -h for a command's flags.
`)
	_, _ = io.WriteString(w, b.String())
}
