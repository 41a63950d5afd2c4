package iconect

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/pkg/chunkupload"
)

func TestNativeFiles(t *testing.T) {
	c, srv, pid, _ := jobTest(t, 2, time.Millisecond)
	ctx := context.Background()
	set, err := c.Projects.Settings(ctx, pid)
	require.NoError(t, err)
	native := set.FieldAssociations["NATIVEFIELD"]
	require.NotZero(t, native)
	recs, err := c.Records.List(ctx, pid, nil)
	require.NoError(t, err)
	require.Len(t, recs, 2)
	rid := *recs[0].ID

	content := "%PDF-1.4 a document"
	require.NoError(t, c.NativeFiles.Upload(ctx, pid, rid, native, "docs/a.pdf", strings.NewReader(content), int64(len(content)), &UploadOptions{ContentType: "application/pdf"}))
	got, ok := srv.NativeFile(pid, rid, native)
	require.True(t, ok)
	assert.Equal(t, content, string(got))

	items, err := c.FileStores.Items(ctx, pid, []int64{rid, *recs[1].ID})
	require.NoError(t, err)
	require.Len(t, items, 1, "only the record with a native file")
	assert.Equal(t, "a.pdf", deref(items[0].Filename))
	assert.Equal(t, int64(len(content)), items[0].FileSize)
	_, err = c.FileStores.Items(ctx, 999999, []int64{rid})
	assert.True(t, IsNotFound(err), "%v", err)

	require.NoError(t, c.NativeFiles.Delete(ctx, pid, rid, native))
	_, ok = srv.NativeFile(pid, rid, native)
	assert.False(t, ok)
	assert.True(t, IsNotFound(c.NativeFiles.Delete(ctx, pid, rid, native)), "already gone")

	err = c.NativeFiles.Upload(ctx, pid, 999999, native, "a.pdf", strings.NewReader("x"), 1, nil)
	assert.True(t, IsNotFound(err), "%v", err)
	err = c.NativeFiles.Upload(ctx, pid, rid, native, "a.pdf", strings.NewReader("x"), 5, nil)
	assert.ErrorIs(t, err, chunkupload.ErrShortRead)
	assert.True(t, IsNotFound(c.NativeFiles.Delete(ctx, pid, 999999, native)))

	r := strings.NewReader("x")
	for name, err := range map[string]error{
		"project": c.NativeFiles.Upload(ctx, 0, rid, native, "a", r, 1, nil),
		"record":  c.NativeFiles.Upload(ctx, pid, 0, native, "a", r, 1, nil),
		"field":   c.NativeFiles.Upload(ctx, pid, rid, -1, "a", r, 1, nil),
		"name":    c.NativeFiles.Upload(ctx, pid, rid, native, " ", r, 1, nil),
		"reader":  c.NativeFiles.Upload(ctx, pid, rid, native, "a", nil, 1, nil),
		"size":    c.NativeFiles.Upload(ctx, pid, rid, native, "a", r, -3, nil),
		"delete":  c.NativeFiles.Delete(ctx, pid, rid, 0),
	} {
		assert.True(t, IsValidation(err), "%s: %v", name, err)
	}
}
