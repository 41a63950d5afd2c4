package iconect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/iconect-go/iconect-go/pkg/chunkupload"
)

// FileStoresService reads a project's file stores and uploads files to
// them (an import's input file, an archive to extract, natives to import).
type FileStoresService struct{ c *Client }

// List returns a project's file stores (every project has one named
// "General").
func (s *FileStoresService) List(ctx context.Context, projectID int64, co ...CallOption) ([]FileStore, error) {
	const op = gen.OpListFileStores
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
	const op = gen.OpGetFileStore
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
	const op = gen.OpGetFileStoreItems
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

// UploadOptions configures an upload. The zero value (or nil) sends a file
// of up to 16 MiB in one request and a larger one in chunks of 8 MiB,
// each retried up to 4 times.
type UploadOptions struct {
	// ContentType is the file's media type (default
	// application/octet-stream).
	ContentType string

	// ChunkSize is the length of each chunk but the last (default
	// chunkupload.DefaultChunkSize, 8 MiB; at least chunkupload.MinChunkSize).
	ChunkSize int64
	// Threshold is the largest file sent in one request (default
	// chunkupload.DefaultThreshold, 16 MiB; negative: always in chunks).
	Threshold int64
	// MaxRetries is the number of retries of each chunk (default
	// chunkupload.DefaultMaxRetries; negative: none). A chunk is retried
	// after a lost answer, 408, 429 and 5xx, never after another 4xx.
	MaxRetries int
	// BackoffBase and BackoffMax shape the wait between a chunk's
	// attempts (default 500 ms doubling up to 8 s, with jitter).
	BackoffBase, BackoffMax time.Duration
	// ChunkTimeout bounds each attempt at one chunk (default
	// chunkupload.DefaultChunkTimeout; negative: none).
	ChunkTimeout time.Duration
	// Progress is called after each chunk that arrived.
	Progress func(chunkupload.Progress)
	// Resume continues a failed upload from the state its error carries
	// (chunkupload.StateOf), in this process or another: r must then be
	// an io.ReaderAt (an *os.File) holding the same file.
	Resume *chunkupload.UploadState
	// UnknownSize says what to do when the size is -1: spool the reader to
	// a temporary file in SpoolDir (the default), or refuse.
	UnknownSize chunkupload.UnknownSizePolicy
	SpoolDir    string
}

// Upload stores a file in a file store at path, its path in the store
// ("imports/people.csv": directories are kept; what a delimited import's
// InputFile names). A file at the same path is replaced. See UploadFile,
// which also returns the file's SHA-256.
func (s *FileStoresService) Upload(ctx context.Context, projectID, storeID int64, path string, r io.Reader, size int64, opts *UploadOptions, co ...CallOption) error {
	_, err := s.UploadFile(ctx, projectID, storeID, path, r, size, opts, co...)
	return err
}

// UploadFile stores a file in a file store at path (see Upload) and
// returns its size, SHA-256 and how it was sent.
//
// size is the file's length in bytes, or -1 when unknown (the reader is
// then spooled to a temporary file first, unless opts say to refuse). A
// file up to opts.Threshold goes in one request, a larger one in chunks
// (chunkupload). When r is an io.ReaderAt (an *os.File, a bytes.Reader)
// each request reads it directly and a failed one is re-read; a plain
// io.Reader is held one request at a time in memory. A reader shorter or
// longer than size is an error, and the file is then never completed on
// the server.
//
// A failure after chunks were sent is a *chunkupload.Error wrapping the
// cause (an *Error for an API answer): chunkupload.StateOf gives the
// state that UploadOptions.Resume continues from.
func (s *FileStoresService) UploadFile(ctx context.Context, projectID, storeID int64, path string, r io.Reader, size int64, opts *UploadOptions, co ...CallOption) (*chunkupload.Result, error) {
	const op = gen.OpUploadFileStoreFile
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	if err := positive(op, "file store ID", storeID); err != nil {
		return nil, err
	}
	if err := checkStorePath(op, path); err != nil {
		return nil, err
	}
	t := &uploadTarget{c: s.c, op: op, name: path, co: co,
		key: fmt.Sprintf("%s %s project=%d store=%d path=%s", op, s.c.redactedBase(), projectID, storeID, strings.ReplaceAll(path, `\`, "/")),
		send: func(ctx context.Context, index, count int32, contentType string, body io.Reader, co []CallOption) error {
			params := &gen.UploadFileStoreFileParams{ChunkIndex: &index, ChunkCount: &count}
			_, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.UploadFileStoreFileResponse, error) {
				return s.c.api.UploadFileStoreFileWithBodyWithResponse(ctx, projectID, storeID, params, contentType, body)
			})
			return err
		}}
	return upload(ctx, t, r, size, opts)
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

// uploadTarget is a chunkupload.Target for one file of one of the two
// upload operations: send makes the request of one chunk.
type uploadTarget struct {
	c           *Client
	op, key     string
	name        string // the multipart file name: the store path or the native file's name
	contentType string
	co          []CallOption
	send        func(ctx context.Context, index, count int32, contentType string, body io.Reader, co []CallOption) error
}

func (t *uploadTarget) Key() string { return t.key }

// SendChunk sends one chunk as a multipart body of known length, through
// the SDK's call path (its errors, logging and middleware). The body
// cannot be replayed, so the client's retry policy sends it again only if
// it never left; chunkupload retries the chunk with a fresh body.
func (t *uploadTarget) SendChunk(ctx context.Context, ch chunkupload.Chunk) error {
	body, ct, length, err := chunkupload.Multipart("file", t.name, t.contentType, ch.Data, ch.Size)
	if err != nil {
		return err
	}
	co := append(t.co[:len(t.co):len(t.co)], WithCallEditor(func(req *http.Request) error {
		req.ContentLength = length
		return nil
	}))
	return t.send(ctx, ch.Index, ch.Count, ct, body, co)
}

// upload runs chunkupload with the options mapped and the SDK's retry
// rule for chunks.
func upload(ctx context.Context, t *uploadTarget, r io.Reader, size int64, opts *UploadOptions) (*chunkupload.Result, error) {
	if r == nil {
		return nil, invalid(t.op, "no file to upload (a nil reader)")
	}
	if size < -1 {
		return nil, invalid(t.op, "the size must be 0 or more, or -1 when unknown, not %d", size)
	}
	o := UploadOptions{}
	if opts != nil {
		o = *opts
	}
	t.contentType = o.ContentType
	res, err := chunkupload.Upload(ctx, t, r, size, &chunkupload.Options{
		ChunkSize: o.ChunkSize, Threshold: o.Threshold, MaxRetries: o.MaxRetries,
		BackoffBase: o.BackoffBase, BackoffMax: o.BackoffMax, ChunkTimeout: o.ChunkTimeout,
		Retryable: chunkRetryable, Progress: o.Progress, Resume: o.Resume,
		UnknownSize: o.UnknownSize, SpoolDir: o.SpoolDir, AllowEmpty: true,
	})
	if err != nil {
		var ae *Error
		if errors.As(err, &ae) {
			return nil, err // it names the operation already
		}
		return nil, fmt.Errorf("iconect: %s: %w", t.op, err)
	}
	return res, nil
}

// chunkRetryable is the SDK's rule for sending a chunk again: a chunk is
// safe to repeat (it replaces the earlier one), so any failure without an
// answer is retried, and of the answers 408, 429 and 5xx.
func chunkRetryable(err error) bool {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		s := e.StatusCode
		return s == http.StatusRequestTimeout || s == http.StatusTooManyRequests || s >= 500
	}
	return true
}

// redactedBase is the API URL without credentials, for upload keys.
func (c *Client) redactedBase() string {
	u, err := url.Parse(c.baseURL)
	if err != nil {
		return ""
	}
	return redactURL(u)
}
