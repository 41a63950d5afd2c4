package iconect

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPanels(t *testing.T) {
	c, srv := newTest(t, nil)
	ctx := context.Background()
	pid := newProject(t, c, srv)
	fields, err := c.Fields.List(ctx, pid)
	require.NoError(t, err)

	ps, err := c.Panels.List(ctx, pid, nil)
	require.NoError(t, err)
	assert.Empty(t, ps)

	general, err := c.Panels.Create(ctx, pid, CreatePanelRequest{Name: Ptr("GENERAL"), Type: Ptr(PanelTypeValue0)})
	require.NoError(t, err)
	assert.Equal(t, "GENERAL", *general.Name)
	related, err := c.Panels.Create(ctx, pid, CreatePanelRequest{Name: Ptr("Related"), Type: Ptr(PanelTypeValue1),
		CustomRelatedSettings: &CustomRelatedSettings{MatchingFieldIds: []int64{fields[0].ID}, DisplayFieldIds: []int64{fields[1].ID}}})
	require.NoError(t, err)
	assert.Equal(t, []int64{fields[0].ID}, related.CustomRelatedSettings.MatchingFieldIds)

	ps, err = c.Panels.List(ctx, pid, nil)
	require.NoError(t, err)
	assert.Len(t, ps, 2)
	ps, err = c.Panels.List(ctx, pid, &ListPanelsOptions{Type: Ptr(PanelTypeValue1)})
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, related.ID, ps[0].ID)
	ps, err = c.Panels.List(ctx, pid, &ListPanelsOptions{})
	require.NoError(t, err)
	assert.Len(t, ps, 2, "no type: every panel")

	p, err := c.Panels.Get(ctx, pid, general.ID)
	require.NoError(t, err)
	assert.Equal(t, general.ID, p.ID)
	p, err = c.Panels.Update(ctx, pid, general.ID, UpdatePanelRequest{Name: Ptr("Main"), Location: Ptr(int64(4))})
	require.NoError(t, err)
	assert.Equal(t, "Main", *p.Name)
	assert.Equal(t, int64(4), p.Location)
	assert.Equal(t, PanelTypeValue0, p.Type)

	// 404.
	_, err = c.Panels.List(ctx, 999999, nil)
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.Panels.Create(ctx, 999999, CreatePanelRequest{Name: Ptr("x")})
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.Panels.Get(ctx, pid, 999999)
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.Panels.Update(ctx, pid, 999999, UpdatePanelRequest{Name: Ptr("x")})
	assert.True(t, IsNotFound(err), "%v", err)

	// Refused by the API: a custom related panel without matching fields,
	// an unknown field.
	_, err = c.Panels.Create(ctx, pid, CreatePanelRequest{Name: Ptr("x"), Type: Ptr(PanelTypeValue1)})
	assert.True(t, IsValidation(err), "%v", err)
	_, err = c.Panels.Update(ctx, pid, related.ID, UpdatePanelRequest{CustomRelatedSettings: &CustomRelatedSettings{MatchingFieldIds: []int64{999999}}})
	assert.True(t, IsValidation(err), "%v", err)

	// Refused before sending.
	for name, f := range map[string]func() error{
		"list project 0": func() error { _, err := c.Panels.List(ctx, 0, nil); return err },
		"list type": func() error {
			_, err := c.Panels.List(ctx, pid, &ListPanelsOptions{Type: Ptr(PanelType(-1))})
			return err
		},
		"create project 0": func() error { _, err := c.Panels.Create(ctx, 0, CreatePanelRequest{Name: Ptr("x")}); return err },
		"create nameless":  func() error { _, err := c.Panels.Create(ctx, pid, CreatePanelRequest{}); return err },
		"create type": func() error {
			_, err := c.Panels.Create(ctx, pid, CreatePanelRequest{Name: Ptr("x"), Type: Ptr(PanelType(-2))})
			return err
		},
		"create match ID": func() error {
			_, err := c.Panels.Create(ctx, pid, CreatePanelRequest{Name: Ptr("x"), CustomRelatedSettings: &CustomRelatedSettings{MatchingFieldIds: []int64{0}}})
			return err
		},
		"create display ID": func() error {
			_, err := c.Panels.Create(ctx, pid, CreatePanelRequest{Name: Ptr("x"), CustomRelatedSettings: &CustomRelatedSettings{DisplayFieldIds: []int64{-1}}})
			return err
		},
		"get project 0":    func() error { _, err := c.Panels.Get(ctx, 0, 1); return err },
		"get panel 0":      func() error { _, err := c.Panels.Get(ctx, pid, 0); return err },
		"get int32":        func() error { _, err := c.Panels.Get(ctx, pid, math.MaxInt32+1); return err },
		"update project 0": func() error { _, err := c.Panels.Update(ctx, 0, 1, UpdatePanelRequest{}); return err },
		"update int32":     func() error { _, err := c.Panels.Update(ctx, pid, math.MaxInt64, UpdatePanelRequest{}); return err },
		"update blank":     func() error { _, err := c.Panels.Update(ctx, pid, 1, UpdatePanelRequest{Name: Ptr(" ")}); return err },
		"update field ID": func() error {
			_, err := c.Panels.Update(ctx, pid, 1, UpdatePanelRequest{CustomRelatedSettings: &CustomRelatedSettings{MatchingFieldIds: []int64{-5}}})
			return err
		},
	} {
		var v *ValidationError
		assert.ErrorAs(t, f(), &v, name)
	}
}
