package iconect

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// jobTest starts a fake tenant whose jobs take a step every step, with a
// project "Jobs" of fields Title and Custodian and n records, and returns
// the client, the server, the project ID and the field IDs by name.
func jobTest(t *testing.T, n int, step time.Duration) (*Client, *iconecttest.Server, int64, map[string]int64) {
	t.Helper()
	recs := make([]map[string]string, n)
	for i := range recs {
		recs[i] = map[string]string{"Title": fmt.Sprintf("title %d", i), "Custodian": "c"}
	}
	c, srv := newTest(t, []iconecttest.Option{
		iconecttest.WithJobStep(step),
		iconecttest.WithProject(iconecttest.SeedProject{Name: "Jobs", Fields: []string{"Title", "Custodian"}, Records: recs}),
	})
	pid, ok := srv.ProjectID("Jobs")
	require.True(t, ok)
	ids, err := c.Fields.FieldIDs(context.Background(), pid)
	require.NoError(t, err)
	return c, srv, pid, ids
}

// fastWait polls every few milliseconds.
var fastWait = &WaitOptions{MinDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}

// generalStore returns the ID of the project's General file store.
func generalStore(t *testing.T, c *Client, pid int64) int64 {
	t.Helper()
	fs, err := c.FileStores.named(context.Background(), pid, "General")
	require.NoError(t, err)
	return fs.ID
}

// putFile uploads content to the General store at path.
func putFile(t *testing.T, c *Client, pid int64, path, content string) {
	t.Helper()
	err := c.FileStores.Upload(context.Background(), pid, generalStore(t, c, pid), path, strings.NewReader(content), int64(len(content)), nil)
	require.NoError(t, err)
}

// importRequest is a delimited import of path with Title and Custodian in
// columns 0 and 1.
func importRequest(t *testing.T, path string, f map[string]int64) JobRequest {
	t.Helper()
	req, err := NewDelimitedImportJob("Import", DelimitedImportJob{
		InputFile:              path,
		MapFileColumnToFieldID: map[string]int64{"0": f["Title"], "1": f["Custodian"]},
	})
	require.NoError(t, err)
	return req
}

func TestJobsLifeCycle(t *testing.T) {
	c, srv, pid, f := jobTest(t, 0, time.Millisecond)
	ctx := context.Background()
	putFile(t, c, pid, "in/a.csv", "Title,Custodian\na,x\nb,y\n")

	job, err := c.Jobs.Create(ctx, pid, importRequest(t, "in/a.csv", f))
	require.NoError(t, err)
	assert.Equal(t, JobStatusNew, job.Status)
	assert.Equal(t, JobTypeDelimitedImport, job.Type)
	d, err := JobDetailsOf(*job)
	require.NoError(t, err)
	require.IsType(t, DelimitedImportJob{}, d)
	assert.Equal(t, "in/a.csv", d.(DelimitedImportJob).InputFile)
	r, err := DelimitedImportResultsOf(*job)
	require.NoError(t, err)
	assert.Nil(t, r, "no results before the job runs")

	got, err := c.Jobs.Get(ctx, pid, job.ID)
	require.NoError(t, err)
	assert.Equal(t, job.ID, got.ID)
	got, err = c.Jobs.Handle(pid, job.ID).Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, job.Name, got.Name)

	upd, err := c.Jobs.Update(ctx, pid, job.ID, "Renamed", "An import")
	require.NoError(t, err)
	assert.Equal(t, "Renamed", deref(upd.Name))
	assert.Equal(t, "An import", deref(upd.Description))
	assert.Equal(t, JobTypeDelimitedImport, upd.Type)

	require.NoError(t, c.Jobs.Start(ctx, pid, job.ID, nil))
	done, err := c.Jobs.Handle(pid, job.ID).Wait(ctx, fastWait)
	require.NoError(t, err)
	assert.Equal(t, JobStatusFinished, done.Status)
	r, err = DelimitedImportResultsOf(*done)
	require.NoError(t, err)
	require.NotNil(t, r)
	assert.Equal(t, int64(2), r.AddedRecordCount)
	generic, err := JobResultsOf(*done)
	require.NoError(t, err)
	assert.Equal(t, r, generic)

	// A finished job runs again; the POST copy of the operation.
	require.NoError(t, c.Jobs.Start(ctx, pid, job.ID, &StartOptions{UsePOST: true}))
	done, err = c.Jobs.Handle(pid, job.ID).Wait(ctx, fastWait)
	require.NoError(t, err)
	assert.Equal(t, JobStatusFinished, done.Status)
	assert.Equal(t, 1, srv.RequestCount("startJob"))
	assert.Equal(t, 1, srv.RequestCount("startJobPost"))

	// 404s.
	_, err = c.Jobs.Get(ctx, pid, 999999)
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.Jobs.Update(ctx, pid, 999999, "x", "")
	assert.True(t, IsNotFound(err), "%v", err)
	assert.True(t, IsNotFound(c.Jobs.Start(ctx, pid, 999999, nil)))
	assert.True(t, IsNotFound(c.Jobs.Start(ctx, pid, 999999, &StartOptions{UsePOST: true})))
	assert.True(t, IsNotFound(c.Jobs.Stop(ctx, pid, 999999, nil)))
	assert.True(t, IsNotFound(c.Jobs.Stop(ctx, pid, 999999, &StopOptions{UsePOST: true})))
	_, err = c.Jobs.List(ctx, 999999, nil)
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.Jobs.Create(ctx, 999999, importRequest(t, "in/a.csv", f))
	assert.True(t, IsNotFound(err), "%v", err)

	// The API refuses a job naming a field that does not exist.
	bad, err := NewDelimitedImportJob("Bad", DelimitedImportJob{InputFile: "x.csv", MapFileColumnToFieldID: map[string]int64{"0": 424242}})
	require.NoError(t, err)
	_, err = c.Jobs.Create(ctx, pid, bad)
	assert.True(t, IsValidation(err), "%v", err)
}

func TestJobsValidation(t *testing.T) {
	c, srv, pid, f := jobTest(t, 0, time.Millisecond)
	ctx := context.Background()
	req := importRequest(t, "a.csv", f)
	for name, call := range map[string]func() error{
		"list project":   func() error { _, err := c.Jobs.List(ctx, 0, nil); return err },
		"list start":     func() error { _, err := c.Jobs.List(ctx, pid, &ListJobsOptions{StartRow: -1}); return err },
		"list count":     func() error { _, err := c.Jobs.List(ctx, pid, &ListJobsOptions{JobCount: -1}); return err },
		"list type":      func() error { _, err := c.Jobs.List(ctx, pid, &ListJobsOptions{Types: []JobType{7}}); return err },
		"pages":          func() error { _, err := c.Jobs.Pages(pid, &ListJobsOptions{StartRow: -1}); return err },
		"create project": func() error { _, err := c.Jobs.Create(ctx, 0, req); return err },
		"create empty":   func() error { _, err := c.Jobs.Create(ctx, pid, JobRequest{}); return err },
		"create no type": func() error { _, err := c.Jobs.Create(ctx, pid, JobRequest{Name: Ptr("x")}); return err },
		"create no details": func() error {
			_, err := c.Jobs.Create(ctx, pid, JobRequest{Name: Ptr("x"), Type: JobTypeDelimitedImport})
			return err
		},
		"get job":       func() error { _, err := c.Jobs.Get(ctx, pid, 0); return err },
		"get int32":     func() error { _, err := c.Jobs.Get(ctx, pid, math.MaxInt32+1); return err },
		"get project":   func() error { _, err := c.Jobs.Get(ctx, -1, 1); return err },
		"update name":   func() error { _, err := c.Jobs.Update(ctx, pid, 1, " ", "x"); return err },
		"update job":    func() error { _, err := c.Jobs.Update(ctx, pid, 0, "x", "x"); return err },
		"start job":     func() error { return c.Jobs.Start(ctx, pid, 0, nil) },
		"start view":    func() error { return c.Jobs.Start(ctx, pid, 1, &StartOptions{ViewID: -2}) },
		"stop job":      func() error { return c.Jobs.Stop(ctx, pid, math.MaxInt32+1, &StopOptions{UsePOST: true}) },
		"delimited":     func() error { _, err := NewDelimitedImportJob("x", DelimitedImportJob{}); return err },
		"zip":           func() error { _, err := NewZipFileExtractionJob("x", ZipFileExtractionJob{}); return err },
		"native import": func() error { _, err := NewNativeImportJob("x", NativeImportInfo{}); return err },
		"no name":       func() error { _, err := NewMassActionDeleteJob(" ", MassActionDeleteJob{}); return err },
		"inner type": func() error {
			_, err := NewMassActionDeleteJob("x", MassActionDeleteJob{Type: Ptr(JobTypeNativeImport)})
			return err
		},
	} {
		err := call()
		assert.True(t, IsValidation(err), "%s: %v", name, err)
	}
	assert.Zero(t, srv.RequestCount("createJob")+srv.RequestCount("getJob")+srv.RequestCount("listJobs"))
}

func TestJobsListAndAll(t *testing.T) {
	c, srv, pid, f := jobTest(t, 0, time.Millisecond)
	ctx := context.Background()
	var ids []int64
	for range 5 {
		j, err := c.Jobs.Create(ctx, pid, importRequest(t, "a.csv", f))
		require.NoError(t, err)
		ids = append(ids, j.ID)
	}
	zip, err := NewZipFileExtractionJob("Unzip", ZipFileExtractionJob{ZipFilePath: "a.zip"})
	require.NoError(t, err)
	zj, err := c.Jobs.Create(ctx, pid, zip)
	require.NoError(t, err)

	l, err := c.Jobs.List(ctx, pid, &ListJobsOptions{StartRow: 1, JobCount: 2, Types: []JobType{JobTypeDelimitedImport}})
	require.NoError(t, err)
	assert.Equal(t, int64(5), l.Count)
	require.Len(t, l.Jobs, 2)
	assert.Equal(t, ids[1], l.Jobs[0].ID)
	l, err = c.Jobs.List(ctx, pid, nil)
	require.NoError(t, err)
	assert.Len(t, l.Jobs, 6)

	opts := &ListJobsOptions{JobCount: 2, Types: []JobType{JobTypeDelimitedImport}}
	before := srv.RequestCount("listJobs")
	var got []int64
	for j, err := range c.Jobs.All(ctx, pid, opts) {
		require.NoError(t, err)
		got = append(got, j.ID)
	}
	assert.Equal(t, ids, got)
	assert.Equal(t, 3, srv.RequestCount("listJobs")-before, "pages of 2, 2 and a short 1")
	assert.Equal(t, int64(0), opts.StartRow, "the caller's options are not changed")

	got = nil
	for j, err := range c.Jobs.All(ctx, pid, &ListJobsOptions{StartRow: 4}) {
		require.NoError(t, err)
		got = append(got, j.ID)
	}
	assert.Equal(t, []int64{ids[4], zj.ID}, got)

	// Resumable: a pager's position is the next start row.
	p, err := c.Jobs.Pages(pid, &ListJobsOptions{JobCount: 3})
	require.NoError(t, err)
	page, err := p.Next(ctx)
	require.NoError(t, err)
	assert.Len(t, page, 3)
	assert.Equal(t, 3, p.Position())
	page, err = p.Next(ctx)
	require.NoError(t, err)
	assert.Len(t, page, 3)
	assert.True(t, p.Done(), "6 of 6 jobs read")

	for _, err := range c.Jobs.All(ctx, 999999, nil) {
		assert.True(t, IsNotFound(err), "%v", err)
	}
	for _, err := range c.Jobs.All(ctx, pid, &ListJobsOptions{JobCount: -5}) {
		assert.True(t, IsValidation(err), "%v", err)
	}
}

func TestJobsStop(t *testing.T) {
	c, _, pid, f := jobTest(t, 0, time.Hour) // a job that never gets past its first step
	ctx := context.Background()
	job, err := c.Jobs.Create(ctx, pid, importRequest(t, "a.csv", f))
	require.NoError(t, err)
	h := c.Jobs.Handle(pid, job.ID)

	for _, opts := range []*StopOptions{nil, {UsePOST: true}} {
		require.NoError(t, c.Jobs.Start(ctx, pid, job.ID, nil))
		require.NoError(t, h.Stop(ctx, opts))
		got, err := h.Wait(ctx, fastWait)
		var jf *JobFailedError
		require.ErrorAs(t, err, &jf)
		assert.ErrorIs(t, err, ErrJobStopped)
		assert.Equal(t, JobStatusStopped, jf.Status)
		assert.Contains(t, jf.StatusMessage, "Stopped")
		assert.Contains(t, err.Error(), "was stopped")
		assert.Equal(t, JobStatusStopped, got.Status)
	}
	err = c.Jobs.Stop(ctx, pid, job.ID, nil)
	assert.True(t, IsValidation(err), "a job not running cannot stop: %v", err)
}

func TestJobDetailsAndResults(t *testing.T) {
	c, _, pid, _ := jobTest(t, 0, time.Millisecond)
	ctx := context.Background()
	store := generalStore(t, c, pid)

	// A zip file extraction.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("docs/a.txt")
	require.NoError(t, err)
	_, _ = w.Write([]byte("hello"))
	require.NoError(t, zw.Close())
	require.NoError(t, c.FileStores.Upload(ctx, pid, store, "in/a.zip", bytes.NewReader(buf.Bytes()), int64(buf.Len()), &UploadOptions{ContentType: "application/zip"}))
	req, err := NewZipFileExtractionJob("Unzip", ZipFileExtractionJob{ZipFilePath: "in/a.zip", FileStoreID: Ptr(store)})
	require.NoError(t, err)
	job, err := c.Jobs.Run(ctx, pid, req, nil, fastWait)
	require.NoError(t, err)
	zr, err := ZipFileExtractionResultsOf(*job)
	require.NoError(t, err)
	require.NotNil(t, zr)
	assert.Equal(t, int64(1), zr.ExtractedFilesCount)
	d, err := JobDetailsOf(*job)
	require.NoError(t, err)
	assert.Equal(t, "in/a.zip", d.(ZipFileExtractionJob).ZipFilePath)

	// A native import of what the archive held.
	templates, err := c.Templates.ListNativeImport(ctx, pid, 0)
	require.NoError(t, err)
	require.NotEmpty(t, templates)
	req, err = NewNativeImportJob("Natives", NativeImportInfo{SourceFileStoreID: store, SourceSubDir: zr.ExtractedFilesPath, TemplateID: Ptr(templates[0].ID)})
	require.NoError(t, err)
	job, err = c.Jobs.Run(ctx, pid, req, nil, fastWait)
	require.NoError(t, err)
	nr, err := NativeImportResultsOf(*job)
	require.NoError(t, err)
	require.NotNil(t, nr)
	assert.Equal(t, int64(1), nr.TotalFileCount)
	d, err = JobDetailsOf(*job)
	require.NoError(t, err)
	assert.Equal(t, store, d.(NativeImportInfo).SourceFileStoreID)
	res, err := JobResultsOf(*job)
	require.NoError(t, err)
	assert.Equal(t, nr, res)

	// A mass action delete has details and no results.
	md, err := NewMassActionDeleteJob("Delete", MassActionDeleteJob{DeleteActiveData: true})
	require.NoError(t, err)
	mj, err := c.Jobs.Create(ctx, pid, md)
	require.NoError(t, err)
	d, err = JobDetailsOf(*mj)
	require.NoError(t, err)
	assert.Equal(t, JobTypeMassActionDelete, *d.(MassActionDeleteJob).Type)
	res, err = JobResultsOf(*mj)
	require.NoError(t, err)
	assert.Nil(t, res)

	// The wrong accessor, and a type from a newer server.
	_, err = DelimitedImportResultsOf(*mj)
	assert.ErrorContains(t, err, "not")
	unknown := *mj
	unknown.Type = 50999
	_, err = JobDetailsOf(unknown)
	assert.ErrorContains(t, err, "does not know")
	_, err = JobResultsOf(unknown)
	assert.ErrorContains(t, err, "does not know")
	broken := *job
	require.NoError(t, broken.Details.UnmarshalJSON([]byte(`{"source_file_store_id": "x"}`)))
	_, err = JobDetailsOf(broken)
	assert.Error(t, err)
	require.NoError(t, broken.Results.UnmarshalJSON([]byte(`{"total_file_count": "x"}`)))
	_, err = NativeImportResultsOf(broken)
	assert.Error(t, err)
}

func TestTemplates(t *testing.T) {
	c, _, pid, _ := jobTest(t, 0, time.Millisecond)
	ctx := context.Background()
	ts, err := c.Templates.ListNativeImport(ctx, pid, 1)
	require.NoError(t, err)
	require.Len(t, ts, 1)
	assert.Equal(t, "Native Import Template", deref(ts[0].Name))
	_, err = c.Templates.ListNativeImport(ctx, 999999, 1)
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.Templates.ListNativeImport(ctx, pid, -1)
	assert.True(t, IsValidation(err), "%v", err)
	_, err = c.Templates.ListNativeImport(ctx, 0, 1)
	assert.True(t, IsValidation(err), "%v", err)
}
