package iconect

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/iconect-go/iconect-go/pkg/chunkupload"
)

// NativeFilesService uploads and deletes records' native files (the
// original document, kept in the project's native file field).
type NativeFilesService struct{ c *Client }

// Upload stores a record's native file in a field (the project's native
// file field: ProjectSettings' NATIVEFIELD), under name (a file name; a
// directory in it is dropped by the API). The record's field value becomes
// the file's name. See UploadFile, which also returns the file's SHA-256.
func (s *NativeFilesService) Upload(ctx context.Context, projectID, recordID, fieldID int64, name string, r io.Reader, size int64, opts *UploadOptions, co ...CallOption) error {
	_, err := s.UploadFile(ctx, projectID, recordID, fieldID, name, r, size, opts, co...)
	return err
}

// UploadFile stores a record's native file (see Upload) and returns its
// size, SHA-256 and how it was sent. The file goes in one request or in
// chunks, and a failed upload resumes, as FileStoresService.UploadFile
// describes.
func (s *NativeFilesService) UploadFile(ctx context.Context, projectID, recordID, fieldID int64, name string, r io.Reader, size int64, opts *UploadOptions, co ...CallOption) (*chunkupload.Result, error) {
	const op = gen.OpUploadNativeFile
	if err := nativeIDs(op, projectID, recordID, fieldID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) == "" || strings.ContainsRune(name, 0) {
		return nil, invalid(op, "the native file needs a name (not %q)", name)
	}
	t := &uploadTarget{c: s.c, op: op, name: name, co: co,
		key: fmt.Sprintf("%s %s project=%d record=%d field=%d name=%s", op, s.c.redactedBase(), projectID, recordID, fieldID, name),
		send: func(ctx context.Context, index, count int32, contentType string, body io.Reader, co []CallOption) error {
			params := &gen.UploadNativeFileParams{ChunkIndex: &index, ChunkCount: &count}
			_, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.UploadNativeFileResponse, error) {
				return s.c.api.UploadNativeFileWithBodyWithResponse(ctx, projectID, recordID, fieldID, params, contentType, body)
			})
			return err
		}}
	return upload(ctx, t, r, size, opts)
}

// Delete removes a record's native file from a field and clears the
// field's value. A record without one is a 404 (but a retry of a delete
// whose answer was lost that finds it gone counts as done).
func (s *NativeFilesService) Delete(ctx context.Context, projectID, recordID, fieldID int64, co ...CallOption) error {
	const op = gen.OpDeleteNativeFile
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
