package contract

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// prismBin is Prism as `npm ci` in internal/contract/prism installs it;
// these tests skip when it is not installed (.ci/run installs it and runs
// the Prism leg after the tests).
func prismBin(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts Prism")
	}
	bin, err := filepath.Abs(filepath.Join("prism", "node_modules", ".bin", "prism"))
	require.NoError(t, err)
	if _, err := os.Stat(bin); err != nil {
		t.Skip("Prism is not installed (cd internal/contract/prism && npm ci)")
	}
	return bin
}

func TestPrism(t *testing.T) {
	bin := prismBin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := RunFakeThroughPrism(ctx, bin, filepath.Join("..", "..", "api", "openapi.yaml"), nil)
	require.NoError(t, err)
	var text strings.Builder
	require.NoError(t, rep.WriteText(&text))
	assert.False(t, rep.Failed(), text.String())
	assert.Equal(t, "contract: 60/60 operations exercised, 0 violations, 0 paths not found", rep.Summary())
	require.NotNil(t, rep.Prism)
	assert.Empty(t, rep.Prism.Violations)
	assert.Equal(t, []string{"uploadFileStoreFile", "uploadNativeFile"}, rep.Prism.NotChecked)
	assert.Len(t, rep.Prism.Checked, 58)
}

// Prism, given the altered spec, finds the violation itself (the Go
// validator is given the real spec here, so only Prism can).
func TestPrismCatchesAlteredSpec(t *testing.T) {
	bin := prismBin(t)
	spec := alteredSpec(t, func(doc *openapi3.T) {
		doc.Components.Schemas["Project"].Value.Properties["name"].Value.Type = &openapi3.Types{openapi3.TypeInteger}
	})
	file := filepath.Join(t.TempDir(), "altered.json")
	require.NoError(t, os.WriteFile(file, spec, 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := RunFakeThroughPrism(ctx, bin, file, nil)
	require.NoError(t, err)
	assert.True(t, rep.Failed())
	require.NotEmpty(t, rep.Prism.Violations)
	v := rep.Prism.Violations[0]
	assert.Equal(t, "createProject", v.OperationID)
	assert.Contains(t, []string{"sl-violations", "problem+json"}, v.Source)
	assert.Contains(t, v.Message, "name")
}
