package iconecttest

import (
	"context"

	"github.com/iconect-go/iconect-go/gen"
)

func (h *handlers) ListFields(ctx context.Context, request gen.ListFieldsRequestObject) (gen.ListFieldsResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) CreateFields(ctx context.Context, request gen.CreateFieldsRequestObject) (gen.CreateFieldsResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) GetField(ctx context.Context, request gen.GetFieldRequestObject) (gen.GetFieldResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) UpdateField(ctx context.Context, request gen.UpdateFieldRequestObject) (gen.UpdateFieldResponseObject, error) {
	return nil, errNotImplemented
}
