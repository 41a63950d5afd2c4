package iconecttest

import (
	"context"

	"github.com/iconect-go/iconect-go/gen"
)

func (h *handlers) ListFolders(ctx context.Context, request gen.ListFoldersRequestObject) (gen.ListFoldersResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) CreateFolder(ctx context.Context, request gen.CreateFolderRequestObject) (gen.CreateFolderResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) DeleteFolder(ctx context.Context, request gen.DeleteFolderRequestObject) (gen.DeleteFolderResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) GetFolder(ctx context.Context, request gen.GetFolderRequestObject) (gen.GetFolderResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) UpdateFolder(ctx context.Context, request gen.UpdateFolderRequestObject) (gen.UpdateFolderResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) RemoveFolderRecords(ctx context.Context, request gen.RemoveFolderRecordsRequestObject) (gen.RemoveFolderRecordsResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) ListFolderRecords(ctx context.Context, request gen.ListFolderRecordsRequestObject) (gen.ListFolderRecordsResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) AddFolderRecords(ctx context.Context, request gen.AddFolderRecordsRequestObject) (gen.AddFolderRecordsResponseObject, error) {
	return nil, errNotImplemented
}
