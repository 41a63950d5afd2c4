package iconecttest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidatorRoutes(t *testing.T) {
	v, err := NewValidator()
	require.NoError(t, err)
	assert.Len(t, v.Routes(), 60)

	r, params, _, err := v.Route("POST", "/projects/5/filestores/items", nil)
	require.NoError(t, err)
	assert.Equal(t, "getFileStoreItems", r.OperationID, "a literal segment beats a parameter")
	assert.Equal(t, map[string]string{"project_id": "5"}, params)

	r, params, _, err = v.Route("GET", "/projects/5/filestores/7", nil)
	require.NoError(t, err)
	assert.Equal(t, "getFileStore", r.OperationID)
	assert.Equal(t, "7", params["filestore_id"])

	_, _, allowed, err := v.Route("PATCH", "/projects/5/jobs/3/start", nil)
	assert.ErrorIs(t, err, ErrMethodNotAllowed)
	assert.ElementsMatch(t, []string{"PUT", "POST"}, allowed)

	_, _, _, err = v.Route("GET", "/projects/5/nothing", nil)
	assert.ErrorIs(t, err, ErrRouteNotFound)
	_, _, _, err = v.Route("GET", "/projects//fields", nil)
	assert.ErrorIs(t, err, ErrRouteNotFound, "an empty parameter matches nothing")

	_, _, _, err = v.Route("GET", "/projects/5/fields", func(id string) bool { return id == "listFields" })
	assert.ErrorIs(t, err, ErrMethodNotAllowed, "createFields still has the path")
}

func TestValidatorResponses(t *testing.T) {
	v, err := NewValidator()
	require.NoError(t, err)
	req := httptest.NewRequest("GET", "/projects/5/batchsets/8", nil)
	r, params, _, err := v.Route(req.Method, req.URL.Path, nil)
	require.NoError(t, err)
	h := http.Header{"Content-Type": []string{"application/json"}}
	ctx := context.Background()

	ok := []byte(`{"id":5,"name":"Review Batch Set","description":"d","data_store_id":0,"is_valid":true}`)
	assert.NoError(t, v.ValidateResponse(ctx, req, r, params, 200, h, ok))
	assert.NoError(t, v.ValidateResponse(ctx, req, r, params, 404, h, []byte(`{"iconect_error":"Batch set 8 not found."}`)))

	err = v.ValidateResponse(ctx, req, r, params, 200, h, []byte(`{"id":"five"}`))
	var ve *ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, "getBatchSet", ve.OperationID)
	assert.NotContains(t, ve.Message, "\n", "one readable line")
	assert.Error(t, v.ValidateResponse(ctx, req, r, params, 418, h, ok), "an undeclared status is a violation")
}

func TestFakeClock(t *testing.T) {
	start := time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)
	c := NewFakeClock(start)
	early, late := c.After(time.Second), c.After(time.Minute)
	assert.Equal(t, 2, c.Waiters())
	c.Advance(2 * time.Second)
	assert.Equal(t, start.Add(2*time.Second), <-early)
	select {
	case <-late:
		t.Fatal("fired early")
	default:
	}
	c.Set(start) // never backwards
	assert.Equal(t, start.Add(2*time.Second), c.Now())
	c.Advance(time.Hour)
	<-late
	assert.Equal(t, 0, c.Waiters())
	<-c.After(0)
}
