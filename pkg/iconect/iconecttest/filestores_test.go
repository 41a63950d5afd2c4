package iconecttest

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// multipartBody builds a multipart/form-data body. Each part is a raw
// Content-Disposition and its content, so a test can send any filename,
// directories and backslashes included.
func multipartBody(t *testing.T, parts ...[2]string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		pw, err := w.CreatePart(textproto.MIMEHeader{
			"Content-Disposition": {p[0]},
			"Content-Type":        {"application/octet-stream"},
		})
		require.NoError(t, err)
		_, err = pw.Write([]byte(p[1]))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return buf.Bytes(), w.FormDataContentType()
}

// fileDisposition is the Content-Disposition of a part named file with this raw filename.
func fileDisposition(name string) string {
	return fmt.Sprintf(`form-data; name="file"; filename="%s"`, name)
}

// sendFile posts one file part with this raw filename and content to path.
func sendFile(t *testing.T, s *Server, path, filename, content string) (int, []byte) {
	t.Helper()
	body, ctype := multipartBody(t, [2]string{fileDisposition(filename), content})
	return call(t, s, "POST", path, body, "Content-Type", ctype)
}

// okMessage returns the iconect_ok of an answer.
func okMessage(t *testing.T, b []byte) string {
	t.Helper()
	m := decode[map[string]string](t, b)
	require.Contains(t, m, "iconect_ok", "body: %s", b)
	return m["iconect_ok"]
}

// storeID finds a project's file store by name over the API.
func storeID(t *testing.T, s *Server, pid int64, name string) int64 {
	t.Helper()
	code, body := call(t, s, "GET", fmt.Sprintf("/projects/%d/filestores", pid), nil)
	require.Equal(t, http.StatusOK, code, "%s", body)
	for _, fs := range decode[[]gen.FileStore](t, body) {
		if fs.Name != nil && *fs.Name == name {
			return fs.ID
		}
	}
	t.Fatalf("no file store %q in project %d", name, pid)
	return 0
}

func seededProject(t *testing.T, opts ...Option) (*Server, int64) {
	t.Helper()
	opts = append(opts, WithProject(SeedProject{
		Name: "Uploads", Fields: []string{"Title"},
		Records: []map[string]string{{"Title": "one"}, {"Title": "two"}},
	}))
	s := NewServer(opts...)
	pid, ok := s.ProjectID("Uploads")
	require.True(t, ok)
	return s, pid
}

func TestListAndGetFileStores(t *testing.T) {
	s, pid := seededProject(t)
	defer s.Close()

	code, body := call(t, s, "GET", fmt.Sprintf("/projects/%d/filestores", pid), nil)
	require.Equal(t, http.StatusOK, code, "%s", body)
	stores := decode[[]gen.FileStore](t, body)
	require.Len(t, stores, 2)
	assert.Equal(t, "General", *stores[0].Name)
	assert.Equal(t, nativeStoreName, *stores[1].Name)
	assert.Less(t, stores[0].ID, stores[1].ID, "listed in ID order")

	code, body = call(t, s, "GET", fmt.Sprintf("/projects/%d/filestores/%d", pid, stores[1].ID), nil)
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Equal(t, stores[1], decode[gen.FileStore](t, body))

	code, body = call(t, s, "GET", fmt.Sprintf("/projects/%d/filestores/99", pid), nil)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, errorMessage(t, body), "File store 99")
	code, _ = call(t, s, "GET", "/projects/99/filestores", nil)
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = call(t, s, "GET", fmt.Sprintf("/projects/99/filestores/%d", stores[0].ID), nil)
	assert.Equal(t, http.StatusNotFound, code)
}

func TestUploadFileStoreFileSingle(t *testing.T) {
	s, pid := seededProject(t)
	defer s.Close()
	sid := storeID(t, s, pid, "General")
	path := fmt.Sprintf("/projects/%d/filestores/%d/upload", pid, sid)

	code, body := sendFile(t, s, path, "Content/csv.csv", "a,b\n1,2\n")
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Equal(t, "File Content/csv.csv uploaded.", okMessage(t, body))
	got, ok := s.StoredFile(pid, sid, "Content/csv.csv")
	require.True(t, ok, "the directories of the filename are kept")
	assert.Equal(t, "a,b\n1,2\n", string(got))
	_, ok = s.StoredFile(pid, sid, "csv.csv")
	assert.False(t, ok)

	// Backslashes are directory separators; a second upload replaces the file.
	code, body = sendFile(t, s, path, `Content\csv.csv`, "replaced")
	require.Equal(t, http.StatusOK, code, "%s", body)
	got, _ = s.StoredFile(pid, sid, "Content/csv.csv")
	assert.Equal(t, "replaced", string(got))

	// Other parts, before and after, are ignored.
	multi, ctype := multipartBody(t,
		[2]string{`form-data; name="note"`, "ignored"},
		[2]string{fileDisposition("top.txt"), "top"},
		[2]string{`form-data; name="other"; filename="x.txt"`, "ignored too"})
	code, body = call(t, s, "POST", path, multi, "Content-Type", ctype)
	require.Equal(t, http.StatusOK, code, "%s", body)
	got, _ = s.StoredFile(pid, sid, "top.txt")
	assert.Equal(t, "top", string(got))

	// An empty file is a file.
	code, body = sendFile(t, s, path, "empty.txt", "")
	require.Equal(t, http.StatusOK, code, "%s", body)
	got, ok = s.StoredFile(pid, sid, "empty.txt")
	assert.True(t, ok)
	assert.Empty(t, got)
}

func TestUploadFileStoreFileChunks(t *testing.T) {
	s, pid := seededProject(t)
	defer s.Close()
	sid := storeID(t, s, pid, "General")
	base := fmt.Sprintf("/projects/%d/filestores/%d/upload", pid, sid)
	chunk := func(i, n int) string { return fmt.Sprintf("%s?chunk_index=%d&chunk_count=%d", base, i, n) }

	code, body := sendFile(t, s, chunk(3, 3), "big/file.bin", "CCC")
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Equal(t, "Chunk 3 of 3 received.", okMessage(t, body))
	code, body = sendFile(t, s, chunk(1, 3), "big/file.bin", "xxx")
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Equal(t, "Chunk 1 of 3 received.", okMessage(t, body))
	code, body = sendFile(t, s, chunk(1, 3), "big/file.bin", "AAA")
	require.Equal(t, http.StatusOK, code, "a repeated chunk replaces the earlier one: %s", body)
	_, ok := s.StoredFile(pid, sid, "big/file.bin")
	assert.False(t, ok, "not stored before every chunk is there")

	// Another identity does not mix in.
	code, body = sendFile(t, s, chunk(2, 3), "big/other.bin", "zzz")
	require.Equal(t, http.StatusOK, code, "%s", body)

	code, body = sendFile(t, s, chunk(2, 3), "big/file.bin", "BBB")
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Equal(t, "File big/file.bin uploaded.", okMessage(t, body))
	got, ok := s.StoredFile(pid, sid, "big/file.bin")
	require.True(t, ok)
	assert.Equal(t, "AAABBBCCC", string(got))

	// The upload was dropped: the same identity starts afresh, with any count.
	code, body = sendFile(t, s, chunk(1, 2), "big/file.bin", "new")
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Equal(t, "Chunk 1 of 2 received.", okMessage(t, body))
	got, _ = s.StoredFile(pid, sid, "big/file.bin")
	assert.Equal(t, "AAABBBCCC", string(got), "the earlier file stays until the new one is complete")

	// A chunk_count that changes mid-upload is refused; the upload survives.
	code, body = sendFile(t, s, chunk(2, 4), "big/file.bin", "bad")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, errorMessage(t, body), "chunk_count")
	code, body = sendFile(t, s, base, "big/file.bin", "single")
	assert.Equal(t, http.StatusBadRequest, code, "the default count 1 differs too: %s", body)
	code, body = sendFile(t, s, chunk(2, 2), "big/file.bin", "-end")
	require.Equal(t, http.StatusOK, code, "%s", body)
	got, _ = s.StoredFile(pid, sid, "big/file.bin")
	assert.Equal(t, "new-end", string(got))

	// chunk_index beyond chunk_count, or below 1.
	code, body = sendFile(t, s, chunk(4, 3), "big/x.bin", "x")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, errorMessage(t, body), "chunk_index")
	code, _ = sendFile(t, s, base+"?chunk_index=2", "big/x.bin", "x")
	assert.Equal(t, http.StatusBadRequest, code, "index 2 of the default count 1")
	// The spec sets no minimum (the docs show none): the handler refuses.
	for _, q := range []string{chunk(0, 3), chunk(-1, 3), chunk(1, 0), base + "?chunk_index=0"} {
		code, body = sendFile(t, s, q, "big/x.bin", "x")
		assert.Equal(t, http.StatusBadRequest, code, q)
		assert.Contains(t, errorMessage(t, body), "must be at least 1", q)
	}
}

func TestUploadFileStoreFileBadInput(t *testing.T) {
	s, pid := seededProject(t)
	defer s.Close()
	sid := storeID(t, s, pid, "General")
	path := fmt.Sprintf("/projects/%d/filestores/%d/upload", pid, sid)

	for _, name := range []string{"../x", "a/../../x", `..\x`, "/abs", `\\server\share\x`, `C:\x`, "c:x", "dir/", "."} {
		code, body := sendFile(t, s, path, name, "data")
		assert.Equal(t, http.StatusBadRequest, code, "filename %q", name)
		assert.NotEmpty(t, errorMessage(t, body), "filename %q", name)
	}
	// "./a//b" is a plain relative path, cleaned.
	code, body := sendFile(t, s, path, "./a//b.txt", "ok")
	require.Equal(t, http.StatusOK, code, "%s", body)
	_, ok := s.StoredFile(pid, sid, "a/b.txt")
	assert.True(t, ok)

	// (A file part without a filename is accepted: TestSpecRules.)

	// No part named file at all.
	noFile, ctype := multipartBody(t, [2]string{`form-data; name="upload"; filename="a.txt"`, "data"})
	code, body = call(t, s, "POST", path, noFile, "Content-Type", ctype)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, errorMessage(t, body), "no file part")
	empty, ctype := multipartBody(t)
	code, _ = call(t, s, "POST", path, empty, "Content-Type", ctype)
	assert.Equal(t, http.StatusBadRequest, code)

	// A body that is not multipart despite its media type.
	code, body = call(t, s, "POST", path, "not multipart at all", "Content-Type", "multipart/form-data; boundary=xyz")
	assert.Equal(t, http.StatusBadRequest, code, "%s", body)
	assert.NotEmpty(t, errorMessage(t, body))

	code, body = call(t, s, "POST", path, "x", "Content-Type", "multipart/form-data")
	assert.Equal(t, http.StatusBadRequest, code, "no boundary: %s", body)

	// A part cut short.
	cut := "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nabc"
	code, body = call(t, s, "POST", path, cut, "Content-Type", "multipart/form-data; boundary=xyz")
	assert.Equal(t, http.StatusBadRequest, code, "%s", body)

	// Unknown project or store: 404, whatever the body.
	code, body = sendFile(t, s, fmt.Sprintf("/projects/%d/filestores/99/upload", pid), "a.txt", "x")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, errorMessage(t, body), "File store 99")
	code, _ = sendFile(t, s, fmt.Sprintf("/projects/99/filestores/%d/upload", sid), "../a.txt", "x")
	assert.Equal(t, http.StatusNotFound, code)
}

func TestUnfinishedUploadsExpire(t *testing.T) {
	clock := NewFakeClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	s, pid := seededProject(t, WithClock(clock))
	defer s.Close()
	sid := storeID(t, s, pid, "General")
	base := fmt.Sprintf("/projects/%d/filestores/%d/upload", pid, sid)

	code, body := sendFile(t, s, base+"?chunk_index=1&chunk_count=2", "a.bin", "old")
	require.Equal(t, http.StatusOK, code, "%s", body)
	code, body = sendFile(t, s, base+"?chunk_index=1&chunk_count=2", "b.bin", "b1")
	require.Equal(t, http.StatusOK, code, "%s", body)

	clock.Advance(23 * time.Hour)
	code, _ = sendFile(t, s, base+"?chunk_index=1&chunk_count=2", "c.bin", "c1")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, 3, uploadsInProgress(s, pid), "nothing expires before the TTL")

	clock.Advance(time.Hour)
	// Touching another identity discards every expired upload.
	code, _ = sendFile(t, s, base+"?chunk_index=2&chunk_count=2", "c.bin", "c2")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, 0, uploadsInProgress(s, pid), "a.bin and b.bin expired; c.bin completed")
	got, _ := s.StoredFile(pid, sid, "c.bin")
	assert.Equal(t, "c1c2", string(got))

	// The expired a.bin starts afresh: its first chunk is gone, and a new
	// count is allowed.
	code, body = sendFile(t, s, base+"?chunk_index=2&chunk_count=3", "a.bin", "new2")
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Equal(t, "Chunk 2 of 3 received.", okMessage(t, body))
	_, ok := s.StoredFile(pid, sid, "a.bin")
	assert.False(t, ok)
}

// uploadsInProgress counts a project's unfinished uploads.
func uploadsInProgress(s *Server, pid int64) int {
	s.tenant.mu.Lock()
	defer s.tenant.mu.Unlock()
	return len(s.tenant.projects[pid].uploads)
}

func TestStorePathAndBaseName(t *testing.T) {
	for in, want := range map[string]string{
		"a.txt": "a.txt", `Content\csv.csv`: "Content/csv.csv", "a/./b": "a/b", "dir..x/y": "dir..x/y",
	} {
		got, err := storePath(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	for _, in := range []string{"", "/a", "a/../b", "Z:/a", "a\x00b", "a/"} {
		_, err := storePath(in)
		assert.Error(t, err, "%q", in)
	}
	for in, want := range map[string]string{"a.pdf": "a.pdf", `C:\docs\a.pdf`: "a.pdf", "x/y/z.msg": "z.msg",
		"": defaultFileName, "dir/": defaultFileName, "..": defaultFileName, "a/.": defaultFileName, "a\x00": defaultFileName} {
		assert.Equal(t, want, baseName(in), "%q", in)
	}
	_, _, err := filePart(nil)
	assert.Error(t, err)
	err = bodyError(&http.MaxBytesError{Limit: maxBody})
	assert.Equal(t, http.StatusBadRequest, err.(*apiError).status)
	assert.Contains(t, err.Error(), "larger than")
	assert.True(t, strings.HasPrefix(chunkReceived(chunk{index: 1, count: 2}), "Chunk 1 of 2"))
}
