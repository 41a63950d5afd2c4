package iconect

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/gen"
)

func TestViews(t *testing.T) {
	c, srv, pid, _, recs := seededPanel(t)
	ctx := context.Background()
	inView := func(viewID int64) []int64 {
		t.Helper()
		res, err := c.api.ListRecordsWithResponse(ctx, pid, &gen.ListRecordsParams{ViewID: &viewID})
		require.NoError(t, err)
		require.NotNil(t, res.JSON200)
		return recordIDs(*res.JSON200)
	}

	v, err := c.Views.Create(ctx, pid, ViewOfRecords(recs[0], recs[2]))
	require.NoError(t, err)
	assert.Positive(t, v)
	assert.Equal(t, []int64{recs[0], recs[2]}, inView(v))

	v, err = c.Views.Create(ctx, pid, ViewOfSearch("alpha"))
	require.NoError(t, err)
	assert.Equal(t, []int64{recs[0], recs[2]}, inView(v))

	req := ViewOfRecords(recs[0])
	req.InvertSelection = Ptr(true)
	req.ExpiryDate = Ptr(time.Now().Add(time.Hour))
	req.SearchQuery = Ptr("") // empty: absent, and not sent
	v, err = c.Views.Create(ctx, pid, req)
	require.NoError(t, err)
	assert.Equal(t, []int64{recs[1], recs[2]}, inView(v))
	assert.Equal(t, "", *req.SearchQuery, "the caller's request is not changed")

	// 404 and refusals by the API.
	_, err = c.Views.Create(ctx, 999999, ViewOfSearch("alpha"))
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.Views.Create(ctx, pid, ViewOfRecords(999999))
	assert.True(t, IsValidation(err), "%v", err)
	var apiErr *Error
	assert.ErrorAs(t, err, &apiErr)

	// Refused before sending.
	sent := srv.RequestCount("createView")
	both := ViewOfRecords(recs[0])
	both.SearchQuery = Ptr("alpha")
	past := ViewOfSearch("alpha")
	past.ExpiryDate = Ptr(time.Now().Add(-time.Minute))
	for name, r := range map[string]CreateViewRequest{
		"both":          both,
		"neither":       {},
		"empty IDs":     ViewOfRecords(),
		"empty query":   ViewOfSearch(""),
		"blank query":   ViewOfSearch("  "),
		"past expiry":   past,
		"zero ID":       ViewOfRecords(recs[0], 0),
		"negative ID":   ViewOfRecords(-3),
		"empty + blank": {SelectedIds: []int64{}, SearchQuery: Ptr("")},
	} {
		_, err := c.Views.Create(ctx, pid, r)
		var v *ValidationError
		assert.ErrorAs(t, err, &v, name)
	}
	_, err = c.Views.Create(ctx, 0, ViewOfSearch("alpha"))
	assert.True(t, IsValidation(err))
	assert.Equal(t, sent, srv.RequestCount("createView"), "nothing sent")
}
