package iconecttest

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListNativeImportTemplates(t *testing.T) {
	s := NewServer()
	defer s.Close()
	code, body := call(t, s, "POST", "/projects", map[string]any{"name": "Matter", "client_id": 11, "dataservers_id": s.DataServerID})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	pid := decode[gen.Project](t, body).ID

	for _, typ := range []int{0, 1, 42} {
		code, body = call(t, s, "GET", fmt.Sprintf("/projects/%d/templates/%d", pid, typ), nil)
		require.Equal(t, http.StatusOK, code, "%s", body)
		ts := decode[[]gen.NativeImportTemplate](t, body)
		require.Len(t, ts, 1, "every type lists the native import templates")
		tp := ts[0]
		assert.Equal(t, "Native Import Template", *tp.Name)
		assert.Equal(t, "Default.csv", *tp.FieldTemplateFile)
		assert.Equal(t, "Default.ini", *tp.ProcessingOptionsFile)
		assert.EqualValues(t, 3, *tp.DeduplicationLevel)
		assert.Equal(t, "000000", *tp.NumberingPrefix)
		assert.True(t, *tp.CreatePlaceholders)
	}

	_, body = call(t, s, "GET", fmt.Sprintf("/projects/%d/templates/0", s.TemplateProjectID), nil)
	other := decode[[]gen.NativeImportTemplate](t, body)
	require.Len(t, other, 1)
	_, body = call(t, s, "GET", fmt.Sprintf("/projects/%d/templates/0", pid), nil)
	assert.NotEqual(t, other[0].ID, decode[[]gen.NativeImportTemplate](t, body)[0].ID, "each project has its own")

	code, body = call(t, s, "GET", "/projects/99999/templates/0", nil)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, errorMessage(t, body), "99999")
}
