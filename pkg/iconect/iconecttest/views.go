package iconecttest

import (
	"context"

	"github.com/iconect-go/iconect-go/gen"
)

func (h *handlers) CreateView(ctx context.Context, request gen.CreateViewRequestObject) (gen.CreateViewResponseObject, error) {
	return nil, errNotImplemented
}
