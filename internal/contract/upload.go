package contract

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"

	"github.com/iconect-go/iconect-go/pkg/chunkupload"
	"github.com/iconect-go/iconect-go/pkg/iconect"
)

// uploadChunked uploads data to a file store in chunks of cfg.ChunkSize
// (FileStores.Upload with Threshold -1: always in chunks, through
// pkg/chunkupload), and fails unless it took more than one chunk.
func (s *scenario) uploadChunked(ctx context.Context, pid, store int64, path string, data []byte) error {
	var chunks atomic.Int32
	err := s.c.FileStores.Upload(ctx, pid, store, path, bytes.NewReader(data), int64(len(data)), &iconect.UploadOptions{
		ContentType: "text/csv",
		ChunkSize:   s.cfg.ChunkSize,
		Threshold:   -1,
		Progress:    func(chunkupload.Progress) { chunks.Add(1) },
	})
	if err != nil {
		return err
	}
	if n := chunks.Load(); n < 2 {
		return fmt.Errorf("%s (%d bytes) went up in %d chunk(s) of %d bytes, not several", path, len(data), n, s.cfg.ChunkSize)
	}
	s.note("%s (%d bytes) went up in %d chunks of %d bytes", path, len(data), chunks.Load(), s.cfg.ChunkSize)
	return nil
}
