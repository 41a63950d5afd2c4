package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/iconect-go/iconect-go/api"
)

const root = "../../.."

// The synthetic vendor spec's changes, which reconciliation must find
// exactly.
var (
	changedPaths = map[string]string{ // "METHOD our path" -> the vendor's path
		"PUT /clients/{client_id}/deactivate":         "/clients/{client_id}/disable",
		"GET /projects/{project_id}/settings":         "/projects/{project_id}/configuration",
		"POST /projects/{project_id}/batches/checkin": "/projects/{project_id}/batches/check-in",
		"GET /projects/{project_id}/templates/{type}": "/projects/{project_id}/native-import-templates/{type}",
		"POST /projects/{project_id}/views":           "/projects/{project_id}/saved-views",
	}
	removedOp   = "PUT /projects/{project_id}/activate" // activateProject
	addedMethod = "delete"
	addedPath   = "/projects/{project_id}/views/{view_id}"
)

// vendorize turns our spec into what the vendor's ASP.NET Core
// (Swashbuckle) export looks like: JSON, non-schema components inlined,
// dotted schema names, no x- extensions (so no x-enum-varnames), its own
// operationIds, text/json and text/plain beside application/json — and the
// changes above.
func vendorize(t *testing.T) []byte {
	t.Helper()
	var n yaml.Node
	require.NoError(t, yaml.Unmarshal(api.Spec, &n))
	doc := nodeValue(&n).(map[string]any)
	s := &spec{doc: doc}
	doc["paths"] = s.inline(doc["paths"])
	comps := doc["components"].(map[string]any)
	for _, k := range []string{"responses", "parameters", "examples", "requestBodies"} {
		delete(comps, k)
	}

	schemas := comps["schemas"].(map[string]any)
	names := map[string]string{}
	renamed := map[string]any{}
	for name, sch := range schemas {
		vn, _ := sch.(map[string]any)["x-iconect-name"].(string)
		if vn == "" {
			vn = "iconect.api.structs." + name
		}
		names[name] = vn
		renamed[vn] = sch
	}
	comps["schemas"] = renamed
	renameRefs(doc, func(n string) string { return names[n] })
	walk(doc, func(m map[string]any) {
		for k := range m {
			if strings.HasPrefix(k, "x-") {
				delete(m, k)
			}
		}
	})

	paths := doc["paths"].(map[string]any)
	seenIDs := map[string]int{}
	for _, p := range sortedKeys(paths) {
		item := paths[p].(map[string]any)
		for _, m := range sortedKeys(item) {
			op := item[m].(map[string]any)
			tag := op["tags"].([]any)[0].(string)
			id := tag + strings.ToUpper(m[:1]) + m[1:]
			seenIDs[id]++
			if seenIDs[id] > 1 {
				id = fmt.Sprintf("%s%d", id, seenIDs[id])
			}
			op["operationId"] = id
			if rb, ok := op["requestBody"].(map[string]any); ok {
				aliases(rb["content"], "text/json", "application/*+json")
			}
			for _, r := range op["responses"].(map[string]any) {
				aliases(r.(map[string]any)["content"], "text/plain", "text/json")
			}
		}
	}

	move := func(key, to string) {
		method, from, _ := strings.Cut(key, " ")
		m := strings.ToLower(method)
		item := paths[from].(map[string]any)
		op := item[m]
		require.NotNil(t, op, key)
		delete(item, m)
		if len(item) == 0 {
			delete(paths, from)
		}
		if to == "" {
			return
		}
		if paths[to] == nil {
			paths[to] = map[string]any{}
		}
		paths[to].(map[string]any)[m] = op
	}
	for from, to := range changedPaths {
		move(from, to)
	}
	move(removedOp, "")

	errResp := func(desc string) any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{
			"schema": map[string]any{"$ref": schemaPrefix + "iconect.api.structs.IconectError"}}}}
	}
	pathParam := func(name string) any {
		return map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "integer", "format": "int64"}}
	}
	paths[addedPath] = map[string]any{addedMethod: map[string]any{
		"operationId": "ViewsDelete",
		"tags":        []any{"Views"},
		"summary":     "View - Delete",
		"parameters":  []any{pathParam("project_id"), pathParam("view_id")},
		"responses": map[string]any{
			"200": map[string]any{"description": "Deleted", "content": map[string]any{"application/json": map[string]any{
				"schema": map[string]any{"$ref": schemaPrefix + "iconect.api.structs.IconectOk"}}}},
			"404": errResp("Not found"),
		},
	}}
	data, err := json.MarshalIndent(doc, "", "  ")
	require.NoError(t, err)
	return data
}

func aliases(content any, types ...string) {
	c, _ := content.(map[string]any)
	js, ok := c["application/json"].(map[string]any)
	if !ok {
		return
	}
	for _, a := range types {
		c[a] = map[string]any{"schema": deepCopy(js["schema"])}
	}
}

func ids(ops []*operation) []string {
	var out []string
	for _, o := range ops {
		out = append(out, o.ID)
	}
	return out
}

// The report on the synthetic vendor spec finds exactly its changes.
func TestReportFindsExactlyTheChanges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vendor := filepath.Join(dir, "vendor.json")
	require.NoError(t, os.WriteFile(vendor, vendorize(t), 0o644))

	rep, err := Reconcile(Options{Vendor: vendor, Spec: filepath.Join(root, "api/openapi.yaml")})
	require.NoError(t, err)

	assert.Equal(t, []string{"activateProject"}, ids(rep.OursOnly), "ours only")
	if assert.Len(t, rep.VendorOnly, 1, "the vendor's only") {
		assert.Equal(t, "ViewsDelete", rep.VendorOnly[0].ID)
		assert.Equal(t, "DELETE "+addedPath, rep.VendorOnly[0].String())
	}
	assert.Len(t, rep.Matched, 59)
	assert.Empty(t, rep.Ambiguous)
	assert.Empty(t, rep.SchemaDiffs, "schemas differ")
	assert.Empty(t, rep.NewSchemas)
	assert.Empty(t, rep.OurSchemas)

	got := map[string][]string{}
	for _, m := range rep.Differing() {
		got[m.Ours.String()] = m.Diffs
	}
	want := map[string][]string{}
	for from, to := range changedPaths {
		_, path, _ := strings.Cut(from, " ")
		want[from] = []string{fmt.Sprintf("path: %s -> %s", path, to)}
	}
	assert.Equal(t, want, got, "differences")
	for _, m := range rep.Matched {
		if _, moved := changedPaths[m.Ours.String()]; moved {
			assert.Equal(t, "schemas and summary", m.By, m.Ours.ID)
		}
	}

	var out bytes.Buffer
	require.NoError(t, run([]string{"-vendor", vendor, "-spec", filepath.Join(root, "api/openapi.yaml")}, &out))
	t.Logf("report:\n%s", out.String())
	assert.Contains(t, out.String(), "matched: 59 operations (54 by method and path, 5 by schemas and summary)")
	assert.Contains(t, out.String(), "differences in matched operations: 5")
}

// A difference in a schema, a parameter and an enum is reported where it is.
func TestReportsSchemaParameterAndEnumDifferences(t *testing.T) {
	t.Parallel()
	data := vendorize(t)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	state := schemas["iconect.api.structs.State"].(map[string]any)
	state["enum"] = []any{0.0, 2.0, 3.0}
	client := schemas["iconect.api.structs.Client"].(map[string]any)
	delete(client["properties"].(map[string]any), "description")
	op := doc["paths"].(map[string]any)["/projects/{project_id}/records"].(map[string]any)["get"].(map[string]any)
	for _, p := range op["parameters"].([]any) {
		if p.(map[string]any)["name"] == "page_size" {
			p.(map[string]any)["schema"] = map[string]any{"type": "integer", "format": "int64"}
		}
	}
	// The vendor names updateClient's path parameter clientId, under /api.
	paths := doc["paths"].(map[string]any)
	upd := paths["/clients/{client_id}"].(map[string]any)
	for _, p := range upd["put"].(map[string]any)["parameters"].([]any) {
		p.(map[string]any)["name"] = "clientId"
	}
	delete(paths, "/clients/{client_id}")
	paths["/clients/{clientId}"] = upd
	prefixed := map[string]any{}
	for p, item := range paths {
		prefixed["/api"+p] = item
	}
	doc["paths"] = prefixed

	dir := t.TempDir()
	vendor := filepath.Join(dir, "vendor.json")
	data, err := json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(vendor, data, 0o644))

	rep, err := Reconcile(Options{Vendor: vendor, Spec: filepath.Join(root, "api/openapi.yaml"), StripPrefix: "/api"})
	require.NoError(t, err)
	assert.Equal(t, []string{"enum: the vendor adds 3"}, rep.SchemaDiffs["State"])
	assert.Contains(t, rep.SchemaDiffs["Client"], `properties.description: only ours ({"nullable":true,"type":"string"})`)
	found := 0
	for _, m := range rep.Matched {
		switch m.Ours.ID {
		case "listRecords":
			found++
			assert.Contains(t, m.Diffs, "parameter query page_size.schema.format: ours \"int32\", the vendor's \"int64\"")
		case "createClient":
			found++
			assert.Contains(t, m.Diffs, "uses schemas that differ: Client, State")
		case "updateClient":
			found++
			assert.Equal(t, "method and path", m.By)
			assert.Contains(t, m.Diffs, "path: /clients/{client_id} -> /clients/{clientId}")
			assert.Contains(t, m.Diffs, "parameter path client_id: named clientId by the vendor")
		}
	}
	assert.Equal(t, 3, found)

	// Written, and reconciled again: nothing left to do; the enum's new
	// value got a neutral name, the others kept theirs.
	specPath, catPath := filepath.Join(dir, "openapi.yaml"), filepath.Join(dir, "operations.yaml")
	for src, dst := range map[string]string{"api/openapi.yaml": specPath, "api/testdata/operations.yaml": catPath} {
		data, err := os.ReadFile(filepath.Join(root, src))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(dst, data, 0o644))
	}
	_, err = Reconcile(Options{Vendor: vendor, Spec: specPath, Catalogue: catPath, StripPrefix: "/api", Write: true})
	require.NoError(t, err)
	rep, err = Reconcile(Options{Vendor: vendor, Spec: specPath, StripPrefix: "/api"})
	require.NoError(t, err)
	assert.Empty(t, rep.Differing())
	assert.Empty(t, rep.SchemaDiffs)
	written, err := os.ReadFile(specPath)
	require.NoError(t, err)
	assert.Contains(t, string(written), "      enum: [0, 2, 3]\n      x-enum-varnames: [Active, Value2, Value3]\n")
	assert.Contains(t, string(written), "  /clients/{clientId}:\n")
	cat, err := os.ReadFile(catPath)
	require.NoError(t, err)
	assert.Contains(t, string(cat), `path: "/clients/{clientId}",`)
	t.Logf("diff:\n%s", gitDiff(t, filepath.Join(root, "api/openapi.yaml"), specPath))
}

// -write produces a spec that passes the spec tests and regenerates: run in
// a copy of the module with the rewritten spec and catalogue.
func TestWriteKeepsOursAndPassesSpecTests(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("regenerates and runs the spec tests in a copy of the module")
	}
	mod := t.TempDir()
	copyModule(t, mod)
	vendor := filepath.Join(t.TempDir(), "vendor.json")
	require.NoError(t, os.WriteFile(vendor, vendorize(t), 0o644))
	specPath := filepath.Join(mod, "api/openapi.yaml")
	catPath := filepath.Join(mod, "api/testdata/operations.yaml")

	_, err := Reconcile(Options{Vendor: vendor, Spec: specPath, Catalogue: catPath, Write: true,
		Provenance: filepath.Join(mod, "api/VERSION.yaml")})
	require.NoError(t, err)
	written, err := os.ReadFile(specPath)
	require.NoError(t, err)
	t.Logf("diff of the spec:\n%s", gitDiff(t, filepath.Join(root, "api/openapi.yaml"), specPath))
	t.Logf("diff of the catalogue:\n%s", gitDiff(t, filepath.Join(root, "api/testdata/operations.yaml"), catPath))

	// Ours kept: operationIds, varnames, annotations; the vendor's path taken.
	s := string(written)
	assert.Contains(t, s, "  /clients/{client_id}/disable:\n    put:\n      operationId: deactivateClient\n")
	assert.NotContains(t, s, "/clients/{client_id}/deactivate:")
	assert.NotContains(t, s, "operationId: activateProject")
	assert.Contains(t, s, "operationId: viewsDelete")
	assert.Contains(t, s, "x-enum-varnames: [Active, Value2]")
	assert.Contains(t, s, "x-iconect-name: iconect.api.structs.jobs.Type")
	assert.Contains(t, s, "level: vendor-spec")
	assert.NotContains(t, s, "level: documented")
	assert.NotContains(t, s, "text/json")
	assert.NotContains(t, s, "iconect.api.structs.Client'", "references are renamed to ours")

	// Reconciling again finds nothing left to do.
	rep, err := Reconcile(Options{Vendor: vendor, Spec: specPath})
	require.NoError(t, err)
	assert.Empty(t, rep.OursOnly)
	assert.Empty(t, rep.VendorOnly)
	assert.Empty(t, rep.Differing())
	assert.Empty(t, rep.SchemaDiffs)

	// The spec tests pass on the written spec and catalogue, and gen/
	// regenerates from it and compiles (the api tests import gen).
	sh(t, mod, "make", "--no-print-directory", "generate", "ENUMS_REEXPORT="+filepath.Join(t.TempDir(), "enums.gen.go"))
	out := sh(t, mod, "go", "test", "-count=1", "./api/")
	t.Log(out)
	gen, err := os.ReadFile(filepath.Join(mod, "gen/client.gen.go"))
	require.NoError(t, err)
	assert.Contains(t, string(gen), "func (c *APIClient) ViewsDelete(")
	assert.NotContains(t, string(gen), "ActivateProject(")
	assert.Contains(t, string(gen), `"/clients/%s/disable"`)
}

// copyModule copies what the spec tests and make generate need.
func copyModule(t *testing.T, dst string) {
	t.Helper()
	for _, p := range []string{"go.mod", "go.sum", "tools.go", "Makefile", "README.md", "api", "internal/cmd/genenums", "internal/cmd/genops"} {
		src := filepath.Join(root, p)
		err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			target := filepath.Join(dst, rel)
			if d.IsDir() {
				return os.MkdirAll(target, 0o755)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			require.NoError(t, os.MkdirAll(filepath.Dir(target), 0o755))
			return os.WriteFile(target, data, 0o644)
		})
		require.NoError(t, err, p)
	}
}

func sh(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %s:\n%s", name, strings.Join(args, " "), out)
	return string(out)
}

func gitDiff(t *testing.T, a, b string) string {
	t.Helper()
	out, _ := exec.Command("git", "diff", "--no-index", "--stat", "--", a, b).CombinedOutput()
	full, _ := exec.Command("git", "diff", "--no-index", "-U1", "--", a, b).CombinedOutput()
	if len(full) > 6000 {
		full = append(full[:6000], "\n...\n"...)
	}
	return string(out) + string(full)
}

// Small fixtures: a YAML vendor file under /api with path-level and renamed
// parameters, a narrowed enum, a new schema, and two operations that fit
// either of ours equally well (left to a human, not guessed).
func TestSmallFixtures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	specPath, catPath := filepath.Join(dir, "ours.yaml"), filepath.Join(dir, "operations.yaml")
	data, err := os.ReadFile("testdata/ours.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(specPath, data, 0o644))
	require.NoError(t, os.WriteFile(catPath, []byte("groups:\n  Things:\n    - {operationId: getThing, method: GET, path: \"/things/{thing_id}\", evidence: documented}\n    - {operationId: enableThing, method: PUT, path: \"/things/{thing_id}/enable\", evidence: mentioned}\n    - {operationId: disableThing, method: PUT, path: \"/things/{thing_id}/disable\", evidence: mentioned}\n"), 0o644))

	o := Options{Vendor: "testdata/vendor.yaml", Spec: specPath, Catalogue: catPath, StripPrefix: "/api"}
	rep, err := Reconcile(o)
	require.NoError(t, err)
	require.Len(t, rep.Matched, 1)
	m := rep.Matched[0]
	assert.Equal(t, "getThing", m.Ours.ID)
	assert.Equal(t, []string{
		"path: /things/{thing_id} -> /things/{id}",
		"parameter path thing_id: named id by the vendor",
		"uses schemas that differ: Thing, ThingKind",
	}, m.Diffs)
	assert.ElementsMatch(t, []string{"disableThing", "enableThing"}, ids(rep.OursOnly))
	assert.ElementsMatch(t, []string{"ThingsOff", "ThingsOn"}, ids(rep.VendorOnly))
	assert.NotEmpty(t, rep.Ambiguous)
	assert.Equal(t, []string{"enum: the vendor lacks 2"}, rep.SchemaDiffs["ThingKind"])
	assert.Equal(t, []string{`properties.colour: only the vendor's ({"$ref":"#/components/schemas/Colour"})`}, rep.SchemaDiffs["Thing"])
	assert.Equal(t, []string{"Colour (the vendor's iconect.api.structs.Colour)"}, rep.NewSchemas)

	o.Write, o.KeepOursOnly = true, true
	_, err = Reconcile(o)
	require.NoError(t, err)
	written, err := os.ReadFile(specPath)
	require.NoError(t, err)
	s := string(written)
	assert.Contains(t, s, "      enum: [0, 1]\n      x-enum-varnames: [Plain, Fancy]\n", "narrowed enum keeps the names of the values left")
	assert.Contains(t, s, "x-iconect-name: iconect.api.structs.Colour")
	assert.Contains(t, s, "x-enum-varnames: [Value0, Value5]")
	assert.Contains(t, s, "  /things/{id}:\n    get:\n      operationId: getThing\n")
	assert.Contains(t, s, "operationId: enableThing", "-keep-ours-only")
	assert.Contains(t, s, "operationId: thingsOn")
	assert.NotContains(t, s, "text/json")
	cat, err := os.ReadFile(catPath)
	require.NoError(t, err)
	assert.Regexp(t, `\{operationId: getThing, method: GET, path: "/things/\{id\}", +evidence: vendor-spec\}\n`, string(cat))
	assert.False(t, strings.HasSuffix(string(cat), "\n\n"))
	assert.Contains(t, string(cat), `{operationId: thingsOn, method: POST, path: "/things/{id}/on", evidence: vendor-spec,`)

	rep, err = Reconcile(Options{Vendor: "testdata/vendor.yaml", Spec: specPath, StripPrefix: "/api"})
	require.NoError(t, err)
	assert.Empty(t, rep.Differing())
	assert.Empty(t, rep.SchemaDiffs)
}
