package iconecttest

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iconect-go/iconect-go/gen"
)

// A running job advances one step per s.cfg.jobStep of the fake's clock;
// each step handles up to perStep rows, records or files.
const perStep = 100

// maxExtracted bounds what one zip extraction may unpack, so a zip bomb
// fails the job instead of filling memory.
const maxExtracted = 256 << 20

// The outcomes' messages; the docs show the first with status 8.
const (
	msgExceptions = "Processing Job Finished Normally with Exceptions"
	msgFinished   = "Processing Job Finished Normally"
)

// jobRun is one run of a job. step does the next slice of the work with the
// tenant locked, updates the job's results, and answers the job's status
// (JobStatusRunning while work is left) and status message.
type jobRun interface {
	step(t *tenant, p *project, j *job) (gen.JobStatus, string)
}

// newJobRun prepares a run of j, checking what must hold at start: a mass
// action delete needs a live view. Problems found later (a missing input
// file, say) fail the job instead. Callers hold t.mu.
func (p *project) newJobRun(j *job, viewID int64, now time.Time) (jobRun, error) {
	switch j.Type {
	case gen.JobTypeMassActionDelete:
		if viewID <= 0 {
			return nil, badRequest("A mass action delete job needs the view_id of the records to delete.")
		}
		ids, err := p.viewRecords(viewID, now)
		if err != nil {
			return nil, err
		}
		return &deleteRun{ids: ids}, nil
	case gen.JobTypeDelimitedImport:
		d, err := j.Details.AsDelimitedImportJob()
		return &delimitedRun{d: d}, detailsError(j, err)
	case gen.JobTypeZipFileExtraction:
		d, err := j.Details.AsZipFileExtractionJob()
		return &zipRun{d: d, jobID: j.ID, limit: maxExtracted}, detailsError(j, err)
	default:
		d, err := j.Details.AsNativeImportInfo()
		return &nativeRun{d: d, jobID: j.ID}, detailsError(j, err)
	}
}

// detailsError turns a failure to decode stored details (createJob checked
// them, so it does not happen) into a 400 rather than a 500.
func detailsError(j *job, err error) error {
	if err != nil {
		return badRequest("Job %d has invalid details: %v.", j.ID, err)
	}
	return nil
}

// startRun runs j in the background until it ends, is stopped, or the
// server closes. Callers hold t.mu.
func (s *Server) startRun(p *project, j *job, run jobRun) {
	cancel := make(chan struct{})
	j.cancel = cancel
	s.jobs.Add(1)
	go s.runJob(p, j, run, cancel)
}

// runJob waits a step's time on the fake's clock (never holding the tenant
// lock while it waits), then takes the lock for one step.
func (s *Server) runJob(p *project, j *job, run jobRun, cancel chan struct{}) {
	defer s.jobs.Done()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-cancel:
			return
		case <-s.clock.After(s.cfg.jobStep):
		}
		if s.stepJob(p, j, run, cancel) {
			return
		}
	}
}

// stepJob does one step and reports whether the run is over.
func (s *Server) stepJob(p *project, j *job, run jobRun, cancel chan struct{}) bool {
	t := s.tenant
	t.mu.Lock()
	defer t.mu.Unlock()
	if j.cancel != cancel {
		return true // stopped while this step waited
	}
	status, msg := run.step(t, p, j)
	j.StatusMessage = ptr(msg)
	if status == gen.JobStatusRunning {
		return false
	}
	j.Status = status
	j.LastStopUtc = ptr(isoTime(t.now()))
	j.cancel = nil
	return true
}

// storeFile finds a file a job names, by a path relative to the store (a
// leading slash, as in the docs' "/relative/path/to/zip.zip", is dropped).
func storeFile(fs *fileStore, name string) (string, *storedFile) {
	clean, err := cleanStorePath(name)
	if err != nil {
		return name, nil
	}
	return clean, fs.files[clean]
}

// cleanStorePath is storePath for the paths in job details, which may start
// with a slash.
func cleanStorePath(name string) (string, error) {
	return storePath(strings.TrimLeft(strings.ReplaceAll(name, `\`, "/"), "/"))
}

// deleteRun deletes the records of the view given at start.
type deleteRun struct {
	ids     []int64
	next    int
	deleted int
}

func (r *deleteRun) step(t *tenant, p *project, j *job) (gen.JobStatus, string) {
	for end := min(r.next+perStep, len(r.ids)); r.next < end; r.next++ {
		if _, ok := p.records[r.ids[r.next]]; ok {
			p.deleteRecord(r.ids[r.next])
			r.deleted++
		}
	}
	if r.next < len(r.ids) {
		return gen.JobStatusRunning, fmt.Sprintf("%d of %d records", r.next, len(r.ids))
	}
	return gen.JobStatusFinished, fmt.Sprintf("%s: %d records deleted.", msgFinished, r.deleted)
}

// delimitedRun imports a comma-separated file with a header row: a record
// per data row.
type delimitedRun struct {
	d        gen.DelimitedImportJob
	loaded   bool
	width    int // the header's column count
	rows     [][]string
	cols     map[int]string // column index -> field ID key of a record's data
	next     int
	added    int64
	errors   int64
	warnings []string
}

func (r *delimitedRun) step(t *tenant, p *project, j *job) (gen.JobStatus, string) {
	if !r.loaded {
		if msg := r.load(p); msg != "" {
			return gen.JobStatusFailed, msg
		}
		r.loaded = true
	}
	for end := min(r.next+perStep, len(r.rows)); r.next < end; r.next++ {
		row := r.rows[r.next]
		if len(row) != r.width {
			warn := fmt.Sprintf("Row %d has %d columns; the header has %d.", r.next+1, len(row), r.width)
			r.errors++
			r.warnings = append(r.warnings, warn)
			if r.d.StopOnError != nil && *r.d.StopOnError {
				r.next++
				j.Results = r.results()
				return gen.JobStatusFailed, fmt.Sprintf("%s The job stopped on this error after adding %d records.", warn, r.added)
			}
			continue
		}
		data := map[string]any{}
		for col, key := range r.cols {
			data[key] = row[col]
		}
		t.addRecord(p, data)
		r.added++
	}
	j.Results = r.results()
	switch {
	case r.next < len(r.rows):
		return gen.JobStatusRunning, fmt.Sprintf("%d of %d records", r.next, len(r.rows))
	case r.errors > 0:
		return gen.JobStatusFinishedWithExceptions, fmt.Sprintf("%s: %d of %d records added, %d rows with errors.", msgExceptions, r.added, len(r.rows), r.errors)
	default:
		return gen.JobStatusFinished, fmt.Sprintf("%s: %d of %d records added.", msgFinished, r.added, len(r.rows))
	}
}

// load reads and parses the input file, answering why the job fails if it
// cannot.
func (r *delimitedRun) load(p *project) string {
	fs, err := p.jobStore(r.d.FileStoreID)
	if err != nil {
		return err.Error()
	}
	name, f := storeFile(fs, r.d.InputFile)
	if f == nil {
		return fmt.Sprintf("Input file %q not found in file store %d.", name, fs.ID)
	}
	if r.d.FileFormat != nil && *r.d.FileFormat != 1 {
		return fmt.Sprintf("File format %d is not supported: only 1 (comma-separated with a header row) is.", *r.d.FileFormat)
	}
	if r.d.Encoding != nil && *r.d.Encoding != 0 {
		return fmt.Sprintf("Encoding %d is not supported: only 0 (UTF-8) is.", *r.d.Encoding)
	}
	data := bytes.TrimPrefix(f.data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		return fmt.Sprintf("Input file %q is not valid UTF-8.", name)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // a row of the wrong width is an error row, not a parse failure
	rows, err := cr.ReadAll()
	if err != nil {
		return fmt.Sprintf("Input file %q is not valid CSV: %v.", name, err)
	}
	if len(rows) == 0 {
		return fmt.Sprintf("Input file %q has no header row.", name)
	}
	r.width, r.rows = len(rows[0]), rows[1:]
	r.cols = map[int]string{}
	for col, field := range r.d.MapFileColumnToFieldID {
		n, _ := strconv.Atoi(col) // checked by createJob
		if n >= r.width {
			return fmt.Sprintf("Column %d is mapped to field %d, but the file has %d columns.", n, field, r.width)
		}
		if p.fields[field] == nil {
			return fmt.Sprintf("Field %d (column %d) not found.", field, n)
		}
		r.cols[n] = strconv.FormatInt(field, 10)
	}
	return ""
}

func (r *delimitedRun) results() *gen.JobResults {
	var warnings any
	if len(r.warnings) > 0 {
		b, _ := json.Marshal(r.warnings)
		warnings = string(b)
	}
	return rawResults(map[string]any{
		"added_record_count":                        r.added,
		"errors_were_encountered":                   r.errors > 0,
		"added_record_count_with_error":             0,
		"error_log_file":                            nil,
		"error_count":                               r.errors,
		"warnings":                                  len(r.warnings) > 0,
		"warnings_json":                             warnings,
		"expected_record_count_equals_actual_count": r.added == int64(len(r.rows)),
		"record_count_not_added":                    int64(r.next) - r.added,
		"record_count_not_added_with_error":         r.errors,
	})
}

// zipRun extracts an archive into a directory of its store named after it.
type zipRun struct {
	d         gen.ZipFileExtractionJob
	jobID     int64
	limit     int64 // bytes it may unpack (maxExtracted)
	fs        *fileStore
	archive   string
	size      int64
	entries   []*zip.File
	outDir    string
	next      int
	extracted []string
	total     int64
	skipped   []string
}

func (r *zipRun) step(t *tenant, p *project, j *job) (gen.JobStatus, string) {
	if r.fs == nil {
		if msg := r.open(p); msg != "" {
			return gen.JobStatusFailed, msg
		}
	}
	now := t.now()
	for end := min(r.next+perStep, len(r.entries)); r.next < end; r.next++ {
		if msg := r.extract(r.entries[r.next], now); msg != "" {
			j.Results = r.results()
			return gen.JobStatusFailed, r.fail(msg)
		}
	}
	j.Results = r.results()
	switch {
	case r.next < len(r.entries):
		return gen.JobStatusRunning, fmt.Sprintf("%d of %d files", r.next, len(r.entries))
	case len(r.skipped) > 0:
		return gen.JobStatusFinishedWithExceptions, fmt.Sprintf("%s: %d of %d files extracted; skipped: %s.", msgExceptions, len(r.extracted), len(r.entries), strings.Join(r.skipped, "; "))
	}
	if r.d.DeleteArchiveOnSuccess != nil && *r.d.DeleteArchiveOnSuccess {
		delete(r.fs.files, r.archive)
	}
	return gen.JobStatusFinished, fmt.Sprintf("%s: %d files extracted to %s.", msgFinished, len(r.extracted), r.outDir)
}

// open reads the archive's directory, answering why the job fails if it
// cannot.
func (r *zipRun) open(p *project) string {
	fs, err := p.jobStore(r.d.FileStoreID)
	if err != nil {
		return err.Error()
	}
	name, f := storeFile(fs, r.d.ZipFilePath)
	if f == nil {
		return fmt.Sprintf("Archive %q not found in file store %d.", name, fs.ID)
	}
	zr, err := zip.NewReader(bytes.NewReader(f.data), int64(len(f.data)))
	if err != nil {
		return fmt.Sprintf("Archive %q is not a valid zip file: %v.", name, err)
	}
	r.fs, r.archive, r.size = fs, name, int64(len(f.data))
	r.outDir = strings.TrimSuffix(name, path.Ext(name))
	if r.d.AppendJobID != nil && *r.d.AppendJobID {
		r.outDir += "_" + strconv.FormatInt(r.jobID, 10)
	}
	for _, e := range zr.File {
		if !strings.HasSuffix(e.Name, "/") && !e.FileInfo().IsDir() {
			r.entries = append(r.entries, e)
		}
	}
	return ""
}

// extract stores one entry below outDir. An entry whose name would leave
// the directory, or that cannot be read, is skipped (an exception); an
// answer other than "" fails the job.
func (r *zipRun) extract(e *zip.File, now time.Time) string {
	rel, err := storePath(e.Name)
	if err != nil {
		r.skipped = append(r.skipped, fmt.Sprintf("%q is not a safe relative path", e.Name))
		return ""
	}
	rc, err := e.Open()
	if err != nil {
		r.skipped = append(r.skipped, fmt.Sprintf("%q cannot be read: %v", e.Name, err))
		return ""
	}
	defer func() { _ = rc.Close() }()
	data, err := io.ReadAll(io.LimitReader(rc, r.limit-r.total+1))
	switch {
	case err != nil:
		r.skipped = append(r.skipped, fmt.Sprintf("%q cannot be read: %v", e.Name, err))
		return ""
	case r.total+int64(len(data)) > r.limit:
		return fmt.Sprintf("The archive unpacks to more than %d bytes.", r.limit)
	}
	out := r.outDir + "/" + rel
	r.fs.files[out] = &storedFile{name: out, data: data, created: now, accessed: now}
	r.extracted = append(r.extracted, out)
	r.total += int64(len(data))
	return ""
}

// fail removes what was extracted when delete_output_on_failure asks.
func (r *zipRun) fail(msg string) string {
	if r.d.DeleteOutputOnFailure != nil && *r.d.DeleteOutputOnFailure {
		for _, f := range r.extracted {
			delete(r.fs.files, f)
		}
		r.extracted = nil
	}
	return msg
}

func (r *zipRun) results() *gen.JobResults {
	return rawResults(map[string]any{
		"log_file_path":         nil,
		"file_store_id":         r.fs.ID,
		"extracted_files_path":  r.outDir,
		"extracted_files_count": len(r.extracted),
		"compressed_size":       r.size,
	})
}

// nativeRun makes a record per file of a store directory, with the file as
// its native file.
type nativeRun struct {
	d       gen.NativeImportInfo
	jobID   int64
	fs      *fileStore
	paths   []string
	next    int
	size    int64
	number  int64  // the last document number given
	prefix  string // the literal part of the numbering
	width   int    // the digits of the numbering
	skipped int
}

func (r *nativeRun) step(t *tenant, p *project, j *job) (gen.JobStatus, string) {
	if r.fs == nil {
		if msg := r.load(p); msg != "" {
			return gen.JobStatusFailed, msg
		}
	}
	now := t.now()
	for end := min(r.next+perStep, len(r.paths)); r.next < end; r.next++ {
		r.importFile(t, p, r.paths[r.next], now)
	}
	j.Results = rawResults(map[string]any{"total_file_count": r.next - r.skipped, "total_file_size": r.size})
	switch {
	case r.next < len(r.paths):
		return gen.JobStatusRunning, fmt.Sprintf("%d of %d files", r.next, len(r.paths))
	case r.skipped > 0:
		return gen.JobStatusFinishedWithExceptions, fmt.Sprintf("%s: %d of %d files imported; %d were gone.", msgExceptions, r.next-r.skipped, len(r.paths), r.skipped)
	}
	return gen.JobStatusFinished, fmt.Sprintf("%s: %d files imported.", msgFinished, len(r.paths))
}

// load lists the files to import and finds where numbering continues.
func (r *nativeRun) load(p *project) string {
	fs, err := p.jobStore(&r.d.SourceFileStoreID)
	if err != nil {
		return err.Error()
	}
	if p.nativeField() == 0 {
		return "The project has no native file field (settings NATIVEFIELD)."
	}
	dir := ""
	if r.d.SourceSubDir != nil && *r.d.SourceSubDir != "" {
		if dir, err = cleanStorePath(*r.d.SourceSubDir); err != nil {
			return err.Error()
		}
	} else if r.d.DirectoryIsJobID != nil && *r.d.DirectoryIsJobID {
		dir = strconv.FormatInt(r.jobID, 10)
	}
	for name := range fs.files {
		if dir == "" || strings.HasPrefix(name, dir+"/") {
			r.paths = append(r.paths, name)
		}
	}
	sort.Strings(r.paths)
	r.fs = fs
	r.numbering(p)
	return ""
}

// numbering reads the template's numbering_prefix ("000000" in the docs: a
// literal part, then zeros giving the width) and continues after the
// highest number the document ID field already holds with that prefix.
func (r *nativeRun) numbering(p *project) {
	pattern := defaultNumbering
	if r.d.TemplateID != nil {
		if tp := p.templates[*r.d.TemplateID]; tp != nil && tp.NumberingPrefix != nil && *tp.NumberingPrefix != "" {
			pattern = *tp.NumberingPrefix
		}
	}
	r.prefix = strings.TrimRight(pattern, "0123456789")
	r.width = max(len(pattern)-len(r.prefix), 1)
	doc := strconv.FormatInt(p.settings["DOCUMENTID"], 10)
	for _, rec := range p.records {
		s, _ := rec.data[doc].(string)
		digits, ok := strings.CutPrefix(s, r.prefix)
		if n, err := strconv.ParseInt(digits, 10, 64); ok && err == nil && n > r.number {
			r.number = n
		}
	}
}

// importFile makes the record of one file: its document number, its native
// file and its folders. A file removed since the job started is skipped.
func (r *nativeRun) importFile(t *tenant, p *project, name string, now time.Time) {
	f := r.fs.files[name]
	if f == nil {
		r.skipped++
		return
	}
	data := map[string]any{}
	if doc := p.settings["DOCUMENTID"]; doc != 0 {
		r.number++
		data[strconv.FormatInt(doc, 10)] = fmt.Sprintf("%s%0*d", r.prefix, r.width, r.number)
	}
	if fn := p.settings["FILENAME"]; fn != 0 {
		data[strconv.FormatInt(fn, 10)] = path.Base(name)
	}
	if c := p.settings["CUSTODIAN_FIELD_ID"]; c != 0 && r.d.DefaultCustodian != nil {
		data[strconv.FormatInt(c, 10)] = *r.d.DefaultCustodian
	}
	rec := t.addRecord(p, data)
	p.natives[nativeKey{record: rec.id, field: p.nativeField()}] = &storedFile{
		name: path.Base(name), data: bytes.Clone(f.data), created: now, accessed: now,
	}
	for _, id := range r.d.FolderIds {
		if fo := p.folders[id]; fo != nil {
			if fo.records == nil {
				fo.records = map[int64]bool{}
			}
			fo.records[rec.id] = true
		}
	}
	r.size += int64(len(f.data))
}
