//go:build unix && !aix && !(solaris && !illumos)

package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
)

// crossProcessLock reports whether FileStore.Lock excludes other processes
// on this platform.
const crossProcessLock = true

// lockFile takes flock(LOCK_EX) on path, creating it (0600) if needed. Each
// call opens its own file description, and flock locks on separate
// descriptions of one file exclude each other even within one process, so
// no in-process mutex is needed. It polls with LOCK_NB rather than blocking
// in flock(2) so that ctx can end the wait.
func lockFile(ctx context.Context, path string) (unlock func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("auth: opening lock file: %w", err)
	}
	fd := int(f.Fd())
	wait := time.Millisecond
	for {
		err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EAGAIN) {
			_ = f.Close()
			return nil, fmt.Errorf("auth: locking %s: %w", path, err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			_ = f.Close()
			return nil, ctx.Err()
		case <-t.C:
		}
		if wait < 50*time.Millisecond {
			wait *= 2
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			// Closing the descriptor releases the lock too; unlocking
			// first makes the release explicit.
			_ = syscall.Flock(fd, syscall.LOCK_UN)
			_ = f.Close()
		})
	}, nil
}

// syncDir fsyncs dir so that a rename in it survives a crash. Best effort:
// some file systems refuse to fsync a directory.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// setUmask sets the process umask and returns the previous one (for tests).
func setUmask(mask int) int { return syscall.Umask(mask) }
