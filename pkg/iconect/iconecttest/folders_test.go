package iconecttest

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/gen"
)

func TestFolderTreeAndRecords(t *testing.T) {
	s := NewServer(WithProject(SeedProject{Name: "Seeded", Fields: []string{"Title"},
		Records: []map[string]string{{"Title": "a"}, {"Title": "b"}, {"Title": "c"}}}))
	defer s.Close()
	pid, ok := s.ProjectID("Seeded")
	require.True(t, ok)
	code, body := call(t, s, "POST", fmt.Sprintf("/projects/%d/panels", pid), map[string]any{"name": "Review Workflow"})
	require.Equal(t, http.StatusCreated, code)
	panel := decode[gen.Panel](t, body).ID
	base := fmt.Sprintf("/projects/%d/panels/%d/folders", pid, panel)

	mk := func(name string, parent int64) gen.Folder {
		code, body := call(t, s, "POST", base, map[string]any{"name": name, "parent_id": parent})
		require.Equal(t, http.StatusCreated, code, "%s", body)
		return decode[gen.Folder](t, body)
	}
	top := mk("Reviewed", 0)
	assert.Equal(t, "|Review Workflow|Reviewed|", *top.SearchName, "as the docs' example")
	child := mk("Privileged", top.ID)
	grand := mk("Redact", child.ID)
	assert.Equal(t, "|Review Workflow|Reviewed|Privileged|Redact|", *grand.SearchName)
	other := mk("Hot", 0)

	_, body = call(t, s, "GET", base, nil)
	tops := decode[[]gen.Folder](t, body)
	require.Len(t, tops, 2, "only the immediate children of the top level")
	assert.True(t, tops[0].HasChildren)
	assert.False(t, tops[1].HasChildren)
	_, body = call(t, s, "GET", fmt.Sprintf("%s?parent_id=%d", base, top.ID), nil)
	assert.Equal(t, []int64{child.ID}, ids(decode[[]gen.Folder](t, body)))

	_, body = call(t, s, "GET", fmt.Sprintf("/projects/%d/records?page_size=10", pid), nil)
	recs := decode[[]gen.Record](t, body)
	require.Len(t, recs, 3)
	r1, r2 := *recs[0].ID, *recs[1].ID
	code, body = call(t, s, "POST", fmt.Sprintf("%s/%d/records", base, child.ID), []int64{r1, r2})
	require.Equal(t, http.StatusOK, code, "%s", body)
	_, body = call(t, s, "GET", fmt.Sprintf("%s/%d/records", base, child.ID), nil)
	in := decode[[]gen.Record](t, body)
	require.Len(t, in, 2)
	assert.Equal(t, "a", in[0].FieldData[firstKey(in[0].FieldData)])

	code, _ = call(t, s, "DELETE", fmt.Sprintf("%s/%d/records", base, child.ID), []int64{r1})
	require.Equal(t, http.StatusOK, code)
	_, body = call(t, s, "GET", fmt.Sprintf("%s/%d/records", base, child.ID), nil)
	assert.Len(t, decode[[]gen.Record](t, body), 1)
	_, body = call(t, s, "GET", fmt.Sprintf("/projects/%d/records", pid), nil)
	assert.Len(t, decode[[]gen.Record](t, body), 3, "removing from a folder keeps the record")

	code, body = call(t, s, "PUT", fmt.Sprintf("%s/%d", base, other.ID), map[string]any{"name": "Hot Docs", "parent_id": top.ID,
		"folder_settings": map[string]any{"color": 3}})
	require.Equal(t, http.StatusOK, code, "%s", body)
	moved := decode[gen.Folder](t, body)
	assert.Equal(t, "|Review Workflow|Reviewed|Hot Docs|", *moved.SearchName)
	assert.Equal(t, int32(3), *moved.FolderSettings.Color)
	assert.Equal(t, int32(1), *moved.FolderSettings.Icon, "settings not sent are kept")

	code, body = call(t, s, "DELETE", fmt.Sprintf("%s/%d", base, top.ID), nil)
	require.Equal(t, http.StatusOK, code, "%s", body)
	for _, f := range []gen.Folder{top, child, grand, moved} {
		code, _ := call(t, s, "GET", fmt.Sprintf("%s/%d", base, f.ID), nil)
		assert.Equal(t, http.StatusNotFound, code, "deleteFolder removes the subtree")
	}

	keep := mk("Keep", 0)
	for name, tc := range map[string]struct {
		method, path string
		body         any
		code         int
	}{
		"unknown parent":     {"POST", base, map[string]any{"name": "x", "parent_id": 999999}, 400},
		"unknown panel":      {"GET", fmt.Sprintf("/projects/%d/panels/999999/folders", pid), nil, 404},
		"list bad parent":    {"GET", base + "?parent_id=999999", nil, 404},
		"get unknown":        {"GET", base + "/999999", nil, 404},
		"under itself":       {"PUT", fmt.Sprintf("%s/%d", base, keep.ID), map[string]any{"parent_id": keep.ID}, 400},
		"add unknown record": {"POST", fmt.Sprintf("%s/%d/records", base, keep.ID), []int64{999999999}, 400},
		"add none":           {"POST", fmt.Sprintf("%s/%d/records", base, keep.ID), []int64{}, 400},
		"remove from none":   {"DELETE", base + "/999999/records", []int64{r1}, 404},
		"delete unknown":     {"DELETE", base + "/999999", nil, 404},
		"not an array":       {"POST", fmt.Sprintf("%s/%d/records", base, keep.ID), map[string]any{"ids": 1}, 400},
	} {
		code, body := call(t, s, tc.method, tc.path, tc.body)
		assert.Equal(t, tc.code, code, "%s: %s", name, body)
		assert.NotEmpty(t, errorMessage(t, body), name)
	}
}

func ids(fs []gen.Folder) []int64 {
	out := make([]int64, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

func firstKey(m map[string]any) string {
	for k := range m {
		return k
	}
	return ""
}
