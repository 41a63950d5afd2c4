package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// TokenSource hands out access tokens, refreshing them ahead of expiry. It
// is an oauth2.TokenSource and is safe for concurrent use:
//
//   - a cached token costs an atomic load (no lock, no allocation);
//   - N callers needing a refresh cause one token request (single flight);
//   - a rotated token is saved to the store before anyone uses it, under the
//     store's lock when it has one (Locker), after reloading it: another
//     process sharing the store may have refreshed already;
//   - a refresh token is sent at most once per refresh: a request that may
//     have reached the provider is never re-sent within it (only failures
//     before the request was written are retried); after a 5xx or a lost
//     answer the store is reloaded once and otherwise a TemporaryError is
//     returned with the stored token left as it was, so a later call can try
//     again; a refresh token the provider refused is never sent again;
//   - on invalid_grant the store is reloaded once, then ErrReauthRequired
//     (or, with WithPassword, a password sign-in);
//   - it holds no request's context: each refresh runs on its own, bounded
//     by WithRefreshTimeout.
//
// The returned token is shared: read it, do not modify it.
type TokenSource struct {
	cfg      *Config
	oc       *oauth2.Config
	store    TokenStore
	skew     time.Duration
	timeout  time.Duration
	attempts int
	backoff  time.Duration
	now      func() time.Time
	username string
	password string
	log      *slog.Logger

	cur     atomic.Pointer[cached]
	mu      sync.Mutex      // one refresh at a time
	refused map[string]bool // refresh tokens the provider refused
}

type cached struct {
	tok       *oauth2.Token
	refreshAt time.Time
}

// SourceOption configures a TokenSource.
type SourceOption func(*TokenSource)

// WithSkew sets how long before expiry a token is refreshed (default 60 s).
func WithSkew(d time.Duration) SourceOption { return func(s *TokenSource) { s.skew = d } }

// WithPassword lets the source sign in with the password grant when it has
// no refresh token (some deployments issue none with that grant) or its
// refresh token is refused. Meant for single-user integrations.
func WithPassword(username, password string) SourceOption {
	return func(s *TokenSource) { s.username, s.password = username, password }
}

// WithRefreshTimeout bounds one refresh, retries included (default 60 s).
func WithRefreshTimeout(d time.Duration) SourceOption { return func(s *TokenSource) { s.timeout = d } }

// WithRetries sets how often a token request that never reached the
// provider is tried, and the first backoff (doubled each time; defaults 3
// and 200 ms).
func WithRetries(attempts int, backoff time.Duration) SourceOption {
	return func(s *TokenSource) { s.attempts, s.backoff = attempts, backoff }
}

// WithLogger logs refreshes and their failures (never a token or secret).
func WithLogger(l *slog.Logger) SourceOption { return func(s *TokenSource) { s.log = l } }

// WithClock sets the source's time (tests).
func WithClock(now func() time.Time) SourceOption { return func(s *TokenSource) { s.now = now } }

// TokenSource returns a source over store (a MemoryStore when nil). The
// store may start empty if WithPassword is given; otherwise it must hold a
// token from a sign-in (FinishAuthCode, PasswordToken).
func (c *Config) TokenSource(store TokenStore, opts ...SourceOption) (*TokenSource, error) {
	oc, err := c.oauth2()
	if err != nil {
		return nil, err
	}
	if store == nil {
		store = NewMemoryStore(nil)
	}
	s := &TokenSource{cfg: c, oc: oc, store: store, skew: time.Minute, timeout: time.Minute,
		attempts: 3, backoff: 200 * time.Millisecond, now: time.Now,
		log: slog.New(slog.DiscardHandler), refused: map[string]bool{}}
	for _, o := range opts {
		o(s)
	}
	if s.attempts < 1 {
		s.attempts = 1
	}
	return s, nil
}

// Token returns a valid access token, refreshing it if it is within the
// skew of its expiry.
func (s *TokenSource) Token() (*oauth2.Token, error) {
	if c := s.cur.Load(); c != nil && s.now().Before(c.refreshAt) {
		return c.tok, nil
	}
	return s.refresh(nil)
}

// Refresh gets a new token although the current one looks valid: the API
// answered 401 to failed, so it was revoked or its clock disagrees. Callers
// that raced on the same failed token share one refresh.
func (s *TokenSource) Refresh(failed *oauth2.Token) (*oauth2.Token, error) { return s.refresh(failed) }

func (s *TokenSource) refresh(failed *oauth2.Token) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.cur.Load(); c != nil && !same(c.tok, failed) && s.now().Before(c.refreshAt) {
		return c.tok, nil // another caller refreshed while this one waited
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	if l, ok := s.store.(Locker); ok {
		unlock, err := l.Lock(ctx)
		if err != nil {
			return nil, fmt.Errorf("auth: lock the token store: %w", err)
		}
		defer unlock()
	}

	base, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	if base == nil {
		if c := s.cur.Load(); c != nil {
			base = c.tok
		}
	}
	if base != nil && !same(base, failed) && s.fresh(base) {
		s.publish(base) // the store holds a newer token: another holder refreshed
		s.log.Debug("auth: token taken from the store")
		return base, nil
	}
	if base != nil && base.RefreshToken != "" && !s.refused[base.RefreshToken] {
		tok, err := s.refreshGrant(ctx, base, failed)
		if err == nil || s.password == "" || !errors.Is(err, ErrReauthRequired) {
			return tok, err
		}
	}
	if s.password != "" {
		return s.passwordGrant(ctx)
	}
	if base == nil {
		return nil, &reauthError{reason: "the token store is empty"}
	}
	return nil, &reauthError{reason: "the token has expired and no refresh token is left"}
}

// refreshGrant spends base's refresh token. On invalid_grant, or on a
// failure after the request was written, it reloads the store once: another
// holder may have rotated the token.
func (s *TokenSource) refreshGrant(ctx context.Context, base, failed *oauth2.Token) (*oauth2.Token, error) {
	tok, err := s.request(ctx, "refresh_token", false, func(ctx context.Context) (*oauth2.Token, error) {
		return s.oc.TokenSource(ctx, &oauth2.Token{RefreshToken: base.RefreshToken}).Token()
	})
	if err == nil {
		if tok.Extra("refresh_token") == nil {
			// The answer has no refresh token and x/oauth2 copied the old one
			// in, but iCONECT consumed it: keeping it would only earn an
			// invalid_grant. (A provider that echoes it back keeps it.)
			tok.RefreshToken = ""
			s.refused[base.RefreshToken] = true
		}
		return s.keep(ctx, tok)
	}
	var te *TokenError
	refused := errors.As(err, &te) && te.Code == "invalid_grant"
	if refused {
		s.refused[base.RefreshToken] = true
	}
	var temp *TemporaryError
	if !refused && !errors.As(err, &temp) {
		return nil, err // another refusal (invalid_client, ...): a configuration problem
	}
	// Reload once: another process may have the rotated token.
	if stored, lerr := s.load(ctx); lerr == nil && stored != nil && stored.RefreshToken != base.RefreshToken {
		if !same(stored, failed) && s.fresh(stored) {
			s.publish(stored)
			return stored, nil
		}
		if stored.RefreshToken != "" && !s.refused[stored.RefreshToken] {
			return s.refreshGrant(ctx, stored, failed)
		}
	}
	if refused {
		s.log.Warn("auth: the identity provider refused the refresh token; sign-in required")
		return nil, &reauthError{reason: "the identity provider refused the refresh token", cause: err}
	}
	s.log.Warn("auth: token refresh failed; the stored token is kept", "err", err)
	return nil, err
}

func (s *TokenSource) passwordGrant(ctx context.Context) (*oauth2.Token, error) {
	tok, err := s.request(ctx, "password", true, func(ctx context.Context) (*oauth2.Token, error) {
		return s.oc.PasswordCredentialsToken(ctx, s.username, s.password)
	})
	if err != nil {
		return nil, err
	}
	return s.keep(ctx, tok)
}

// request runs a token request, retrying with backoff while it fails before
// being written — or after, when repeatable (the password grant spends
// nothing).
func (s *TokenSource) request(ctx context.Context, grant string, repeatable bool, do func(context.Context) (*oauth2.Token, error)) (*oauth2.Token, error) {
	wait := s.backoff
	for attempt := 1; ; attempt++ {
		tok, wrote, err := s.cfg.retrieve(ctx, grant, do)
		var temp *TemporaryError
		if err == nil || !errors.As(err, &temp) || (wrote && !repeatable) || attempt >= s.attempts {
			return tok, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// keep saves a new token and then publishes it. If the save fails the
// token is still used by this source (it is the only copy of a rotated
// refresh token) and the error says the store is behind.
func (s *TokenSource) keep(ctx context.Context, tok *oauth2.Token) (*oauth2.Token, error) {
	if tok.ExpiresIn > 0 {
		// x/oauth2 dates the expiry by time.Now; the source's clock
		// (WithClock) must decide, or a token looks expired on arrival.
		tok.Expiry = s.now().Add(time.Duration(tok.ExpiresIn) * time.Second)
	}
	err := s.store.Save(ctx, tok)
	s.publish(tok)
	if err != nil {
		s.log.Error("auth: the new token could not be saved", "err", err)
		return nil, fmt.Errorf("auth: the new token could not be saved (it is kept in memory): %w", err)
	}
	s.log.Debug("auth: token refreshed", "expiry", tok.Expiry)
	return tok, nil
}

func (s *TokenSource) publish(tok *oauth2.Token) {
	s.cur.Store(&cached{tok: tok, refreshAt: s.refreshAt(tok)})
}

// refreshAt is when tok is due: the skew before expiry, but never more
// than half its lifetime, so a provider issuing tokens shorter than twice
// the skew does not cause a refresh on every call. Without a known lifetime
// (ExpiresIn) its remaining life stands in.
func (s *TokenSource) refreshAt(tok *oauth2.Token) time.Time { return s.due(tok, true) }

// fresh reports whether a stored token can be used as is: it has an access
// token and is not yet due. A token of unknown lifetime must be more than
// the whole skew from expiry.
func (s *TokenSource) fresh(tok *oauth2.Token) bool {
	return tok.AccessToken != "" && s.now().Before(s.due(tok, false))
}

func (s *TokenSource) due(tok *oauth2.Token, guessLife bool) time.Time {
	if tok.Expiry.IsZero() {
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	life := time.Duration(tok.ExpiresIn) * time.Second
	if life <= 0 && guessLife {
		life = tok.Expiry.Sub(s.now())
	}
	skew := s.skew
	if life > 0 && life/2 < skew {
		skew = life / 2
	}
	return tok.Expiry.Add(-skew)
}

func (s *TokenSource) load(ctx context.Context) (*oauth2.Token, error) {
	tok, err := s.store.Load(ctx)
	if errors.Is(err, ErrNoToken) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: load the token store: %w", err)
	}
	return tok, nil
}

func same(a, b *oauth2.Token) bool { return a != nil && b != nil && a.AccessToken == b.AccessToken }
