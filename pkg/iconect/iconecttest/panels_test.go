package iconecttest

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/gen"
)

func TestPanels(t *testing.T) {
	s := NewServer()
	defer s.Close()
	pid := newTestProject(t, s)
	base := fmt.Sprintf("/projects/%d/panels", pid)
	_, body := call(t, s, "GET", fmt.Sprintf("/projects/%d/fields", pid), nil)
	field := decode[[]gen.Field](t, body)[0].ID

	code, body := call(t, s, "POST", base, map[string]any{"name": "GENERAL", "type": 0, "location": 2})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	general := decode[gen.Panel](t, body)
	code, body = call(t, s, "POST", base, map[string]any{"name": "Review CR", "type": 1, "location": 4,
		"custom_related_settings": map[string]any{"matching_field_ids": []int64{field}, "display_field_ids": []int64{field}}})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	cr := decode[gen.Panel](t, body)
	assert.Equal(t, []int64{field}, cr.CustomRelatedSettings.MatchingFieldIds)

	_, body = call(t, s, "GET", base, nil)
	assert.Len(t, decode[[]gen.Panel](t, body), 2)
	_, body = call(t, s, "GET", base+"?type=1", nil)
	only := decode[[]gen.Panel](t, body)
	require.Len(t, only, 1)
	assert.Equal(t, cr.ID, only[0].ID)

	code, body = call(t, s, "PUT", fmt.Sprintf("%s/%d", base, cr.ID), map[string]any{"name": "Review CR Update", "location": 6})
	require.Equal(t, http.StatusOK, code, "%s", body)
	up := decode[gen.Panel](t, body)
	assert.Equal(t, "Review CR Update", *up.Name)
	assert.Equal(t, int64(6), up.Location)
	assert.Equal(t, gen.PanelTypeValue1, up.Type, "the type cannot change")

	code, body = call(t, s, "GET", fmt.Sprintf("%s/%d", base, general.ID), nil)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "GENERAL", *decode[gen.Panel](t, body).Name)

	for name, tc := range map[string]struct {
		method, path string
		body         any
		code         int
	}{
		"related needs match": {"POST", base, map[string]any{"name": "X", "type": 1}, 400},
		"unknown field":       {"POST", base, map[string]any{"name": "X", "custom_related_settings": map[string]any{"display_field_ids": []int64{999999}}}, 400},
		"unknown panel":       {"GET", base + "/999999", nil, 404},
		"update unknown":      {"PUT", base + "/999999", map[string]any{"name": "x"}, 404},
		"update bad field":    {"PUT", fmt.Sprintf("%s/%d", base, cr.ID), map[string]any{"custom_related_settings": map[string]any{"matching_field_ids": []int64{}}}, 400},
		"unknown project":     {"POST", "/projects/999999/panels", map[string]any{"name": "X"}, 404},
	} {
		code, body := call(t, s, tc.method, tc.path, tc.body)
		assert.Equal(t, tc.code, code, "%s: %s", name, body)
		assert.NotEmpty(t, errorMessage(t, body), name)
	}
}
