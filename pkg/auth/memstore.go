package auth

import (
	"context"
	"sync"

	"golang.org/x/oauth2"
)

// MemoryStore is a TokenStore for one process: a token kept in memory, lost
// when the process ends. It is safe for concurrent use. It does not
// implement Locker because nothing outside the process can see it.
type MemoryStore struct {
	mu  sync.Mutex
	tok *oauth2.Token
}

var _ TokenStore = (*MemoryStore)(nil)

// NewMemoryStore returns a store holding a copy of tok, or an empty store
// when tok is nil.
func NewMemoryStore(tok *oauth2.Token) *MemoryStore {
	return &MemoryStore{tok: copyToken(tok)}
}

// Load returns a copy of the stored token, so the caller cannot change what
// is stored, or ErrNoToken.
func (s *MemoryStore) Load(ctx context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok == nil {
		return nil, ErrNoToken
	}
	return copyToken(s.tok), nil
}

// Save stores a copy of tok, so later changes to tok by the caller do not
// reach the store. A nil tok empties the store.
func (s *MemoryStore) Save(ctx context.Context, tok *oauth2.Token) error {
	c := copyToken(tok)
	s.mu.Lock()
	s.tok = c
	s.mu.Unlock()
	return nil
}

// copyToken returns a shallow copy of tok (nil for nil). The provider's
// extra fields (Token.Extra) stay shared; oauth2 only reads them.
func copyToken(tok *oauth2.Token) *oauth2.Token {
	if tok == nil {
		return nil
	}
	c := *tok
	return &c
}
