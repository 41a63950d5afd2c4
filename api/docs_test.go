package api_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// The reference page `make docs` builds with api/docs/build.mjs (Redoc 2
// through Redocly CLI 1.34.20, Redoc's script inlined). make docs names it in
// ICONECT_DOCS_PAGE; otherwise it is looked for at its default path.
const defaultDocsPage = "../build/docs/iconect-api.html"

// operationAnchor is Redoc's anchor of an operation's section: the section
// of getRecord is <div ... id="operation/getRecord">.
var operationAnchor = regexp.MustCompile(`\sid="operation/([^"]+)"`)

// What would make the page load something from the network, or need a
// second file: any script or stylesheet by reference, the CDNs the Redocly
// tools use, Google Fonts.
var notOffline = []*regexp.Regexp{
	regexp.MustCompile(`<script\b[^>]*\bsrc\s*=`),
	regexp.MustCompile(`<link\b[^>]*>`),
	regexp.MustCompile(`<iframe\b`),
	regexp.MustCompile(`@import\b`),
	regexp.MustCompile(`url\(\s*["']?(https?:)?//`),
	regexp.MustCompile(`cdn\.redoc(ly\.com|\.ly)`),
	regexp.MustCompile(`fonts\.(googleapis|gstatic)\.com`),
}

// docsPageProblems lists what is wrong with a reference page for a spec
// with operationIds ids: an operation it has no section for, a section of an
// operation the spec lacks (a page built from another spec), and anything it
// would fetch.
func docsPageProblems(page string, ids []string) []string {
	var problems []string
	onPage := map[string]bool{}
	for _, m := range operationAnchor.FindAllStringSubmatch(page, -1) {
		onPage[m[1]] = true
	}
	for _, id := range ids {
		if !onPage[id] {
			problems = append(problems, fmt.Sprintf("operation %s has no section (id=\"operation/%s\")", id, id))
		}
	}
	for _, id := range sortedKeys(onPage) {
		if !slices.Contains(ids, id) {
			problems = append(problems, fmt.Sprintf("the page has a section for operation %s, which the spec does not have", id))
		}
	}
	for _, re := range notOffline {
		if m := re.FindString(page); m != "" {
			problems = append(problems, fmt.Sprintf("the page is not offline: %q (%s)", m, re))
		}
	}
	return problems
}

func specOperationIDs(t *testing.T) []string {
	t.Helper()
	var ids []string
	for _, o := range operations(loadSpec(t)) {
		ids = append(ids, o.op.OperationID)
	}
	require.Len(t, ids, 60)
	return ids
}

// The built page has a section for every operationId of the spec, none for
// another, and loads nothing from the network (docsPageProblems).
func TestDocsPageNamesEveryOperation(t *testing.T) {
	path := os.Getenv("ICONECT_DOCS_PAGE")
	if path == "" {
		path = defaultDocsPage
	}
	page, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("no reference page at %s: make docs builds it, then runs this test", path)
	}
	require.NoError(t, err)
	assert.Empty(t, docsPageProblems(string(page), specOperationIDs(t)), "%s", path)
}

// The check itself, on made-up pages: it notices a missing or extra
// operation and an external script.
func TestDocsPageProblems(t *testing.T) {
	section := func(id string) string {
		return fmt.Sprintf(`<div data-section-id="operation/%s" id="operation/%s"></div>`, id, id)
	}
	ids := []string{"getRecord", "listRecords"}
	assert.Empty(t, docsPageProblems("<script>x</script>"+section("getRecord")+section("listRecords"), ids))
	assert.Equal(t, []string{`operation listRecords has no section (id="operation/listRecords")`},
		docsPageProblems(section("getRecord")+`<div id="tag/Records/operation/listRecords"></div>`, ids),
		"the tag-prefixed anchor and data-section-id do not count")
	assert.Equal(t, []string{"the page has a section for operation deleteRecord, which the spec does not have"},
		docsPageProblems(section("getRecord")+section("listRecords")+section("deleteRecord"), ids))
	problems := docsPageProblems(section("getRecord")+section("listRecords")+
		`<script src="https://cdn.redocly.com/redoc/v2.5.3/bundles/redoc.standalone.js"></script>`, ids)
	assert.Len(t, problems, 2, "%q", problems) // the <script src> and the CDN
}

// A page built from a copy of the spec without one operation fails the
// check, naming that operation. It runs api/docs/build.mjs (3-5 s), so only
// under make docs (ICONECT_DOCS_PAGE set), after its npm ci in api/docs.
func TestDocsPageMissesARemovedOperation(t *testing.T) {
	if os.Getenv("ICONECT_DOCS_PAGE") == "" {
		t.Skip("builds a page (3-5 s): make docs runs it")
	}
	if _, err := os.Stat("docs/node_modules/.bin/redocly"); err != nil {
		t.Skip("api/docs/node_modules is not installed: make docs installs it (npm ci), then runs this test")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found: make docs needs it")
	}
	ids := specOperationIDs(t)
	removed := ids[len(ids)-1]
	t.Logf("building a page from openapi.yaml without %s", removed)

	var doc yaml.Node
	spec, err := os.ReadFile("openapi.yaml")
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(spec, &doc))
	require.True(t, removeOperation(doc.Content[0], removed), "%s not found in openapi.yaml", removed)
	altered, err := yaml.Marshal(&doc)
	require.NoError(t, err)

	dir := t.TempDir()
	specPath, pagePath := filepath.Join(dir, "openapi.yaml"), filepath.Join(dir, "page.html")
	require.NoError(t, os.WriteFile(specPath, altered, 0o644))
	out, err := exec.Command(node, "docs/build.mjs", specPath, pagePath).CombinedOutput()
	require.NoError(t, err, "%s", out)
	page, err := os.ReadFile(pagePath)
	require.NoError(t, err)

	assert.Equal(t, []string{fmt.Sprintf(`operation %s has no section (id="operation/%s")`, removed, removed)},
		docsPageProblems(string(page), ids))
	assert.Empty(t, docsPageProblems(string(page), slices.DeleteFunc(slices.Clone(ids), func(id string) bool {
		return id == removed
	})), "the page names every operation left")
}

// removeOperation deletes the operation with operationId id from the spec
// (a YAML mapping node), and its path if nothing else is left there.
func removeOperation(spec *yaml.Node, id string) bool {
	paths := mappingValue(spec, "paths")
	if paths == nil {
		return false
	}
	for i := 1; i < len(paths.Content); i += 2 {
		item := paths.Content[i]
		for j := 0; j+1 < len(item.Content); j += 2 {
			op := item.Content[j+1]
			if v := mappingValue(op, "operationId"); v != nil && v.Value == id {
				item.Content = slices.Delete(item.Content, j, j+2)
				if !hasMethod(item) {
					paths.Content = slices.Delete(paths.Content, i-1, i+1)
				}
				return true
			}
		}
	}
	return false
}

// hasMethod says whether a path item still has an operation.
func hasMethod(item *yaml.Node) bool {
	for i := 0; i < len(item.Content); i += 2 {
		switch strings.ToLower(item.Content[i].Value) {
		case "get", "put", "post", "delete", "options", "head", "patch", "trace":
			return true
		}
	}
	return false
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
