package iconect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"sync"

	"github.com/iconect-go/iconect-go/gen"
)

// FileStoresService reads a project's file stores and uploads files to
// them (an import's input file, an archive to extract, natives to import).
type FileStoresService struct{ c *Client }

// List returns a project's file stores (every project has one named
// "General").
func (s *FileStoresService) List(ctx context.Context, projectID int64, co ...CallOption) ([]FileStore, error) {
	const op = "listFileStores"
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.ListFileStoresResponse, error) {
		return s.c.api.ListFileStoresWithResponse(ctx, projectID)
	})
	if err != nil {
		return nil, err
	}
	return deref(res.JSON200), nil
}

// Get returns one file store of a project.
func (s *FileStoresService) Get(ctx context.Context, projectID, storeID int64, co ...CallOption) (*FileStore, error) {
	const op = "getFileStore"
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	if err := positive(op, "file store ID", storeID); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.GetFileStoreResponse, error) {
		return s.c.api.GetFileStoreWithResponse(ctx, projectID, storeID)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// Items returns where the native files of records are kept: an item per
// file, with its store and locator. Records without a native file (and,
// in the fake tenant, unknown records) add nothing.
func (s *FileStoresService) Items(ctx context.Context, projectID int64, recordIDs []int64, co ...CallOption) ([]FileStoreItem, error) {
	const op = "getFileStoreItems"
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	if len(recordIDs) == 0 {
		return nil, invalid(op, "no record IDs")
	}
	for _, id := range recordIDs {
		if err := positive(op, "record ID", id); err != nil {
			return nil, err
		}
	}
	body := gen.FileStoreItemsRequest{RecordIds: recordIDs}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.GetFileStoreItemsResponse, error) {
		return s.c.api.GetFileStoreItemsWithResponse(ctx, projectID, body)
	})
	if err != nil {
		return nil, err
	}
	return deref(res.JSON200), nil
}

// UploadOptions configures an upload.
type UploadOptions struct {
	// ContentType is the file's media type (default
	// application/octet-stream).
	ContentType string
}

// Upload stores a file in a file store at path, its path in the store
// ("imports/people.csv": directories are kept; what a delimited import's
// InputFile names). The file is streamed from r, never held in memory:
// size is its length in bytes (sent as the Content-Length, and r must
// hold that many), or -1 when unknown (sent chunked). A file at the same
// path is replaced.
//
// The file goes in one request; such an upload is not repeated after it
// may have reached the server, since r cannot be read twice.
func (s *FileStoresService) Upload(ctx context.Context, projectID, storeID int64, path string, r io.Reader, size int64, opts *UploadOptions, co ...CallOption) error {
	const op = "uploadFileStoreFile"
	if err := positive(op, "project ID", projectID); err != nil {
		return err
	}
	if err := positive(op, "file store ID", storeID); err != nil {
		return err
	}
	if err := checkStorePath(op, path); err != nil {
		return err
	}
	b, err := newUploadBody(op, path, r, size, opts)
	if err != nil {
		return err
	}
	params := &gen.UploadFileStoreFileParams{ChunkIndex: Ptr(int32(1)), ChunkCount: Ptr(int32(1))}
	_, err = do(s.c, ctx, op, b.options(co), func(ctx context.Context) (*gen.UploadFileStoreFileResponse, error) {
		return s.c.api.UploadFileStoreFileWithBodyWithResponse(ctx, projectID, storeID, params, b.contentType, b.body)
	})
	return b.result(op, err)
}

// named finds a project's file store by name.
func (s *FileStoresService) named(ctx context.Context, projectID int64, name string, co ...CallOption) (*FileStore, error) {
	stores, err := s.List(ctx, projectID, co...)
	if err != nil {
		return nil, err
	}
	for i := range stores {
		if stores[i].Name != nil && *stores[i].Name == name {
			return &stores[i], nil
		}
	}
	return nil, fmt.Errorf("iconect: project %d has no file store named %q", projectID, name)
}

// checkStorePath checks a path in a file store: relative, no "..", naming
// a file.
func checkStorePath(op, path string) error {
	p := strings.ReplaceAll(path, `\`, "/")
	switch {
	case strings.TrimSpace(p) == "":
		return invalid(op, "the path in the file store is empty")
	case strings.HasPrefix(p, "/") || (len(p) >= 2 && p[1] == ':'):
		return invalid(op, "the path %q is absolute; it must be relative to the file store", path)
	case strings.ContainsRune(p, 0):
		return invalid(op, "the path %q contains a NUL character", path)
	case strings.HasSuffix(p, "/"):
		return invalid(op, "the path %q names a directory, not a file", path)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return invalid(op, "the path %q has a \"..\" segment", path)
		}
	}
	return nil
}

// uploadBody is a multipart/form-data body with the file in the part named
// file: the framing is made up front, the file streamed between it.
type uploadBody struct {
	contentType string
	body        io.Reader
	length      int64 // -1 when unknown
	src         *exactReader
}

func newUploadBody(op, filename string, r io.Reader, size int64, opts *UploadOptions) (*uploadBody, error) {
	if r == nil {
		return nil, invalid(op, "no file to upload (a nil reader)")
	}
	if size < -1 {
		return nil, invalid(op, "the size must be 0 or more, or -1 when unknown, not %d", size)
	}
	ct := "application/octet-stream"
	if opts != nil && opts.ContentType != "" {
		ct = opts.ContentType
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", multipart.FileContentDisposition("file", filename))
	h.Set("Content-Type", ct)
	if _, err := mw.CreatePart(h); err != nil {
		return nil, fmt.Errorf("iconect: %s: %w", op, err)
	}
	head := bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("iconect: %s: %w", op, err)
	}
	tail := bytes.Clone(buf.Bytes())
	src := &exactReader{r: r, size: size}
	b := &uploadBody{
		contentType: mw.FormDataContentType(),
		body:        io.MultiReader(bytes.NewReader(head), src, bytes.NewReader(tail)),
		length:      -1,
		src:         src,
	}
	if size >= 0 {
		b.length = int64(len(head)) + size + int64(len(tail))
	}
	return b, nil
}

// options adds to co an editor setting the request's Content-Length (-1,
// unknown, when the size is).
func (b *uploadBody) options(co []CallOption) []CallOption {
	return append(co[:len(co):len(co)], WithCallEditor(func(req *http.Request) error {
		req.ContentLength = b.length
		return nil
	}))
}

// result prefers the reader's own failure to the transport's report of it.
func (b *uploadBody) result(op string, err error) error {
	if err == nil {
		return nil
	}
	if srcErr := b.src.failure(); srcErr != nil {
		return fmt.Errorf("iconect: %s: reading the file: %w", op, srcErr)
	}
	return err
}

// exactReader reads size bytes of r (all of it when size is -1) and
// remembers why it failed.
type exactReader struct {
	r    io.Reader
	size int64
	n    int64

	mu  sync.Mutex
	err error
}

var errShortFile = errors.New("the reader ended before the size given")

func (e *exactReader) Read(p []byte) (int, error) {
	if e.size >= 0 {
		if e.n >= e.size {
			return 0, io.EOF
		}
		if rest := e.size - e.n; int64(len(p)) > rest {
			p = p[:rest]
		}
	}
	n, err := e.r.Read(p)
	e.n += int64(n)
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		if e.size >= 0 && e.n < e.size {
			err = fmt.Errorf("%w: %d of %d bytes", errShortFile, e.n, e.size)
			e.fail(err)
		}
	default:
		e.fail(err)
	}
	return n, err
}

func (e *exactReader) fail(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.err = err
}

func (e *exactReader) failure() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}
