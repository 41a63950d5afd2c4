package iconect

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ImportCSVOptions configures ImportCSV.
type ImportCSVOptions struct {
	// StoreID is the file store the file is uploaded to (default: the
	// project's store named "General").
	StoreID int64
	// Path is the file's path in the store (default
	// "imports/<UTC time>.csv").
	Path string
	// Columns maps header names to field IDs, for columns not named like
	// their field. Every other column goes to the field of the same name
	// (the exact name, else the only one equal ignoring case).
	Columns map[string]int64
	// IgnoreUnknownColumns leaves out columns that match no field, instead
	// of refusing the import.
	IgnoreUnknownColumns bool
	// StopOnError ends the job (Failed) at the first bad row, instead of
	// skipping bad rows (FinishedWithExceptions).
	StopOnError bool
	// JobName names the import job (default "Import <path>").
	JobName string
	// Wait configures the wait for the job's end.
	Wait *WaitOptions
}

// ImportCSVResult is what ImportCSV did.
type ImportCSVResult struct {
	// Job is the import job as it ended.
	Job *Job
	// Results are its results: records added, rows with errors.
	Results *DelimitedImportJobResults
	// StoreID and Path are where the file was uploaded.
	StoreID int64
	Path    string
	// Columns maps the file's 0-based columns to the fields they filled.
	Columns map[int]int64
	// Ignored lists the headers left out (IgnoreUnknownColumns).
	Ignored []string
}

// maxHeader bounds the header row ImportCSV reads to map columns.
const maxHeader = 1 << 20

// ImportCSV imports records from a comma-separated file with a header row
// (UTF-8): it maps the header's names to the project's fields, uploads the
// file to a file store (streamed, not held in memory), runs a delimited
// import job and waits for it. A header matching no field is an error
// listing them all (unless IgnoreUnknownColumns), found before anything is
// uploaded.
//
// The job's end is Wait's: rows with errors make it FinishedWithExceptions,
// with no error (see Results); a failed or stopped job returns the result
// and a *JobFailedError.
func (c *Client) ImportCSV(ctx context.Context, projectID int64, file io.Reader, opts *ImportCSVOptions, co ...CallOption) (*ImportCSVResult, error) {
	const op = "importCSV"
	o := ImportCSVOptions{}
	if opts != nil {
		o = *opts
	}
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	if file == nil {
		return nil, invalid(op, "no CSV file (a nil reader)")
	}
	if o.StoreID < 0 {
		return nil, invalid(op, "the file store ID must be positive, not %d", o.StoreID)
	}
	if o.Path == "" {
		o.Path = "imports/" + time.Now().UTC().Format("20060102T150405.000000000Z") + ".csv"
	}
	if err := checkStorePath(op, o.Path); err != nil {
		return nil, err
	}
	w, err := waitOptions(o.Wait)
	if err != nil {
		return nil, err
	}

	size := sizeOf(file)
	br := bufio.NewReader(file)
	head, header, err := readCSVHeader(op, br)
	if err != nil {
		return nil, err
	}
	fields, err := c.Fields.List(ctx, projectID, co...)
	if err != nil {
		return nil, err
	}
	res := &ImportCSVResult{Path: o.Path, StoreID: o.StoreID}
	res.Columns, res.Ignored, err = mapColumns(op, header, fields, o.Columns, o.IgnoreUnknownColumns)
	if err != nil {
		return nil, err
	}
	if res.StoreID == 0 {
		fs, err := c.FileStores.named(ctx, projectID, "General", co...)
		if err != nil {
			return nil, err
		}
		res.StoreID = fs.ID
	}

	body := io.MultiReader(bytes.NewReader(head), br)
	if err := c.FileStores.Upload(ctx, projectID, res.StoreID, o.Path, body, size, &UploadOptions{ContentType: "text/csv"}, co...); err != nil {
		return nil, err
	}
	mapping := make(map[string]int64, len(res.Columns))
	for col, id := range res.Columns {
		mapping[strconv.Itoa(col)] = id
	}
	name := o.JobName
	if name == "" {
		name = "Import " + o.Path
	}
	req, err := NewDelimitedImportJob(name, DelimitedImportJob{
		FileStoreID:            Ptr(res.StoreID),
		InputFile:              o.Path,
		FileFormat:             Ptr(int32(1)),
		Encoding:               Ptr(int32(0)),
		MapFileColumnToFieldID: mapping,
		StopOnError:            Ptr(o.StopOnError),
	})
	if err != nil {
		return nil, err
	}
	job, err := c.Jobs.Create(ctx, projectID, req, co...)
	if err != nil {
		return res, err
	}
	res.Job = job
	if err := c.Jobs.Start(ctx, projectID, job.ID, nil, co...); err != nil {
		return res, fmt.Errorf("iconect: job %d was created but not started: %w", job.ID, err)
	}
	job, waitErr := c.Jobs.Handle(projectID, job.ID).wait(ctx, w, co)
	if job != nil {
		res.Job = job
		res.Results, _ = DelimitedImportResultsOf(*job)
	}
	return res, waitErr
}

// readCSVHeader reads the first row of a CSV file: whole lines until its
// quotes balance (a quoted header may span lines). It returns the bytes
// read, to be sent before the rest, and the row's names.
func readCSVHeader(op string, br *bufio.Reader) ([]byte, []string, error) {
	var head []byte
	for {
		line, err := br.ReadSlice('\n')
		head = append(head, line...)
		if len(head) > maxHeader {
			return nil, nil, invalid(op, "the CSV header row is longer than %d bytes", maxHeader)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, nil, fmt.Errorf("iconect: %s: reading the CSV header: %w", op, err)
		}
		if bytes.Count(head, []byte{'"'})%2 == 0 || err != nil {
			break
		}
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, nil, invalid(op, "the CSV file is empty: it needs a header row")
	}
	header, err := csv.NewReader(bytes.NewReader(head)).Read()
	if err != nil {
		return nil, nil, invalid(op, "the CSV header row is not valid CSV: %v", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	}
	return head, header, nil
}

// mapColumns maps header columns to field IDs: by columns (header name to
// field ID), else by field name.
func mapColumns(op string, header []string, fields []Field, columns map[string]int64, ignoreUnknown bool) (map[int]int64, []string, error) {
	exact := map[string]int64{}
	folded := map[string][]int64{}
	for _, f := range fields {
		if f.Name == nil {
			continue
		}
		exact[*f.Name] = f.ID
		k := strings.ToLower(strings.TrimSpace(*f.Name))
		folded[k] = append(folded[k], f.ID)
	}
	out := map[int]int64{}
	var unknown, ambiguous, ignored []string
	used := map[string]bool{}
	for col, name := range header {
		name = strings.TrimSpace(name)
		if id, ok := columns[name]; ok {
			if id <= 0 {
				return nil, nil, invalid(op, "the field ID for column %q must be positive, not %d", name, id)
			}
			out[col], used[name] = id, true
			continue
		}
		if id, ok := exact[name]; ok {
			out[col] = id
			continue
		}
		switch ids := folded[strings.ToLower(name)]; len(ids) {
		case 1:
			out[col] = ids[0]
		case 0:
			if ignoreUnknown {
				ignored = append(ignored, name)
			} else {
				unknown = append(unknown, strconv.Quote(name))
			}
		default:
			ambiguous = append(ambiguous, strconv.Quote(name))
		}
	}
	var missing []string
	for name := range columns {
		if !used[name] {
			missing = append(missing, strconv.Quote(name))
		}
	}
	slices.Sort(missing)
	switch {
	case len(unknown) > 0:
		return nil, nil, invalid(op, "no field is named like the columns %s (map them with Columns, or set IgnoreUnknownColumns)", strings.Join(unknown, ", "))
	case len(ambiguous) > 0:
		return nil, nil, invalid(op, "several fields differing only in case match the columns %s (map them with Columns)", strings.Join(ambiguous, ", "))
	case len(missing) > 0:
		return nil, nil, invalid(op, "Columns names %s, which the header does not have", strings.Join(missing, ", "))
	case len(out) == 0:
		return nil, nil, invalid(op, "no column of the CSV file maps to a field")
	}
	return out, ignored, nil
}

// sizeOf returns how many bytes are left in r when it can tell (a
// bytes.Reader, strings.Reader or bytes.Buffer; a regular file), or -1.
func sizeOf(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Len() int }:
		return int64(v.Len())
	case interface {
		Stat() (fs.FileInfo, error)
		io.Seeker
	}:
		fi, err := v.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		pos, err := v.Seek(0, io.SeekCurrent)
		if err != nil || pos > fi.Size() {
			return -1
		}
		return fi.Size() - pos
	}
	return -1
}

// DeleteRecordsOptions configures DeleteRecords and DeleteRecordsByView.
type DeleteRecordsOptions struct {
	// Details are the mass action delete job's options (default: delete
	// the records' active data, DeleteActiveData true).
	Details *MassActionDeleteJob
	// JobName names the job (default "Delete records").
	JobName string
	// Wait configures the wait for the job's end.
	Wait *WaitOptions
}

// DeleteRecordsByView deletes the records of a view: it runs a mass action
// delete job started with the view, and waits for its end (see
// JobHandle.Wait for what that returns). The job's status message says how
// many records went.
func (c *Client) DeleteRecordsByView(ctx context.Context, projectID, viewID int64, opts *DeleteRecordsOptions, co ...CallOption) (*Job, error) {
	const op = "deleteRecords"
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	if err := positive(op, "view ID", viewID); err != nil {
		return nil, err
	}
	o := DeleteRecordsOptions{}
	if opts != nil {
		o = *opts
	}
	d := MassActionDeleteJob{DeleteActiveData: true}
	if o.Details != nil {
		d = *o.Details
	}
	if o.JobName == "" {
		o.JobName = "Delete records"
	}
	req, err := NewMassActionDeleteJob(o.JobName, d)
	if err != nil {
		return nil, err
	}
	return c.Jobs.Run(ctx, projectID, req, &StartOptions{ViewID: viewID}, o.Wait, co...)
}

// deleteViewLife is how long the view DeleteRecords makes lives: long
// enough for the job to start, short enough not to pile up.
const deleteViewLife = 24 * time.Hour

// DeleteRecords deletes records by ID: it makes a view of them (expiring
// after a day), then runs DeleteRecordsByView. An unknown record ID makes
// the API refuse the view (400), and nothing is deleted.
func (c *Client) DeleteRecords(ctx context.Context, projectID int64, recordIDs []int64, opts *DeleteRecordsOptions, co ...CallOption) (*Job, error) {
	const op = "deleteRecords"
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	if len(recordIDs) == 0 {
		return nil, invalid(op, "no record IDs")
	}
	if opts != nil {
		if _, err := waitOptions(opts.Wait); err != nil {
			return nil, err
		}
	}
	view := ViewOfRecords(recordIDs...)
	view.ExpiryDate = Ptr(time.Now().Add(deleteViewLife).UTC().Truncate(time.Second))
	viewID, err := c.Views.Create(ctx, projectID, view, co...)
	if err != nil {
		return nil, err
	}
	return c.DeleteRecordsByView(ctx, projectID, viewID, opts, co...)
}
