package iconecttest

import (
	"context"

	"github.com/iconect-go/iconect-go/gen"
)

func (h *handlers) ListRecords(ctx context.Context, request gen.ListRecordsRequestObject) (gen.ListRecordsResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) CreateRecords(ctx context.Context, request gen.CreateRecordsRequestObject) (gen.CreateRecordsResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) UpdateRecords(ctx context.Context, request gen.UpdateRecordsRequestObject) (gen.UpdateRecordsResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) GetRecord(ctx context.Context, request gen.GetRecordRequestObject) (gen.GetRecordResponseObject, error) {
	return nil, errNotImplemented
}
