package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

func testToken() *oauth2.Token {
	return &oauth2.Token{
		AccessToken:  "access-PLANTED-1",
		TokenType:    "Bearer",
		RefreshToken: "refresh-PLANTED-1",
		Expiry:       time.Date(2031, 5, 6, 7, 8, 9, 123456789, time.UTC),
	}
}

// unixModes reports whether file modes and the umask mean anything here.
func unixModes() bool {
	switch runtime.GOOS {
	case "windows", "plan9", "js", "wasip1":
		return false
	}
	return true
}

func TestMemoryStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore(nil)
	_, err := s.Load(ctx)
	require.ErrorIs(t, err, ErrNoToken)

	tok := testToken()
	require.NoError(t, s.Save(ctx, tok))
	got, err := s.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, tok.AccessToken, got.AccessToken)
	assert.Equal(t, tok.RefreshToken, got.RefreshToken)
	assert.Equal(t, tok.TokenType, got.TokenType)
	assert.True(t, tok.Expiry.Equal(got.Expiry))

	require.NoError(t, s.Save(ctx, nil))
	_, err = s.Load(ctx)
	require.ErrorIs(t, err, ErrNoToken)
}

func TestMemoryStoreCopies(t *testing.T) {
	ctx := context.Background()
	tok := testToken()
	s := NewMemoryStore(tok)

	tok.AccessToken = "changed-after-new" // the caller's token is not the stored one
	got, err := s.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, "access-PLANTED-1", got.AccessToken)

	got.RefreshToken = "changed-after-load" // nor is a loaded one
	again, err := s.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, "refresh-PLANTED-1", again.RefreshToken)
	assert.NotSame(t, got, again)

	saved := testToken()
	require.NoError(t, s.Save(ctx, saved))
	saved.AccessToken = "changed-after-save"
	got, err = s.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, "access-PLANTED-1", got.AccessToken)
}

func TestMemoryStoreConcurrent(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore(testToken())
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				tok := testToken()
				tok.AccessToken = fmt.Sprintf("a-%d-%d", i, j)
				assert.NoError(t, s.Save(ctx, tok))
				got, err := s.Load(ctx)
				assert.NoError(t, err)
				got.AccessToken = "mutated"
			}
		}()
	}
	wg.Wait()
}

func TestFileStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "dir", "token.json")
	s := NewFileStore(path)
	assert.Equal(t, path, s.Path())

	_, err := s.Load(ctx)
	require.ErrorIs(t, err, ErrNoToken)

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, s.Save(canceled, testToken()), context.Canceled)
	_, err = s.Load(canceled)
	require.ErrorIs(t, err, context.Canceled)

	tok := testToken()
	require.NoError(t, s.Save(ctx, tok))
	got, err := NewFileStore(path).Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, tok.AccessToken, got.AccessToken)
	assert.Equal(t, tok.TokenType, got.TokenType)
	assert.Equal(t, tok.RefreshToken, got.RefreshToken)
	assert.Equal(t, tok.Expiry.Unix(), got.Expiry.Unix(), "expiry preserved to the second")

	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, field := range []string{`"access_token"`, `"token_type"`, `"refresh_token"`, `"expiry":"2031-05-06T07:08:09`} {
		assert.Contains(t, string(raw), field)
	}
	assert.NotContains(t, string(raw), "expires_in")

	// A second save replaces the first.
	tok2 := &oauth2.Token{AccessToken: "access-2", TokenType: "Bearer"}
	require.NoError(t, s.Save(ctx, tok2))
	got, err = s.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, "access-2", got.AccessToken)
	assert.Empty(t, got.RefreshToken)
	assert.True(t, got.Expiry.IsZero())

	if unixModes() {
		fi, err := os.Stat(filepath.Dir(path))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), "new parent directories are 0700")
	}
	require.Error(t, s.Save(ctx, nil))
}

func TestFileStoreModeIgnoresUmask(t *testing.T) {
	if !unixModes() {
		t.Skip("no Unix file modes on " + runtime.GOOS)
	}
	ctx := context.Background()
	dir := t.TempDir()
	// The umask is process-wide; no test in this package runs in parallel.
	for _, mask := range []int{0, 0o022, 0o277} {
		old := setUmask(mask)
		path := filepath.Join(dir, fmt.Sprintf("token-%o.json", mask))
		err := NewFileStore(path).Save(ctx, testToken())
		setUmask(old)
		require.NoError(t, err)
		fi, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "umask %o", mask)
	}

	// A pre-existing token file with a wider mode is replaced by a 0600 one.
	path := filepath.Join(dir, "wide.json")
	require.NoError(t, os.WriteFile(path, []byte("{}"), 0o644))
	require.NoError(t, os.Chmod(path, 0o644))
	require.NoError(t, NewFileStore(path).Save(ctx, testToken()))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestFileStoreCorrupt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	const secret = "PLANTED-SECRET-ya29.a0AfH6"
	cases := map[string]string{
		"truncated": `{"access_token":"` + secret + `","refresh_token":"` + secret,
		"garbage":   secret + " not json",
		"wrongtype": `{"access_token":["` + secret + `"]}`,
		"expiry":    `{"access_token":"x","expiry":"` + secret + `"}`,
		"empty":     ``,
		"notoken":   `{"token_type":"Bearer"}`,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".json")
			require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
			tok, err := NewFileStore(path).Load(ctx)
			require.Error(t, err)
			assert.Nil(t, tok)
			assert.NotErrorIs(t, err, ErrNoToken)
			msg := fmt.Sprintf("%v %+v %#v", err, err, err)
			assert.Contains(t, err.Error(), path)
			assert.NotContains(t, msg, "PLANTED")
			assert.NotContains(t, msg, "ya29")
		})
	}
}

func TestFileStoreAtomicReplace(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "token.json")
	s := NewFileStore(path)

	// Readers running alongside the writer always see a whole token. (Not
	// on Windows, where an open reader makes the rename fail.)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for runtime.GOOS != "windows" {
			select {
			case <-stop:
				return
			default:
			}
			tok, err := NewFileStore(path).Load(ctx)
			if errors.Is(err, ErrNoToken) {
				continue
			}
			if assert.NoError(t, err) {
				assert.True(t, strings.HasPrefix(tok.AccessToken, "access-"), tok.AccessToken)
			}
		}
	}()
	for i := range 50 {
		require.NoError(t, s.Save(ctx, &oauth2.Token{AccessToken: fmt.Sprintf("access-%d", i)}))
	}
	close(stop)
	wg.Wait()

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"token.json"}, names, "no temporary files left behind")

	// A failed save (the target is a directory) also leaves nothing behind.
	bad := filepath.Join(dir, "isdir")
	require.NoError(t, os.Mkdir(bad, 0o700))
	require.Error(t, NewFileStore(bad).Save(ctx, testToken()))
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2)
}

func TestFileStoreLockExcludesInProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "token.json")
	a, b := NewFileStore(path), NewFileStore(path)

	unlockA, err := a.Lock(ctx)
	require.NoError(t, err)

	acquired := make(chan func())
	go func() {
		unlockB, err := b.Lock(ctx)
		assert.NoError(t, err)
		acquired <- unlockB
	}()
	select {
	case <-acquired:
		t.Fatal("second Lock succeeded while the first was held")
	case <-time.After(100 * time.Millisecond):
	}

	unlockA()
	unlockA() // harmless twice
	var unlockB func()
	select {
	case unlockB = <-acquired:
	case <-time.After(2 * time.Second):
		t.Fatal("second Lock not acquired after the first was released")
	}
	// A's second unlock must not have released B's lock.
	tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err = a.Lock(tctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	unlockB()

	unlockA, err = a.Lock(ctx)
	require.NoError(t, err)
	unlockA()
}

func TestFileStoreLockContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token.json")
	unlock, err := NewFileStore(path).Lock(context.Background())
	require.NoError(t, err)
	defer unlock()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := NewFileStore(path).Lock(ctx)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(2 * time.Second):
		t.Fatal("Lock ignored the canceled context")
	}

	// An already-ended context fails at once.
	_, err = NewFileStore(path).Lock(ctx)
	require.ErrorIs(t, err, context.Canceled)
}

const helperEnv = "ICONECT_AUTH_TEST_LOCK_HELPER"

// TestHelperProcess is the child of TestFileStoreLockAcrossProcesses: it
// takes the lock, writes a marker, holds the lock ~200ms, and writes a
// second marker just before it unlocks.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper process for TestFileStoreLockAcrossProcesses")
	}
	unlock, err := NewFileStore(path).Lock(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper: lock:", err)
		os.Exit(2)
	}
	if err := os.WriteFile(path+".held", nil, 0o600); err != nil {
		os.Exit(3)
	}
	time.Sleep(200 * time.Millisecond)
	if err := os.WriteFile(path+".released", nil, 0o600); err != nil {
		os.Exit(4)
	}
	unlock()
	os.Exit(0)
}

func TestFileStoreLockAcrossProcesses(t *testing.T) {
	if !crossProcessLock {
		t.Skip("no cross-process file lock on this platform")
	}
	path := filepath.Join(t.TempDir(), "token.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// Wait until the child holds the lock.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(path + ".held"); err == nil {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("helper exited before taking the lock: %v: %s", err, stderr.String())
		default:
		}
		require.True(t, time.Now().Before(deadline), "helper never took the lock")
		time.Sleep(5 * time.Millisecond)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	unlock, err := NewFileStore(path).Lock(ctx)
	require.NoError(t, err)
	waited := time.Since(start)
	_, statErr := os.Stat(path + ".released")
	unlock()
	assert.NoError(t, statErr, "parent got the lock before the child released it")
	assert.Greater(t, waited, 50*time.Millisecond)

	require.NoError(t, <-exited, stderr.String())
}
