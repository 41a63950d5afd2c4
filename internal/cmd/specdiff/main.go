// Command specdiff reports what changed between two versions of
// api/openapi.yaml: the breaking changes (oasdiff's errors, which fail the
// run unless api/oasdiff-ignore.txt lists them as reviewed and intended) and
// the changelog. oasdiff runs with `go run` at a pinned version, so it never
// enters the SDK's go.mod.
//
// Usage:
//
//	go run ./internal/cmd/specdiff -base <git revision or file> [-revision <git revision or file>]
//
// A -base or -revision that names an existing file is read as it is;
// anything else is a git revision whose api/openapi.yaml is compared (the
// default -revision is the working tree's api/openapi.yaml).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Oasdiff is how oasdiff is run unless OASDIFF overrides it (a
// space-separated command, e.g. a prebuilt binary's path).
const Oasdiff = "go run github.com/oasdiff/oasdiff@v1.37.0"

// severityLevels is this project's compatibility policy where it differs
// from oasdiff's defaults (oasdiff --severity-levels; the file format has no
// comments, so the reasons live here). A new enum value in a response is an
// error for oasdiff, but the generated Go enums are named integer types that
// decode any value (their String() prints an unknown one as a number), so it
// breaks no user of this SDK: a warning, shown but not failing.
const severityLevels = `response-property-enum-value-added warn
response-mediatype-enum-value-added warn
`

// errBreaking is returned when unignored breaking changes were found.
var errBreaking = errors.New("breaking changes (see above); if intended, list them in the ignore file")

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "specdiff:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("specdiff", flag.ContinueOnError)
	o := Options{}
	fs.StringVar(&o.Base, "base", "", "the old spec: a file, or a git revision whose -spec-path is read (required)")
	fs.StringVar(&o.Revision, "revision", "", "the new spec: a file or a git revision (default: the working tree's -spec-path)")
	fs.StringVar(&o.SpecPath, "spec-path", "api/openapi.yaml", "the spec's path in the repository")
	fs.StringVar(&o.Ignore, "ignore", "api/oasdiff-ignore.txt", "oasdiff --err-ignore file: reviewed, intended breaking changes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.Base == "" {
		return errors.New("-base is required (a git revision or a file)")
	}
	res, err := Diff(ctx, o)
	if err != nil {
		return err
	}
	_, _ = fmt.Fprintf(out, "== spec-diff %s -> %s\n", res.BaseName, res.RevisionName)
	_, _ = fmt.Fprintf(out, "== breaking changes (oasdiff errors fail, warnings do not; %s lists the reviewed ones)\n", o.Ignore)
	_, _ = fmt.Fprint(out, res.Breaking)
	_, _ = fmt.Fprintln(out, "== changelog")
	_, _ = fmt.Fprint(out, res.Changelog)
	if res.Failed {
		return errBreaking
	}
	return nil
}

// Options say what Diff compares.
type Options struct {
	Base, Revision string // files or git revisions
	SpecPath       string // the spec's path in the repository, for revisions
	Ignore         string // oasdiff --err-ignore file; skipped when empty or missing
	Dir            string // the repository (default: the current directory)
}

// Result is oasdiff's text output.
type Result struct {
	BaseName, RevisionName string
	Breaking, Changelog    string
	Failed                 bool // breaking changes of level ERR that the ignore file does not list
}

// Diff runs oasdiff breaking (failing on ERR) and changelog between the two specs.
func Diff(ctx context.Context, o Options) (*Result, error) {
	if o.SpecPath == "" {
		o.SpecPath = "api/openapi.yaml"
	}
	tmp, err := os.MkdirTemp("", "specdiff")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(tmp) }()

	res := &Result{}
	base, name, err := resolve(ctx, o.Dir, o.Base, o.SpecPath, filepath.Join(tmp, "base.yaml"))
	if err != nil {
		return nil, fmt.Errorf("base: %w", err)
	}
	res.BaseName = name
	rev := o.Revision
	if rev == "" {
		rev = filepath.Join(o.Dir, o.SpecPath)
	}
	revision, name, err := resolve(ctx, o.Dir, rev, o.SpecPath, filepath.Join(tmp, "revision.yaml"))
	if err != nil {
		return nil, fmt.Errorf("revision: %w", err)
	}
	res.RevisionName = name

	levels := filepath.Join(tmp, "levels.txt")
	if err := os.WriteFile(levels, []byte(severityLevels), 0o644); err != nil {
		return nil, err
	}
	common := []string{base, revision, "--color", "never", "--severity-levels", levels}
	if o.Ignore != "" {
		ignore := o.Ignore
		if !filepath.IsAbs(ignore) {
			ignore = filepath.Join(o.Dir, ignore)
		}
		if _, err := os.Stat(ignore); err == nil {
			common = append(common, "--err-ignore", ignore)
		}
	}
	out, code, err := oasdiff(ctx, append([]string{"breaking", "--fail-on", "ERR"}, common...))
	if err != nil {
		return nil, err
	}
	res.Breaking, res.Failed = out, code != 0
	out, code, err = oasdiff(ctx, append([]string{"changelog"}, common...))
	if err != nil {
		return nil, err
	}
	if code != 0 {
		return nil, fmt.Errorf("oasdiff changelog exited %d:\n%s", code, out)
	}
	res.Changelog = out
	return res, nil
}

// resolve returns a file holding the spec arg names: arg itself when it is
// a file, else the spec at git revision arg written to tmpFile.
func resolve(ctx context.Context, dir, arg, specPath, tmpFile string) (file, name string, err error) {
	p := arg
	if !filepath.IsAbs(p) && dir != "" {
		p = filepath.Join(dir, p)
	}
	if st, err := os.Stat(p); err == nil && !st.IsDir() {
		return p, arg, nil
	}
	cmd := exec.CommandContext(ctx, "git", "show", arg+":"+specPath)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		return "", "", fmt.Errorf("%q is neither a file nor a git revision holding %s: %s", arg, specPath, strings.TrimSpace(stderr.String()))
	}
	if err := os.WriteFile(tmpFile, data, 0o644); err != nil {
		return "", "", err
	}
	return tmpFile, arg + ":" + specPath, nil
}

// oasdiff runs oasdiff with args and returns its output and exit code
// (0, or 1 for changes at or above --fail-on); err is set when it could not
// run or failed otherwise (oasdiff exits 1xx on a bad spec or flag).
func oasdiff(ctx context.Context, args []string) (string, int, error) {
	command := strings.Fields(Oasdiff)
	if env := strings.TrimSpace(os.Getenv("OASDIFF")); env != "" {
		command = strings.Fields(env)
	}
	cmd := exec.CommandContext(ctx, command[0], append(command[1:], args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err == nil {
		return stdout.String(), 0, nil
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return "", 0, fmt.Errorf("%s: %w", strings.Join(command, " "), err)
	}
	code := exit.ExitCode()
	// go run exits 1 whatever the program's code and prints "exit status N".
	if m := exitStatus.FindStringSubmatch(stderr.String()); m != nil {
		code, _ = strconv.Atoi(m[1])
	}
	if code != 1 {
		return "", code, fmt.Errorf("%s %s: exit %d\n%s", strings.Join(command, " "), args[0], code, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), 1, nil
}

var exitStatus = regexp.MustCompile(`(?m)^exit status (\d+)\s*$`)
