//go:build !unix || aix || (solaris && !illumos)

package auth

import (
	"context"
	"path/filepath"
	"sync"
)

// crossProcessLock reports whether FileStore.Lock excludes other processes
// on this platform. Here it does not: there is no flock(2) in package
// syscall, and this module takes no dependency for one. Processes sharing a
// token file must not refresh at the same time.
const crossProcessLock = false

// locks holds one semaphore per lock file, so FileStores for the same path
// in this process still take turns.
var (
	locksMu sync.Mutex
	locks   = map[string]chan struct{}{}
)

// lockFile takes the in-process lock for path. It does not create path or
// exclude other processes.
func lockFile(ctx context.Context, path string) (unlock func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	key := path
	if abs, err := filepath.Abs(path); err == nil {
		key = abs
	}
	locksMu.Lock()
	sem, ok := locks[key]
	if !ok {
		sem = make(chan struct{}, 1)
		locks[key] = sem
	}
	locksMu.Unlock()
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() { once.Do(func() { <-sem }) }, nil
}

// syncDir does nothing here: directories cannot be fsynced portably.
func syncDir(dir string) {}

// setUmask does nothing here: there is no umask (for tests).
func setUmask(mask int) int { return 0 }
