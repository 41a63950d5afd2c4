package iconecttest

import (
	"context"

	"github.com/iconect-go/iconect-go/gen"
)

func (h *handlers) ListBatchSets(ctx context.Context, request gen.ListBatchSetsRequestObject) (gen.ListBatchSetsResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) CreateBatchSet(ctx context.Context, request gen.CreateBatchSetRequestObject) (gen.CreateBatchSetResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) DeleteBatchSet(ctx context.Context, request gen.DeleteBatchSetRequestObject) (gen.DeleteBatchSetResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) GetBatchSet(ctx context.Context, request gen.GetBatchSetRequestObject) (gen.GetBatchSetResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) UpdateBatchSet(ctx context.Context, request gen.UpdateBatchSetRequestObject) (gen.UpdateBatchSetResponseObject, error) {
	return nil, errNotImplemented
}
