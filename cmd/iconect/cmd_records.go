package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"
	"time"

	"github.com/iconect-go/iconect-go/pkg/iconect"
)

// fieldSet is the fields records are shown with: IDs and names, in order.
type fieldSet struct {
	ids   []int64
	names []string
}

// projectFields reads a project's fields, or those of want (names,
// separated by commas, matched ignoring case). An unknown name is a usage
// error listing the fields.
func projectFields(ctx context.Context, c *iconect.Client, name string, projectID int64, want string) (fieldSet, error) {
	fields, err := c.Fields.List(ctx, projectID)
	if err != nil {
		return fieldSet{}, err
	}
	var all fieldSet
	seen := map[string]int{}
	for _, f := range fields {
		n := str(f.Name)
		seen[strings.ToLower(n)]++
		all.ids = append(all.ids, f.ID)
		all.names = append(all.names, n)
	}
	for i, n := range all.names { // a name two fields share is told apart by ID
		if seen[strings.ToLower(n)] > 1 || n == "" {
			all.names[i] = fmt.Sprintf("%s#%d", n, all.ids[i])
		}
	}
	if strings.TrimSpace(want) == "" {
		return all, nil
	}
	var out fieldSet
	for _, w := range strings.Split(want, ",") {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		found := false
		for i, n := range all.names {
			if strings.EqualFold(n, w) {
				out.ids = append(out.ids, all.ids[i])
				out.names = append(out.names, n)
				found = true
				break
			}
		}
		if !found {
			return fieldSet{}, usagef("%s: --fields: project %d has no field %q (its fields: %s)", name, projectID, w, strings.Join(all.names, ", "))
		}
	}
	return out, nil
}

// recordOut is a record as the CLI writes it: values by field name, as
// text, whole.
type recordOut struct {
	ID      int64             `json:"id"`
	Version int64             `json:"version"`
	Values  map[string]string `json:"values"`
}

func (fs fieldSet) out(r iconect.Record) recordOut {
	o := recordOut{Values: map[string]string{}}
	if r.ID != nil {
		o.ID = *r.ID
	}
	if r.Version != nil {
		o.Version = *r.Version
	}
	for i, id := range fs.ids {
		if v, ok := iconect.RecordValue(r, id); ok {
			o.Values[fs.names[i]] = v
		}
	}
	return o
}

func cmdRecordsList(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("records list", "--project ID [flags]", `Shows the first --limit records of a project (or of a view). On screen long
values are shortened; --output json, and records export, give them whole.`)
	g.projectFlag()
	view := fs.Int64("view", 0, "only the records of this view `ID`")
	fields := fs.String("fields", "", "show these fields (`names`, separated by commas; default all)")
	limit := fs.Int("limit", 20, "show at most this many records")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if err := g.needProject(); err != nil {
		return err
	}
	if *limit <= 0 {
		return usagef("records list: --limit must be positive, not %d", *limit)
	}
	if *view < 0 {
		return usagef("records list: --view must be positive, not %d", *view)
	}
	c, err := g.newClient()
	if err != nil {
		return err
	}
	set, err := projectFields(ctx, c, g.name, g.project, *fields)
	if err != nil {
		return err
	}
	opts := &iconect.ExportOptions{ViewID: *view, FieldIDs: set.ids, PageSize: min(*limit, iconect.MaxRecordPageSize)}
	out := []recordOut{}
	for r, err := range c.Records.ExportAll(ctx, g.project, opts) {
		if err != nil {
			return err
		}
		out = append(out, set.out(r))
		if len(out) == *limit {
			break
		}
	}
	return g.emit(out, func(w io.Writer) error {
		header := append([]string{"ID"}, set.names...)
		rows := make([][]string, 0, len(out))
		for _, r := range out {
			row := []string{itoa(r.ID)}
			for _, n := range set.names {
				row = append(row, shorten(r.Values[n], 40))
			}
			rows = append(rows, row)
		}
		return table(w, header, rows)
	})
}

func cmdRecordsExport(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("records export", "--project ID [flags]", `Writes every record of a project (or of a view) as CSV (a header row of field
names) or JSON (an array of {"id", "version", "values"}), page after page,
streamed, with values whole (size_limit set high). To stdout unless --out.`)
	g.projectFlag()
	view := fs.Int64("view", 0, "only the records of this view `ID`")
	fields := fs.String("fields", "", "export these fields (`names`, separated by commas; default all)")
	format := fs.String("format", "", "`csv` or json (default csv; json with --output json and no --out)")
	outFile := fs.String("out", "", "write to this `file` instead of stdout (then a summary is printed)")
	sizeLimit := fs.Int("size-limit", iconect.DefaultExportSizeLimit, "the most characters of a value read (values longer are cut by the API)")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if err := g.needProject(); err != nil {
		return err
	}
	if *format == "" {
		*format = "csv"
		if g.json() && *outFile == "" {
			*format = "json"
		}
	}
	if *format != "csv" && *format != "json" {
		return usagef("records export: --format %q: give csv or json", *format)
	}
	if *view < 0 || *sizeLimit <= 0 {
		return usagef("records export: --view and --size-limit must be positive")
	}
	c, err := g.newClient()
	if err != nil {
		return err
	}
	set, err := projectFields(ctx, c, g.name, g.project, *fields)
	if err != nil {
		return err
	}
	w := a.stdout
	var f *os.File
	if *outFile != "" {
		f, err = os.Create(*outFile)
		if err != nil {
			return usagef("records export: --out: %v", err)
		}
		defer func() { _ = f.Close() }()
		w = f
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	prog := newProgress(a.stderr, a.stderrTTY, g.json() || *outFile == "")
	n := int64(0)
	records := counted(c.Records.ExportAll(ctx, g.project, &iconect.ExportOptions{ViewID: *view, FieldIDs: set.ids, SizeLimit: *sizeLimit}),
		func() {
			n++
			if a.stderrTTY && n%100 == 0 {
				prog.update(fmt.Sprintf("exported %d records", n))
			}
		})
	if *format == "csv" {
		err = iconect.WriteCSV(bw, set.ids, set.names, records)
	} else {
		err = writeJSONRecords(bw, set, records)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && f != nil {
		err = f.Close()
	}
	if err != nil {
		return err
	}
	if *outFile == "" {
		return nil
	}
	prog.done(fmt.Sprintf("exported %d records", n))
	out := struct {
		Records int64  `json:"records"`
		File    string `json:"file"`
		Format  string `json:"format"`
	}{n, *outFile, *format}
	return g.emit(out, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "Exported %d records to %s (%s).\n", n, *outFile, *format)
		return err
	})
}

// counted calls each for every record seq yields.
func counted(seq iter.Seq2[iconect.Record, error], each func()) iter.Seq2[iconect.Record, error] {
	return func(yield func(iconect.Record, error) bool) {
		for r, err := range seq {
			if err == nil {
				each()
			}
			if !yield(r, err) {
				return
			}
		}
	}
}

// writeJSONRecords streams records as a JSON array, one record a line.
func writeJSONRecords(w io.Writer, set fieldSet, records iter.Seq2[iconect.Record, error]) error {
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	first := true
	for r, err := range records {
		if err != nil {
			return err
		}
		b, err := json.Marshal(set.out(r))
		if err != nil {
			return err
		}
		sep := ",\n"
		if first {
			sep, first = "\n", false
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	end := "\n]\n"
	if first {
		end = "]\n"
	}
	_, err := io.WriteString(w, end)
	return err
}

// columnsFlag is the repeatable --column HEADER=FIELD.
type columnsFlag []string

func (c *columnsFlag) String() string { return strings.Join(*c, " ") }
func (c *columnsFlag) Set(s string) error {
	if h, f, ok := strings.Cut(s, "="); !ok || strings.TrimSpace(h) == "" || strings.TrimSpace(f) == "" {
		return errors.New("give HEADER=FIELD (a CSV header and a field name)")
	}
	*c = append(*c, s)
	return nil
}

func cmdRecordsImport(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("records import", "--project ID [flags] FILE.csv", `Imports records from a CSV file with a header row (UTF-8): maps the header's
names to the project's fields, uploads the file to a file store, runs a
delimited import job and waits for it, showing its progress.`)
	g.projectFlag()
	var columns columnsFlag
	fs.Var(&columns, "column", "map a CSV header to a field not named like it, as `HEADER=FIELD` (repeatable)")
	ignore := fs.Bool("ignore-unknown-columns", false, "leave out columns that match no field (default: refuse the import)")
	stopOnError := fs.Bool("stop-on-error", false, "end the job at the first bad row (default: skip bad rows)")
	path := fs.String("path", "", "the file's `path` in the store (default imports/<time>.csv)")
	poll := fs.Duration("poll", 500*time.Millisecond, "the first `interval` between polls of the job")
	timeout := fs.Duration("timeout", 0, "give up waiting after this `duration` (the job goes on; default none)")
	if err := g.parse(args, 1); err != nil {
		return err
	}
	if err := g.needProject(); err != nil {
		return err
	}
	if len(g.args) != 1 {
		return usagef("records import: give the CSV file to import (iconect records import --project ID FILE.csv)")
	}
	if *poll <= 0 {
		return usagef("records import: --poll must be positive")
	}
	f, size, err := openInput(g.name, g.args[0])
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	c, err := g.newClient()
	if err != nil {
		return err
	}
	opts := &iconect.ImportCSVOptions{Path: *path, IgnoreUnknownColumns: *ignore, StopOnError: *stopOnError}
	if len(columns) > 0 {
		set, err := projectFields(ctx, c, g.name, g.project, "")
		if err != nil {
			return err
		}
		opts.Columns = map[string]int64{}
		for _, col := range columns {
			h, name, _ := strings.Cut(col, "=")
			sel, err := projectFields(ctx, c, g.name, g.project, strings.TrimSpace(name))
			if err != nil || len(sel.ids) != 1 {
				return usagef("records import: --column %q: project %d has no field %q (its fields: %s)", col, g.project, name, strings.Join(set.names, ", "))
			}
			opts.Columns[strings.TrimSpace(h)] = sel.ids[0]
		}
	}
	prog := newProgress(a.stderr, a.stderrTTY, g.json())
	up := &byteProgress{p: prog, label: "uploading " + g.args[0], total: size}
	opts.Wait = &iconect.WaitOptions{MinDelay: *poll, MaxDelay: max(*poll, 5*time.Second), OnChange: func(j iconect.Job) {
		prog.update(jobLine(j))
	}}
	uploaded := false
	body := &sizedReader{countingReader: countingReader{r: f, tell: func(n int64) {
		up.set(n)
		if n == size && !uploaded {
			uploaded = true
			prog.done(up.line(n))
		}
	}}, size: size}
	wctx, cancel := withTimeout(ctx, *timeout)
	defer cancel()
	res, err := c.ImportCSV(wctx, g.project, body, opts)
	if res != nil && res.Job != nil {
		prog.done(jobLine(*res.Job))
	}
	var ve *iconect.ValidationError
	if errors.As(err, &ve) && strings.Contains(ve.Message, "no field is named like") {
		return withHint(err, "map them with --column HEADER=FIELD, or add --ignore-unknown-columns")
	}
	if err != nil {
		return err
	}
	out := struct {
		JobID     int64         `json:"job_id"`
		Status    string        `json:"status"`
		Message   string        `json:"status_message"`
		Added     int64         `json:"added_record_count"`
		Errors    int64         `json:"error_count"`
		StoreID   int64         `json:"file_store_id"`
		Path      string        `json:"path"`
		Ignored   []string      `json:"ignored_columns"`
		Columns   map[int]int64 `json:"columns"`
		Job       *iconect.Job  `json:"job"`
		Results   any           `json:"results"`
		ProjectID int64         `json:"project_id"`
	}{JobID: res.Job.ID, Status: res.Job.Status.String(), Message: str(res.Job.StatusMessage), StoreID: res.StoreID,
		Path: res.Path, Ignored: res.Ignored, Columns: res.Columns, Job: res.Job, ProjectID: g.project}
	if out.Ignored == nil {
		out.Ignored = []string{}
	}
	if res.Results != nil {
		out.Added = res.Results.AddedRecordCount
		if res.Results.ErrorCount != nil {
			out.Errors = *res.Results.ErrorCount
		}
		out.Results = res.Results
	}
	return g.emit(out, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "Imported %d records (job %d, %s); %d rows with errors.\n", out.Added, out.JobID, out.Status, out.Errors)
		if err == nil && len(out.Ignored) > 0 {
			_, err = fmt.Fprintf(w, "Columns left out: %s.\n", strings.Join(out.Ignored, ", "))
		}
		return err
	})
}

// sizedReader is a counting reader that tells the SDK its size (Len), so
// the upload is sent with a Content-Length.
type sizedReader struct {
	countingReader
	size int64
}

func (s *sizedReader) Len() int { return int(s.size - s.n) }

// openInput opens a file to read; a missing or unreadable file, or a
// directory, is bad input (exit 2).
func openInput(name, path string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, usagef("%s: cannot open %s: %v", name, path, unwrapPath(err))
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		_ = f.Close()
		return nil, 0, usagef("%s: %s is not a regular file", name, path)
	}
	return f, st.Size(), nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func cmdRecordsDelete(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("records delete", "--project ID --view ID --yes [flags]", `Deletes the records of a view (iconect views create) with a mass action delete
job, and waits for it. It asks no question: --yes is required.`)
	g.projectFlag()
	view := fs.Int64("view", 0, "delete the records of this view `ID` (required)")
	yes := fs.Bool("yes", false, "confirm the deletion (required)")
	poll := fs.Duration("poll", 500*time.Millisecond, "the first `interval` between polls of the job")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if err := g.needProject(); err != nil {
		return err
	}
	if err := need(g.name, *view, "view", ""); err != nil {
		return err
	}
	if !*yes {
		return usagef("records delete: this deletes every record of view %d: add --yes to confirm", *view)
	}
	if *poll <= 0 {
		return usagef("records delete: --poll must be positive")
	}
	c, err := g.newClient()
	if err != nil {
		return err
	}
	prog := newProgress(a.stderr, a.stderrTTY, g.json())
	job, err := c.DeleteRecordsByView(ctx, g.project, *view, &iconect.DeleteRecordsOptions{Wait: &iconect.WaitOptions{
		MinDelay: *poll, MaxDelay: max(*poll, 5*time.Second), OnChange: func(j iconect.Job) { prog.update(jobLine(j)) }}})
	if job != nil {
		prog.done(jobLine(*job))
	}
	if err != nil {
		return err
	}
	return g.emit(job, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "Job %d %s: %s\n", job.ID, job.Status, str(job.StatusMessage))
		return err
	})
}
