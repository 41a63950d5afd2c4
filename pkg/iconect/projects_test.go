package iconect

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClients(t *testing.T) {
	c, _ := newTest(t, nil)
	ctx := context.Background()

	cl, err := c.Clients.Create(ctx, ClientRequest{Name: "Acme", Description: "A client", State: StateActive})
	require.NoError(t, err)
	assert.Equal(t, "Acme", cl.Name)

	cl, err = c.Clients.Update(ctx, cl.ID, ClientRequest{Name: "Acme Ltd", Description: "Renamed", State: StateActive})
	require.NoError(t, err)
	assert.Equal(t, "Acme Ltd", cl.Name)

	cl, err = c.Clients.Deactivate(ctx, cl.ID)
	require.NoError(t, err)
	assert.Equal(t, StateValue2, cl.State)
	cl, err = c.Clients.Activate(ctx, cl.ID)
	require.NoError(t, err)
	assert.Equal(t, StateActive, cl.State)

	_, err = c.Clients.Activate(ctx, 999999)
	assert.True(t, IsNotFound(err), "%v", err)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "activateClient", apiErr.OperationID)
	assert.Equal(t, "PUT", apiErr.Method)
	assert.Contains(t, apiErr.Message, "999999")

	_, err = c.Clients.Create(ctx, ClientRequest{Name: " ", Description: "x"})
	assert.True(t, IsValidation(err), "%v", err)
	_, err = c.Clients.Update(ctx, 0, ClientRequest{Name: "x", Description: "x"})
	assert.True(t, IsValidation(err))
	_, err = c.Clients.Deactivate(ctx, -1)
	assert.True(t, IsValidation(err))
}

func TestProjects(t *testing.T) {
	c, srv := newTest(t, nil)
	ctx := context.Background()
	pid := newProject(t, c, srv)

	ps, err := c.Projects.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, pid, ps[0].ID)
	ts, err := c.Projects.List(ctx, &ListProjectsOptions{Type: DatabaseFilterValue1})
	require.NoError(t, err)
	require.Len(t, ts, 1)
	assert.Equal(t, srv.TemplateProjectID, ts[0].ID)

	p, err := c.Projects.Update(ctx, pid, "Renamed", "New description")
	require.NoError(t, err)
	assert.Equal(t, "Renamed", p.Name)
	set, err := c.Projects.Settings(ctx, pid)
	require.NoError(t, err)
	assert.NotZero(t, set.FieldAssociations["NATIVEFIELD"])
	p, err = c.Projects.Deactivate(ctx, pid)
	require.NoError(t, err)
	assert.Equal(t, StateValue2, p.State)
	p, err = c.Projects.Activate(ctx, pid)
	require.NoError(t, err)
	assert.Equal(t, StateActive, p.State)

	_, err = c.Projects.Settings(ctx, 999999)
	assert.True(t, IsNotFound(err))
	_, err = c.Projects.Update(ctx, pid, "", "x")
	assert.True(t, IsValidation(err))
	_, err = c.Projects.Create(ctx, CreateProjectRequest{Name: Ptr("x"), ClientID: 424242, DataserversID: srv.DataServerID})
	assert.True(t, IsValidation(err), "the API refuses an unknown client with 400: %v", err)
	_, err = c.Projects.List(ctx, &ListProjectsOptions{Type: 9})
	assert.True(t, IsValidation(err))
	for _, f := range []func() error{
		func() error { _, err := c.Projects.Activate(ctx, 0); return err },
		func() error { _, err := c.Projects.Deactivate(ctx, 0); return err },
		func() error { _, err := c.Projects.Settings(ctx, 0); return err },
		func() error { _, err := c.Projects.Create(ctx, CreateProjectRequest{}); return err },
	} {
		assert.True(t, IsValidation(f()))
	}
}
