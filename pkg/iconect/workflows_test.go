package iconect

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordValues lists a project's records as maps of field name to value.
func recordValues(t *testing.T, c *Client, pid int64, f map[string]int64) []map[string]any {
	t.Helper()
	var out []map[string]any
	for r, err := range c.Records.All(context.Background(), pid, nil) {
		require.NoError(t, err)
		m := map[string]any{}
		for name, id := range f {
			if v, ok := r.FieldData[strconv.FormatInt(id, 10)]; ok && v != "" {
				m[name] = v
			}
		}
		out = append(out, m)
	}
	return out
}

func TestImportCSV(t *testing.T) {
	c, srv, pid, f := jobTest(t, 0, time.Millisecond)
	ctx := context.Background()
	file := "\uFEFFtitle, Custodian ,Notes\nFirst,alice,n1\n\"Second, with a comma\",bob,n2\n"

	// A header matching no field is refused before anything is sent.
	_, err := c.ImportCSV(ctx, pid, strings.NewReader(file), &ImportCSVOptions{Wait: fastWait})
	assert.True(t, IsValidation(err), "%v", err)
	assert.ErrorContains(t, err, `"Notes"`)
	assert.Zero(t, srv.RequestCount("uploadFileStoreFile"))

	res, err := c.ImportCSV(ctx, pid, strings.NewReader(file), &ImportCSVOptions{IgnoreUnknownColumns: true, Wait: fastWait})
	require.NoError(t, err)
	assert.Equal(t, JobStatusFinished, res.Job.Status)
	require.NotNil(t, res.Results)
	assert.Equal(t, int64(2), res.Results.AddedRecordCount)
	assert.Equal(t, []string{"Notes"}, res.Ignored)
	assert.Equal(t, map[int]int64{0: f["Title"], 1: f["Custodian"]}, res.Columns)
	assert.True(t, strings.HasPrefix(res.Path, "imports/") && strings.HasSuffix(res.Path, ".csv"), res.Path)
	assert.Equal(t, generalStore(t, c, pid), res.StoreID)
	stored, ok := srv.StoredFile(pid, res.StoreID, res.Path)
	require.True(t, ok)
	assert.Equal(t, file, string(stored), "the file is uploaded as it is")
	assert.Equal(t, []map[string]any{
		{"Title": "First", "Custodian": "alice"},
		{"Title": "Second, with a comma", "Custodian": "bob"},
	}, recordValues(t, c, pid, f))

	// Columns maps a header by hand; a file (its size from Stat), another
	// store, a path, a job name.
	path := filepath.Join(t.TempDir(), "in.csv")
	require.NoError(t, os.WriteFile(path, []byte("Name,Custodian\nThird,carol\n"), 0o600))
	fh, err := os.Open(path)
	require.NoError(t, err)
	defer func() { _ = fh.Close() }()
	stores, err := c.FileStores.List(ctx, pid)
	require.NoError(t, err)
	res, err = c.ImportCSV(ctx, pid, fh, &ImportCSVOptions{
		Columns: map[string]int64{"Name": f["Title"]}, StoreID: stores[1].ID, Path: "x/in.csv",
		JobName: "Third", Wait: fastWait,
	})
	require.NoError(t, err)
	assert.Equal(t, "Third", deref(res.Job.Name))
	_, ok = srv.StoredFile(pid, stores[1].ID, "x/in.csv")
	assert.True(t, ok)

	// A header spanning lines, a reader of unknown size.
	quoted := "\"Ti\ntle\",Custodian\nFourth,dave\n"
	res, err = c.ImportCSV(ctx, pid, bufio.NewReader(strings.NewReader(quoted)), &ImportCSVOptions{
		Columns: map[string]int64{"Ti\ntle": f["Title"]}, Wait: fastWait,
	})
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Results.AddedRecordCount)
	values := recordValues(t, c, pid, f)
	require.Len(t, values, 4)
	assert.Equal(t, map[string]any{"Title": "Third", "Custodian": "carol"}, values[2])
	assert.Equal(t, map[string]any{"Title": "Fourth", "Custodian": "dave"}, values[3])

	// A bad row with StopOnError: the job fails, the result says how far.
	res, err = c.ImportCSV(ctx, pid, strings.NewReader("Title\na\nb,c\n"), &ImportCSVOptions{StopOnError: true, Wait: fastWait})
	var jf *JobFailedError
	require.ErrorAs(t, err, &jf)
	require.NotNil(t, res)
	assert.Equal(t, JobStatusFailed, res.Job.Status)
	assert.Equal(t, int64(1), res.Results.AddedRecordCount)

	_, err = c.ImportCSV(ctx, 999999, strings.NewReader(file), nil)
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.ImportCSV(ctx, pid, strings.NewReader("Title\na\n"), &ImportCSVOptions{StoreID: 999999})
	assert.True(t, IsNotFound(err), "%v", err)
}

func TestImportCSVValidation(t *testing.T) {
	c, srv, pid, _ := jobTest(t, 0, time.Millisecond)
	ctx := context.Background()
	ok := "Title\na\n"
	for name, call := range map[string]func() error{
		"project": func() error { _, err := c.ImportCSV(ctx, 0, strings.NewReader(ok), nil); return err },
		"reader":  func() error { _, err := c.ImportCSV(ctx, pid, nil, nil); return err },
		"store": func() error {
			_, err := c.ImportCSV(ctx, pid, strings.NewReader(ok), &ImportCSVOptions{StoreID: -1})
			return err
		},
		"path": func() error {
			_, err := c.ImportCSV(ctx, pid, strings.NewReader(ok), &ImportCSVOptions{Path: "../x"})
			return err
		},
		"wait": func() error {
			_, err := c.ImportCSV(ctx, pid, strings.NewReader(ok), &ImportCSVOptions{Wait: &WaitOptions{Jitter: 2}})
			return err
		},
		"empty":     func() error { _, err := c.ImportCSV(ctx, pid, strings.NewReader("\n"), nil); return err },
		"bad quote": func() error { _, err := c.ImportCSV(ctx, pid, strings.NewReader("a\"b,c\n"), nil); return err },
		"unclosed":  func() error { _, err := c.ImportCSV(ctx, pid, strings.NewReader("\"Title\na\n"), nil); return err },
		"huge header": func() error {
			_, err := c.ImportCSV(ctx, pid, strings.NewReader(strings.Repeat("x", maxHeader+10)), nil)
			return err
		},
		"missing column": func() error {
			_, err := c.ImportCSV(ctx, pid, strings.NewReader(ok), &ImportCSVOptions{Columns: map[string]int64{"Nope": 1}})
			return err
		},
		"bad column id": func() error {
			_, err := c.ImportCSV(ctx, pid, strings.NewReader(ok), &ImportCSVOptions{Columns: map[string]int64{"Title": 0}})
			return err
		},
		"no column": func() error {
			_, err := c.ImportCSV(ctx, pid, strings.NewReader("Nope\n"), &ImportCSVOptions{IgnoreUnknownColumns: true})
			return err
		},
	} {
		err := call()
		assert.True(t, IsValidation(err), "%s: %v", name, err)
	}
	_, err := c.ImportCSV(ctx, pid, io.MultiReader(strings.NewReader("Title"), iotestErr{}), nil)
	assert.ErrorContains(t, err, "reading the CSV header")
	assert.Zero(t, srv.RequestCount("uploadFileStoreFile"))

	// Two fields differing only in case (the fake tenant refuses them, a
	// tenant may not) make a column ambiguous; an exact name is not.
	fields := []Field{{ID: 1, Name: Ptr("Title")}, {ID: 2, Name: Ptr("TITLE")}, {ID: 3}}
	_, _, err = mapColumns("importCSV", []string{"title"}, fields, nil, false)
	assert.True(t, IsValidation(err), "%v", err)
	assert.ErrorContains(t, err, "differing only in case")
	cols, _, err := mapColumns("importCSV", []string{"TITLE"}, fields, nil, false)
	require.NoError(t, err)
	assert.Equal(t, map[int]int64{0: 2}, cols)
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, os.ErrDeadlineExceeded }

func TestSizeOf(t *testing.T) {
	assert.Equal(t, int64(3), sizeOf(strings.NewReader("abc")))
	assert.Equal(t, int64(-1), sizeOf(io.MultiReader()))
	path := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(path, []byte("hello"), 0o600))
	fh, err := os.Open(path)
	require.NoError(t, err)
	defer func() { _ = fh.Close() }()
	_, err = fh.Seek(2, io.SeekStart)
	require.NoError(t, err)
	assert.Equal(t, int64(3), sizeOf(fh), "what is left to read")
	dir, err := os.Open(t.TempDir())
	require.NoError(t, err)
	defer func() { _ = dir.Close() }()
	assert.Equal(t, int64(-1), sizeOf(dir))
}

func TestDeleteRecords(t *testing.T) {
	c, srv, pid, _ := jobTest(t, 250, time.Millisecond)
	ctx := context.Background()
	var ids []int64
	for r, err := range c.Records.All(ctx, pid, nil) {
		require.NoError(t, err)
		ids = append(ids, *r.ID)
	}
	require.Len(t, ids, 250)

	job, err := c.DeleteRecords(ctx, pid, ids[:120], &DeleteRecordsOptions{Wait: fastWait})
	require.NoError(t, err)
	assert.Equal(t, JobStatusFinished, job.Status)
	assert.Contains(t, deref(job.StatusMessage), "120 records deleted")
	assert.Equal(t, "Delete records", deref(job.Name))
	var left []int64
	for r, err := range c.Records.All(ctx, pid, nil) {
		require.NoError(t, err)
		left = append(left, *r.ID)
	}
	assert.Equal(t, ids[120:], left)

	view, err := c.Views.Create(ctx, pid, ViewOfRecords(ids[120:125]...))
	require.NoError(t, err)
	job, err = c.DeleteRecordsByView(ctx, pid, view, &DeleteRecordsOptions{
		JobName: "By view", Details: &MassActionDeleteJob{DeleteActiveData: true, DoNotCreateBackup: Ptr(true)}, Wait: fastWait,
	})
	require.NoError(t, err)
	assert.Equal(t, "By view", deref(job.Name))
	recs, err := c.Records.List(ctx, pid, &ListRecordsOptions{RecordIDs: ids[120:126]})
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, ids[125], *recs[0].ID)

	// Unknown records: the API refuses the view, nothing is deleted.
	before := srv.RequestCount("createJob")
	_, err = c.DeleteRecords(ctx, pid, []int64{ids[0]}, nil)
	assert.True(t, IsValidation(err), "%v", err)
	assert.Equal(t, before, srv.RequestCount("createJob"))
	_, err = c.DeleteRecordsByView(ctx, pid, 999999, &DeleteRecordsOptions{Wait: fastWait})
	assert.True(t, IsNotFound(err) || IsValidation(err), "%v", err)
	_, err = c.DeleteRecords(ctx, 999999, ids[:1], nil)
	assert.True(t, IsNotFound(err), "%v", err)

	for name, err := range map[string]error{
		"project":      second(c.DeleteRecords(ctx, 0, ids, nil)),
		"none":         second(c.DeleteRecords(ctx, pid, nil, nil)),
		"zero id":      second(c.DeleteRecords(ctx, pid, []int64{0}, nil)),
		"wait":         second(c.DeleteRecords(ctx, pid, ids, &DeleteRecordsOptions{Wait: &WaitOptions{MinDelay: -1}})),
		"view project": second(c.DeleteRecordsByView(ctx, 0, 1, nil)),
		"view":         second(c.DeleteRecordsByView(ctx, pid, 0, nil)),
		"inner type":   second(c.DeleteRecordsByView(ctx, pid, 1, &DeleteRecordsOptions{Details: &MassActionDeleteJob{Type: Ptr(JobTypeDelimitedImport)}})),
	} {
		assert.True(t, IsValidation(err), "%s: %v", name, err)
	}
	assert.True(t, slices.IsSorted(left))
}
