package iconect

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
)

// RecordsService reads, creates and updates records (documents). A
// record's values are in FieldData, keyed by field ID as a decimal string;
// RecordValue reads one as text.
type RecordsService struct{ c *Client }

// MaxRecordPageSize is the largest page size the SDK sends to listRecords,
// a ceiling of its own: the API's is undocumented (the fake tenant serves
// any page size in full), and a tenant that silently capped a larger page
// would end the iterators early, since a short page marks the end.
const MaxRecordPageSize = 1000

// DefaultRecordPageSize is the page size the iterators (All, Pages,
// ExportAll) ask for when the options leave it 0. They always send one, so
// that a short page reliably marks the end. List alone leaves it to the
// API, whose default is 50.
const DefaultRecordPageSize = MaxRecordPageSize

// GetRecordOptions filters Get.
type GetRecordOptions struct {
	// FieldIDs limits the values returned to these fields (default all).
	FieldIDs []int64
}

// Get returns one record, with every value in full (getRecord does not
// cut values as listRecords does).
func (s *RecordsService) Get(ctx context.Context, projectID, recordID int64, opts *GetRecordOptions, co ...CallOption) (*Record, error) {
	const op = gen.OpGetRecord
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	if err := positive(op, "record ID", recordID); err != nil {
		return nil, err
	}
	var params *gen.GetRecordParams // nil: no query to build
	if opts != nil && len(opts.FieldIDs) > 0 {
		if err := positives(op, "field ID", opts.FieldIDs); err != nil {
			return nil, err
		}
		params = &gen.GetRecordParams{FieldIds: opts.FieldIDs}
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.GetRecordResponse, error) {
		return s.c.api.GetRecordWithResponse(ctx, projectID, recordID, params)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// ListRecordsOptions selects and pages listRecords. Zero values leave a
// parameter to the API's default.
type ListRecordsOptions struct {
	// FieldIDs limits the values returned to these fields (default all).
	FieldIDs []int64
	// RecordIDs selects these records; ViewID selects a view's records.
	// Give one or neither (every record of the project).
	RecordIDs []int64
	ViewID    int64
	// Page is the page to fetch (or to start from), counted from 1; 0
	// means 1.
	Page int
	// PageSize is the number of records per page, 1 to MaxRecordPageSize
	// (0: the API's 50 for List, DefaultRecordPageSize for the iterators).
	PageSize int
	// SizeLimit is the most characters of a value the API returns: longer
	// values are cut to it, silently (0: the API's 100). ExportAll sets a
	// large one for you.
	SizeLimit int
}

// List returns one page of records (page 1 unless opts say otherwise). An
// empty page means there are no more. Values are cut to SizeLimit
// characters, 100 by default.
func (s *RecordsService) List(ctx context.Context, projectID int64, opts *ListRecordsOptions, co ...CallOption) ([]Record, error) {
	const op = gen.OpListRecords
	var o ListRecordsOptions
	if opts != nil {
		o = *opts
	}
	params, err := listRecordsParams(op, projectID, o)
	if err != nil {
		return nil, err
	}
	return s.list(ctx, projectID, params, co)
}

func (s *RecordsService) list(ctx context.Context, projectID int64, params *gen.ListRecordsParams, co []CallOption) ([]Record, error) {
	res, err := do(s.c, ctx, gen.OpListRecords, co, func(ctx context.Context) (*gen.ListRecordsResponse, error) {
		return s.c.api.ListRecordsWithResponse(ctx, projectID, params)
	})
	if err != nil {
		return nil, err
	}
	return deref(res.JSON200), nil
}

// Pages returns a pager over the records, starting at opts.Page: each Next
// fetches one page; Position is the number of the next page, to save and
// pass back as Page to resume. The walk ends at an empty page or one
// shorter than the page size. opts are copied: changing them afterwards
// does not change the pager.
func (s *RecordsService) Pages(projectID int64, opts *ListRecordsOptions, co ...CallOption) (*Pager[Record], error) {
	const op = gen.OpListRecords
	var o ListRecordsOptions
	if opts != nil {
		o = *opts
		o.FieldIDs, o.RecordIDs = slices.Clone(o.FieldIDs), slices.Clone(o.RecordIDs)
	}
	if o.PageSize == 0 {
		o.PageSize = DefaultRecordPageSize
	}
	params, err := listRecordsParams(op, projectID, o)
	if err != nil {
		return nil, err
	}
	size := o.PageSize
	start := max(o.Page, 1)
	return newPager(start, func(ctx context.Context, page int) ([]Record, int, bool, error) {
		p := *params
		n := int64(page)
		p.Page = &n
		recs, err := s.list(ctx, projectID, &p, co)
		if err != nil {
			return nil, page, false, err
		}
		return recs, page + 1, len(recs) >= size, nil
	}), nil
}

// All iterates over the records from opts.Page (default 1) to the last,
// page after page (DefaultRecordPageSize records a page unless opts say).
// It stops at the first error, which it yields; breaking out of the loop
// fetches no more pages. Each range loop starts again from opts.Page.
func (s *RecordsService) All(ctx context.Context, projectID int64, opts *ListRecordsOptions, co ...CallOption) iter.Seq2[Record, error] {
	return items(ctx, func() (*Pager[Record], error) { return s.Pages(projectID, opts, co...) })
}

// listRecordsParams checks o and turns it into listRecords' query.
func listRecordsParams(op string, projectID int64, o ListRecordsOptions) (*gen.ListRecordsParams, error) {
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	p := &gen.ListRecordsParams{}
	if len(o.RecordIDs) > 0 && o.ViewID != 0 {
		return nil, invalid(op, "record IDs and a view ID are mutually exclusive; give one of them")
	}
	if err := positives(op, "field ID", o.FieldIDs); err != nil {
		return nil, err
	}
	if err := positives(op, "record ID", o.RecordIDs); err != nil {
		return nil, err
	}
	if len(o.FieldIDs) > 0 {
		p.FieldIds = o.FieldIDs
	}
	if len(o.RecordIDs) > 0 {
		p.RecordIds = o.RecordIDs
	}
	if o.ViewID != 0 {
		if err := positive(op, "view ID", o.ViewID); err != nil {
			return nil, err
		}
		p.ViewID = &o.ViewID
	}
	switch {
	case o.Page < 0:
		return nil, invalid(op, "the page must be 1 or more (pages count from 1), not %d", o.Page)
	case o.PageSize < 0 || o.PageSize > MaxRecordPageSize:
		return nil, invalid(op, "the page size must be between 1 and %d, not %d", MaxRecordPageSize, o.PageSize)
	case o.SizeLimit < 0:
		return nil, invalid(op, "the size limit must be 1 or more, not %d", o.SizeLimit)
	}
	if o.Page > 0 {
		p.Page = Ptr(int64(o.Page))
	}
	if o.PageSize > 0 {
		p.PageSize = Ptr(int32(o.PageSize))
	}
	if o.SizeLimit > 0 {
		p.SizeLimit = Ptr(int64(o.SizeLimit))
	}
	return p, nil
}

// Create adds records (their FieldData only; the API gives IDs and
// versions). HashIds names the fields that identify duplicates, which are
// not added. Records the API refuses — field errors, duplicates — do not
// fail the others: Create returns the result and, when any were refused, a
// *RecordErrors listing them. It is never retried after the request may
// have reached the API (a repeat would add the records twice).
func (s *RecordsService) Create(ctx context.Context, projectID int64, req RecordsRequest, co ...CallOption) (*CreateRecordsResult, error) {
	const op = gen.OpCreateRecords
	if err := checkRecordsRequest(op, projectID, req); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.CreateRecordsResponse, error) {
		return s.c.api.CreateRecordsWithResponse(ctx, projectID, req)
	})
	if err != nil {
		return nil, err
	}
	out, err := one(op, res.JSON201, res.JSON200)
	if err != nil {
		return nil, err
	}
	if re := createFailures(req, out); re != nil {
		return out, re
	}
	return out, nil
}

// Update changes records: each needs its ID and the version it was read
// at, and only the FieldData keys given change. A record changed since
// (a stale version) or refused does not fail the others: Update returns
// the result and, when any failed, a *RecordErrors listing them. It is
// never retried after the request may have reached the API (the repeat
// would meet the new version and report a false stale version).
func (s *RecordsService) Update(ctx context.Context, projectID int64, req RecordsRequest, co ...CallOption) (*UpdateRecordsResult, error) {
	const op = gen.OpUpdateRecords
	if err := checkRecordsRequest(op, projectID, req); err != nil {
		return nil, err
	}
	for i, r := range req.Records {
		if r.ID == nil || *r.ID <= 0 {
			return nil, invalid(op, "records[%d] needs a positive id", i)
		}
		if r.Version == nil {
			return nil, invalid(op, "records[%d] (id %d) needs the version it was read at", i, *r.ID)
		}
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.UpdateRecordsResponse, error) {
		return s.c.api.UpdateRecordsWithResponse(ctx, projectID, req)
	})
	if err != nil {
		return nil, err
	}
	out, err := one(op, res.JSON200)
	if err != nil {
		return nil, err
	}
	if len(out.RecordErrors) > 0 {
		re := &RecordErrors{OperationID: op, Sent: len(req.Records)}
		for _, e := range out.RecordErrors {
			f := RecordFailure{Index: -1, ID: deref(e.ID), Message: deref(e.Message)}
			if f.ID != 0 {
				f.Index = slices.IndexFunc(req.Records, func(r Record) bool { return *r.ID == f.ID })
			}
			re.Failures = append(re.Failures, f)
		}
		return out, re
	}
	return out, nil
}

func checkRecordsRequest(op string, projectID int64, req RecordsRequest) error {
	if err := positive(op, "project ID", projectID); err != nil {
		return err
	}
	if len(req.Records) == 0 {
		return invalid(op, "give at least one record")
	}
	for i, r := range req.Records {
		if r.FieldData == nil {
			return invalid(op, "records[%d] has no field_data (the API refuses null; give an empty map)", i)
		}
	}
	if err := positives(op, "hash field ID", req.HashIds); err != nil {
		return err
	}
	if req.FilestoreID != nil && *req.FilestoreID < 0 {
		return invalid(op, "the file store ID must be positive, not %d", *req.FilestoreID)
	}
	if req.NativeFieldID != nil && *req.NativeFieldID < 0 {
		return invalid(op, "the native field ID must be positive, not %d", *req.NativeFieldID)
	}
	return nil
}

// positives checks a list of IDs.
func positives(op, what string, ids []int64) error {
	for _, id := range ids {
		if err := positive(op, what, id); err != nil {
			return err
		}
	}
	return nil
}

// RecordErrors is a partial failure of Create or Update: the API took the
// call and refused some of its records; the others were created or
// updated, and the method returns its result beside this error. Read each
// failure with errors.As:
//
//	res, err := c.Records.Update(ctx, pid, req)
//	var re *iconect.RecordErrors
//	if errors.As(err, &re) {
//		for _, f := range re.Failures { ... }
//	}
type RecordErrors struct {
	OperationID string
	// Sent is the number of records in the request.
	Sent     int
	Failures []RecordFailure
}

// RecordFailure is one record the API refused.
type RecordFailure struct {
	// Index is the record's position in the request, or -1 when the answer
	// does not tell.
	Index int
	// ID is the record's ID (updates), or 0.
	ID int64
	// Message is why, as the API put it (or "duplicate", or the field
	// errors' messages).
	Message string
	// Duplicate reports a record not created because one with the same
	// values of the request's HashIds fields is already there.
	Duplicate bool
	// Status is createRecords' status code for the record (0 if none; the
	// API documents only 0, "added").
	Status int32
	// FieldErrors are the values the API refused, when it lists them.
	FieldErrors []FieldError
	// Raw is the answer's entry for the record when the SDK could not read
	// its shape (createRecords' duplicate_list, record_errors and
	// field_errors are undocumented).
	Raw json.RawMessage
}

// maxListedFailures bounds how many failures Error names.
const maxListedFailures = 10

func (e *RecordErrors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "iconect: %s: %d of %d records failed: ", e.OperationID, len(e.Failures), e.Sent)
	for i, f := range e.Failures {
		if i == maxListedFailures {
			fmt.Fprintf(&b, "; and %d more", len(e.Failures)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		switch {
		case f.ID != 0:
			b.WriteString(strconv.FormatInt(f.ID, 10))
		case f.Index >= 0:
			fmt.Fprintf(&b, "records[%d]", f.Index)
		default:
			b.WriteString("?")
		}
		b.WriteString(": ")
		b.WriteString(f.Message)
	}
	return b.String()
}

// createFailures reads the refused records of a createRecords answer:
// results with a non-zero status or field errors, duplicate_list and
// record_errors. Their shapes are guesses, so each is read leniently: an
// array of objects as expected, an entry of another shape kept raw, and
// an answer that cannot be read at all never fails the call.
func createFailures(req RecordsRequest, out *CreateRecordsResult) *RecordErrors {
	re := &RecordErrors{OperationID: gen.OpCreateRecords, Sent: len(req.Records)}
	at := map[int]int{} // request index → position in re.Failures
	if l := out.NewRecordsList; l != nil && l.RecordStatus != nil {
		for i, r := range l.RecordStatus.Results {
			status := deref(r.Status)
			fes, raw := readFieldErrors(r.FieldErrors)
			if status == 0 && len(fes) == 0 && raw == nil {
				continue
			}
			f := RecordFailure{Index: i, Status: status, FieldErrors: fes, Raw: raw}
			f.Message = fieldErrorsMessage(fes)
			if f.Message == "" {
				f.Message = fmt.Sprintf("status %d", status)
			}
			at[i] = len(re.Failures)
			re.Failures = append(re.Failures, f)
		}
	}
	if dups := rawElements(out.DuplicateList); len(dups) > 0 {
		keys := make([]string, len(req.Records))
		for i, r := range req.Records {
			keys[i] = canonicalJSON(r.FieldData)
		}
		for _, d := range dups {
			var rec struct {
				FieldData map[string]any `json:"field_data"`
			}
			i := -1
			if json.Unmarshal(d, &rec) == nil && rec.FieldData != nil {
				key := canonicalJSON(rec.FieldData)
				i = slices.IndexFunc(keys, func(k string) bool { return k == key })
				if i >= 0 {
					keys[i] = "" // matched: a second duplicate of the same values is another record
				}
			}
			if n, ok := at[i]; ok {
				re.Failures[n].Duplicate = true
				if len(re.Failures[n].FieldErrors) == 0 {
					re.Failures[n].Message = "duplicate"
				}
				continue
			}
			f := RecordFailure{Index: i, Duplicate: true, Message: "duplicate"}
			if i < 0 {
				f.Raw = d
			}
			if i >= 0 {
				at[i] = len(re.Failures)
			}
			re.Failures = append(re.Failures, f)
		}
	}
	for _, d := range rawElements(out.RecordErrors) {
		f := RecordFailure{Index: -1, Raw: d}
		var m map[string]json.RawMessage
		if json.Unmarshal(d, &m) == nil {
			f.ID, _ = rawInt(m["id"])
			f.Message = rawText(m["message"])
			if idx, ok := rawInt(m["index"]); ok && idx >= 0 && idx < int64(len(req.Records)) {
				f.Index = int(idx)
			}
			f.Raw = nil
		}
		if f.Message == "" {
			f.Message = "refused: " + string(d)
		}
		re.Failures = append(re.Failures, f)
	}
	if len(re.Failures) == 0 {
		return nil
	}
	slices.SortStableFunc(re.Failures, func(a, b RecordFailure) int {
		if (a.Index < 0) != (b.Index < 0) {
			if a.Index < 0 {
				return 1
			}
			return -1
		}
		return a.Index - b.Index
	})
	return re
}

// rawElements returns the elements of a JSON array. null and empty values
// ({}, "", false, 0) give none; any other value is one element, kept as
// it is, so an unexpected shape is reported rather than lost.
func rawElements(raw json.RawMessage) []json.RawMessage {
	s := strings.TrimSpace(string(raw))
	switch s {
	case "", "null", "[]", "{}", `""`, "false", "0":
		return nil
	}
	var out []json.RawMessage
	if json.Unmarshal(raw, &out) == nil {
		return out
	}
	return []json.RawMessage{raw}
}

// readFieldErrors reads a result's field_errors: an array of {field_id,
// message} objects (a field_id given as a string is read too). Anything it
// cannot read is returned raw.
func readFieldErrors(raw json.RawMessage) ([]FieldError, json.RawMessage) {
	els := rawElements(raw)
	if len(els) == 0 {
		return nil, nil
	}
	var out []FieldError
	unread := false
	for _, el := range els {
		var m map[string]json.RawMessage
		if json.Unmarshal(el, &m) != nil {
			out = append(out, FieldError{Message: Ptr(rawText(el))})
			unread = true
			continue
		}
		fe := FieldError{}
		if id, ok := rawInt(m["field_id"]); ok {
			fe.FieldID = &id
		}
		if msg := rawText(m["message"]); msg != "" {
			fe.Message = &msg
		}
		out = append(out, fe)
	}
	if unread {
		return out, raw
	}
	return out, nil
}

func fieldErrorsMessage(fes []FieldError) string {
	parts := make([]string, 0, len(fes))
	for _, fe := range fes {
		switch {
		case fe.Message != nil && *fe.Message != "":
			parts = append(parts, *fe.Message)
		case fe.FieldID != nil:
			parts = append(parts, fmt.Sprintf("field %d refused", *fe.FieldID))
		}
	}
	return strings.Join(parts, ", ")
}

// rawInt reads a number, or a string holding one.
func rawInt(raw json.RawMessage) (int64, bool) {
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, false
		}
		n = json.Number(strings.TrimSpace(s))
	}
	i, err := n.Int64()
	return i, err == nil
}

// rawText reads a string as itself and any other value as its JSON.
func rawText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	return string(raw)
}

// canonicalJSON encodes values so equal values (sent as Go values, or
// decoded from JSON) give equal text: maps are encoded with sorted keys.
func canonicalJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	var back any
	if json.Unmarshal(b, &back) != nil {
		return string(b)
	}
	b, _ = json.Marshal(back)
	return string(b)
}

// RecordValue returns a record's value for a field as text: a string as it
// is, a number in its shortest form ("12", "3.5"), a bool as "true" or
// "false", null as "", and a list or object as its JSON. ok is false when
// the record has no value for the field.
func RecordValue(r Record, fieldID int64) (string, bool) {
	v, ok := r.FieldData[strconv.FormatInt(fieldID, 10)]
	if !ok {
		return "", false
	}
	switch v := v.(type) {
	case nil:
		return "", true
	case string:
		return v, true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v), true
	}
	return string(b), true
}
