package auth

import (
	"errors"
	"fmt"
)

// ErrReauthRequired means the token source cannot get a token without the
// user: there is no usable refresh token (it was refused, or the provider
// issued none) and no password to fall back on. Sign in again
// (authorization code) and save the new token to the store.
var ErrReauthRequired = errors.New("auth: sign-in required")

// reauthError is an ErrReauthRequired with its reason and cause.
type reauthError struct {
	reason string
	cause  error
}

func (e *reauthError) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%v: %s: %v", ErrReauthRequired, e.reason, e.cause)
	}
	return fmt.Sprintf("%v: %s", ErrReauthRequired, e.reason)
}

func (e *reauthError) Is(target error) bool { return target == ErrReauthRequired }
func (e *reauthError) Unwrap() error        { return e.cause }

// TokenError is the identity provider refusing a token request, with the
// OAuth error code (RFC 6749 §5.2: invalid_grant, invalid_client, ...) and
// its description. It never carries the request's secrets.
type TokenError struct {
	Grant       string // the grant that was refused: authorization_code, refresh_token, password
	StatusCode  int
	Code        string
	Description string
}

func (e *TokenError) Error() string {
	msg := fmt.Sprintf("auth: %s grant refused (HTTP %d)", e.Grant, e.StatusCode)
	if e.Code != "" {
		msg += ": " + e.Code
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

// TemporaryError is a token request that failed in a way that may pass: the
// provider could not be reached, answered 5xx, or the answer was lost. For
// a refresh the token in the store is left as it was: the refresh token may
// or may not have been spent, and only the provider knows.
type TemporaryError struct {
	Grant string
	Err   error
}

func (e *TemporaryError) Error() string {
	return fmt.Sprintf("auth: %s grant failed, try again later: %v", e.Grant, e.Err)
}

func (e *TemporaryError) Unwrap() error { return e.Err }

// Temporary reports true: the same call may succeed later.
func (e *TemporaryError) Temporary() bool { return true }
