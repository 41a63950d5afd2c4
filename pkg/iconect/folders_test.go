package iconect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// seededPanel starts a fake tenant with a project of three records and a
// panel; it returns the project, the panel and the record IDs.
func seededPanel(t *testing.T) (*Client, *iconecttest.Server, int64, int64, []int64) {
	t.Helper()
	c, srv := newTest(t, []iconecttest.Option{iconecttest.WithProject(iconecttest.SeedProject{
		Name: "Matter", Records: []map[string]string{{"Title": "alpha memo"}, {"Title": "beta memo"}, {"Title": "alpha letter"}},
	})})
	pid, ok := srv.ProjectID("Matter")
	require.True(t, ok)
	panel, err := c.Panels.Create(context.Background(), pid, CreatePanelRequest{Name: Ptr("Review Workflow")})
	require.NoError(t, err)
	res, err := c.api.ListRecordsWithResponse(context.Background(), pid, &gen.ListRecordsParams{})
	require.NoError(t, err)
	require.NotNil(t, res.JSON200)
	var ids []int64
	for _, r := range *res.JSON200 {
		ids = append(ids, *r.ID)
	}
	require.Len(t, ids, 3)
	return c, srv, pid, panel.ID, ids
}

func recordIDs(rs []Record) []int64 {
	ids := []int64{}
	for _, r := range rs {
		ids = append(ids, *r.ID)
	}
	return ids
}

func TestFolders(t *testing.T) {
	c, _, pid, panel, recs := seededPanel(t)
	ctx := context.Background()

	top, err := c.Folders.List(ctx, pid, panel, nil)
	require.NoError(t, err)
	assert.Empty(t, top)

	reviewed, err := c.Folders.Create(ctx, pid, panel, FolderRequest{Name: Ptr("Reviewed"), Description: Ptr("done")})
	require.NoError(t, err)
	assert.Equal(t, "|Review Workflow|Reviewed|", *reviewed.SearchName)
	hot, err := c.Folders.Create(ctx, pid, panel, FolderRequest{Name: Ptr("Hot"), ParentID: &reviewed.ID})
	require.NoError(t, err)
	assert.Equal(t, reviewed.ID, hot.ParentID)

	top, err = c.Folders.List(ctx, pid, panel, &ListFoldersOptions{})
	require.NoError(t, err)
	require.Len(t, top, 1)
	assert.True(t, top[0].HasChildren)
	sub, err := c.Folders.List(ctx, pid, panel, &ListFoldersOptions{ParentID: reviewed.ID})
	require.NoError(t, err)
	require.Len(t, sub, 1)
	assert.Equal(t, hot.ID, sub[0].ID)

	f, err := c.Folders.Get(ctx, pid, panel, hot.ID)
	require.NoError(t, err)
	assert.Equal(t, "|Review Workflow|Reviewed|Hot|", *f.SearchName)

	f, err = c.Folders.Update(ctx, pid, panel, hot.ID, FolderRequest{Name: Ptr("Hot Docs"), ParentID: Ptr(int64(0)),
		FolderSettings: &FolderSettings{Color: Ptr(int32(3))}})
	require.NoError(t, err)
	assert.Equal(t, "Hot Docs", *f.Name)
	assert.Zero(t, f.ParentID, "moved to the top level")
	assert.Equal(t, int32(3), *f.FolderSettings.Color)

	require.NoError(t, c.Folders.AddRecords(ctx, pid, panel, hot.ID, recs[:2]))
	require.NoError(t, c.Folders.AddRecords(ctx, pid, panel, hot.ID, recs[1:]))
	rs, err := c.Folders.Records(ctx, pid, panel, hot.ID)
	require.NoError(t, err)
	assert.Equal(t, recs, recordIDs(rs))
	require.NoError(t, c.Folders.RemoveRecords(ctx, pid, panel, hot.ID, []int64{recs[0], recs[2]}))
	rs, err = c.Folders.Records(ctx, pid, panel, hot.ID)
	require.NoError(t, err)
	assert.Equal(t, []int64{recs[1]}, recordIDs(rs))

	require.NoError(t, c.Folders.Delete(ctx, pid, panel, hot.ID))
	_, err = c.Folders.Get(ctx, pid, panel, hot.ID)
	assert.True(t, IsNotFound(err), "%v", err)

	// 404: a wrong panel or folder.
	for name, f := range map[string]func() error{
		"list panel": func() error { _, err := c.Folders.List(ctx, pid, 999999, nil); return err },
		"list parent": func() error {
			_, err := c.Folders.List(ctx, pid, panel, &ListFoldersOptions{ParentID: 999999})
			return err
		},
		"create panel":  func() error { _, err := c.Folders.Create(ctx, pid, 999999, FolderRequest{Name: Ptr("x")}); return err },
		"get":           func() error { _, err := c.Folders.Get(ctx, pid, panel, 999999); return err },
		"update":        func() error { _, err := c.Folders.Update(ctx, pid, panel, 999999, FolderRequest{}); return err },
		"delete":        func() error { return c.Folders.Delete(ctx, pid, panel, hot.ID) },
		"records":       func() error { _, err := c.Folders.Records(ctx, pid, panel, 999999); return err },
		"add":           func() error { return c.Folders.AddRecords(ctx, pid, panel, 999999, recs) },
		"remove":        func() error { return c.Folders.RemoveRecords(ctx, pid, 999999, reviewed.ID, recs) },
		"walk panel":    func() error { return c.Folders.Walk(ctx, pid, 999999, func(*Folder, int) error { return nil }) },
		"wrong project": func() error { _, err := c.Folders.Get(ctx, 999999, panel, reviewed.ID); return err },
	} {
		err := f()
		assert.True(t, IsNotFound(err), "%s: %v", name, err)
	}

	// Refused by the API: a record of no project, a parent in no panel.
	err = c.Folders.AddRecords(ctx, pid, panel, reviewed.ID, []int64{999999})
	assert.True(t, IsValidation(err), "%v", err)
	_, err = c.Folders.Create(ctx, pid, panel, FolderRequest{Name: Ptr("x"), ParentID: Ptr(int64(999999))})
	assert.True(t, IsValidation(err), "%v", err)

	// Refused before sending.
	for name, f := range map[string]func() error{
		"list project":    func() error { _, err := c.Folders.List(ctx, 0, panel, nil); return err },
		"list panel":      func() error { _, err := c.Folders.List(ctx, pid, 0, nil); return err },
		"list parent":     func() error { _, err := c.Folders.List(ctx, pid, panel, &ListFoldersOptions{ParentID: -1}); return err },
		"create nameless": func() error { _, err := c.Folders.Create(ctx, pid, panel, FolderRequest{}); return err },
		"create parent": func() error {
			_, err := c.Folders.Create(ctx, pid, panel, FolderRequest{Name: Ptr("x"), ParentID: Ptr(int64(-1))})
			return err
		},
		"create panel":  func() error { _, err := c.Folders.Create(ctx, pid, -1, FolderRequest{Name: Ptr("x")}); return err },
		"get folder":    func() error { _, err := c.Folders.Get(ctx, pid, panel, 0); return err },
		"update folder": func() error { _, err := c.Folders.Update(ctx, pid, panel, 0, FolderRequest{}); return err },
		"update blank":  func() error { _, err := c.Folders.Update(ctx, pid, panel, 5, FolderRequest{Name: Ptr("")}); return err },
		"update self": func() error {
			_, err := c.Folders.Update(ctx, pid, panel, 5, FolderRequest{ParentID: Ptr(int64(5))})
			return err
		},
		"update parent": func() error {
			_, err := c.Folders.Update(ctx, pid, panel, 5, FolderRequest{ParentID: Ptr(int64(-5))})
			return err
		},
		"delete":          func() error { return c.Folders.Delete(ctx, pid, panel, -1) },
		"records":         func() error { _, err := c.Folders.Records(ctx, 0, panel, 1); return err },
		"add none":        func() error { return c.Folders.AddRecords(ctx, pid, panel, reviewed.ID, nil) },
		"add zero":        func() error { return c.Folders.AddRecords(ctx, pid, panel, reviewed.ID, []int64{recs[0], 0}) },
		"add folder":      func() error { return c.Folders.AddRecords(ctx, pid, panel, 0, recs) },
		"remove none":     func() error { return c.Folders.RemoveRecords(ctx, pid, panel, reviewed.ID, []int64{}) },
		"remove negative": func() error { return c.Folders.RemoveRecords(ctx, pid, panel, reviewed.ID, []int64{-1}) },
		"walk":            func() error { return c.Folders.Walk(ctx, pid, 0, func(*Folder, int) error { return nil }) },
	} {
		var v *ValidationError
		assert.ErrorAs(t, f(), &v, name)
	}
}

func TestFoldersWalk(t *testing.T) {
	c, srv, pid, panel, _ := seededPanel(t)
	ctx := context.Background()
	mk := func(name string, parent int64) int64 {
		f, err := c.Folders.Create(ctx, pid, panel, FolderRequest{Name: Ptr(name), ParentID: &parent})
		require.NoError(t, err)
		return f.ID
	}
	a := mk("A", 0)
	mk("A1", a)
	a2 := mk("A2", a)
	mk("A2x", a2)
	mk("B", 0)

	walk := func(fn func(f *Folder, depth int) error) ([]string, error) {
		var got []string
		err := c.Folders.Walk(ctx, pid, panel, func(f *Folder, depth int) error {
			got = append(got, fmt.Sprintf("%s%s", strings.Repeat("-", depth), *f.Name))
			return fn(f, depth)
		})
		return got, err
	}
	before := srv.RequestCount("listFolders")
	got, err := walk(func(*Folder, int) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, []string{"A", "-A1", "-A2", "--A2x", "B"}, got)
	assert.Equal(t, 3, srv.RequestCount("listFolders")-before, "the top level, A and A2: leaves are not listed")

	got, err = walk(func(f *Folder, _ int) error {
		if *f.Name == "A2" {
			return SkipFolder
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"A", "-A1", "-A2", "B"}, got)

	stop := errors.New("stop")
	got, err = walk(func(f *Folder, _ int) error {
		if *f.Name == "A1" {
			return stop
		}
		return nil
	})
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, []string{"A", "-A1"}, got)
}

// Walk does not loop on a tenant whose tree loops.
func TestFoldersWalkLoop(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"id":7,"name":"Loop","has_children":true,"panel_id":1,"parent_id":7}]`))
	}))
	defer ts.Close()
	c, err := NewClient(ts.URL, WithRetryPolicy(NoRetry))
	require.NoError(t, err)
	n := 0
	err = c.Folders.Walk(context.Background(), 1, 1, func(*Folder, int) error { n++; return nil })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "appears twice")
	assert.Equal(t, 1, n)
}
