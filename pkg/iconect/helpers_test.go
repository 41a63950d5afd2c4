package iconect

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// newTest starts a fake tenant and a client signed in to it (a static
// token, retries off unless opts turn them on).
func newTest(t testing.TB, srvOpts []iconecttest.Option, opts ...Option) (*Client, *iconecttest.Server) {
	t.Helper()
	srv := iconecttest.NewServer(srvOpts...)
	t.Cleanup(srv.Close)
	opts = append([]Option{
		WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: srv.AccessToken()})),
		WithRetryPolicy(NoRetry),
	}, opts...)
	c, err := NewClient(srv.URL, opts...)
	require.NoError(t, err)
	return c, srv
}

// newProject creates a client and a blank project through the SDK.
func newProject(t testing.TB, c *Client, srv *iconecttest.Server) int64 {
	t.Helper()
	ctx := context.Background()
	cl, err := c.Clients.Create(ctx, ClientRequest{Name: "Client", Description: "test", State: StateActive})
	require.NoError(t, err)
	p, err := c.Projects.Create(ctx, CreateProjectRequest{Name: Ptr("Project"), ClientID: cl.ID, DataserversID: srv.DataServerID})
	require.NoError(t, err)
	return p.ID
}
