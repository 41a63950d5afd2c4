package iconecttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recServer starts a fake with a project "Matter" whose text fields are
// Title and Body, holding these records (values by field name). It returns
// the project's ID and its field IDs by name (DOCID and "Native File"
// included).
func recServer(t *testing.T, records []map[string]string, opts ...Option) (*Server, int64, map[string]string) {
	t.Helper()
	s := NewServer(append(opts, WithProject(SeedProject{Name: "Matter", Fields: []string{"Title", "Body"}, Records: records}))...)
	t.Cleanup(s.Close)
	pid, ok := s.ProjectID("Matter")
	require.True(t, ok)
	s.tenant.mu.Lock()
	defer s.tenant.mu.Unlock()
	fields := map[string]string{}
	for id, f := range s.tenant.projects[pid].fields {
		fields[*f.Name] = fmt.Sprint(id)
	}
	return s, pid, fields
}

// recCreateResult is createRecords' answer as a client reads it.
type recCreateResult struct {
	IconectOk      string `json:"iconect_ok"`
	NewRecordsList struct {
		Records      []recWire `json:"records"`
		RecordStatus struct {
			Results []struct {
				Status      int32             `json:"status"`
				Data        recWire           `json:"data"`
				FieldErrors []json.RawMessage `json:"field_errors"`
			} `json:"results"`
			AddedRecordIds []int64 `json:"added_record_ids"`
		} `json:"record_status"`
	} `json:"new_records_list"`
	DuplicateList json.RawMessage `json:"duplicate_list"`
	RecordErrors  json.RawMessage `json:"record_errors"`
}

type recWire struct {
	ID        int64          `json:"id"`
	Version   int64          `json:"version"`
	FieldData map[string]any `json:"field_data"`
}

// fieldNum is a field ID key of field_data as a number.
func fieldNum(key string) int64 {
	n, err := strconv.ParseInt(key, 10, 64)
	if err != nil {
		panic(err)
	}
	return n
}

func recPath(pid int64) string { return fmt.Sprintf("/projects/%d/records", pid) }

// createRecords posts records (field_data by field ID) and wants 201.
func recCreate(t *testing.T, s *Server, pid int64, body map[string]any) recCreateResult {
	t.Helper()
	code, b := call(t, s, "POST", recPath(pid), body)
	require.Equal(t, http.StatusCreated, code, "%s", b)
	return decode[recCreateResult](t, b)
}

func recBodies(data ...map[string]any) []map[string]any {
	out := make([]map[string]any, len(data))
	for i, d := range data {
		out[i] = map[string]any{"field_data": d}
	}
	return out
}

func recList(t *testing.T, s *Server, pid int64, query string) []recWire {
	t.Helper()
	code, b := call(t, s, "GET", recPath(pid)+query, nil)
	require.Equal(t, http.StatusOK, code, "%s", b)
	return decode[[]recWire](t, b)
}

func recIDs(rs []recWire) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func TestCreateAndGetRecord(t *testing.T) {
	s, pid, f := recServer(t, nil)

	res := recCreate(t, s, pid, map[string]any{"records": recBodies(
		map[string]any{f["Title"]: "First", f["Body"]: "Body one"},
		map[string]any{f["Title"]: "Second", f["Body"]: 42.5, f["DOCID"]: nil},
	)})
	assert.Equal(t, "Records created.", res.IconectOk)
	got := res.NewRecordsList.Records
	require.Len(t, got, 2)
	assert.Less(t, got[0].ID, got[1].ID)
	assert.EqualValues(t, 1, got[0].Version)
	assert.Equal(t, "First", got[0].FieldData[f["Title"]])
	assert.Equal(t, 42.5, got[1].FieldData[f["Body"]], "numbers keep their type")
	assert.Contains(t, got[1].FieldData, f["DOCID"], "null is kept")
	assert.Equal(t, []int64{got[0].ID, got[1].ID}, res.NewRecordsList.RecordStatus.AddedRecordIds)
	require.Len(t, res.NewRecordsList.RecordStatus.Results, 2)
	for i, r := range res.NewRecordsList.RecordStatus.Results {
		assert.EqualValues(t, 0, r.Status)
		assert.Nil(t, r.FieldErrors)
		assert.Equal(t, got[i].FieldData[f["Title"]], r.Data.FieldData[f["Title"]], "results are in request order")
	}
	assert.JSONEq(t, "null", string(res.DuplicateList))
	assert.JSONEq(t, "null", string(res.RecordErrors))

	code, b := call(t, s, "GET", fmt.Sprintf("%s/%d", recPath(pid), got[0].ID), nil)
	require.Equal(t, http.StatusOK, code, "%s", b)
	one := decode[recWire](t, b)
	assert.Equal(t, got[0], one, "a single record object")

	code, b = call(t, s, "GET", fmt.Sprintf("%s/%d?field_ids=%s,999999", recPath(pid), got[1].ID, f["Body"]), nil) // comma separated, as the spec says
	require.Equal(t, http.StatusOK, code, "%s", b)
	assert.Equal(t, map[string]any{f["Body"]: 42.5}, decode[recWire](t, b).FieldData, "only the fields asked for")

	long := strings.Repeat("x", 300)
	res = recCreate(t, s, pid, map[string]any{"records": recBodies(map[string]any{f["Body"]: long})})
	_, b = call(t, s, "GET", fmt.Sprintf("%s/%d", recPath(pid), res.NewRecordsList.Records[0].ID), nil)
	assert.Equal(t, long, decode[recWire](t, b).FieldData[f["Body"]], "size_limit does not apply to getRecord")

	code, b = call(t, s, "GET", recPath(pid)+"/424242", nil)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, "Record 424242 not found.", errorMessage(t, b))
	code, _ = call(t, s, "GET", "/projects/999/records/1", nil)
	assert.Equal(t, http.StatusNotFound, code)
}

func TestCreateRecordsFieldErrors(t *testing.T) {
	s, pid, f := recServer(t, nil)

	res := recCreate(t, s, pid, map[string]any{"records": recBodies(
		map[string]any{f["Title"]: "ok"},
		map[string]any{f["Title"]: "bad", "999999": "x"},
		map[string]any{"Title": "not an ID"},
		map[string]any{"0" + f["Title"]: "not canonical"},
		map[string]any{f["Title"]: "ok too"},
	)})
	results := res.NewRecordsList.RecordStatus.Results
	require.Len(t, results, 5)
	assert.Equal(t, []int32{0, 1, 1, 1, 0}, []int32{results[0].Status, results[1].Status, results[2].Status, results[3].Status, results[4].Status})
	require.Len(t, results[1].FieldErrors, 1)
	assert.JSONEq(t, `{"field_id": 999999, "message": "Field \"999999\" not found."}`, string(results[1].FieldErrors[0]))
	assert.JSONEq(t, `{"field_id": 0, "message": "Field \"Title\" not found."}`, string(results[2].FieldErrors[0]))
	assert.Len(t, res.NewRecordsList.Records, 2)
	assert.Len(t, res.NewRecordsList.RecordStatus.AddedRecordIds, 2)
	assert.Len(t, recList(t, s, pid, ""), 2, "the refused records are not added")
}

func TestCreateRecordsHashDuplicates(t *testing.T) {
	s, pid, f := recServer(t, []map[string]string{{"Title": "A", "Body": "old"}})

	res := recCreate(t, s, pid, map[string]any{
		"hash_ids": []int64{fieldNum(f["Title"])},
		"records": recBodies(
			map[string]any{f["Title"]: "A", f["Body"]: "dup of an existing record"},
			map[string]any{f["Title"]: "B", f["Body"]: "new"},
			map[string]any{f["Title"]: "B", f["Body"]: "dup of an earlier record"},
			map[string]any{f["Body"]: "no title: nothing to compare"},
			map[string]any{f["Body"]: "no title either"},
			map[string]any{f["Title"]: "a", f["Body"]: "case matters"},
		),
	})
	var statuses []int32
	for _, r := range res.NewRecordsList.RecordStatus.Results {
		statuses = append(statuses, r.Status)
	}
	assert.Equal(t, []int32{2, 0, 2, 0, 0, 0}, statuses)
	assert.Len(t, res.NewRecordsList.RecordStatus.AddedRecordIds, 4)
	dups := decode[[]recWire](t, res.DuplicateList)
	require.Len(t, dups, 2)
	assert.Equal(t, "dup of an existing record", dups[0].FieldData[f["Body"]])
	assert.Equal(t, "dup of an earlier record", dups[1].FieldData[f["Body"]])
	assert.Len(t, recList(t, s, pid, ""), 5)

	// Several hash fields: all must be equal.
	res = recCreate(t, s, pid, map[string]any{
		"hash_ids": []int64{fieldNum(f["Title"]), fieldNum(f["Body"])},
		"records":  recBodies(map[string]any{f["Title"]: "A", f["Body"]: "old"}, map[string]any{f["Title"]: "A", f["Body"]: "other"}),
	})
	assert.Len(t, res.NewRecordsList.RecordStatus.AddedRecordIds, 1)

	code, b := call(t, s, "POST", recPath(pid), map[string]any{"hash_ids": []int{999999}, "records": recBodies(map[string]any{f["Title"]: "x"})})
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "Hash field 999999 not found.", errorMessage(t, b))
}

func TestCreateRecordsBadBodies(t *testing.T) {
	s, pid, f := recServer(t, nil)
	storeID := func(name string) int64 {
		s.tenant.mu.Lock()
		defer s.tenant.mu.Unlock()
		return s.tenant.projects[pid].storeNamed(name).ID
	}
	one := recBodies(map[string]any{f["Title"]: "x"})
	for name, body := range map[string]any{
		"filestore without field":     map[string]any{"filestore_id": storeID("General"), "records": one},
		"field without filestore":     map[string]any{"native_field_id": fieldNum(f["Native File"]), "records": one},
		"not the native field":        map[string]any{"filestore_id": storeID("General"), "native_field_id": fieldNum(f["Title"]), "records": one},
		"unknown filestore":           map[string]any{"filestore_id": 7999, "native_field_id": fieldNum(f["Native File"]), "records": one},
		"field_data missing (schema)": map[string]any{"records": []any{map[string]any{"id": 1}}},
	} {
		code, b := call(t, s, "POST", recPath(pid), body)
		assert.Equal(t, http.StatusBadRequest, code, name)
		assert.NotEmpty(t, errorMessage(t, b), name)
	}
	code, _ := call(t, s, "POST", "/projects/999/records", map[string]any{"records": one})
	assert.Equal(t, http.StatusNotFound, code)
	assert.Empty(t, recList(t, s, pid, ""))

	// An S3 reference: the native field's value is the relative path as given.
	res := recCreate(t, s, pid, map[string]any{
		"filestore_id": storeID(nativeStoreName), "native_field_id": fieldNum(f["Native File"]),
		"records": recBodies(map[string]any{f["Title"]: "x", f["Native File"]: "relative/path/to/file.txt"}),
	})
	assert.Equal(t, "relative/path/to/file.txt", res.NewRecordsList.Records[0].FieldData[f["Native File"]])
	// 0 means "not set".
	recCreate(t, s, pid, map[string]any{"filestore_id": 0, "native_field_id": 0, "records": one})
}

func TestListRecords(t *testing.T) {
	var seed []map[string]string
	for i := 1; i <= 7; i++ {
		seed = append(seed, map[string]string{"Title": fmt.Sprintf("T%d", i), "Body": fmt.Sprintf("B%d", i)})
	}
	s, pid, f := recServer(t, seed)

	all := recList(t, s, pid, "")
	require.Len(t, all, 7, "default page_size 50 holds them all")
	for i := 1; i < len(all); i++ {
		assert.Less(t, all[i-1].ID, all[i].ID, "ID order")
	}
	assert.Equal(t, recIDs(all[:3]), recIDs(recList(t, s, pid, "?page_size=3")), "page defaults to 1")
	assert.Equal(t, recIDs(all[3:6]), recIDs(recList(t, s, pid, "?page=2&page_size=3")))
	assert.Equal(t, recIDs(all[6:]), recIDs(recList(t, s, pid, "?page=3&page_size=3")))
	assert.Empty(t, recList(t, s, pid, "?page=4&page_size=3"), "past the end: an empty page")
	assert.Empty(t, recList(t, s, pid, "?page=9223372036854775807&page_size=1000"))
	assert.Len(t, recList(t, s, pid, "?page_size=1000"), 7)

	got := recList(t, s, pid, fmt.Sprintf("?record_ids=%d&record_ids=424242&record_ids=%d&record_ids=%d", all[4].ID, all[1].ID, all[4].ID))
	assert.Equal(t, []int64{all[1].ID, all[4].ID}, recIDs(got), "unknown IDs skipped, ID order, no repeats")

	got = recList(t, s, pid, "?page_size=1&field_ids="+f["Body"])
	assert.Equal(t, map[string]any{f["Body"]: "B1"}, got[0].FieldData)

	for _, q := range []string{"?page=0", "?page=-1", "?page_size=0", "?page_size=-5",
		fmt.Sprintf("?record_ids=%d&view_id=5001", all[0].ID)} {
		code, b := call(t, s, "GET", recPath(pid)+q, nil)
		assert.Equal(t, http.StatusBadRequest, code, q)
		assert.NotEmpty(t, errorMessage(t, b), q)
	}
	code, b := call(t, s, "GET", recPath(pid)+"?view_id=5999", nil)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, "View 5999 not found.", errorMessage(t, b))
	code, _ = call(t, s, "GET", "/projects/999/records", nil)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Len(t, recList(t, s, pid, "?view_id=0"), 7, "view_id 0 means not set")
}

func TestListRecordsSizeLimit(t *testing.T) {
	s, pid, f := recServer(t, nil)
	long := strings.Repeat("é", 150) // 2 bytes a character: runes count, not bytes
	recCreate(t, s, pid, map[string]any{"records": recBodies(map[string]any{f["Title"]: "short", f["Body"]: long, f["DOCID"]: 12345.5})})

	r := recList(t, s, pid, "")[0]
	assert.Equal(t, strings.Repeat("é", 100), r.FieldData[f["Body"]], "size_limit defaults to 100")
	assert.Equal(t, "short", r.FieldData[f["Title"]])
	assert.Equal(t, 12345.5, r.FieldData[f["DOCID"]], "numbers are not cut")

	r = recList(t, s, pid, "?size_limit=3")[0]
	assert.Equal(t, "ééé", r.FieldData[f["Body"]])
	assert.Equal(t, "sho", r.FieldData[f["Title"]])
	r = recList(t, s, pid, "?size_limit=150")[0]
	assert.Equal(t, long, r.FieldData[f["Body"]], "150 characters (300 bytes) fit a size_limit of 150")
	r = recList(t, s, pid, "?size_limit=5")[0]
	assert.Equal(t, "short", r.FieldData[f["Title"]], "a value exactly size_limit long is whole")

	_, b := call(t, s, "GET", fmt.Sprintf("%s/%d", recPath(pid), r.ID), nil)
	assert.Equal(t, long, decode[recWire](t, b).FieldData[f["Body"]], "the stored value is whole")
}

// recUpdateResult is updateRecords' answer.
type recUpdateResult struct {
	IconectOk    string            `json:"iconect_ok"`
	RecordErrors []json.RawMessage `json:"record_errors"`
}

func TestUpdateRecords(t *testing.T) {
	s, pid, f := recServer(t, []map[string]string{{"Title": "A", "Body": "a"}, {"Title": "B", "Body": "b"}, {"Title": "C", "Body": "c"}})
	all := recList(t, s, pid, "")
	a, bb, c := all[0], all[1], all[2]

	code, body := call(t, s, "PUT", recPath(pid), map[string]any{"records": []any{
		map[string]any{"id": a.ID, "version": 1, "field_data": map[string]any{f["Title"]: "A2"}},
		map[string]any{"id": bb.ID, "version": 7, "field_data": map[string]any{f["Title"]: "stale"}},
		map[string]any{"id": 424242, "version": 1, "field_data": map[string]any{f["Title"]: "x"}},
		map[string]any{"id": c.ID, "field_data": map[string]any{f["Title"]: "no version"}},
		map[string]any{"id": c.ID, "version": 1, "field_data": map[string]any{f["Title"]: "bad field", "999999": "x"}},
		map[string]any{"version": 1, "field_data": map[string]any{f["Title"]: "no id"}},
	}})
	require.Equal(t, http.StatusOK, code, "%s", body)
	res := decode[recUpdateResult](t, body)
	assert.NotEmpty(t, res.IconectOk)
	require.Len(t, res.RecordErrors, 5)
	assert.JSONEq(t, fmt.Sprintf(`{"id": %d, "message": "Record %d was changed since version 7; its current version is 1."}`, bb.ID, bb.ID), string(res.RecordErrors[0]))
	assert.JSONEq(t, `{"id": 424242, "message": "Record 424242 not found."}`, string(res.RecordErrors[1]))
	assert.Contains(t, string(res.RecordErrors[2]), "no version")
	assert.Contains(t, string(res.RecordErrors[3]), `Field \"999999\" not found.`)
	assert.JSONEq(t, `{"id": 0, "message": "The record has no id."}`, string(res.RecordErrors[4]))

	after := recList(t, s, pid, "")
	assert.Equal(t, recWire{ID: a.ID, Version: 2, FieldData: map[string]any{f["Title"]: "A2", f["Body"]: "a"}}, after[0], "merged, version bumped")
	assert.Equal(t, bb, after[1], "a refused record is unchanged")
	assert.Equal(t, c, after[2])

	// With every record updated, record_errors is an empty array.
	code, body = call(t, s, "PUT", recPath(pid), map[string]any{"records": []any{
		map[string]any{"id": a.ID, "version": 2, "field_data": map[string]any{f["Body"]: nil}},
		map[string]any{"id": a.ID, "version": 3, "field_data": map[string]any{}},
	}})
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.JSONEq(t, `{"iconect_ok": "Records updated.", "record_errors": []}`, string(body))
	_, body = call(t, s, "GET", fmt.Sprintf("%s/%d", recPath(pid), a.ID), nil)
	assert.Equal(t, recWire{ID: a.ID, Version: 4, FieldData: map[string]any{f["Title"]: "A2", f["Body"]: nil}}, decode[recWire](t, body))

	code, body = call(t, s, "PUT", recPath(pid), map[string]any{"records": []any{}})
	assert.Equal(t, http.StatusOK, code, "nothing to update (TestSpecRules)")
	assert.JSONEq(t, `{"iconect_ok": "Records updated.", "record_errors": []}`, string(body))
	code, _ = call(t, s, "PUT", recPath(pid), map[string]any{"hash_ids": []int{999999}, "records": []any{map[string]any{"id": a.ID, "version": 4, "field_data": map[string]any{}}}})
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = call(t, s, "PUT", "/projects/999/records", map[string]any{"records": []any{map[string]any{"id": a.ID, "version": 4, "field_data": map[string]any{}}}})
	assert.Equal(t, http.StatusNotFound, code)
}

// TestConcurrentWriters is the "50 concurrent writers": under -race
// no record is lost and every ID is unique.
func TestConcurrentWriters(t *testing.T) {
	const writers, requests, perRequest = 50, 20, 5
	s, pid, f := recServer(t, nil)
	tok := s.AccessToken()

	post := func(w, r int) error {
		recs := make([]map[string]any, perRequest)
		for i := range recs {
			recs[i] = map[string]any{"field_data": map[string]any{f["Title"]: fmt.Sprintf("w%d-r%d-%d", w, r, i)}}
		}
		body, _ := json.Marshal(map[string]any{"records": recs})
		req, _ := http.NewRequest("POST", s.URL+recPath(pid), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer func() { _ = res.Body.Close() }()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusCreated {
			return fmt.Errorf("writer %d request %d: %d %s", w, r, res.StatusCode, b)
		}
		return nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers*requests)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range requests {
				if err := post(w, r); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	seenIDs, seenTitles := map[int64]bool{}, map[any]bool{}
	for page := 1; ; page++ {
		got := recList(t, s, pid, fmt.Sprintf("?page=%d&page_size=1000", page))
		if len(got) == 0 {
			break
		}
		for _, r := range got {
			assert.False(t, seenIDs[r.ID], "ID %d listed twice", r.ID)
			seenIDs[r.ID] = true
			seenTitles[r.FieldData[f["Title"]]] = true
		}
	}
	assert.Len(t, seenIDs, writers*requests*perRequest, "no record lost, every ID unique")
	assert.Len(t, seenTitles, writers*requests*perRequest, "every record written is there")
}
