package chunkupload

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
)

// Multipart frames size bytes of r as a multipart/form-data body with one
// file part (form field field, file name filename, media type
// contentType, default application/octet-stream). It returns the body,
// its Content-Type (with the boundary) and its exact length, for the
// Content-Length.
//
// The framing is made up front and r streamed between it
// (io.MultiReader): the body costs a few hundred bytes of memory, not the
// chunk, needs no goroutine, and its length is known.
func Multipart(field, filename, contentType string, r io.Reader, size int64) (body io.Reader, formType string, length int64, err error) {
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", multipart.FileContentDisposition(field, filename))
	h.Set("Content-Type", contentType)
	if _, err := mw.CreatePart(h); err != nil {
		return nil, "", 0, fmt.Errorf("chunkupload: multipart framing: %w", err)
	}
	head := bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := mw.Close(); err != nil {
		return nil, "", 0, fmt.Errorf("chunkupload: multipart framing: %w", err)
	}
	tail := bytes.Clone(buf.Bytes())
	return io.MultiReader(bytes.NewReader(head), r, bytes.NewReader(tail)), mw.FormDataContentType(),
		int64(len(head)) + size + int64(len(tail)), nil
}
