package iconecttest

import (
	"context"

	"github.com/iconect-go/iconect-go/gen"
)

func (h *handlers) DeleteNativeFile(ctx context.Context, request gen.DeleteNativeFileRequestObject) (gen.DeleteNativeFileResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) UploadNativeFile(ctx context.Context, request gen.UploadNativeFileRequestObject) (gen.UploadNativeFileResponseObject, error) {
	return nil, errNotImplemented
}
