package iconect

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/chunkupload"
)

func TestFileStores(t *testing.T) {
	c, _, pid, _ := jobTest(t, 0, time.Millisecond)
	ctx := context.Background()

	stores, err := c.FileStores.List(ctx, pid)
	require.NoError(t, err)
	require.Len(t, stores, 2)
	assert.Equal(t, "General", deref(stores[0].Name))
	fs, err := c.FileStores.Get(ctx, pid, stores[1].ID)
	require.NoError(t, err)
	assert.Equal(t, stores[1].Name, fs.Name)

	_, err = c.FileStores.List(ctx, 999999)
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.FileStores.Get(ctx, pid, 999999)
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.FileStores.named(ctx, pid, "Nope")
	assert.ErrorContains(t, err, `no file store named "Nope"`)
	_, err = c.FileStores.named(ctx, 999999, "General")
	assert.True(t, IsNotFound(err), "%v", err)

	for name, call := range map[string]func() error{
		"list":       func() error { _, err := c.FileStores.List(ctx, 0); return err },
		"get":        func() error { _, err := c.FileStores.Get(ctx, pid, 0); return err },
		"get p":      func() error { _, err := c.FileStores.Get(ctx, 0, 1); return err },
		"items p":    func() error { _, err := c.FileStores.Items(ctx, 0, []int64{1}); return err },
		"items none": func() error { _, err := c.FileStores.Items(ctx, pid, nil); return err },
		"items zero": func() error { _, err := c.FileStores.Items(ctx, pid, []int64{1, 0}); return err },
	} {
		assert.True(t, IsValidation(call()), name)
	}
}

func TestFileStoresUpload(t *testing.T) {
	c, srv, pid, _ := jobTest(t, 0, time.Millisecond)
	ctx := context.Background()
	store := generalStore(t, c, pid)
	var lengths []int64
	c2, err := NewClient(srv.URL, WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: srv.AccessToken()})), WithRetryPolicy(NoRetry),
		WithMiddleware(func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			lengths = append(lengths, req.ContentLength)
			return next(req)
		}))
	require.NoError(t, err)

	content := strings.Repeat("0123456789", 10000)
	require.NoError(t, c2.FileStores.Upload(ctx, pid, store, `dir\sub/"quoted" name.txt`, strings.NewReader(content), int64(len(content)), nil))
	got, ok := srv.StoredFile(pid, store, `dir/sub/"quoted" name.txt`)
	require.True(t, ok)
	assert.Equal(t, content, string(got))
	require.Len(t, lengths, 1)
	assert.Greater(t, lengths[0], int64(len(content)), "the Content-Length is the whole multipart body")

	// Unknown size: spooled to a temporary file, then sent with its length.
	res, err := c2.FileStores.UploadFile(ctx, pid, store, "unknown.bin", io.MultiReader(strings.NewReader("abc")), -1, nil)
	require.NoError(t, err)
	got, _ = srv.StoredFile(pid, store, "unknown.bin")
	assert.Equal(t, "abc", string(got))
	assert.Greater(t, lengths[1], int64(3))
	assert.Equal(t, sha256.Sum256([]byte("abc")), res.SHA256)
	_, err = c2.FileStores.UploadFile(ctx, pid, store, "refused.bin", io.MultiReader(strings.NewReader("abc")), -1,
		&UploadOptions{UnknownSize: chunkupload.RefuseUnknownSize})
	assert.ErrorIs(t, err, chunkupload.ErrUnknownSize)

	// A reader longer than size is refused (io.LimitReader or an
	// io.SectionReader sends part of one); an empty file is a file.
	err = c.FileStores.Upload(ctx, pid, store, "cut.txt", strings.NewReader("abcdef"), 3, nil)
	assert.ErrorIs(t, err, chunkupload.ErrLongRead)
	require.NoError(t, c.FileStores.Upload(ctx, pid, store, "cut.txt", io.LimitReader(strings.NewReader("abcdef"), 3), 3, nil))
	got, _ = srv.StoredFile(pid, store, "cut.txt")
	assert.Equal(t, "abc", string(got))
	require.NoError(t, c.FileStores.Upload(ctx, pid, store, "empty.txt", bytes.NewReader(nil), 0, nil))
	got, ok = srv.StoredFile(pid, store, "empty.txt")
	assert.True(t, ok)
	assert.Empty(t, got)

	// A reader shorter than size, or failing, is reported as such.
	err = c.FileStores.Upload(ctx, pid, store, "short.txt", strings.NewReader("ab"), 10, nil)
	assert.ErrorIs(t, err, chunkupload.ErrShortRead)
	assert.ErrorContains(t, err, "uploadFileStoreFile")
	boom := iotest.ErrReader(io.ErrClosedPipe)
	err = c.FileStores.Upload(ctx, pid, store, "boom.txt", boom, -1, nil)
	assert.ErrorIs(t, err, io.ErrClosedPipe)
	err = c.FileStores.Upload(ctx, pid, store, "boom.txt", iotest.ErrReader(io.ErrClosedPipe), 10, nil)
	assert.ErrorIs(t, err, io.ErrClosedPipe)
	_, ok = srv.StoredFile(pid, store, "boom.txt")
	assert.False(t, ok)

	err = c.FileStores.Upload(ctx, pid, 999999, "a.txt", strings.NewReader("a"), 1, nil)
	assert.True(t, IsNotFound(err), "%v", err)
	err = c.FileStores.Upload(ctx, 999999, store, "a.txt", strings.NewReader("a"), 1, nil)
	assert.True(t, IsNotFound(err), "%v", err)

	r := strings.NewReader("a")
	before := srv.RequestCount("uploadFileStoreFile")
	for _, bad := range []struct {
		pid, store int64
		path       string
		r          io.Reader
		size       int64
	}{
		{0, store, "a", r, 1}, {pid, 0, "a", r, 1}, {pid, store, "", r, 1}, {pid, store, "/abs", r, 1},
		{pid, store, `C:\x`, r, 1}, {pid, store, "a/../b", r, 1}, {pid, store, "dir/", r, 1},
		{pid, store, "a\x00b", r, 1}, {pid, store, "a", nil, 1}, {pid, store, "a", r, -2},
	} {
		err := c.FileStores.Upload(ctx, bad.pid, bad.store, bad.path, bad.r, bad.size, nil)
		assert.True(t, IsValidation(err), "%+v: %v", bad, err)
	}
	_, err = c.FileStores.UploadFile(ctx, pid, store, "a", r, 1, &UploadOptions{ChunkSize: 1})
	assert.ErrorIs(t, err, chunkupload.ErrOptions)
	assert.Equal(t, before, srv.RequestCount("uploadFileStoreFile"), "nothing invalid is sent")
}
