package chunkupload_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/chunkupload"
	"github.com/iconect-go/iconect-go/pkg/iconect"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// These tests upload through the SDK (pkg/iconect's targets) to the fake
// tenant, which reassembles chunks as iCONECT does.

type tenant struct {
	srv          *iconecttest.Server
	pid, store   int64
	record, name int64 // a record and the native file field
}

func newTenant(t *testing.T, opts ...iconecttest.Option) *tenant {
	t.Helper()
	opts = append([]iconecttest.Option{iconecttest.WithProject(iconecttest.SeedProject{Name: "Matter", Fields: []string{"Title"},
		Records: []map[string]string{{"Title": "Memo"}}})}, opts...)
	srv := iconecttest.NewServer(opts...)
	t.Cleanup(srv.Close)
	pid, ok := srv.ProjectID("Matter")
	require.True(t, ok)
	c := newClient(t, srv)
	ctx := context.Background()
	stores, err := c.FileStores.List(ctx, pid)
	require.NoError(t, err)
	set, err := c.Projects.Settings(ctx, pid)
	require.NoError(t, err)
	recs, err := c.Records.List(ctx, pid, nil)
	require.NoError(t, err)
	return &tenant{srv: srv, pid: pid, store: stores[0].ID, record: *recs[0].ID, name: set.FieldAssociations["NATIVEFIELD"]}
}

// newClient is a new SDK client: a new uploader, as another process has.
func newClient(t *testing.T, srv *iconecttest.Server) *iconect.Client {
	t.Helper()
	c, err := iconect.NewClient(srv.URL, iconect.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: srv.AccessToken()})))
	require.NoError(t, err)
	return c
}

func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	x := uint32(seed) + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

const minChunk = chunkupload.MinChunkSize

func chunked(mod func(o *iconect.UploadOptions)) *iconect.UploadOptions {
	o := &iconect.UploadOptions{ChunkSize: minChunk, Threshold: minChunk, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond}
	if mod != nil {
		mod(o)
	}
	return o
}

func TestSDKOneAndManyChunks(t *testing.T) {
	tn := newTenant(t)
	c := newClient(t, tn.srv)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		size   int
		opts   *iconect.UploadOptions
		chunks int32
	}{
		{"one", 3*minChunk + 5, nil, 1},
		{"many", 7*minChunk + 5, chunked(nil), 8},
		{"exact", 4 * minChunk, chunked(nil), 4},
	} {
		data := pattern(tc.size, byte(tc.size))
		before := tn.srv.RequestCount("uploadFileStoreFile")
		res, err := c.FileStores.UploadFile(ctx, tn.pid, tn.store, "in/"+tc.name+".bin", bytes.NewReader(data), int64(len(data)), tc.opts)
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.chunks, res.Chunks, tc.name)
		assert.Equal(t, int(tc.chunks), tn.srv.RequestCount("uploadFileStoreFile")-before, tc.name)
		stored, ok := tn.srv.StoredFile(tn.pid, tn.store, "in/"+tc.name+".bin")
		require.True(t, ok, tc.name)
		assert.Equal(t, sha256.Sum256(stored), res.SHA256, tc.name)
		assert.Equal(t, sha256.Sum256(data), res.SHA256, tc.name)

		// The same through uploadNativeFile, from a plain io.Reader.
		res, err = c.NativeFiles.UploadFile(ctx, tn.pid, tn.record, tn.name, tc.name+".pdf", io.MultiReader(bytes.NewReader(data)), int64(len(data)), tc.opts)
		require.NoError(t, err, tc.name)
		native, ok := tn.srv.NativeFile(tn.pid, tn.record, tn.name)
		require.True(t, ok)
		assert.Equal(t, sha256.Sum256(native), res.SHA256, tc.name)
		assert.Equal(t, tc.chunks, res.Chunks, tc.name)
	}
}

// TestSDKFaults: 20 uploads of 32 chunks each, with 20 % of the chunk
// requests answered 503. A chunk fails for good only after 1+8 failures:
// 0.2⁹ ≈ 5·10⁻⁷ per chunk, ≈ 3·10⁻⁴ over the 640 chunks (and the seed
// makes the run repeatable).
func TestSDKFaults(t *testing.T) {
	for _, f := range []iconecttest.Fault{
		{Operation: "uploadFileStoreFile", Kind: iconecttest.FaultStatus, Status: 503, Rate: 0.2},
		{Operation: "uploadFileStoreFile", Kind: iconecttest.FaultDropAfter, Rate: 0.2},
	} {
		uploads := 20
		if f.Kind != iconecttest.FaultStatus {
			uploads = 3 // a lost answer: the chunk arrived, its repeat replaces it
		}
		tn := newTenant(t, iconecttest.WithSeed(42), iconecttest.WithFaults(f))
		c := newClient(t, tn.srv)
		retries := 0
		for i := range uploads {
			data := pattern(31*minChunk+1000+i, byte(i))
			path := "faults/" + strconv.Itoa(i) + ".bin"
			res, err := c.FileStores.UploadFile(context.Background(), tn.pid, tn.store, path, bytes.NewReader(data), int64(len(data)),
				chunked(func(o *iconect.UploadOptions) { o.MaxRetries = 8 }))
			require.NoError(t, err, "upload %d", i)
			require.Equal(t, int32(32), res.Chunks)
			stored, ok := tn.srv.StoredFile(tn.pid, tn.store, path)
			require.True(t, ok)
			require.Equal(t, sha256.Sum256(data), sha256.Sum256(stored), "upload %d", i)
			require.Equal(t, sha256.Sum256(data), res.SHA256)
			retries += res.Retries
		}
		t.Logf("fault %v: %d uploads, %d chunk requests, %d retries", f.Kind, uploads, tn.srv.RequestCount("uploadFileStoreFile"), retries)
		assert.Greater(t, retries, uploads*32/10, "the faults happened")
	}
}

func TestSDKResume(t *testing.T) {
	tn := newTenant(t, iconecttest.WithFaults(iconecttest.Fault{Operation: "uploadFileStoreFile", Kind: iconecttest.FaultStatus,
		Status: 500, Requests: []int{13, 14, 15}}))
	dir := t.TempDir()
	data := pattern(31*minChunk+77, 9)
	src := filepath.Join(dir, "production.bin")
	require.NoError(t, os.WriteFile(src, data, 0o600))
	ctx := context.Background()

	// The first process: fails at chunk 13 after its retries and saves
	// the state.
	f, err := os.Open(src)
	require.NoError(t, err)
	_, err = newClient(t, tn.srv).FileStores.UploadFile(ctx, tn.pid, tn.store, "prod/p.bin", f, int64(len(data)),
		chunked(func(o *iconect.UploadOptions) { o.MaxRetries = 2 }))
	require.NoError(t, f.Close())
	require.Error(t, err)
	assert.True(t, errors.As(err, new(*iconect.Error)), "the API's answer is in the chain: %v", err)
	st, ok := chunkupload.StateOf(err)
	require.True(t, ok)
	assert.Equal(t, int32(12), st.ChunksDone)
	js, err := json.Marshal(st)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "state.json"), js, 0o600))
	_, ok = tn.srv.StoredFile(tn.pid, tn.store, "prod/p.bin")
	assert.False(t, ok, "not complete")

	// A plain reader cannot resume.
	var st2 chunkupload.UploadState
	js, err = os.ReadFile(filepath.Join(dir, "state.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(js, &st2))
	c := newClient(t, tn.srv)
	_, err = c.FileStores.UploadFile(ctx, tn.pid, tn.store, "prod/p.bin", io.MultiReader(bytes.NewReader(data)), int64(len(data)),
		&iconect.UploadOptions{Resume: &st2})
	assert.ErrorIs(t, err, chunkupload.ErrNeedReaderAt)
	assert.ErrorContains(t, err, "io.ReaderAt")
	// Another path is another upload.
	_, err = c.FileStores.UploadFile(ctx, tn.pid, tn.store, "prod/other.bin", bytes.NewReader(data), int64(len(data)), &iconect.UploadOptions{Resume: &st2})
	assert.ErrorIs(t, err, chunkupload.ErrStateMismatch)

	// The second process: a new client and uploader, from the saved state.
	f, err = os.Open(src)
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	before := tn.srv.RequestCount("uploadFileStoreFile")
	var prog []chunkupload.Progress
	res, err := c.FileStores.UploadFile(ctx, tn.pid, tn.store, "prod/p.bin", f, int64(len(data)), &iconect.UploadOptions{Resume: &st2,
		BackoffBase: time.Millisecond, Progress: func(p chunkupload.Progress) { prog = append(prog, p) }})
	require.NoError(t, err)
	assert.Equal(t, int32(12), res.Resumed)
	assert.Equal(t, 20, tn.srv.RequestCount("uploadFileStoreFile")-before, "chunks 13..32 only")
	stored, ok := tn.srv.StoredFile(tn.pid, tn.store, "prod/p.bin")
	require.True(t, ok)
	assert.Equal(t, sha256.Sum256(data), sha256.Sum256(stored))
	assert.Equal(t, sha256.Sum256(data), res.SHA256, "the hash continued from the state")
	require.Len(t, prog, 20)
	assert.Equal(t, int64(len(data)), prog[19].Bytes)
}

func TestSDKShortReaderAndProgress(t *testing.T) {
	tn := newTenant(t)
	c := newClient(t, tn.srv)
	ctx := context.Background()
	data := pattern(10*minChunk+3, 3)

	_, err := c.FileStores.UploadFile(ctx, tn.pid, tn.store, "short.bin", bytes.NewReader(data[:6*minChunk+1]), int64(len(data)), chunked(nil))
	require.ErrorIs(t, err, chunkupload.ErrShortRead)
	var e *chunkupload.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, int32(7), e.Chunk)
	_, ok := tn.srv.StoredFile(tn.pid, tn.store, "short.bin")
	assert.False(t, ok)
	_, err = c.NativeFiles.UploadFile(ctx, tn.pid, tn.record, tn.name, "short.pdf", io.MultiReader(bytes.NewReader(data[:5])), int64(len(data)), chunked(nil))
	require.ErrorIs(t, err, chunkupload.ErrShortRead)

	var prog []chunkupload.Progress
	res, err := c.FileStores.UploadFile(ctx, tn.pid, tn.store, "p.bin", bytes.NewReader(data), int64(len(data)),
		chunked(func(o *iconect.UploadOptions) { o.Progress = func(p chunkupload.Progress) { prog = append(prog, p) } }))
	require.NoError(t, err)
	require.Len(t, prog, 11)
	for i, p := range prog {
		assert.Equal(t, int32(i+1), p.Chunks)
		assert.Equal(t, int32(11), p.ChunkCount)
		assert.Equal(t, int64(len(data)), p.Size)
		if i > 0 {
			assert.Greater(t, p.Bytes, prog[i-1].Bytes)
		}
	}
	assert.Equal(t, int64(len(data)), prog[10].Bytes)
	assert.Equal(t, res.Chunks, prog[10].Chunks)
}

func TestSDKPermanentError(t *testing.T) {
	tn := newTenant(t)
	c := newClient(t, tn.srv)
	data := pattern(3*minChunk, 4)
	before := tn.srv.RequestCount("uploadFileStoreFile")
	_, err := c.FileStores.UploadFile(context.Background(), tn.pid, 999999, "x.bin", bytes.NewReader(data), int64(len(data)), chunked(nil))
	assert.True(t, iconect.IsNotFound(err), "%v", err)
	assert.Equal(t, 1, tn.srv.RequestCount("uploadFileStoreFile")-before, "a 404 is not retried")
}
