package iconect

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// newBatchTest starts a fake tenant with a project of n records and
// returns the project's ID and its record IDs.
func newBatchTest(t *testing.T, n int) (*Client, *iconecttest.Server, int64, []int64) {
	t.Helper()
	records := make([]map[string]string, n)
	for i := range records {
		records[i] = map[string]string{"DOCID": fmt.Sprintf("DOC-%04d", i+1)}
	}
	c, srv := newTest(t, []iconecttest.Option{iconecttest.WithProject(iconecttest.SeedProject{Name: "Review", Records: records})})
	pid, ok := srv.ProjectID("Review")
	require.True(t, ok)
	res, err := c.api.ListRecordsWithResponse(context.Background(), pid, &gen.ListRecordsParams{PageSize: Ptr(int32(1000))})
	require.NoError(t, err)
	require.NotNil(t, res.JSON200)
	ids := make([]int64, 0, n)
	for _, r := range *res.JSON200 {
		ids = append(ids, *r.ID)
	}
	require.Len(t, ids, n)
	return c, srv, pid, ids
}

// collectBatchIDs drains an iterator, failing the test on an error.
func collectBatchIDs(t *testing.T, seq func(func(Batch, error) bool)) []int64 {
	t.Helper()
	var ids []int64
	for b, err := range seq {
		require.NoError(t, err)
		ids = append(ids, b.BatchID)
	}
	return ids
}

func oneBatchEach() CreateBatchesRequest {
	return CreateBatchesRequest{Batch: &CreateBatchStruct{BatchSize: Ptr(int32(1)), Type: Ptr(int32(0))}}
}

func TestBatchesIterate(t *testing.T) {
	c, srv, pid, _ := newBatchTest(t, 25)
	ctx := context.Background()
	require.NoError(t, c.Batches.Create(ctx, pid, oneBatchEach()))

	// One page.
	page, err := c.Batches.ListUnassigned(ctx, pid, BatchFilter{}, &BatchPageOptions{Page: 6, PageSize: 4})
	require.NoError(t, err)
	assert.Equal(t, int32(7), page.BatchesMaxPageNum)
	assert.Equal(t, int64(25), page.TotalBatches)
	require.Len(t, PageBatches(page), 1)
	all, err := c.Batches.ListUnassigned(ctx, pid, BatchFilter{}, nil)
	require.NoError(t, err)
	require.Len(t, all.AssignedBatches, 25, "the default page size is 49")

	// Every page, each batch once, in order; the options stay as given.
	opts := &BatchPageOptions{PageSize: 4}
	n := srv.RequestCount("listUnassignedBatches")
	ids := collectBatchIDs(t, c.Batches.AllUnassigned(ctx, pid, BatchFilter{}, opts))
	assert.Equal(t, 7, srv.RequestCount("listUnassignedBatches")-n, "7 pages of 4")
	require.Len(t, ids, 25)
	assert.IsIncreasing(t, ids)
	assert.Equal(t, BatchPageOptions{PageSize: 4}, *opts)

	// From a page on.
	rest := collectBatchIDs(t, c.Batches.AllUnassigned(ctx, pid, BatchFilter{}, &BatchPageOptions{Page: 5, PageSize: 4}))
	assert.Equal(t, ids[20:], rest)

	// Stopping early fetches no further page.
	n = srv.RequestCount("listUnassignedBatches")
	seen := 0
	for _, err := range c.Batches.AllUnassigned(ctx, pid, BatchFilter{}, opts) {
		require.NoError(t, err)
		if seen++; seen == 5 {
			break
		}
	}
	assert.Equal(t, 2, srv.RequestCount("listUnassignedBatches")-n)

	// Page by page, saving the position and resuming from it.
	pager, err := c.Batches.UnassignedPages(pid, BatchFilter{}, opts)
	require.NoError(t, err)
	first, err := pager.Next(ctx)
	require.NoError(t, err)
	assert.Equal(t, ids[:4], batchIDsOf(first))
	assert.Equal(t, 1, pager.Position())
	resumed, err := c.Batches.UnassignedPages(pid, BatchFilter{}, &BatchPageOptions{Page: int32(pager.Position()), PageSize: 4})
	require.NoError(t, err)
	var got []Batch
	for !resumed.Done() {
		page, err := resumed.Next(ctx)
		require.NoError(t, err)
		got = append(got, page...)
	}
	assert.Equal(t, ids[4:], batchIDsOf(got))
	assert.Equal(t, 7, resumed.Position())
	_, err = c.Batches.AssignedPages(pid, BatchFilter{}, &BatchPageOptions{Page: -1})
	assert.True(t, IsValidation(err))
	_, err = c.Batches.CompletedPages(0, CompletedBatchFilter{}, nil)
	assert.True(t, IsValidation(err))

	// Sorted descending through the filter, which is not changed either.
	filter := BatchFilter{Ascending: Ptr(false), UserIds: []int64{}}
	desc := collectBatchIDs(t, c.Batches.AllUnassigned(ctx, pid, filter, opts))
	require.Len(t, desc, 25)
	assert.IsDecreasing(t, desc)
	assert.Equal(t, BatchFilter{Ascending: Ptr(false), UserIds: []int64{}}, filter)

	// Empty lists: one request, nothing yielded.
	n = srv.RequestCount("listCompletedBatches")
	assert.Empty(t, collectBatchIDs(t, c.Batches.AllCompleted(ctx, pid, CompletedBatchFilter{}, nil)))
	assert.Empty(t, collectBatchIDs(t, c.Batches.AllAssigned(ctx, pid, BatchFilter{}, opts)))
	assert.Equal(t, 1, srv.RequestCount("listCompletedBatches")-n)

	// Errors end the walk: a 404, a validation error.
	for name, seq := range map[string]func(func(Batch, error) bool){
		"assigned":   c.Batches.AllAssigned(ctx, 999999, BatchFilter{}, nil),
		"unassigned": c.Batches.AllUnassigned(ctx, 999999, BatchFilter{}, nil),
		"completed":  c.Batches.AllCompleted(ctx, 999999, CompletedBatchFilter{}, nil),
	} {
		var errs []error
		for _, err := range seq {
			errs = append(errs, err)
		}
		require.Len(t, errs, 1, name)
		assert.True(t, IsNotFound(errs[0]), "%s: %v", name, errs[0])
	}
	for _, err := range c.Batches.AllUnassigned(ctx, pid, BatchFilter{}, &BatchPageOptions{PageSize: -1}) {
		var v *ValidationError
		assert.ErrorAs(t, err, &v)
	}
}

// TestBatchesOpenBatches checks that the iterators read open_batches too
// (an answer the fake tenant never gives: a fixed handler gives it).
func TestBatchesOpenBatches(t *testing.T) {
	var mu sync.Mutex
	var pages []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		pages = append(pages, r.URL.Query().Get("page"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Query().Get("page") {
		case "0":
			_, _ = fmt.Fprint(w, `{"assigned_batches":[{"batch_id":1,"batch_name":"A","batch_status":0}],
				"open_batches":[{"batch_id":2,"batch_name":"B","batch_status":0},{"batch_id":1,"batch_name":"A","batch_status":0}],
				"batches_max_page_num":2,"total_batches":3}`)
		default:
			_, _ = fmt.Fprint(w, `{"assigned_batches":[],"open_batches":[{"batch_id":3,"batch_name":"C","batch_status":0}],
				"batches_max_page_num":2,"total_batches":3}`)
		}
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, WithRetryPolicy(NoRetry))
	require.NoError(t, err)
	ids := collectBatchIDs(t, c.Batches.AllCompleted(context.Background(), 1, CompletedBatchFilter{}, nil))
	assert.Equal(t, []int64{1, 2, 3}, ids, "a batch in both lists of a page comes once")
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"0", "1"}, pages)
	assert.Nil(t, PageBatches(nil))
}

// TestBatchesEndlessCount checks that a page count that never ends stops
// at an empty page.
func TestBatchesEndlessCount(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("page") == "0" {
			_, _ = fmt.Fprint(w, `{"assigned_batches":[{"batch_id":1,"batch_name":"A","batch_status":3}],"open_batches":[],"batches_max_page_num":1000,"total_batches":1}`)
			return
		}
		_, _ = fmt.Fprint(w, `{"assigned_batches":[],"open_batches":[],"batches_max_page_num":1000,"total_batches":1}`)
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, WithRetryPolicy(NoRetry))
	require.NoError(t, err)
	assert.Equal(t, []int64{1}, collectBatchIDs(t, c.Batches.AllAssigned(context.Background(), 1, BatchFilter{}, nil)))
	assert.Equal(t, int32(2), requests.Load())
}

func TestBatchesLifeCycle(t *testing.T) {
	c, srv, pid, recs := newBatchTest(t, 10)
	ctx := context.Background()
	set, err := c.BatchSets.Create(ctx, pid, BatchSetRequest{Name: Ptr("First pass")})
	require.NoError(t, err)
	qc, err := c.BatchSets.Create(ctx, pid, BatchSetRequest{Name: Ptr("QC")})
	require.NoError(t, err)

	// Arbitrary batches: the first 6 records by ID, in batches of 2, in a set.
	err = c.Batches.Create(ctx, pid, CreateBatchesRequest{
		Batch:     &CreateBatchStruct{Type: Ptr(ArbitraryBatchType), BatchSize: Ptr(int32(2)), BatchSetID: &set.ID, Prefix: Ptr("REV")},
		RecordIds: recs[:6],
	})
	require.NoError(t, err)
	// ... and from a view of the other 4, in one batch outside the set.
	vres, err := c.api.CreateViewWithResponse(ctx, pid, gen.CreateViewRequest{SelectedIds: recs[6:]})
	require.NoError(t, err)
	view, err := one("createView", vres.JSON201, vres.JSON200)
	require.NoError(t, err)
	err = c.Batches.Create(ctx, pid, CreateBatchesRequest{
		Batch:  &CreateBatchStruct{Type: Ptr(ArbitraryBatchType), BatchSize: Ptr(int32(10))},
		ViewID: &view.ViewID,
	})
	require.NoError(t, err)

	inSet := &BatchPageOptions{BatchSetID: set.ID}
	page, err := c.Batches.ListUnassigned(ctx, pid, BatchFilter{}, inSet)
	require.NoError(t, err)
	require.Len(t, page.AssignedBatches, 3)
	var batchIDs []int64
	for _, b := range page.AssignedBatches {
		batchIDs = append(batchIDs, b.BatchID)
		assert.Equal(t, int64(2), *b.DocCount)
		assert.Equal(t, BatchStatusAVAILABLE, b.BatchStatus)
	}
	assert.Equal(t, "REV-0001", *page.AssignedBatches[0].BatchName)
	all := collectBatchIDs(t, c.Batches.AllUnassigned(ctx, pid, BatchFilter{}, nil))
	require.Len(t, all, 4)
	viewBatch := all[3]

	// Assign → assigned list.
	user := srv.User.ID
	require.NoError(t, c.Batches.Assign(ctx, pid, user, batchIDs))
	assigned := collectBatchIDs(t, c.Batches.AllAssigned(ctx, pid, BatchFilter{UserIds: []int64{user}}, &BatchPageOptions{PageSize: 2}))
	assert.Equal(t, batchIDs, assigned)
	assert.Equal(t, []int64{viewBatch}, collectBatchIDs(t, c.Batches.AllUnassigned(ctx, pid, BatchFilter{}, nil)))

	// Check in COMPLETE → completed list (still assigned, unless hidden).
	require.NoError(t, c.Batches.CheckIn(ctx, pid, batchIDs[0], BatchStatusCOMPLETE, 0))
	var done []Batch
	for b, err := range c.Batches.AllCompleted(ctx, pid, CompletedBatchFilter{UserIds: []int64{user}}, nil) {
		require.NoError(t, err)
		done = append(done, b)
	}
	require.Len(t, done, 1)
	assert.Equal(t, batchIDs[0], done[0].BatchID)
	assert.Equal(t, BatchStatusCOMPLETE, done[0].BatchStatus)
	assert.NotNil(t, done[0].CompletedDate)
	assert.Equal(t, user, *done[0].UserID)
	assert.Equal(t, batchIDs[1:], collectBatchIDs(t, c.Batches.AllAssigned(ctx, pid, BatchFilter{HideCompleted: Ptr(true)}, nil)))

	// Check in NOT_COMPLETE into another set; AVAILABLE returns it to the pool.
	require.NoError(t, c.Batches.CheckIn(ctx, pid, batchIDs[1], BatchStatusNOTCOMPLETE, qc.ID))
	moved := collectBatchIDs(t, c.Batches.AllAssigned(ctx, pid, BatchFilter{}, &BatchPageOptions{BatchSetID: qc.ID}))
	assert.Equal(t, []int64{batchIDs[1]}, moved)
	require.NoError(t, c.Batches.CheckIn(ctx, pid, batchIDs[1], BatchStatusAVAILABLE, 0))
	assert.Equal(t, []int64{batchIDs[1], viewBatch}, collectBatchIDs(t, c.Batches.AllUnassigned(ctx, pid, BatchFilter{}, nil)))

	// Unassign.
	require.NoError(t, c.Batches.Unassign(ctx, pid, batchIDs[2:]))
	assert.Equal(t, []int64{batchIDs[0]}, collectBatchIDs(t, c.Batches.AllAssigned(ctx, pid, BatchFilter{}, nil)))

	// Update: notes, then a status folder; nil leaves each as it is.
	pres, err := c.api.CreatePanelWithResponse(ctx, pid, gen.CreatePanelRequest{Name: Ptr("General")})
	require.NoError(t, err)
	panel, err := one("createPanel", pres.JSON201, pres.JSON200)
	require.NoError(t, err)
	fres, err := c.api.CreateFolderWithResponse(ctx, pid, panel.ID, gen.FolderRequest{Name: Ptr("Reviewed")})
	require.NoError(t, err)
	folder, err := one("createFolder", fres.JSON201, fres.JSON200)
	require.NoError(t, err)
	require.NoError(t, c.Batches.Update(ctx, pid, []int64{viewBatch}, &BatchUpdate{Notes: Ptr("hot docs")}))
	require.NoError(t, c.Batches.Update(ctx, pid, []int64{viewBatch}, &BatchUpdate{StatusFolderID: &folder.ID}))
	b := findBatch(t, c, pid, viewBatch)
	assert.Equal(t, "hot docs", *b.Notes)
	assert.Equal(t, "General|Reviewed", *b.StatusFolderName)
	require.NoError(t, c.Batches.Update(ctx, pid, []int64{viewBatch}, &BatchUpdate{Notes: Ptr("")}))
	b = findBatch(t, c, pid, viewBatch)
	assert.Empty(t, *b.Notes, `"" clears the notes`)
	assert.Equal(t, "General|Reviewed", *b.StatusFolderName)

	// Delete.
	require.NoError(t, c.Batches.Delete(ctx, pid, []int64{viewBatch, batchIDs[2]}))
	assert.Equal(t, []int64{batchIDs[1]}, collectBatchIDs(t, c.Batches.AllUnassigned(ctx, pid, BatchFilter{}, nil)))
	assert.True(t, IsNotFound(c.Batches.Delete(ctx, pid, []int64{viewBatch})))
}

func findBatch(t *testing.T, c *Client, pid, id int64) Batch {
	t.Helper()
	for b, err := range c.Batches.AllUnassigned(context.Background(), pid, BatchFilter{}, nil) {
		require.NoError(t, err)
		if b.BatchID == id {
			return b
		}
	}
	t.Fatalf("batch %d not found", id)
	return Batch{}
}

func TestBatchesNotFound(t *testing.T) {
	c, _, pid, _ := newBatchTest(t, 3)
	ctx := context.Background()
	require.NoError(t, c.Batches.Create(ctx, pid, oneBatchEach()))
	const missing = 999999
	for name, err := range map[string]error{
		"listAssigned":   second(c.Batches.ListAssigned(ctx, missing, BatchFilter{}, nil)),
		"listUnassigned": second(c.Batches.ListUnassigned(ctx, missing, BatchFilter{}, nil)),
		"listCompleted":  second(c.Batches.ListCompleted(ctx, missing, CompletedBatchFilter{}, nil)),
		"create":         c.Batches.Create(ctx, missing, oneBatchEach()),
		"assign":         c.Batches.Assign(ctx, pid, 130, []int64{missing}),
		"unassign":       c.Batches.Unassign(ctx, pid, []int64{missing}),
		"update":         c.Batches.Update(ctx, pid, []int64{missing}, &BatchUpdate{Notes: Ptr("x")}),
		"checkIn":        c.Batches.CheckIn(ctx, pid, missing, BatchStatusCOMPLETE, 0),
		"delete":         c.Batches.Delete(ctx, missing, []int64{1}),
	} {
		assert.True(t, IsNotFound(err), "%s: %v", name, err)
	}
	// The API's own validation: an unknown user or target set is a 400.
	page, err := c.Batches.ListUnassigned(ctx, pid, BatchFilter{}, nil)
	require.NoError(t, err)
	id := page.AssignedBatches[0].BatchID
	err = c.Batches.Assign(ctx, pid, 424242, []int64{id})
	assert.True(t, IsValidation(err), "%v", err)
	err = c.Batches.CheckIn(ctx, pid, id, BatchStatusCOMPLETE, 424242)
	assert.True(t, IsValidation(err), "%v", err)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "checkInBatch", apiErr.OperationID)
}

func second[T any](_ T, err error) error { return err }

func TestBatchesValidation(t *testing.T) {
	c, srv, pid, _ := newBatchTest(t, 1)
	ctx := context.Background()
	arb := func() *CreateBatchStruct {
		return &CreateBatchStruct{Type: Ptr(ArbitraryBatchType), BatchSize: Ptr(int32(5))}
	}
	creates := map[string]CreateBatchesRequest{
		"no settings":         {},
		"no size":             {Batch: &CreateBatchStruct{Type: Ptr(int32(0))}},
		"size 0":              {Batch: &CreateBatchStruct{BatchSize: Ptr(int32(0))}},
		"negative set":        {Batch: &CreateBatchStruct{BatchSize: Ptr(int32(1)), BatchSetID: Ptr(int64(-1))}},
		"arbitrary, neither":  {Batch: arb()},
		"arbitrary, both":     {Batch: arb(), RecordIds: []int64{1}, ViewID: Ptr(int64(2))},
		"arbitrary, bad view": {Batch: arb(), ViewID: Ptr(int64(0))},
		"arbitrary, bad ID":   {Batch: arb(), RecordIds: []int64{1, -2}},
		"type 0 with records": {Batch: &CreateBatchStruct{BatchSize: Ptr(int32(1)), Type: Ptr(int32(0))}, RecordIds: []int64{1}},
		"no type with a view": {Batch: &CreateBatchStruct{BatchSize: Ptr(int32(1))}, ViewID: Ptr(int64(3))},
	}
	checks := map[string]error{
		"create bad project":   c.Batches.Create(ctx, 0, oneBatchEach()),
		"list page -1":         second(c.Batches.ListAssigned(ctx, pid, BatchFilter{}, &BatchPageOptions{Page: -1})),
		"list size -1":         second(c.Batches.ListUnassigned(ctx, pid, BatchFilter{}, &BatchPageOptions{PageSize: -1})),
		"list set -1":          second(c.Batches.ListCompleted(ctx, pid, CompletedBatchFilter{}, &BatchPageOptions{BatchSetID: -1})),
		"list bad project":     second(c.Batches.ListCompleted(ctx, 0, CompletedBatchFilter{}, nil)),
		"assign no IDs":        c.Batches.Assign(ctx, pid, 130, nil),
		"assign bad user":      c.Batches.Assign(ctx, pid, 0, []int64{1}),
		"assign bad ID":        c.Batches.Assign(ctx, pid, 130, []int64{1, 0}),
		"unassign no IDs":      c.Batches.Unassign(ctx, pid, []int64{}),
		"unassign bad project": c.Batches.Unassign(ctx, -1, []int64{1}),
		"update no IDs":        c.Batches.Update(ctx, pid, nil, &BatchUpdate{Notes: Ptr("x")}),
		"update nil":           c.Batches.Update(ctx, pid, []int64{1}, nil),
		"update nothing":       c.Batches.Update(ctx, pid, []int64{1}, &BatchUpdate{}),
		"update bad folder":    c.Batches.Update(ctx, pid, []int64{1}, &BatchUpdate{StatusFolderID: Ptr(int64(0))}),
		"check in status 3":    c.Batches.CheckIn(ctx, pid, 1, BatchStatusValue3, 0),
		"check in status 9":    c.Batches.CheckIn(ctx, pid, 1, BatchStatus(9), 0),
		"check in bad batch":   c.Batches.CheckIn(ctx, pid, 0, BatchStatusCOMPLETE, 0),
		"check in bad project": c.Batches.CheckIn(ctx, 0, 1, BatchStatusCOMPLETE, 0),
		"check in bad target":  c.Batches.CheckIn(ctx, pid, 1, BatchStatusCOMPLETE, -1),
		"delete no IDs":        c.Batches.Delete(ctx, pid, nil),
		"delete ID 0":          c.Batches.Delete(ctx, pid, []int64{3, 0}),
	}
	for name, req := range creates {
		checks["create: "+name] = c.Batches.Create(ctx, pid, req)
	}
	for name, err := range checks {
		var v *ValidationError
		if assert.ErrorAs(t, err, &v, name) {
			assert.True(t, IsValidation(err))
		}
	}
	for _, op := range []string{"createBatches", "listAssignedBatches", "listUnassignedBatches", "listCompletedBatches",
		"assignBatches", "unassignBatches", "updateBatches", "checkInBatch", "deleteBatches"} {
		assert.Zero(t, srv.RequestCount(op), "%s: nothing invalid was sent", op)
	}
}

func batchIDsOf(bs []Batch) []int64 {
	ids := make([]int64, len(bs))
	for i, b := range bs {
		ids[i] = b.BatchID
	}
	return ids
}
