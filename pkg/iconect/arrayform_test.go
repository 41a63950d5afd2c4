package iconect

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// The spec's wire form of each array query parameter is a guess; the SDK
// works against a tenant that reads either form once told which, and a
// mismatch is a loud 400, never a quiet partial answer.
func TestArrayFormAgainstEachTenantForm(t *testing.T) {
	ctx := context.Background()
	for _, tenant := range []iconecttest.ArrayForm{iconecttest.ArrayFormSpec, iconecttest.ArrayFormRepeated, iconecttest.ArrayFormComma} {
		srv := iconecttest.NewServer(iconecttest.WithArrayForm(tenant), iconecttest.WithProject(iconecttest.SeedProject{
			Name: "Docs", Fields: []string{"Title", "Custodian", "Notes"},
			Records: []map[string]string{{"Title": "a", "Custodian": "c", "Notes": "n"}, {"Title": "b", "Custodian": "d", "Notes": "m"}},
		}))
		t.Cleanup(srv.Close)
		pid, ok := srv.ProjectID("Docs")
		require.True(t, ok)
		for _, form := range []ArrayForm{ArrayFormSpec, ArrayFormRepeated, ArrayFormComma} {
			t.Run(fmt.Sprintf("tenant=%d/sdk=%v", tenant, form), func(t *testing.T) {
				var queries []url.Values
				c, err := NewClient(srv.URL, WithArrayForm(form), WithRetryPolicy(NoRetry),
					WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: srv.AccessToken()})),
					WithMiddleware(func(r *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
						queries = append(queries, r.URL.Query())
						return next(r)
					}))
				require.NoError(t, err)
				fields := recordFieldIDs(t, c, pid)
				two := []int64{fields["Title"], fields["Custodian"]}

				recs, listErr := c.Records.List(ctx, pid, &ListRecordsOptions{FieldIDs: two})
				listSent := queries[len(queries)-1]
				var getErr error
				var rec *Record
				if listErr == nil && len(recs) > 0 {
					rec, getErr = c.Records.Get(ctx, pid, *recs[0].ID, &GetRecordOptions{FieldIDs: two})
				} else {
					rec, getErr = c.Records.Get(ctx, pid, 1, &GetRecordOptions{FieldIDs: two})
				}
				getSent := queries[len(queries)-1]

				// What each side reads or writes: the spec says comma for
				// getRecord, repeated keys for listRecords.
				comma := func(specComma bool, f ArrayForm) bool {
					if f == ArrayFormSpec {
						return specComma
					}
					return f == ArrayFormComma
				}
				tenantForm := map[iconecttest.ArrayForm]ArrayForm{iconecttest.ArrayFormSpec: ArrayFormSpec,
					iconecttest.ArrayFormRepeated: ArrayFormRepeated, iconecttest.ArrayFormComma: ArrayFormComma}[tenant]

				// On the wire: the form asked for.
				if comma(false, form) {
					assert.Len(t, listSent["field_ids"], 1, "listRecords field_ids as one value")
				} else {
					assert.Len(t, listSent["field_ids"], 2, "listRecords field_ids as repeated keys")
				}
				if comma(true, form) {
					assert.Len(t, getSent["field_ids"], 1, "getRecord field_ids as one value")
				} else {
					assert.Len(t, getSent["field_ids"], 2, "getRecord field_ids as repeated keys")
				}

				check := func(name string, err error, specComma bool, n int) {
					t.Helper()
					if comma(specComma, form) == comma(specComma, tenantForm) {
						require.NoError(t, err, name)
						assert.Equal(t, 2, n, "%s: both fields' values come back", name)
						return
					}
					var e *Error
					require.ErrorAs(t, err, &e, name)
					assert.Equal(t, http.StatusBadRequest, e.StatusCode, name)
					assert.Contains(t, e.Message, "field_ids", name)
				}
				n := 0
				if listErr == nil {
					n = len(recs[0].FieldData)
				}
				check("listRecords", listErr, false, n)
				if rec != nil {
					n = len(rec.FieldData)
				}
				if listErr == nil {
					check("getRecord", getErr, true, n)
				}
			})
		}
	}
}

func TestWithArrayFormOnly(t *testing.T) {
	var sent []string
	srv := iconecttest.NewServer()
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL, WithArrayForm(ArrayFormComma, "listJobs.types"),
		WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: srv.AccessToken()})),
		WithMiddleware(func(r *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			sent = append(sent, r.URL.RawQuery)
			return next(r)
		}))
	require.NoError(t, err)
	pid := newProject(t, c, srv)
	_, _ = c.Jobs.List(context.Background(), pid, &ListJobsOptions{Types: []JobType{JobTypeDelimitedImport, JobTypeMassActionDelete}})
	_, _ = c.Records.List(context.Background(), pid, &ListRecordsOptions{FieldIDs: []int64{1, 2}})
	require.Len(t, sent, 4) // createClient, createProject, listJobs, listRecords
	assert.Contains(t, sent[2], "types=50007%2C50006")
	assert.Contains(t, sent[3], "field_ids=1&field_ids=2", "only the named parameter changes form")

	for _, bad := range []Option{
		WithArrayForm(ArrayFormComma, "getRecord.fieldids"),
		WithArrayForm(ArrayFormComma, "field_ids"),
		WithArrayForm(ArrayForm(7)),
	} {
		_, err := NewClient(srv.URL, bad)
		assert.Error(t, err)
	}
	f, err := ParseArrayForm("Comma")
	require.NoError(t, err)
	assert.Equal(t, ArrayFormComma, f)
	_, err = ParseArrayForm("pipes")
	assert.ErrorContains(t, err, "want spec, repeated or comma")
}
