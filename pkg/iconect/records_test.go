package iconect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// seeded starts a fake tenant with a project "Docs" of n records (Title
// "title i", Custodian "c<i%3>") and returns the client, the server, the
// project ID and its field IDs by name.
func seededRecords(t testing.TB, n int) (*Client, *iconecttest.Server, int64, map[string]int64) {
	t.Helper()
	recs := make([]map[string]string, n)
	for i := range recs {
		recs[i] = map[string]string{"Title": fmt.Sprintf("title %d", i), "Custodian": fmt.Sprintf("c%d", i%3)}
	}
	c, srv := newTest(t, []iconecttest.Option{iconecttest.WithProject(iconecttest.SeedProject{
		Name: "Docs", Fields: []string{"Title", "Custodian"}, Records: recs,
	})})
	pid, ok := srv.ProjectID("Docs")
	require.True(t, ok)
	return c, srv, pid, recordFieldIDs(t, c, pid)
}

// fieldIDs reads a project's field IDs by name through the generated
// client (the records tests do not lean on FieldsService).
func recordFieldIDs(t testing.TB, c *Client, pid int64) map[string]int64 {
	t.Helper()
	res, err := c.API().ListFieldsWithResponse(context.Background(), pid)
	require.NoError(t, err)
	require.NotNil(t, res.JSON200, "%s", res.Body)
	out := map[string]int64{}
	for _, f := range *res.JSON200 {
		out[deref(f.Name)] = f.ID
	}
	return out
}

// createView makes a view of these records through the generated client.
func recordsView(t testing.TB, c *Client, pid int64, ids ...int64) int64 {
	t.Helper()
	res, err := c.API().CreateViewWithResponse(context.Background(), pid, gen.CreateViewRequest{SelectedIds: ids})
	require.NoError(t, err)
	v, err := one("createView", res.JSON201, res.JSON200)
	require.NoError(t, err, "%s", res.Body)
	return v.ViewID
}

func TestRecordsGet(t *testing.T) {
	c, _, pid, f := seededRecords(t, 3)
	ctx := context.Background()
	page, err := c.Records.List(ctx, pid, nil)
	require.NoError(t, err)
	require.Len(t, page, 3)
	id := *page[0].ID

	r, err := c.Records.Get(ctx, pid, id, nil)
	require.NoError(t, err)
	assert.Equal(t, id, *r.ID)
	v, ok := RecordValue(*r, f["Title"])
	assert.True(t, ok)
	assert.Equal(t, "title 0", v)

	r, err = c.Records.Get(ctx, pid, id, &GetRecordOptions{FieldIDs: []int64{f["Custodian"]}})
	require.NoError(t, err)
	assert.Len(t, r.FieldData, 1)
	_, ok = RecordValue(*r, f["Title"])
	assert.False(t, ok)

	_, err = c.Records.Get(ctx, pid, 999999, nil)
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.Records.Get(ctx, 999999, id, nil)
	assert.True(t, IsNotFound(err), "%v", err)
	for _, err := range []error{
		func() error { _, err := c.Records.Get(ctx, 0, id, nil); return err }(),
		func() error { _, err := c.Records.Get(ctx, pid, -1, nil); return err }(),
		func() error {
			_, err := c.Records.Get(ctx, pid, id, &GetRecordOptions{FieldIDs: []int64{0}})
			return err
		}(),
	} {
		var v *ValidationError
		assert.ErrorAs(t, err, &v)
		assert.Equal(t, "getRecord", v.OperationID)
	}
}

func TestRecordsList(t *testing.T) {
	c, srv, pid, f := seededRecords(t, 120)
	ctx := context.Background()

	page, err := c.Records.List(ctx, pid, nil)
	require.NoError(t, err)
	assert.Len(t, page, 50, "the API's default page size")
	page, err = c.Records.List(ctx, pid, &ListRecordsOptions{Page: 3, PageSize: 50})
	require.NoError(t, err)
	assert.Len(t, page, 20)
	page, err = c.Records.List(ctx, pid, &ListRecordsOptions{Page: 4, PageSize: 50})
	require.NoError(t, err)
	assert.Empty(t, page)

	page, err = c.Records.List(ctx, pid, &ListRecordsOptions{PageSize: 2, SizeLimit: 3, FieldIDs: []int64{f["Title"]}})
	require.NoError(t, err)
	require.Len(t, page, 2)
	v, _ := RecordValue(page[0], f["Title"])
	assert.Equal(t, "tit", v, "values cut to size_limit")
	assert.Len(t, page[0].FieldData, 1)

	all, err := c.Records.List(ctx, pid, &ListRecordsOptions{PageSize: 1000})
	require.NoError(t, err)
	ids := []int64{*all[5].ID, *all[7].ID}
	page, err = c.Records.List(ctx, pid, &ListRecordsOptions{RecordIDs: ids})
	require.NoError(t, err)
	assert.Equal(t, ids, recordIDsOf(page))

	view := recordsView(t, c, pid, *all[1].ID, *all[2].ID, *all[3].ID)
	page, err = c.Records.List(ctx, pid, &ListRecordsOptions{ViewID: view})
	require.NoError(t, err)
	assert.Len(t, page, 3)

	_, err = c.Records.List(ctx, 999999, nil)
	assert.True(t, IsNotFound(err), "%v", err)

	before := srv.RequestCount("listRecords")
	for name, o := range map[string]*ListRecordsOptions{
		"both":          {RecordIDs: ids, ViewID: view},
		"page":          {Page: -1},
		"page size":     {PageSize: 1001},
		"negative size": {PageSize: -5},
		"size limit":    {SizeLimit: -1},
		"view":          {ViewID: -2},
		"record ID":     {RecordIDs: []int64{3, 0}},
		"field ID":      {FieldIDs: []int64{-3}},
	} {
		_, err := c.Records.List(ctx, pid, o)
		assert.True(t, IsValidation(err), "%s: %v", name, err)
		var v *ValidationError
		assert.ErrorAs(t, err, &v, name)
	}
	_, err = c.Records.List(ctx, 0, nil)
	assert.True(t, IsValidation(err))
	assert.Equal(t, before, srv.RequestCount("listRecords"), "validation errors send nothing")
}

func recordIDsOf(rs []Record) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = *r.ID
	}
	return out
}

// TestRecordsAllTenThousand walks 10,000 records with every iterator:
// each record exactly once, and no more requests than pages.
func TestRecordsAllTenThousand(t *testing.T) {
	const n = 10000
	c, srv, pid, f := seededRecords(t, n)
	ctx := context.Background()

	walk := func(name string, seq func(yield func(Record, error) bool)) map[int64]bool {
		t.Helper()
		seen := make(map[int64]bool, n)
		count := 0
		for r, err := range seq {
			require.NoError(t, err, name)
			require.False(t, seen[*r.ID], "%s: record %d twice", name, *r.ID)
			seen[*r.ID] = true
			count++
		}
		assert.Equal(t, n, count, name)
		assert.Len(t, seen, n, name)
		return seen
	}

	opts := &ListRecordsOptions{PageSize: 1000, FieldIDs: []int64{f["Title"]}}
	saved := *opts
	saved.FieldIDs = append([]int64(nil), opts.FieldIDs...)
	before := srv.RequestCount("listRecords")
	all := walk("All", c.Records.All(ctx, pid, opts))
	assert.Equal(t, 11, srv.RequestCount("listRecords")-before, "10 full pages and the empty one that ends them")
	assert.Equal(t, saved, *opts, "the caller's options are not changed")

	// the default page size, and a second walk of the same iterator
	seq := c.Records.All(ctx, pid, nil)
	walk("All (default page size)", seq)
	walk("All (again)", seq)

	// a page size that does not divide n: the short page ends the walk
	before = srv.RequestCount("listRecords")
	walk("All (page size 999)", c.Records.All(ctx, pid, &ListRecordsOptions{PageSize: 999}))
	assert.Equal(t, 11, srv.RequestCount("listRecords")-before, "ten full pages and a short one")

	// ExportAll: every value whole
	exported := walk("ExportAll", c.Records.ExportAll(ctx, pid, &ExportOptions{PageSize: 1000}))
	assert.Equal(t, all, exported)

	// a pager stopped after three pages and resumed from its position
	p, err := c.Records.Pages(pid, &ListRecordsOptions{PageSize: 1000})
	require.NoError(t, err)
	assert.Equal(t, 1, p.Position())
	seen := map[int64]bool{}
	for range 3 {
		page, err := p.Next(ctx)
		require.NoError(t, err)
		for _, r := range page {
			seen[*r.ID] = true
		}
	}
	pos := p.Position()
	assert.Equal(t, 4, pos)
	p2, err := c.Records.Pages(pid, &ListRecordsOptions{PageSize: 1000, Page: pos})
	require.NoError(t, err)
	for r, err := range p2.All(ctx) {
		require.NoError(t, err)
		require.False(t, seen[*r.ID], "record %d twice", *r.ID)
		seen[*r.ID] = true
	}
	assert.Len(t, seen, n)
	assert.True(t, p2.Done())
	page, err := p2.Next(ctx)
	assert.NoError(t, err)
	assert.Nil(t, page, "Next after the end fetches nothing")
}

func TestRecordsAllEarlyBreakAndErrors(t *testing.T) {
	c, srv, pid, _ := seededRecords(t, 250)
	ctx := context.Background()

	before := srv.RequestCount("listRecords")
	n := 0
	for _, err := range c.Records.All(ctx, pid, &ListRecordsOptions{PageSize: 100}) {
		require.NoError(t, err)
		if n++; n == 5 {
			break
		}
	}
	assert.Equal(t, 1, srv.RequestCount("listRecords")-before, "a break fetches no more pages")

	// an error mid-walk is yielded once, and ends the walk
	srv.SetFaults(iconecttest.Fault{Operation: "listRecords", Kind: iconecttest.FaultStatus, Status: 500, Requests: []int{2}})
	n, errs := 0, 0
	for _, err := range c.Records.All(ctx, pid, &ListRecordsOptions{PageSize: 100}) {
		if err != nil {
			errs++
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, 500, e.StatusCode)
			continue
		}
		n++
	}
	assert.Equal(t, 100, n)
	assert.Equal(t, 1, errs)
	srv.SetFaults()

	// a pager's failed page can be fetched again: the position stays
	p, err := c.Records.Pages(pid, &ListRecordsOptions{PageSize: 100, Page: 2})
	require.NoError(t, err)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = p.Next(cctx)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 2, p.Position())
	page, err := p.Next(ctx)
	require.NoError(t, err)
	assert.Len(t, page, 100)
	page, err = p.Next(ctx)
	require.NoError(t, err)
	assert.Len(t, page, 50)
	assert.True(t, p.Done(), "a short page is the last")

	// a wrong project: one 404, then nothing
	errs = 0
	for _, err := range c.Records.All(ctx, 999999, nil) {
		assert.True(t, IsNotFound(err), "%v", err)
		errs++
	}
	assert.Equal(t, 1, errs)

	// invalid options: one validation error, nothing sent
	before = srv.RequestCount("listRecords")
	errs = 0
	for _, err := range c.Records.All(ctx, pid, &ListRecordsOptions{PageSize: 5000}) {
		assert.True(t, IsValidation(err), "%v", err)
		errs++
	}
	assert.Equal(t, 1, errs)
	for _, err := range c.Records.ExportAll(ctx, pid, &ExportOptions{ViewID: -1, SizeLimit: 10}) {
		assert.True(t, IsValidation(err), "%v", err)
	}
	_, err = c.Records.Pages(0, nil)
	assert.True(t, IsValidation(err))
	assert.Equal(t, before, srv.RequestCount("listRecords"))
}

func TestExportAllWholeValues(t *testing.T) {
	long := strings.Repeat("x", 5000)
	c, srv := newTest(t, []iconecttest.Option{iconecttest.WithProject(iconecttest.SeedProject{
		Name: "Docs", Fields: []string{"Text"}, Records: []map[string]string{{"Text": long}, {"Text": "short"}},
	})})
	pid, _ := srv.ProjectID("Docs")
	f := recordFieldIDs(t, c, pid)
	ctx := context.Background()

	page, err := c.Records.List(ctx, pid, nil)
	require.NoError(t, err)
	v, _ := RecordValue(page[0], f["Text"])
	assert.Len(t, v, 100, "listRecords cuts values at 100 by default")

	var got []string
	for r, err := range c.Records.ExportAll(ctx, pid, nil) {
		require.NoError(t, err)
		v, _ := RecordValue(r, f["Text"])
		got = append(got, v)
	}
	assert.Equal(t, []string{long, "short"}, got)

	all, err := c.Records.List(ctx, pid, nil)
	require.NoError(t, err)
	view := recordsView(t, c, pid, *all[1].ID)
	got = nil
	for r, err := range c.Records.ExportAll(ctx, pid, &ExportOptions{ViewID: view, FieldIDs: []int64{f["Text"]}, SizeLimit: 3}) {
		require.NoError(t, err)
		v, _ := RecordValue(r, f["Text"])
		got = append(got, v)
	}
	assert.Equal(t, []string{"sho"}, got)
}

func TestRecordsCreate(t *testing.T) {
	c, srv, pid, f := seededRecords(t, 2)
	ctx := context.Background()
	title, cust := strconv.FormatInt(f["Title"], 10), strconv.FormatInt(f["Custodian"], 10)

	res, err := c.Records.Create(ctx, pid, RecordsRequest{Records: []Record{
		{FieldData: map[string]any{title: "new 1", cust: "a"}},
		{FieldData: map[string]any{title: "new 2"}},
	}})
	require.NoError(t, err)
	require.NotNil(t, res.NewRecordsList)
	require.Len(t, res.NewRecordsList.Records, 2)
	assert.Len(t, res.NewRecordsList.RecordStatus.AddedRecordIds, 2)

	// refused records: an unknown field, and a duplicate by Title
	res, err = c.Records.Create(ctx, pid, RecordsRequest{HashIds: []int64{f["Title"]}, Records: []Record{
		{FieldData: map[string]any{title: "new 3"}},
		{FieldData: map[string]any{title: "new 1", cust: "b"}},
		{FieldData: map[string]any{title: "new 4", "999999": "x"}},
		{FieldData: map[string]any{title: "new 5"}},
	}})
	require.NotNil(t, res, "the result comes with the error")
	assert.Len(t, res.NewRecordsList.Records, 2)
	var re *RecordErrors
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "createRecords", re.OperationID)
	assert.Equal(t, 4, re.Sent)
	require.Len(t, re.Failures, 2)
	assert.Equal(t, 1, re.Failures[0].Index)
	assert.True(t, re.Failures[0].Duplicate)
	assert.Equal(t, "duplicate", re.Failures[0].Message)
	assert.Equal(t, 2, re.Failures[1].Index)
	assert.False(t, re.Failures[1].Duplicate)
	require.Len(t, re.Failures[1].FieldErrors, 1)
	assert.Equal(t, int64(999999), *re.Failures[1].FieldErrors[0].FieldID)
	assert.Equal(t, `iconect: createRecords: 2 of 4 records failed: records[1]: duplicate; records[2]: Field "999999" not found.`, err.Error())
	assert.False(t, IsValidation(err))

	_, err = c.Records.Create(ctx, 999999, RecordsRequest{Records: []Record{{FieldData: map[string]any{title: "x"}}}})
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.Records.Create(ctx, pid, RecordsRequest{Records: []Record{{FieldData: map[string]any{title: "x"}}}, HashIds: []int64{999999}})
	assert.True(t, IsValidation(err), "the API refuses an unknown hash field: %v", err)

	before := srv.RequestCount("createRecords")
	empty := Record{FieldData: map[string]any{}}
	for _, req := range []RecordsRequest{
		{},
		{Records: []Record{{}}},
		{Records: []Record{empty}, HashIds: []int64{0}},
		{Records: []Record{empty}, FilestoreID: Ptr(int64(-1))},
		{Records: []Record{empty}, NativeFieldID: Ptr(int64(-1))},
	} {
		_, err := c.Records.Create(ctx, pid, req)
		assert.True(t, IsValidation(err), "%v", err)
	}
	_, err = c.Records.Create(ctx, 0, RecordsRequest{Records: []Record{empty}})
	assert.True(t, IsValidation(err))
	assert.Equal(t, before, srv.RequestCount("createRecords"))
}

func TestRecordsUpdate(t *testing.T) {
	c, srv, pid, f := seededRecords(t, 5)
	ctx := context.Background()
	title := strconv.FormatInt(f["Title"], 10)
	rs, err := c.Records.List(ctx, pid, nil)
	require.NoError(t, err)

	res, err := c.Records.Update(ctx, pid, RecordsRequest{Records: []Record{
		{ID: rs[0].ID, Version: rs[0].Version, FieldData: map[string]any{title: "changed"}},
	}})
	require.NoError(t, err)
	assert.NotNil(t, res)
	r, err := c.Records.Get(ctx, pid, *rs[0].ID, nil)
	require.NoError(t, err)
	v, _ := RecordValue(*r, f["Title"])
	assert.Equal(t, "changed", v)
	assert.Greater(t, *r.Version, *rs[0].Version)

	// rs[0]'s version is now stale; rs[1] updates; rs[2] names no field
	res, err = c.Records.Update(ctx, pid, RecordsRequest{Records: []Record{
		{ID: rs[0].ID, Version: rs[0].Version, FieldData: map[string]any{title: "again"}},
		{ID: rs[1].ID, Version: rs[1].Version, FieldData: map[string]any{title: "fine"}},
		{ID: rs[2].ID, Version: rs[2].Version, FieldData: map[string]any{"999999": "x"}},
		{ID: Ptr(int64(888888)), Version: Ptr(int64(1)), FieldData: map[string]any{title: "x"}},
		{ID: rs[3].ID, Version: rs[3].Version, FieldData: map[string]any{title: "fine too"}},
	}})
	require.NotNil(t, res, "the result comes with the error")
	assert.Len(t, res.RecordErrors, 3)
	var re *RecordErrors
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 5, re.Sent)
	require.Len(t, re.Failures, 3)
	assert.Equal(t, *rs[0].ID, re.Failures[0].ID)
	assert.Equal(t, 0, re.Failures[0].Index)
	assert.Contains(t, re.Failures[0].Message, "was changed since version")
	assert.Equal(t, 2, re.Failures[1].Index)
	assert.Equal(t, int64(888888), re.Failures[2].ID)
	assert.Equal(t, 3, re.Failures[2].Index)
	assert.True(t, strings.HasPrefix(err.Error(), fmt.Sprintf("iconect: updateRecords: 3 of 5 records failed: %d: Record %d was changed", *rs[0].ID, *rs[0].ID)), err.Error())
	r, err = c.Records.Get(ctx, pid, *rs[1].ID, nil)
	require.NoError(t, err)
	v, _ = RecordValue(*r, f["Title"])
	assert.Equal(t, "fine", v, "the other records are updated")

	_, err = c.Records.Update(ctx, 999999, RecordsRequest{Records: []Record{{ID: rs[0].ID, Version: rs[0].Version, FieldData: map[string]any{}}}})
	assert.True(t, IsNotFound(err), "%v", err)

	before := srv.RequestCount("updateRecords")
	for _, req := range []RecordsRequest{
		{},
		{Records: []Record{{ID: rs[0].ID, Version: rs[0].Version}}},
		{Records: []Record{{Version: Ptr(int64(1)), FieldData: map[string]any{}}}},
		{Records: []Record{{ID: Ptr(int64(0)), Version: Ptr(int64(1)), FieldData: map[string]any{}}}},
		{Records: []Record{{ID: rs[0].ID, FieldData: map[string]any{}}}},
	} {
		_, err := c.Records.Update(ctx, pid, req)
		assert.True(t, IsValidation(err), "%v", err)
	}
	assert.Equal(t, before, srv.RequestCount("updateRecords"))
}

func TestRecordErrorsMessage(t *testing.T) {
	re := &RecordErrors{OperationID: "updateRecords", Sent: 20}
	for i := range 12 {
		re.Failures = append(re.Failures, RecordFailure{Index: i, ID: int64(i + 1), Message: "stale version"})
	}
	re.Failures[1].ID = 0
	re.Failures[2].ID, re.Failures[2].Index = 0, -1
	msg := re.Error()
	assert.True(t, strings.HasPrefix(msg, "iconect: updateRecords: 12 of 20 records failed: 1: stale version; records[1]: stale version; ?: stale version; 4: "), msg)
	assert.True(t, strings.HasSuffix(msg, "10: stale version; and 2 more"), msg)
	var target *RecordErrors
	assert.True(t, errors.As(fmt.Errorf("wrapped: %w", re), &target))
}

// TestCreateFailuresLenient feeds createRecords answers of shapes other
// than the guessed ones: nothing fails, and what cannot be read is kept.
func TestCreateFailuresLenient(t *testing.T) {
	req := RecordsRequest{Records: []Record{
		{FieldData: map[string]any{"1": "a"}},
		{FieldData: map[string]any{"1": "b"}},
		{FieldData: map[string]any{"1": "b"}},
	}}
	result := func(s string) *CreateRecordsResult {
		var r CreateRecordsResult
		require.NoError(t, json.Unmarshal([]byte(s), &r), s)
		return &r
	}

	for _, s := range []string{
		`{"iconect_ok":"ok"}`,
		`{"duplicate_list":null,"record_errors":null}`,
		`{"duplicate_list":[],"record_errors":{}}`,
		`{"duplicate_list":"","record_errors":false,"new_records_list":{"record_status":{"results":[{"status":0,"field_errors":null},{"status":0,"field_errors":[]}]}}}`,
	} {
		assert.Nil(t, createFailures(req, result(s)), s)
	}

	// duplicates matched to the request by their values, the same values
	// twice matching two records; unmatched ones and other shapes kept raw
	re := createFailures(req, result(`{"duplicate_list":[{"field_data":{"1":"b"}},{"field_data":{"1":"b"}},{"field_data":{"1":"zzz"}},17]}`))
	require.NotNil(t, re)
	require.Len(t, re.Failures, 4)
	assert.Equal(t, []int{1, 2, -1, -1}, []int{re.Failures[0].Index, re.Failures[1].Index, re.Failures[2].Index, re.Failures[3].Index})
	assert.True(t, re.Failures[3].Duplicate)
	assert.JSONEq(t, `17`, string(re.Failures[3].Raw))

	// a duplicate_list that is no array: one failure, kept raw
	re = createFailures(req, result(`{"duplicate_list":{"count":2}}`))
	require.NotNil(t, re)
	require.Len(t, re.Failures, 1)
	assert.JSONEq(t, `{"count":2}`, string(re.Failures[0].Raw))

	// record_errors as objects (string IDs, an index, odd messages) and not
	re = createFailures(req, result(`{"record_errors":[{"id":"14","message":"bad"},{"index":0,"message":{"code":3}},"boom"]}`))
	require.NotNil(t, re)
	require.Len(t, re.Failures, 3)
	assert.Equal(t, 0, re.Failures[0].Index)
	assert.Equal(t, `{"code":3}`, re.Failures[0].Message)
	assert.Equal(t, int64(14), re.Failures[1].ID)
	assert.Equal(t, "bad", re.Failures[1].Message)
	assert.Equal(t, `refused: "boom"`, re.Failures[2].Message)
	assert.JSONEq(t, `"boom"`, string(re.Failures[2].Raw))

	// results: a status with no reason, field errors of several shapes, a
	// status-0 record whose values were refused, and a duplicate that also
	// has field errors
	re = createFailures(req, result(`{
		"new_records_list":{"record_status":{"results":[
			{"status":7},
			{"status":1,"field_errors":[{"field_id":"12"},{"message":"too long"},"odd"]},
			{"status":0,"field_errors":[{"field_id":5,"message":"no such field"}]}
		]}},
		"duplicate_list":[{"field_data":{"1":"b"}}]}`))
	require.NotNil(t, re)
	require.Len(t, re.Failures, 3)
	assert.Equal(t, "status 7", re.Failures[0].Message)
	assert.Equal(t, int32(7), re.Failures[0].Status)
	assert.Equal(t, `field 12 refused, too long, odd`, re.Failures[1].Message)
	assert.True(t, re.Failures[1].Duplicate)
	assert.NotNil(t, re.Failures[1].Raw, "an unreadable field error is kept raw")
	assert.Equal(t, "no such field", re.Failures[2].Message)
	assert.Equal(t, "iconect: createRecords: 3 of 3 records failed: records[0]: status 7; records[1]: field 12 refused, too long, odd; records[2]: no such field", re.Error())
}

func TestRecordValue(t *testing.T) {
	var r Record
	require.NoError(t, json.Unmarshal([]byte(`{"id":1,"field_data":{
		"1":"text","2":12,"3":3.5,"4":true,"5":null,"6":["a","b"],"7":{"k":1},"8":12345678901,"9":-0.25,"10":false}}`), &r))
	for id, want := range map[int64]string{1: "text", 2: "12", 3: "3.5", 4: "true", 5: "", 6: `["a","b"]`, 7: `{"k":1}`, 8: "12345678901", 9: "-0.25", 10: "false"} {
		got, ok := RecordValue(r, id)
		assert.True(t, ok, id)
		assert.Equal(t, want, got, id)
	}
	_, ok := RecordValue(r, 99)
	assert.False(t, ok)

	// values set in Go, not decoded
	r = Record{FieldData: map[string]any{"1": 7, "2": int64(-8), "3": json.Number("1.50"), "4": func() {}}}
	for id, want := range map[int64]string{1: "7", 2: "-8", 3: "1.50"} {
		got, _ := RecordValue(r, id)
		assert.Equal(t, want, got)
	}
	got, ok := RecordValue(r, 4)
	assert.True(t, ok)
	assert.NotEmpty(t, got)
}

func TestWriteCSV(t *testing.T) {
	recs := []Record{
		{FieldData: map[string]any{"1": "a, with comma", "2": 3.0}},
		{FieldData: map[string]any{"1": "line\nbreak"}},
	}
	seq := func(err error) func(func(Record, error) bool) {
		return func(yield func(Record, error) bool) {
			for _, r := range recs {
				if !yield(r, nil) {
					return
				}
			}
			if err != nil {
				yield(Record{}, err)
			}
		}
	}
	var b strings.Builder
	require.NoError(t, WriteCSV(&b, []int64{1, 2}, []string{"Title", "Count"}, seq(nil)))
	assert.Equal(t, "Title,Count\n\"a, with comma\",3\n\"line\nbreak\",\n", b.String())

	b.Reset()
	require.NoError(t, WriteCSV(&b, []int64{2}, nil, seq(nil)))
	assert.Equal(t, "3\n\"\"\n", b.String())

	boom := errors.New("boom")
	b.Reset()
	assert.ErrorIs(t, WriteCSV(&b, []int64{1}, nil, seq(boom)), boom)
	assert.Contains(t, b.String(), "a, with comma", "rows before the error are written")

	assert.Error(t, WriteCSV(&b, []int64{1, 2}, []string{"one"}, seq(nil)))
	assert.Error(t, WriteCSV(csvFailWriter{}, []int64{1}, []string{"x"}, seq(nil)))
}

type csvFailWriter struct{}

func (csvFailWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
