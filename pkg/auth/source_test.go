package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strconv"
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

// hookStore wraps a store, counting loads and optionally failing or
// serving a stale token once.
type hookStore struct {
	auth.TokenStore
	mu      sync.Mutex
	loads   int
	saves   int
	stale   *oauth2.Token // the next Load returns this instead
	loadErr error
	saveErr error
}

func (s *hookStore) Load(ctx context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	s.loads++
	stale, err := s.stale, s.loadErr
	s.stale = nil
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if stale != nil {
		c := *stale
		return &c, nil
	}
	return s.TokenStore.Load(ctx)
}

func (s *hookStore) Save(ctx context.Context, tok *oauth2.Token) error {
	s.mu.Lock()
	s.saves++
	err := s.saveErr
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return s.TokenStore.Save(ctx, tok)
}

func (s *hookStore) counts() (loads, saves int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loads, s.saves
}

// lockFailStore is a Locker that cannot lock.
type lockFailStore struct{ auth.TokenStore }

func (lockFailStore) Lock(context.Context) (func(), error) {
	return nil, errors.New("lock file busy")
}

// countingClient counts the token requests x/oauth2 sends through it.
type countingClient struct {
	n atomic.Int32
}

func (c *countingClient) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func (c *countingClient) client() *http.Client { return &http.Client{Transport: c} }

func loadToken(t testing.TB, store auth.TokenStore) *oauth2.Token {
	t.Helper()
	tok, err := store.Load(context.Background())
	require.NoError(t, err)
	return tok
}

func TestSourceUsesStoredToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	tok0 := e.signIn(cfg)
	src := e.source(cfg, auth.NewMemoryStore(tok0))
	tok := mustToken(t, src)
	equalSecret(t, tok0.AccessToken, tok.AccessToken)
	sameToken(t, tok, mustToken(t, src))
	assert.Equal(t, 0, e.srv.TokenRequests("refresh_token"))
	assert.Equal(t, http.StatusOK, e.get(tok.AccessToken))
}

func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	tok0 := e.signIn(cfg)
	store := auth.NewMemoryStore(tok0)
	src := e.source(cfg, store)
	mustToken(t, src)

	prev := tok0
	var spent []string
	const rounds = 10
	for i := 1; i <= rounds; i++ {
		e.expire()
		assert.Equal(t, http.StatusUnauthorized, e.get(prev.AccessToken), "the old access token has expired")
		tok := mustToken(t, src)
		require.Equal(t, i, e.srv.TokenRequests("refresh_token"), "round %d: one refresh", i)
		require.NotEmpty(t, tok.RefreshToken)
		differentSecret(t, prev.RefreshToken, tok.RefreshToken, "rotated")
		differentSecret(t, prev.AccessToken, tok.AccessToken)
		assert.Equal(t, http.StatusOK, e.get(tok.AccessToken))
		sameToken(t, tok, mustToken(t, src), "cached until due")

		stored := loadToken(t, store)
		equalSecret(t, tok.RefreshToken, stored.RefreshToken, "the store holds the rotated token")
		equalSecret(t, tok.AccessToken, stored.AccessToken)
		assert.WithinDuration(t, tok.Expiry, stored.Expiry, 0)

		spent = append(spent, prev.RefreshToken)
		prev = tok
	}

	// Each refresh token was presented once, in order.
	presented := e.srv.RefreshTokensPresented()
	require.Len(t, presented, rounds)
	assertEachOnce(t, presented)
	for i := range spent {
		equalSecret(t, spent[i], presented[i], "refresh %d", i)
	}

	// A used refresh token is dead at the provider.
	for _, i := range []int{0, rounds - 1} {
		status, code := e.postRefresh(spent[i])
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, "invalid_grant", code)
	}
	// The current one still works (and this spends it).
	status, code := e.postRefresh(prev.RefreshToken)
	assert.Equal(t, http.StatusOK, status, code)
}

func TestRefreshSingleFlight(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	tok0 := e.signIn(cfg)
	src := e.source(cfg, auth.NewMemoryStore(tok0))
	old := mustToken(t, src)
	e.expire()

	const n = 100
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		toks  [n]*oauth2.Token
		errs  [n]error
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			toks[i], errs[i] = src.Token()
		}()
	}
	close(start)
	wg.Wait()

	assert.Equal(t, 1, e.srv.TokenRequests("refresh_token"), "exactly one refresh request")
	for i := range n {
		noteErr(t, errs[i])
		require.NoError(t, errs[i])
		sameToken(t, toks[0], toks[i], "caller %d", i)
	}
	watch.token(toks[0])
	differentSecret(t, old.AccessToken, toks[0].AccessToken)
	assert.Equal(t, http.StatusOK, e.get(toks[0].AccessToken))

	// N callers whose token the API refused share one forced refresh too.
	failed := toks[0]
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			toks[i], errs[i] = src.Refresh(failed)
		}()
	}
	wg.Wait()
	assert.Equal(t, 2, e.srv.TokenRequests("refresh_token"), "one forced refresh")
	for i := range n {
		noteErr(t, errs[i])
		require.NoError(t, errs[i])
		sameToken(t, toks[0], toks[i])
	}
	watch.token(toks[0])
	differentSecret(t, failed.AccessToken, toks[0].AccessToken)
	assertEachOnce(t, e.srv.RefreshTokensPresented())
}

// Two token sources sharing one token file, as two processes would: each
// has its own cache and its own FileStore, and they take turns.
func TestSharedFileStore(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (*env, [2]*auth.TokenSource, string) {
		e := newEnv(t)
		cfg := e.config()
		path := filepath.Join(t.TempDir(), "iconect", "token.json")
		require.NoError(t, auth.NewFileStore(path).Save(context.Background(), e.signIn(cfg)))
		return e, [2]*auth.TokenSource{
			e.source(cfg, auth.NewFileStore(path)),
			e.source(cfg, auth.NewFileStore(path)),
		}, path
	}

	t.Run("alternately", func(t *testing.T) {
		e, src, path := setup(t)
		const rounds = 10
		var last *oauth2.Token
		for i := 0; i < 2*rounds; i++ {
			tok := mustToken(t, src[i%2]) // A, B, A, B, ...
			assert.Equal(t, i, e.srv.TokenRequests("refresh_token"))
			assert.Equal(t, http.StatusOK, e.get(tok.AccessToken))
			last = tok
			e.expire()
		}
		presented := e.srv.RefreshTokensPresented()
		assert.Len(t, presented, 2*rounds-1)
		assertEachOnce(t, presented)
		stored := loadToken(t, auth.NewFileStore(path))
		equalSecret(t, last.RefreshToken, stored.RefreshToken)
		assert.NotContains(t, e.logs.String(), "refused", "never an invalid_grant")
	})

	t.Run("both due at once", func(t *testing.T) {
		e, src, _ := setup(t)
		for i := 1; i <= 10; i++ {
			e.expire()
			first, second := src[i%2], src[(i+1)%2]
			a := mustToken(t, first)
			assert.Equal(t, i, e.srv.TokenRequests("refresh_token"))
			b := mustToken(t, second) // takes the first's token from the file
			assert.Equal(t, i, e.srv.TokenRequests("refresh_token"), "no second refresh")
			equalSecret(t, a.AccessToken, b.AccessToken)
		}
		assertEachOnce(t, e.srv.RefreshTokensPresented())
		assert.NotContains(t, e.logs.String(), "refused")
	})

	t.Run("concurrently", func(t *testing.T) {
		e, src, _ := setup(t)
		for i := 1; i <= 5; i++ {
			e.expire()
			var wg sync.WaitGroup
			toks := make([]*oauth2.Token, 20)
			errs := make([]error, 20)
			for j := range toks {
				wg.Add(1)
				go func() {
					defer wg.Done()
					toks[j], errs[j] = src[j%2].Token()
				}()
			}
			wg.Wait()
			for j := range toks {
				noteErr(t, errs[j])
				require.NoError(t, errs[j])
				equalSecret(t, toks[0].AccessToken, toks[j].AccessToken)
			}
			watch.token(toks[0])
			assert.Equal(t, i, e.srv.TokenRequests("refresh_token"), "one refresh between both sources")
		}
		assertEachOnce(t, e.srv.RefreshTokensPresented())
	})
}

func TestIdentityProviderDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	counter := &countingClient{}
	cfg := e.config()
	cfg.HTTPClient = counter.client()
	tok0 := e.signIn(cfg)
	store := auth.NewMemoryStore(tok0)
	src := e.source(cfg, store)
	mustToken(t, src)
	e.expire()

	e.srv.SetIdentityDown(true)
	for range 2 {
		before := counter.n.Load()
		tok, err := token(t, src)
		require.Error(t, err)
		assert.Nil(t, tok)
		var temp *auth.TemporaryError
		require.ErrorAs(t, err, &temp)
		assert.Equal(t, "refresh_token", temp.Grant)
		assert.True(t, temp.Temporary())
		assert.True(t, strings.HasPrefix(err.Error(), "auth: refresh_token grant failed, try again later: "), err.Error())
		assert.NotErrorIs(t, err, auth.ErrReauthRequired)
		assert.Equal(t, int32(1), counter.n.Load()-before, "a refresh that may have reached the provider is not re-sent")

		stored := loadToken(t, store)
		equalSecret(t, tok0.RefreshToken, stored.RefreshToken, "no token lost from the store")
		equalSecret(t, tok0.AccessToken, stored.AccessToken)
	}
	assert.Contains(t, e.logs.String(), "token refresh failed; the stored token is kept")

	e.srv.SetIdentityDown(false)
	tok := mustToken(t, src)
	differentSecret(t, tok0.AccessToken, tok.AccessToken)
	assert.Equal(t, http.StatusOK, e.get(tok.AccessToken))
	presented := e.srv.RefreshTokensPresented()
	require.Len(t, presented, 1)
	equalSecret(t, tok0.RefreshToken, presented[0])
	equalSecret(t, tok.RefreshToken, loadToken(t, store).RefreshToken)
}

// The password grant spends nothing, so it is retried even after the
// request was written.
func TestPasswordGrantRetried(t *testing.T) {
	t.Parallel()
	e := newEnv(t, iconecttest.WithIdentityDown())
	counter := &countingClient{}
	cfg := e.config()
	cfg.HTTPClient = counter.client()
	src := e.source(cfg, nil, auth.WithPassword(e.srv.User.Username, e.srv.User.Password))
	_, err := token(t, src)
	var temp *auth.TemporaryError
	require.ErrorAs(t, err, &temp)
	assert.Equal(t, "password", temp.Grant)
	assert.Equal(t, int32(3), counter.n.Load(), "WithRetries(3, ...)")

	e.srv.SetIdentityDown(false)
	tok := mustToken(t, src)
	assert.Equal(t, http.StatusOK, e.get(tok.AccessToken))
}

// A token request that never reached the provider (connection refused) is
// retried, a refresh included.
func TestRefreshRetriedBeforeWritten(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	tok0 := e.signIn(cfg)

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	counter := &countingClient{}
	unreachable := e.config()
	unreachable.TokenURL = closed.URL + "/openid/token"
	unreachable.HTTPClient = counter.client()
	store := auth.NewMemoryStore(tok0)
	src := e.source(unreachable, store, auth.WithRetries(4, time.Millisecond))
	mustToken(t, src)
	e.expire()

	_, err := token(t, src)
	var temp *auth.TemporaryError
	require.ErrorAs(t, err, &temp)
	assert.Equal(t, int32(4), counter.n.Load())
	equalSecret(t, tok0.RefreshToken, loadToken(t, store).RefreshToken)
	assert.Equal(t, 0, e.srv.TokenRequests("refresh_token"))
}

// A 5xx answer to a refresh: a temporary error, one request, the stored
// token kept; a lost answer (the provider spent the token, the client never
// heard) likewise.
func TestRefreshServerErrorAndLostAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	target, err := url.Parse(e.srv.IdentityURL)
	require.NoError(t, err)
	rp := httputil.NewSingleHostReverseProxy(target)
	var mode atomic.Value // "503", "lose", "pass"
	mode.Store("pass")
	var hits atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch mode.Load() {
		case "503":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `{"error":"temporarily_unavailable","error_description":"maintenance"}`)
		case "lose":
			rec := httptest.NewRecorder()
			rp.ServeHTTP(rec, r) // the provider handles it...
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close() // ...and the answer is lost
					return
				}
			}
			panic(http.ErrAbortHandler)
		default:
			rp.ServeHTTP(w, r)
		}
	}))
	defer front.Close()
	cfg.TokenURL = front.URL + "/openid/token"
	tok0 := e.signIn(cfg)
	store := &hookStore{TokenStore: auth.NewMemoryStore(tok0)}
	src := e.source(cfg, store)
	mustToken(t, src)
	e.expire()

	mode.Store("503")
	before := hits.Load()
	_, err = token(t, src)
	var temp *auth.TemporaryError
	require.ErrorAs(t, err, &temp)
	assert.Contains(t, err.Error(), "the identity provider answered HTTP 503")
	assert.Equal(t, int32(1), hits.Load()-before, "not re-sent")
	equalSecret(t, tok0.RefreshToken, loadToken(t, store).RefreshToken)

	mode.Store("lose")
	before = hits.Load()
	loadsBefore, _ := store.counts()
	_, err = token(t, src)
	require.ErrorAs(t, err, &temp)
	assert.Equal(t, int32(1), hits.Load()-before, "not re-sent")
	loads, _ := store.counts()
	assert.Equal(t, 2, loads-loadsBefore, "the store is reloaded once after a lost answer")
	equalSecret(t, tok0.RefreshToken, loadToken(t, store).RefreshToken, "the stored token is left as it was")
	assert.Equal(t, 1, e.srv.TokenRequests("refresh_token"), "the provider did spend it")

	// The token was spent, which only the provider knew: the next call
	// tries it once more (as it must after the provider was merely down),
	// is refused and says sign-in is required; then it never sends it again.
	mode.Store("pass")
	_, err = token(t, src)
	assert.ErrorIs(t, err, auth.ErrReauthRequired)
	_, err = token(t, src)
	assert.ErrorIs(t, err, auth.ErrReauthRequired)
	presented := e.srv.RefreshTokensPresented()
	require.Len(t, presented, 2)
	equalSecret(t, tok0.RefreshToken, presented[1])
}

func TestInvalidGrant(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	tok0 := e.signIn(cfg)
	status, _ := e.postRefresh(tok0.RefreshToken) // someone else spent it
	require.Equal(t, http.StatusOK, status)

	store := &hookStore{TokenStore: auth.NewMemoryStore(tok0)}
	src := e.source(cfg, store)
	mustToken(t, src)
	e.expire()

	loadsBefore, _ := store.counts()
	tok, err := token(t, src)
	assert.Nil(t, tok)
	require.ErrorIs(t, err, auth.ErrReauthRequired)
	var te *auth.TokenError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "invalid_grant", te.Code)
	assert.Equal(t, "refresh_token", te.Grant)
	assert.True(t, strings.HasPrefix(err.Error(), "auth: sign-in required: the identity provider refused the refresh token: "), err.Error())
	loads, _ := store.counts()
	assert.Equal(t, 2, loads-loadsBefore, "loaded, then reloaded once after invalid_grant")
	presented := len(e.srv.RefreshTokensPresented())
	assert.Contains(t, e.logs.String(), "refused the refresh token")

	// The refused token is never sent again.
	_, err = token(t, src)
	require.ErrorIs(t, err, auth.ErrReauthRequired)
	assert.Contains(t, err.Error(), "no refresh token is left")
	assert.Len(t, e.srv.RefreshTokensPresented(), presented)

	// A new sign-in saved to the store ends it.
	fresh := e.signIn(cfg)
	require.NoError(t, store.Save(context.Background(), fresh))
	tok = mustToken(t, src)
	equalSecret(t, fresh.AccessToken, tok.AccessToken)
}

func TestInvalidGrantFallsBackToPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	tok0 := e.signIn(cfg)
	status, _ := e.postRefresh(tok0.RefreshToken)
	require.Equal(t, http.StatusOK, status)
	store := auth.NewMemoryStore(tok0)
	src := e.source(cfg, store, auth.WithPassword(e.srv.User.Username, e.srv.User.Password))
	mustToken(t, src)
	e.expire()

	tok := mustToken(t, src)
	assert.Equal(t, 1, e.srv.TokenRequests("password"))
	assert.Equal(t, http.StatusOK, e.get(tok.AccessToken))
	equalSecret(t, tok.AccessToken, loadToken(t, store).AccessToken)

	// A wrong password is a TokenError, not a retry loop.
	e2 := newEnv(t)
	src2 := e2.source(e2.config(), nil, auth.WithPassword(e2.srv.User.Username, "wrong-"+e2.srv.User.Password))
	_, err := token(t, src2)
	var te2 *auth.TokenError
	require.ErrorAs(t, err, &te2)
	assert.Equal(t, "invalid_grant", te2.Code)
	assert.Equal(t, 1, e2.srv.TokenRequests("password"))
}

// Another holder rotated the token after this source loaded it: the
// invalid_grant's reload finds the new token.
func TestInvalidGrantReloadFindsRotatedToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	tok0 := e.signIn(cfg)
	shared := auth.NewMemoryStore(tok0)
	other := e.source(cfg, shared)
	e.expire()
	rotated := mustToken(t, other) // spends tok0's refresh token

	stale := &hookStore{TokenStore: shared, stale: tok0}
	src := e.source(cfg, stale)
	tok := mustToken(t, src)
	equalSecret(t, rotated.AccessToken, tok.AccessToken)
	assert.Equal(t, 2, e.srv.TokenRequests("refresh_token"), "the stale one was refused, nothing more")

	// The reloaded token may itself be due: then it is refreshed.
	e2 := newEnv(t)
	cfg2 := e2.config()
	t0 := e2.signIn(cfg2)
	shared2 := auth.NewMemoryStore(t0)
	other2 := e2.source(cfg2, shared2)
	e2.expire()
	mustToken(t, other2)
	e2.expire()
	src2 := e2.source(cfg2, &hookStore{TokenStore: shared2, stale: t0})
	tok = mustToken(t, src2)
	assert.Equal(t, 3, e2.srv.TokenRequests("refresh_token"))
	assert.Equal(t, http.StatusOK, e2.get(tok.AccessToken))
	// t0's refresh token twice (the stale store served it), the rotated one once.
	presented := e2.srv.RefreshTokensPresented()
	require.Len(t, presented, 3)
	equalSecret(t, t0.RefreshToken, presented[0])
	equalSecret(t, t0.RefreshToken, presented[1])
	assertEachOnce(t, presented[1:])
}

// A provider that answers a refresh without a new refresh token has still
// consumed the old one: the source must not keep it.
func TestRefreshAnswerWithoutRefreshToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	target, err := url.Parse(e.srv.IdentityURL)
	require.NoError(t, err)
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(res *http.Response) error {
		if res.StatusCode != http.StatusOK {
			return nil
		}
		var body map[string]any
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			return err
		}
		_ = res.Body.Close()
		if rt, ok := body["refresh_token"].(string); ok {
			watch.secret("refresh token", rt)
		}
		delete(body, "refresh_token")
		data, _ := json.Marshal(body)
		res.Body = io.NopCloser(bytes.NewReader(data))
		res.ContentLength = int64(len(data))
		res.Header.Set("Content-Length", strconv.Itoa(len(data)))
		return nil
	}
	front := httptest.NewServer(rp)
	defer front.Close()

	tok0 := e.signIn(cfg) // directly: with a refresh token
	cfg.TokenURL = front.URL + "/openid/token"
	store := auth.NewMemoryStore(tok0)
	src := e.source(cfg, store)
	mustToken(t, src)
	e.expire()
	tok := mustToken(t, src)
	assert.Empty(t, tok.RefreshToken, "the spent refresh token is not kept")
	assert.Empty(t, loadToken(t, store).RefreshToken)
	e.expire()
	_, err = token(t, src)
	require.ErrorIs(t, err, auth.ErrReauthRequired)
	assert.Len(t, e.srv.RefreshTokensPresented(), 1, "the spent refresh token was not sent again")
}

func TestRefreshRefusedClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok0 := e.signIn(e.config())
	bad := e.config()
	bad.ClientSecret = "wrong-" + e.srv.Client.Secret
	watch.secret("client secret", bad.ClientSecret)
	store := auth.NewMemoryStore(tok0)
	src := e.source(bad, store)
	mustToken(t, src)
	e.expire()
	_, err := token(t, src)
	var te *auth.TokenError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "invalid_client", te.Code)
	assert.NotErrorIs(t, err, auth.ErrReauthRequired, "a configuration problem, not a sign-in one")
	equalSecret(t, tok0.RefreshToken, loadToken(t, store).RefreshToken)
	assert.Equal(t, 1, e.srv.TokenRequests("refresh_token"), "refused once, not re-sent in the other auth style")

	// The refresh token is still good for the right client.
	good := e.source(e.config(), store)
	tok := mustToken(t, good)
	assert.Equal(t, http.StatusOK, e.get(tok.AccessToken))
}

func TestSourceStoreFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	login := auth.WithPassword(e.srv.User.Username, e.srv.User.Password)

	t.Run("empty store, no password", func(t *testing.T) {
		src := e.source(cfg, nil)
		_, err := token(t, src)
		require.ErrorIs(t, err, auth.ErrReauthRequired)
		assert.Equal(t, "auth: sign-in required: the token store is empty", err.Error())
	})
	t.Run("load fails", func(t *testing.T) {
		src := e.source(cfg, &hookStore{TokenStore: auth.NewMemoryStore(nil), loadErr: errors.New("disk on fire")}, login)
		_, err := token(t, src)
		require.Error(t, err)
		assert.Equal(t, "auth: load the token store: disk on fire", err.Error())
	})
	t.Run("lock fails", func(t *testing.T) {
		src := e.source(cfg, lockFailStore{auth.NewMemoryStore(nil)}, login)
		_, err := token(t, src)
		require.Error(t, err)
		assert.Equal(t, "auth: lock the token store: lock file busy", err.Error())
	})
	t.Run("save fails", func(t *testing.T) {
		before := e.srv.TokenRequests("password")
		store := &hookStore{TokenStore: auth.NewMemoryStore(nil), saveErr: errors.New("read-only file system")}
		src := e.source(cfg, store, login)
		tok, err := token(t, src)
		assert.Nil(t, tok)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "the new token could not be saved (it is kept in memory): read-only file system")
		assert.Contains(t, e.logs.String(), "the new token could not be saved")
		// The token is kept in memory: the next call uses it.
		tok = mustToken(t, src)
		assert.Equal(t, http.StatusOK, e.get(tok.AccessToken))
		assert.Equal(t, before+1, e.srv.TokenRequests("password"))
	})
	t.Run("token without expiry", func(t *testing.T) {
		tok0 := &oauth2.Token{AccessToken: e.srv.AccessToken(), TokenType: "Bearer"}
		watch.token(tok0)
		src := e.source(cfg, auth.NewMemoryStore(tok0))
		tok := mustToken(t, src)
		e.clock.Advance(1000 * 24 * time.Hour)
		sameToken(t, tok, mustToken(t, src), "never due")
	})
}

// The skew, and the half-life rule for short-lived tokens.
func TestRefreshTiming(t *testing.T) {
	t.Parallel()
	t.Run("skew", func(t *testing.T) {
		e := newEnv(t)
		cfg := e.config()
		src := e.source(cfg, auth.NewMemoryStore(e.signIn(cfg)), auth.WithSkew(10*time.Minute))
		tok := mustToken(t, src)
		e.clock.Advance(e.lifetime - 10*time.Minute - time.Second)
		sameToken(t, tok, mustToken(t, src))
		assert.Equal(t, 0, e.srv.TokenRequests("refresh_token"))
		e.clock.Advance(2 * time.Second)
		mustToken(t, src)
		assert.Equal(t, 1, e.srv.TokenRequests("refresh_token"))
	})
	t.Run("short-lived tokens", func(t *testing.T) {
		e := newEnv(t, iconecttest.WithTokenLifetime(time.Minute))
		src := e.source(e.config(), nil, auth.WithPassword(e.srv.User.Username, e.srv.User.Password))
		tok := mustToken(t, src)
		// The default skew (60 s) is the whole life: the token is due at
		// half-life instead of at once.
		e.clock.Advance(29 * time.Second)
		sameToken(t, tok, mustToken(t, src))
		e.clock.Advance(2 * time.Second)
		mustToken(t, src)
		assert.Equal(t, 1, e.srv.TokenRequests("refresh_token"))
	})
}

// A refresh is bounded by WithRefreshTimeout, not by any request's context.
func TestRefreshTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hung.Close()
	defer close(release)

	cfg := e.config()
	tok0 := e.signIn(cfg)
	cfg.TokenURL = hung.URL
	store := auth.NewMemoryStore(tok0)
	src := e.source(cfg, store, auth.WithRefreshTimeout(20*time.Millisecond))
	mustToken(t, src)
	e.expire()
	_, err := token(t, src)
	var temp *auth.TemporaryError
	require.ErrorAs(t, err, &temp)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	equalSecret(t, tok0.RefreshToken, loadToken(t, store).RefreshToken)
}

// Refresh with a token that is no longer the current one returns the
// current one: another caller refreshed already.
func TestRefreshStaleFailedToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	src := e.source(cfg, auth.NewMemoryStore(e.signIn(cfg)))
	cur := mustToken(t, src)
	tok, err := src.Refresh(&oauth2.Token{AccessToken: "some-older-token"})
	noteErr(t, err)
	require.NoError(t, err)
	sameToken(t, cur, tok)
	assert.Equal(t, 0, e.srv.TokenRequests("refresh_token"))
}

// Tokens that live less than twice the skew: a second holder takes the
// first's token from the store instead of refreshing again (the lifetime
// is kept in the store, so it knows the token is not yet due).
func TestShortLivedTokenHandOver(t *testing.T) {
	t.Parallel()
	e := newEnv(t, iconecttest.WithTokenLifetime(time.Minute)) // skew is 60 s: half the life applies
	cfg := e.config()
	path := filepath.Join(t.TempDir(), "token.json")
	require.NoError(t, auth.NewFileStore(path).Save(context.Background(), e.signIn(cfg)))
	a, b := e.source(cfg, auth.NewFileStore(path)), e.source(cfg, auth.NewFileStore(path))

	mustToken(t, a)
	mustToken(t, b)
	assert.Equal(t, 0, e.srv.TokenRequests("refresh_token"), "a fresh one-minute token is used as is")

	e.clock.Advance(35 * time.Second) // past half its life: due
	ta := mustToken(t, a)
	tb := mustToken(t, b)
	assert.Equal(t, 1, e.srv.TokenRequests("refresh_token"), "b takes a's refreshed token from the store")
	equalSecret(t, ta.AccessToken, tb.AccessToken)
}
