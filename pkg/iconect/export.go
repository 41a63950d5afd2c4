package iconect

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"iter"
)

// DefaultExportSizeLimit is the size_limit ExportAll sends unless told
// otherwise: a million characters per value, so that no value is cut at
// listRecords' default of 100. A value longer than the limit is still cut,
// silently: raise it for larger text fields (or read such a record with
// Get, which never cuts).
const DefaultExportSizeLimit = 1 << 20

// ExportOptions selects what ExportAll reads.
type ExportOptions struct {
	// ViewID exports a view's records (0: every record of the project).
	ViewID int64
	// FieldIDs limits the values read to these fields (default all).
	FieldIDs []int64
	// PageSize is the number of records per request (default
	// DefaultRecordPageSize).
	PageSize int
	// SizeLimit is the most characters of a value read (default
	// DefaultExportSizeLimit).
	SizeLimit int
}

// ExportAll iterates over every record of a project, or of a view, page
// after page, with size_limit set high enough that values come whole (see
// DefaultExportSizeLimit). It stops at the first error, which it yields;
// pair it with WriteCSV to stream a project to a file.
func (s *RecordsService) ExportAll(ctx context.Context, projectID int64, opts *ExportOptions, co ...CallOption) iter.Seq2[Record, error] {
	lo := &ListRecordsOptions{SizeLimit: DefaultExportSizeLimit}
	if opts != nil {
		lo.ViewID, lo.FieldIDs, lo.PageSize = opts.ViewID, opts.FieldIDs, opts.PageSize
		if opts.SizeLimit != 0 {
			lo.SizeLimit = opts.SizeLimit
		}
	}
	return s.All(ctx, projectID, lo, co...)
}

// WriteCSV writes records as CSV, one row per record and one column per
// field of fieldIDs (values as RecordValue reads them; "" when a record
// has none), after a header row when header is not nil (one name per
// field). It streams: rows are written as records arrive. It returns the
// first error of the records or of w.
func WriteCSV(w io.Writer, fieldIDs []int64, header []string, records iter.Seq2[Record, error]) error {
	if header != nil && len(header) != len(fieldIDs) {
		return fmt.Errorf("iconect: WriteCSV: %d header names for %d fields", len(header), len(fieldIDs))
	}
	cw := csv.NewWriter(w)
	if header != nil {
		if err := cw.Write(header); err != nil {
			return err
		}
	}
	row := make([]string, len(fieldIDs))
	for r, err := range records {
		if err != nil {
			cw.Flush()
			return err
		}
		for i, id := range fieldIDs {
			row[i], _ = RecordValue(r, id)
		}
		if len(row) == 1 && row[0] == "" {
			// a lone empty field would be an empty line, which CSV
			// readers skip: quote it so the row is kept.
			cw.Flush()
			if _, err := io.WriteString(w, "\"\"\n"); err != nil {
				return err
			}
			continue
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
