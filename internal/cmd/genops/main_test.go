package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testSpec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /projects/{project_id}:
    parameters:
      - {name: project_id, in: path, required: true, schema: {type: integer}}
    get:
      operationId: getProject
      tags: [Projects]
      responses: {'200': {description: ok}}
    delete:
      operationId: deleteProject
      tags: [Projects]
      responses: {'204': {description: ok}}
  /ping:
    post:
      operationId: ping
      responses: {'200': {description: ok}}
`

func TestGenerate(t *testing.T) {
	src, err := generate([]byte(testSpec), "gen")
	require.NoError(t, err)
	out := string(src)
	assert.True(t, strings.HasPrefix(out, header), "header")
	_, err = parser.ParseFile(token.NewFileSet(), "operations.gen.go", src, 0)
	require.NoError(t, err)

	for _, want := range []string{
		"package gen\n",
		"type Operation struct {",
		`"deleteProject": {ID: "deleteProject", Method: "DELETE", Path: "/projects/{project_id}", Tag: "Projects"},`,
		`"getProject":    {ID: "getProject", Method: "GET", Path: "/projects/{project_id}", Tag: "Projects"},`,
		`"ping":          {ID: "ping", Method: "POST", Path: "/ping", Tag: ""},`,
	} {
		assert.Contains(t, out, want)
	}
	// Sorted by operationId.
	assert.Less(t, strings.Index(out, `"deleteProject":`), strings.Index(out, `"getProject":`))
	assert.Less(t, strings.Index(out, `"getProject":`), strings.Index(out, `"ping":`))

	for range 5 {
		again, err := generate([]byte(testSpec), "gen")
		require.NoError(t, err)
		assert.Equal(t, out, string(again), "output must be deterministic")
	}
}

func TestGenerateErrors(t *testing.T) {
	for name, tc := range map[string]struct{ paths, want string }{
		"no operationId": {
			"  /a:\n    get: {responses: {'200': {description: ok}}}\n",
			"GET /a has no operationId",
		},
		"duplicate": {
			"  /a:\n    get: {operationId: x, responses: {'200': {description: ok}}}\n" +
				"  /b:\n    get: {operationId: x, responses: {'200': {description: ok}}}\n",
			"operationId x is used by",
		},
		"two tags": {
			"  /a:\n    get: {operationId: x, tags: [A, B], responses: {'200': {description: ok}}}\n",
			"has 2 tags",
		},
	} {
		t.Run(name, func(t *testing.T) {
			spec := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n" + tc.paths
			_, err := generate([]byte(spec), "gen")
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.yaml")
	out := filepath.Join(dir, "sub", "operations.gen.go")
	require.NoError(t, os.WriteFile(spec, []byte(testSpec), 0o644))
	require.NoError(t, run([]string{"-spec", spec, "-out", out, "-package", "ops"}))
	src, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(src), "package ops\n")

	assert.Error(t, run([]string{"-spec", spec}), "-out is required")
	assert.Error(t, run([]string{"-spec", filepath.Join(dir, "missing.yaml"), "-out", out}))
}

// TestRealSpec checks the repository's spec: every operation is named,
// tagged and in the table.
func TestRealSpec(t *testing.T) {
	data, err := os.ReadFile("../../../api/openapi.yaml")
	require.NoError(t, err)
	ops, err := operations(data)
	require.NoError(t, err)
	assert.Len(t, ops, strings.Count(string(data), "operationId:"))
	for id, o := range ops {
		assert.NotEmpty(t, o.tag, id)
		assert.True(t, strings.HasPrefix(o.path, "/"), id)
	}
}

// Array query parameters carry their wire form: form style explodes unless
// explode: false says otherwise; another style is refused.
func TestGenerateArrayQuery(t *testing.T) {
	spec := `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /records:
    get:
      operationId: listThings
      parameters:
        - {name: ids, in: query, schema: {type: array, items: {type: integer}}}
        - {name: fields, in: query, style: form, explode: false, schema: {type: array, items: {type: integer}}}
        - {name: page, in: query, schema: {type: integer}}
      responses: {'200': {description: ok}}
`
	src, err := generate([]byte(spec), "gen")
	require.NoError(t, err)
	assert.Contains(t, string(src), `ArrayQuery: []ArrayParam{{Name: "fields", Comma: true}, {Name: "ids", Comma: false}}`)

	_, err = generate([]byte(strings.Replace(spec, "style: form, explode: false", "style: pipeDelimited", 1)), "gen")
	require.ErrorContains(t, err, "listThings")
	assert.ErrorContains(t, err, "fields has style pipeDelimited")
}

// Each operationId gets a constant.
func TestGenerateConstants(t *testing.T) {
	src, err := generate([]byte(testSpec), "gen")
	require.NoError(t, err)
	for _, want := range []string{`OpDeleteProject = "deleteProject"`, `OpGetProject    = "getProject"`, `OpPing          = "ping"`} {
		assert.Contains(t, string(src), want)
	}
}
