package api_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDocsRows compares every parameter and body-field row of the vendor's
// docs (testdata/docs-rows.txt, see docsrows_extract_test.go) with the
// spec's parameter or request-body property of the same operation and name:
// type, nullable, format, vendor type, required, default, enum and the
// constraints the docs show (non-empty) or do not show (minimum, ...).
//
// A difference fails unless it is a deliberate guess: an x-iconect-guess on
// that parameter or property itself (for a $ref'd property, on its
// component) that quotes the spec's setting it defends - "default: 0",
// "required", "minimum: 1" - and whose operation and field an item of
// README.md's "Known unknowns" names. A row that names no parameter or
// property of its operation fails too; spec parameters and properties
// without a row are logged (undocumented operations, or fields the docs
// leave out).
func TestDocsRows(t *testing.T) {
	sections, fresh, err := loadDocsRows()
	require.NoError(t, err)
	if fresh {
		t.Logf("rows extracted from %s", docsTextFile())
	}
	var ops []string
	for _, s := range sections {
		ops = append(ops, s.OperationID)
	}
	require.Equal(t, docsSectionOps, ops, "%s's sections are docsSectionOps: rerun with -update-docs-rows", docsRowsFile)

	// The mapping names each documented operation once, and no operation
	// the docs only mention (once reconciled with the vendor's file, an
	// operation's evidence is vendor-spec: either is possible).
	seen := map[string]int{}
	for _, id := range docsSectionOps {
		seen[id]++
	}
	cat := catalogue(t)
	for id, n := range seen {
		assert.Contains(t, cat, id, "docsSectionOps names %s, not in testdata/operations.yaml", id)
		assert.Equal(t, 1, n, "docsSectionOps names %s %d times", id, n)
	}
	for id, e := range cat {
		switch e.Evidence {
		case "documented":
			assert.Contains(t, seen, id, "docsSectionOps should name %s (documented)", id)
		case "mentioned", "path-seen":
			assert.NotContains(t, seen, id, "docsSectionOps names %s (evidence %s)", id, e.Evidence)
		}
	}

	rep := compareDocsRows(loadSpec(t), sections)
	known := knownUnknowns(t)
	for _, f := range rep.Findings {
		if !f.Guessed {
			t.Errorf("%s", f)
			continue
		}
		t.Logf("guessed: %s", f)
		assert.True(t, slices.ContainsFunc(strings.Split(known, "\n- "), func(item string) bool {
			return strings.Contains(item, f.OperationID) && strings.Contains(item, "`"+f.Field+"`")
		}), "an item of README's Known unknowns should name %s and `%s` (the guess on %s)", f.OperationID, f.Field, f.Where)
	}
	for _, c := range rep.Candidates {
		t.Logf("mapping: %s", c)
	}
	for _, n := range rep.NoRow {
		t.Logf("no docs row: %s", n)
	}
	t.Logf("%d sections, %d rows: %d matched (%d agree, %d guessed, %d differ), %d unmatched",
		len(sections), rep.Rows, rep.Matched, rep.Agreeing, rep.Guessed, rep.Differing, rep.Unmatched)
	assert.NotZero(t, rep.Rows)
}

// The comparison finds a default that differs from the docs, and nothing else.
func TestDocsRowsFindAChangedDefault(t *testing.T) {
	sections, err := parseDocsRows(mustRead(t, docsRowsFile))
	require.NoError(t, err)
	doc := loadSpec(t)
	var changed bool
	for _, p := range doc.Paths.Value("/projects/{project_id}/records").Get.Parameters {
		if p.Value.Name == "page_size" {
			require.Equal(t, 50.0, p.Value.Schema.Value.Default)
			p.Value.Schema.Value.Default = 51.0
			changed = true
		}
	}
	require.True(t, changed, "listRecords has a page_size parameter")

	unguessed := func() []docsFinding {
		var got []docsFinding
		for _, f := range compareDocsRows(doc, sections).Findings {
			if !f.Guessed {
				got = append(got, f)
			}
		}
		return got
	}
	got := unguessed()
	require.Len(t, got, 1, "%v", got)
	assert.Equal(t, "listRecords", got[0].OperationID)
	assert.Equal(t, "page_size", got[0].Field)
	assert.Equal(t, "default", got[0].Kind)
	assert.Equal(t, "default: 50", got[0].Docs)
	assert.Equal(t, "default: 51", got[0].Spec)

	// A guess on the parameter excuses it only if it quotes the setting.
	for _, p := range doc.Paths.Value("/projects/{project_id}/records").Get.Parameters {
		if p.Value.Name == "page_size" {
			kept, _ := p.Value.Extensions["x-iconect-guess"].(string) // the parameter's own guesses stay
			p.Value.Extensions = map[string]any{"x-iconect-guess": kept + " The default is a guess."}
			assert.Len(t, unguessed(), 1, "a guess that does not quote default: 51")
			p.Value.Extensions["x-iconect-guess"] = kept + " default: 51, as a tenant answers."
			assert.Empty(t, unguessed(), "a guess quoting default: 51")
		}
	}
}

// The row syntax of the docs text, its continuation lines and the rows that
// lost their name; the tables with a header are not operations'.
func TestExtractDocsRowSyntax(t *testing.T) {
	text := strings.Join([]string{
		"| Parameter | Type | Explanation |",
		"|---|---|---|",
		"| client_id | string | Prose. |",
		"Prose of the first operation.",
		"| project_id required | integer <int64> Example: |",
		"| page | integer <int32> Default: 0 Prose. |",
		"| user_ids | Array of integers or null <int64> [ items <int64 > ] Prose. |",
		"| batch_set_id | integer <int64> (optional) prose. |",
		"Array of objects or null (BatchFilterItem) | |",
		"| sort | integer <int32> (enBatchSortBy) Enum: 0 1 2 3 Prose. Members:",
		"|",
		`{- "sort": 0`,
		"}Prose of the second operation.",
		"| type required | integer <int32> (iconect.api.structs.jobs.Type) Enum: 50006 50007 Prose. Members:",
		"|",
		"| name required | string non-empty |",
		"| kind | string Default: \"\" |",
		"required | A (object) or B (object) |",
	}, "\n")
	sections, err := extractDocsRows(strings.NewReader(text), []string{"first", "second"})
	require.NoError(t, err)
	require.Len(t, sections, 2)
	var rows [][]string
	for _, s := range sections {
		var rs []string
		for _, r := range s.Rows {
			rs = append(rs, r.String())
		}
		rows = append(rows, rs)
	}
	assert.Equal(t, [][]string{{
		"| project_id required | integer <int64> |",
		"| page | integer <int32> Default: 0 |",
		"| user_ids | Array of integers or null <int64> |",
		"| batch_set_id | integer <int64> |",
		"| ? | Array of objects or null (BatchFilterItem) |",
		"| sort | integer <int32> (enBatchSortBy) Enum: 0 1 2 3 |",
	}, {
		"| type required | integer <int32> (iconect.api.structs.jobs.Type) Enum: 50006 50007 |",
		"| name required | string non-empty |",
		`| kind | string Default: "" |`,
		"| ? required | A (object) or B (object) |",
	}}, rows)

	// What the extraction writes, it reads back.
	back, err := parseDocsRows(formatDocsRows(sections))
	require.NoError(t, err)
	assert.Equal(t, sections, back)

	_, err = extractDocsRows(strings.NewReader("| project_id required | integer <int64> |\n| odd | a row without a type |\n"), []string{"first"})
	assert.ErrorContains(t, err, "no type")
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// knownUnknowns is the "Known unknowns" section of README.md.
func knownUnknowns(t *testing.T) string {
	t.Helper()
	_, known, ok := strings.Cut(mustRead(t, "../README.md"), "## Known unknowns")
	require.True(t, ok, "README.md has a Known unknowns section")
	known, _, _ = strings.Cut(known, "\n## ")
	return known
}

// docsFinding is one difference between a docs row and the spec.
type docsFinding struct {
	Section     int
	OperationID string
	Row         string // the docs row, as testdata/docs-rows.txt writes it
	Field       string // the spec's parameter or property name ("" if none)
	Where       string // what the row was compared with
	// Kind is unmatched, ambiguous or mapping (the row or the section fits no
	// parameter or property), or the differing aspect: type, nullable,
	// format, vendor-type, required, default, enum, constraint.
	Kind       string
	Docs, Spec string // each side's setting, as "default: 0"
	Guessed    bool   // excused by an x-iconect-guess quoting Spec
}

func (f docsFinding) String() string {
	s := fmt.Sprintf("section %d %s: ", f.Section, f.OperationID)
	if f.Row != "" {
		s += "row " + f.Row + ": "
	}
	if f.Where != "" {
		s += f.Where + ": "
	}
	s += f.Kind
	if f.Docs != "" || f.Spec != "" {
		s += fmt.Sprintf(" (docs %s, spec %s)", f.Docs, f.Spec)
	}
	return s
}

// docsReport is what compareDocsRows found.
type docsReport struct {
	Findings []docsFinding
	// Rows counts the rows; each is matched (and then agrees, differs only
	// where guessed, or differs) or unmatched.
	Rows, Matched, Agreeing, Guessed, Differing, Unmatched int
	// Candidates notes the sections whose rows fit other operations too,
	// where the docs' order decides.
	Candidates []string
	// NoRow lists the spec parameters and properties no row documents.
	NoRow []string
}

// specField is a parameter or top-level request-body property of an
// operation.
type specField struct {
	name, vendorName string
	where            string
	schema           *openapi3.SchemaRef
	required, path   bool
	guess            string
}

// operationFields lists an operation's parameters and the properties of its
// request body (of each item for an array body).
func operationFields(o operation) []specField {
	var fs []specField
	for _, p := range o.parameters() {
		vn, _ := p.Extensions["x-iconect-name"].(string)
		g, _ := p.Extensions["x-iconect-guess"].(string)
		fs = append(fs, specField{name: p.Name, vendorName: vn, where: p.In + " parameter " + p.Name,
			schema: p.Schema, required: p.Required, path: p.In == openapi3.ParameterInPath, guess: g})
	}
	rb := o.op.RequestBody
	if rb == nil || rb.Value == nil {
		return fs
	}
	seen := map[string]bool{}
	for _, mt := range sortedKeys(rb.Value.Content) {
		sr := rb.Value.Content[mt].Schema
		if sr == nil || sr.Value == nil {
			continue
		}
		if sr.Value.Type.Is(openapi3.TypeArray) && sr.Value.Items != nil {
			sr = sr.Value.Items
		}
		v := viewOf(sr)
		owner := v.ref
		if owner == "" {
			owner = "request body"
		}
		for _, s := range append([]*openapi3.Schema{v.s}, allOfValues(v.s)...) {
			for _, name := range sortedKeys(s.Properties) {
				if seen[name] {
					continue
				}
				seen[name] = true
				p := s.Properties[name]
				g, _ := p.Value.Extensions["x-iconect-guess"].(string)
				fs = append(fs, specField{name: name, where: fmt.Sprintf("body property %s (%s)", name, owner),
					schema: p, required: slices.Contains(v.s.Required, name) || slices.Contains(s.Required, name), guess: g})
			}
		}
	}
	return fs
}

func allOfValues(s *openapi3.Schema) []*openapi3.Schema {
	var out []*openapi3.Schema
	for _, a := range s.AllOf {
		if a.Value != nil {
			out = append(out, a.Value)
		}
	}
	return out
}

// schemaView is a schema as a field sees it: a $ref (or an allOf of one
// $ref, whose siblings then add nullable or a default) resolved.
type schemaView struct {
	ref string           // the component's name, "" if inline
	own *openapi3.Schema // as written at the field
	s   *openapi3.Schema // the resolved schema
}

func viewOf(sr *openapi3.SchemaRef) schemaView {
	v := schemaView{ref: componentName(sr.Ref), own: sr.Value, s: sr.Value}
	if s := sr.Value; s != nil && len(s.AllOf) == 1 && s.Type.IsEmpty() && len(s.Properties) == 0 {
		v.ref, v.s = componentName(s.AllOf[0].Ref), s.AllOf[0].Value
	}
	return v
}

func componentName(ref string) string {
	return strings.TrimPrefix(ref, "#/components/schemas/")
}

// names are the names the docs may give the schema: its component's and
// the vendor's (x-iconect-name).
func (v schemaView) names() []string {
	var ns []string
	if v.ref != "" {
		ns = append(ns, v.ref)
	}
	if vn, ok := v.s.Extensions["x-iconect-name"].(string); ok {
		ns = append(ns, vn)
	}
	return ns
}

func (v schemaView) typ() string {
	if v.s.Type.IsEmpty() {
		if len(v.s.OneOf) > 0 {
			return "oneOf"
		}
		return "any"
	}
	return strings.Join(v.s.Type.Slice(), ",")
}

func (v schemaView) nullable() bool { return v.own.Nullable || v.s.Nullable }

func (v schemaView) defaultValue() any {
	if v.own.Default != nil {
		return v.own.Default
	}
	return v.s.Default
}

// oneOfIs says whether v is a oneOf of exactly the schemas vendor names.
func (v schemaView) oneOfIs(vendor []string) bool {
	if len(v.s.OneOf) != len(vendor) {
		return false
	}
	left := slices.Clone(vendor)
	for _, alt := range v.s.OneOf {
		names := viewOf(alt).names()
		i := slices.IndexFunc(left, func(n string) bool { return slices.Contains(names, n) })
		if i < 0 {
			return false
		}
		left = slices.Delete(left, i, i+1)
	}
	return true
}

// oneOfNames names v's alternatives.
func (v schemaView) oneOfNames() string {
	var ns []string
	for _, alt := range v.s.OneOf {
		ns = append(ns, strings.Join(viewOf(alt).names(), "/"))
	}
	return strings.Join(ns, ", ")
}

// constraints are the validation keywords of s that the docs' rows never
// show, as "minimum: 1" (minLength: 1 is the docs' non-empty, compared
// apart).
func constraints(s *openapi3.Schema) []string {
	var cs []string
	num := func(k string, f *float64) {
		if f != nil {
			cs = append(cs, fmt.Sprintf("%s: %v", k, *f))
		}
	}
	num("minimum", s.Min)
	num("maximum", s.Max)
	num("multipleOf", s.MultipleOf)
	if s.ExclusiveMin.IsSet() {
		cs = append(cs, "exclusiveMinimum")
	}
	if s.ExclusiveMax.IsSet() {
		cs = append(cs, "exclusiveMaximum")
	}
	if s.MinLength > 1 {
		cs = append(cs, fmt.Sprintf("minLength: %d", s.MinLength))
	}
	if s.MaxLength != nil {
		cs = append(cs, fmt.Sprintf("maxLength: %d", *s.MaxLength))
	}
	if s.Pattern != "" {
		cs = append(cs, "pattern: "+s.Pattern)
	}
	if s.MinItems > 0 {
		cs = append(cs, fmt.Sprintf("minItems: %d", s.MinItems))
	}
	if s.MaxItems != nil {
		cs = append(cs, fmt.Sprintf("maxItems: %d", *s.MaxItems))
	}
	if s.UniqueItems {
		cs = append(cs, "uniqueItems: true")
	}
	return cs
}

// fieldFor finds the field a row documents: by name (or the vendor's name
// of a parameter), or, for a row whose name the docs lost, the one body
// property whose schema is the row's vendor type. It returns an error
// finding's kind when there is none or more than one.
func fieldFor(r docsRow, fields []specField, taken map[string]bool) (specField, string) {
	var hits []specField
	for _, f := range fields {
		switch {
		case r.Name != "":
			if f.name == r.Name || f.vendorName == r.Name {
				hits = append(hits, f)
			}
		case !taken[f.name] && f.schema != nil && !f.path:
			v := viewOf(f.schema)
			if r.Type == "oneOf" {
				if v.oneOfIs(r.Vendor) {
					hits = append(hits, f)
				}
				continue
			}
			if v.typ() == "array" && v.s.Items != nil {
				v = viewOf(v.s.Items)
			}
			if len(r.Vendor) == 1 && slices.Contains(v.names(), r.Vendor[0]) {
				hits = append(hits, f)
			}
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], ""
	case 0:
		return specField{}, "unmatched"
	default:
		return specField{}, "ambiguous"
	}
}

// compareRow lists the differences between a row and the field it
// documents.
func compareRow(r docsRow, f specField) []docsFinding {
	var out []docsFinding
	diff := func(kind, docs, spec string) {
		out = append(out, docsFinding{Kind: kind, Docs: docs, Spec: spec})
	}
	v := viewOf(f.schema)

	// Type and format; an array's format is its items'.
	typ := v.typ()
	if r.Type != typ {
		diff("type", "type: "+r.Type, "type: "+typ)
	}
	itemView := v
	if r.Type == "array" && typ == "array" {
		if v.s.Items == nil {
			diff("type", "items: "+r.Items, "no items")
		} else {
			itemView = viewOf(v.s.Items)
			if it := itemView.typ(); it != r.Items {
				diff("type", "items: "+r.Items, "items: "+it)
			}
		}
	}
	if r.Format != itemView.s.Format {
		diff("format", "format: "+r.Format, "format: "+itemView.s.Format)
	}
	switch {
	case r.Type == "oneOf":
		if !v.oneOfIs(r.Vendor) {
			diff("vendor-type", "oneOf: "+strings.Join(r.Vendor, ", "), "oneOf: "+v.oneOfNames())
		}
	case len(r.Vendor) == 1 && !slices.Contains(itemView.names(), r.Vendor[0]):
		diff("vendor-type", "("+r.Vendor[0]+")", "("+strings.Join(itemView.names(), ", ")+")")
	}
	if r.Nullable != v.nullable() {
		diff("nullable", fmt.Sprintf("nullable: %t", r.Nullable), fmt.Sprintf("nullable: %t", v.nullable()))
	}

	if r.Required != f.required {
		diff("required", requiredWord(r.Required), requiredWord(f.required))
	}

	specDefault := "no default"
	if d := v.defaultValue(); d != nil {
		specDefault = "default: " + canonicalJSON(d)
	}
	docsDefault := "no default"
	if r.HasDefault {
		docsDefault = "default: " + docsJSON(r.Default)
	}
	if docsDefault != specDefault {
		diff("default", docsDefault, specDefault)
	}

	var docsEnum, specEnum []string
	for _, e := range r.Enum {
		docsEnum = append(docsEnum, docsJSON(e))
	}
	for _, e := range itemView.s.Enum {
		specEnum = append(specEnum, canonicalJSON(e))
	}
	if de, se := sortedSet(docsEnum), sortedSet(specEnum); !slices.Equal(de, se) {
		diff("enum", "enum: ["+strings.Join(de, ", ")+"]", "enum: ["+strings.Join(se, ", ")+"]")
	}

	nonEmpty := v.s.MinLength == 1
	if r.NonEmpty != nonEmpty {
		docs, spec := "no minLength", "no minLength"
		if r.NonEmpty {
			docs = "non-empty (minLength: 1)"
		} else {
			spec = "minLength: 1"
		}
		diff("constraint", docs, spec)
	}
	for _, c := range constraints(v.own) {
		diff("constraint", "none shown", c)
	}
	if v.s != v.own {
		for _, c := range constraints(v.s) {
			diff("constraint", "none shown", c)
		}
	}
	if itemView.s != v.s {
		for _, c := range constraints(itemView.s) {
			diff("constraint", "none shown", "items "+c)
		}
	}

	for i := range out {
		out[i].Field, out[i].Where = f.name, f.where
		out[i].Guessed = f.guess != "" && strings.Contains(strings.ToLower(f.guess), strings.ToLower(out[i].Spec))
	}
	return out
}

func requiredWord(required bool) string {
	if required {
		return "required"
	}
	return "optional"
}

// compareDocsRows compares each section's rows with its operation in doc.
func compareDocsRows(doc *openapi3.T, sections []docsSection) docsReport {
	var rep docsReport
	byID := map[string]operation{}
	for _, o := range operations(doc) {
		byID[o.op.OperationID] = o
	}
	documented := map[string]bool{}
	for _, s := range sections {
		documented[s.OperationID] = true
		o, ok := byID[s.OperationID]
		if !ok {
			rep.Findings = append(rep.Findings, docsFinding{Section: s.Index, OperationID: s.OperationID, Kind: "mapping", Where: "no such operation in the spec"})
			rep.Rows += len(s.Rows)
			rep.Unmatched += len(s.Rows)
			continue
		}
		fields := operationFields(o)
		taken := map[string]bool{}
		// Named rows first, so a row whose name was lost takes what is left.
		rows := slices.Clone(s.Rows)
		slices.SortStableFunc(rows, func(a, b docsRow) int {
			return boolInt(a.Name == "") - boolInt(b.Name == "")
		})
		for _, r := range rows {
			rep.Rows++
			f, problem := fieldFor(r, fields, taken)
			if problem != "" {
				rep.Unmatched++
				rep.Findings = append(rep.Findings, docsFinding{Section: s.Index, OperationID: s.OperationID, Row: r.String(), Kind: problem})
				continue
			}
			taken[f.name] = true
			rep.Matched++
			diffs := compareRow(r, f)
			guessed := len(diffs) > 0
			for i := range diffs {
				diffs[i].Section, diffs[i].OperationID, diffs[i].Row = s.Index, s.OperationID, r.String()
				guessed = guessed && diffs[i].Guessed
			}
			rep.Findings = append(rep.Findings, diffs...)
			switch {
			case len(diffs) == 0:
				rep.Agreeing++
			case guessed:
				rep.Guessed++
			default:
				rep.Differing++
			}
		}
		for _, f := range fields {
			switch {
			case taken[f.name]:
			case f.path:
				// Every operation of the docs lists its path parameters: a
				// missing one means the section is another operation's.
				rep.Findings = append(rep.Findings, docsFinding{Section: s.Index, OperationID: s.OperationID, Field: f.name, Where: f.where, Kind: "mapping"})
			default:
				rep.NoRow = append(rep.NoRow, fmt.Sprintf("%s %s", s.OperationID, f.where))
			}
		}
		var fits []string
		for _, id := range sortedKeys(byID) {
			if sectionFits(s, byID[id]) {
				fits = append(fits, id)
			}
		}
		switch {
		case !slices.Contains(fits, s.OperationID):
			rep.Findings = append(rep.Findings, docsFinding{Section: s.Index, OperationID: s.OperationID, Kind: "mapping",
				Where: "the section's rows do not fit the operation; they fit " + strings.Join(fits, ", ")})
		case len(fits) > 1:
			rep.Candidates = append(rep.Candidates, fmt.Sprintf("section %d (%s) also fits %s: the docs' order decides",
				s.Index, s.OperationID, strings.Join(slices.DeleteFunc(fits, func(id string) bool { return id == s.OperationID }), ", ")))
		}
	}
	for _, id := range sortedKeys(byID) {
		if documented[id] {
			continue
		}
		for _, f := range operationFields(byID[id]) {
			rep.NoRow = append(rep.NoRow, fmt.Sprintf("%s %s (not in the docs)", id, f.where))
		}
	}
	return rep
}

// sectionFits says whether a section's rows could be o's: each row names a
// field of o of the same type, format, nullability and required-ness (or
// differing only where the spec marks a guess), each
// parameter of o has a row, and the section has body rows if and only if o
// has a JSON body with properties.
func sectionFits(s docsSection, o operation) bool {
	fields := operationFields(o)
	taken := map[string]bool{}
	bodyRows := false
	for _, unnamed := range []bool{false, true} {
		for _, r := range s.Rows {
			if (r.Name == "") != unnamed {
				continue
			}
			f, problem := fieldFor(r, fields, taken)
			if problem != "" {
				return false
			}
			for _, d := range compareRow(r, f) {
				if !d.Guessed && slices.Contains([]string{"type", "format", "nullable", "required"}, d.Kind) {
					return false
				}
			}
			taken[f.name] = true
			bodyRows = bodyRows || strings.HasPrefix(f.where, "body ")
		}
	}
	for _, f := range fields {
		if !strings.HasPrefix(f.where, "body ") && !taken[f.name] {
			return false
		}
	}
	jsonProps := false
	if rb := o.op.RequestBody; rb != nil && rb.Value != nil {
		if mt := rb.Value.Content["application/json"]; mt != nil && mt.Schema != nil {
			sr := mt.Schema
			if sr.Value.Type.Is(openapi3.TypeArray) && sr.Value.Items != nil {
				sr = sr.Value.Items
			}
			jsonProps = len(viewOf(sr).s.Properties) > 0
		}
	}
	return bodyRows == jsonProps
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
