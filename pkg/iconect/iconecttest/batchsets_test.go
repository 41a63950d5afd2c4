package iconecttest

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// createBatchSet makes a batch set through the API and returns it.
func createBatchSet(t *testing.T, s *Server, pid int64, name string) gen.BatchSet {
	t.Helper()
	code, body := call(t, s, "POST", fmt.Sprintf("/projects/%d/batchsets", pid), map[string]any{"name": name, "description": name + " description", "data": ""})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	return decode[gen.BatchSet](t, body)
}

func TestBatchSets(t *testing.T) {
	s := NewServer(WithProject(SeedProject{Name: "Matter"}))
	defer s.Close()
	pid, _ := s.ProjectID("Matter")
	base := fmt.Sprintf("/projects/%d/batchsets", pid)

	code, body := call(t, s, "GET", base, nil)
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.JSONEq(t, `[]`, string(body), "no batch sets yet: an empty array, not null")

	bs := createBatchSet(t, s, pid, "Review Batch Set")
	assert.NotZero(t, bs.ID)
	assert.Equal(t, "Review Batch Set", *bs.Name)
	assert.Equal(t, "Review Batch Set description", *bs.Description)
	assert.Zero(t, bs.DataStoreID)
	assert.True(t, bs.IsValid)
	other := createBatchSet(t, s, pid, "Second")

	code, body = call(t, s, "GET", base, nil)
	require.Equal(t, http.StatusOK, code)
	list := decode[[]gen.BatchSet](t, body)
	require.Len(t, list, 2)
	assert.Equal(t, []int64{bs.ID, other.ID}, []int64{list[0].ID, list[1].ID}, "in ID order")

	code, body = call(t, s, "GET", fmt.Sprintf("%s/%d", base, bs.ID), nil)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, bs, decode[gen.BatchSet](t, body))

	code, body = call(t, s, "PUT", fmt.Sprintf("%s/%d", base, bs.ID), map[string]any{"name": "Updated Batch Set Name"})
	require.Equal(t, http.StatusOK, code, "%s", body)
	up := decode[gen.BatchSet](t, body)
	assert.Equal(t, "Updated Batch Set Name", *up.Name)
	assert.Nil(t, up.Description, "PUT replaces: an omitted description becomes null")
	_, body = call(t, s, "GET", fmt.Sprintf("%s/%d", base, bs.ID), nil)
	assert.Equal(t, up, decode[gen.BatchSet](t, body))

	code, body = call(t, s, "DELETE", fmt.Sprintf("%s/%d", base, bs.ID), nil)
	assert.Equal(t, http.StatusNoContent, code)
	assert.Empty(t, body)
	code, body = call(t, s, "GET", fmt.Sprintf("%s/%d", base, bs.ID), nil)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, fmt.Sprintf("Batch set %d not found.", bs.ID), errorMessage(t, body))
	_, body = call(t, s, "GET", base, nil)
	assert.Len(t, decode[[]gen.BatchSet](t, body), 1)
}

func TestBatchSetErrors(t *testing.T) {
	s := NewServer(WithProject(SeedProject{Name: "Matter"}))
	defer s.Close()
	pid, _ := s.ProjectID("Matter")
	base := fmt.Sprintf("/projects/%d/batchsets", pid)
	bs := createBatchSet(t, s, pid, "Set")

	for _, tc := range []struct {
		name, method, path string
		body               any
		want               int
	}{
		{"create without name", "POST", base, map[string]any{"description": "d"}, http.StatusBadRequest},
		{"update unknown set", "PUT", base + "/999999", map[string]any{"name": "x"}, http.StatusNotFound},
		{"get unknown set", "GET", base + "/999999", nil, http.StatusNotFound},
		{"delete unknown set", "DELETE", base + "/999999", nil, http.StatusNotFound},
		{"list in unknown project", "GET", "/projects/999999/batchsets", nil, http.StatusNotFound},
		{"create in unknown project", "POST", "/projects/999999/batchsets", map[string]any{"name": "x"}, http.StatusNotFound},
		{"get in unknown project", "GET", fmt.Sprintf("/projects/999999/batchsets/%d", bs.ID), nil, http.StatusNotFound},
		{"update in unknown project", "PUT", fmt.Sprintf("/projects/999999/batchsets/%d", bs.ID), map[string]any{"name": "x"}, http.StatusNotFound},
		{"delete in unknown project", "DELETE", fmt.Sprintf("/projects/999999/batchsets/%d", bs.ID), nil, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := call(t, s, tc.method, tc.path, tc.body)
			assert.Equal(t, tc.want, code, "%s", body)
			assert.NotEmpty(t, errorMessage(t, body))
		})
	}
	_, body := call(t, s, "GET", fmt.Sprintf("%s/%d", base, bs.ID), nil)
	assert.Equal(t, "Set", *decode[gen.BatchSet](t, body).Name, "failed updates change nothing")
}

func TestDeleteBatchSetDeletesItsBatches(t *testing.T) {
	s, pid := batchServer(t, 4)
	defer s.Close()
	bs := createBatchSet(t, s, pid, "Set")
	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 2, "prefix": "IN", "batch_set_id": bs.ID}})
	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 4, "prefix": "OUT"}})
	require.Equal(t, []string{"IN-0001", "IN-0002", "OUT-0001"}, batchNames(listBatches(t, s, pid, "unassigned", "", nil)))

	code, _ := call(t, s, "DELETE", fmt.Sprintf("/projects/%d/batchsets/%d", pid, bs.ID), nil)
	require.Equal(t, http.StatusNoContent, code)
	assert.Equal(t, []string{"OUT-0001"}, batchNames(listBatches(t, s, pid, "unassigned", "", nil)))
}
