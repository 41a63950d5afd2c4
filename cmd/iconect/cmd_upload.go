package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/iconect-go/iconect-go/pkg/chunkupload"
	"github.com/iconect-go/iconect-go/pkg/iconect"
)

func cmdUpload(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("upload", "--project ID [--store NAME|ID] [--path PATH] FILE\n       iconect upload --project ID --record ID [--field ID] FILE", `Uploads a file, showing its progress: to a file store (default the "General"
store, at --path, default the file's name), or, with --record, as a record's
native file (in the project's native file field unless --field).`)
	g.projectFlag()
	store := fs.String("store", "General", "the file store: its `name or ID`")
	path := fs.String("path", "", "the file's `path` in the store (default the file's name)")
	record := fs.Int64("record", 0, "upload the record `ID`'s native file instead")
	field := fs.Int64("field", 0, "the native file field `ID` (default the project's NATIVEFIELD)")
	contentType := fs.String("content-type", "", "the file's media `type` (default application/octet-stream)")
	chunkSize := fs.String("chunk-size", "8MiB", "the `size` of each chunk (at least 64KiB)")
	threshold := fs.String("threshold", "16MiB", "send files up to this `size` in one request, larger ones in chunks")
	noResume := fs.Bool("no-resume", false, "start over, ignoring the state a failed upload of this file left")
	if err := g.parse(args, 1); err != nil {
		return err
	}
	if err := g.needProject(); err != nil {
		return err
	}
	if len(g.args) != 1 {
		return usagef("upload: give the file to upload (iconect upload --project ID FILE)")
	}
	if *record < 0 || *field < 0 {
		return usagef("upload: --record and --field must be positive")
	}
	if *record == 0 && *field != 0 {
		return usagef("upload: --field goes with --record")
	}
	if *record != 0 && *path != "" {
		return usagef("upload: --path is for file stores; a native file keeps its name")
	}
	cs, err := parseSize(g.name, "chunk-size", *chunkSize)
	if err != nil {
		return err
	}
	th, err := parseSize(g.name, "threshold", *threshold)
	if err != nil {
		return err
	}
	if cs < chunkupload.MinChunkSize {
		return usagef("upload: --chunk-size must be at least 64KiB, not %s", *chunkSize)
	}
	local := g.args[0]
	f, size, err := openInput(g.name, local)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	c, err := g.newClient()
	if err != nil {
		return err
	}
	name := filepath.Base(local)
	prog := newProgress(a.stderr, a.stderrTTY, g.json())
	bp := &byteProgress{p: prog, label: "uploading " + name, total: size}
	uo := &iconect.UploadOptions{ContentType: *contentType, ChunkSize: cs, Threshold: th}

	// Resume: the state of a failed upload of this very file (same file,
	// size and time, same destination) is kept beside the token file, and
	// the same command run again continues from its first missing chunk.
	tokenPath, err := g.tokenPath()
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(local)
	rs := &resumeState{path: filepath.Join(filepath.Dir(tokenPath), "uploads", resumeKey(g.apiURL, g.project, *store, *path, *record, *field, abs, size, st.ModTime().UnixNano())+".json")}
	if *noResume {
		rs.remove()
	} else if state := rs.load(); state != nil {
		uo.Resume = state
		prog.update(fmt.Sprintf("resuming %s from chunk %d of %d (%s already sent)", name, state.ChunksDone+1, state.ChunkCount, bytesText(state.Offset())))
	}
	uo.Progress = func(p chunkupload.Progress) {
		if p.ChunkCount > 1 {
			rs.save(&p.State)
		}
	}
	body := &progressReaderAt{r: f, tell: bp.set}
	if uo.Resume != nil {
		body.hi = uo.Resume.Offset()
	}
	out := struct {
		ProjectID int64  `json:"project_id"`
		StoreID   int64  `json:"file_store_id,omitempty"`
		Path      string `json:"path,omitempty"`
		RecordID  int64  `json:"record_id,omitempty"`
		FieldID   int64  `json:"field_id,omitempty"`
		Name      string `json:"name"`
		Bytes     int64  `json:"bytes"`
	}{ProjectID: g.project, Name: name, Bytes: size}
	if *record != 0 {
		fid := *field
		if fid == 0 {
			settings, err := c.Projects.Settings(ctx, g.project)
			if err != nil {
				return err
			}
			fid = settings.FieldAssociations["NATIVEFIELD"]
			if fid == 0 {
				return usagef("upload: project %d names no native file field (NATIVEFIELD): give --field", g.project)
			}
		}
		if err := c.NativeFiles.Upload(ctx, g.project, *record, fid, name, body, size, uo); err != nil {
			return rs.failed(err)
		}
		out.RecordID, out.FieldID = *record, fid
	} else {
		sid, err := findStore(ctx, c, g.project, *store)
		if err != nil {
			return err
		}
		dest := *path
		if dest == "" {
			dest = name
		}
		if err := c.FileStores.Upload(ctx, g.project, sid, dest, body, size, uo); err != nil {
			return rs.failed(err)
		}
		out.StoreID, out.Path = sid, dest
	}
	rs.remove()
	prog.done(bp.line(size))
	return g.emit(out, func(w io.Writer) error {
		var err error
		if out.RecordID != 0 {
			_, err = fmt.Fprintf(w, "Uploaded %s (%s) as the native file of record %d.\n", name, bytesText(size), out.RecordID)
		} else {
			_, err = fmt.Fprintf(w, "Uploaded %s (%s) to file store %d at %s.\n", name, bytesText(size), out.StoreID, out.Path)
		}
		return err
	})
}

// findStore finds a project's file store by ID or name (ignoring case).
func findStore(ctx context.Context, c *iconect.Client, projectID int64, store string) (int64, error) {
	if id, err := strconv.ParseInt(store, 10, 64); err == nil {
		if id <= 0 {
			return 0, usagef("upload: --store must be a positive ID or a name")
		}
		return id, nil
	}
	stores, err := c.FileStores.List(ctx, projectID)
	if err != nil {
		return 0, err
	}
	var names []string
	for _, s := range stores {
		if strings.EqualFold(str(s.Name), store) {
			return s.ID, nil
		}
		names = append(names, fmt.Sprintf("%q (%d)", str(s.Name), s.ID))
	}
	return 0, usagef("upload: project %d has no file store %q (its stores: %s)", projectID, store, strings.Join(names, ", "))
}

// resumeKey names the state file of an upload: the same file (path, size,
// modification time) to the same place.
func resumeKey(parts ...any) string {
	sum := sha256.Sum256([]byte(fmt.Sprint(parts...)))
	return hex.EncodeToString(sum[:12])
}

// resumeState keeps an upload's chunkupload.UploadState in a file, so a
// later run (another process) continues it.
type resumeState struct {
	path  string
	saved bool
}

func (r *resumeState) load() *chunkupload.UploadState {
	b, err := os.ReadFile(r.path)
	if err != nil {
		return nil
	}
	var s chunkupload.UploadState
	if json.Unmarshal(b, &s) != nil || s.ChunkCount < 1 {
		r.remove()
		return nil
	}
	return &s
}

// save writes the state atomically (a crash leaves the old one or the new).
func (r *resumeState) save(s *chunkupload.UploadState) {
	b, err := json.Marshal(s)
	if err != nil || os.MkdirAll(filepath.Dir(r.path), 0o700) != nil {
		return
	}
	tmp := r.path + ".tmp"
	if os.WriteFile(tmp, b, 0o600) == nil && os.Rename(tmp, r.path) == nil {
		r.saved = true
	}
}

func (r *resumeState) remove() { _ = os.Remove(r.path) }

// failed keeps the state the error carries and says how to resume.
func (r *resumeState) failed(err error) error {
	if s, ok := chunkupload.StateOf(err); ok && s != nil && s.ChunksDone > 0 {
		r.save(s)
		if r.saved {
			return withHint(err, fmt.Sprintf("%d of %d chunks arrived: run the same command again to resume from chunk %d", s.ChunksDone, s.ChunkCount, s.ChunksDone+1))
		}
	}
	var ce *chunkupload.Error
	if errors.As(err, &ce) && ce.State == nil {
		r.remove() // nothing to resume from (e.g. the saved state no longer fits)
	}
	return err
}

// progressReaderAt reports the furthest byte read of a file, whether read
// in sequence or at offsets (chunks, and chunks sent again).
type progressReaderAt struct {
	r    io.ReaderAt
	mu   sync.Mutex
	pos  int64 // for Read
	hi   int64
	tell func(int64)
}

func (p *progressReaderAt) ReadAt(b []byte, off int64) (int, error) {
	n, err := p.r.ReadAt(b, off)
	p.mu.Lock()
	if end := off + int64(n); end > p.hi {
		p.hi = end
		p.tell(end)
	}
	p.mu.Unlock()
	return n, err
}

func (p *progressReaderAt) Read(b []byte) (int, error) {
	n, err := p.ReadAt(b, p.pos)
	p.pos += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

// parseSize reads a size in bytes: 65536, 64KiB, 8MiB, 1GiB (KB, MB, GB
// and K, M, G mean the same binary units).
func parseSize(name, flag, s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix []string
		mult   int64
	}{{[]string{"GiB", "GB", "G"}, 1 << 30}, {[]string{"MiB", "MB", "M"}, 1 << 20}, {[]string{"KiB", "KB", "K"}, 1 << 10}, {[]string{"B"}, 1}} {
		found := false
		for _, suf := range u.suffix {
			if len(t) > len(suf) && strings.EqualFold(t[len(t)-len(suf):], suf) {
				t, mult, found = strings.TrimSpace(t[:len(t)-len(suf)]), u.mult, true
				break
			}
		}
		if found {
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, usagef("%s: --%s %q is not a size (e.g. 8MiB, 512KiB, 65536)", name, flag, s)
	}
	return n * mult, nil
}
