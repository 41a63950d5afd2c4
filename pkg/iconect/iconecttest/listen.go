package iconecttest

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
)

// WithAddr makes the API listen on addr (host:port; port 0 picks a free
// one) instead of a random loopback port, so that a long-running fake
// (cmd/iconect-sandbox) can be found at a known address. NewServer panics
// if it cannot listen there.
func WithAddr(addr string) Option { return func(c *config) { c.apiAddr = addr } }

// WithIdentityAddr makes the identity provider listen on addr, as WithAddr
// does for the API.
func WithIdentityAddr(addr string) Option { return func(c *config) { c.identityAddr = addr } }

// startServer starts h on addr, or on a random loopback port when addr is
// empty (httptest.NewServer). It panics if it cannot listen, as
// httptest.NewServer does.
func startServer(addr string, h http.Handler) *httptest.Server {
	if addr == "" {
		return httptest.NewServer(h)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		panic(fmt.Sprintf("iconecttest: cannot listen on %s: %v", addr, err))
	}
	ts := httptest.NewUnstartedServer(h)
	_ = ts.Listener.Close() // the random loopback listener NewUnstartedServer opened
	ts.Listener = l
	ts.Start()
	ts.URL = "http://" + dialAddr(l.Addr())
	return ts
}

// dialAddr is where a client reaches a listener: a wildcard listener (":8080",
// "0.0.0.0:8080") is named by its loopback address, since the URL is also
// the tokens' issuer and a client cannot dial "0.0.0.0" everywhere.
func dialAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
}
