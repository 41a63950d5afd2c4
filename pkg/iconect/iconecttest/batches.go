package iconecttest

import (
	"context"

	"github.com/iconect-go/iconect-go/gen"
)

func (h *handlers) DeleteBatches(ctx context.Context, request gen.DeleteBatchesRequestObject) (gen.DeleteBatchesResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) CreateBatches(ctx context.Context, request gen.CreateBatchesRequestObject) (gen.CreateBatchesResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) UpdateBatches(ctx context.Context, request gen.UpdateBatchesRequestObject) (gen.UpdateBatchesResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) AssignBatches(ctx context.Context, request gen.AssignBatchesRequestObject) (gen.AssignBatchesResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) ListAssignedBatches(ctx context.Context, request gen.ListAssignedBatchesRequestObject) (gen.ListAssignedBatchesResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) CheckInBatch(ctx context.Context, request gen.CheckInBatchRequestObject) (gen.CheckInBatchResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) ListCompletedBatches(ctx context.Context, request gen.ListCompletedBatchesRequestObject) (gen.ListCompletedBatchesResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) UnassignBatches(ctx context.Context, request gen.UnassignBatchesRequestObject) (gen.UnassignBatchesResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) ListUnassignedBatches(ctx context.Context, request gen.ListUnassignedBatchesRequestObject) (gen.ListUnassignedBatchesResponseObject, error) {
	return nil, errNotImplemented
}
