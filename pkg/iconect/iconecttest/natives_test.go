package iconecttest

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nativeSetup returns the seeded project's record IDs, its native field and
// its DOCID field, read over the API where the API tells.
func nativeSetup(t *testing.T, s *Server, pid int64) (records []int64, native, docID int64) {
	t.Helper()
	code, body := call(t, s, "GET", fmt.Sprintf("/projects/%d/settings", pid), nil)
	require.Equal(t, http.StatusOK, code, "%s", body)
	settings := decode[gen.ProjectSettings](t, body).FieldAssociations
	s.tenant.mu.Lock()
	records = sortedKeys(s.tenant.projects[pid].records)
	s.tenant.mu.Unlock()
	require.Len(t, records, 2)
	return records, settings["NATIVEFIELD"], settings["DOCUMENTID"]
}

// recordValue reads one field value of a record over the API, with the
// record's version.
func recordValue(t *testing.T, s *Server, pid, rid, field int64) (any, int64) {
	t.Helper()
	code, body := call(t, s, "GET", fmt.Sprintf("/projects/%d/records/%d", pid, rid), nil)
	require.Equal(t, http.StatusOK, code, "%s", body)
	r := decode[gen.Record](t, body)
	return r.FieldData[strconv.FormatInt(field, 10)], *r.Version
}

func nativePath(pid, rid, field int64) string {
	return fmt.Sprintf("/projects/%d/records/%d/fields/%d/native", pid, rid, field)
}

func TestUploadNativeFile(t *testing.T) {
	s, pid := seededProject(t)
	defer s.Close()
	recs, native, docID := nativeSetup(t, s, pid)
	rid := recs[0]
	_, v0 := recordValue(t, s, pid, rid, native)

	code, body := sendFile(t, s, nativePath(pid, rid, native), `C:\Users\jsmith\memo.pdf`, "%PDF-1")
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Contains(t, okMessage(t, body), "memo.pdf")
	got, ok := s.NativeFile(pid, rid, native)
	require.True(t, ok)
	assert.Equal(t, "%PDF-1", string(got))
	value, v1 := recordValue(t, s, pid, rid, native)
	assert.Equal(t, "memo.pdf", value, "the record's native field names the file (its base name)")
	assert.Equal(t, v0+1, v1, "the record changed, so its version went up")

	// A chunked replacement, sent out of order.
	path := nativePath(pid, rid, native)
	code, body = sendFile(t, s, path+"?chunk_index=2&chunk_count=2", "memo2.pdf", "-two")
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Equal(t, "Chunk 2 of 2 received.", okMessage(t, body))
	code, body = sendFile(t, s, path+"?chunk_index=2&chunk_count=3", "memo2.pdf", "x")
	assert.Equal(t, http.StatusBadRequest, code, "chunk_count changed: %s", body)
	code, body = sendFile(t, s, path+"?chunk_index=1&chunk_count=2", "memo2.pdf", "one")
	require.Equal(t, http.StatusOK, code, "%s", body)
	got, _ = s.NativeFile(pid, rid, native)
	assert.Equal(t, "one-two", string(got))
	value, _ = recordValue(t, s, pid, rid, native)
	assert.Equal(t, "memo2.pdf", value)

	// Only the native field takes native files.
	code, body = sendFile(t, s, nativePath(pid, rid, docID), "a.pdf", "x")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, errorMessage(t, body), "native file field")
	// Unknown record, field or project: 404 before the body is read.
	code, body = sendFile(t, s, nativePath(pid, 999, native), "a.pdf", "x")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, errorMessage(t, body), "Record 999")
	code, body = sendFile(t, s, nativePath(pid, rid, 999), "a.pdf", "x")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, errorMessage(t, body), "Field 999")
	code, _ = sendFile(t, s, nativePath(99, rid, native), "a.pdf", "x")
	assert.Equal(t, http.StatusNotFound, code)

	// Bad bodies and chunk parameters.
	code, _ = sendFile(t, s, path+"?chunk_index=3&chunk_count=2", "a.pdf", "x")
	assert.Equal(t, http.StatusBadRequest, code)
	noFile, ctype := multipartBody(t, [2]string{`form-data; name="other"; filename="a.pdf"`, "x"})
	code, body = call(t, s, "POST", path, noFile, "Content-Type", ctype)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, errorMessage(t, body), "no file part")
	got, _ = s.NativeFile(pid, rid, native)
	assert.Equal(t, "one-two", string(got), "refused uploads change nothing")
}

// A chunk outside 1..chunk_count is a 400 from the handler (the spec sets
// no minimum: the docs show none).
func TestNativeUploadChunkBounds(t *testing.T) {
	s, pid := seededProject(t)
	defer s.Close()
	recs, native, _ := nativeSetup(t, s, pid)
	path := nativePath(pid, recs[0], native)
	for q, want := range map[string]string{
		"?chunk_index=0&chunk_count=3": "must be at least 1",
		"?chunk_index=1&chunk_count=0": "must be at least 1",
		"?chunk_index=4&chunk_count=3": "greater than chunk_count",
	} {
		code, body := sendFile(t, s, path+q, "a.pdf", "x")
		assert.Equal(t, http.StatusBadRequest, code, q)
		assert.Contains(t, errorMessage(t, body), want, q)
	}
	_, ok := s.NativeFile(pid, recs[0], native)
	assert.False(t, ok, "refused chunks store nothing")
}

func TestNativeUploadOfDeletedRecord(t *testing.T) {
	s, pid := seededProject(t)
	defer s.Close()
	recs, native, _ := nativeSetup(t, s, pid)
	path := nativePath(pid, recs[1], native)

	code, body := sendFile(t, s, path+"?chunk_index=1&chunk_count=2", "a.pdf", "one")
	require.Equal(t, http.StatusOK, code, "%s", body)
	s.tenant.mu.Lock()
	s.tenant.projects[pid].deleteRecord(recs[1])
	s.tenant.mu.Unlock()
	code, _ = sendFile(t, s, path+"?chunk_index=2&chunk_count=2", "a.pdf", "two")
	assert.Equal(t, http.StatusNotFound, code)
	_, ok := s.NativeFile(pid, recs[1], native)
	assert.False(t, ok)
}

func TestNativeUploadsExpire(t *testing.T) {
	clock := NewFakeClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	s, pid := seededProject(t, WithClock(clock))
	defer s.Close()
	recs, native, _ := nativeSetup(t, s, pid)
	path := nativePath(pid, recs[0], native)

	code, body := sendFile(t, s, path+"?chunk_index=1&chunk_count=2", "a.pdf", "one")
	require.Equal(t, http.StatusOK, code, "%s", body)
	clock.Advance(24 * time.Hour)
	code, body = sendFile(t, s, path+"?chunk_index=2&chunk_count=3", "a.pdf", "two")
	require.Equal(t, http.StatusOK, code, "the expired upload is gone, so a new count is fine: %s", body)
	assert.Equal(t, "Chunk 2 of 3 received.", okMessage(t, body))
	_, ok := s.NativeFile(pid, recs[0], native)
	assert.False(t, ok)
}

func TestDeleteNativeFile(t *testing.T) {
	s, pid := seededProject(t)
	defer s.Close()
	recs, native, docID := nativeSetup(t, s, pid)
	rid := recs[0]

	code, body := call(t, s, "DELETE", nativePath(pid, rid, native), nil)
	assert.Equal(t, http.StatusNotFound, code, "no file yet")
	assert.Contains(t, errorMessage(t, body), "no native file")

	code, body = sendFile(t, s, nativePath(pid, rid, native), "memo.pdf", "data")
	require.Equal(t, http.StatusOK, code, "%s", body)
	_, v1 := recordValue(t, s, pid, rid, native)

	code, _ = call(t, s, "DELETE", nativePath(pid, rid, docID), nil)
	assert.Equal(t, http.StatusNotFound, code, "another field holds no native file")
	code, _ = call(t, s, "DELETE", nativePath(pid, 999, native), nil)
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = call(t, s, "DELETE", nativePath(pid, rid, 999), nil)
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = call(t, s, "DELETE", nativePath(99, rid, native), nil)
	assert.Equal(t, http.StatusNotFound, code)

	code, body = call(t, s, "DELETE", nativePath(pid, rid, native), nil)
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.NotEmpty(t, okMessage(t, body))
	_, ok := s.NativeFile(pid, rid, native)
	assert.False(t, ok)
	value, v2 := recordValue(t, s, pid, rid, native)
	assert.Equal(t, "", value, "the native value is cleared")
	assert.Equal(t, v1+1, v2)

	code, _ = call(t, s, "DELETE", nativePath(pid, rid, native), nil)
	assert.Equal(t, http.StatusNotFound, code, "already deleted")
}

func TestGetFileStoreItems(t *testing.T) {
	clock := NewFakeClock(time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC))
	s, pid := seededProject(t, WithClock(clock))
	defer s.Close()
	recs, native, _ := nativeSetup(t, s, pid)
	nativeStore := storeID(t, s, pid, nativeStoreName)
	items := fmt.Sprintf("/projects/%d/filestores/items", pid)

	code, body := sendFile(t, s, nativePath(pid, recs[1], native), "scan.tif", "12345")
	require.Equal(t, http.StatusOK, code, "%s", body)

	code, body = call(t, s, "POST", items, map[string]any{"record_ids": []int64{recs[1], recs[0], 999, recs[1]}})
	require.Equal(t, http.StatusOK, code, "%s", body)
	got := decode[[]gen.FileStoreItem](t, body)
	require.Len(t, got, 1, "records without a native file, unknown records and repeats add nothing")
	assert.Equal(t, gen.FileStoreItem{
		ObjectID: recs[1], FieldID: native, StoreID: nativeStore, FileSize: 5,
		Filename:     ptr("scan.tif"),
		Locator:      ptr(fmt.Sprintf("natives/%d/%d/scan.tif", recs[1], native)),
		CreationTime: ptr("2026-03-01T09:30:00Z"),
		LastAccessed: ptr("2026-03-01T09:30:00Z"),
	}, got[0])

	code, body = call(t, s, "POST", items, map[string]any{"record_ids": []int64{recs[0]}})
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Equal(t, "[]", string(trimNewline(body)), "an empty list, not null")

	code, _ = call(t, s, "POST", "/projects/99/filestores/items", map[string]any{"record_ids": []int64{1}})
	assert.Equal(t, http.StatusNotFound, code)
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
