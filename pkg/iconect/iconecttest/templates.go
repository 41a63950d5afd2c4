package iconecttest

import (
	"context"

	"github.com/iconect-go/iconect-go/gen"
)

func (h *handlers) ListNativeImportTemplates(ctx context.Context, request gen.ListNativeImportTemplatesRequestObject) (gen.ListNativeImportTemplatesResponseObject, error) {
	return nil, errNotImplemented
}
