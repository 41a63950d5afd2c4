package api_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every operation whose spec entry carries a guess is named in the README's
// "Known unknowns", so the list users read stays the list the spec holds.
func TestGuessesAreListedInTheReadme(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	_, known, ok := strings.Cut(string(readme), "## Known unknowns")
	require.True(t, ok, "README.md has a Known unknowns section")
	known, _, _ = strings.Cut(known, "\n## ")

	doc := loadSpec(t)
	n := 0
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if _, guessed := op.Extensions["x-iconect-guess"]; !guessed {
				continue
			}
			n++
			assert.Contains(t, known, op.OperationID, "README's Known unknowns should explain the guess of %s", op.OperationID)
		}
	}
	assert.Greater(t, n, 10, "the spec marks its guesses with x-iconect-guess")
}
