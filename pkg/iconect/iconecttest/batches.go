package iconecttest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
)

// Batches. The docs give the statuses 0 AVAILABLE, 1 NOT_COMPLETE and
// 2 COMPLETE; an assigned batch gets 3, as the docs' only example of an
// assigned batch has (a guess). The three lists split the batches this way:
// assigned = with a user, unassigned = without, completed = status COMPLETE.

const (
	// arbitraryBatch is the batch type that takes record_ids or view_id.
	arbitraryBatch = 5
	// batchAssigned is the status assignBatches sets (a guess, see above).
	batchAssigned = gen.BatchStatusValue3
	// defaultBatchPrefix names batches when the request gives no prefix.
	defaultBatchPrefix = "BATCH"
	// defaultBatchPageSize is the page_size default of the spec.
	defaultBatchPageSize = 49
)

func (h *handlers) CreateBatches(ctx context.Context, request gen.CreateBatchesRequestObject) (gen.CreateBatchesResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	b := request.Body
	if b == nil || b.Batch == nil {
		return nil, badRequest("The batch settings (batch) are required.")
	}
	c := b.Batch
	if c.BatchSize == nil || *c.BatchSize < 1 {
		return nil, badRequest("batch_size must be at least 1.")
	}
	setID := batchInt(c.BatchSetID)
	if setID != 0 {
		if _, ok := p.batchSets[setID]; !ok {
			return nil, badRequest("Batch set %d not found.", setID)
		}
	}
	folderName, err := p.statusFolderName(batchInt(c.StatusFolderID))
	if err != nil {
		return nil, err
	}
	ids, err := t.recordsToBatch(p, b)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, badRequest("There are no records to batch.")
	}
	prefix := defaultBatchPrefix
	if c.Prefix != nil && *c.Prefix != "" {
		prefix = *c.Prefix
	}
	now := t.now()
	for chunk := range slices.Chunk(ids, int(*c.BatchSize)) {
		nb := &batch{records: slices.Clone(chunk), created: now, Batch: gen.Batch{
			BatchID:    t.nextID("batch"),
			BatchName:  ptr(fmt.Sprintf("%s-%04d", prefix, t.nextID(batchNameKind(p.ID, prefix)))),
			BatchSetID: ptr(setID), BatchStatus: gen.BatchStatusAVAILABLE, BatchType: ptr(batchInt(c.Type)),
			CreateDate: ptr(batchTime(now)), CreateUser: ptr(batchCaller(ctx)), DocCount: ptr(int64(len(chunk))),
			UserID: ptr(int64(0)), AssignedBy: ptr(int64(0)), GroupCount: ptr(int64(0)), DocGroupID: ptr(int64(0)),
			LinkType: ptr(batchInt(c.LinkType)), LinkedItem: ptr(batchInt(c.LinkID)),
			Notes: ptr(batchString(c.Notes)), StatusFolderName: folderName,
		}}
		p.batches[nb.BatchID] = nb
	}
	return gen.CreateBatches200JSONResponse{IconectOk: "Batches created under unassigned."}, nil
}

// batchNameKind is the ID counter that numbers a project's batches with a
// prefix: numbers are never reused, even after a delete.
func batchNameKind(projectID int64, prefix string) string {
	return fmt.Sprintf("batch name %d %s", projectID, prefix)
}

// recordsToBatch picks createBatches' records. Type 5 (arbitrary) takes
// exactly one of record_ids (in the order given) and view_id (in the view's
// order); other types take neither and batch every record in ID order. An
// ID of 0 and an empty array mean "not set". unbatched_only drops records
// already in a batch, whatever the type.
func (t *tenant) recordsToBatch(p *project, b *gen.CreateBatchesRequest) ([]int64, error) {
	hasIDs := len(b.RecordIds) > 0
	hasView := b.ViewID != nil && *b.ViewID != 0
	var ids []int64
	switch arbitrary := batchInt(b.Batch.Type) == arbitraryBatch; {
	case arbitrary && hasIDs == hasView:
		return nil, badRequest("An arbitrary batch (type 5) needs exactly one of record_ids and view_id.")
	case !arbitrary && (hasIDs || hasView):
		return nil, badRequest("record_ids and view_id are only valid for the arbitrary batch type (5).")
	case hasIDs:
		seen := map[int64]bool{}
		for _, id := range b.RecordIds {
			if _, ok := p.records[id]; !ok {
				return nil, badRequest("Record %d not found.", id)
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	case hasView:
		var err error
		if ids, err = p.viewRecords(*b.ViewID, t.now()); err != nil {
			return nil, err
		}
	default:
		ids = sortedKeys(p.records)
	}
	if b.Batch.UnbatchedOnly != nil && *b.Batch.UnbatchedOnly {
		batched := p.batchedRecords()
		ids = slices.DeleteFunc(ids, func(id int64) bool { return batched[id] })
	}
	return ids, nil
}

// batchedRecords is the set of records that are in some batch.
func (p *project) batchedRecords() map[int64]bool {
	in := map[int64]bool{}
	for _, b := range p.batches {
		for _, r := range b.records {
			in[r] = true
		}
	}
	return in
}

// statusFolderName names a status folder as the docs show it
// ("General|Reviewed"): the panel's name, then the folder path from the top,
// joined by pipes (the folder's search_name without its outer pipes). The
// name is taken when the folder is set and not followed later. An ID ≤ 0
// means no status folder (nil); an unknown folder is a 400.
func (p *project) statusFolderName(id int64) (*string, error) {
	if id <= 0 {
		return nil, nil
	}
	f, ok := p.folders[id]
	if !ok {
		return nil, badRequest("Folder %d not found.", id)
	}
	var names []string
	for n := 0; f != nil && n <= len(p.folders); n++ { // n guards against a cycle
		names = append([]string{batchString(f.Name)}, names...)
		f = p.folders[f.ParentID]
	}
	if pn, ok := p.panels[p.folders[id].PanelID]; ok {
		names = append([]string{batchString(pn.Name)}, names...)
	}
	return ptr(strings.Join(names, "|")), nil
}

func (h *handlers) ListAssignedBatches(ctx context.Context, request gen.ListAssignedBatchesRequestObject) (gen.ListAssignedBatchesResponseObject, error) {
	f := batchFilterOf(request.Body)
	q := batchQuery{page: request.Params.Page, size: request.Params.PageSize, set: request.Params.BatchSetID, sort: f.Sort, ascending: f.Ascending}
	list, err := h.listBatches(request.ProjectID, q, func(b *batch) bool {
		return batchUserOf(b) != 0 && !hiddenCompleted(f.HideCompleted, b) && batchUserIn(f.UserIds, b)
	})
	if err != nil {
		return nil, err
	}
	return gen.ListAssignedBatches200JSONResponse(list), nil
}

// ListUnassignedBatches ignores user_ids: no unassigned batch has a user,
// and the docs' own example sends user_ids to this list too.
func (h *handlers) ListUnassignedBatches(ctx context.Context, request gen.ListUnassignedBatchesRequestObject) (gen.ListUnassignedBatchesResponseObject, error) {
	f := batchFilterOf(request.Body)
	q := batchQuery{page: request.Params.Page, size: request.Params.PageSize, set: request.Params.BatchSetID, sort: f.Sort, ascending: f.Ascending}
	list, err := h.listBatches(request.ProjectID, q, func(b *batch) bool {
		return batchUserOf(b) == 0 && !hiddenCompleted(f.HideCompleted, b)
	})
	if err != nil {
		return nil, err
	}
	return gen.ListUnassignedBatches200JSONResponse(list), nil
}

func (h *handlers) ListCompletedBatches(ctx context.Context, request gen.ListCompletedBatchesRequestObject) (gen.ListCompletedBatchesResponseObject, error) {
	var f gen.CompletedBatchFilter
	if request.Body != nil {
		f = *request.Body
	}
	q := batchQuery{page: request.Params.Page, size: request.Params.PageSize, set: request.Params.BatchSetID, sort: f.Sort, ascending: f.Ascending}
	list, err := h.listBatches(request.ProjectID, q, func(b *batch) bool {
		return b.BatchStatus == gen.BatchStatusCOMPLETE && batchUserIn(f.UserIds, b)
	})
	if err != nil {
		return nil, err
	}
	return gen.ListCompletedBatches200JSONResponse(list), nil
}

func batchFilterOf(b *gen.BatchFilter) gen.BatchFilter {
	if b == nil {
		return gen.BatchFilter{}
	}
	return *b
}

// batchQuery is what the three lists share: paging, the batch set filter
// and the order. The body's `filters` (shape undocumented) are ignored.
type batchQuery struct {
	page, size *int32
	set        *int64
	sort       *gen.EnBatchSortBy
	ascending  *bool
}

// listBatches answers a batch list: the batches keep accepts (and in the
// batch set, when one is given), sorted, one 0-based page of them.
// batches_max_page_num is the number of pages (0 when nothing matches).
func (h *handlers) listBatches(projectID int64, q batchQuery, keep func(*batch) bool) (gen.BatchList, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(projectID)
	if err != nil {
		return gen.BatchList{}, err
	}
	page, size := int64(0), int64(defaultBatchPageSize)
	if q.page != nil {
		page = int64(*q.page)
	}
	if q.size != nil {
		size = int64(*q.size)
	}
	if page < 0 {
		return gen.BatchList{}, badRequest("page must be 0 or more (pages are numbered from 0).")
	}
	if size < 1 {
		return gen.BatchList{}, badRequest("page_size must be at least 1.")
	}
	var match []*batch
	for _, id := range sortedKeys(p.batches) {
		b := p.batches[id]
		if q.set != nil && *q.set != 0 && batchInt(b.BatchSetID) != *q.set {
			continue
		}
		if keep(b) {
			match = append(match, b)
		}
	}
	sortBatches(match, q.sort, q.ascending)
	total := int64(len(match))
	list := gen.BatchList{
		AssignedBatches:   []gen.Batch{},
		OpenBatches:       []gen.Batch{},
		TotalBatches:      total,
		BatchesMaxPageNum: int32((total + size - 1) / size),
	}
	for i := page * size; i < total && i < (page+1)*size; i++ {
		list.AssignedBatches = append(list.AssignedBatches, match[i].Batch)
	}
	return list, nil
}

// sortBatches orders a list by the enBatchSortBy, whose members the docs do
// not name; the guess: 0 name, 1 status, 2 assigned user ID, 3 create date.
// Without sort the order is by batch ID. Ties go by batch ID; ascending
// (default true) false reverses the whole order.
func sortBatches(bs []*batch, by *gen.EnBatchSortBy, ascending *bool) {
	key := func(a, b *batch) int { return 0 }
	if by != nil {
		switch *by {
		case gen.EnBatchSortByValue0:
			key = func(a, b *batch) int { return strings.Compare(batchString(a.BatchName), batchString(b.BatchName)) }
		case gen.EnBatchSortByValue1:
			key = func(a, b *batch) int { return cmp.Compare(a.BatchStatus, b.BatchStatus) }
		case gen.EnBatchSortByValue2:
			key = func(a, b *batch) int { return cmp.Compare(batchUserOf(a), batchUserOf(b)) }
		case gen.EnBatchSortByValue3:
			key = func(a, b *batch) int { return a.created.Compare(b.created) }
		}
	}
	desc := ascending != nil && !*ascending
	slices.SortStableFunc(bs, func(a, b *batch) int {
		c := cmp.Or(key(a, b), cmp.Compare(a.BatchID, b.BatchID))
		if desc {
			return -c
		}
		return c
	})
}

// AssignBatches gives batches to a known user. Assigning sets status 3 (a
// guess) and clears any completion.
func (h *handlers) AssignBatches(ctx context.Context, request gen.AssignBatchesRequestObject) (gen.AssignBatchesResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	var user int64
	if request.Body != nil {
		ids, user = request.Body.BatchIds, batchInt(request.Body.UserID)
	}
	bs, err := p.batchesByID(ids)
	if err != nil {
		return nil, err
	}
	if user == 0 {
		return nil, badRequest("user_id is required.")
	}
	if _, ok := t.users[user]; !ok {
		return nil, badRequest("User %d not found.", user)
	}
	now, by := batchTime(t.now()), batchCaller(ctx)
	for _, b := range bs {
		b.UserID, b.AssignedBy, b.AssignedDate = ptr(user), ptr(by), ptr(now)
		b.BatchStatus, b.CompletedDate = batchAssigned, nil
	}
	return gen.AssignBatches200JSONResponse{IconectOk: "Batches assigned."}, nil
}

// UnassignBatches returns batches to the unassigned pool, AVAILABLE.
func (h *handlers) UnassignBatches(ctx context.Context, request gen.UnassignBatchesRequestObject) (gen.UnassignBatchesResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	if request.Body != nil {
		ids = request.Body.BatchIds
	}
	bs, err := p.batchesByID(ids)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		unassign(b)
		b.BatchStatus, b.CompletedDate = gen.BatchStatusAVAILABLE, nil
	}
	return gen.UnassignBatches200JSONResponse{IconectOk: "Batches unassigned."}, nil
}

func unassign(b *batch) {
	b.UserID, b.AssignedBy, b.AssignedDate = ptr(int64(0)), ptr(int64(0)), nil
}

// UpdateBatches sets notes and the status folder; an omitted (or null)
// property is unchanged, notes "" clears the notes and a status_folder_id
// ≤ 0 clears the status folder.
func (h *handlers) UpdateBatches(ctx context.Context, request gen.UpdateBatchesRequestObject) (gen.UpdateBatchesResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	var body gen.UpdateBatchesRequest
	if request.Body != nil {
		body = *request.Body
	}
	bs, err := p.batchesByID(body.BatchIds)
	if err != nil {
		return nil, err
	}
	var folderName *string
	if body.StatusFolderID != nil {
		if folderName, err = p.statusFolderName(*body.StatusFolderID); err != nil {
			return nil, err
		}
	}
	for _, b := range bs {
		if body.Notes != nil {
			b.Notes = ptr(*body.Notes)
		}
		if body.StatusFolderID != nil {
			b.StatusFolderName = folderName
		}
	}
	return gen.UpdateBatches200JSONResponse{IconectOk: "Batches updated."}, nil
}

// CheckInBatch sets a batch's status: AVAILABLE returns it to the
// unassigned pool, NOT_COMPLETE keeps its user, COMPLETE completes it (and
// keeps its user, who did the work). A target_batch_set_id other than 0
// moves it to that set.
func (h *handlers) CheckInBatch(ctx context.Context, request gen.CheckInBatchRequestObject) (gen.CheckInBatchResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	body := request.Body
	if body == nil || body.BatchID == nil || body.BatchStatus == nil {
		return nil, badRequest("batch_id and batch_status are required.")
	}
	b, ok := p.batches[*body.BatchID]
	if !ok {
		return nil, notFound("Batch %d not found.", *body.BatchID)
	}
	status := *body.BatchStatus
	if status != gen.BatchStatusAVAILABLE && status != gen.BatchStatusNOTCOMPLETE && status != gen.BatchStatusCOMPLETE {
		return nil, badRequest("A batch is checked in as AVAILABLE (0), NOT_COMPLETE (1) or COMPLETE (2), not %d.", status)
	}
	target := batchInt(body.TargetBatchSetID)
	if _, ok := p.batchSets[target]; target != 0 && !ok {
		return nil, badRequest("Batch set %d not found.", target)
	}
	b.BatchStatus, b.CompletedDate = status, nil
	switch status {
	case gen.BatchStatusAVAILABLE:
		unassign(b)
	case gen.BatchStatusCOMPLETE:
		b.CompletedDate = ptr(batchTime(t.now()))
	}
	if target != 0 {
		b.BatchSetID = ptr(target)
	}
	return gen.CheckInBatch200JSONResponse{OKJSONResponse: gen.OKJSONResponse{IconectOk: "Batch checked in."}}, nil
}

func (h *handlers) DeleteBatches(ctx context.Context, request gen.DeleteBatchesRequestObject) (gen.DeleteBatchesResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	if request.Body != nil {
		ids = request.Body.BatchIds
	}
	// The docs: "All specified batch IDs must be greater than 0."
	for _, id := range ids {
		if id <= 0 {
			return nil, badRequest("Batch IDs must be greater than 0, got %d.", id)
		}
	}
	bs, err := p.batchesByID(ids)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		delete(p.batches, b.BatchID)
	}
	return gen.DeleteBatches200JSONResponse{OKJSONResponse: gen.OKJSONResponse{IconectOk: "Batches deleted."}}, nil
}

// batchesByID finds the batches an operation acts on, all or none: an
// empty list is a 400 and an unknown batch a 404 (they are the subject of
// the operation, as a batch named in a URL would be).
func (p *project) batchesByID(ids []int64) ([]*batch, error) {
	if len(ids) == 0 {
		return nil, badRequest("batch_ids must name at least one batch.")
	}
	bs := make([]*batch, 0, len(ids))
	for _, id := range ids {
		b, ok := p.batches[id]
		if !ok {
			return nil, notFound("Batch %d not found.", id)
		}
		bs = append(bs, b)
	}
	return bs, nil
}

// batchCaller is the calling user's ID, from the token's sub (0 if it is
// not a number).
func batchCaller(ctx context.Context) int64 {
	id, _ := strconv.ParseInt(caller(ctx).Subject, 10, 64)
	return id
}

func batchUserOf(b *batch) int64 { return batchInt(b.UserID) }

// batchUserIn says whether a batch's user is among users (any user when
// users is empty).
func batchUserIn(users []int64, b *batch) bool {
	return len(users) == 0 || slices.Contains(users, batchUserOf(b))
}

// batchInt, batchString and batchBool read an optional value (zero when absent).
func batchInt[T int32 | int64](v *T) T {
	if v == nil {
		return 0
	}
	return *v
}

func batchString(v *string) string {
	if v == nil {
		return ""
	}
	return *v
}

func batchBool(v *bool) bool { return v != nil && *v }

// hiddenCompleted reports whether hide_completed drops b from a list.
func hiddenCompleted(hide *bool, b *batch) bool {
	return batchBool(hide) && b.BatchStatus == gen.BatchStatusCOMPLETE
}
