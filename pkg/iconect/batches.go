package iconect

import (
	"context"
	"iter"
	"slices"

	"github.com/iconect-go/iconect-go/gen"
)

// CreateBatchesRequest is the body of BatchesService.Create: the batch
// settings (Batch, required) and, for the arbitrary type 5 only, exactly
// one of RecordIds and ViewID.
type CreateBatchesRequest = gen.CreateBatchesRequest

// ArbitraryBatchType is the batch type (CreateBatchStruct.Type) that
// batches the records of RecordIds or ViewID; the other types batch the
// project's records by their own rules (undocumented).
const ArbitraryBatchType int32 = 5

// BatchesService manages the batches of records handed out for review:
// the three lists (assigned, unassigned, completed), assigning, checking
// in, creating, updating and deleting.
type BatchesService struct{ c *Client }

// BatchPageOptions picks a page of a batch list. The zero value (or nil)
// is the first page at the API's default size (49).
type BatchPageOptions struct {
	// Page is the page number, from 0. The All... iterators start at it.
	Page int32
	// PageSize is the number of batches per page (0: the API's default).
	PageSize int32
	// BatchSetID keeps only the batches of this set (0: every set).
	BatchSetID int64
}

// ListAssigned returns one page of the batches assigned to a user
// (completed ones too, unless filter.HideCompleted). The batches of the
// page are in AssignedBatches (and OpenBatches, whose meaning is
// undocumented); PageBatches reads both.
func (s *BatchesService) ListAssigned(ctx context.Context, projectID int64, filter BatchFilter, opts *BatchPageOptions, co ...CallOption) (*BatchList, error) {
	const op = gen.OpListAssignedBatches
	params, err := batchPageParams(op, projectID, opts)
	if err != nil {
		return nil, err
	}
	p := gen.ListAssignedBatchesParams(params)
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.ListAssignedBatchesResponse, error) {
		return s.c.api.ListAssignedBatchesWithResponse(ctx, projectID, &p, filter)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// ListUnassigned returns one page of the batches assigned to nobody. The
// API answers in AssignedBatches here too, as its docs show.
func (s *BatchesService) ListUnassigned(ctx context.Context, projectID int64, filter BatchFilter, opts *BatchPageOptions, co ...CallOption) (*BatchList, error) {
	const op = gen.OpListUnassignedBatches
	params, err := batchPageParams(op, projectID, opts)
	if err != nil {
		return nil, err
	}
	p := gen.ListUnassignedBatchesParams(params)
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.ListUnassignedBatchesResponse, error) {
		return s.c.api.ListUnassignedBatchesWithResponse(ctx, projectID, &p, filter)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// ListCompleted returns one page of the completed batches. The API answers
// in AssignedBatches here too, as its docs show.
func (s *BatchesService) ListCompleted(ctx context.Context, projectID int64, filter CompletedBatchFilter, opts *BatchPageOptions, co ...CallOption) (*BatchList, error) {
	const op = gen.OpListCompletedBatches
	params, err := batchPageParams(op, projectID, opts)
	if err != nil {
		return nil, err
	}
	p := gen.ListCompletedBatchesParams(params)
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.ListCompletedBatchesResponse, error) {
		return s.c.api.ListCompletedBatchesWithResponse(ctx, projectID, &p, filter)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// AssignedPages returns a pager over the assigned batches from opts.Page:
// each Next fetches one page; Position is the number of the next page, to
// save and pass back as Page to resume. The walk ends after the page
// numbered batches_max_page_num-1 (or at an empty page). filter and opts
// are copied: changing them afterwards does not change the pager.
func (s *BatchesService) AssignedPages(projectID int64, filter BatchFilter, opts *BatchPageOptions, co ...CallOption) (*Pager[Batch], error) {
	filter.UserIds, filter.Filters = slices.Clone(filter.UserIds), slices.Clone(filter.Filters)
	return batchPager(gen.OpListAssignedBatches, projectID, opts, func(ctx context.Context, o *BatchPageOptions) (*BatchList, error) {
		return s.ListAssigned(ctx, projectID, filter, o, co...)
	})
}

// UnassignedPages returns a pager over the unassigned batches, as
// AssignedPages does.
func (s *BatchesService) UnassignedPages(projectID int64, filter BatchFilter, opts *BatchPageOptions, co ...CallOption) (*Pager[Batch], error) {
	filter.UserIds, filter.Filters = slices.Clone(filter.UserIds), slices.Clone(filter.Filters)
	return batchPager(gen.OpListUnassignedBatches, projectID, opts, func(ctx context.Context, o *BatchPageOptions) (*BatchList, error) {
		return s.ListUnassigned(ctx, projectID, filter, o, co...)
	})
}

// CompletedPages returns a pager over the completed batches, as
// AssignedPages does.
func (s *BatchesService) CompletedPages(projectID int64, filter CompletedBatchFilter, opts *BatchPageOptions, co ...CallOption) (*Pager[Batch], error) {
	filter.UserIds, filter.Filters = slices.Clone(filter.UserIds), slices.Clone(filter.Filters)
	return batchPager(gen.OpListCompletedBatches, projectID, opts, func(ctx context.Context, o *BatchPageOptions) (*BatchList, error) {
		return s.ListCompleted(ctx, projectID, filter, o, co...)
	})
}

// AllAssigned iterates over the assigned batches, page after page from
// opts.Page to the last (batches_max_page_num), reading both
// assigned_batches and open_batches. It stops at the first error, which
// it yields; breaking out of the loop fetches no more pages. Each range
// loop starts again from opts.Page.
func (s *BatchesService) AllAssigned(ctx context.Context, projectID int64, filter BatchFilter, opts *BatchPageOptions, co ...CallOption) iter.Seq2[Batch, error] {
	return items(ctx, func() (*Pager[Batch], error) { return s.AssignedPages(projectID, filter, opts, co...) })
}

// AllUnassigned iterates over the unassigned batches, as AllAssigned does.
func (s *BatchesService) AllUnassigned(ctx context.Context, projectID int64, filter BatchFilter, opts *BatchPageOptions, co ...CallOption) iter.Seq2[Batch, error] {
	return items(ctx, func() (*Pager[Batch], error) { return s.UnassignedPages(projectID, filter, opts, co...) })
}

// AllCompleted iterates over the completed batches, as AllAssigned does.
func (s *BatchesService) AllCompleted(ctx context.Context, projectID int64, filter CompletedBatchFilter, opts *BatchPageOptions, co ...CallOption) iter.Seq2[Batch, error] {
	return items(ctx, func() (*Pager[Batch], error) { return s.CompletedPages(projectID, filter, opts, co...) })
}

// PageBatches returns the batches of a page: those of AssignedBatches, then
// those of OpenBatches not already listed.
func PageBatches(l *BatchList) []Batch {
	if l == nil {
		return nil
	}
	if len(l.OpenBatches) == 0 {
		return l.AssignedBatches
	}
	out := slices.Clip(l.AssignedBatches)
	for _, b := range l.OpenBatches {
		if !slices.ContainsFunc(out, func(a Batch) bool { return a.BatchID == b.BatchID }) {
			out = append(out, b)
		}
	}
	return out
}

// batchPager pages a batch list from opts.Page (0-based): list gets a
// copy of the options with the page set. A page is the last when it is
// numbered batches_max_page_num-1 or more, or empty (a guard against a
// count that never ends).
func batchPager(op string, projectID int64, opts *BatchPageOptions, list func(context.Context, *BatchPageOptions) (*BatchList, error)) (*Pager[Batch], error) {
	var o BatchPageOptions
	if opts != nil {
		o = *opts
	}
	if _, err := batchPageParams(op, projectID, &o); err != nil {
		return nil, err
	}
	return newPager(int(o.Page), func(ctx context.Context, pos int) ([]Batch, int, bool, error) {
		page := o
		page.Page = int32(pos)
		l, err := list(ctx, &page)
		if err != nil {
			return nil, pos, false, err
		}
		bs := PageBatches(l)
		return bs, pos + 1, len(bs) > 0 && int32(pos+1) < l.BatchesMaxPageNum, nil
	}), nil
}

// batchParams is the query of the three batch lists (the generated
// parameter types share its shape).
type batchParams = struct {
	Page       *gen.BatchPage      `form:"page,omitempty" json:"page,omitempty"`
	PageSize   *gen.BatchPageSize  `form:"page_size,omitempty" json:"page_size,omitempty"`
	BatchSetID *gen.BatchSetFilter `form:"batch_set_id,omitempty" json:"batch_set_id,omitempty"`
}

func batchPageParams(op string, projectID int64, opts *BatchPageOptions) (batchParams, error) {
	var p batchParams
	if err := positive(op, "project ID", projectID); err != nil {
		return p, err
	}
	if opts == nil {
		return p, nil
	}
	if opts.Page < 0 {
		return p, invalid(op, "the page must be 0 or more (pages count from 0), not %d", opts.Page)
	}
	if opts.PageSize < 0 {
		return p, invalid(op, "the page size must be positive (or 0 for the default), not %d", opts.PageSize)
	}
	if opts.BatchSetID < 0 {
		return p, invalid(op, "the batch set ID must be positive (or 0 for every set), not %d", opts.BatchSetID)
	}
	p.Page = &opts.Page
	if opts.PageSize > 0 {
		p.PageSize = &opts.PageSize
	}
	if opts.BatchSetID > 0 {
		p.BatchSetID = &opts.BatchSetID
	}
	return p, nil
}

// Assign gives batches to a user (the API sets their status to 3, which
// its docs leave unnamed).
func (s *BatchesService) Assign(ctx context.Context, projectID, userID int64, batchIDs []int64, co ...CallOption) error {
	const op = gen.OpAssignBatches
	if err := batchIDsOK(op, projectID, batchIDs); err != nil {
		return err
	}
	if err := positive(op, "user ID", userID); err != nil {
		return err
	}
	body := gen.AssignBatchesRequest{UserID: &userID, BatchIds: batchIDs}
	_, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.AssignBatchesResponse, error) {
		return s.c.api.AssignBatchesWithResponse(ctx, projectID, body)
	})
	return err
}

// Unassign returns batches to the unassigned pool.
func (s *BatchesService) Unassign(ctx context.Context, projectID int64, batchIDs []int64, co ...CallOption) error {
	const op = gen.OpUnassignBatches
	if err := batchIDsOK(op, projectID, batchIDs); err != nil {
		return err
	}
	_, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.UnassignBatchesResponse, error) {
		return s.c.api.UnassignBatchesWithResponse(ctx, projectID, gen.BatchIdsRequest{BatchIds: batchIDs})
	})
	return err
}

// Create makes batches of req.Batch.BatchSize records each, unassigned.
// The API answers no batch IDs: list the unassigned batches to find them.
// req.Batch and a BatchSize of at least 1 are required; the arbitrary type
// (ArbitraryBatchType) takes exactly one of RecordIds and ViewID, the
// other types neither.
func (s *BatchesService) Create(ctx context.Context, projectID int64, req CreateBatchesRequest, co ...CallOption) error {
	const op = gen.OpCreateBatches
	if err := positive(op, "project ID", projectID); err != nil {
		return err
	}
	if err := checkCreateBatches(op, req); err != nil {
		return err
	}
	_, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.CreateBatchesResponse, error) {
		return s.c.api.CreateBatchesWithResponse(ctx, projectID, req)
	})
	return err
}

func checkCreateBatches(op string, req CreateBatchesRequest) error {
	b := req.Batch
	if b == nil {
		return invalid(op, "the batch settings (Batch) are required")
	}
	if b.BatchSize == nil || *b.BatchSize < 1 {
		return invalid(op, "the batch size must be at least 1")
	}
	if b.BatchSetID != nil && *b.BatchSetID < 0 {
		return invalid(op, "the batch set ID must be positive (or 0 for none), not %d", *b.BatchSetID)
	}
	for _, id := range req.RecordIds {
		if err := positive(op, "record ID", id); err != nil {
			return err
		}
	}
	if req.ViewID != nil {
		if err := positive(op, "view ID", *req.ViewID); err != nil {
			return err
		}
	}
	hasIDs, hasView := len(req.RecordIds) > 0, req.ViewID != nil
	if b.Type != nil && *b.Type == ArbitraryBatchType {
		if hasIDs == hasView {
			return invalid(op, "an arbitrary batch (type 5) needs exactly one of record IDs and a view ID")
		}
	} else if hasIDs || hasView {
		return invalid(op, "record IDs and a view ID are only for the arbitrary batch type (5)")
	}
	return nil
}

// BatchUpdate is what BatchesService.Update changes; a nil field is left
// as it is.
type BatchUpdate struct {
	// Notes replaces the notes; "" clears them.
	Notes *string
	// StatusFolderID sets the status folder.
	StatusFolderID *int64
}

// Update sets the notes and/or the status folder of batches.
func (s *BatchesService) Update(ctx context.Context, projectID int64, batchIDs []int64, u *BatchUpdate, co ...CallOption) error {
	const op = gen.OpUpdateBatches
	if err := batchIDsOK(op, projectID, batchIDs); err != nil {
		return err
	}
	if u == nil || (u.Notes == nil && u.StatusFolderID == nil) {
		return invalid(op, "nothing to update: set Notes or StatusFolderID")
	}
	if u.StatusFolderID != nil {
		if err := positive(op, "status folder ID", *u.StatusFolderID); err != nil {
			return err
		}
	}
	body := gen.UpdateBatchesRequest{BatchIds: batchIDs, Notes: u.Notes, StatusFolderID: u.StatusFolderID}
	_, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.UpdateBatchesResponse, error) {
		return s.c.api.UpdateBatchesWithResponse(ctx, projectID, body)
	})
	return err
}

// CheckIn ends work on a batch with a status: BatchStatusAVAILABLE (back
// to the unassigned pool), BatchStatusNOTCOMPLETE or BatchStatusCOMPLETE.
// A targetSetID other than 0 moves the batch to that batch set.
func (s *BatchesService) CheckIn(ctx context.Context, projectID, batchID int64, status BatchStatus, targetSetID int64, co ...CallOption) error {
	const op = gen.OpCheckInBatch
	if err := positive(op, "project ID", projectID); err != nil {
		return err
	}
	if err := positive(op, "batch ID", batchID); err != nil {
		return err
	}
	switch status {
	case BatchStatusAVAILABLE, BatchStatusNOTCOMPLETE, BatchStatusCOMPLETE:
	default:
		return invalid(op, "a batch is checked in as AVAILABLE, NOT_COMPLETE or COMPLETE, not %v", status)
	}
	if targetSetID < 0 {
		return invalid(op, "the target batch set ID must be positive (or 0 to stay), not %d", targetSetID)
	}
	body := gen.CheckInBatchRequest{BatchID: &batchID, BatchStatus: &status}
	if targetSetID > 0 {
		body.TargetBatchSetID = &targetSetID
	}
	_, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.CheckInBatchResponse, error) {
		return s.c.api.CheckInBatchWithResponse(ctx, projectID, body)
	})
	return err
}

// Delete deletes batches (their records stay).
func (s *BatchesService) Delete(ctx context.Context, projectID int64, batchIDs []int64, co ...CallOption) error {
	const op = gen.OpDeleteBatches
	if err := batchIDsOK(op, projectID, batchIDs); err != nil {
		return err
	}
	_, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.DeleteBatchesResponse, error) {
		return s.c.api.DeleteBatchesWithResponse(ctx, projectID, gen.DeleteBatchesRequest{BatchIds: batchIDs})
	})
	return err
}

// batchIDsOK checks a project ID and a non-empty list of batch IDs.
func batchIDsOK(op string, projectID int64, batchIDs []int64) error {
	if err := positive(op, "project ID", projectID); err != nil {
		return err
	}
	if len(batchIDs) == 0 {
		return invalid(op, "no batch IDs")
	}
	for _, id := range batchIDs {
		if err := positive(op, "batch ID", id); err != nil {
			return err
		}
	}
	return nil
}
