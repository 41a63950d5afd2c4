package iconecttest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/gen"
)

// Rules the fake once enforced although the spec did not state them (found
// by property-based tests generated from the spec). Each one went one of two
// ways, and TestSpecRules shows which:
//   - out of the fake: the request is one the spec allows, and the fake now
//     answers it with a 2xx (call validates every answer against the spec);
//   - into the spec, as a guess recorded with x-iconect-guess: the validator
//     refuses the request, and the fake answers 400 with an iconect_error.

// ruleReq is one request of TestSpecRules: a JSON body, or a multipart body
// with its Content-Type.
type ruleReq struct {
	method, path string
	body         any    // JSON-encoded unless multipart is set
	multipart    []byte // a multipart/form-data body
	ctype        string // the multipart body's Content-Type
}

func (r ruleReq) bytes(t *testing.T) ([]byte, string) {
	t.Helper()
	if r.multipart != nil {
		return r.multipart, r.ctype
	}
	if r.body == nil {
		return nil, ""
	}
	b, err := json.Marshal(r.body)
	require.NoError(t, err)
	return b, "application/json"
}

// specVerdict validates the request against the spec, as the fake does
// before any handler runs (nil: the spec allows it).
func specVerdict(t *testing.T, s *Server, r ruleReq) error {
	t.Helper()
	body, ctype := r.bytes(t)
	req := httptest.NewRequest(r.method, r.path, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	route, params, _, err := s.val.Route(req.Method, req.URL.Path, nil)
	require.NoError(t, err, "%s %s", r.method, r.path)
	return s.val.ValidateRequest(req.Context(), req, route, params)
}

// send sends the request to the fake (call checks the answer against the
// spec).
func (r ruleReq) send(t *testing.T, s *Server) (int, []byte) {
	t.Helper()
	body, ctype := r.bytes(t)
	if body == nil {
		return call(t, s, r.method, r.path, nil)
	}
	return call(t, s, r.method, r.path, body, "Content-Type", ctype)
}

// ruleRecords is the record count of the rules' project: 1001, one more
// than the page size cap the fake used to have.
const ruleRecords = 1001

func TestSpecRules(t *testing.T) {
	seed := SeedProject{Name: "Rules", Fields: []string{"Title"}}
	for i := range ruleRecords {
		seed.Records = append(seed.Records, map[string]string{"Title": fmt.Sprintf("doc %d %s", i+1, strings.Repeat("x", 120))})
	}
	s := NewServer(WithProject(seed))
	defer s.Close()
	pid, ok := s.ProjectID("Rules")
	require.True(t, ok)
	proj := fmt.Sprintf("/projects/%d", pid)
	records, native := func() ([]int64, int64) {
		s.tenant.mu.Lock()
		defer s.tenant.mu.Unlock()
		p := s.tenant.projects[pid]
		return sortedKeys(p.records), p.nativeField()
	}()
	title := func() string {
		s.tenant.mu.Lock()
		defer s.tenant.mu.Unlock()
		return strconv.FormatInt(s.tenant.projects[pid].fieldNamed("Title", 0).ID, 10)
	}()
	general := storeID(t, s, pid, "General")

	// What the cases work on: a panel of each type, a folder, a field, a
	// batch set, a delimited import job.
	code, body := call(t, s, "POST", proj+"/panels", map[string]any{"name": "GENERAL", "type": 0})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	panel := decode[gen.Panel](t, body)
	code, body = call(t, s, "POST", proj+"/panels", map[string]any{"name": "Review CR", "type": 1,
		"custom_related_settings": map[string]any{"matching_field_ids": []int64{fieldNum(title)}}})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	related := decode[gen.Panel](t, body)
	folders := fmt.Sprintf("%s/panels/%d/folders", proj, panel.ID)
	code, body = call(t, s, "POST", folders, map[string]any{"name": "Reviewed"})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	folder := decode[gen.Folder](t, body)
	code, body = call(t, s, "POST", proj+"/fields", []map[string]any{{"name": "Notes", "type": 0}})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	field := decode[[]gen.Field](t, body)[0]
	set := createBatchSet(t, s, pid, "Set")
	code, body = call(t, s, "POST", proj+"/jobs", map[string]any{"type": 50007, "name": "Import", "details": map[string]any{
		"file_store_id": general, "input_file": "in.csv", "file_format": 1, "encoding": 0,
		"map_file_column_to_field_id": map[string]int64{"0": fieldNum(title)}}})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	job := decode[gen.Job](t, body)

	noFilename, noFilenameType := multipartBody(t, [2]string{`form-data; name="file"`, "no name"})
	emptyFilename, emptyFilenameType := multipartBody(t, [2]string{`form-data; name="file"; filename=""`, "empty name"})
	recordCount := func() int {
		s.tenant.mu.Lock()
		defer s.tenant.mu.Unlock()
		return len(s.tenant.projects[pid].records)
	}

	accepted := []struct {
		rule, name string
		req        ruleReq
		want       int
		check      func(t *testing.T, body []byte)
	}{
		// a. createRecords/updateRecords: records is "array or null" in the
		// docs; nothing to create or update is an empty answer.
		{"a", "createRecords without records", ruleReq{method: "POST", path: proj + "/records", body: map[string]any{}}, http.StatusCreated,
			func(t *testing.T, b []byte) {
				r := decode[gen.CreateRecordsResult](t, b)
				require.NotNil(t, r.NewRecordsList)
				assert.Empty(t, r.NewRecordsList.Records)
				assert.Empty(t, r.NewRecordsList.RecordStatus.AddedRecordIds)
				assert.Equal(t, ruleRecords, recordCount())
			}},
		{"a", "createRecords with null records", ruleReq{method: "POST", path: proj + "/records", body: map[string]any{"records": nil}}, http.StatusCreated, nil},
		{"a", "createRecords with no records", ruleReq{method: "POST", path: proj + "/records", body: map[string]any{"records": []any{}, "hash_ids": []int64{fieldNum(title)}}}, http.StatusCreated, nil},
		{"a", "updateRecords without records", ruleReq{method: "PUT", path: proj + "/records", body: map[string]any{}}, http.StatusOK,
			func(t *testing.T, b []byte) {
				assert.Empty(t, decode[gen.UpdateRecordsResult](t, b).RecordErrors)
			}},
		{"a", "updateRecords with no records", ruleReq{method: "PUT", path: proj + "/records", body: map[string]any{"records": []any{}}}, http.StatusOK, nil},

		// b. Names are "string or null" in the docs: a missing, null or
		// empty name is stored empty.
		{"b", "createPanel without name", ruleReq{method: "POST", path: proj + "/panels", body: map[string]any{"type": 0}}, http.StatusCreated,
			func(t *testing.T, b []byte) { assert.Equal(t, "", *decode[gen.Panel](t, b).Name) }},
		{"b", "createPanel with null name", ruleReq{method: "POST", path: proj + "/panels", body: map[string]any{"name": nil}}, http.StatusCreated,
			func(t *testing.T, b []byte) { assert.Equal(t, "", *decode[gen.Panel](t, b).Name) }},
		{"b", "createPanel with empty name", ruleReq{method: "POST", path: proj + "/panels", body: map[string]any{"name": ""}}, http.StatusCreated, nil},
		{"b", "updatePanel to empty name", ruleReq{method: "PUT", path: fmt.Sprintf("%s/panels/%d", proj, related.ID), body: map[string]any{"name": ""}}, http.StatusOK,
			func(t *testing.T, b []byte) { assert.Equal(t, "", *decode[gen.Panel](t, b).Name) }},
		{"b", "createFolder without name", ruleReq{method: "POST", path: folders, body: map[string]any{"parent_id": 0}}, http.StatusCreated,
			func(t *testing.T, b []byte) {
				f := decode[gen.Folder](t, b)
				assert.Equal(t, "", *f.Name)
				assert.Equal(t, "|GENERAL||", *f.SearchName)
			}},
		{"b", "createFolder with null name", ruleReq{method: "POST", path: folders, body: map[string]any{"name": nil}}, http.StatusCreated, nil},
		{"b", "createFolder with empty name", ruleReq{method: "POST", path: folders, body: map[string]any{"name": ""}}, http.StatusCreated, nil},
		{"b", "updateFolder to empty name", ruleReq{method: "PUT", path: fmt.Sprintf("%s/%d", folders, folder.ID), body: map[string]any{"name": ""}}, http.StatusOK,
			func(t *testing.T, b []byte) { assert.Equal(t, "", *decode[gen.Folder](t, b).Name) }},
		{"b", "createFields without names", ruleReq{method: "POST", path: proj + "/fields", body: []map[string]any{{"type": 0}, {"name": nil}, {"name": ""}}}, http.StatusCreated,
			func(t *testing.T, b []byte) {
				fs := decode[[]gen.Field](t, b)
				require.Len(t, fs, 3, "blank names clash with no other")
				for _, f := range fs {
					assert.Equal(t, "", *f.Name)
				}
			}},
		{"b", "createFields with no fields", ruleReq{method: "POST", path: proj + "/fields", body: []any{}}, http.StatusCreated,
			func(t *testing.T, b []byte) { assert.Equal(t, "[]", string(trimNewline(b))) }},
		{"b", "updateField to empty name", ruleReq{method: "PUT", path: fmt.Sprintf("%s/fields/%d", proj, field.ID), body: map[string]any{"name": ""}}, http.StatusOK,
			func(t *testing.T, b []byte) { assert.Equal(t, "", *decode[gen.Field](t, b).Name) }},

		// c. getFileStoreItems: record_ids is required, an item is not.
		{"c", "getFileStoreItems with no record IDs", ruleReq{method: "POST", path: proj + "/filestores/items", body: map[string]any{"record_ids": []int64{}}}, http.StatusOK,
			func(t *testing.T, b []byte) { assert.Equal(t, "[]", string(trimNewline(b))) }},

		// d. listJobs' types are plain integers: one that is no job type
		// matches no job.
		{"d", "listJobs of an unknown type", ruleReq{method: "GET", path: proj + "/jobs?types=123"}, http.StatusOK,
			func(t *testing.T, b []byte) {
				l := decode[gen.JobList](t, b)
				assert.Empty(t, l.Jobs)
				assert.Zero(t, l.Count)
			}},
		{"d", "listJobs of a type beyond 32 bits", ruleReq{method: "GET", path: proj + "/jobs?types=4294967303"}, http.StatusOK,
			func(t *testing.T, b []byte) {
				assert.Empty(t, decode[gen.JobList](t, b).Jobs, "4294967303 is not 50007 wrapped")
			}},
		{"d", "listJobs of an unknown and a known type", ruleReq{method: "GET", path: proj + "/jobs?types=123&types=50007"}, http.StatusOK,
			func(t *testing.T, b []byte) {
				l := decode[gen.JobList](t, b)
				require.Len(t, l.Jobs, 1)
				assert.Equal(t, job.ID, l.Jobs[0].ID)
			}},

		// e. A file part without a filename is still the file (the spec
		// cannot require a filename); it is named "file".
		{"e", "uploadFileStoreFile without filename", ruleReq{method: "POST", path: fmt.Sprintf("%s/filestores/%d/upload", proj, general), multipart: noFilename, ctype: noFilenameType}, http.StatusOK,
			func(t *testing.T, b []byte) {
				got, ok := s.StoredFile(pid, general, defaultFileName)
				require.True(t, ok)
				assert.Equal(t, "no name", string(got))
			}},
		{"e", "uploadFileStoreFile with empty filename", ruleReq{method: "POST", path: fmt.Sprintf("%s/filestores/%d/upload", proj, general), multipart: emptyFilename, ctype: emptyFilenameType}, http.StatusOK,
			func(t *testing.T, b []byte) {
				got, _ := s.StoredFile(pid, general, defaultFileName)
				assert.Equal(t, "empty name", string(got), "the same path: the file is replaced")
			}},
		{"e", "uploadNativeFile without filename", ruleReq{method: "POST", path: nativePath(pid, records[0], native), multipart: noFilename, ctype: noFilenameType}, http.StatusOK,
			func(t *testing.T, b []byte) {
				got, ok := s.NativeFile(pid, records[0], native)
				require.True(t, ok)
				assert.Equal(t, "no name", string(got))
				v, _ := recordValue(t, s, pid, records[0], native)
				assert.Equal(t, defaultFileName, v)
			}},

		// f. listRecords has no documented maximum page size: any is
		// served in full, never silently capped; a size_limit of 0 or less
		// cuts nothing.
		{"f", "listRecords page_size over 1000", ruleReq{method: "GET", path: proj + "/records?page_size=1001"}, http.StatusOK,
			func(t *testing.T, b []byte) { assert.Len(t, decode[[]recWire](t, b), ruleRecords) }},
		{"f", "listRecords page_size far over the records", ruleReq{method: "GET", path: proj + "/records?page_size=2147483647&page=2"}, http.StatusOK,
			func(t *testing.T, b []byte) { assert.Empty(t, decode[[]recWire](t, b), "page 2 is past the end") }},
		{"f", "listRecords size_limit 0", ruleReq{method: "GET", path: proj + "/records?page_size=1&size_limit=0"}, http.StatusOK,
			func(t *testing.T, b []byte) {
				assert.Equal(t, "doc 1 "+strings.Repeat("x", 120), decode[[]recWire](t, b)[0].FieldData[title], "not cut")
			}},
		{"f", "listRecords size_limit -1", ruleReq{method: "GET", path: proj + "/records?page_size=1&size_limit=-1"}, http.StatusOK,
			func(t *testing.T, b []byte) { assert.Len(t, decode[[]recWire](t, b)[0].FieldData[title], 126) }},

		// g. BatchSetRequest's name is required and nullable: null or ""
		// is stored as an empty name.
		{"g", "createBatchSet with null name", ruleReq{method: "POST", path: proj + "/batchsets", body: map[string]any{"name": nil, "description": "d"}}, http.StatusCreated,
			func(t *testing.T, b []byte) {
				bs := decode[gen.BatchSet](t, b)
				assert.Equal(t, "", *bs.Name)
				assert.Equal(t, "d", *bs.Description)
			}},
		{"g", "createBatchSet with empty name", ruleReq{method: "POST", path: proj + "/batchsets", body: map[string]any{"name": ""}}, http.StatusCreated,
			func(t *testing.T, b []byte) { assert.Equal(t, "", *decode[gen.BatchSet](t, b).Name) }},
		{"g", "updateBatchSet with null name", ruleReq{method: "PUT", path: fmt.Sprintf("%s/batchsets/%d", proj, set.ID), body: map[string]any{"name": nil}}, http.StatusOK,
			func(t *testing.T, b []byte) {
				assert.Equal(t, "", *decode[gen.BatchSet](t, b).Name, "the PUT replaces the name")
			}},
		{"g", "updateBatchSet with empty name", ruleReq{method: "PUT", path: fmt.Sprintf("%s/batchsets/%d", proj, set.ID), body: map[string]any{"name": ""}}, http.StatusOK, nil},

		// h. listPanels' type is a string of undocumented values: "0" and
		// "1" are read as panel types, any other value matches no panel.
		{"h", "listPanels of a word", ruleReq{method: "GET", path: proj + "/panels?type=panel"}, http.StatusOK,
			func(t *testing.T, b []byte) { assert.Equal(t, "[]", string(trimNewline(b))) }},
		{"h", "listPanels of type 2", ruleReq{method: "GET", path: proj + "/panels?type=2"}, http.StatusOK,
			func(t *testing.T, b []byte) { assert.Empty(t, decode[[]gen.Panel](t, b)) }},
		{"h", "listPanels of type 1", ruleReq{method: "GET", path: proj + "/panels?type=1"}, http.StatusOK,
			func(t *testing.T, b []byte) {
				ps := decode[[]gen.Panel](t, b)
				require.Len(t, ps, 1)
				assert.Equal(t, related.ID, ps[0].ID)
			}},
	}
	for _, tc := range accepted {
		t.Run(tc.rule+"/"+tc.name, func(t *testing.T) {
			require.NoError(t, specVerdict(t, s, tc.req), "the spec allows the request")
			code, body := tc.req.send(t, s)
			require.Equal(t, tc.want, code, "%s", body)
			if tc.check != nil {
				tc.check(t, body)
			}
		})
	}

	// Into the spec: bounds a pager cannot do without (x-iconect-guess on
	// each parameter), and g's required name.
	type refusal struct {
		rule, name string
		req        ruleReq
	}
	var refused []refusal
	add := func(rule, name string, req ruleReq) { refused = append(refused, refusal{rule, name, req}) }
	for _, q := range []string{"page=0", "page=-1", "page_size=0", "page_size=-5"} {
		add("f", "listRecords "+q, ruleReq{method: "GET", path: proj + "/records?" + q})
	}
	for _, q := range []string{"job_count=0", "job_count=-1", "start_row=-1"} {
		add("f", "listJobs "+q, ruleReq{method: "GET", path: proj + "/jobs?" + q})
	}
	for _, which := range []string{"assigned", "unassigned", "completed"} {
		for _, q := range []string{"page=-1", "page_size=0", "page_size=-2"} {
			add("f", which+" batches "+q, ruleReq{method: "POST", path: proj + "/batches/" + which + "?" + q, body: map[string]any{}})
		}
	}
	add("g", "createBatchSet without name", ruleReq{method: "POST", path: proj + "/batchsets", body: map[string]any{"description": "d"}})
	add("g", "updateBatchSet without name", ruleReq{method: "PUT", path: fmt.Sprintf("%s/batchsets/%d", proj, set.ID), body: map[string]any{}})
	for _, tc := range refused {
		t.Run(tc.rule+"/"+tc.name, func(t *testing.T) {
			err := specVerdict(t, s, tc.req)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "the spec refuses the request: %v", err)
			assert.Equal(t, http.StatusBadRequest, ve.Status)
			code, body := tc.req.send(t, s)
			assert.Equal(t, http.StatusBadRequest, code, "%s", body)
			assert.NotEmpty(t, errorMessage(t, body))
		})
	}

	// The edges the spec allows still page as before.
	for _, q := range []string{"page=1&page_size=1", "job_count=1&start_row=0"} {
		path := proj + "/records?" + q
		if strings.HasPrefix(q, "job") {
			path = proj + "/jobs?" + q
		}
		code, body := call(t, s, "GET", path, nil)
		assert.Equal(t, http.StatusOK, code, "%s: %s", q, body)
	}
	l := listBatches(t, s, pid, "unassigned", "?page=0&page_size=1", nil)
	assert.Empty(t, l.AssignedBatches)
}
