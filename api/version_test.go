package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

var updateProvenance = flag.Bool("update-provenance", false, "rewrite the hashes and generator version in VERSION.yaml")

// provenance is api/VERSION.yaml.
type provenance struct {
	Vendor struct {
		DocsTitle              string `yaml:"docs_title"`
		DocsDate               string `yaml:"docs_date"`
		APIVersion             string `yaml:"api_version"`
		RequiredIconectVersion string `yaml:"required_iconect_version"`
		Source                 string `yaml:"source"`
	} `yaml:"vendor"`
	Spec struct {
		Path        string `yaml:"path"`
		InfoVersion string `yaml:"info_version"`
		SHA256      string `yaml:"sha256"`
	} `yaml:"spec"`
	Generator struct {
		OapiCodegen    string `yaml:"oapi-codegen"`
		ConfigSHA256   string `yaml:"config_sha256"`
		InternalSHA256 string `yaml:"internal_sha256"`
	} `yaml:"generator"`
}

// hashFiles hashes files in name order: for each, its slash path, a NUL, its
// bytes and a NUL, so `make generate`'s inputs have one fingerprint.
func hashFiles(t *testing.T, patterns ...string) string {
	t.Helper()
	var files []string
	for _, p := range patterns {
		m, err := filepath.Glob(p)
		require.NoError(t, err)
		for _, f := range m {
			if !strings.HasSuffix(f, "_test.go") {
				files = append(files, f)
			}
		}
	}
	require.NotEmpty(t, files, "%v", patterns)
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		h.Write([]byte(filepath.ToSlash(f) + "\x00"))
		h.Write(data)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// VERSION.yaml says which vendor docs, iCONECT version, spec bytes and
// generator produced gen/; it must agree with the files. After a deliberate
// change: go test ./api/ -run TestProvenance -update-provenance
func TestProvenance(t *testing.T) {
	data, err := os.ReadFile("VERSION.yaml")
	require.NoError(t, err)
	var p provenance
	require.NoError(t, yaml.Unmarshal(data, &p))

	spec, err := os.ReadFile("openapi.yaml")
	require.NoError(t, err)
	sum := sha256.Sum256(spec)
	got := map[string]string{
		"sha256":          hex.EncodeToString(sum[:]),
		"config_sha256":   hashFiles(t, "codegen/*.yaml"),
		"internal_sha256": hashFiles(t, "../internal/cmd/genenums/*.go", "../internal/cmd/genops/*.go"),
	}
	mod, err := os.ReadFile("../go.mod")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^\s*github\.com/oapi-codegen/oapi-codegen/v2 (v\S+)`).FindSubmatch(mod)
	require.NotNil(t, m, "go.mod requires oapi-codegen")
	got["oapi-codegen"] = string(m[1])

	if *updateProvenance {
		out := string(data)
		for key, v := range got {
			re := regexp.MustCompile(`(?m)^(\s+` + regexp.QuoteMeta(key) + `:[ \t]*)[^\s#]*(.*)$`)
			require.True(t, re.MatchString(out), "VERSION.yaml has no %s", key)
			out = re.ReplaceAllString(out, "${1}"+v+"${2}")
		}
		require.NoError(t, os.WriteFile("VERSION.yaml", []byte(out), 0o644))
		require.NoError(t, yaml.Unmarshal([]byte(out), &p))
	}

	const how = "after reviewing the change, run make provenance (go test ./api/ -run TestProvenance -update-provenance)"
	assert.Equal(t, "api/openapi.yaml", p.Spec.Path)
	assert.Equal(t, got["sha256"], p.Spec.SHA256, "spec.sha256 is not api/openapi.yaml's: %s", how)
	assert.Equal(t, got["config_sha256"], p.Generator.ConfigSHA256, "generator.config_sha256 is not api/codegen/*.yaml's: %s", how)
	assert.Equal(t, got["internal_sha256"], p.Generator.InternalSHA256, "generator.internal_sha256 is not genenums' and genops': %s", how)
	assert.Equal(t, got["oapi-codegen"], p.Generator.OapiCodegen, "generator.oapi-codegen is not go.mod's: %s", how)

	doc := loadSpec(t)
	info := doc.Info.Extensions
	assert.Equal(t, p.Spec.InfoVersion, doc.Info.Version, "spec.info_version")
	assert.Equal(t, p.Vendor.DocsDate, fmt.Sprint(info["x-iconect-docs-date"]), "vendor.docs_date is info.x-iconect-docs-date")
	assert.Equal(t, p.Vendor.DocsTitle, fmt.Sprint(info["x-iconect-vendor-title"]), "vendor.docs_title is info.x-iconect-vendor-title")
	assert.Equal(t, p.Vendor.APIVersion, fmt.Sprint(info["x-iconect-vendor-version"]), "vendor.api_version is info.x-iconect-vendor-version")
	assert.Equal(t, p.Vendor.RequiredIconectVersion, fmt.Sprint(info["x-iconect-required-version"]), "vendor.required_iconect_version")

	// The source follows the evidence: once any operation is confirmed by the
	// vendor's own spec, the spec is no longer a pure reconstruction.
	source := "docs-text"
	for _, o := range operations(doc) {
		if ev, ok := o.op.Extensions["x-iconect-evidence"].(map[string]any); ok && ev["level"] == "vendor-spec" {
			source = "vendor-spec"
		}
	}
	assert.Equal(t, source, p.Vendor.Source, "vendor.source (docs-text until reconciled with the vendor's OpenAPI file, then vendor-spec)")
}
