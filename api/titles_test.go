package api_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A component schema named by the vendor (x-iconect-name) carries that name
// as its title too, so renderings and tools name the type as the vendor does
// while the component key stays a Go-friendly name.
func TestVendorNamedSchemasHaveTitle(t *testing.T) {
	doc := loadSpec(t)
	require.NotNil(t, doc.Components)
	named := 0
	for _, name := range sortedKeys(doc.Components.Schemas) {
		s := doc.Components.Schemas[name].Value
		if s == nil {
			continue
		}
		vendor, ok := s.Extensions["x-iconect-name"].(string)
		if !ok {
			continue
		}
		named++
		assert.Equal(t, vendor, s.Title, "components/schemas/%s: title should be its x-iconect-name", name)
	}
	assert.Positive(t, named, "no component schema has an x-iconect-name")
}
