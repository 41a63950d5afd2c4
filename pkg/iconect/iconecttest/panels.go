package iconecttest

import (
	"context"

	"github.com/iconect-go/iconect-go/gen"
)

func (h *handlers) ListPanels(ctx context.Context, request gen.ListPanelsRequestObject) (gen.ListPanelsResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) CreatePanel(ctx context.Context, request gen.CreatePanelRequestObject) (gen.CreatePanelResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) GetPanel(ctx context.Context, request gen.GetPanelRequestObject) (gen.GetPanelResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) UpdatePanel(ctx context.Context, request gen.UpdatePanelRequestObject) (gen.UpdatePanelResponseObject, error) {
	return nil, errNotImplemented
}
