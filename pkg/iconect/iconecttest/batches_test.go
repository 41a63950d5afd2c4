package iconecttest

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var batchEpoch = time.Date(2026, 2, 11, 16, 55, 12, 0, time.UTC)

// batchServer starts a fake with a project "Matter" holding n records.
func batchServer(t *testing.T, n int, opts ...Option) (*Server, int64) {
	t.Helper()
	sp := SeedProject{Name: "Matter", Fields: []string{"Title"}}
	for i := range n {
		sp.Records = append(sp.Records, map[string]string{"Title": fmt.Sprintf("doc %d", i+1)})
	}
	s := NewServer(append(opts, WithProject(sp))...)
	pid, ok := s.ProjectID("Matter")
	require.True(t, ok)
	return s, pid
}

// projectRecords returns the project's record IDs in ID order.
func projectRecords(s *Server, pid int64) []int64 {
	s.tenant.mu.Lock()
	defer s.tenant.mu.Unlock()
	return sortedKeys(s.tenant.projects[pid].records)
}

func createBatches(t *testing.T, s *Server, pid int64, body any) (int, []byte) {
	t.Helper()
	return call(t, s, "POST", fmt.Sprintf("/projects/%d/batches", pid), body)
}

func mustCreateBatches(t *testing.T, s *Server, pid int64, body any) {
	t.Helper()
	code, b := createBatches(t, s, pid, body)
	require.Equal(t, http.StatusOK, code, "%s", b)
	assert.JSONEq(t, `{"iconect_ok": "Batches created under unassigned."}`, string(b))
}

// listBatches reads one of the three lists (assigned, unassigned,
// completed) with a query string and a filter body.
func listBatches(t *testing.T, s *Server, pid int64, which, query string, filter any) gen.BatchList {
	t.Helper()
	if m, ok := filter.(map[string]any); filter == nil || ok && m == nil {
		filter = map[string]any{}
	}
	code, body := call(t, s, "POST", fmt.Sprintf("/projects/%d/batches/%s%s", pid, which, query), filter)
	require.Equal(t, http.StatusOK, code, "%s", body)
	l := decode[gen.BatchList](t, body)
	assert.NotNil(t, l.OpenBatches, "open_batches is an empty array")
	assert.Empty(t, l.OpenBatches)
	assert.NotNil(t, l.AssignedBatches, "assigned_batches is an array, never null")
	return l
}

func batchNames(l gen.BatchList) []string {
	names := []string{}
	for _, b := range l.AssignedBatches {
		names = append(names, *b.BatchName)
	}
	return names
}

func batchIDs(l gen.BatchList) []int64 {
	ids := []int64{}
	for _, b := range l.AssignedBatches {
		ids = append(ids, b.BatchID)
	}
	return ids
}

// batchOp posts a body to a batch operation and returns the status and body.
func batchOp(t *testing.T, s *Server, pid int64, method, op string, body any) (int, []byte) {
	t.Helper()
	return call(t, s, method, fmt.Sprintf("/projects/%d/batches%s", pid, op), body)
}

func TestCreateBatchesNamingAndNumbering(t *testing.T) {
	s, pid := batchServer(t, 5, WithClock(NewFakeClock(batchEpoch)))
	defer s.Close()
	bs := createBatchSet(t, s, pid, "Set")
	recs := projectRecords(s, pid)

	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{
		"type": 0, "batch_size": 2, "batch_set_id": bs.ID, "notes": "first pass", "link_type": 0, "link_id": 0,
		"folder_id": -1, "status_folder_id": 0, "unbatched_only": false,
	}})
	l := listBatches(t, s, pid, "unassigned", "", nil)
	require.Equal(t, []string{"BATCH-0001", "BATCH-0002", "BATCH-0003"}, batchNames(l))
	assert.EqualValues(t, 3, l.TotalBatches)
	assert.EqualValues(t, 1, l.BatchesMaxPageNum)
	first := l.AssignedBatches[0]
	assert.Equal(t, gen.BatchStatusAVAILABLE, first.BatchStatus)
	assert.EqualValues(t, 0, *first.BatchType)
	assert.Equal(t, "2026-02-11 4:55:12 PM", *first.CreateDate)
	assert.Equal(t, s.User.ID, *first.CreateUser)
	assert.EqualValues(t, 0, *first.UserID)
	assert.Equal(t, bs.ID, *first.BatchSetID)
	assert.Equal(t, "first pass", *first.Notes)
	assert.Nil(t, first.StatusFolderName)
	assert.Nil(t, first.CompletedDate)
	var counts []int64
	for _, b := range l.AssignedBatches {
		counts = append(counts, *b.DocCount)
	}
	assert.Equal(t, []int64{2, 2, 1}, counts)
	s.tenant.mu.Lock()
	assert.Equal(t, recs[:2], s.tenant.projects[pid].batches[first.BatchID].records, "records cut in ID order")
	s.tenant.mu.Unlock()

	// Another prefix numbers from 1; the first prefix goes on after its last number.
	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 5, "prefix": "REV"}})
	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 10, "prefix": ""}})
	l = listBatches(t, s, pid, "unassigned", "", nil)
	assert.Equal(t, []string{"BATCH-0001", "BATCH-0002", "BATCH-0003", "REV-0001", "BATCH-0004"}, batchNames(l))
	assert.EqualValues(t, 0, *l.AssignedBatches[3].BatchSetID, "no batch set")

	// Numbers are not reused after a delete.
	code, body := batchOp(t, s, pid, "DELETE", "", map[string]any{"batch_ids": []int64{l.AssignedBatches[4].BatchID}})
	require.Equal(t, http.StatusOK, code, "%s", body)
	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 10}})
	l = listBatches(t, s, pid, "unassigned", "", nil)
	assert.Equal(t, "BATCH-0005", batchNames(l)[4])

	// Numbering is per project.
	code, body = call(t, s, "POST", "/projects", map[string]any{"name": "Other", "client_id": 11, "dataservers_id": s.DataServerID})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	other := decode[gen.Project](t, body).ID
	s.tenant.mu.Lock()
	s.tenant.addRecord(s.tenant.projects[other], map[string]any{})
	s.tenant.mu.Unlock()
	mustCreateBatches(t, s, other, map[string]any{"batch": map[string]any{"batch_size": 10}})
	assert.Equal(t, []string{"BATCH-0001"}, batchNames(listBatches(t, s, other, "unassigned", "", nil)))
}

func TestCreateBatchesUnbatchedOnly(t *testing.T) {
	s, pid := batchServer(t, 5)
	defer s.Close()
	recs := projectRecords(s, pid)

	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"type": 5, "batch_size": 10, "prefix": "HOT"}, "record_ids": []int64{recs[3], recs[1]}})
	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"type": 0, "batch_size": 10, "unbatched_only": true}})
	s.tenant.mu.Lock()
	var got [][]int64
	for _, id := range sortedKeys(s.tenant.projects[pid].batches) {
		got = append(got, s.tenant.projects[pid].batches[id].records)
	}
	s.tenant.mu.Unlock()
	assert.Equal(t, [][]int64{{recs[3], recs[1]}, {recs[0], recs[2], recs[4]}}, got)

	code, body := createBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 10, "unbatched_only": true}})
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "There are no records to batch.", errorMessage(t, body))
}

func TestCreateArbitraryBatches(t *testing.T) {
	clock := NewFakeClock(batchEpoch)
	s, pid := batchServer(t, 6, WithClock(clock))
	defer s.Close()
	recs := projectRecords(s, pid)
	arbitrary := func(size int, extra map[string]any) map[string]any {
		body := map[string]any{"batch": map[string]any{"type": 5, "batch_size": size, "prefix": "ARB"}}
		for k, v := range extra {
			body[k] = v
		}
		return body
	}
	records := func(id int64) []int64 {
		s.tenant.mu.Lock()
		defer s.tenant.mu.Unlock()
		return s.tenant.projects[pid].batches[id].records
	}

	// record_ids: the order given, duplicates once; view_id 0 means "not set".
	mustCreateBatches(t, s, pid, arbitrary(2, map[string]any{"record_ids": []int64{recs[4], recs[0], recs[4], recs[2]}, "view_id": 0}))
	l := listBatches(t, s, pid, "unassigned", "", nil)
	require.Equal(t, []string{"ARB-0001", "ARB-0002"}, batchNames(l))
	assert.EqualValues(t, 5, *l.AssignedBatches[0].BatchType)
	assert.Equal(t, []int64{recs[4], recs[0]}, records(l.AssignedBatches[0].BatchID))
	assert.Equal(t, []int64{recs[2]}, records(l.AssignedBatches[1].BatchID))

	// view_id: the view's records; an empty record_ids means "not set".
	code, body := call(t, s, "POST", fmt.Sprintf("/projects/%d/views", pid), map[string]any{
		"selected_ids": []int64{recs[1], recs[5]}, "expiry_date": batchEpoch.Add(time.Hour).Format(time.RFC3339),
	})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	viewID := decode[gen.CreateViewResult](t, body).ViewID
	mustCreateBatches(t, s, pid, arbitrary(10, map[string]any{"view_id": viewID, "record_ids": []int64{}}))
	l = listBatches(t, s, pid, "unassigned", "", nil)
	require.Equal(t, "ARB-0003", batchNames(l)[2])
	assert.Equal(t, []int64{recs[1], recs[5]}, records(l.AssignedBatches[2].BatchID))

	// An expired view is gone.
	clock.Advance(2 * time.Hour)
	code, body = createBatches(t, s, pid, arbitrary(10, map[string]any{"view_id": viewID}))
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, fmt.Sprintf("View %d not found.", viewID), errorMessage(t, body))
	code, _ = createBatches(t, s, pid, arbitrary(10, map[string]any{"view_id": 424242}))
	assert.Equal(t, http.StatusNotFound, code)
}

func TestCreateBatchesErrors(t *testing.T) {
	s, pid := batchServer(t, 3)
	defer s.Close()
	recs := projectRecords(s, pid)
	code, body := call(t, s, "POST", "/projects", map[string]any{"name": "Empty", "client_id": 11, "dataservers_id": s.DataServerID})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	empty := decode[gen.Project](t, body).ID

	for _, tc := range []struct {
		name    string
		project int64
		body    any
		want    int
		msg     string
	}{
		{"no batch settings", pid, map[string]any{"record_ids": recs}, http.StatusBadRequest, "The batch settings (batch) are required."},
		{"no batch_size", pid, map[string]any{"batch": map[string]any{"type": 0}}, http.StatusBadRequest, "batch_size must be at least 1."},
		{"batch_size 0", pid, map[string]any{"batch": map[string]any{"batch_size": 0}}, http.StatusBadRequest, "batch_size must be at least 1."},
		{"negative batch_size", pid, map[string]any{"batch": map[string]any{"batch_size": -3}}, http.StatusBadRequest, "batch_size must be at least 1."},
		{"unknown batch set", pid, map[string]any{"batch": map[string]any{"batch_size": 1, "batch_set_id": 8999}}, http.StatusBadRequest, "Batch set 8999 not found."},
		{"unknown status folder", pid, map[string]any{"batch": map[string]any{"batch_size": 1, "status_folder_id": 3999}}, http.StatusBadRequest, "Folder 3999 not found."},
		{"the docs' example: type 0 with record_ids", pid, map[string]any{
			"batch":      map[string]any{"folder_id": -1, "type": 0, "prefix": "BATCH", "batch_size": 100, "unbatched_only": true},
			"record_ids": recs, "view_id": 0,
		}, http.StatusBadRequest, "record_ids and view_id are only valid for the arbitrary batch type (5)."},
		{"type 0 with view_id", pid, map[string]any{"batch": map[string]any{"batch_size": 1}, "view_id": 5001}, http.StatusBadRequest, "record_ids and view_id are only valid for the arbitrary batch type (5)."},
		{"type 5 with both", pid, map[string]any{"batch": map[string]any{"type": 5, "batch_size": 1}, "record_ids": recs, "view_id": 5001}, http.StatusBadRequest, "An arbitrary batch (type 5) needs exactly one of record_ids and view_id."},
		{"type 5 with neither", pid, map[string]any{"batch": map[string]any{"type": 5, "batch_size": 1}, "record_ids": []int64{}, "view_id": 0}, http.StatusBadRequest, "An arbitrary batch (type 5) needs exactly one of record_ids and view_id."},
		{"unknown record", pid, map[string]any{"batch": map[string]any{"type": 5, "batch_size": 1}, "record_ids": []int64{recs[0], 999}}, http.StatusBadRequest, "Record 999 not found."},
		{"no records in the project", empty, map[string]any{"batch": map[string]any{"batch_size": 1}}, http.StatusBadRequest, "There are no records to batch."},
		{"unknown project", 999999, map[string]any{"batch": map[string]any{"batch_size": 1}}, http.StatusNotFound, "Project 999999 not found."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := createBatches(t, s, tc.project, tc.body)
			assert.Equal(t, tc.want, code, "%s", body)
			assert.Equal(t, tc.msg, errorMessage(t, body))
		})
	}
	assert.Zero(t, listBatches(t, s, pid, "unassigned", "", nil).TotalBatches, "failed creates make no batch")
}

func TestBatchListPaging(t *testing.T) {
	s, pid := batchServer(t, 5)
	defer s.Close()

	empty := listBatches(t, s, pid, "unassigned", "", nil)
	assert.Zero(t, empty.TotalBatches)
	assert.Zero(t, empty.BatchesMaxPageNum, "no batches, no pages")

	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 1}})
	var pages [][]string
	for page := range 4 {
		l := listBatches(t, s, pid, "unassigned", fmt.Sprintf("?page=%d&page_size=2", page), nil)
		assert.EqualValues(t, 5, l.TotalBatches)
		assert.EqualValues(t, 3, l.BatchesMaxPageNum)
		pages = append(pages, batchNames(l))
	}
	assert.Equal(t, [][]string{{"BATCH-0001", "BATCH-0002"}, {"BATCH-0003", "BATCH-0004"}, {"BATCH-0005"}, {}}, pages)

	l := listBatches(t, s, pid, "unassigned", "", nil)
	assert.Len(t, l.AssignedBatches, 5, "default page 0 of 49")
	assert.EqualValues(t, 1, l.BatchesMaxPageNum, "1 page, as the docs' example")

	for _, which := range []string{"assigned", "unassigned", "completed"} {
		for _, q := range []string{"?page=-1", "?page_size=0", "?page_size=-2"} {
			code, body := batchOp(t, s, pid, "POST", "/"+which+q, map[string]any{})
			assert.Equal(t, http.StatusBadRequest, code, "%s%s: %s", which, q, body)
			assert.NotEmpty(t, errorMessage(t, body))
		}
		code, _ := call(t, s, "POST", fmt.Sprintf("/projects/999999/batches/%s", which), map[string]any{})
		assert.Equal(t, http.StatusNotFound, code)
	}
}

func TestBatchListBatchSetFilter(t *testing.T) {
	s, pid := batchServer(t, 4)
	defer s.Close()
	a, b := createBatchSet(t, s, pid, "A"), createBatchSet(t, s, pid, "B")
	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 1, "prefix": "A", "batch_set_id": a.ID}})
	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 2, "prefix": "B", "batch_set_id": b.ID}})

	assert.Len(t, listBatches(t, s, pid, "unassigned", fmt.Sprintf("?batch_set_id=%d", a.ID), nil).AssignedBatches, 4)
	l := listBatches(t, s, pid, "unassigned", fmt.Sprintf("?batch_set_id=%d", b.ID), nil)
	assert.Equal(t, []string{"B-0001", "B-0002"}, batchNames(l))
	assert.EqualValues(t, 6, listBatches(t, s, pid, "unassigned", "?batch_set_id=0", nil).TotalBatches, "0 means all sets")
	assert.Zero(t, listBatches(t, s, pid, "unassigned", "?batch_set_id=8999", nil).TotalBatches)
}

func TestBatchLifeCycle(t *testing.T) {
	clock := NewFakeClock(batchEpoch)
	s, pid := batchServer(t, 4, WithClock(clock))
	defer s.Close()
	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 1}})
	ids := batchIDs(listBatches(t, s, pid, "unassigned", "", nil))
	rev1, rev2 := s.Reviewers[0].ID, s.Reviewers[1].ID
	lists := func(filter map[string]any) (assigned, unassigned, completed []int64) {
		return batchIDs(listBatches(t, s, pid, "assigned", "", filter)),
			batchIDs(listBatches(t, s, pid, "unassigned", "", filter)),
			batchIDs(listBatches(t, s, pid, "completed", "", filter))
	}

	// Assign two batches to one reviewer and one to the other.
	clock.Advance(24 * time.Hour)
	code, body := batchOp(t, s, pid, "POST", "/assign", map[string]any{"batch_ids": ids[:2], "user_id": rev1})
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.JSONEq(t, `{"iconect_ok": "Batches assigned."}`, string(body))
	code, body = batchOp(t, s, pid, "POST", "/assign", map[string]any{"batch_ids": ids[2:3], "user_id": rev2})
	require.Equal(t, http.StatusOK, code, "%s", body)

	as, un, co := lists(nil)
	assert.Equal(t, ids[:3], as)
	assert.Equal(t, ids[3:], un)
	assert.Empty(t, co)
	b := listBatches(t, s, pid, "assigned", "", nil).AssignedBatches[0]
	assert.Equal(t, rev1, *b.UserID)
	assert.Equal(t, s.User.ID, *b.AssignedBy)
	assert.Equal(t, "2026-02-12 4:55:12 PM", *b.AssignedDate)
	assert.Equal(t, batchAssigned, b.BatchStatus, "status 3, as the docs' assigned example")
	assert.Equal(t, ids[2:3], batchIDs(listBatches(t, s, pid, "assigned", "", map[string]any{"user_ids": []int64{rev2}})))

	// NOT_COMPLETE keeps the batch assigned.
	code, body = batchOp(t, s, pid, "POST", "/checkin", map[string]any{"batch_id": ids[0], "batch_status": 1})
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.NotEmpty(t, decode[gen.IconectOk](t, body).IconectOk)
	as, _, co = lists(nil)
	assert.Equal(t, ids[:3], as)
	assert.Empty(t, co)
	assert.Equal(t, gen.BatchStatusNOTCOMPLETE, listBatches(t, s, pid, "assigned", "", nil).AssignedBatches[0].BatchStatus)

	// COMPLETE completes it: it stays with its user, and hide_completed hides it.
	clock.Advance(time.Hour)
	code, body = batchOp(t, s, pid, "POST", "/checkin", map[string]any{"batch_id": ids[0], "batch_status": 2, "target_batch_set_id": 0})
	require.Equal(t, http.StatusOK, code, "%s", body)
	as, un, co = lists(nil)
	assert.Equal(t, ids[:3], as)
	assert.Equal(t, ids[3:], un)
	assert.Equal(t, ids[:1], co)
	done := listBatches(t, s, pid, "completed", "", nil).AssignedBatches[0]
	assert.Equal(t, gen.BatchStatusCOMPLETE, done.BatchStatus)
	assert.Equal(t, "2026-02-12 5:55:12 PM", *done.CompletedDate)
	as, _, _ = lists(map[string]any{"hide_completed": true})
	assert.Equal(t, ids[1:3], as)
	assert.Equal(t, ids[:1], batchIDs(listBatches(t, s, pid, "completed", "", map[string]any{"user_ids": []int64{rev1}})))
	assert.Empty(t, batchIDs(listBatches(t, s, pid, "completed", "", map[string]any{"user_ids": []int64{rev2}})))

	// AVAILABLE returns a batch to the unassigned pool.
	code, body = batchOp(t, s, pid, "POST", "/checkin", map[string]any{"batch_id": ids[1], "batch_status": 0})
	require.Equal(t, http.StatusOK, code, "%s", body)
	as, un, _ = lists(nil)
	assert.Equal(t, []int64{ids[0], ids[2]}, as)
	assert.Equal(t, []int64{ids[1], ids[3]}, un)
	back := listBatches(t, s, pid, "unassigned", "", nil).AssignedBatches[0]
	assert.Equal(t, gen.BatchStatusAVAILABLE, back.BatchStatus)
	assert.EqualValues(t, 0, *back.UserID)
	assert.Nil(t, back.AssignedDate)

	// Unassign: the completed batch too goes back, AVAILABLE.
	code, body = batchOp(t, s, pid, "POST", "/unassign", map[string]any{"batch_ids": []int64{ids[0], ids[2]}})
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.JSONEq(t, `{"iconect_ok": "Batches unassigned."}`, string(body))
	as, un, co = lists(nil)
	assert.Empty(t, as)
	assert.Equal(t, ids, un)
	assert.Empty(t, co)

	// A completed, never assigned batch is in the unassigned list unless hidden.
	code, _ = batchOp(t, s, pid, "POST", "/checkin", map[string]any{"batch_id": ids[3], "batch_status": 2})
	require.Equal(t, http.StatusOK, code)
	_, un, co = lists(map[string]any{"hide_completed": true, "user_ids": []int64{rev1}})
	assert.Equal(t, ids[:3], un, "user_ids does not filter the unassigned list")
	assert.Empty(t, co, "the completed batch has no user")
	_, un, _ = lists(nil)
	assert.Equal(t, ids, un)
}

func TestAssignAndUnassignErrors(t *testing.T) {
	s, pid := batchServer(t, 2)
	defer s.Close()
	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 1}})
	ids := batchIDs(listBatches(t, s, pid, "unassigned", "", nil))
	rev := s.Reviewers[0].ID

	for _, tc := range []struct {
		name, op string
		body     any
		want     int
		msg      string
	}{
		{"assign unknown user", "/assign", map[string]any{"batch_ids": ids, "user_id": 777}, http.StatusBadRequest, "User 777 not found."},
		{"assign without user", "/assign", map[string]any{"batch_ids": ids}, http.StatusBadRequest, "user_id is required."},
		{"assign unknown batch", "/assign", map[string]any{"batch_ids": []int64{ids[0], 9999}, "user_id": rev}, http.StatusNotFound, "Batch 9999 not found."},
		{"assign no batches", "/assign", map[string]any{"batch_ids": []int64{}, "user_id": rev}, http.StatusBadRequest, "batch_ids must name at least one batch."},
		{"assign null batches", "/assign", map[string]any{"user_id": rev}, http.StatusBadRequest, "batch_ids must name at least one batch."},
		{"unassign unknown batch", "/unassign", map[string]any{"batch_ids": []int64{9999}}, http.StatusNotFound, "Batch 9999 not found."},
		{"unassign no batches", "/unassign", map[string]any{}, http.StatusBadRequest, "batch_ids must name at least one batch."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := batchOp(t, s, pid, "POST", tc.op, tc.body)
			assert.Equal(t, tc.want, code, "%s", body)
			assert.Equal(t, tc.msg, errorMessage(t, body))
		})
	}
	assert.Empty(t, listBatches(t, s, pid, "assigned", "", nil).AssignedBatches, "a failed assign assigns nothing")
	for _, op := range []string{"/assign", "/unassign"} {
		code, _ := call(t, s, "POST", "/projects/999999/batches"+op, map[string]any{"batch_ids": ids, "user_id": rev})
		assert.Equal(t, http.StatusNotFound, code)
	}
}

// addFolder puts a panel and a folder path under it straight into the
// project's state (the folder API belongs elsewhere) and returns the ID of
// the last folder.
func addFolder(s *Server, pid int64, panel string, path ...string) int64 {
	t := s.tenant
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.projects[pid]
	pn := &gen.Panel{ID: t.nextID("panel"), Name: ptr(panel)}
	p.panels[pn.ID] = pn
	var parent int64
	for _, name := range path {
		f := &folder{Folder: gen.Folder{ID: t.nextID("folder"), Name: ptr(name), PanelID: pn.ID, ParentID: parent}, records: map[int64]bool{}}
		p.folders[f.ID] = f
		parent = f.ID
	}
	return parent
}

func TestUpdateBatches(t *testing.T) {
	s, pid := batchServer(t, 3)
	defer s.Close()
	reviewed := addFolder(s, pid, "General", "Reviewed")
	hot := addFolder(s, pid, "Review Workflow", "QC", "Hot")
	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 1, "notes": "start", "status_folder_id": reviewed}})
	ids := batchIDs(listBatches(t, s, pid, "unassigned", "", nil))
	batch := func(i int) gen.Batch { return listBatches(t, s, pid, "unassigned", "", nil).AssignedBatches[i] }
	update := func(body map[string]any) {
		t.Helper()
		code, b := batchOp(t, s, pid, "PUT", "", body)
		require.Equal(t, http.StatusOK, code, "%s", b)
		assert.JSONEq(t, `{"iconect_ok": "Batches updated."}`, string(b))
	}
	assert.Equal(t, "General|Reviewed", *batch(0).StatusFolderName, "as the docs' example")

	update(map[string]any{"batch_ids": ids[:2], "notes": "second look", "status_folder_id": hot})
	assert.Equal(t, "second look", *batch(0).Notes)
	assert.Equal(t, "Review Workflow|QC|Hot", *batch(1).StatusFolderName)
	assert.Equal(t, "start", *batch(2).Notes, "other batches unchanged")
	assert.Equal(t, "General|Reviewed", *batch(2).StatusFolderName)

	update(map[string]any{"batch_ids": ids[:1], "notes": nil, "status_folder_id": nil})
	assert.Equal(t, "second look", *batch(0).Notes, "null leaves notes unchanged")
	assert.Equal(t, "Review Workflow|QC|Hot", *batch(0).StatusFolderName, "null leaves the folder unchanged")
	update(map[string]any{"batch_ids": ids[:1]})
	assert.Equal(t, "second look", *batch(0).Notes, "omitted leaves notes unchanged")

	update(map[string]any{"batch_ids": ids[:1], "notes": "", "status_folder_id": 0})
	assert.Equal(t, "", *batch(0).Notes, `"" clears the notes`)
	assert.Nil(t, batch(0).StatusFolderName, "0 clears the status folder")

	for _, tc := range []struct {
		name    string
		project int64
		body    any
		want    int
		msg     string
	}{
		{"unknown folder", pid, map[string]any{"batch_ids": ids, "status_folder_id": 3999, "notes": "x"}, http.StatusBadRequest, "Folder 3999 not found."},
		{"unknown batch", pid, map[string]any{"batch_ids": []int64{ids[1], 9999}, "notes": "x"}, http.StatusNotFound, "Batch 9999 not found."},
		{"no batches", pid, map[string]any{"notes": "x"}, http.StatusBadRequest, "batch_ids must name at least one batch."},
		{"unknown project", 999999, map[string]any{"batch_ids": ids, "notes": "x"}, http.StatusNotFound, "Project 999999 not found."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := batchOp(t, s, tc.project, "PUT", "", tc.body)
			assert.Equal(t, tc.want, code, "%s", body)
			assert.Equal(t, tc.msg, errorMessage(t, body))
		})
	}
	assert.Equal(t, "second look", *batch(1).Notes, "failed updates change nothing")
}

func TestCheckInBatch(t *testing.T) {
	s, pid := batchServer(t, 2)
	defer s.Close()
	from, to := createBatchSet(t, s, pid, "From"), createBatchSet(t, s, pid, "To")
	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 1, "batch_set_id": from.ID}})
	ids := batchIDs(listBatches(t, s, pid, "unassigned", "", nil))

	code, body := batchOp(t, s, pid, "POST", "/checkin", map[string]any{"batch_id": ids[0], "batch_status": 1, "target_batch_set_id": to.ID})
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Equal(t, ids[:1], batchIDs(listBatches(t, s, pid, "unassigned", fmt.Sprintf("?batch_set_id=%d", to.ID), nil)), "moved to the target set")
	assert.Equal(t, ids[1:], batchIDs(listBatches(t, s, pid, "unassigned", fmt.Sprintf("?batch_set_id=%d", from.ID), nil)))

	for _, tc := range []struct {
		name    string
		project int64
		body    any
		want    int
		msg     string
	}{
		{"unknown batch", pid, map[string]any{"batch_id": 9999, "batch_status": 2}, http.StatusNotFound, "Batch 9999 not found."},
		{"no batch_id", pid, map[string]any{"batch_status": 2}, http.StatusBadRequest, "batch_id and batch_status are required."},
		{"no batch_status", pid, map[string]any{"batch_id": ids[1]}, http.StatusBadRequest, "batch_id and batch_status are required."},
		{"status 3", pid, map[string]any{"batch_id": ids[1], "batch_status": 3}, http.StatusBadRequest, "A batch is checked in as AVAILABLE (0), NOT_COMPLETE (1) or COMPLETE (2), not 3."},
		{"status 4", pid, map[string]any{"batch_id": ids[1], "batch_status": 4}, http.StatusBadRequest, "A batch is checked in as AVAILABLE (0), NOT_COMPLETE (1) or COMPLETE (2), not 4."},
		{"unknown target set", pid, map[string]any{"batch_id": ids[1], "batch_status": 2, "target_batch_set_id": 8999}, http.StatusBadRequest, "Batch set 8999 not found."},
		{"unknown project", 999999, map[string]any{"batch_id": ids[1], "batch_status": 2}, http.StatusNotFound, "Project 999999 not found."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := batchOp(t, s, tc.project, "POST", "/checkin", tc.body)
			assert.Equal(t, tc.want, code, "%s", body)
			assert.Equal(t, tc.msg, errorMessage(t, body))
		})
	}
	code, body = batchOp(t, s, pid, "POST", "/checkin", map[string]any{"batch_id": ids[1], "batch_status": 9})
	assert.Equal(t, http.StatusBadRequest, code, "the spec's enum")
	assert.NotEmpty(t, errorMessage(t, body))
	assert.Empty(t, listBatches(t, s, pid, "completed", "", nil).AssignedBatches, "failed check-ins change nothing")
}

func TestDeleteBatches(t *testing.T) {
	s, pid := batchServer(t, 3)
	defer s.Close()
	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 1}})
	ids := batchIDs(listBatches(t, s, pid, "unassigned", "", nil))
	code, _ := batchOp(t, s, pid, "POST", "/assign", map[string]any{"batch_ids": ids[2:], "user_id": s.User.ID})
	require.Equal(t, http.StatusOK, code)

	code, body := batchOp(t, s, pid, "DELETE", "", map[string]any{"batch_ids": []int64{ids[0], ids[2]}})
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.JSONEq(t, `{"iconect_ok": "Batches deleted."}`, string(body))
	assert.Equal(t, ids[1:2], batchIDs(listBatches(t, s, pid, "unassigned", "", nil)))
	assert.Empty(t, listBatches(t, s, pid, "assigned", "", nil).AssignedBatches)

	for _, tc := range []struct {
		name    string
		project int64
		body    any
		want    int
	}{
		{"already deleted", pid, map[string]any{"batch_ids": []int64{ids[1], ids[0]}}, http.StatusNotFound},
		{"ID 0", pid, map[string]any{"batch_ids": []int64{0}}, http.StatusBadRequest},
		{"negative ID", pid, map[string]any{"batch_ids": []int64{-4}}, http.StatusBadRequest},
		{"no batches", pid, map[string]any{"batch_ids": []int64{}}, http.StatusBadRequest},
		{"unknown project", 999999, map[string]any{"batch_ids": ids}, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := batchOp(t, s, tc.project, "DELETE", "", tc.body)
			assert.Equal(t, tc.want, code, "%s", body)
			assert.NotEmpty(t, errorMessage(t, body))
		})
	}
	assert.Equal(t, ids[1:2], batchIDs(listBatches(t, s, pid, "unassigned", "", nil)), "failed deletes delete nothing")
}

func TestBatchListSorting(t *testing.T) {
	clock := NewFakeClock(batchEpoch)
	s, pid := batchServer(t, 3, WithClock(clock))
	defer s.Close()
	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 1, "prefix": "B"}})
	clock.Advance(time.Hour)
	mustCreateBatches(t, s, pid, map[string]any{"batch": map[string]any{"batch_size": 3, "prefix": "A"}})
	ids := batchIDs(listBatches(t, s, pid, "unassigned", "", nil)) // B-0001, B-0002, B-0003, A-0001
	s.tenant.mu.Lock()
	s.tenant.projects[pid].batches[ids[3]].created = batchEpoch.Add(-time.Hour) // the oldest, though the last ID
	s.tenant.mu.Unlock()
	rev1, rev2 := s.Reviewers[0].ID, s.Reviewers[1].ID
	for _, a := range []struct {
		id, user int64
	}{{ids[0], rev2}, {ids[1], rev1}, {ids[2], rev2}, {ids[3], rev1}} {
		code, body := batchOp(t, s, pid, "POST", "/assign", map[string]any{"batch_ids": []int64{a.id}, "user_id": a.user})
		require.Equal(t, http.StatusOK, code, "%s", body)
	}
	code, _ := batchOp(t, s, pid, "POST", "/checkin", map[string]any{"batch_id": ids[2], "batch_status": 1})
	require.Equal(t, http.StatusOK, code)

	sorted := func(filter map[string]any) []int64 {
		return batchIDs(listBatches(t, s, pid, "assigned", "", filter))
	}
	assert.Equal(t, ids, sorted(nil), "no sort: ID order")
	assert.Equal(t, []int64{ids[3], ids[0], ids[1], ids[2]}, sorted(map[string]any{"sort": 0}), "0: name")
	assert.Equal(t, []int64{ids[2], ids[1], ids[0], ids[3]}, sorted(map[string]any{"sort": 0, "ascending": false}))
	assert.Equal(t, []int64{ids[2], ids[0], ids[1], ids[3]}, sorted(map[string]any{"sort": 1, "ascending": true}), "1: status (1 before 3)")
	assert.Equal(t, []int64{ids[1], ids[3], ids[0], ids[2]}, sorted(map[string]any{"sort": 2}), "2: assigned user (35 before 39)")
	assert.Equal(t, []int64{ids[3], ids[0], ids[1], ids[2]}, sorted(map[string]any{"sort": 3, "filters": []map[string]any{{"any": "thing"}}}), "3: create date; filters ignored")
	assert.Equal(t, []int64{ids[2], ids[1], ids[0], ids[3]}, sorted(map[string]any{"sort": 3, "ascending": false}))
	assert.Equal(t, []int64{ids[3], ids[2], ids[1], ids[0]}, sorted(map[string]any{"ascending": false}))

	code, body := batchOp(t, s, pid, "POST", "/assigned", map[string]any{"sort": 4})
	assert.Equal(t, http.StatusBadRequest, code, "the spec's enum")
	assert.NotEmpty(t, errorMessage(t, body))
}
