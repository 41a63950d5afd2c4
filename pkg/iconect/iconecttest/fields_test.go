package iconecttest

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/gen"
)

// newProject creates a client and a blank project through the API.
func newTestProject(t *testing.T, s *Server) int64 {
	t.Helper()
	code, body := call(t, s, "POST", "/clients", map[string]any{"name": "C", "description": "c", "state": 0})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	cid := decode[gen.Client](t, body).ID
	code, body = call(t, s, "POST", "/projects", map[string]any{"name": "P", "client_id": cid, "dataservers_id": s.DataServerID})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	return decode[gen.Project](t, body).ID
}

func TestFields(t *testing.T) {
	s := NewServer()
	defer s.Close()
	pid := newTestProject(t, s)
	base := fmt.Sprintf("/projects/%d/fields", pid)

	code, body := call(t, s, "POST", base, []map[string]any{
		{"type": 3, "name": "Numeric Field", "length": 32, "numeric_format": 3},
		{"type": 1, "name": "Notes", "length": 64, "text_format": 2, "multi_value_delimiters": ";"},
	})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	created := decode[[]gen.Field](t, body)
	require.Len(t, created, 2)
	assert.Equal(t, "Numeric Field", *created[0].Name)
	assert.Equal(t, gen.FieldTypeValue3, created[0].Type)
	assert.Equal(t, s.User.ID, created[0].CreatedByID)
	assert.Regexp(t, `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`, *created[0].CreatedDate)

	_, body = call(t, s, "GET", base, nil)
	assert.Len(t, decode[[]gen.Field](t, body), 4, "DOCID, Native File and the two new fields")

	id := created[0].ID
	code, body = call(t, s, "PUT", fmt.Sprintf("%s/%d", base, id), map[string]any{"name": "Numeric Field Updated", "numeric_format": 2})
	require.Equal(t, http.StatusOK, code, "%s", body)
	f := decode[gen.Field](t, body)
	assert.Equal(t, "Numeric Field Updated", *f.Name)
	assert.Equal(t, gen.NumericFormatValue2, f.NumericFormat)
	assert.Equal(t, int32(32), f.Length, "properties not sent are kept")

	code, body = call(t, s, "GET", fmt.Sprintf("%s/%d", base, id), nil)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "Numeric Field Updated", *decode[gen.Field](t, body).Name)

	for name, tc := range map[string]struct {
		method, path string
		body         any
		code         int
	}{
		"duplicate name":    {"POST", base, []map[string]any{{"name": "notes"}}, 400},
		"same name twice":   {"POST", base, []map[string]any{{"name": "A"}, {"name": "a"}}, 400},
		"bad type":          {"POST", base, []map[string]any{{"name": "B", "type": 12}}, 400},
		"unknown field":     {"GET", base + "/999999", nil, 404},
		"unknown project":   {"GET", "/projects/999999/fields", nil, 404},
		"update unknown":    {"PUT", base + "/999999", map[string]any{"name": "x"}, 404},
		"rename to taken":   {"PUT", fmt.Sprintf("%s/%d", base, id), map[string]any{"name": "Notes"}, 400},
		"field_id overflow": {"PUT", base + "/99999999999", map[string]any{"name": "x"}, 400},
	} {
		code, body := call(t, s, tc.method, tc.path, tc.body)
		assert.Equal(t, tc.code, code, "%s: %s", name, body)
		assert.NotEmpty(t, errorMessage(t, body), name)
	}
}

func TestProjectFromTemplateCopiesFieldsAndPanels(t *testing.T) {
	s := NewServer()
	defer s.Close()
	code, body := call(t, s, "POST", "/clients", map[string]any{"name": "C", "description": "c", "state": 0})
	require.Equal(t, http.StatusCreated, code)
	cid := decode[gen.Client](t, body).ID
	code, body = call(t, s, "POST", "/projects", map[string]any{"name": "From template", "client_id": cid,
		"dataservers_id": s.DataServerID, "project_template_id": s.TemplateProjectID})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	pid := decode[gen.Project](t, body).ID

	_, tf := call(t, s, "GET", fmt.Sprintf("/projects/%d/fields", s.TemplateProjectID), nil)
	_, pf := call(t, s, "GET", fmt.Sprintf("/projects/%d/fields", pid), nil)
	tfs, pfs := decode[[]gen.Field](t, tf), decode[[]gen.Field](t, pf)
	require.Len(t, pfs, len(tfs))
	for i := range tfs {
		assert.Equal(t, *tfs[i].Name, *pfs[i].Name)
		assert.NotEqual(t, tfs[i].ID, pfs[i].ID, "copies get their own IDs")
	}
	_, pp := call(t, s, "GET", fmt.Sprintf("/projects/%d/panels", pid), nil)
	assert.Len(t, decode[[]gen.Panel](t, pp), 2)

	_, body = call(t, s, "GET", fmt.Sprintf("/projects/%d/settings", pid), nil)
	native := decode[gen.ProjectSettings](t, body).FieldAssociations["NATIVEFIELD"]
	code, body = call(t, s, "GET", fmt.Sprintf("/projects/%d/fields/%d", pid, native), nil)
	require.Equal(t, http.StatusOK, code, "NATIVEFIELD names a field of the new project: %s", body)
	assert.Equal(t, "Native File", *decode[gen.Field](t, body).Name)
}
