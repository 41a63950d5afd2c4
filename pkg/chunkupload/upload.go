// Package chunkupload sends large files to an upload operation that takes a
// file in one request or in numbered chunks (iCONECT's uploadFileStoreFile
// and uploadNativeFile: chunk_index 1..chunk_count, a repeated chunk
// replacing the earlier one).
//
// Memory stays bounded whatever the file's size: a file given as an
// io.ReaderAt is read straight into each request through an
// io.SectionReader (nothing copied), and a plain io.Reader holds one
// request's bytes at a time, so a failed chunk can be sent again. Each
// chunk is retried on its own, with backoff and a per-attempt deadline.
// A failed upload returns an *Error carrying an UploadState, which a later
// Upload — in this process or another — resumes from the first missing
// chunk. The file's SHA-256 is computed while it streams.
//
// The package knows nothing of HTTP beyond Multipart: a Target sends one
// chunk; pkg/iconect provides the targets of both iCONECT upload
// operations (FileStores.UploadFile, NativeFiles.UploadFile).
package chunkupload

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"
)

const (
	// DefaultChunkSize is the size of each chunk but the last.
	DefaultChunkSize = 8 << 20
	// DefaultThreshold is the largest file sent in a single request. The
	// vendor recommends one request where possible (reassembly is costly
	// on the server); 16 MiB stays under the 30,000,000-byte request limit
	// ASP.NET Core and IIS apply by default.
	DefaultThreshold = 16 << 20
	// MinChunkSize is the smallest ChunkSize accepted.
	MinChunkSize = 64 << 10
	// MaxChunkCount is the most chunks one upload may have: a larger file
	// needs a larger ChunkSize.
	MaxChunkCount = 10000
	// DefaultMaxRetries is the number of retries of each chunk.
	DefaultMaxRetries = 4
	// DefaultChunkTimeout bounds each attempt at sending one chunk.
	DefaultChunkTimeout = 5 * time.Minute
	// UnknownSize is the size of a reader whose length is not known.
	UnknownSize = -1
)

// Target is where the chunks go: one file of one upload operation.
type Target interface {
	// Key identifies the file uniquely (operation and location): an
	// UploadState resumes only with a target of the same key.
	Key() string
	// SendChunk sends one chunk. c.Data yields exactly c.Size bytes and
	// must not be read once SendChunk has returned. An error means the
	// chunk may not have arrived: it will be sent again (see
	// Options.Retryable) with a fresh Data.
	SendChunk(ctx context.Context, c Chunk) error
}

// Chunk is one request of an upload.
type Chunk struct {
	// Index is the chunk's number, from 1; Count the number of chunks
	// (1 for a file sent in one request).
	Index, Count int32
	// Offset is where the chunk starts in the file; Size its length.
	Offset, Size int64
	// Data is the chunk's bytes.
	Data io.Reader
}

// UnknownSizePolicy says what Upload does with a reader of UnknownSize.
type UnknownSizePolicy int

const (
	// SpoolUnknownSize copies the reader to a temporary file first (in
	// Options.SpoolDir), then uploads the file; the file is removed after.
	SpoolUnknownSize UnknownSizePolicy = iota
	// RefuseUnknownSize refuses the upload with ErrUnknownSize.
	RefuseUnknownSize
)

// Options configures an upload; the zero value (or nil) is the defaults.
type Options struct {
	// ChunkSize is the length of each chunk but the last (default
	// DefaultChunkSize, at least MinChunkSize).
	ChunkSize int64
	// Threshold is the largest file sent in one request (default
	// DefaultThreshold; negative: always in chunks of ChunkSize). A plain
	// io.Reader holds up to max(Threshold, ChunkSize) bytes in memory.
	Threshold int64
	// MaxRetries is the number of retries of one chunk (default
	// DefaultMaxRetries; negative: none).
	MaxRetries int
	// BackoffBase is the wait before a chunk's first retry (default
	// 500 ms), doubling on each retry up to BackoffMax (default 8 s),
	// with jitter (half to all of it).
	BackoffBase, BackoffMax time.Duration
	// ChunkTimeout bounds each attempt at one chunk (default
	// DefaultChunkTimeout; negative: no bound but the context's).
	ChunkTimeout time.Duration
	// Retryable reports whether a chunk that failed with err may be sent
	// again (default: always). An attempt that ran out of ChunkTimeout is
	// always retried; a cancelled context, a failing source and a
	// short or long reader never are.
	Retryable func(err error) bool
	// Progress is called after each chunk that arrived, in order.
	Progress func(Progress)
	// Resume continues an upload from its state (from an *Error's State,
	// possibly in another process). The reader must be an io.ReaderAt
	// holding the same file; the state's target and size must match.
	Resume *UploadState
	// UnknownSize says what to do with a size of UnknownSize (default:
	// spool to a temporary file in SpoolDir, default os.TempDir()).
	UnknownSize UnknownSizePolicy
	SpoolDir    string
	// AllowEmpty lets a file of 0 bytes be uploaded (in one request);
	// otherwise a size of 0 is refused with ErrSize.
	AllowEmpty bool
}

// Progress reports an upload's advance: the chunks that arrived so far.
// Bytes and Chunks only grow, and end at Size and ChunkCount.
type Progress struct {
	Bytes, Size        int64
	Chunks, ChunkCount int32
	// State resumes the upload from here (save it to survive a crash).
	State UploadState
}

// UploadState is where an upload stands: enough to continue it in another
// process. It marshals to JSON.
type UploadState struct {
	// Target is the Key of the upload's target.
	Target string `json:"target"`
	// Size is the file's length; ChunkSize and ChunkCount how it is cut.
	Size       int64 `json:"size"`
	ChunkSize  int64 `json:"chunk_size"`
	ChunkCount int32 `json:"chunk_count"`
	// ChunksDone is the number of chunks that arrived: 1..ChunksDone.
	ChunksDone int32 `json:"chunks_done"`
	// SHA256State is the SHA-256 of the bytes of those chunks, as
	// crypto/sha256 marshals a running hash.
	SHA256State []byte `json:"sha256_state"`
}

// Offset is the number of bytes that arrived.
func (s *UploadState) Offset() int64 {
	return min(int64(s.ChunksDone)*s.ChunkSize, s.Size)
}

// Result is a finished upload.
type Result struct {
	// Size is the file's length; Chunks the number of chunks it was sent
	// in (1: a single request).
	Size   int64
	Chunks int32
	// Resumed is the number of chunks a resumed upload found done.
	Resumed int32
	// Retries counts the chunks sent again after a failure.
	Retries int
	// SHA256 is the digest of the whole file, computed while it streamed
	// (for a resumed upload, continued from the state's).
	SHA256 [sha256.Size]byte
}

// SHA256Hex is the file's SHA-256 in lower-case hexadecimal.
func (r *Result) SHA256Hex() string { return hex.EncodeToString(r.SHA256[:]) }

// Error is an upload that failed at a chunk. State, when not nil, resumes
// it (Options.Resume).
type Error struct {
	// Chunk is the chunk that failed, from 1; Count the number of chunks.
	Chunk, Count int32
	State        *UploadState
	Err          error
}

func (e *Error) Error() string {
	return fmt.Sprintf("chunkupload: chunk %d of %d: %s", e.Chunk, e.Count, strings.TrimPrefix(e.Err.Error(), "chunkupload: "))
}

func (e *Error) Unwrap() error { return e.Err }

// StateOf returns the resumable state an upload's error carries.
func StateOf(err error) (*UploadState, bool) {
	var e *Error
	if errors.As(err, &e) && e.State != nil {
		return e.State, true
	}
	return nil, false
}

var (
	// ErrSize is a size the upload cannot take: negative (other than
	// UnknownSize), 0 without AllowEmpty.
	ErrSize = errors.New("chunkupload: invalid size")
	// ErrUnknownSize is a reader of UnknownSize under RefuseUnknownSize.
	ErrUnknownSize = errors.New("chunkupload: the size of the reader is unknown; pass it, or spool the reader (UnknownSize: SpoolUnknownSize)")
	// ErrOptions is an option out of range (a chunk size below
	// MinChunkSize, a chunk count above MaxChunkCount, ...).
	ErrOptions = errors.New("chunkupload: invalid options")
	// ErrShortRead is a reader that ended before the size given.
	ErrShortRead = errors.New("chunkupload: the reader ended before the size given")
	// ErrLongRead is a reader holding more than the size given.
	ErrLongRead = errors.New("chunkupload: the reader holds more than the size given")
	// ErrNeedReaderAt is a resume with a reader that is not an io.ReaderAt.
	ErrNeedReaderAt = errors.New("chunkupload: resuming needs an io.ReaderAt (a file): the chunks already sent cannot be skipped in a plain io.Reader")
	// ErrStateMismatch is a resume state that does not fit the upload.
	ErrStateMismatch = errors.New("chunkupload: the resume state does not fit this upload")
	// ErrSource is a failure to read the file.
	ErrSource = errors.New("chunkupload: reading the file")
)

// config is Options with the defaults applied.
type config struct {
	Options
	chunkTimeout time.Duration
	maxRetries   int
}

func newConfig(opts *Options) (*config, error) {
	c := &config{}
	if opts != nil {
		c.Options = *opts
	}
	if c.ChunkSize == 0 {
		c.ChunkSize = DefaultChunkSize
	}
	if c.ChunkSize < MinChunkSize {
		return nil, fmt.Errorf("%w: ChunkSize %d is below the minimum of %d bytes", ErrOptions, c.ChunkSize, MinChunkSize)
	}
	if c.Threshold == 0 {
		c.Threshold = DefaultThreshold
	}
	switch {
	case c.MaxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.MaxRetries > 0:
		c.maxRetries = c.MaxRetries
	}
	if c.BackoffBase <= 0 {
		c.BackoffBase = 500 * time.Millisecond
	}
	if c.BackoffMax <= 0 {
		c.BackoffMax = 8 * time.Second
	}
	switch {
	case c.ChunkTimeout == 0:
		c.chunkTimeout = DefaultChunkTimeout
	case c.ChunkTimeout > 0:
		c.chunkTimeout = c.ChunkTimeout
	}
	if c.UnknownSize != SpoolUnknownSize && c.UnknownSize != RefuseUnknownSize {
		return nil, fmt.Errorf("%w: UnknownSize %d", ErrOptions, c.UnknownSize)
	}
	return c, nil
}

// Upload sends size bytes of r to t: in one request up to the threshold,
// in chunks above it. r is read from its current position when it is an
// io.ReaderAt and an io.Seeker (a file, a bytes.Reader), and its position
// is moved past the file on success; an io.ReaderAt alone is read from 0.
//
// Every error once chunks may have been sent is an *Error; its State (see
// StateOf) resumes the upload. Bad input is refused before anything is
// sent, a reader shorter or longer than size at the chunk where it shows
// (the last chunk is never sent then, so the server never completes the
// file).
func Upload(ctx context.Context, t Target, r io.Reader, size int64, opts *Options) (*Result, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, fmt.Errorf("%w: no target", ErrOptions)
	}
	if r == nil {
		return nil, fmt.Errorf("%w: no file to upload (a nil reader)", ErrOptions)
	}
	if size == UnknownSize {
		if c.UnknownSize == RefuseUnknownSize {
			return nil, ErrUnknownSize
		}
		f, n, err := spool(ctx, r, c.SpoolDir)
		if err != nil {
			return nil, err
		}
		defer func() {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}()
		r, size = f, n
	}
	switch {
	case size < 0:
		return nil, fmt.Errorf("%w: %d bytes (the size must be positive, or UnknownSize)", ErrSize, size)
	case size == 0 && !c.AllowEmpty:
		return nil, fmt.Errorf("%w: 0 bytes (nothing to upload; set AllowEmpty to upload an empty file)", ErrSize)
	}

	u := &upload{cfg: c, t: t, size: size, h: sha256.New()}
	if err := u.plan(); err != nil {
		return nil, err
	}
	if err := u.open(r); err != nil {
		return nil, err
	}
	return u.run(ctx)
}

// upload is one Upload in progress.
type upload struct {
	cfg  *config
	t    Target
	size int64

	chunkSize int64
	count     int32
	done      int32 // chunks that arrived: 1..done
	h         hash.Hash
	retries   int

	// The source: ra (from base) when the reader is an io.ReaderAt, else
	// r read sequentially into buf.
	ra     io.ReaderAt
	base   int64
	seeker io.Seeker
	r      io.Reader
	buf    []byte
}

// plan cuts the file into chunks, or takes the resume state's cut.
func (u *upload) plan() error {
	c := u.cfg
	if s := c.Resume; s != nil {
		if err := u.resume(s); err != nil {
			return err
		}
		return nil
	}
	if u.size <= c.Threshold {
		u.chunkSize, u.count = u.size, 1
		return nil
	}
	n := (u.size + c.ChunkSize - 1) / c.ChunkSize
	if n > MaxChunkCount {
		return fmt.Errorf("%w: %d bytes in chunks of %d is %d chunks, more than the maximum of %d (use a larger ChunkSize)",
			ErrOptions, u.size, c.ChunkSize, n, MaxChunkCount)
	}
	u.chunkSize, u.count = c.ChunkSize, int32(n)
	return nil
}

// resume checks a state against the upload and continues from it.
func (u *upload) resume(s *UploadState) error {
	mismatch := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrStateMismatch, fmt.Sprintf(format, args...))
	}
	if key := u.t.Key(); s.Target != key {
		return mismatch("it is the state of %q, not of %q", s.Target, key)
	}
	if s.Size != u.size {
		return mismatch("it is the state of a file of %d bytes, not %d", s.Size, u.size)
	}
	switch {
	case s.ChunkCount < 1 || s.ChunkCount > MaxChunkCount:
		return mismatch("chunk count %d", s.ChunkCount)
	case s.ChunkCount == 1 && s.ChunkSize < s.Size:
		return mismatch("a single chunk of %d bytes for a file of %d", s.ChunkSize, s.Size)
	case s.ChunkCount > 1 && (s.ChunkSize < MinChunkSize || (s.Size+s.ChunkSize-1)/s.ChunkSize != int64(s.ChunkCount)):
		return mismatch("%d chunks of %d bytes for a file of %d", s.ChunkCount, s.ChunkSize, s.Size)
	case s.ChunksDone < 0 || s.ChunksDone >= s.ChunkCount:
		return mismatch("%d of %d chunks done", s.ChunksDone, s.ChunkCount)
	}
	if err := u.h.(encoding.BinaryUnmarshaler).UnmarshalBinary(s.SHA256State); err != nil {
		return mismatch("its SHA-256 state: %v", err)
	}
	u.chunkSize, u.count, u.done = s.ChunkSize, s.ChunkCount, s.ChunksDone
	return nil
}

// open takes the reader as the source.
func (u *upload) open(r io.Reader) error {
	ra, ok := r.(io.ReaderAt)
	if !ok {
		if u.cfg.Resume != nil {
			return ErrNeedReaderAt
		}
		u.r = r
		u.buf = make([]byte, min(u.chunkSize, u.size))
		return nil
	}
	u.ra = ra
	if s, ok := r.(io.Seeker); ok {
		pos, err := s.Seek(0, io.SeekCurrent)
		if err != nil {
			return fmt.Errorf("%w: finding its position: %w", ErrSource, err)
		}
		u.base, u.seeker = pos, s
	}
	return nil
}

// state is the upload's resumable state now.
func (u *upload) state() *UploadState {
	st, _ := u.h.(encoding.BinaryMarshaler).MarshalBinary()
	return &UploadState{Target: u.t.Key(), Size: u.size, ChunkSize: u.chunkSize, ChunkCount: u.count,
		ChunksDone: u.done, SHA256State: st}
}

func (u *upload) fail(i int32, err error) error {
	return &Error{Chunk: i, Count: u.count, State: u.state(), Err: err}
}

func (u *upload) run(ctx context.Context) (*Result, error) {
	res := &Result{Size: u.size, Chunks: u.count, Resumed: u.done}
	for i := u.done + 1; i <= u.count; i++ {
		if err := ctx.Err(); err != nil {
			return nil, u.fail(i, err)
		}
		if err := u.chunk(ctx, i); err != nil {
			return nil, u.fail(i, err)
		}
		u.done = i
		if u.cfg.Progress != nil {
			u.cfg.Progress(Progress{Bytes: u.offset(i + 1), Size: u.size, Chunks: i, ChunkCount: u.count, State: *u.state()})
		}
	}
	res.Retries = u.retries
	copy(res.SHA256[:], u.h.Sum(nil))
	if u.seeker != nil {
		if _, err := u.seeker.Seek(u.base+u.size, io.SeekStart); err != nil {
			return res, fmt.Errorf("%w: moving past the file: %w", ErrSource, err)
		}
	}
	return res, nil
}

// offset is where chunk i starts.
func (u *upload) offset(i int32) int64 { return min(int64(i-1)*u.chunkSize, u.size) }

// chunk sends chunk i, with retries, and adds it to the hash.
func (u *upload) chunk(ctx context.Context, i int32) error {
	off := u.offset(i)
	n := u.offset(i+1) - off
	last := i == u.count
	if u.ra == nil {
		if err := u.fill(n, last); err != nil {
			return err
		}
	} else if last {
		if err := u.probeLong(); err != nil {
			return err
		}
	}
	before, _ := u.h.(encoding.BinaryMarshaler).MarshalBinary()
	for attempt := 0; ; attempt++ {
		data := u.data(off, n)
		body := &chunkReader{src: data, h: u.h, off: off, size: n, total: u.size}
		actx, cancel := ctx, context.CancelFunc(func() {})
		if u.cfg.chunkTimeout > 0 {
			actx, cancel = context.WithTimeout(ctx, u.cfg.chunkTimeout)
		}
		err := u.t.SendChunk(actx, Chunk{Index: i, Count: u.count, Offset: off, Size: n, Data: body})
		timedOut := actx.Err() != nil && ctx.Err() == nil
		cancel()
		read, srcErr := body.finish()
		if srcErr != nil {
			return srcErr
		}
		if err == nil {
			if read < n { // the target took less than the chunk: hash the rest
				k, err := io.Copy(u.h, io.NewSectionReader(u.data(off, n).(io.ReaderAt), read, n-read))
				if err != nil {
					return fmt.Errorf("%w: %w", ErrSource, err)
				}
				if k < n-read {
					return fmt.Errorf("%w: %d of %d bytes", ErrShortRead, off+read+k, u.size)
				}
			}
			return nil
		}
		if err := u.h.(encoding.BinaryUnmarshaler).UnmarshalBinary(before); err != nil {
			return err // cannot happen: the state was just marshalled
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			if !errors.Is(err, ctxErr) {
				err = fmt.Errorf("%w (%w)", ctxErr, err)
			}
			return err
		}
		if attempt >= u.cfg.maxRetries || (!timedOut && u.cfg.Retryable != nil && !u.cfg.Retryable(err)) {
			if attempt > 0 {
				return fmt.Errorf("%w (after %d attempts)", err, attempt+1)
			}
			return err
		}
		u.retries++
		if err := sleep(ctx, u.wait(err, attempt)); err != nil {
			return err
		}
	}
}

// data is a fresh reader of the chunk at off, n bytes long.
func (u *upload) data(off, n int64) io.Reader {
	if u.ra != nil {
		return io.NewSectionReader(u.ra, u.base+off, n)
	}
	return bytes.NewReader(u.buf[:n])
}

// fill reads the next n bytes of a plain reader into the buffer; for the
// last chunk it checks that nothing follows.
func (u *upload) fill(n int64, last bool) error {
	got, err := io.ReadFull(u.r, u.buf[:n])
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: %d of %d bytes", ErrShortRead, u.offset(u.done+1)+int64(got), u.size)
	case err != nil:
		return fmt.Errorf("%w: %w", ErrSource, err)
	case last:
		var one [1]byte
		k, err := io.ReadFull(u.r, one[:])
		if k > 0 {
			return fmt.Errorf("%w: more than %d bytes", ErrLongRead, u.size)
		}
		if !errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: %w", ErrSource, err)
		}
	}
	return nil
}

// probeLong checks that an io.ReaderAt holds nothing past the file.
func (u *upload) probeLong() error {
	var one [1]byte
	k, err := u.ra.ReadAt(one[:], u.base+u.size)
	if k > 0 {
		return fmt.Errorf("%w: more than %d bytes", ErrLongRead, u.size)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %w", ErrSource, err)
	}
	return nil
}

// backoff is the wait after the attempt-th retry's failure (from 0).
func (u *upload) backoff(attempt int) time.Duration {
	d := u.cfg.BackoffBase << min(attempt, 30)
	if d > u.cfg.BackoffMax || d <= 0 {
		d = u.cfg.BackoffMax
	}
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// spool copies r to a temporary file in dir.
func spool(ctx context.Context, r io.Reader, dir string) (*os.File, int64, error) {
	f, err := os.CreateTemp(dir, "chunkupload-*.spool")
	if err != nil {
		return nil, 0, fmt.Errorf("chunkupload: spooling a reader of unknown size: %w", err)
	}
	n, err := io.Copy(f, ctxReader{ctx, r})
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		_ = f.Close()
		_ = os.Remove(f.Name())
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, 0, ctxErr
		}
		return nil, 0, fmt.Errorf("%w: spooling it to a temporary file: %w", ErrSource, err)
	}
	return f, n, nil
}

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// maxRetryAfter caps a server's Retry-After.
const maxRetryAfter = time.Minute

// wait is the pause before retrying a chunk that failed with err: the
// server's Retry-After when it gave one (an error with RetryAfterDelay, as
// *iconect.Error has), else the backoff.
func (u *upload) wait(err error, attempt int) time.Duration {
	var ra interface{ RetryAfterDelay() (time.Duration, bool) }
	if errors.As(err, &ra) {
		if d, ok := ra.RetryAfterDelay(); ok {
			return min(d, maxRetryAfter)
		}
	}
	return u.backoff(attempt)
}
