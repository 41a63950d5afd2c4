// Command reconcile compares a vendor-style OpenAPI specification of the
// iCONECT API (the file behind "Download OpenAPI specification" on the
// vendor's docs page: ASP.NET Core style, JSON or YAML, component names like
// iconect.api.structs.FieldType, no x-enum-varnames, its own operationIds)
// with api/openapi.yaml, and can rewrite ours from it.
//
// Usage:
//
//	go run ./internal/cmd/reconcile -vendor vendor.json            # report only
//	go run ./internal/cmd/reconcile -vendor vendor.json -write     # also rewrite the spec and catalogue
//
// The report lists the operations matched (by method and path, else by their
// body schemas — names mapped through x-iconect-name — and summary), ours the
// vendor lacks (guesses it does not confirm), the vendor's we lack (new), per
// matched operation what differs (path, method, parameters, bodies,
// responses, and the shared schemas it uses that differ), and the schemas
// that differ, enum values included.
//
// -write takes the vendor's paths, methods, parameters, bodies, success
// responses and schemas, keeps our operationIds, tags, summaries,
// descriptions, examples, error responses, enum varnames and x- annotations,
// sets every matched operation's evidence to vendor-spec (the note keeps
// what it was), adds the vendor's new operations (operationId from the
// vendor's, lowerCamel), drops ours the vendor lacks unless -keep-ours-only,
// and updates api/testdata/operations.yaml (the catalogue the spec tests
// check) to match. Review the result with git diff, then make generate,
// make test and make spec-diff BASE=HEAD.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "reconcile:", err)
		os.Exit(1)
	}
}

// Options say what to reconcile.
type Options struct {
	Vendor, Spec, Catalogue string
	Provenance              string // api/VERSION.yaml: -write updates its spec hash and source
	StripPrefix             string // removed from the vendor's paths (a base path such as /api)
	Write, KeepOursOnly     bool
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	var o Options
	fs.StringVar(&o.Vendor, "vendor", "", "the vendor's OpenAPI file, JSON or YAML (required)")
	fs.StringVar(&o.Spec, "spec", "api/openapi.yaml", "our spec")
	fs.StringVar(&o.Catalogue, "catalogue", "api/testdata/operations.yaml", "the operations catalogue the spec tests check")
	fs.StringVar(&o.Provenance, "provenance", "api/VERSION.yaml", "with -write, the provenance file whose spec sha256 and source are updated (skipped if missing)")
	fs.StringVar(&o.StripPrefix, "strip-prefix", "", "a prefix of every vendor path that belongs in the API base URL, e.g. /api")
	fs.BoolVar(&o.Write, "write", false, "rewrite -spec and -catalogue from the vendor's spec")
	fs.BoolVar(&o.KeepOursOnly, "keep-ours-only", false, "with -write, keep our operations the vendor lacks")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.Vendor == "" {
		return errors.New("-vendor is required")
	}
	rep, err := Reconcile(o)
	if err != nil {
		return err
	}
	printReport(out, o, rep)
	if o.Write {
		_, _ = fmt.Fprintf(out, "\nwrote %s, %s and %s: review with git diff, set the vendor's docs date and version in the spec's info and %s, then make generate && make test\n",
			o.Spec, o.Catalogue, o.Provenance, o.Provenance)
	}
	return nil
}

// Reconcile compares the files o names and, with o.Write, rewrites ours.
func Reconcile(o Options) (*Report, error) {
	oursData, err := os.ReadFile(o.Spec)
	if err != nil {
		return nil, err
	}
	vendorData, err := os.ReadFile(o.Vendor)
	if err != nil {
		return nil, err
	}
	ours, err := parseSpec(oursData, o.Spec)
	if err != nil {
		return nil, err
	}
	vendor, err := parseSpec(vendorData, o.Vendor)
	if err != nil {
		return nil, err
	}
	r := newReconciler(ours, vendor, o.StripPrefix)
	rep := r.reconcile()
	if !o.Write {
		return rep, nil
	}
	catalogue, err := os.ReadFile(o.Catalogue)
	if err != nil {
		return nil, err
	}
	w := &writer{r: r, rep: rep, keepOurs: o.KeepOursOnly}
	spec, err := w.write()
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(o.Spec, spec, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(o.Catalogue, w.updateCatalogue(catalogue), 0o644); err != nil {
		return nil, err
	}
	if o.Provenance != "" {
		if err := updateProvenance(o.Provenance, spec); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

var (
	provSHA    = regexp.MustCompile(`(?m)^(  sha256:[ \t]*)[^\s#]*`)
	provSource = regexp.MustCompile(`(?m)^(  source:[ \t]*)[^\s#]*`)
)

// updateProvenance records the written spec's hash and that it now follows
// the vendor's spec; the vendor's docs date and version stay for a human.
func updateProvenance(path string, spec []byte) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	sum := sha256.Sum256(spec)
	out := provSHA.ReplaceAll(data, []byte("${1}"+hex.EncodeToString(sum[:])))
	out = provSource.ReplaceAll(out, []byte("${1}vendor-spec"))
	return os.WriteFile(path, out, 0o644)
}

func printReport(w io.Writer, o Options, rep *Report) {
	out := &errWriter{w: w}
	byPath := 0
	for _, m := range rep.Matched {
		if m.By == "method and path" {
			byPath++
		}
	}
	_, _ = fmt.Fprintf(out, "reconcile %s with the vendor's %s\n\n", o.Spec, o.Vendor)
	_, _ = fmt.Fprintf(out, "matched: %d operations (%d by method and path, %d by schemas and summary)\n",
		len(rep.Matched), byPath, len(rep.Matched)-byPath)
	_, _ = fmt.Fprintln(out, "  (= agrees, ~ differs; ours, then the vendor's operationId)")
	for _, m := range rep.Matched {
		mark := "="
		if len(m.Diffs) > 0 {
			mark = "~"
		}
		where := ""
		if m.Ours.String() != m.Vendor.String() {
			where = " at " + m.Vendor.String()
		}
		_, _ = fmt.Fprintf(out, "  %s %-26s %-7s %-62s %s%s\n", mark, m.Ours.ID, m.Ours.Method, m.Ours.Path, m.Vendor.ID, where)
	}

	_, _ = fmt.Fprintf(out, "\nours only (the vendor's spec lacks them: guesses it does not confirm): %d\n", len(rep.OursOnly))
	for _, op := range rep.OursOnly {
		_, _ = fmt.Fprintf(out, "  - %-26s %s\n", op.ID, op)
	}
	_, _ = fmt.Fprintf(out, "\nthe vendor's only (new to us): %d\n", len(rep.VendorOnly))
	for _, op := range rep.VendorOnly {
		_, _ = fmt.Fprintf(out, "  + %-26s %s  %q\n", op.ID, op, op.Summary)
	}
	if len(rep.Ambiguous) > 0 {
		_, _ = fmt.Fprintf(out, "\nleft unmatched because another operation fits as well: %d\n", len(rep.Ambiguous))
		for _, a := range rep.Ambiguous {
			_, _ = fmt.Fprintf(out, "  ? %s\n", a)
		}
	}

	differing := rep.Differing()
	_, _ = fmt.Fprintf(out, "\ndifferences in matched operations: %d\n", len(differing))
	for _, m := range differing {
		_, _ = fmt.Fprintf(out, "  %s (%s; the vendor's %s, matched by %s)\n", m.Ours.ID, m.Ours, m.Vendor.ID, m.By)
		for _, d := range m.Diffs {
			_, _ = fmt.Fprintf(out, "    %s\n", d)
		}
	}

	_, _ = fmt.Fprintf(out, "\nschemas: %d mapped to the vendor's, %d differ, %d new, %d only ours\n",
		len(rep.SchemaNames)-len(rep.NewSchemas), len(rep.SchemaDiffs), len(rep.NewSchemas), len(rep.OurSchemas))
	for _, name := range sortedKeys(rep.SchemaDiffs) {
		_, _ = fmt.Fprintf(out, "  %s\n", name)
		for _, d := range rep.SchemaDiffs[name] {
			_, _ = fmt.Fprintf(out, "    %s\n", d)
		}
	}
	if len(rep.NewSchemas) > 0 {
		_, _ = fmt.Fprintf(out, "  new: %s\n", strings.Join(rep.NewSchemas, ", "))
	}
	if len(rep.OurSchemas) > 0 {
		_, _ = fmt.Fprintf(out, "  only ours (kept): %s\n", strings.Join(rep.OurSchemas, ", "))
	}
}

// errWriter keeps a report's first write error and skips the rest.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
