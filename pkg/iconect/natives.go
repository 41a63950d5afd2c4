package iconect

import (
	"context"
	"io"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
)

// NativeFilesService uploads and deletes records' native files (the
// original document, kept in the project's native file field).
type NativeFilesService struct{ c *Client }

// Upload stores a record's native file in a field (the project's native
// file field: ProjectSettings' NATIVEFIELD), under name (a file name; a
// directory in it is dropped by the API). The file is streamed from r:
// size is its length, or -1 when unknown (see FileStoresService.Upload).
// The record's field value becomes the file's name.
func (s *NativeFilesService) Upload(ctx context.Context, projectID, recordID, fieldID int64, name string, r io.Reader, size int64, opts *UploadOptions, co ...CallOption) error {
	const op = "uploadNativeFile"
	if err := nativeIDs(op, projectID, recordID, fieldID); err != nil {
		return err
	}
	if strings.TrimSpace(name) == "" || strings.ContainsRune(name, 0) {
		return invalid(op, "the native file needs a name (not %q)", name)
	}
	b, err := newUploadBody(op, name, r, size, opts)
	if err != nil {
		return err
	}
	params := &gen.UploadNativeFileParams{ChunkIndex: Ptr(int32(1)), ChunkCount: Ptr(int32(1))}
	_, err = do(s.c, ctx, op, b.options(co), func(ctx context.Context) (*gen.UploadNativeFileResponse, error) {
		return s.c.api.UploadNativeFileWithBodyWithResponse(ctx, projectID, recordID, fieldID, params, b.contentType, b.body)
	})
	return b.result(op, err)
}

// Delete removes a record's native file from a field and clears the
// field's value. A record without one is a 404 (but a retry of a delete
// whose answer was lost that finds it gone counts as done).
func (s *NativeFilesService) Delete(ctx context.Context, projectID, recordID, fieldID int64, co ...CallOption) error {
	const op = "deleteNativeFile"
	if err := nativeIDs(op, projectID, recordID, fieldID); err != nil {
		return err
	}
	_, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.DeleteNativeFileResponse, error) {
		return s.c.api.DeleteNativeFileWithResponse(ctx, projectID, recordID, fieldID)
	})
	return err
}

func nativeIDs(op string, projectID, recordID, fieldID int64) error {
	if err := positive(op, "project ID", projectID); err != nil {
		return err
	}
	if err := positive(op, "record ID", recordID); err != nil {
		return err
	}
	return positive(op, "field ID", fieldID)
}
