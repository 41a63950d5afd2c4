package iconect

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFields(t *testing.T) {
	c, srv := newTest(t, nil)
	ctx := context.Background()
	pid := newProject(t, c, srv)

	fs, err := c.Fields.List(ctx, pid)
	require.NoError(t, err)
	require.Len(t, fs, 2, "a new project has DOCID and the native field")

	created, err := c.Fields.Create(ctx, pid, []FieldRequest{
		{Name: Ptr("Custodian"), Type: Ptr(FieldTypeValue0), Length: Ptr(int32(255))},
		{Name: Ptr("Pages"), Type: Ptr(FieldTypeValue3)},
	})
	require.NoError(t, err)
	require.Len(t, created, 2)
	assert.Equal(t, "Custodian", *created[0].Name)
	assert.Equal(t, int32(255), created[0].Length)
	assert.Equal(t, FieldTypeValue3, created[1].Type)

	f, err := c.Fields.Get(ctx, pid, created[1].ID)
	require.NoError(t, err)
	assert.Equal(t, "Pages", *f.Name)

	f, err = c.Fields.Update(ctx, pid, created[1].ID, FieldRequest{Name: Ptr("Page Count"), Description: Ptr("pages")})
	require.NoError(t, err)
	assert.Equal(t, "Page Count", *f.Name)
	assert.Equal(t, FieldTypeValue3, f.Type, "what the request leaves nil stays")

	ids, err := c.Fields.FieldIDs(ctx, pid)
	require.NoError(t, err)
	assert.Len(t, ids, 4)
	assert.Equal(t, created[0].ID, ids["Custodian"])
	assert.Equal(t, created[1].ID, ids["Page Count"])
	_, ok := ids["custodian"]
	assert.False(t, ok, "names are compared as given")

	// 404: a wrong project or field.
	_, err = c.Fields.List(ctx, 999999)
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.Fields.Create(ctx, 999999, []FieldRequest{{Name: Ptr("x")}})
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.Fields.Get(ctx, pid, 999999)
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.Fields.Update(ctx, pid, 999999, FieldRequest{Name: Ptr("x")})
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.Fields.FieldIDs(ctx, 999999)
	assert.True(t, IsNotFound(err), "%v", err)

	// The API refuses a name already used.
	_, err = c.Fields.Create(ctx, pid, []FieldRequest{{Name: Ptr("custodian")}})
	assert.True(t, IsValidation(err), "%v", err)
	var apiErr *Error
	assert.ErrorAs(t, err, &apiErr, "refused by the API, not locally")

	// Refused before sending.
	before := srv.RequestCount("createFields") + srv.RequestCount("updateField")
	for name, f := range map[string]func() error{
		"list project 0":   func() error { _, err := c.Fields.List(ctx, 0); return err },
		"create none":      func() error { _, err := c.Fields.Create(ctx, pid, nil); return err },
		"create nameless":  func() error { _, err := c.Fields.Create(ctx, pid, []FieldRequest{{Name: Ptr("a")}, {}}); return err },
		"create blank":     func() error { _, err := c.Fields.Create(ctx, pid, []FieldRequest{{Name: Ptr(" ")}}); return err },
		"create project 0": func() error { _, err := c.Fields.Create(ctx, -1, []FieldRequest{{Name: Ptr("a")}}); return err },
		"get field 0":      func() error { _, err := c.Fields.Get(ctx, pid, 0); return err },
		"get project 0":    func() error { _, err := c.Fields.Get(ctx, 0, 1); return err },
		"update field 0":   func() error { _, err := c.Fields.Update(ctx, pid, 0, FieldRequest{}); return err },
		"update project 0": func() error { _, err := c.Fields.Update(ctx, 0, 1, FieldRequest{}); return err },
		"update int32":     func() error { _, err := c.Fields.Update(ctx, pid, math.MaxInt32+1, FieldRequest{}); return err },
		"update blank":     func() error { _, err := c.Fields.Update(ctx, pid, 1, FieldRequest{Name: Ptr("")}); return err },
		"field IDs":        func() error { _, err := c.Fields.FieldIDs(ctx, 0); return err },
	} {
		err := f()
		var v *ValidationError
		assert.ErrorAs(t, err, &v, name)
	}
	assert.Equal(t, before, srv.RequestCount("createFields")+srv.RequestCount("updateField"), "nothing sent")
}

// A field ID at the int32 limit is still sent.
func TestFieldsUpdateInt32Limit(t *testing.T) {
	c, srv := newTest(t, nil)
	pid := newProject(t, c, srv)
	_, err := c.Fields.Update(context.Background(), pid, math.MaxInt32, FieldRequest{Name: Ptr("x")})
	assert.True(t, IsNotFound(err), "%v", err)
}

// FieldIDs refuses an ambiguous mapping (a tenant the fake is not: it
// refuses duplicate names) and skips nameless fields.
func TestFieldIDsDuplicate(t *testing.T) {
	body := `[{"id":1,"name":"A"},{"id":2,"name":null},{"id":3,"name":"A"}]`
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	defer ts.Close()
	c, err := NewClient(ts.URL, WithRetryPolicy(NoRetry))
	require.NoError(t, err)
	_, err = c.Fields.FieldIDs(context.Background(), 7)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `two fields named "A" (IDs 1 and 3)`)

	body = `[{"id":1,"name":"A"},{"id":2,"name":null},{"id":3,"name":"a"}]`
	ids, err := c.Fields.FieldIDs(context.Background(), 7)
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{"A": 1, "a": 3}, ids)
}
