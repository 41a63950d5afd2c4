package iconecttest

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultsByRequestNumber(t *testing.T) {
	s := NewServer(WithFaults(
		Fault{Operation: "listProjects", Kind: FaultStatus, Status: http.StatusServiceUnavailable, Requests: []int{1}},
		Fault{Operation: "listProjects", Kind: FaultRateLimit, RetryAfter: 1500 * time.Millisecond, Requests: []int{2}},
	))
	defer s.Close()

	code, body := call(t, s, "GET", "/projects", nil)
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.NotEmpty(t, errorMessage(t, body))

	req := authed(t, s, "GET", "/projects")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode)
	assert.Equal(t, "2", res.Header.Get("Retry-After"), "whole seconds, rounded up")

	code, _ = call(t, s, "GET", "/projects", nil)
	assert.Equal(t, http.StatusOK, code, "the third request passes")
	code, _ = call(t, s, "GET", "/clients/11/activate", nil)
	assert.Equal(t, http.StatusMethodNotAllowed, code, "faults apply to their operation only")
	assert.Equal(t, 3, s.RequestCount("listProjects"))
}

func TestFaultDropBeforeAndAfter(t *testing.T) {
	s := NewServer()
	defer s.Close()

	s.SetFaults(Fault{Operation: "createClient", Kind: FaultDropBefore, Rate: 1})
	_, err := http.DefaultClient.Do(jsonReq(t, s, "POST", "/clients", `{"name":"A","description":"a","state":0}`))
	require.Error(t, err, "the connection is closed unanswered")
	assert.True(t, errors.Is(err, io.EOF) || strings.Contains(err.Error(), "EOF") || strings.Contains(err.Error(), "reset"), "%v", err)

	s.SetFaults(Fault{Operation: "createClient", Kind: FaultDropAfter, Rate: 1})
	_, err = http.DefaultClient.Do(jsonReq(t, s, "POST", "/clients", `{"name":"B","description":"b","state":0}`))
	require.Error(t, err)

	s.SetFaults()
	s.tenant.mu.Lock()
	names := map[string]bool{}
	for _, c := range s.tenant.clients {
		names[c.Name] = true
	}
	s.tenant.mu.Unlock()
	assert.False(t, names["A"], "drop-before does not handle the request")
	assert.True(t, names["B"], "drop-after handles it: the client never hears")
}

func TestFaultRateIsDeterministicUnderASeed(t *testing.T) {
	pattern := func() []int {
		s := NewServer(WithSeed(42), WithFaults(Fault{Kind: FaultStatus, Rate: 0.5}))
		defer s.Close()
		var codes []int
		for range 20 {
			code, _ := call(t, s, "GET", "/projects", nil)
			codes = append(codes, code)
		}
		return codes
	}
	first := pattern()
	assert.Equal(t, first, pattern())
	assert.Contains(t, first, http.StatusInternalServerError)
	assert.Contains(t, first, http.StatusOK)
}

func TestFaultDelayAndLatency(t *testing.T) {
	s := NewServer(WithLatency(5*time.Millisecond), WithFaults(Fault{Kind: FaultDelay, Delay: 20 * time.Millisecond, Requests: []int{1}}))
	defer s.Close()
	start := time.Now()
	code, _ := call(t, s, "GET", "/projects", nil)
	assert.Equal(t, http.StatusOK, code)
	assert.GreaterOrEqual(t, time.Since(start), 25*time.Millisecond)
}

func authed(t *testing.T, s *Server, method, path string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+s.AccessToken())
	return req
}

func jsonReq(t *testing.T, s *Server, method, path, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+s.AccessToken())
	req.Header.Set("Content-Type", "application/json")
	return req
}
