package iconect

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBatchSets(t *testing.T) {
	c, srv := newTest(t, nil)
	ctx := context.Background()
	pid := newProject(t, c, srv)

	sets, err := c.BatchSets.List(ctx, pid)
	require.NoError(t, err)
	assert.Empty(t, sets)

	bs, err := c.BatchSets.Create(ctx, pid, BatchSetRequest{Name: Ptr("First pass"), Description: Ptr("Responsiveness")})
	require.NoError(t, err)
	assert.Positive(t, bs.ID)
	assert.Equal(t, "First pass", *bs.Name)
	other, err := c.BatchSets.Create(ctx, pid, BatchSetRequest{Name: Ptr("Second pass")})
	require.NoError(t, err)

	got, err := c.BatchSets.Get(ctx, pid, bs.ID)
	require.NoError(t, err)
	assert.Equal(t, *bs, *got)

	up, err := c.BatchSets.Update(ctx, pid, bs.ID, BatchSetRequest{Name: Ptr("First pass (QC)")})
	require.NoError(t, err)
	assert.Equal(t, "First pass (QC)", *up.Name)
	assert.Nil(t, up.Description, "a PUT without a description clears it")

	sets, err = c.BatchSets.List(ctx, pid)
	require.NoError(t, err)
	require.Len(t, sets, 2)
	assert.Equal(t, []int64{bs.ID, other.ID}, []int64{sets[0].ID, sets[1].ID})

	require.NoError(t, c.BatchSets.Delete(ctx, pid, other.ID))
	_, err = c.BatchSets.Get(ctx, pid, other.ID)
	assert.True(t, IsNotFound(err), "%v", err)

	// 404s: a missing set, a missing project.
	_, err = c.BatchSets.Get(ctx, pid, 999999)
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.BatchSets.Update(ctx, pid, 999999, BatchSetRequest{Name: Ptr("x")})
	assert.True(t, IsNotFound(err), "%v", err)
	assert.True(t, IsNotFound(c.BatchSets.Delete(ctx, pid, 999999)))
	_, err = c.BatchSets.List(ctx, 999999)
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.BatchSets.Create(ctx, 999999, BatchSetRequest{Name: Ptr("x")})
	assert.True(t, IsNotFound(err), "%v", err)

	// Validation, caught before sending.
	before := srv.RequestCount("createBatchSet") + srv.RequestCount("updateBatchSet")
	for name, f := range map[string]func() error{
		"create without name":   func() error { _, err := c.BatchSets.Create(ctx, pid, BatchSetRequest{}); return err },
		"create blank name":     func() error { _, err := c.BatchSets.Create(ctx, pid, BatchSetRequest{Name: Ptr("  ")}); return err },
		"create no project":     func() error { _, err := c.BatchSets.Create(ctx, 0, BatchSetRequest{Name: Ptr("x")}); return err },
		"update without name":   func() error { _, err := c.BatchSets.Update(ctx, pid, bs.ID, BatchSetRequest{}); return err },
		"update bad set":        func() error { _, err := c.BatchSets.Update(ctx, pid, 0, BatchSetRequest{Name: Ptr("x")}); return err },
		"list bad project":      func() error { _, err := c.BatchSets.List(ctx, -1); return err },
		"get bad project":       func() error { _, err := c.BatchSets.Get(ctx, 0, bs.ID); return err },
		"get bad set":           func() error { _, err := c.BatchSets.Get(ctx, pid, -5); return err },
		"delete bad set":        func() error { return c.BatchSets.Delete(ctx, pid, 0) },
		"delete bad project":    func() error { return c.BatchSets.Delete(ctx, 0, bs.ID) },
		"update bad project ID": func() error { _, err := c.BatchSets.Update(ctx, 0, bs.ID, BatchSetRequest{Name: Ptr("x")}); return err },
	} {
		err := f()
		var v *ValidationError
		assert.ErrorAs(t, err, &v, name)
	}
	assert.Equal(t, before, srv.RequestCount("createBatchSet")+srv.RequestCount("updateBatchSet"), "nothing invalid was sent")
}
