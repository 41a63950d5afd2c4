package contract

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
	"github.com/iconect-go/iconect-go/pkg/specvalidate"
)

// The status of an operation in a report.
const (
	StatusNotExercised = "not exercised"
	StatusPassed       = "passed"
	StatusViolated     = "violated"
	StatusPathNotFound = "path not found on this tenant"
)

// Report is the outcome of a run.
type Report struct {
	Target   string `json:"target"`
	APIURL   string `json:"api_url"`
	Mode     string `json:"mode"` // "full" or "read-only"
	Drift    bool   `json:"drift"`
	Duration string `json:"duration"`
	// Total is the number of operations in the spec.
	Total         int `json:"total"`
	Exercised     int `json:"exercised"`
	Violations    int `json:"violations"`
	PathsNotFound int `json:"paths_not_found"`
	// DriftFindings counts the drift findings (not failing).
	DriftFindings int                    `json:"drift_findings"`
	Operations    []OperationReport      `json:"operations"`
	Undocumented  []specvalidate.Finding `json:"undocumented,omitempty"`
	StepErrors    []StepError            `json:"step_errors,omitempty"`
	Notes         []string               `json:"notes,omitempty"`
	// Prism is the second validator's outcome, when it ran.
	Prism *PrismReport `json:"prism,omitempty"`
}

// OperationReport is one operation's line of the report.
type OperationReport struct {
	OperationID string `json:"operation_id"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	// Evidence is the spec's x-iconect-evidence level (documented,
	// path-seen, mentioned): how sure the spec is of this path.
	Evidence string `json:"evidence,omitempty"`
	Status   string `json:"status"`
	// Confirmed: the tenant answered this method and path with a 2xx, so
	// the path (inferred or not) is the tenant's.
	Confirmed bool                   `json:"confirmed"`
	Calls     int                    `json:"calls"`
	Statuses  []int                  `json:"statuses,omitempty"`
	Findings  []specvalidate.Finding `json:"findings,omitempty"`
	// Prism is "checked", "not checked by Prism" (uploads) or "" when
	// Prism did not run.
	Prism string `json:"prism,omitempty"`
}

func newReport(cfg Config, val *iconecttest.Validator, vt *specvalidate.Transport, errs []StepError, notes []string) *Report {
	r := &Report{Target: cfg.Target, APIURL: cfg.APIURL, Mode: "full", Drift: cfg.Drift, StepErrors: errs, Notes: notes}
	if cfg.ReadOnly {
		r.Mode = "read-only"
	}
	seen := vt.Operations()
	for _, route := range val.Routes() {
		o := OperationReport{OperationID: route.OperationID, Method: route.Method, Path: route.Template,
			Evidence: evidence(val, route), Status: StatusNotExercised}
		if s, ok := seen[route.OperationID]; ok {
			o.Calls, o.Statuses, o.Findings = s.Calls, s.Statuses, s.Findings
			o.Status = StatusPassed
			for _, f := range s.Findings {
				switch {
				case f.Kind == specvalidate.PathNotFound:
					o.Status = StatusPathNotFound
				case f.Violation() && o.Status != StatusPathNotFound:
					o.Status = StatusViolated
				}
			}
			for _, st := range s.Statuses {
				if st >= 200 && st < 300 && o.Status != StatusPathNotFound {
					o.Confirmed = true
				}
			}
		}
		r.Operations = append(r.Operations, o)
	}
	sort.Slice(r.Operations, func(i, j int) bool { return r.Operations[i].OperationID < r.Operations[j].OperationID })
	r.Total = len(r.Operations)
	for _, o := range r.Operations {
		if o.Status != StatusNotExercised {
			r.Exercised++
		}
		if o.Status == StatusPathNotFound {
			r.PathsNotFound++
		}
	}
	for _, f := range vt.Findings() {
		switch f.Kind {
		case specvalidate.Drift:
			r.DriftFindings++
		case specvalidate.PathNotFound:
		default:
			r.Violations++
			if f.Kind == specvalidate.Undocumented {
				r.Undocumented = append(r.Undocumented, f)
			}
		}
	}
	return r
}

func evidence(val *iconecttest.Validator, route *iconecttest.Route) string {
	item := val.Spec().Paths.Find(route.Template)
	if item == nil {
		return ""
	}
	op := item.GetOperation(route.Method)
	if op == nil {
		return ""
	}
	if ev, ok := op.Extensions["x-iconect-evidence"].(map[string]any); ok {
		if s, ok := ev["level"].(string); ok {
			return s
		}
	}
	return ""
}

// Summary is the report's last line.
func (r *Report) Summary() string {
	return fmt.Sprintf("contract: %d/%d operations exercised, %d violations, %d paths not found",
		r.Exercised, r.Total, r.Violations, r.PathsNotFound)
}

// Failed reports whether the run fails a CI job: a violation (Prism's
// included), a path not found, or a scenario step that failed. Drift never
// fails a run.
func (r *Report) Failed() bool {
	return r.Violations > 0 || r.PathsNotFound > 0 || len(r.StepErrors) > 0 || (r.Prism != nil && r.Prism.Failed())
}

// WriteText writes the human-readable report: the findings, the
// operations not passed, the notes, and the summary line last.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "contract: target %s (%s), %s mode, %s\n", r.Target, r.APIURL, r.Mode, r.Duration)
	for _, o := range r.Operations {
		if o.Status == StatusPassed {
			continue
		}
		fmt.Fprintf(&b, "  %-26s %-6s %-60s %s\n", o.OperationID, o.Method, o.Path, o.Status)
		for _, f := range o.Findings {
			if f.Kind != specvalidate.Drift {
				fmt.Fprintf(&b, "      %s\n", f)
			}
		}
	}
	for _, f := range r.Undocumented {
		fmt.Fprintf(&b, "  %s\n", f)
	}
	for _, e := range r.StepErrors {
		fmt.Fprintf(&b, "  step %s: %s\n", e.Step, e.Error)
	}
	if r.Drift {
		for _, o := range r.Operations {
			for _, f := range o.Findings {
				if f.Kind == specvalidate.Drift {
					fmt.Fprintf(&b, "  drift: %s\n", f)
				}
			}
		}
		fmt.Fprintf(&b, "contract drift: %d response properties the spec lacks (reported, not failing)\n", r.DriftFindings)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	if r.Prism != nil {
		b.WriteString(r.Prism.Summary() + "\n")
	}
	b.WriteString(r.Summary() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteFiles writes contract-report.json, contract-junit.xml and
// contract-summary.txt into dir (created if missing).
func (r *Report) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "contract-report.json"), append(j, '\n'), 0o644); err != nil {
		return err
	}
	x, err := r.JUnit()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "contract-junit.xml"), x, 0o644); err != nil {
		return err
	}
	var text strings.Builder
	if err := r.WriteText(&text); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "contract-summary.txt"), []byte(text.String()), 0o644)
}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// JUnit renders the report as JUnit XML: a test case per operation
// (failed when violated or not found, skipped when not exercised), one per
// scenario step that failed, and one for Prism when it ran.
func (r *Report) JUnit() ([]byte, error) {
	s := junitSuite{Name: "iconect contract (" + r.Target + ")"}
	for _, o := range r.Operations {
		c := junitCase{Name: o.OperationID, ClassName: "contract.operations"}
		var lines []string
		for _, f := range o.Findings {
			lines = append(lines, f.String())
		}
		switch o.Status {
		case StatusNotExercised:
			c.Skipped = &junitMessage{Message: StatusNotExercised}
		case StatusViolated, StatusPathNotFound:
			c.Failure = &junitMessage{Message: o.Status, Text: strings.Join(lines, "\n")}
		default:
			c.SystemOut = fmt.Sprintf("%s %s: statuses %v, confirmed %v", o.Method, o.Path, o.Statuses, o.Confirmed)
			if len(lines) > 0 { // drift
				c.SystemOut += "\n" + strings.Join(lines, "\n")
			}
		}
		s.Cases = append(s.Cases, c)
	}
	for _, f := range r.Undocumented {
		s.Cases = append(s.Cases, junitCase{Name: "undocumented " + f.Method + " " + f.Path, ClassName: "contract.undocumented",
			Failure: &junitMessage{Message: f.Message, Text: f.String()}})
	}
	for _, e := range r.StepErrors {
		s.Cases = append(s.Cases, junitCase{Name: "step " + e.Step, ClassName: "contract.steps",
			Failure: &junitMessage{Message: e.Error}})
	}
	if r.Prism != nil {
		c := junitCase{Name: "prism", ClassName: "contract.prism", SystemOut: r.Prism.Summary()}
		if r.Prism.Failed() {
			var lines []string
			for _, v := range r.Prism.Violations {
				lines = append(lines, v.String())
			}
			c.Failure = &junitMessage{Message: r.Prism.Summary(), Text: strings.Join(lines, "\n")}
		}
		s.Cases = append(s.Cases, c)
	}
	for _, c := range s.Cases {
		s.Tests++
		if c.Failure != nil {
			s.Failures++
		}
		if c.Skipped != nil {
			s.Skipped++
		}
	}
	out, err := xml.MarshalIndent(junitSuites{Suites: []junitSuite{s}}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}
