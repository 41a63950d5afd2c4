package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/oauth2"
)

// FileStore keeps the token as JSON in a file readable only by its owner
// (mode 0600), so a command-line tool or several processes on one machine
// can share it. Save replaces the file atomically, so a reader never sees a
// half-written token. Lock takes an advisory lock on path+".lock" so that
// processes sharing the file take turns to refresh: the refresh token is
// single-use, and two processes spending the same one would log one out.
//
// On platforms without flock(2) (see flock_other.go) Lock only excludes
// other FileStores in the same process.
type FileStore struct {
	path string
}

var (
	_ TokenStore = (*FileStore)(nil)
	_ Locker     = (*FileStore)(nil)
)

// NewFileStore returns a store for the token file at path. Nothing is read
// or created until the first Load, Save or Lock.
func NewFileStore(path string) *FileStore {
	return &FileStore{path: path}
}

// Path returns the token file's path.
func (s *FileStore) Path() string { return s.path }

// fileToken is the file's format: the fields needed to use and refresh a
// token, and nothing the provider may add.
type fileToken struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"` // RFC 3339
	// ExpiresIn is the lifetime the provider gave the token (seconds): the
	// token source uses it to pace refreshes of short-lived tokens.
	ExpiresIn int64 `json:"expires_in,omitempty"`
}

// Load reads the token file. It returns ErrNoToken when the file does not
// exist. Errors name the file but never quote its contents, which may hold
// a token.
func (s *FileStore) Load(ctx context.Context) (*oauth2.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoToken
	}
	if err != nil {
		return nil, fmt.Errorf("auth: reading token file: %w", err)
	}
	var ft fileToken
	// Decoding errors are not wrapped: json's messages can quote the input.
	if err := json.Unmarshal(data, &ft); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("auth: token file %s is corrupt: not valid JSON (at byte %d); delete it and log in again", s.path, se.Offset)
		}
		return nil, fmt.Errorf("auth: token file %s is corrupt: not a token object; delete it and log in again", s.path)
	}
	if ft.AccessToken == "" && ft.RefreshToken == "" {
		return nil, fmt.Errorf("auth: token file %s is corrupt: it holds no token; delete it and log in again", s.path)
	}
	return &oauth2.Token{
		AccessToken:  ft.AccessToken,
		TokenType:    ft.TokenType,
		RefreshToken: ft.RefreshToken,
		Expiry:       ft.Expiry,
		ExpiresIn:    ft.ExpiresIn,
	}, nil
}

// Save replaces the token file atomically: it writes a temporary file (0600)
// in the same directory, fsyncs it and renames it over the path, so a crash
// or a concurrent Load sees either the old token or the new one, never a
// mix. Missing parent directories are created with mode 0700.
func (s *FileStore) Save(ctx context.Context, tok *oauth2.Token) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	if tok == nil {
		return errors.New("auth: FileStore.Save: nil token")
	}
	data, err := json.Marshal(fileToken{
		AccessToken:  tok.AccessToken,
		TokenType:    tok.TokenType,
		RefreshToken: tok.RefreshToken,
		Expiry:       tok.Expiry,
		ExpiresIn:    tok.ExpiresIn,
	})
	if err != nil {
		return errors.New("auth: encoding token failed") // never the token itself
	}
	data = append(data, '\n')

	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("auth: creating token directory: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(s.path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("auth: saving token: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	// CreateTemp asks for 0600, but the umask could take bits away; set it
	// exactly so the owner can still read the file back.
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("auth: saving token: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("auth: saving token: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("auth: saving token: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("auth: saving token: %w", err)
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return fmt.Errorf("auth: saving token: %w", err)
	}
	syncDir(dir)
	return nil
}

// Lock takes an exclusive advisory lock on path+".lock", blocking until it
// is held or ctx ends (then it returns ctx.Err()). It locks a separate file
// because Save replaces the token file, and a lock on a replaced file would
// protect nothing. The lock file is never removed, for the same reason.
// The returned unlock may be called more than once.
func (s *FileStore) Lock(ctx context.Context) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return nil, fmt.Errorf("auth: creating token directory: %w", err)
	}
	return lockFile(ctx, s.path+".lock")
}
