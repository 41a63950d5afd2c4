package chunkupload

import (
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"
)

// chunkReader is a chunk's Data: it adds the bytes read to the hash,
// checks that the source holds the chunk's size, and stops serving once
// the chunk's request is over (a transport may read a body after the
// round trip returned).
type chunkReader struct {
	src              io.Reader
	h                hash.Hash
	off, size, total int64

	mu     sync.Mutex
	read   int64
	err    error // the source's failure
	closed bool
}

var errChunkOver = errors.New("chunkupload: the chunk's request is over")

func (c *chunkReader) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, errChunkOver
	}
	if c.err != nil {
		return 0, c.err
	}
	if rest := c.size - c.read; int64(len(p)) > rest {
		p = p[:rest]
	}
	if len(p) == 0 {
		return 0, io.EOF
	}
	n, err := c.src.Read(p)
	c.h.Write(p[:n])
	c.read += int64(n)
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		if c.read < c.size {
			c.err = fmt.Errorf("%w: %d of %d bytes", ErrShortRead, c.off+c.read, c.total)
			return n, c.err
		}
	default:
		c.err = fmt.Errorf("%w: %w", ErrSource, err)
		return n, c.err
	}
	return n, err
}

// finish ends the chunk's reading: it returns the bytes read and the
// source's failure.
func (c *chunkReader) finish() (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return c.read, c.err
}
