package auth

import (
	"context"
	"errors"

	"golang.org/x/oauth2"
)

// PasswordToken signs in with a username and password (the resource owner
// password credentials grant). The docs recommend it only when a single
// user acts for an integration; prefer the authorization code otherwise.
// Some deployments issue no refresh token with it: a TokenSource given the
// password (WithPassword) then signs in again as the token nears expiry.
func (c *Config) PasswordToken(ctx context.Context, username, password string) (*oauth2.Token, error) {
	if username == "" || password == "" {
		return nil, errors.New("auth: the password grant needs a username and a password")
	}
	oc, err := c.oauth2()
	if err != nil {
		return nil, err
	}
	tok, _, err := c.retrieve(ctx, "password", func(ctx context.Context) (*oauth2.Token, error) {
		return oc.PasswordCredentialsToken(ctx, username, password)
	})
	return tok, err
}
