package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/gen"
)

// The generated client sends array query parameters as repeated keys (what
// ASP.NET Core binds) and decodes the answer into the generated types.
func TestGeneratedClientRepeatsArrayKeysAndDecodes(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"field_data":{"228":"a","229":null,"230":12.5},"id":14,"version":266001}]`))
	}))
	defer srv.Close()

	c, err := gen.NewClientWithResponses(srv.URL)
	require.NoError(t, err)
	page, size := int64(2), int32(10)
	res, err := c.ListRecordsWithResponse(context.Background(), 322, &gen.ListRecordsParams{
		FieldIds: []int64{228, 229}, Page: &page, PageSize: &size,
	})
	require.NoError(t, err)

	require.NotNil(t, got)
	assert.Equal(t, http.MethodGet, got.Method)
	assert.Equal(t, "/projects/322/records", got.URL.Path)
	q, err := url.ParseQuery(got.URL.RawQuery)
	require.NoError(t, err)
	assert.Equal(t, []string{"228", "229"}, q["field_ids"])
	assert.Equal(t, "2", q.Get("page"))
	assert.Equal(t, "10", q.Get("page_size"))

	require.Equal(t, http.StatusOK, res.StatusCode())
	require.NotNil(t, res.JSON200)
	rec := (*res.JSON200)[0]
	assert.Equal(t, int64(14), *rec.ID)
	assert.Equal(t, "a", rec.FieldData["228"])
	assert.Nil(t, rec.FieldData["229"], "null values are tolerated")
	assert.Equal(t, 12.5, rec.FieldData["230"], "numbers are tolerated")
}

// A non-2xx answer decodes into the shared error body.
func TestGeneratedClientDecodesTheErrorBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"iconect_error":"Batch set not found."}`))
	}))
	defer srv.Close()

	c, err := gen.NewClientWithResponses(srv.URL)
	require.NoError(t, err)
	res, err := c.GetBatchSetWithResponse(context.Background(), 1, 99)
	require.NoError(t, err)
	require.NotNil(t, res.JSON404)
	assert.Equal(t, "Batch set not found.", res.JSON404.IconectError)
}
