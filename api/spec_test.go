package api_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/iconect-go/iconect-go/api"
)

const errorSchemaRef = "#/components/schemas/IconectError"

// loadSpec parses the embedded spec; each test loads its own copy so no test
// can affect another through a shared document.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := api.Load()
	require.NoError(t, err, "load api/openapi.yaml")
	return doc
}

// operation is one operation of the spec with where it lives.
type operation struct {
	method, path string
	item         *openapi3.PathItem
	op           *openapi3.Operation
}

func (o operation) String() string {
	return fmt.Sprintf("%s (%s %s)", o.op.OperationID, o.method, o.path)
}

// operations lists the spec's operations in path, then method order.
func operations(doc *openapi3.T) []operation {
	var ops []operation
	for _, path := range sortedKeys(doc.Paths.Map()) {
		item := doc.Paths.Value(path)
		methods := item.Operations()
		for _, m := range sortedKeys(methods) {
			ops = append(ops, operation{method: m, path: path, item: item, op: methods[m]})
		}
	}
	return ops
}

// parameters is the operation's parameters including its path item's.
func (o operation) parameters() []*openapi3.Parameter {
	var ps []*openapi3.Parameter
	for _, refs := range []openapi3.Parameters{o.item.Parameters, o.op.Parameters} {
		for _, p := range refs {
			ps = append(ps, p.Value)
		}
	}
	return ps
}

type catalogueEntry struct {
	OperationID string `yaml:"operationId"`
	Method      string `yaml:"method"`
	Path        string `yaml:"path"`
	Evidence    string `yaml:"evidence"`
	group       string
}

// catalogue reads testdata/operations.yaml, the list of operations the spec
// must describe, keyed by operationId.
func catalogue(t *testing.T) map[string]catalogueEntry {
	t.Helper()
	data, err := os.ReadFile("testdata/operations.yaml")
	require.NoError(t, err)
	var c struct {
		Groups map[string][]catalogueEntry `yaml:"groups"`
	}
	require.NoError(t, yaml.Unmarshal(data, &c))
	entries := map[string]catalogueEntry{}
	for group, list := range c.Groups {
		for _, e := range list {
			require.NotContains(t, entries, e.OperationID, "catalogue lists %s twice", e.OperationID)
			e.group = group
			entries[e.OperationID] = e
		}
	}
	return entries
}

func TestSpecValidates(t *testing.T) {
	doc := loadSpec(t)
	assert.Equal(t, "3.0.3", doc.OpenAPI)
	require.NoError(t, doc.Validate(context.Background(), openapi3.EnableExamplesValidation()))
}

func TestOperationsMatchCatalogue(t *testing.T) {
	doc := loadSpec(t)
	want := catalogue(t)
	require.Len(t, want, 60, "catalogue size")

	got := map[string]operation{}
	for _, o := range operations(doc) {
		id := o.op.OperationID
		if !assert.NotEmpty(t, id, "%s %s has no operationId", o.method, o.path) {
			continue
		}
		assert.NotContains(t, got, id, "operationId %s used twice", id)
		got[id] = o
		assert.Contains(t, want, id, "%s is not in testdata/operations.yaml", o)
	}
	assert.Equal(t, len(want), len(got), "operation count")

	for _, id := range sortedKeys(want) {
		e := want[id]
		o, ok := got[id]
		if !assert.True(t, ok, "operation %s missing", id) {
			continue
		}
		assert.Equal(t, e.Method, o.method, "%s method", id)
		assert.Equal(t, e.Path, o.path, "%s path", id)
		assert.Equal(t, []string{e.group}, o.op.Tags, "%s tags", id)

		ev, ok := o.op.Extensions["x-iconect-evidence"].(map[string]any)
		if !assert.True(t, ok, "%s: x-iconect-evidence must be a map, got %T", id, o.op.Extensions["x-iconect-evidence"]) {
			continue
		}
		assert.Equal(t, e.Evidence, ev["level"], "%s x-iconect-evidence.level", id)
		note, _ := ev["note"].(string)
		assert.NotEmpty(t, strings.TrimSpace(note), "%s x-iconect-evidence.note", id)
	}
}

func TestOperationConventions(t *testing.T) {
	doc := loadSpec(t)
	require.NotNil(t, doc.Components)
	errSchema := doc.Components.Schemas["IconectError"]
	require.NotNil(t, errSchema, "components/schemas/IconectError")

	for _, o := range operations(doc) {
		op := o.op
		assert.Contains(t, op.Summary, " - ", "%s: summary should read \"Object - Action\"", o)
		assert.NotEmpty(t, strings.TrimSpace(op.Description), "%s: description", o)

		codes := []string{"400", "401", "403", "404", "500"}
		if op.RequestBody != nil {
			codes = append(codes, "415")
		}
		for _, code := range codes {
			r := op.Responses.Value(code)
			if !assert.NotNil(t, r, "%s: no %s response", o, code) || !assert.NotNil(t, r.Value, "%s: %s", o, code) {
				continue
			}
			mt := r.Value.Content["application/json"]
			if !assert.NotNil(t, mt, "%s: %s has no application/json content", o, code) || !assert.NotNil(t, mt.Schema, "%s: %s schema", o, code) {
				continue
			}
			assert.True(t, mt.Schema.Ref == errorSchemaRef || mt.Schema.Value == errSchema.Value,
				"%s: %s schema must be %s, got %q", o, code, errorSchemaRef, mt.Schema.Ref)
		}

		has2xx := false
		for code := range op.Responses.Map() {
			has2xx = has2xx || strings.HasPrefix(code, "2")
		}
		assert.True(t, has2xx, "%s: no 2xx response", o)
	}
}

// Examples are checked as strictly as a standard validator checks them:
// kin-openapi honours `nullable` on an untyped schema, which OpenAPI 3.0.3
// ignores, so such a `nullable` is dropped first (TestNullableHasType forbids
// it anyway), and formats are checked too.
func TestExamplesMatchSchemas(t *testing.T) {
	doc := loadSpec(t)
	strictNullable(doc)

	// check validates one example; where names it in a failure.
	check := func(where string, schema *openapi3.SchemaRef, value any, opts ...openapi3.SchemaValidationOption) {
		t.Helper()
		if !assert.NotNil(t, schema, "%s: example without a schema", where) || !assert.NotNil(t, schema.Value, "%s", where) {
			return
		}
		opts = append(opts, openapi3.MultiErrors(), openapi3.EnableFormatValidation())
		assert.NoError(t, schema.Value.VisitJSON(value, opts...), where)
	}
	checkExamples := func(where string, schema *openapi3.SchemaRef, example any, examples openapi3.Examples, opts ...openapi3.SchemaValidationOption) {
		t.Helper()
		if example != nil {
			check(where+" example", schema, example, opts...)
		}
		for _, name := range sortedKeys(examples) {
			ex := examples[name]
			w := fmt.Sprintf("%s examples[%q]", where, name)
			if assert.True(t, ex != nil && ex.Value != nil && ex.Value.Value != nil, "%s has no value", w) {
				check(w, schema, ex.Value.Value, opts...)
			}
		}
	}
	checkContent := func(where string, content openapi3.Content, opts ...openapi3.SchemaValidationOption) {
		t.Helper()
		for _, mt := range sortedKeys(content) {
			m := content[mt]
			checkExamples(where+" "+mt, m.Schema, m.Example, m.Examples, opts...)
		}
	}

	for _, o := range operations(doc) {
		for _, p := range o.parameters() {
			where := fmt.Sprintf("%s parameter %s", o, p.Name)
			checkExamples(where, p.Schema, p.Example, p.Examples)
			checkContent(where, p.Content)
		}
		if rb := o.op.RequestBody; rb != nil && rb.Value != nil {
			checkContent(fmt.Sprintf("%s request", o), rb.Value.Content, openapi3.VisitAsRequest())
		}
		for code, r := range o.op.Responses.Map() {
			if r.Value != nil {
				checkContent(fmt.Sprintf("%s response %s", o, code), r.Value.Content, openapi3.VisitAsResponse())
			}
		}
	}
	if doc.Components != nil {
		for _, name := range sortedKeys(doc.Components.Schemas) {
			s := doc.Components.Schemas[name]
			if s.Value != nil && s.Value.Example != nil {
				check("components/schemas/"+name+" example", s, s.Value.Example)
			}
		}
	}
}

// strictNullable applies OpenAPI 3.0.3's rule that `nullable` counts only
// beside a `type`: it clears every other `nullable` in doc.
func strictNullable(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(*openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if s.Type == nil || len(*s.Type) == 0 {
			s.Nullable = false
		}
		for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, r := range list {
				walk(r)
			}
		}
		for _, r := range s.Properties {
			walk(r)
		}
		walk(s.Items)
		walk(s.Not)
		walk(s.AdditionalProperties.Schema)
	}
	for _, s := range doc.Components.Schemas {
		walk(s)
	}
	walkContent := func(c openapi3.Content) {
		for _, m := range c {
			walk(m.Schema)
		}
	}
	for _, o := range operations(doc) {
		for _, p := range o.parameters() {
			walk(p.Schema)
			walkContent(p.Content)
		}
		if rb := o.op.RequestBody; rb != nil && rb.Value != nil {
			walkContent(rb.Value.Content)
		}
		for _, r := range o.op.Responses.Map() {
			if r.Value != nil {
				walkContent(r.Value.Content)
			}
		}
	}
}

// OpenAPI 3.0.3 ignores `nullable` without a sibling `type` (null is then
// refused), while kin-openapi honours it: such a schema means one thing to
// the fake and the contract check and another to every standard tool. The
// raw YAML is walked, so inline schemas count too.
func TestNullableHasType(t *testing.T) {
	var root yaml.Node
	require.NoError(t, yaml.Unmarshal(api.Spec, &root))
	var bad []string
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s/%d", path, i))
			}
		case yaml.MappingNode:
			var nullable, typed bool
			for i := 0; i+1 < len(n.Content); i += 2 {
				switch n.Content[i].Value {
				case "nullable":
					nullable = true
				case "type":
					typed = true
				}
				walk(n.Content[i+1], path+"/"+n.Content[i].Value)
			}
			if nullable && !typed {
				bad = append(bad, fmt.Sprintf("%s (line %d)", path, n.Line))
			}
		}
	}
	walk(&root, "")
	assert.Empty(t, bad, "nullable without a sibling type (give the type, or move nullable onto a typed anyOf branch)")
}

func TestIntegerEnumsHaveVarnames(t *testing.T) {
	doc := loadSpec(t)
	require.NotNil(t, doc.Components)
	for _, name := range sortedKeys(doc.Components.Schemas) {
		s := doc.Components.Schemas[name].Value
		if s == nil || !s.Type.Is(openapi3.TypeInteger) || len(s.Enum) == 0 {
			continue
		}
		names, ok := s.Extensions["x-enum-varnames"].([]any)
		if !assert.True(t, ok, "%s: integer enum without an x-enum-varnames list", name) {
			continue
		}
		assert.Len(t, names, len(s.Enum), "%s: x-enum-varnames length", name)
		seenNames, seenValues := map[string]bool{}, map[string]bool{}
		for i, n := range names {
			str, _ := n.(string)
			assert.NotEmpty(t, str, "%s: x-enum-varnames[%d]", name, i)
			assert.False(t, seenNames[str], "%s: varname %q repeated", name, str)
			seenNames[str] = true
		}
		for _, v := range s.Enum {
			key := fmt.Sprint(v)
			assert.False(t, seenValues[key], "%s: value %s repeated", name, key)
			seenValues[key] = true
		}
	}
	// Every $ref resolving to a defined schema is checked by the loader:
	// loadSpec fails on a dangling one.
}

func TestSecurity(t *testing.T) {
	doc := loadSpec(t)
	require.NotNil(t, doc.Components)
	for _, o := range operations(doc) {
		reqs := doc.Security
		if o.op.Security != nil {
			reqs = *o.op.Security
		}
		if !assert.Len(t, reqs, 1, "%s: effective security", o) || !assert.Len(t, reqs[0], 1, "%s: security requirement", o) {
			continue
		}
		for scheme, scopes := range reqs[0] {
			ss := doc.Components.SecuritySchemes[scheme]
			if assert.True(t, ss != nil && ss.Value != nil, "%s: security scheme %q undefined", o, scheme) {
				assert.Equal(t, "oauth2", ss.Value.Type, "%s: scheme %q", o, scheme)
			}
			assert.ElementsMatch(t, []string{"iconect_api", "openid"}, scopes, "%s: scopes", o)
		}
	}
}

func TestParameterConventions(t *testing.T) {
	doc := loadSpec(t)
	for _, o := range operations(doc) {
		for _, p := range o.parameters() {
			if p.In != openapi3.ParameterInPath && p.In != openapi3.ParameterInQuery {
				continue
			}
			if !assert.NotNil(t, p.Schema, "%s: parameter %s has no schema", o, p.Name) {
				continue
			}
			s := p.Schema.Value
			checkIntFormat(t, fmt.Sprintf("%s: parameter %s", o, p.Name), s)
			if s.Type.Is(openapi3.TypeArray) {
				if s.Items != nil {
					checkIntFormat(t, fmt.Sprintf("%s: parameter %s items", o, p.Name), s.Items.Value)
				}
				if p.In == openapi3.ParameterInQuery {
					assert.Contains(t, []string{"", openapi3.SerializationForm}, p.Style, "%s: array parameter %s style", o, p.Name)
					// Repeated keys or comma separated: the docs do not settle
					// it, so each records its choice and evidence.
					assert.Contains(t, p.Extensions, "x-iconect-guess", "%s: array parameter %s records its wire form as a guess", o, p.Name)
				}
			}
		}
	}
}

// checkIntFormat requires an explicit width on integers, so generated Go
// types are int32/int64 and never a platform-sized int.
func checkIntFormat(t *testing.T, where string, s *openapi3.Schema) {
	t.Helper()
	if s != nil && s.Type.Is(openapi3.TypeInteger) {
		assert.Contains(t, []string{"int32", "int64"}, s.Format, "%s: integer needs format int32 or int64", where)
	}
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	return slices.Sorted(maps.Keys(m))
}

// The spec says which vendor docs and iCONECT version it describes, and where
// the API lives (a server URL with an {apiURL} variable).
func TestSpecNamesItsVersionAndServer(t *testing.T) {
	doc := loadSpec(t)
	assert.NotEmpty(t, doc.Info.Version)
	assert.Equal(t, "13.5.14", fmt.Sprint(doc.Info.Extensions["x-iconect-required-version"]))
	require.Len(t, doc.Servers, 1)
	assert.Equal(t, "{apiURL}", doc.Servers[0].URL)
	assert.Contains(t, doc.Servers[0].Variables, "apiURL")
}
