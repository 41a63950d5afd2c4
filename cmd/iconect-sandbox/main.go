// Command iconect-sandbox serves a fake iCONECT tenant (package
// iconecttest): the REST API and its OpenID Connect identity provider, in
// memory, for trying the SDK or another client without a real tenant.
//
//	go run ./cmd/iconect-sandbox -addr 127.0.0.1:8080
//
// Once both listen it prints exactly one line on stdout, a JSON object with
// the URLs and credentials to use (api_url, identity_url, client_id,
// client_secret, public_client_id, redirect_uri, public_redirect_uri,
// username, password, user_id, dataservers_id, template_project_id; see
// internal/sandbox's Info); logs go to stderr. It runs until SIGINT or
// SIGTERM. Run it with -h for the flags.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/iconect-go/iconect-go/internal/sandbox"
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
	sandbox sandbox.Flags
	verbose bool
}

// run is the program: it serves until ctx ends and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, serverOpts, code := parseArgs(args, stderr)
	if code >= 0 {
		return code
	}
	logger := sandbox.Logger(stderr, o.verbose)
	serverOpts = append(serverOpts, iconecttest.WithLogger(logger))

	s, err := sandbox.Start(serverOpts...)
	if err != nil {
		logger.Error("iconect-sandbox: cannot start", "err", err)
		return exitError
	}
	if err := json.NewEncoder(stdout).Encode(sandbox.InfoOf(s)); err != nil {
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
	opts, err := o.sandbox.Options()
	if err != nil {
		return usageErr("%v", err)
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
	o.sandbox.Register(fs)
	fs.BoolVar(&o.verbose, "v", false, "log every API request (method, path, operation, status) on stderr")
	return o, fs
}

const usageText = `Usage: iconect-sandbox [flags]

Serves a fake iCONECT tenant: the API on -addr and its OpenID Connect identity
provider on -identity-addr. Once both listen it prints one JSON line on stdout
with the URLs and credentials (api_url, identity_url, client_id, client_secret,
public_client_id, redirect_uri, public_redirect_uri, username, password,
user_id, dataservers_id, template_project_id); logs go to stderr. SIGINT or
SIGTERM stops it.

` + sandbox.Help + `
Flags:
`
