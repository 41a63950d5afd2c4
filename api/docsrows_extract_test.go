package api_test

// The extraction behind TestDocsRows: the parameter and body-field rows of
// the vendor's documentation text, reduced to their structure, grouped by
// operation. testdata/docs-rows.txt holds the result (the docs text itself is
// the vendor's and stays out of the repository); with the docs text at hand,
//
//	go test ./api/ -run TestDocsRows -docs /path/to/iconect-api-docs-2026-03-12.txt
//
// checks that the committed file is what the docs give, and
// -update-docs-rows rewrites it. ICONECT_VENDOR_DOCS may name the docs text
// instead of -docs.

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// -docs (vendorDocsPath) is shared with TestNoVendorSentences (verbatim_test.go).
var updateDocsRows = flag.Bool("update-docs-rows", false, "rewrite testdata/docs-rows.txt from the vendor's docs text (-docs or ICONECT_VENDOR_DOCS)")

const docsRowsFile = "testdata/docs-rows.txt"

// docsSectionOps names, in the docs' order, the operation of each section of
// the docs text that has rows. The docs lost every heading, so this is the
// one hand-made part of the extraction. It follows the order of the docs'
// groups (File Stores, Batch sets, Batches, Upload native files, Jobs,
// Records, Clients, Fields, Folders, Panels, Projects, Templates, Views) and,
// inside a group, each section's prose and rows; TestDocsRows checks that
// every row names a parameter or body property of the operation given here
// and that every path parameter of that operation has a row. The docs
// document start and stop twice with identical rows ("the Post request can
// also be used"): the first copy is taken to be the PUT one.
var docsSectionOps = []string{
	// File Stores
	"listFileStores", "getFileStore", "uploadFileStoreFile", "getFileStoreItems",
	// Batch sets
	"listBatchSets", "getBatchSet", "createBatchSet", "updateBatchSet", "deleteBatchSet",
	// Batches
	"listAssignedBatches", "listUnassignedBatches", "listCompletedBatches", "assignBatches", "unassignBatches",
	"createBatches", "updateBatches", "checkInBatch", "deleteBatches",
	// Upload native files
	"uploadNativeFile", "deleteNativeFile",
	// Jobs
	"listJobs", "createJob", "getJob", "updateJob", "startJob", "startJobPost", "stopJob", "stopJobPost",
	// Records
	"getRecord", "listRecords", "createRecords", "updateRecords",
	// Clients
	"createClient", "updateClient",
	// Fields
	"listFields", "createFields", "getField", "updateField",
	// Folders
	"listFolders", "createFolder", "getFolder", "updateFolder", "deleteFolder", "listFolderRecords",
	"addFolderRecords", "removeFolderRecords",
	// Panels
	"listPanels", "createPanel", "getPanel", "updatePanel",
	// Projects
	"listProjects", "createProject", "updateProject", "getProjectSettings",
	// Templates
	"listNativeImportTemplates",
	// Views
	"createView",
}

// docsRow is one row of an operation's parameter or body-field table,
// without its explanatory prose.
type docsRow struct {
	Name     string // "" where the docs text lost the name cell (written "?")
	Required bool   // the "required" marker
	// Type is integer, number, string, boolean, object or array; oneOf for
	// "A (object) or B (object)".
	Type     string
	Items    string // an array's item type (integer, string, object, ...)
	Nullable bool   // "X or null"
	NonEmpty bool   // "string non-empty"
	Format   string // "<int64>"; an array's is its items'
	// Vendor holds the vendor's type names in parentheses: the enum or
	// object type, or the alternatives of a oneOf.
	Vendor     []string
	HasDefault bool
	Default    string   // the "Default:" value as the docs write it (JSON)
	Enum       []string // the "Enum:" values as the docs write them
}

// docsSection is the rows of one operation, numbered from 1 in docs order.
type docsSection struct {
	Index       int
	OperationID string
	Rows        []docsRow
}

var (
	reType     = regexp.MustCompile(`^(integer|number|string|boolean|object|Array of (integers|numbers|strings|booleans|objects))( or null)?\b`)
	reOneOf    = regexp.MustCompile(`^[A-Za-z_][\w.]* \(object\)( or [A-Za-z_][\w.]* \(object\))+`)
	reFormat   = regexp.MustCompile(`^<\s*([\w-]+)\s*>`)
	reItems    = regexp.MustCompile(`^\[ items <\s*([\w-]+)\s*> \]`)
	reVendor   = regexp.MustCompile(`^\(([A-Za-z_][\w.]*)\)`)
	reValue    = regexp.MustCompile(`^(-?\d+(\.\d+)?|"[^"]*"|true|false|null)(\s|$)`)
	reUnnamed  = regexp.MustCompile(`^(required \| )?((object|Array of objects)( or null)? \([\w.]+\)|[A-Za-z_][\w.]* \(object\)( or [A-Za-z_][\w.]* \(object\))*)( \|)+$`)
	reTableSep = regexp.MustCompile(`^\|(\s*-+\s*\|)+$`)
)

var itemTypes = map[string]string{"integers": "integer", "numbers": "number", "strings": "string", "booleans": "boolean", "objects": "object"}

// parseTypeCell reads a row's second cell: its type, format, vendor type,
// default and enum, in the docs' order; what follows is prose, dropped.
func parseTypeCell(cell string) (docsRow, error) {
	var r docsRow
	s := strings.TrimSpace(cell)
	if m := reOneOf.FindString(s); m != "" {
		r.Type = "oneOf"
		for _, alt := range strings.Split(m, " or ") {
			r.Vendor = append(r.Vendor, strings.TrimSuffix(alt, " (object)"))
		}
		s = s[len(m):]
	} else {
		m := reType.FindStringSubmatch(s)
		if m == nil {
			return r, fmt.Errorf("no type in %q", cell)
		}
		r.Type, r.Nullable = m[1], m[3] != ""
		if m[2] != "" {
			r.Type, r.Items = "array", itemTypes[m[2]]
		}
		s = s[len(m[0]):]
	}
	next := func(re *regexp.Regexp) []string {
		t := strings.TrimLeft(s, " ")
		m := re.FindStringSubmatch(t)
		if m != nil {
			s = t[len(m[0]):]
		}
		return m
	}
	word := func(w string) bool {
		t := strings.TrimLeft(s, " ")
		if t == w || strings.HasPrefix(t, w+" ") {
			s = t[len(w):]
			return true
		}
		return false
	}
	value := func() (string, bool) {
		t := strings.TrimLeft(s, " ")
		m := reValue.FindStringSubmatch(t)
		if m == nil {
			return "", false
		}
		s = t[len(m[1]):]
		return m[1], true
	}
	if r.Type == "string" && word("non-empty") {
		r.NonEmpty = true
	}
	if m := next(reFormat); m != nil {
		r.Format = m[1]
	}
	if m := next(reItems); m != nil && m[1] != r.Format {
		return r, fmt.Errorf("items format %s differs from %s in %q", m[1], r.Format, cell)
	}
	// A vendor type name has a capital letter; "(optional)" is prose.
	if r.Type != "oneOf" {
		if m := next(reVendor); m != nil {
			if strings.ToLower(m[1]) != m[1] {
				r.Vendor = []string{m[1]}
			} else {
				s = m[0] + s
			}
		}
	}
	if word("Default:") {
		v, ok := value()
		if !ok {
			return r, fmt.Errorf("no default value in %q", cell)
		}
		r.HasDefault, r.Default = true, v
	}
	if word("Enum:") {
		for {
			v, ok := value()
			if !ok {
				break
			}
			r.Enum = append(r.Enum, v)
		}
		if len(r.Enum) == 0 {
			return r, fmt.Errorf("no enum values in %q", cell)
		}
	}
	return r, nil
}

// parseRow reads "| name [required] | type... |", the rows of the docs text
// and of testdata/docs-rows.txt alike (a lost name is "?" in the latter).
func parseRow(line string) (docsRow, error) {
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, "| ") || !strings.HasSuffix(t, "|") {
		return docsRow{}, fmt.Errorf("not a row: %q", line)
	}
	nameCell, typeCell, ok := strings.Cut(strings.TrimSuffix(t[2:], "|"), " | ")
	if !ok {
		return docsRow{}, fmt.Errorf("a row has two cells: %q", line)
	}
	r, err := parseTypeCell(typeCell)
	if err != nil {
		return r, err
	}
	f := strings.Fields(nameCell)
	switch {
	case len(f) == 1, len(f) == 2 && f[1] == "required":
	default:
		return r, fmt.Errorf("name cell %q: want a name and an optional required", nameCell)
	}
	r.Name, r.Required = f[0], len(f) == 2
	if r.Name == "?" {
		r.Name = ""
	}
	return r, nil
}

// String renders the row as testdata/docs-rows.txt writes it.
func (r docsRow) String() string {
	name := r.Name
	if name == "" {
		name = "?"
	}
	if r.Required {
		name += " required"
	}
	var b strings.Builder
	switch r.Type {
	case "oneOf":
		for i, v := range r.Vendor {
			if i > 0 {
				b.WriteString(" or ")
			}
			b.WriteString(v + " (object)")
		}
	case "array":
		for plural, item := range itemTypes {
			if item == r.Items {
				b.WriteString("Array of " + plural)
			}
		}
	default:
		b.WriteString(r.Type)
	}
	if r.Nullable {
		b.WriteString(" or null")
	}
	if r.NonEmpty {
		b.WriteString(" non-empty")
	}
	if r.Format != "" {
		b.WriteString(" <" + r.Format + ">")
	}
	if r.Type != "oneOf" && len(r.Vendor) > 0 {
		b.WriteString(" (" + r.Vendor[0] + ")")
	}
	if r.HasDefault {
		b.WriteString(" Default: " + r.Default)
	}
	if len(r.Enum) > 0 {
		b.WriteString(" Enum: " + strings.Join(r.Enum, " "))
	}
	return fmt.Sprintf("| %s | %s |", name, b.String())
}

// extractDocsRows reads the docs text into its sections of rows, the i-th
// section being ops[i]'s.
//
// Skipped: the tables with a header line (response codes, the OAuth
// parameters), every line of them. Rows: "| name | ... |" lines, continued
// on the following lines until one ends with "|" (an enum's empty
// "Members:" list ends on a line of its own); and the rows whose name cell
// the text lost ("object (FolderSettings) |", "required | A (object) or
// ..."). A section starts at a project_id row (each operation's first
// parameter wherever it has one) and at the first row after an example (a
// line of JSON); the rows between belong to one operation, its parameters
// and then its body fields, with a line of prose between them.
func extractDocsRows(r io.Reader, ops []string) ([]docsSection, error) {
	var lines []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	skip := make([]bool, len(lines))
	for i := 0; i+1 < len(lines); i++ {
		if strings.HasPrefix(lines[i], "|") && reTableSep.MatchString(strings.TrimSpace(lines[i+1])) {
			for j := i; j < len(lines) && strings.HasPrefix(lines[j], "|"); j++ {
				skip[j] = true
			}
		}
	}

	var sections []docsSection
	sawExample := true
	add := func(row docsRow, lineNo int) error {
		if row.Name == "project_id" || sawExample || len(sections) == 0 {
			sections = append(sections, docsSection{Index: len(sections) + 1})
		}
		sawExample = false
		s := &sections[len(sections)-1]
		for _, other := range s.Rows {
			if row.Name != "" && other.Name == row.Name {
				return fmt.Errorf("line %d: row %s twice in section %d", lineNo, row.Name, s.Index)
			}
		}
		s.Rows = append(s.Rows, row)
		return nil
	}
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		switch {
		case skip[i] || line == "":
		case strings.HasPrefix(line, "| "):
			start := i
			for !strings.HasSuffix(line, "|") {
				i++
				if i >= len(lines) || i-start > 20 {
					return nil, fmt.Errorf("line %d: row does not end", start+1)
				}
				line += " " + strings.TrimSpace(lines[i])
			}
			row, err := parseRow(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", start+1, err)
			}
			if err := add(row, start+1); err != nil {
				return nil, err
			}
		case reUnnamed.MatchString(line):
			required := strings.HasPrefix(line, "required | ")
			cell := strings.TrimPrefix(line, "required | ")
			cell, _, _ = strings.Cut(cell, " |")
			row, err := parseTypeCell(cell)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			row.Required = required
			if err := add(row, i+1); err != nil {
				return nil, err
			}
		case strings.ContainsAny(line[:1], "{}[]-"):
			sawExample = true
		case strings.HasSuffix(line, "|"):
			return nil, fmt.Errorf("line %d: a row this extractor does not read: %q", i+1, line)
		}
	}
	if len(sections) != len(ops) {
		return nil, fmt.Errorf("the docs text has %d sections with rows; the mapping names %d operations", len(sections), len(ops))
	}
	for i := range sections {
		sections[i].OperationID = ops[i]
	}
	return sections, nil
}

const docsRowsHeader = `# The parameter and body-field rows of the vendor's documentation text of 2026-03-12, one section per
# operation in the docs' order, each row reduced to its structure: name, "required", type ("or null",
# "non-empty"), <format> (an array's is its items'), (the vendor's type name), Default:, Enum:. The prose,
# examples and everything else of the docs are left out. A "?" is a row whose name the docs text lost.
#
# Generated; do not edit. Regenerate from the docs text (kept outside the repository) with
#   go test ./api/ -run TestDocsRows -update-docs-rows -docs /path/to/iconect-api-docs-2026-03-12.txt
# The section-to-operation mapping is docsSectionOps in api/docsrows_extract_test.go; TestDocsRows
# compares each row with api/openapi.yaml.
`

// formatDocsRows renders sections as testdata/docs-rows.txt.
func formatDocsRows(sections []docsSection) string {
	var b strings.Builder
	b.WriteString(docsRowsHeader)
	for _, s := range sections {
		fmt.Fprintf(&b, "\n== %d %s\n", s.Index, s.OperationID)
		for _, r := range s.Rows {
			b.WriteString(r.String() + "\n")
		}
	}
	return b.String()
}

// parseDocsRows reads testdata/docs-rows.txt.
func parseDocsRows(text string) ([]docsSection, error) {
	var sections []docsSection
	for n, line := range strings.Split(text, "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "== "):
			f := strings.Fields(line)
			idx, err := strconv.Atoi(f[min(1, len(f)-1)])
			if len(f) != 3 || err != nil || idx != len(sections)+1 {
				return nil, fmt.Errorf("line %d: want \"== %d operationId\", got %q", n+1, len(sections)+1, line)
			}
			sections = append(sections, docsSection{Index: idx, OperationID: f[2]})
		case strings.HasPrefix(line, "| "):
			if len(sections) == 0 {
				return nil, fmt.Errorf("line %d: row before the first section", n+1)
			}
			row, err := parseRow(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n+1, err)
			}
			if row.String() != line {
				return nil, fmt.Errorf("line %d: not in canonical form (%q)", n+1, row.String())
			}
			s := &sections[len(sections)-1]
			s.Rows = append(s.Rows, row)
		default:
			return nil, fmt.Errorf("line %d: unexpected %q", n+1, line)
		}
	}
	return sections, nil
}

// docsTextFile is -docs, else $ICONECT_VENDOR_DOCS ("" when neither is set).
func docsTextFile() string {
	if *vendorDocsPath != "" {
		return *vendorDocsPath
	}
	return os.Getenv(vendorDocsEnv)
}

// loadDocsRows returns the rows to compare: the committed extraction, which
// must equal a fresh one when the docs text is given, or which is rewritten
// from it with -update-docs-rows.
func loadDocsRows() (sections []docsSection, fresh bool, err error) {
	committed, readErr := os.ReadFile(docsRowsFile)
	path := docsTextFile()
	if path == "" {
		if *updateDocsRows {
			return nil, false, errors.New("-update-docs-rows needs the docs text: -docs PATH or ICONECT_VENDOR_DOCS")
		}
		if readErr != nil {
			return nil, false, readErr
		}
		sections, err = parseDocsRows(string(committed))
		return sections, false, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer func() { _ = f.Close() }()
	sections, err = extractDocsRows(f, docsSectionOps)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	text := formatDocsRows(sections)
	if *updateDocsRows {
		return sections, true, os.WriteFile(docsRowsFile, []byte(text), 0o644)
	}
	if readErr != nil {
		return nil, false, readErr
	}
	if string(committed) != text {
		return nil, false, fmt.Errorf("%s is not what %s gives: rerun with -update-docs-rows and review the diff", docsRowsFile, path)
	}
	return sections, true, nil
}

// canonicalJSON renders a spec value for comparison with docsJSON's.
func canonicalJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// docsJSON renders a value as the docs write it (0, "", true) as
// canonicalJSON renders the same value of the spec.
func docsJSON(s string) string {
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return strconv.Quote(s)
	}
	return canonicalJSON(v)
}

// sortedSet is vs, canonical and sorted, without repeats.
func sortedSet(vs []string) []string {
	out := slices.Clone(vs)
	slices.Sort(out)
	return slices.Compact(out)
}
