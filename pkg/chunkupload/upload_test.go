package chunkupload

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memTarget keeps the chunks it is sent, as the server does: a repeated
// chunk replaces the earlier one, a changed count is refused.
type memTarget struct {
	key string
	// fail, when set, decides a chunk's fate before it is read.
	fail func(c Chunk, attempt int) error
	// partial reads only this many bytes of each chunk, then succeeds.
	partial int64

	mu       sync.Mutex
	count    int32
	chunks   map[int32][]byte
	attempts map[int32]int
	sent     int
}

func newMemTarget() *memTarget {
	return &memTarget{key: "mem", chunks: map[int32][]byte{}, attempts: map[int32]int{}}
}

func (m *memTarget) Key() string { return m.key }

func (m *memTarget) SendChunk(ctx context.Context, c Chunk) error {
	m.mu.Lock()
	a := m.attempts[c.Index]
	m.attempts[c.Index]++
	m.sent++
	m.mu.Unlock()
	if m.fail != nil {
		if err := m.fail(c, a); err != nil {
			return err
		}
	}
	r := c.Data
	if m.partial > 0 {
		r = io.LimitReader(r, m.partial)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.count != 0 && m.count != c.Count {
		return fmt.Errorf("chunk_count %d differs from %d", c.Count, m.count)
	}
	m.count = c.Count
	m.chunks[c.Index] = data
	return nil
}

// file is the assembled file, or false while a chunk is missing.
func (m *memTarget) file() ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []byte
	for i := int32(1); i <= m.count; i++ {
		c, ok := m.chunks[i]
		if !ok {
			return nil, false
		}
		out = append(out, c...)
	}
	return out, m.count > 0
}

func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, seed))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// plain hides every interface but io.Reader.
type plain struct{ r io.Reader }

func (p plain) Read(b []byte) (int, error) { return p.r.Read(b) }

var fast = Options{ChunkSize: MinChunkSize, Threshold: -1, BackoffBase: time.Microsecond, BackoffMax: time.Millisecond}

func opts(mod func(*Options)) *Options {
	o := fast
	if mod != nil {
		mod(&o)
	}
	return &o
}

func TestUploadShapes(t *testing.T) {
	data := randomBytes(5*MinChunkSize+123, 1)
	for _, tc := range []struct {
		name   string
		reader func() io.Reader
		size   int64
		o      *Options
		chunks int32
	}{
		{"readerAt chunks", func() io.Reader { return bytes.NewReader(data) }, int64(len(data)), opts(nil), 6},
		{"plain chunks", func() io.Reader { return plain{bytes.NewReader(data)} }, int64(len(data)), opts(nil), 6},
		{"one-byte reads", func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) }, int64(len(data)), opts(nil), 6},
		{"single request", func() io.Reader { return bytes.NewReader(data) }, int64(len(data)), nil, 1},
		{"plain single", func() io.Reader { return plain{bytes.NewReader(data)} }, int64(len(data)), nil, 1},
		{"exact multiple", func() io.Reader { return bytes.NewReader(data[:4*MinChunkSize]) }, 4 * MinChunkSize, opts(nil), 4},
		{"threshold", func() io.Reader { return bytes.NewReader(data) }, int64(len(data)), opts(func(o *Options) { o.Threshold = int64(len(data)) }), 1},
		{"above threshold", func() io.Reader { return bytes.NewReader(data) }, int64(len(data)), opts(func(o *Options) { o.Threshold = int64(len(data)) - 1 }), 6},
		{"spooled", func() io.Reader { return plain{bytes.NewReader(data)} }, UnknownSize, opts(func(o *Options) { o.SpoolDir = t.TempDir() }), 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMemTarget()
			var prog []Progress
			o := tc.o
			if o == nil {
				o = &Options{}
			}
			o.Progress = func(p Progress) { prog = append(prog, p) }
			res, err := Upload(context.Background(), m, tc.reader(), tc.size, o)
			require.NoError(t, err)
			want := data
			if tc.size > 0 {
				want = data[:tc.size]
			}
			got, ok := m.file()
			require.True(t, ok)
			assert.Equal(t, sha256.Sum256(want), sha256.Sum256(got))
			assert.Equal(t, sha256.Sum256(want), res.SHA256)
			assert.Equal(t, fmt.Sprintf("%x", sha256.Sum256(want)), res.SHA256Hex())
			assert.Equal(t, tc.chunks, res.Chunks)
			assert.Equal(t, int64(len(want)), res.Size)
			require.Len(t, prog, int(tc.chunks))
			for i, p := range prog {
				assert.Equal(t, int32(i+1), p.Chunks)
				assert.Equal(t, tc.chunks, p.ChunkCount)
				assert.Equal(t, p.State.Offset(), p.Bytes)
				if i > 0 {
					assert.Greater(t, p.Bytes, prog[i-1].Bytes)
				}
			}
			assert.Equal(t, int64(len(want)), prog[len(prog)-1].Bytes)
		})
	}
}

func TestUploadSeeker(t *testing.T) {
	r := strings.NewReader("headbody-rest")
	_, err := r.Seek(4, io.SeekStart)
	require.NoError(t, err)
	m := newMemTarget()
	_, err = Upload(context.Background(), m, io.NewSectionReader(r, 0, 8), 8, nil)
	require.NoError(t, err)
	got, _ := m.file()
	assert.Equal(t, "headbody", string(got), "an io.ReaderAt without Seek is read from 0")

	m = newMemTarget()
	_, err = Upload(context.Background(), m, r, 4, nil)
	assert.ErrorIs(t, err, ErrLongRead, "more follows")
	m = newMemTarget()
	_, err = r.Seek(4, io.SeekStart)
	require.NoError(t, err)
	_, err = Upload(context.Background(), m, io.NewSectionReader(r, 4, 4), 4, nil)
	require.NoError(t, err)
	got, _ = m.file()
	assert.Equal(t, "body", string(got))

	f, err := os.CreateTemp(t.TempDir(), "f")
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	_, err = f.WriteString("skipTHE FILE")
	require.NoError(t, err)
	_, err = f.Seek(4, io.SeekStart)
	require.NoError(t, err)
	m = newMemTarget()
	_, err = Upload(context.Background(), m, f, 8, nil)
	require.NoError(t, err)
	got, _ = m.file()
	assert.Equal(t, "THE FILE", string(got), "read from the file's position")
	pos, _ := f.Seek(0, io.SeekCurrent)
	assert.Equal(t, int64(12), pos, "and moved past it")
}

func TestUploadBadInput(t *testing.T) {
	ctx := context.Background()
	data := randomBytes(3*MinChunkSize, 2)
	m := newMemTarget()
	for name, tc := range map[string]struct {
		r    io.Reader
		size int64
		o    *Options
		want error
	}{
		"zero":        {bytes.NewReader(nil), 0, nil, ErrSize},
		"negative":    {bytes.NewReader(data), -2, nil, ErrSize},
		"unknown":     {bytes.NewReader(data), UnknownSize, &Options{UnknownSize: RefuseUnknownSize}, ErrUnknownSize},
		"policy":      {bytes.NewReader(data), 10, &Options{UnknownSize: 7}, ErrOptions},
		"small chunk": {bytes.NewReader(data), 10, &Options{ChunkSize: MinChunkSize - 1}, ErrOptions},
		"many chunks": {bytes.NewReader(data), MinChunkSize * (MaxChunkCount + 1), opts(nil), ErrOptions},
		"nil reader":  {nil, 10, nil, ErrOptions},
		"resume plain": {plain{bytes.NewReader(data)}, int64(len(data)), &Options{Resume: &UploadState{Target: "mem",
			Size: int64(len(data)), ChunkSize: MinChunkSize, ChunkCount: 3, SHA256State: mustState(t, nil)}}, ErrNeedReaderAt},
	} {
		_, err := Upload(ctx, m, tc.r, tc.size, tc.o)
		assert.ErrorIs(t, err, tc.want, name)
	}
	_, err := Upload(ctx, nil, bytes.NewReader(data), 1, nil)
	assert.ErrorIs(t, err, ErrOptions)
	assert.Zero(t, m.sent, "nothing was sent")

	// Empty, when allowed.
	res, err := Upload(ctx, m, bytes.NewReader(nil), 0, &Options{AllowEmpty: true})
	require.NoError(t, err)
	assert.Equal(t, sha256.Sum256(nil), res.SHA256)
	m = newMemTarget()
	res, err = Upload(ctx, m, plain{strings.NewReader("")}, UnknownSize, &Options{AllowEmpty: true})
	require.NoError(t, err)
	assert.Equal(t, int32(1), res.Chunks)
	got, ok := m.file()
	assert.True(t, ok)
	assert.Empty(t, got)
}

func mustState(t *testing.T, data []byte) []byte {
	h := sha256.New()
	h.Write(data)
	st, err := h.(interface{ MarshalBinary() ([]byte, error) }).MarshalBinary()
	require.NoError(t, err)
	return st
}

func TestUploadShortAndLong(t *testing.T) {
	ctx := context.Background()
	data := randomBytes(4*MinChunkSize, 3)
	size := int64(len(data))
	for name, tc := range map[string]struct {
		r     io.Reader
		size  int64
		want  error
		chunk int32
	}{
		"short readerAt":       {bytes.NewReader(data[:2*MinChunkSize+5]), size, ErrShortRead, 3},
		"short plain":          {plain{bytes.NewReader(data[:2*MinChunkSize+5])}, size, ErrShortRead, 3},
		"long readerAt":        {bytes.NewReader(data), size - 1, ErrLongRead, 4},
		"long plain":           {plain{bytes.NewReader(data)}, size - 1, ErrLongRead, 4},
		"failing plain":        {io.MultiReader(bytes.NewReader(data[:MinChunkSize]), iotest.ErrReader(io.ErrClosedPipe)), size, io.ErrClosedPipe, 2},
		"failing at end plain": {io.MultiReader(bytes.NewReader(data), iotest.ErrReader(io.ErrClosedPipe)), size, io.ErrClosedPipe, 4},
		"failing readerAt":     {errAt{bytes.NewReader(data), MinChunkSize + 7}, size, io.ErrClosedPipe, 2},
		"failing probe":        {errAt{bytes.NewReader(data), size}, size, io.ErrClosedPipe, 4},
	} {
		m := newMemTarget()
		_, err := Upload(ctx, m, tc.r, tc.size, opts(nil))
		require.ErrorIs(t, err, tc.want, name)
		var e *Error
		require.ErrorAs(t, err, &e, name)
		assert.Equal(t, tc.chunk, e.Chunk, name)
		assert.Equal(t, tc.chunk-1, e.State.ChunksDone, name)
		_, ok := m.file()
		assert.False(t, ok, "%s: the file is never complete", name)
		assert.Equal(t, int(tc.chunk-1), len(m.chunks), name)
	}
}

// errAt fails reads at or past an offset.
type errAt struct {
	r   *bytes.Reader
	off int64
}

func (e errAt) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > e.off {
		n := max(e.off-off, 0)
		k, _ := e.r.ReadAt(p[:n], off)
		return k, io.ErrClosedPipe
	}
	return e.r.ReadAt(p, off)
}

func (e errAt) Read([]byte) (int, error) { return 0, errors.New("not used") }

func TestUploadRetries(t *testing.T) {
	ctx := context.Background()
	data := randomBytes(8*MinChunkSize, 4)
	m := newMemTarget()
	boom := errors.New("503")
	m.fail = func(c Chunk, attempt int) error {
		if attempt < 2 && c.Index%2 == 0 {
			// Read part of it first, as a server answering early does.
			_, _ = io.CopyN(io.Discard, c.Data, 1000)
			return boom
		}
		return nil
	}
	res, err := Upload(ctx, m, plain{bytes.NewReader(data)}, int64(len(data)), opts(nil))
	require.NoError(t, err)
	assert.Equal(t, sha256.Sum256(data), res.SHA256, "failed attempts do not count in the hash")
	assert.Equal(t, 8, res.Retries)
	got, _ := m.file()
	assert.Equal(t, data, got)

	// The budget runs out.
	m = newMemTarget()
	m.fail = func(c Chunk, attempt int) error {
		if c.Index == 3 {
			return boom
		}
		return nil
	}
	_, err = Upload(ctx, m, bytes.NewReader(data), int64(len(data)), opts(func(o *Options) { o.MaxRetries = 2 }))
	require.ErrorIs(t, err, boom)
	assert.ErrorContains(t, err, "chunk 3 of 8")
	assert.ErrorContains(t, err, "after 3 attempts")
	assert.Equal(t, 3, m.attempts[3])

	// No retries; a permanent error.
	for _, o := range []*Options{
		opts(func(o *Options) { o.MaxRetries = -1 }),
		opts(func(o *Options) { o.Retryable = func(err error) bool { return !errors.Is(err, boom) } }),
	} {
		m = newMemTarget()
		m.fail = func(c Chunk, attempt int) error { return boom }
		_, err = Upload(ctx, m, bytes.NewReader(data), int64(len(data)), o)
		require.ErrorIs(t, err, boom)
		assert.Equal(t, 1, m.sent)
	}

	// A chunk that outlives ChunkTimeout is sent again, even when
	// Retryable says otherwise.
	m = newMemTarget()
	slow := &stall{memTarget: m, index: 2}
	res, err = Upload(ctx, slow, bytes.NewReader(data), int64(len(data)), opts(func(o *Options) {
		o.ChunkTimeout = 500 * time.Millisecond
		o.Retryable = func(error) bool { return false }
	}))
	require.NoError(t, err)
	assert.Equal(t, 1, res.Retries)
	assert.Equal(t, 2, m.attempts[2])
	assert.Equal(t, sha256.Sum256(data), res.SHA256)
}

// stall lets the first attempt at one chunk hang until its context ends.
type stall struct {
	*memTarget
	index int32
	once  sync.Once
}

func (s *stall) SendChunk(ctx context.Context, ch Chunk) error {
	hang := false
	if ch.Index == s.index {
		s.once.Do(func() { hang = true })
	}
	if hang {
		s.mu.Lock()
		s.attempts[ch.Index]++
		s.mu.Unlock()
		_, _ = io.CopyN(io.Discard, ch.Data, 10)
		<-ctx.Done()
		return ctx.Err()
	}
	return s.memTarget.SendChunk(ctx, ch)
}

func TestUploadPartialRead(t *testing.T) {
	// A target that answers before reading the whole chunk: the hash
	// still covers it.
	data := randomBytes(3*MinChunkSize, 5)
	for _, r := range []io.Reader{bytes.NewReader(data), plain{bytes.NewReader(data)}} {
		m := newMemTarget()
		m.partial = 100
		res, err := Upload(context.Background(), m, r, int64(len(data)), opts(nil))
		require.NoError(t, err)
		assert.Equal(t, sha256.Sum256(data), res.SHA256)
	}
	// ... and a short file still shows there.
	m := newMemTarget()
	m.partial = 100
	_, err := Upload(context.Background(), m, bytes.NewReader(data[:2*MinChunkSize+50]), int64(len(data)), opts(nil))
	assert.ErrorIs(t, err, ErrShortRead)
}

func TestUploadLateRead(t *testing.T) {
	// A transport that reads the body after the round trip returned gets
	// an error, not the next attempt's bytes.
	var late io.Reader
	m := newMemTarget()
	m.fail = func(c Chunk, attempt int) error {
		if attempt == 0 {
			late = c.Data
			return errors.New("lost")
		}
		return nil
	}
	data := randomBytes(MinChunkSize, 6)
	res, err := Upload(context.Background(), m, bytes.NewReader(data), int64(len(data)), opts(nil))
	require.NoError(t, err)
	_, err = late.Read(make([]byte, 10))
	assert.ErrorIs(t, err, errChunkOver)
	assert.Equal(t, sha256.Sum256(data), res.SHA256)
}

func TestUploadCancel(t *testing.T) {
	data := randomBytes(8*MinChunkSize, 7)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := newMemTarget()
	m.fail = func(c Chunk, attempt int) error {
		if c.Index == 3 {
			cancel()
			return ctx.Err()
		}
		return nil
	}
	_, err := Upload(ctx, m, bytes.NewReader(data), int64(len(data)), opts(nil))
	require.ErrorIs(t, err, context.Canceled)
	st, ok := StateOf(err)
	require.True(t, ok)
	assert.Equal(t, int32(2), st.ChunksDone)
	assert.Equal(t, 3, m.sent, "stopped at the chunk in flight, no retry")

	// Cancelled between chunks, and while waiting to retry.
	ctx2, cancel2 := context.WithCancel(context.Background())
	m = newMemTarget()
	m.fail = func(c Chunk, attempt int) error {
		if c.Index == 2 {
			cancel2()
		}
		return nil
	}
	_, err = Upload(ctx2, m, bytes.NewReader(data), int64(len(data)), opts(nil))
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 2, m.sent)

	ctx3, cancel3 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel3()
	m = newMemTarget()
	m.fail = func(c Chunk, attempt int) error { return errors.New("503") }
	start := time.Now()
	_, err = Upload(ctx3, m, bytes.NewReader(data), int64(len(data)), opts(func(o *Options) { o.BackoffBase, o.BackoffMax = time.Hour, time.Hour }))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 10*time.Second)

	// Spooling stops too.
	ctx4, cancel4 := context.WithCancel(context.Background())
	cancel4()
	_, err = Upload(ctx4, m, plain{bytes.NewReader(data)}, UnknownSize, nil)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestResume(t *testing.T) {
	ctx := context.Background()
	data := randomBytes(10*MinChunkSize+99, 8)
	size := int64(len(data))
	m := newMemTarget()
	m.fail = func(c Chunk, attempt int) error {
		if c.Index == 6 {
			return errors.New("the process died")
		}
		return nil
	}
	_, err := Upload(ctx, m, bytes.NewReader(data), size, opts(func(o *Options) { o.MaxRetries = -1 }))
	require.Error(t, err)
	st, ok := StateOf(err)
	require.True(t, ok)
	assert.Equal(t, int32(5), st.ChunksDone)
	assert.Equal(t, int64(5*MinChunkSize), st.Offset())

	// Through JSON, into a new uploader with other options: the state's
	// cut wins.
	js, err := json.Marshal(st)
	require.NoError(t, err)
	var st2 UploadState
	require.NoError(t, json.Unmarshal(js, &st2))
	m.fail = nil
	var prog []Progress
	res, err := Upload(ctx, m, bytes.NewReader(data), size, &Options{ChunkSize: 2 * MinChunkSize, Resume: &st2,
		Progress: func(p Progress) { prog = append(prog, p) }})
	require.NoError(t, err)
	assert.Equal(t, sha256.Sum256(data), res.SHA256)
	assert.Equal(t, int32(5), res.Resumed)
	assert.Equal(t, int32(11), res.Chunks)
	got, _ := m.file()
	assert.Equal(t, data, got)
	require.Len(t, prog, 6)
	assert.Equal(t, size, prog[5].Bytes)
	assert.Equal(t, 1, m.attempts[1], "chunks done are not sent again")

	// States that do not fit.
	good := *st
	for name, mod := range map[string]func(s *UploadState){
		"target":     func(s *UploadState) { s.Target = "other" },
		"size":       func(s *UploadState) { s.Size++ },
		"count":      func(s *UploadState) { s.ChunkCount = 0 },
		"cut":        func(s *UploadState) { s.ChunkCount = 3 },
		"small":      func(s *UploadState) { s.ChunkSize = 1 },
		"single":     func(s *UploadState) { s.ChunkCount, s.ChunksDone = 1, 0 },
		"done":       func(s *UploadState) { s.ChunksDone = s.ChunkCount },
		"negative":   func(s *UploadState) { s.ChunksDone = -1 },
		"hash state": func(s *UploadState) { s.SHA256State = []byte("nope") },
	} {
		s := good
		mod(&s)
		_, err := Upload(ctx, newMemTarget(), bytes.NewReader(data), size, &Options{Resume: &s})
		assert.ErrorIs(t, err, ErrStateMismatch, name)
	}
}

func TestResumeSingle(t *testing.T) {
	// A file below ChunkSize with Threshold < 0 is one chunk of ChunkSize:
	// its state resumes too.
	data := randomBytes(1000, 9)
	m := newMemTarget()
	m.fail = func(Chunk, int) error { return errors.New("down") }
	_, err := Upload(context.Background(), m, bytes.NewReader(data), 1000, opts(func(o *Options) { o.MaxRetries = -1 }))
	st, ok := StateOf(err)
	require.True(t, ok)
	assert.Equal(t, int64(MinChunkSize), st.ChunkSize)
	m.fail = nil
	res, err := Upload(context.Background(), m, bytes.NewReader(data), 1000, &Options{Resume: st})
	require.NoError(t, err)
	assert.Equal(t, sha256.Sum256(data), res.SHA256)
}

func TestErrorText(t *testing.T) {
	e := &Error{Chunk: 2, Count: 5, Err: fmt.Errorf("%w: 3 of 9 bytes", ErrShortRead)}
	assert.Equal(t, "chunkupload: chunk 2 of 5: the reader ended before the size given: 3 of 9 bytes", e.Error())
	_, ok := StateOf(errors.New("x"))
	assert.False(t, ok)
}

func TestMultipart(t *testing.T) {
	body, ct, n, err := Multipart("file", `dir/a "b".txt`, "", strings.NewReader("hello"), 5)
	require.NoError(t, err)
	all, err := io.ReadAll(body)
	require.NoError(t, err)
	assert.Equal(t, int64(len(all)), n)
	assert.Contains(t, ct, "multipart/form-data; boundary=")
	assert.Contains(t, string(all), "application/octet-stream")
	assert.Contains(t, string(all), "\r\n\r\nhello\r\n")
}

func TestSpoolFailure(t *testing.T) {
	_, err := Upload(context.Background(), newMemTarget(), strings.NewReader("x"), UnknownSize,
		&Options{SpoolDir: "/nonexistent/dir/for/spool"})
	assert.ErrorContains(t, err, "spooling")
}
