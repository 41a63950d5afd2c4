package iconecttest

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
	"time"
)

// chunk is what one upload request carries: its place in the file and the
// file part's bytes and name.
type chunk struct {
	index, count int32
	name         string // the part's filename, from the raw Content-Disposition
	data         []byte
}

// chunkParams applies the defaults of chunk_index and chunk_count (1 each)
// and checks that the index lies within the count.
func chunkParams(index, count *int32) (int32, int32, error) {
	i, n := int32(1), int32(1)
	if index != nil {
		i = *index
	}
	if count != nil {
		n = *count
	}
	if i < 1 || n < 1 {
		return 0, 0, badRequest("chunk_index and chunk_count must be at least 1.")
	}
	if i > n {
		return 0, 0, badRequest("chunk_index %d is greater than chunk_count %d.", i, n)
	}
	return i, n, nil
}

// readChunk reads the chunk parameters and streams the body to its part
// named file. The body is read once, and only up to that part.
func readChunk(body *multipart.Reader, index, count *int32) (chunk, error) {
	i, n, err := chunkParams(index, count)
	if err != nil {
		return chunk{}, err
	}
	name, data, err := filePart(body)
	if err != nil {
		return chunk{}, err
	}
	return chunk{index: i, count: n, name: name, data: data}, nil
}

// filePart finds the part named file and returns its filename and bytes.
// The filename comes from the raw Content-Disposition header, because
// Part.FileName keeps only the base name and a store path has directories.
// A part without a filename (or with an empty one) is still the file: the
// spec cannot require a filename (it does not describe Content-Disposition,
// and the validator does not read multipart bodies), so the fake names such
// a file defaultFileName.
func filePart(body *multipart.Reader) (string, []byte, error) {
	if body == nil {
		return "", nil, badRequest("The request has no file part.")
	}
	for {
		part, err := body.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil, badRequest("The request has no file part.")
		}
		if err != nil {
			return "", nil, bodyError(err)
		}
		disp, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		if err != nil || disp != "form-data" || params["name"] != "file" {
			continue // other parts are ignored; NextPart skips what is left of them
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return "", nil, bodyError(err)
		}
		name := params["filename"]
		if strings.TrimSpace(name) == "" {
			name = defaultFileName
		}
		return name, data, nil
	}
}

// defaultFileName names an uploaded file whose part has no filename: the
// part's own name, so it lands at the root of a store as "file".
const defaultFileName = "file"

// bodyError turns a failure to read the multipart body into a 400.
func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return badRequest("The request body is larger than %d bytes.", tooBig.Limit)
	}
	return badRequest("Invalid multipart body: %v.", err)
}

// storePath turns a part's filename into a path relative to a store's root:
// backslashes become slashes and directories are kept. An absolute path
// (leading slash or drive letter) or a ".." segment is refused, so no upload
// can name a file outside its store (filePart has given a missing filename
// its default).
func storePath(name string) (string, error) {
	p := strings.ReplaceAll(name, `\`, "/")
	switch {
	case strings.HasPrefix(p, "/") || hasDriveLetter(p):
		return "", badRequest("The filename %q is an absolute path; it must be relative to the file store.", name)
	case strings.ContainsRune(p, 0):
		return "", badRequest("The filename %q contains a NUL character.", name)
	case strings.HasSuffix(p, "/"):
		return "", badRequest("The filename %q names a directory, not a file.", name)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return "", badRequest("The filename %q has a \"..\" segment.", name)
		}
	}
	if p = path.Clean(p); p == "." {
		return "", badRequest("The filename %q names no file.", name)
	}
	return p, nil
}

// hasDriveLetter reports whether p starts like "C:".
func hasDriveLetter(p string) bool {
	if len(p) < 2 || p[1] != ':' {
		return false
	}
	c := p[0] | 0x20 // lower case
	return c >= 'a' && c <= 'z'
}

// baseName is a native file's name: the last element of the part's
// filename, with either slash. The native file goes where the URL says
// whatever it is called, so a filename without a usable last element
// ("dir/", "..") is accepted too and names the file defaultFileName.
func baseName(name string) string {
	p := strings.ReplaceAll(name, `\`, "/")
	if i := strings.LastIndex(p, "/"); i >= 0 {
		p = p[i+1:]
	}
	if strings.TrimSpace(p) == "" || p == "." || p == ".." || strings.ContainsRune(p, 0) {
		return defaultFileName
	}
	return p
}

// expireUploads discards unfinished uploads begun ttl or more ago, in every
// project. It runs whenever an upload is touched, so expiry is lazy but
// needs no timer. Callers hold t.mu.
func (t *tenant) expireUploads(ttl time.Duration) {
	now := t.now()
	for _, p := range t.projects {
		for k, u := range p.uploads {
			if !now.Before(u.started.Add(ttl)) {
				delete(p.uploads, k)
			}
		}
	}
}

// addChunk adds c to the upload named key. When every chunk 1..count is
// there it returns the assembled file and drops the upload; until then it
// returns nil. A chunk_count other than the one the upload began with is a
// 400. Callers hold t.mu and have called expireUploads.
func (t *tenant) addChunk(p *project, key uploadKey, c chunk) ([]byte, error) {
	u, ok := p.uploads[key]
	if !ok {
		u = &upload{count: c.count, chunks: map[int32][]byte{}, started: t.now()}
	}
	if u.count != c.count {
		return nil, badRequest("chunk_count %d differs from the %d this upload began with.", c.count, u.count)
	}
	u.chunks[c.index] = c.data // a repeated chunk replaces the earlier one
	if int32(len(u.chunks)) < u.count {
		p.uploads[key] = u
		return nil, nil
	}
	delete(p.uploads, key)
	size := 0
	for _, b := range u.chunks {
		size += len(b)
	}
	data := make([]byte, 0, size)
	for i := int32(1); i <= u.count; i++ {
		data = append(data, u.chunks[i]...)
	}
	return data, nil
}

// chunkReceived is the answer to a chunk that leaves the file unfinished.
func chunkReceived(c chunk) string {
	return fmt.Sprintf("Chunk %d of %d received.", c.index, c.count)
}
