package auth_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/pkg/auth"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

func TestPasswordToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		withRefresh bool
	}{
		{"with refresh token", true},
		{"without refresh token", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, iconecttest.WithPasswordRefreshTokens(tc.withRefresh))
			tok, err := e.config().PasswordToken(context.Background(), e.srv.User.Username, e.srv.User.Password)
			noteErr(t, err)
			require.NoError(t, err)
			watch.token(tok)
			assert.NotEmpty(t, tok.AccessToken)
			assert.Equal(t, tc.withRefresh, tok.RefreshToken != "")
			assert.Equal(t, 1, e.srv.TokenRequests("password"))
			assert.Equal(t, http.StatusOK, e.get(tok.AccessToken))

			// The public client can use the grant too.
			tok, err = e.publicConfig().PasswordToken(context.Background(), e.srv.User.Username, e.srv.User.Password)
			noteErr(t, err)
			require.NoError(t, err)
			watch.token(tok)
			assert.Equal(t, http.StatusOK, e.get(tok.AccessToken))
		})
	}
}

func TestPasswordTokenRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()

	_, err := e.config().PasswordToken(ctx, e.srv.User.Username, "wrong-"+e.srv.User.Password)
	noteErr(t, err)
	var te *auth.TokenError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "password", te.Grant)
	assert.Equal(t, "invalid_grant", te.Code)
	assert.Equal(t, http.StatusBadRequest, te.StatusCode)
	assert.Equal(t, 1, e.srv.TokenRequests("password"))

	// A wrong client secret is refused once: the auth style is explicit, so
	// x/oauth2 does not re-send the grant in the other style.
	bad := e.config()
	bad.ClientSecret = "wrong-" + e.srv.Client.Secret
	watch.secret("client secret", bad.ClientSecret)
	_, err = bad.PasswordToken(ctx, e.srv.User.Username, e.srv.User.Password)
	noteErr(t, err)
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "invalid_client", te.Code)
	assert.Equal(t, http.StatusUnauthorized, te.StatusCode)
	assert.Contains(t, err.Error(), "auth: password grant refused (HTTP 401): invalid_client")
	assert.Equal(t, 2, e.srv.TokenRequests("password"), "one request for the refused client, not two")
}

func TestSourcePasswordSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	store := auth.NewMemoryStore(nil)
	src := e.source(e.config(), store, auth.WithPassword(e.srv.User.Username, e.srv.User.Password))

	tok := mustToken(t, src)
	assert.Equal(t, 1, e.srv.TokenRequests("password"))
	assert.NotEmpty(t, tok.RefreshToken)
	stored, err := store.Load(context.Background())
	require.NoError(t, err)
	equalSecret(t, tok.AccessToken, stored.AccessToken, "saved before use")
	assert.Equal(t, http.StatusOK, e.get(tok.AccessToken))

	again := mustToken(t, src)
	sameToken(t, tok, again, "cached")
	assert.Equal(t, 1, e.srv.TokenRequests("password"))

	// With a refresh token the source refreshes rather than signing in again.
	e.expire()
	next := mustToken(t, src)
	differentSecret(t, tok.AccessToken, next.AccessToken)
	assert.Equal(t, 1, e.srv.TokenRequests("password"))
	assert.Equal(t, 1, e.srv.TokenRequests("refresh_token"))
	assert.Equal(t, http.StatusOK, e.get(next.AccessToken))
}

// When the provider issues no refresh token with the password grant, the
// source signs in again as the token nears expiry.
func TestSourcePasswordWithoutRefreshToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, iconecttest.WithPasswordRefreshTokens(false))
	store := auth.NewMemoryStore(nil)
	const skew = 5 * time.Minute
	src := e.source(e.config(), store, auth.WithPassword(e.srv.User.Username, e.srv.User.Password), auth.WithSkew(skew))

	tok := mustToken(t, src)
	assert.Empty(t, tok.RefreshToken)
	assert.Equal(t, 1, e.srv.TokenRequests("password"))

	for round := 2; round <= 5; round++ {
		// Just before expiry - skew: still cached.
		e.clock.Advance(e.lifetime - skew - 10*time.Second)
		sameToken(t, tok, mustToken(t, src))
		assert.Equal(t, round-1, e.srv.TokenRequests("password"))

		// Past it: a new password sign-in.
		e.clock.Advance(20 * time.Second)
		next := mustToken(t, src)
		differentSecret(t, tok.AccessToken, next.AccessToken)
		assert.Equal(t, round, e.srv.TokenRequests("password"), "round %d", round)
		assert.Equal(t, 0, e.srv.TokenRequests("refresh_token"))
		assert.Equal(t, http.StatusOK, e.get(next.AccessToken))
		stored, err := store.Load(context.Background())
		require.NoError(t, err)
		equalSecret(t, next.AccessToken, stored.AccessToken)
		tok = next
	}
}
