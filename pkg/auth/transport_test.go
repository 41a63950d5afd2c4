package auth_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/auth"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// recorder sends requests on through http.DefaultTransport and records
// what each carried and got.
type recorder struct {
	mu    sync.Mutex
	calls []call
}

type call struct {
	bearer string
	body   []byte
	status int
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	c := call{bearer: strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer "), body: body}
	if res != nil {
		c.status = res.StatusCode
	}
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
	return res, err
}

func (r *recorder) all() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call(nil), r.calls...)
}

// laggingSource returns a source whose clock stands still while the
// fake's moves on past the token's expiry: the source thinks its cached
// token valid, the API answers 401.
func laggingSource(t *testing.T, e *env) (*auth.TokenSource, *oauth2.Token) {
	t.Helper()
	cfg := e.config()
	tok0 := e.signIn(cfg)
	lag := iconecttest.NewFakeClock(e.clock.Now())
	src, err := cfg.TokenSource(auth.NewMemoryStore(tok0), auth.WithClock(lag.Now),
		auth.WithRetries(3, time.Millisecond), auth.WithLogger(e.log))
	require.NoError(t, err)
	cached := mustToken(t, src)
	e.expire()
	return src, cached
}

func TestTransportAddsBearer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	tok0 := e.signIn(cfg)
	src := e.source(cfg, auth.NewMemoryStore(tok0))
	client := &http.Client{Transport: &auth.Transport{Source: src}} // Base: http.DefaultTransport

	req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/projects", nil)
	require.NoError(t, err)
	res, err := client.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Empty(t, req.Header.Get("Authorization"), "the caller's request is not modified")

	rec := &recorder{}
	client = &http.Client{Transport: &auth.Transport{Source: src, Base: rec}}
	res, err = client.Get(e.srv.URL + "/projects")
	require.NoError(t, err)
	_ = res.Body.Close()
	calls := rec.all()
	require.Len(t, calls, 1)
	equalSecret(t, tok0.AccessToken, calls[0].bearer)

	// After expiry the transport's source refreshes first.
	e.expire()
	res, err = client.Get(e.srv.URL + "/projects")
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, 1, e.srv.TokenRequests("refresh_token"))
	assert.Len(t, rec.all(), 2, "no 401, no replay")
}

func TestTransportReplaysAfter401(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src, stale := laggingSource(t, e)
	rec := &recorder{}
	client := &http.Client{Transport: &auth.Transport{Source: src, Base: rec}}

	body := []byte(`{"name":"Client from the replay test","description":"made twice? no: once","state":0}`)
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/clients", bytes.NewReader(body))
	require.NoError(t, err)
	require.NotNil(t, req.GetBody)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	require.NoError(t, err)
	got, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusCreated, res.StatusCode, "%s", got)
	assert.Contains(t, string(got), "Client from the replay test")

	calls := rec.all()
	require.Len(t, calls, 2, "the request and one replay")
	assert.Equal(t, http.StatusUnauthorized, calls[0].status)
	equalSecret(t, stale.AccessToken, calls[0].bearer)
	assert.Equal(t, http.StatusCreated, calls[1].status)
	differentSecret(t, stale.AccessToken, calls[1].bearer, "replayed with the new token")
	assert.Equal(t, body, calls[0].body)
	assert.Equal(t, body, calls[1].body, "the body is intact on the replay")
	assert.Equal(t, 1, e.srv.TokenRequests("refresh_token"), "one refresh")
	assert.Equal(t, 2, e.srv.RequestCount("createClient"))

	// The new token is cached: the next request goes straight through.
	res, err = client.Get(e.srv.URL + "/projects")
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Len(t, rec.all(), 3)
	assert.Equal(t, 1, e.srv.TokenRequests("refresh_token"))
}

func TestTransportReplaysBodylessRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src, _ := laggingSource(t, e)
	rec := &recorder{}
	client := &http.Client{Transport: &auth.Transport{Source: src, Base: rec}}
	res, err := client.Get(e.srv.URL + "/projects")
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Len(t, rec.all(), 2)
	assert.Equal(t, 1, e.srv.TokenRequests("refresh_token"))
}

// closeTracker is a body that reports whether it was closed.
type closeTracker struct {
	io.Reader
	closed atomic.Bool
}

func (c *closeTracker) Close() error { c.closed.Store(true); return nil }

func TestTransportNoReplayWithoutGetBody(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src, _ := laggingSource(t, e)
	rec := &recorder{}
	client := &http.Client{Transport: &auth.Transport{Source: src, Base: rec}}

	body := `{"name":"never replayed","description":"d","state":0}`
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/clients", io.NopCloser(strings.NewReader(body)))
	require.NoError(t, err)
	require.Nil(t, req.GetBody)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "the 401 is returned as is")
	assert.Len(t, rec.all(), 1, "no replay")
	assert.Equal(t, 0, e.srv.TokenRequests("refresh_token"), "no refresh either")
}

func TestTransportGetBodyFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src, _ := laggingSource(t, e)
	rec := &recorder{}
	client := &http.Client{Transport: &auth.Transport{Source: src, Base: rec}}
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/clients", strings.NewReader(`{"name":"x","state":0}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.GetBody = func() (io.ReadCloser, error) { return nil, errors.New("spent") }
	res, err := client.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	assert.Len(t, rec.all(), 1)
}

func TestTransportRefreshFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src, _ := laggingSource(t, e)
	e.srv.SetIdentityDown(true)
	rec := &recorder{}
	client := &http.Client{Transport: &auth.Transport{Source: src, Base: rec}}
	res, err := client.Get(e.srv.URL + "/projects")
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "the caller sees the 401")
	assert.Len(t, rec.all(), 1)
	assert.Contains(t, e.logs.String(), "token refresh failed")
}

func TestTransportTokenFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.source(e.config(), nil) // nothing stored, no password
	rec := &recorder{}
	client := &http.Client{Transport: &auth.Transport{Source: src, Base: rec}}
	body := &closeTracker{Reader: strings.NewReader("{}")}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, e.srv.URL+"/clients", body)
	require.NoError(t, err)
	res, err := client.Do(req)
	noteErr(t, err)
	if res != nil {
		_ = res.Body.Close()
	}
	require.ErrorIs(t, err, auth.ErrReauthRequired)
	assert.True(t, body.closed.Load(), "a RoundTripper closes the body even on error")
	assert.Empty(t, rec.all())
}
