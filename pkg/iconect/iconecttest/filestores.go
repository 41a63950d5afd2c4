package iconecttest

import (
	"context"

	"github.com/iconect-go/iconect-go/gen"
)

func (h *handlers) ListFileStores(ctx context.Context, request gen.ListFileStoresRequestObject) (gen.ListFileStoresResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) GetFileStoreItems(ctx context.Context, request gen.GetFileStoreItemsRequestObject) (gen.GetFileStoreItemsResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) GetFileStore(ctx context.Context, request gen.GetFileStoreRequestObject) (gen.GetFileStoreResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) UploadFileStoreFile(ctx context.Context, request gen.UploadFileStoreFileRequestObject) (gen.UploadFileStoreFileResponseObject, error) {
	return nil, errNotImplemented
}
