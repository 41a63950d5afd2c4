package auth

import (
	"context"
	"errors"

	"golang.org/x/oauth2"
)

// TokenStore keeps a token between runs and between processes. The token
// source saves every token it obtains before handing it out, and reloads
// the store when the provider refuses a refresh token (another holder of
// the store may have rotated it).
type TokenStore interface {
	// Load returns the stored token, or ErrNoToken when there is none.
	Load(ctx context.Context) (*oauth2.Token, error)
	// Save replaces the stored token.
	Save(ctx context.Context, tok *oauth2.Token) error
}

// Locker is a TokenStore shared between processes that can be locked
// across them: the token source holds the lock while it reloads, refreshes
// and saves, so two processes sharing one store take turns and the second
// finds the first's new token instead of spending the old refresh token.
type Locker interface {
	// Lock blocks until the lock is held or ctx ends.
	Lock(ctx context.Context) (unlock func(), err error)
}

// ErrNoToken is what Load returns from an empty store.
var ErrNoToken = errors.New("auth: no token stored")
