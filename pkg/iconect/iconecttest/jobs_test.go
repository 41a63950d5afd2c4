package iconecttest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jobEnv is a fake on a FakeClock with a project having Name and City
// fields and three records.
type jobEnv struct {
	s      *Server
	clock  *FakeClock
	pid    int64
	fields map[string]int64 // field name -> ID
	store  int64            // the General store
}

func newJobEnv(t *testing.T) *jobEnv {
	t.Helper()
	clock := NewFakeClock(time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC))
	s := NewServer(WithClock(clock), WithProject(SeedProject{
		Name: "Jobs", Fields: []string{"Name", "City"},
		Records: []map[string]string{{"Name": "a"}, {"Name": "b"}, {"Name": "c"}},
	}))
	t.Cleanup(s.Close)
	pid, ok := s.ProjectID("Jobs")
	require.True(t, ok)
	e := &jobEnv{s: s, clock: clock, pid: pid, fields: map[string]int64{}}
	e.locked(func(p *project) {
		for id, f := range p.fields {
			e.fields[*f.Name] = id
		}
		e.store = p.storeNamed("General").ID
	})
	return e
}

// locked runs f on the project with the tenant locked.
func (e *jobEnv) locked(f func(p *project)) {
	e.s.tenant.mu.Lock()
	defer e.s.tenant.mu.Unlock()
	f(e.s.tenant.projects[e.pid])
}

// putFile puts a file into a store directly, as a finished upload would.
func (e *jobEnv) putFile(store int64, path string, data []byte) {
	e.locked(func(p *project) {
		now := e.s.clock.Now()
		p.stores[store].files[path] = &storedFile{name: path, data: data, created: now, accessed: now}
	})
}

func (e *jobEnv) path(format string, args ...any) string {
	return fmt.Sprintf("/projects/%d/jobs", e.pid) + fmt.Sprintf(format, args...)
}

// create creates a job and returns its ID.
func (e *jobEnv) create(t *testing.T, typ gen.JobType, details map[string]any) int64 {
	t.Helper()
	code, body := call(t, e.s, "POST", e.path(""), map[string]any{"type": typ, "name": "job", "details": details})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	return decode[gen.Job](t, body).ID
}

func (e *jobEnv) get(t *testing.T, id int64) gen.Job {
	t.Helper()
	code, body := call(t, e.s, "GET", e.path("/%d", id), nil)
	require.Equal(t, http.StatusOK, code, "%s", body)
	return decode[gen.Job](t, body)
}

func (e *jobEnv) start(t *testing.T, id int64, body any) {
	t.Helper()
	code, b := call(t, e.s, "PUT", e.path("/%d/start", id), body)
	require.Equal(t, http.StatusOK, code, "%s", b)
	assert.Equal(t, "Job started.", decode[gen.IconectOk](t, b).IconectOk)
}

func (e *jobEnv) status(id int64) (st gen.JobStatus) {
	e.locked(func(p *project) { st = p.jobs[id].Status })
	return st
}

// step waits until job id's runner waits on the clock, moves the clock one
// step on, and waits until that step is done (the runner waits again, or
// the job has ended).
func (e *jobEnv) step(t *testing.T, id int64) {
	t.Helper()
	e.settle(t, id)
	require.NotZero(t, e.clock.Waiters(), "no job waits on the clock")
	e.clock.Advance(e.s.cfg.jobStep)
	e.settle(t, id)
}

// settle waits until the job's runner waits on the clock or the job is no
// longer running.
func (e *jobEnv) settle(t *testing.T, id int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for e.clock.Waiters() == 0 && e.status(id) == gen.JobStatusRunning {
		require.True(t, time.Now().Before(deadline), "job %d neither waits nor ends", id)
		time.Sleep(20 * time.Microsecond)
	}
}

// finish moves the clock until the job is no longer running.
func (e *jobEnv) finish(t *testing.T, id int64) gen.Job {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for e.status(id) == gen.JobStatusRunning {
		require.True(t, time.Now().Before(deadline), "job %d still running", id)
		if e.clock.Waiters() > 0 {
			e.clock.Advance(e.s.cfg.jobStep)
		} else {
			time.Sleep(20 * time.Microsecond)
		}
	}
	return e.get(t, id)
}

func (e *jobEnv) recordCount() (n int) {
	e.locked(func(p *project) { n = len(p.records) })
	return n
}

// csvFile is a header and n rows "name<i>,x,city<i>".
func csvFile(n int) []byte {
	var b strings.Builder
	b.WriteString("Name,Ignored,City\n")
	for i := range n {
		fmt.Fprintf(&b, "name%d,x,city%d\n", i, i)
	}
	return []byte(b.String())
}

func (e *jobEnv) delimited(path string, extra map[string]any) map[string]any {
	d := map[string]any{
		"file_store_id": e.store, "input_file": path, "file_format": 1, "encoding": 0,
		"map_file_column_to_field_id": map[string]int64{"0": e.fields["Name"], "2": e.fields["City"]},
		"stop_on_error":               false,
	}
	for k, v := range extra {
		d[k] = v
	}
	return d
}

func TestCreateJobAnswersANewJob(t *testing.T) {
	e := newJobEnv(t)
	code, body := call(t, e.s, "POST", e.path(""), map[string]any{
		"type": 50006, "name": "Mass Action Delete Job", "description": nil,
		"details": map[string]any{"type": 50006, "delete_active_data": true, "delete_passive_data": true, "hash_field_id": 0},
	})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	assert.Contains(t, string(body), `"results":null`)
	j := decode[gen.Job](t, body)
	assert.Equal(t, gen.JobStatusNew, j.Status)
	assert.Equal(t, int32(0), *j.State)
	assert.Equal(t, "2026-03-12T00:00:00Z", *j.CreatedDate)
	assert.Equal(t, e.s.User.ID, *j.CreatedUserID)
	assert.Equal(t, e.pid, *j.ProjectID)
	assert.Equal(t, gen.JobTypeMassActionDelete, j.Type)
	d, err := j.Details.AsMassActionDeleteJob()
	require.NoError(t, err)
	assert.True(t, d.DeleteActiveData)

	got := e.get(t, j.ID)
	assert.Equal(t, j.ID, got.ID)
	assert.Equal(t, "Mass Action Delete Job", *got.Name)
}

func TestCreateJobRefusesBadDetails(t *testing.T) {
	e := newJobEnv(t)
	del := map[string]any{"delete_active_data": true}
	cases := []struct {
		name    string
		typ     any
		details map[string]any
		want    string
	}{
		{"details of another type", 50007, del, "input_file"},
		{"inner type differs", 50006, map[string]any{"type": 50007, "delete_active_data": true}, "differs"},
		{"unknown hash field", 50006, map[string]any{"delete_active_data": true, "hash_field_id": 4242}, "Field 4242"},
		{"unknown store", 50007, map[string]any{"input_file": "a.csv", "file_store_id": 99}, "File store 99"},
		{"unknown mapped field", 50007, e.delimited("a.csv", map[string]any{"map_file_column_to_field_id": map[string]int64{"0": 4242}}), "Field 4242"},
		{"bad column key", 50007, e.delimited("a.csv", map[string]any{"map_file_column_to_field_id": map[string]int64{"x": e.fields["Name"]}}), `"x"`},
		{"negative column key", 50007, e.delimited("a.csv", map[string]any{"map_file_column_to_field_id": map[string]int64{"-1": e.fields["Name"]}}), `"-1"`},
		{"input file escapes", 50007, e.delimited("../a.csv", nil), ".."},
		{"zip path escapes", 50020, map[string]any{"zip_file_path": "a/../../b.zip"}, ".."},
		{"zip store", 50020, map[string]any{"zip_file_path": "b.zip", "file_store_id": 99}, "File store 99"},
		{"native source store", 50035, map[string]any{"source_file_store_id": 99}, "File store 99"},
		{"native output store", 50035, map[string]any{"source_file_store_id": e.store, "output_file_store_id": 98}, "File store 98"},
		{"native template", 50035, map[string]any{"source_file_store_id": e.store, "template_id": 20231}, "template 20231"},
		{"native folder", 50035, map[string]any{"source_file_store_id": e.store, "folder_ids": []int{2}}, "Folder 2"},
		{"native sub dir", 50035, map[string]any{"source_file_store_id": e.store, "source_sub_dir": "../x"}, ".."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := call(t, e.s, "POST", e.path(""), map[string]any{"type": c.typ, "name": "j", "details": c.details})
			require.Equal(t, http.StatusBadRequest, code, "%s", body)
			assert.Contains(t, errorMessage(t, body), c.want)
		})
	}
	code, _ := call(t, e.s, "POST", "/projects/99999/jobs", map[string]any{"type": 50006, "name": "j", "details": del})
	assert.Equal(t, http.StatusNotFound, code)
}

func TestUnknownJobs(t *testing.T) {
	e := newJobEnv(t)
	for _, c := range []struct{ method, path string }{
		{"GET", e.path("/30999")}, {"PUT", e.path("/30999/start")}, {"POST", e.path("/30999/start")},
		{"PUT", e.path("/30999/stop")}, {"POST", e.path("/30999/stop")}, {"GET", "/projects/99999/jobs/30999"},
		{"GET", "/projects/99999/jobs"},
	} {
		code, body := call(t, e.s, c.method, c.path, nil)
		assert.Equal(t, http.StatusNotFound, code, "%s %s", c.method, c.path)
		assert.Contains(t, errorMessage(t, body), "not found")
	}
	code, _ := call(t, e.s, "PUT", e.path("/30999"), map[string]any{"type": 50006, "name": "j", "details": map[string]any{"delete_active_data": true}})
	assert.Equal(t, http.StatusNotFound, code)
}

func TestUpdateJobChangesNameAndDescriptionOnly(t *testing.T) {
	e := newJobEnv(t)
	id := e.create(t, gen.JobTypeDelimitedImport, e.delimited("a.csv", nil))
	code, body := call(t, e.s, "PUT", e.path("/%d", id), map[string]any{
		"type": 50007, "name": "Renamed", "description": "Now described",
		"details": map[string]any{"input_file": "other.csv"},
	})
	require.Equal(t, http.StatusOK, code, "%s", body)
	j := decode[gen.Job](t, body)
	assert.Equal(t, "Renamed", *j.Name)
	assert.Equal(t, "Now described", *j.Description)
	d, err := e.get(t, id).Details.AsDelimitedImportJob()
	require.NoError(t, err)
	assert.Equal(t, "a.csv", d.InputFile, "details do not change")

	code, body = call(t, e.s, "PUT", e.path("/%d", id), map[string]any{"type": 50006, "name": "x", "details": map[string]any{"delete_active_data": true}})
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, errorMessage(t, body), "type")
}

func TestListJobsPagesAndFilters(t *testing.T) {
	e := newJobEnv(t)
	var ids []int64
	for i := range 5 {
		if i%2 == 0 {
			ids = append(ids, e.create(t, gen.JobTypeDelimitedImport, e.delimited("a.csv", nil)))
		} else {
			ids = append(ids, e.create(t, gen.JobTypeZipFileExtraction, map[string]any{"zip_file_path": "a.zip"}))
		}
	}
	list := func(query string) gen.JobList {
		code, body := call(t, e.s, "GET", e.path("%s", query), nil)
		require.Equal(t, http.StatusOK, code, "%s", body)
		return decode[gen.JobList](t, body)
	}
	jobIDs := func(l gen.JobList) (out []int64) {
		for _, j := range l.Jobs {
			out = append(out, j.ID)
		}
		return out
	}
	all := list("")
	assert.Equal(t, ids, jobIDs(all))
	assert.EqualValues(t, 5, all.Count)

	page := list("?start_row=1&job_count=2")
	assert.Equal(t, ids[1:3], jobIDs(page))
	assert.EqualValues(t, 5, page.Count, "count is the total matching, not the page")

	zips := list("?types=50020")
	assert.Equal(t, []int64{ids[1], ids[3]}, jobIDs(zips))
	assert.EqualValues(t, 2, zips.Count)
	both := list("?types=50020&types=50007&start_row=4")
	assert.Equal(t, ids[4:], jobIDs(both))
	assert.EqualValues(t, 5, both.Count)
	assert.Empty(t, list("?start_row=10").Jobs)

	for _, q := range []string{"?job_count=0", "?start_row=-1"} {
		code, body := call(t, e.s, "GET", e.path("%s", q), nil)
		assert.Equal(t, http.StatusBadRequest, code, q)
		assert.NotEmpty(t, errorMessage(t, body))
	}
}

func TestDelimitedImportCreatesRecords(t *testing.T) {
	e := newJobEnv(t)
	e.putFile(e.store, "Content/people.csv", csvFile(250))
	id := e.create(t, gen.JobTypeDelimitedImport, e.delimited("/Content/people.csv", nil))
	e.clock.Advance(time.Hour)
	e.start(t, id, nil)

	j := e.get(t, id)
	assert.Equal(t, gen.JobStatusRunning, j.Status)
	assert.Equal(t, "2026-03-12T01:00:00Z", *j.LastRunUtc)
	assert.Nil(t, j.Results)

	e.step(t, id)
	j = e.get(t, id)
	assert.Equal(t, "100 of 250 records", *j.StatusMessage)
	r, err := j.Results.AsDelimitedImportJobResults()
	require.NoError(t, err)
	assert.EqualValues(t, 100, r.AddedRecordCount)

	j = e.finish(t, id)
	assert.Equal(t, gen.JobStatusFinished, j.Status, *j.StatusMessage)
	assert.Contains(t, *j.StatusMessage, "250 of 250 records added")
	assert.NotEmpty(t, *j.LastStopUtc)
	r, err = j.Results.AsDelimitedImportJobResults()
	require.NoError(t, err)
	assert.EqualValues(t, 250, r.AddedRecordCount)
	assert.False(t, *r.ErrorsWereEncountered)
	assert.True(t, *r.ExpectedRecordCountEqualsActualCount)
	assert.EqualValues(t, 0, *r.RecordCountNotAdded)
	assert.Equal(t, 253, e.recordCount())

	e.locked(func(p *project) {
		name, city := fmt.Sprint(e.fields["Name"]), fmt.Sprint(e.fields["City"])
		found := 0
		for _, rec := range p.records {
			if rec.data[name] == "name17" {
				found++
				assert.Equal(t, "city17", rec.data[city])
				assert.Len(t, rec.data, 2, "unmapped columns are ignored")
			}
		}
		assert.Equal(t, 1, found)
	})
}

func TestDelimitedImportBadRow(t *testing.T) {
	e := newJobEnv(t)
	e.putFile(e.store, "bad.csv", []byte("\uFEFFName,Ignored,City\na,x,b\nshort,row\nc,x,d\n"))
	id := e.create(t, gen.JobTypeDelimitedImport, e.delimited("bad.csv", nil))
	e.start(t, id, map[string]any{})
	j := e.finish(t, id)
	assert.Equal(t, gen.JobStatusFinishedWithExceptions, j.Status)
	assert.Contains(t, *j.StatusMessage, "Processing Job Finished Normally with Exceptions")
	r, err := j.Results.AsDelimitedImportJobResults()
	require.NoError(t, err)
	assert.EqualValues(t, 2, r.AddedRecordCount)
	assert.True(t, *r.ErrorsWereEncountered)
	assert.EqualValues(t, 1, *r.ErrorCount)
	assert.EqualValues(t, 1, *r.RecordCountNotAdded)
	assert.EqualValues(t, 1, *r.RecordCountNotAddedWithError)
	assert.False(t, *r.ExpectedRecordCountEqualsActualCount)
	assert.True(t, *r.Warnings)
	assert.Contains(t, *r.WarningsJSON, "Row 2 has 2 columns")
	assert.Equal(t, 5, e.recordCount())
}

func TestDelimitedImportStopOnError(t *testing.T) {
	e := newJobEnv(t)
	e.putFile(e.store, "bad.csv", []byte("Name,Ignored,City\na,x,b\nshort,row\nc,x,d\n"))
	id := e.create(t, gen.JobTypeDelimitedImport, e.delimited("bad.csv", map[string]any{"stop_on_error": true}))
	e.start(t, id, nil)
	j := e.finish(t, id)
	assert.Equal(t, gen.JobStatusFailed, j.Status)
	assert.Contains(t, *j.StatusMessage, "Row 2")
	r, err := j.Results.AsDelimitedImportJobResults()
	require.NoError(t, err)
	assert.EqualValues(t, 1, r.AddedRecordCount, "rows before the error stay")
	assert.Equal(t, 4, e.recordCount())
}

func TestDelimitedImportFailures(t *testing.T) {
	e := newJobEnv(t)
	e.putFile(e.store, "ok.csv", csvFile(2))
	e.putFile(e.store, "empty.csv", nil)
	e.putFile(e.store, "latin1.csv", []byte("Name\n\xe9t\xe9\n"))
	e.putFile(e.store, "quotes.csv", []byte("Name,Ignored,City\n\"open,x,y\n"))
	e.putFile(e.store, "narrow.csv", []byte("Name\na\n"))
	cases := []struct {
		name    string
		details map[string]any
		want    string
	}{
		{"missing file", e.delimited("nope.csv", nil), `"nope.csv" not found`},
		{"format", e.delimited("ok.csv", map[string]any{"file_format": 2}), "File format 2"},
		{"encoding", e.delimited("ok.csv", map[string]any{"encoding": 3}), "Encoding 3"},
		{"empty", e.delimited("empty.csv", nil), "no header row"},
		{"not utf-8", e.delimited("latin1.csv", map[string]any{"map_file_column_to_field_id": map[string]int64{}}), "UTF-8"},
		{"bad csv", e.delimited("quotes.csv", nil), "not valid CSV"},
		{"mapped past the width", e.delimited("narrow.csv", nil), "Column 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := e.create(t, gen.JobTypeDelimitedImport, c.details)
			e.start(t, id, nil)
			j := e.finish(t, id)
			assert.Equal(t, gen.JobStatusFailed, j.Status)
			assert.Contains(t, *j.StatusMessage, c.want)
			assert.NotNil(t, j.LastStopUtc)
		})
	}
	assert.Equal(t, 3, e.recordCount())
}

func TestStopHaltsARunningJob(t *testing.T) {
	e := newJobEnv(t)
	e.putFile(e.store, "people.csv", csvFile(250))
	id := e.create(t, gen.JobTypeDelimitedImport, e.delimited("people.csv", nil))

	code, body := call(t, e.s, "PUT", e.path("/%d/stop", id), nil)
	assert.Equal(t, http.StatusBadRequest, code, "a new job is not running")
	assert.Contains(t, errorMessage(t, body), "not running")

	e.start(t, id, nil)
	code, body = call(t, e.s, "POST", e.path("/%d/start", id), nil)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, errorMessage(t, body), "already running")

	e.step(t, id)
	code, body = call(t, e.s, "POST", e.path("/%d/stop", id), nil)
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Equal(t, "Job stopped.", decode[gen.IconectOk](t, body).IconectOk)
	j := e.get(t, id)
	assert.Equal(t, gen.JobStatusStopped, j.Status)
	assert.Contains(t, *j.StatusMessage, "100 of 250 records")
	assert.NotNil(t, j.LastStopUtc)
	for range 5 {
		e.clock.Advance(time.Second)
	}
	assert.Equal(t, 103, e.recordCount(), "the work done so far stays; nothing more is done")
	assert.Equal(t, gen.JobStatusStopped, e.get(t, id).Status)

	code, _ = call(t, e.s, "PUT", e.path("/%d/stop", id), nil)
	assert.Equal(t, http.StatusBadRequest, code)

	// A stopped (or finished) job can be started again: it runs from the start.
	e.start(t, id, nil)
	j = e.finish(t, id)
	assert.Equal(t, gen.JobStatusFinished, j.Status)
	assert.Equal(t, 353, e.recordCount())
}

func TestMassActionDeleteRemovesTheViewsRecords(t *testing.T) {
	e := newJobEnv(t)
	var ids []int64
	e.locked(func(p *project) {
		for i := range 150 {
			ids = append(ids, e.s.tenant.addRecord(p, map[string]any{"x": fmt.Sprint(i)}).id)
		}
		p.views[5001] = &view{id: 5001, records: ids, expiry: e.clock.Now().Add(time.Hour)}
		p.views[5002] = &view{id: 5002, records: ids, expiry: e.clock.Now().Add(-time.Hour)}
	})
	id := e.create(t, gen.JobTypeMassActionDelete, map[string]any{"type": 50006, "delete_active_data": true})

	code, body := call(t, e.s, "PUT", e.path("/%d/start", id), nil)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, errorMessage(t, body), "view_id")
	code, _ = call(t, e.s, "PUT", e.path("/%d/start", id), map[string]any{"view_id": 0})
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = call(t, e.s, "PUT", e.path("/%d/start", id), map[string]any{"view_id": 5999})
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = call(t, e.s, "PUT", e.path("/%d/start", id), map[string]any{"view_id": 5002})
	assert.Equal(t, http.StatusNotFound, code, "an expired view is gone")
	assert.Equal(t, gen.JobStatusNew, e.get(t, id).Status)

	code, body = call(t, e.s, "POST", e.path("/%d/start", id), map[string]any{"view_id": 5001})
	require.Equal(t, http.StatusOK, code, "%s", body)
	e.step(t, id)
	assert.Equal(t, "100 of 150 records", *e.get(t, id).StatusMessage)
	j := e.finish(t, id)
	assert.Equal(t, gen.JobStatusFinished, j.Status)
	assert.Contains(t, *j.StatusMessage, "150 records deleted")
	assert.Nil(t, j.Results)
	assert.Equal(t, 3, e.recordCount())
}

// zipOf builds an archive; a name ending in "/" is a directory entry.
func zipOf(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, n := range names {
		f, err := w.Create(n)
		require.NoError(t, err)
		if !strings.HasSuffix(n, "/") {
			_, err = f.Write([]byte("content of " + n))
			require.NoError(t, err)
		}
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func (e *jobEnv) files() (names []string) {
	e.locked(func(p *project) {
		for n := range p.stores[e.store].files {
			names = append(names, n)
		}
	})
	return names
}

func TestZipExtraction(t *testing.T) {
	e := newJobEnv(t)
	archive := zipOf(t, "a.txt", "dir/", "dir/b.txt")
	e.putFile(e.store, "uploads/pack.zip", archive)
	id := e.create(t, gen.JobTypeZipFileExtraction, map[string]any{
		"file_store_id": e.store, "zip_file_path": "/uploads/pack.zip", "delete_archive_on_success": true,
	})
	e.start(t, id, nil)
	j := e.finish(t, id)
	assert.Equal(t, gen.JobStatusFinished, j.Status, *j.StatusMessage)
	r, err := j.Results.AsZipFileExtractionJobResults()
	require.NoError(t, err)
	assert.EqualValues(t, 2, r.ExtractedFilesCount)
	assert.Equal(t, "uploads/pack", *r.ExtractedFilesPath)
	assert.EqualValues(t, len(archive), *r.CompressedSize)
	assert.Equal(t, e.store, *r.FileStoreID)
	assert.Nil(t, r.LogFilePath)
	assert.ElementsMatch(t, []string{"uploads/pack/a.txt", "uploads/pack/dir/b.txt"}, e.files(), "the archive is deleted")
	data, ok := e.s.StoredFile(e.pid, e.store, "uploads/pack/dir/b.txt")
	require.True(t, ok)
	assert.Equal(t, "content of dir/b.txt", string(data))
}

func TestZipExtractionSkipsUnsafeEntries(t *testing.T) {
	e := newJobEnv(t)
	e.putFile(e.store, "evil.zip", zipOf(t, "ok.txt", "../escape.txt", "/abs.txt", `C:\win.txt`))
	id := e.create(t, gen.JobTypeZipFileExtraction, map[string]any{"zip_file_path": "evil.zip", "append_job_id": true, "delete_archive_on_success": true})
	e.start(t, id, nil)
	j := e.finish(t, id)
	assert.Equal(t, gen.JobStatusFinishedWithExceptions, j.Status)
	assert.Contains(t, *j.StatusMessage, "escape.txt")
	r, err := j.Results.AsZipFileExtractionJobResults()
	require.NoError(t, err)
	assert.EqualValues(t, 1, r.ExtractedFilesCount)
	out := fmt.Sprintf("evil_%d", id)
	assert.Equal(t, out, *r.ExtractedFilesPath)
	assert.ElementsMatch(t, []string{"evil.zip", out + "/ok.txt"}, e.files(), "the archive stays after exceptions")
}

func TestZipExtractionFailures(t *testing.T) {
	e := newJobEnv(t)
	e.putFile(e.store, "broken.zip", []byte("not a zip"))
	for path, want := range map[string]string{"broken.zip": "not a valid zip", "missing.zip": "not found"} {
		id := e.create(t, gen.JobTypeZipFileExtraction, map[string]any{"zip_file_path": path, "delete_output_on_failure": true})
		e.start(t, id, nil)
		j := e.finish(t, id)
		assert.Equal(t, gen.JobStatusFailed, j.Status)
		assert.Contains(t, *j.StatusMessage, want)
	}
}

// TestZipExtractionTooLargeFails runs a zip run directly with a small
// limit: the real one (maxExtracted) is too big to unpack in a test.
func TestZipExtractionTooLargeFails(t *testing.T) {
	e := newJobEnv(t)
	e.putFile(e.store, "bomb.zip", zipOf(t, "a.txt", "b.txt"))
	for _, deleteOutput := range []bool{true, false} {
		run := &zipRun{d: gen.ZipFileExtractionJob{ZipFilePath: "bomb.zip", DeleteOutputOnFailure: ptr(deleteOutput)}, limit: 20}
		j := &job{}
		var status gen.JobStatus
		var msg string
		e.locked(func(p *project) { status, msg = run.step(e.s.tenant, p, j) })
		assert.Equal(t, gen.JobStatusFailed, status)
		assert.Contains(t, msg, "more than 20 bytes")
		if deleteOutput {
			assert.Equal(t, []string{"bomb.zip"}, e.files(), "delete_output_on_failure removes what was extracted")
		} else {
			assert.ElementsMatch(t, []string{"bomb.zip", "bomb/a.txt"}, e.files())
		}
	}
}

func TestNativeImportCreatesARecordPerFile(t *testing.T) {
	e := newJobEnv(t)
	var native, doc, tmpl int64
	e.locked(func(p *project) {
		native, doc = p.nativeField(), p.settings["DOCUMENTID"]
		p.folders[3001] = &folder{Folder: gen.Folder{ID: 3001}}
		for id := range p.templates {
			tmpl = id
		}
	})
	e.putFile(e.store, "batch1/a.pdf", []byte("pdf bytes"))
	e.putFile(e.store, "batch1/sub/b.docx", []byte("docx"))
	e.putFile(e.store, "other/c.txt", []byte("c"))
	id := e.create(t, gen.JobTypeNativeImport, map[string]any{
		"source_file_store_id": e.store, "source_sub_dir": "batch1", "folder_ids": []int64{3001}, "template_id": tmpl,
	})
	e.start(t, id, nil)
	j := e.finish(t, id)
	assert.Equal(t, gen.JobStatusFinished, j.Status, *j.StatusMessage)
	r, err := j.Results.AsNativeImportResults()
	require.NoError(t, err)
	assert.EqualValues(t, 2, r.TotalFileCount)
	assert.EqualValues(t, len("pdf bytes")+len("docx"), *r.TotalFileSize)

	byDoc := map[string]int64{}
	e.locked(func(p *project) {
		for rid, rec := range p.records {
			if d, ok := rec.data[fmt.Sprint(doc)].(string); ok {
				byDoc[d] = rid
			}
		}
		assert.Len(t, p.folders[3001].records, 2)
	})
	require.Contains(t, byDoc, "000001")
	require.Contains(t, byDoc, "000002")
	data, ok := e.s.NativeFile(e.pid, byDoc["000001"], native)
	require.True(t, ok)
	assert.Equal(t, "pdf bytes", string(data))

	// Numbering continues; an empty sub dir imports every file of the store.
	id = e.create(t, gen.JobTypeNativeImport, map[string]any{"source_file_store_id": e.store})
	e.start(t, id, nil)
	j = e.finish(t, id)
	assert.Equal(t, gen.JobStatusFinished, j.Status)
	r, _ = j.Results.AsNativeImportResults()
	assert.EqualValues(t, 3, r.TotalFileCount)
	e.locked(func(p *project) {
		n := 0
		for _, rec := range p.records {
			if rec.data[fmt.Sprint(doc)] == "000005" {
				n++
			}
		}
		assert.Equal(t, 1, n)
	})
}

func TestNativeImportDirectoryIsJobIDAndPrefix(t *testing.T) {
	e := newJobEnv(t)
	var doc, tmpl int64
	e.locked(func(p *project) {
		doc = p.settings["DOCUMENTID"]
		p.settings["FILENAME"] = e.fields["Name"]
		p.settings["CUSTODIAN_FIELD_ID"] = e.fields["City"]
		for id, tp := range p.templates {
			tmpl = id
			tp.NumberingPrefix = ptr("ABC0000")
		}
	})
	id := e.create(t, gen.JobTypeNativeImport, map[string]any{
		"source_file_store_id": e.store, "directory_is_job_id": true, "template_id": tmpl, "default_custodian": "NOT SPECIFIED",
	})
	e.putFile(e.store, fmt.Sprintf("%d/mail.msg", id), []byte("m"))
	e.putFile(e.store, "elsewhere.msg", []byte("x"))
	e.start(t, id, nil)
	j := e.finish(t, id)
	assert.Equal(t, gen.JobStatusFinished, j.Status)
	e.locked(func(p *project) {
		found := false
		for _, rec := range p.records {
			if rec.data[fmt.Sprint(doc)] == "ABC0001" {
				found = true
				assert.Equal(t, "mail.msg", rec.data[fmt.Sprint(e.fields["Name"])])
				assert.Equal(t, "NOT SPECIFIED", rec.data[fmt.Sprint(e.fields["City"])])
			}
		}
		assert.True(t, found)
	})
}

func TestNativeImportWithoutNativeFieldFails(t *testing.T) {
	e := newJobEnv(t)
	e.locked(func(p *project) { p.settings["NATIVEFIELD"] = 0 })
	id := e.create(t, gen.JobTypeNativeImport, map[string]any{"source_file_store_id": e.store})
	e.start(t, id, nil)
	j := e.finish(t, id)
	assert.Equal(t, gen.JobStatusFailed, j.Status)
	assert.Contains(t, *j.StatusMessage, "native file field")
}

func TestNativeImportSkipsFilesGoneMidway(t *testing.T) {
	e := newJobEnv(t)
	for i := range 150 {
		e.putFile(e.store, fmt.Sprintf("in/%03d.txt", i), []byte("x"))
	}
	id := e.create(t, gen.JobTypeNativeImport, map[string]any{"source_file_store_id": e.store, "source_sub_dir": "in"})
	e.start(t, id, nil)
	e.step(t, id)
	assert.Equal(t, "100 of 150 files", *e.get(t, id).StatusMessage)
	e.locked(func(p *project) { delete(p.stores[e.store].files, "in/149.txt") })
	j := e.finish(t, id)
	assert.Equal(t, gen.JobStatusFinishedWithExceptions, j.Status)
	r, _ := j.Results.AsNativeImportResults()
	assert.EqualValues(t, 149, r.TotalFileCount)
}

func TestCloseWhileAJobRuns(t *testing.T) {
	clock := NewFakeClock(time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC))
	s := NewServer(WithClock(clock), WithProject(SeedProject{Name: "Jobs"}))
	e := &jobEnv{s: s, clock: clock}
	e.pid, _ = s.ProjectID("Jobs")
	e.locked(func(p *project) { e.store = p.storeNamed("General").ID })
	e.putFile(e.store, "in/a.txt", []byte("x"))
	id := e.create(t, gen.JobTypeNativeImport, map[string]any{"source_file_store_id": e.store})
	e.start(t, id, nil)
	for clock.Waiters() == 0 {
		time.Sleep(20 * time.Microsecond)
	}
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not return while a job ran")
	}
	assert.Equal(t, gen.JobStatusRunning, e.status(id))

	h := &handlers{s: s}
	err := h.startJob(e.pid, id, nil)
	assert.Error(t, err, "a job already running")
	e.locked(func(p *project) { p.jobs[id].Status = gen.JobStatusStopped })
	err = h.startJob(e.pid, id, nil)
	assert.Contains(t, err.Error(), "shutting down")
}

func TestJobsRunOnTheRealClock(t *testing.T) {
	s := NewServer(WithProject(SeedProject{Name: "Jobs", Fields: []string{"Name"}}), WithJobStep(time.Millisecond))
	defer s.Close()
	e := &jobEnv{s: s, fields: map[string]int64{}}
	e.pid, _ = s.ProjectID("Jobs")
	e.locked(func(p *project) {
		e.store = p.storeNamed("General").ID
		for id, f := range p.fields {
			e.fields[*f.Name] = id
		}
	})
	e.putFile(e.store, "a.csv", []byte("Name\nx\ny\n"))
	id := e.create(t, gen.JobTypeDelimitedImport, map[string]any{
		"input_file": "a.csv", "file_format": 1, "map_file_column_to_field_id": map[string]int64{"0": e.fields["Name"]},
	})
	e.start(t, id, nil)
	deadline := time.Now().Add(5 * time.Second)
	for e.status(id) == gen.JobStatusRunning && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	assert.Equal(t, gen.JobStatusFinished, e.status(id))
	assert.Equal(t, 2, e.recordCount())
}
