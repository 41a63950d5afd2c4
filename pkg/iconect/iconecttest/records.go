package iconecttest

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"

	"github.com/iconect-go/iconect-go/gen"
)

// listRecords' paging: page_size defaults to 50 (the spec). The API's
// largest page size is undocumented, so the fake serves any page size in
// full (an answer holds at most the project's records, which the fake keeps
// in memory anyway). It does not cap silently: the SDK's iterators end at a
// short page, so a silent cap would end a walk early with no error and hide
// an SDK that asks for more than it should; a tenant that caps is a variant
// to opt into, not the default.
const (
	defaultRecordPageSize  = 50
	defaultRecordSizeLimit = 100
)

// createRecords' per-record status codes. The docs give only 0 (added); the
// others are the fake's guesses.
const (
	statusAdded       int32 = 0
	statusFieldErrors int32 = 1 // not added: a field_data key names no field
	statusDuplicate   int32 = 2 // not added: a duplicate by hash_ids
)

func (h *handlers) GetRecord(ctx context.Context, request gen.GetRecordRequestObject) (gen.GetRecordResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	r, ok := p.records[request.RecordID]
	if !ok {
		return nil, notFound("Record %d not found.", request.RecordID)
	}
	return gen.GetRecord200JSONResponse(r.render(request.Params.FieldIds, 0)), nil
}

func (h *handlers) ListRecords(ctx context.Context, request gen.ListRecordsRequestObject) (gen.ListRecordsResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	q := request.Params
	page, size, limit, err := recordPageParams(q)
	if err != nil {
		return nil, err
	}
	ids, err := t.selectRecords(p, q.RecordIds, q.ViewID)
	if err != nil {
		return nil, err
	}
	out := gen.ListRecords200JSONResponse{}
	// Past the end (page-1 pages cover every record) the page is empty; the
	// division keeps a huge page number from overflowing.
	if page-1 >= (int64(len(ids))+size-1)/size {
		return out, nil
	}
	start := (page - 1) * size
	end := min(start+size, int64(len(ids)))
	for _, id := range ids[start:end] {
		out = append(out, p.records[id].render(q.FieldIds, limit))
	}
	return out, nil
}

// recordPageParams reads listRecords' page, page_size and size_limit with their
// defaults. The spec's minimum of 1 on page and page_size keeps a value of 0
// or less from reaching here (the checks stay for a spec altered in tests);
// a size_limit of 0 or less, which the spec allows, cuts nothing.
func recordPageParams(q gen.ListRecordsParams) (page, size, limit int64, err error) {
	page, size, limit = 1, defaultRecordPageSize, defaultRecordSizeLimit
	if q.Page != nil {
		page = *q.Page
	}
	if q.PageSize != nil {
		size = int64(*q.PageSize)
	}
	if q.SizeLimit != nil {
		limit = *q.SizeLimit
	}
	switch {
	case page <= 0:
		return 0, 0, 0, badRequest("page must be 1 or more (pages are 1-based), not %d.", page)
	case size <= 0:
		return 0, 0, 0, badRequest("page_size must be 1 or more, not %d.", size)
	}
	return page, size, limit, nil
}

// selectRecords returns the IDs listRecords pages through: the given
// record_ids that exist (in ID order), a view's records (in the view's
// order), or every record of the project. A view_id of 0 means "not set".
func (t *tenant) selectRecords(p *project, recordIDs []int64, viewID *int64) ([]int64, error) {
	hasView := viewID != nil && *viewID != 0
	switch {
	case len(recordIDs) > 0 && hasView:
		return nil, badRequest("record_ids and view_id are mutually exclusive; give one of them.")
	case hasView:
		return p.viewRecords(*viewID, t.now())
	case len(recordIDs) > 0:
		seen := map[int64]bool{}
		ids := make([]int64, 0, len(recordIDs))
		for _, id := range recordIDs {
			if _, ok := p.records[id]; ok && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		return ids, nil
	}
	return sortedKeys(p.records), nil
}

// render renders a record for an answer: only fieldIDs' values when any are
// given, and string values cut to limit characters when limit > 0.
func (r *record) render(fieldIDs []int64, limit int64) gen.Record {
	data := map[string]any{}
	if len(fieldIDs) == 0 {
		for k, v := range r.data {
			data[k] = cutValue(v, limit)
		}
	} else {
		for _, id := range fieldIDs {
			k := strconv.FormatInt(id, 10)
			if v, ok := r.data[k]; ok {
				data[k] = cutValue(v, limit)
			}
		}
	}
	return gen.Record{ID: ptr(r.id), Version: ptr(r.version), FieldData: data}
}

// truncate cuts a string value to limit characters (runes, so a value is
// never cut inside a character); other values and limit 0 pass unchanged.
func cutValue(v any, limit int64) any {
	s, ok := v.(string)
	if !ok || limit <= 0 || int64(len(s)) <= limit {
		return v
	}
	n := int64(0)
	for i := range s {
		if n == limit {
			return s[:i]
		}
		n++
	}
	return s
}

func (h *handlers) CreateRecords(ctx context.Context, request gen.CreateRecordsRequestObject) (gen.CreateRecordsResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	b := request.Body
	if err := p.checkRecordsRequest(b); err != nil {
		return nil, err
	}
	seen := p.hashKeys(b.HashIds)
	status := gen.RecordStatus{Results: []gen.RecordResult{}, AddedRecordIds: []int64{}}
	created := []gen.Record{}
	var dups []gen.Record
	for _, in := range b.Records {
		res := gen.RecordResult{Status: ptr(statusAdded), Data: &gen.Record{FieldData: in.FieldData, ID: ptr(int64(0)), Version: ptr(int64(0))}}
		key, hashed := hashKey(in.FieldData, b.HashIds)
		switch fe := p.fieldErrors(in.FieldData); {
		case len(fe) > 0:
			res.Status, res.FieldErrors = ptr(statusFieldErrors), rawJSON(fe)
		case hashed && seen[key]:
			res.Status = ptr(statusDuplicate)
			dups = append(dups, gen.Record{FieldData: in.FieldData})
		default:
			r := t.addRecord(p, in.FieldData)
			if hashed {
				seen[key] = true
			}
			created = append(created, r.render(nil, 0))
			status.AddedRecordIds = append(status.AddedRecordIds, r.id)
		}
		status.Results = append(status.Results, res)
	}
	out := gen.CreateRecordsResult{
		IconectOk:      "Records created.",
		NewRecordsList: &gen.NewRecordsList{Records: created, RecordStatus: &status},
		DuplicateList:  json.RawMessage("null"),
		RecordErrors:   json.RawMessage("null"),
	}
	if dups != nil {
		out.DuplicateList = rawJSON(dups)
	}
	return gen.CreateRecords201JSONResponse{RecordsCreatedJSONResponse: gen.RecordsCreatedJSONResponse(out)}, nil
}

// checkRecordsRequest checks what createRecords and updateRecords share:
// hash_ids name fields, and filestore_id and
// native_field_id (0 means "not set") come together and name one of the
// project's stores and its native file field.
func (p *project) checkRecordsRequest(b *gen.RecordsRequest) error {
	// records may be missing, null or empty (the docs type it "array or
	// null"): nothing is created or updated, and the answer says so in its
	// empty lists.
	for _, id := range b.HashIds {
		if _, ok := p.fields[id]; !ok {
			return badRequest("Hash field %d not found.", id)
		}
	}
	store, native := int64Or0(b.FilestoreID), int64Or0(b.NativeFieldID)
	switch {
	case store == 0 && native == 0:
		return nil
	case store == 0 || native == 0:
		return badRequest("filestore_id and native_field_id go together; give both or neither.")
	case native != p.nativeField():
		return badRequest("Field %d is not the project's native file field.", native)
	}
	if _, ok := p.stores[store]; !ok {
		return badRequest("File store %d not found.", store)
	}
	return nil
}

// fieldErrors lists the field_data keys that are not the decimal ID (in
// canonical form: "0100" is not 100) of one of the project's fields, in key
// order; field_id is 0 for a key that is not a number.
func (p *project) fieldErrors(data map[string]any) []gen.FieldError {
	var out []gen.FieldError
	for _, k := range sortedFieldKeys(data) {
		id, err := strconv.ParseInt(k, 10, 64)
		if _, ok := p.fields[id]; err != nil || !ok || strconv.FormatInt(id, 10) != k {
			out = append(out, gen.FieldError{FieldID: ptr(id), Message: ptr("Field " + strconv.Quote(k) + " not found.")})
		}
	}
	return out
}

// hashKeys returns the hash keys of the project's records for these
// hash_ids, to find duplicates among them.
func (p *project) hashKeys(hashIDs []int64) map[string]bool {
	seen := map[string]bool{}
	if len(hashIDs) == 0 {
		return seen
	}
	for _, r := range p.records {
		if key, ok := hashKey(r.data, hashIDs); ok {
			seen[key] = true
		}
	}
	return seen
}

// hashKey is the identity of a record's values for hash_ids: their JSON,
// in hash_ids order, so "1" and 1 differ. A record with no value for any of
// them has no key (ok false): there is nothing to call it a duplicate of.
func hashKey(data map[string]any, hashIDs []int64) (key string, ok bool) {
	vals := make([]any, len(hashIDs))
	for i, id := range hashIDs {
		v, has := data[strconv.FormatInt(id, 10)]
		vals[i], ok = v, ok || has
	}
	if !ok {
		return "", false
	}
	return string(rawJSON(vals)), true
}

func (h *handlers) UpdateRecords(ctx context.Context, request gen.UpdateRecordsRequestObject) (gen.UpdateRecordsResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	if err := p.checkRecordsRequest(request.Body); err != nil {
		return nil, err
	}
	out := updateRecordsOK{IconectOk: "Records updated.", RecordErrors: []gen.RecordError{}}
	for _, in := range request.Body.Records {
		if msg := p.updateRecord(in); msg != "" {
			out.RecordErrors = append(out.RecordErrors, gen.RecordError{ID: ptr(int64Or0(in.ID)), Message: ptr(msg)})
		}
	}
	return out, nil
}

// updateRecord applies one record of updateRecords: its field_data values
// replace those keys (others are kept) and the version goes up. It returns
// why it could not, or "" when it did; a refused record is left unchanged.
func (p *project) updateRecord(in gen.Record) string {
	if in.ID == nil {
		return "The record has no id."
	}
	r, ok := p.records[*in.ID]
	switch {
	case !ok:
		return "Record " + strconv.FormatInt(*in.ID, 10) + " not found."
	case in.Version == nil:
		return "The record has no version; send the version read with it."
	case *in.Version != r.version:
		return "Record " + strconv.FormatInt(r.id, 10) + " was changed since version " +
			strconv.FormatInt(*in.Version, 10) + "; its current version is " + strconv.FormatInt(r.version, 10) + "."
	}
	if fe := p.fieldErrors(in.FieldData); len(fe) > 0 {
		return *fe[0].Message
	}
	for k, v := range in.FieldData {
		r.data[k] = v
	}
	r.version++
	return ""
}

// updateRecordsOK is updateRecords' 200 answer. It stands in for
// gen.UpdateRecords200JSONResponse, whose omitempty would drop an empty
// record_errors: the fake always sends the array, [] when every record was
// updated.
type updateRecordsOK struct {
	IconectOk    string            `json:"iconect_ok"`
	RecordErrors []gen.RecordError `json:"record_errors"`
}

func (r updateRecordsOK) VisitUpdateRecordsResponse(w http.ResponseWriter) error {
	writeJSON(w, http.StatusOK, r)
	return nil
}

// int64Or0 reads an optional ID; absent is 0, "not set".
func int64Or0(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// sortedFieldKeys returns field_data's keys in order, for stable errors.
func sortedFieldKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// rawJSON encodes values the fake built itself, which always encode.
func rawJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
