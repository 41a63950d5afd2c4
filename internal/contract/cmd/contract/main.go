// Command contract runs the contract check (package internal/contract):
// against a real tenant when ICONECT_API_URL is set (`make contract`),
// else against an in-process fake tenant; with -prism, against the fake
// behind a Stoplight Prism validation proxy (.ci/run).
//
//	ICONECT_API_URL=... ICONECT_IDENTITY_URL=... ICONECT_CLIENT_ID=... ICONECT_CLIENT_SECRET=... \
//	ICONECT_USERNAME=... ICONECT_PASSWORD=... ICONECT_USER_ID=... ICONECT_DATASERVER_ID=... \
//	go run ./internal/contract/cmd/contract -report-dir contract-report
//
// It prints the report (its last line the summary) and exits 1 on a
// violation, a path not found or a failed step, 2 on bad configuration.
// Drift (-drift) is reported and never fails the run.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/iconect-go/iconect-go/internal/contract"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("contract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	reportDir := fs.String("report-dir", "", "write contract-report.json, contract-junit.xml and contract-summary.txt into `dir`")
	readOnly := fs.Bool("read-only", false, "run only the GET operations (for production tenants; also "+contract.EnvReadOnly+"=true)")
	drift := fs.Bool("drift", false, "report response properties the spec lacks, without failing (also "+contract.EnvDrift+"=true)")
	fake := fs.Bool("fake", false, "run against an in-process fake tenant even when "+contract.EnvAPIURL+" is set")
	tenant := fs.Bool("tenant", false, "require the tenant configuration (ICONECT_*) instead of falling back to the fake")
	prism := fs.String("prism", "", "run against the fake tenant behind the Prism proxy at `path` (node_modules/.bin/prism)")
	spec := fs.String("spec", "api/openapi.yaml", "the spec file Prism validates against")
	verbose := fs.Bool("v", false, "print each step on stderr")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	edit := func(c *contract.Config) {
		c.ReadOnly = c.ReadOnly || *readOnly
		c.Drift = c.Drift || *drift
		if *verbose {
			c.Log = stderr
		}
	}
	var rep *contract.Report
	var err error
	switch {
	case *prism != "":
		rep, err = contract.RunFakeThroughPrism(ctx, *prism, *spec, edit)
	case *fake || (!*tenant && !contract.TenantConfigured(getenv)):
		rep, err = contract.RunFake(ctx, edit)
	default:
		cfg, cerr := contract.ConfigFromEnv(getenv)
		if cerr != nil {
			_, _ = fmt.Fprintln(stderr, cerr)
			return 2
		}
		edit(&cfg)
		rep, err = contract.Run(ctx, cfg)
	}
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "contract:", err)
		if rep == nil {
			return 2
		}
	}
	if *reportDir != "" {
		if werr := rep.WriteFiles(*reportDir); werr != nil {
			_, _ = fmt.Fprintln(stderr, "contract: writing the reports:", werr)
			return 2
		}
	}
	if werr := rep.WriteText(stdout); werr != nil {
		return 2
	}
	if err != nil || rep.Failed() {
		return 1
	}
	return 0
}
