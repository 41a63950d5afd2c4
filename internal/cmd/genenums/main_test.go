package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testSpec covers the naming cases that matter: a varname with an
// underscore, a lower-case schema name, a varname that is a Go keyword once
// lower-cased, an x-go-name, a string enum and an integer enum without varnames (both
// ignored), and an enum no operation references (pruned by oapi-codegen).
const testSpec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    get:
      operationId: getX
      parameters:
        - {name: sort, in: query, schema: {$ref: '#/components/schemas/enBatchSortBy'}}
        - {name: ft, in: query, schema: {$ref: '#/components/schemas/FieldType'}}
        - {name: s, in: query, schema: {$ref: '#/components/schemas/Strs'}}
        - {name: n, in: query, schema: {$ref: '#/components/schemas/NoNames'}}
        - {name: r, in: query, schema: {$ref: '#/components/schemas/Renamed'}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Obj'}
components:
  schemas:
    FieldType:
      type: integer
      format: int32
      enum: [1, 3]
      x-enum-varnames: [Value1, Value3]
    BatchStatus:
      type: integer
      enum: [0, 1]
      x-enum-varnames: [NOT_COMPLETE, type]
    enBatchSortBy:
      type: integer
      format: int64
      enum: [2, 1, 50006]
      x-enum-varnames: [name, Id, MassActionDelete]
    Strs: {type: string, enum: [a, b], x-enum-varnames: [A, B]}
    NoNames: {type: integer, enum: [1, 2]}
    Obj:
      type: object
      properties:
        s: {$ref: '#/components/schemas/BatchStatus'}
    Renamed: {type: integer, enum: [1], x-enum-varnames: [One], x-go-name: MyRenamed}
    Orphan: {type: integer, enum: [1], x-enum-varnames: [One]}
`

// prefixed is the least config genenums supports.
var prefixed = codegen.Configuration{
	PackageName:   "gen",
	Compatibility: codegen.CompatibilityOptions{AlwaysPrefixEnumValues: true},
}

func TestGenerate(t *testing.T) {
	src, err := generate([]byte(testSpec), prefixed)
	require.NoError(t, err)
	out := string(src)

	assert.True(t, strings.HasPrefix(out, header), "header")
	for _, want := range []string{
		"func (e BatchStatus) String() string",
		"case BatchStatusNOTCOMPLETE:\n\t\treturn \"NOT_COMPLETE\"",
		"case BatchStatusType:\n\t\treturn \"type\"",
		`return fmt.Sprintf("BatchStatus(%d)", int64(e))`,
		"func (e EnBatchSortBy) String() string",
		"func EnBatchSortByValues() []EnBatchSortBy {\n\treturn []EnBatchSortBy{\n\t\tEnBatchSortByName,\n\t\tEnBatchSortById,\n\t\tEnBatchSortByMassActionDelete,\n\t}",
		"func FieldTypeValues() []FieldType",
		`return fmt.Sprintf("FieldType(%d)", int64(e))`,
		"case MyRenamedOne:",
		"func ParseEnBatchSortBy(s string) (EnBatchSortBy, error) {\n\tswitch strings.ToLower(s) {\n\tcase \"name\":\n\t\treturn EnBatchSortByName, nil",
		"case \"massactiondelete\":\n\t\treturn EnBatchSortByMassActionDelete, nil",
		"case 50006:\n\t\t\treturn EnBatchSortByMassActionDelete, nil",
		`return 0, fmt.Errorf("invalid EnBatchSortBy %q: want one of name (2), Id (1), MassActionDelete (50006)", s)`,
		"case \"not_complete\":\n\t\treturn BatchStatusNOTCOMPLETE, nil",
	} {
		assert.Contains(t, out, want)
	}
	for _, unwanted := range []string{"Strs", "NoNames", "Orphan", "Valid()"} {
		assert.NotContains(t, out, unwanted)
	}
	// Sorted by schema name, in byte order.
	assert.Less(t, strings.Index(out, "BatchStatus)"), strings.Index(out, "FieldType)"))
	assert.Less(t, strings.Index(out, "FieldType)"), strings.Index(out, "EnBatchSortBy)"))

	again, err := generate([]byte(testSpec), prefixed)
	require.NoError(t, err)
	assert.Equal(t, out, string(again), "output must be deterministic")
}

func TestGenerateNeedsPrefixedConstants(t *testing.T) {
	_, err := generate([]byte(testSpec), codegen.Configuration{PackageName: "gen"})
	assert.ErrorContains(t, err, "declares no constant")
}

func TestGenerateErrors(t *testing.T) {
	for name, tc := range map[string]struct{ schema, want string }{
		"length":      {"{type: integer, enum: [1, 2], x-enum-varnames: [A]}", "2 values"},
		"dup name":    {"{type: integer, enum: [1, 2], x-enum-varnames: [A, A]}", "names must be unique"},
		"dup value":   {"{type: integer, enum: [1, 1], x-enum-varnames: [A, B]}", "declared twice"},
		"not a list":  {"{type: integer, enum: [1], x-enum-varnames: A}", "want a list"},
		"case":        {"{type: integer, enum: [1, 2], x-enum-varnames: [Ab, AB]}", `"Ab" and "AB" differ only in case`},
		"number name": {"{type: integer, enum: [1, 2], x-enum-varnames: [A, '1']}", `"1" names value 2`},
		"fraction":    {"{type: integer, enum: [1.5], x-enum-varnames: [A]}", "not an int64"},
	} {
		t.Run(name, func(t *testing.T) {
			spec := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    E: " + tc.schema + "\n"
			_, err := generate([]byte(spec), prefixed)
			assert.ErrorContains(t, err, "components/schemas/E")
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

func TestRenderReexport(t *testing.T) {
	enums, err := collect([]byte(testSpec), prefixed)
	require.NoError(t, err)
	src, err := renderReexport(enums, "sdk", "example.com/m/gen", "gen")
	require.NoError(t, err)
	out := string(src)

	assert.True(t, strings.HasPrefix(out, header), "header")
	for _, want := range []string{
		"package sdk\n",
		`import "example.com/m/gen"`,
		"type FieldType = gen.FieldType\n",
		"\tFieldTypeValue3 = gen.FieldTypeValue3 // 3\n",
		"func FieldTypeValues() []FieldType { return gen.FieldTypeValues() }",
		"func ParseFieldType(s string) (FieldType, error) { return gen.ParseFieldType(s) }",
		"\tBatchStatusNOTCOMPLETE = gen.BatchStatusNOTCOMPLETE // 0\n",
		// The "en" prefix is dropped, and the doc says so.
		"// BatchSortBy is gen.EnBatchSortBy, the spec's enBatchSortBy, named here without the vendor's\n// \"en\" prefix.",
		"type BatchSortBy = gen.EnBatchSortBy\n",
		"\tBatchSortByMassActionDelete = gen.EnBatchSortByMassActionDelete // 50006\n",
		"func BatchSortByValues() []BatchSortBy { return gen.EnBatchSortByValues() }",
		"func ParseBatchSortBy(s string) (BatchSortBy, error) { return gen.ParseEnBatchSortBy(s) }",
		"type MyRenamed = gen.MyRenamed\n",
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "type EnBatchSortBy")

	empty, err := renderReexport(nil, "sdk", "example.com/m/gen", "gen")
	require.NoError(t, err)
	assert.NotContains(t, string(empty), "import")
}

func TestReexportName(t *testing.T) {
	for in, want := range map[string]string{
		"EnBatchSortBy": "BatchSortBy",
		"FieldType":     "FieldType",
		"Enum":          "Enum",
		"En":            "En",
		"EnX":           "X",
	} {
		assert.Equal(t, want, reexportName(in), in)
	}
}

// TestReexportCollision: dropping "en" must not clash with another enum.
func TestReexportCollision(t *testing.T) {
	spec := `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    get:
      parameters:
        - {name: a, in: query, schema: {$ref: '#/components/schemas/enSort'}}
        - {name: b, in: query, schema: {$ref: '#/components/schemas/Sort'}}
      responses: {'200': {description: ok}}
components:
  schemas:
    enSort: {type: integer, enum: [1], x-enum-varnames: [One]}
    Sort: {type: integer, enum: [1], x-enum-varnames: [One]}
`
	enums, err := collect([]byte(spec), prefixed)
	require.NoError(t, err)
	_, err = renderReexport(enums, "sdk", "example.com/m/gen", "gen")
	assert.ErrorContains(t, err, "are both named Sort")
}

// TestRunWithConfig runs the command as make generate does, with a config
// whose name normalizer upper-cases initialisms (Id becomes ID).
func TestRunWithConfig(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.yaml")
	config := filepath.Join(dir, "models.yaml")
	out := filepath.Join(dir, "gen", "enums.gen.go")
	require.NoError(t, os.WriteFile(spec, []byte(testSpec), 0o644))
	require.NoError(t, os.WriteFile(config, []byte(`package: ignored
output: gen/models.gen.go
generate: {models: true}
compatibility: {always-prefix-enum-values: true}
output-options: {name-normalizer: ToCamelCaseWithInitialisms}
`), 0o644))

	require.NoError(t, run([]string{"-config", config, "-spec", spec, "-out", out, "-package", "models"}))
	src, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(src), "package models\n")
	assert.Contains(t, string(src), "case EnBatchSortByID:\n\t\treturn \"Id\"")
	assert.Contains(t, string(src), "case BatchStatusNOTCOMPLETE:")

	reexport := filepath.Join(dir, "sdk", "enums.gen.go")
	require.NoError(t, run([]string{"-config", config, "-spec", spec, "-out", out,
		"-reexport", reexport, "-gen-import", "example.com/m/gen"}))
	src, err = os.ReadFile(reexport)
	require.NoError(t, err)
	assert.Contains(t, string(src), "package sdk\n", "package defaults to the directory's name")
	assert.Regexp(t, `\tBatchSortByID += gen.EnBatchSortByID +// 1\n`, string(src))
	assert.Error(t, run([]string{"-spec", spec, "-out", out, "-reexport", reexport}), "-gen-import is required")

	assert.Error(t, run([]string{"-spec", spec}), "-out is required")
	assert.Error(t, run([]string{"-spec", filepath.Join(dir, "missing.yaml"), "-out", out}))
}

// TestCompilesWithModels builds genenums' output together with the models
// oapi-codegen generates for the same spec, as `make generate` does.
func TestCompilesWithModels(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go tool")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not found")
	}
	doc, err := openapi3.NewLoader().LoadFromData([]byte(testSpec))
	require.NoError(t, err)
	models, err := codegen.Generate(doc, codegen.Configuration{
		PackageName:   "gen",
		Generate:      codegen.GenerateOptions{Models: true},
		Compatibility: codegen.CompatibilityOptions{AlwaysPrefixEnumValues: true},
	})
	require.NoError(t, err)
	enums, err := generate([]byte(testSpec), prefixed)
	require.NoError(t, err)
	list, err := collect([]byte(testSpec), prefixed)
	require.NoError(t, err)
	reexport, err := renderReexport(list, "sdk", "example.com/gen", "gen")
	require.NoError(t, err)

	dir := t.TempDir()
	files := map[string]string{
		"go.mod":            "module example.com/gen\n\ngo 1.22\n",
		"models.gen.go":     models,
		"enums.gen.go":      string(enums),
		"enums_test.go":     enumsUseTest,
		"sdk/enums.gen.go":  string(reexport),
		"sdk/enums_test.go": reexportUseTest,
	}
	for name, content := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	cmd := exec.Command(goTool, "test", "-count=1", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}

// enumsUseTest runs inside the generated package to exercise String and
// Parse.
const enumsUseTest = `package gen

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	for v, want := range map[interface{ String() string }]string{
		BatchStatusNOTCOMPLETE: "NOT_COMPLETE",
		FieldTypeValue3:        "Value3",
		FieldType(2):           "FieldType(2)",
		EnBatchSortBy(-1):      "EnBatchSortBy(-1)",
	} {
		if got := v.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
	if got := len(EnBatchSortByValues()); got != 3 {
		t.Errorf("EnBatchSortByValues has %d values", got)
	}
	for s, want := range map[string]EnBatchSortBy{
		"name": EnBatchSortByName, "NAME": EnBatchSortByName, "2": EnBatchSortByName, "+2": EnBatchSortByName,
		"Id": EnBatchSortById, "id": EnBatchSortById,
		"massactiondelete": EnBatchSortByMassActionDelete, "50006": EnBatchSortByMassActionDelete,
	} {
		if got, err := ParseEnBatchSortBy(s); err != nil || got != want {
			t.Errorf("ParseEnBatchSortBy(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if got, err := ParseBatchStatus("not_complete"); err != nil || got != BatchStatusNOTCOMPLETE {
		t.Errorf("ParseBatchStatus(not_complete) = %v, %v", got, err)
	}
	for _, s := range []string{"", "3", "Name ", "EnBatchSortByName", "4294967298", "99999999999999999999"} {
		_, err := ParseEnBatchSortBy(s)
		if err == nil || !strings.Contains(err.Error(), "invalid EnBatchSortBy") || !strings.Contains(err.Error(), "MassActionDelete (50006)") {
			t.Errorf("ParseEnBatchSortBy(%q): err = %v", s, err)
		}
	}
}
`

// reexportUseTest runs in a package importing the generated one, through
// the re-exports only.
const reexportUseTest = `package sdk

import "testing"

func TestReexport(t *testing.T) {
	var s BatchSortBy = BatchSortByMassActionDelete
	if s.String() != "MassActionDelete" || !s.Valid() {
		t.Errorf("String() = %q", s)
	}
	if got, err := ParseBatchSortBy("MASSACTIONDELETE"); err != nil || got != s {
		t.Errorf("ParseBatchSortBy = %v, %v", got, err)
	}
	if got := BatchSortByValues(); len(got) != 3 || got[2] != s {
		t.Errorf("BatchSortByValues() = %v", got)
	}
	if v, err := ParseFieldType("value3"); err != nil || v != FieldTypeValue3 {
		t.Errorf("ParseFieldType = %v, %v", v, err)
	}
	if FieldType(2).String() != "FieldType(2)" || MyRenamedOne.String() != "One" {
		t.Error("String")
	}
}
`
