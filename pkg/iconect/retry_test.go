package iconect

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/api"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// fastRetry is DefaultRetry with short waits, for tests.
var fastRetry = Retry{MaxRetries: 2, Base: time.Millisecond, Max: 5 * time.Millisecond, MaxRetryAfter: 5 * time.Second}

func TestRetryTableNamesEveryOperation(t *testing.T) {
	doc, err := api.Load()
	require.NoError(t, err)
	n := 0
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			n++
			_, reason := RetrySafe(op.OperationID)
			assert.NotEqual(t, "unknown operation", reason, "retry table lacks %s", op.OperationID)
		}
	}
	assert.Equal(t, n, len(retrySafety), "the table names only the spec's operations")
}

func TestRetryPolicyDecisions(t *testing.T) {
	p := Retry{MaxRetries: 2, Base: 100 * time.Millisecond, Max: time.Second, MaxRetryAfter: 3 * time.Second}
	h := func(v string) http.Header { return http.Header{"Retry-After": []string{v}} }
	lost := errors.New("connection reset")
	for name, tc := range map[string]struct {
		a     Attempt
		retry bool
		delay time.Duration // exact when > 0
	}{
		"unwritten failure of a create":  {Attempt{OperationID: "createRecords", Number: 1, Err: lost, Replayable: true}, true, 0},
		"lost answer of a create":        {Attempt{OperationID: "createRecords", Number: 1, Err: lost, Written: true, Replayable: true}, false, 0},
		"lost answer of a read":          {Attempt{OperationID: "listRecords", Number: 1, Err: lost, Written: true, Replayable: true}, true, 0},
		"lost answer of updateRecords":   {Attempt{OperationID: "updateRecords", Number: 1, Err: lost, Written: true, Replayable: true}, false, 0},
		"500 on startJob":                {Attempt{OperationID: "startJob", Number: 1, StatusCode: 500, Written: true, Replayable: true}, false, 0},
		"502 on getJob":                  {Attempt{OperationID: "getJob", Number: 1, StatusCode: 502, Written: true, Replayable: true}, true, 0},
		"429 with seconds":               {Attempt{OperationID: "createRecords", Number: 1, StatusCode: 429, Header: h("2"), Written: true, Replayable: true}, true, 2 * time.Second},
		"429 capped":                     {Attempt{OperationID: "listJobs", Number: 1, StatusCode: 429, Header: h("120"), Written: true, Replayable: true}, true, 3 * time.Second},
		"503 without Retry-After":        {Attempt{OperationID: "createJob", Number: 1, StatusCode: 503, Written: true, Replayable: true}, true, 0},
		"out of retries":                 {Attempt{OperationID: "listRecords", Number: 3, StatusCode: 503, Written: true, Replayable: true}, false, 0},
		"a body that cannot be replayed": {Attempt{OperationID: "uploadFileStoreFile", Number: 1, StatusCode: 503, Written: true}, false, 0},
		"400 is final":                   {Attempt{OperationID: "listRecords", Number: 1, StatusCode: 400, Written: true, Replayable: true}, false, 0},
	} {
		d, ok := p.RetryDelay(tc.a)
		assert.Equal(t, tc.retry, ok, name)
		if tc.delay > 0 {
			assert.Equal(t, tc.delay, d, name)
		} else if ok {
			assert.True(t, d >= 50*time.Millisecond && d <= 100*time.Millisecond, "%s: first backoff in [Base/2, Base], got %v", name, d)
		}
	}
	d, ok := p.RetryDelay(Attempt{OperationID: "getJob", Number: 2, StatusCode: 503, Header: h(time.Now().Add(time.Second).UTC().Format(http.TimeFormat)), Replayable: true})
	assert.True(t, ok)
	assert.True(t, d > 0 && d <= time.Second, "an HTTP date: %v", d)
	big := Retry{Base: time.Second, Max: 8 * time.Second}.backoff(70)
	assert.True(t, big >= 4*time.Second && big <= 8*time.Second, "a shift past 63 bits is capped, not overflowed: %v", big)
}

func TestRetriesAgainstFaults(t *testing.T) {
	ctx := context.Background()

	t.Run("503 is retried", func(t *testing.T) {
		c, srv := newTest(t, []iconecttest.Option{iconecttest.WithFaults(iconecttest.Fault{Operation: "listProjects",
			Kind: iconecttest.FaultStatus, Status: 503, Requests: []int{1}})}, WithRetryPolicy(fastRetry))
		_, err := c.Projects.List(ctx, nil)
		require.NoError(t, err)
		assert.Equal(t, 2, srv.RequestCount("listProjects"))
	})

	t.Run("429 waits out Retry-After", func(t *testing.T) {
		c, srv := newTest(t, []iconecttest.Option{iconecttest.WithFaults(iconecttest.Fault{Operation: "listProjects",
			Kind: iconecttest.FaultRateLimit, RetryAfter: time.Second, Requests: []int{1}})}, WithRetryPolicy(fastRetry))
		start := time.Now()
		_, err := c.Projects.List(ctx, nil)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), time.Second, "Retry-After: 1 is honoured")
		assert.Equal(t, 2, srv.RequestCount("listProjects"))
	})

	t.Run("a create is not repeated after its answer was lost", func(t *testing.T) {
		c, srv := newTest(t, []iconecttest.Option{iconecttest.WithFaults(iconecttest.Fault{Operation: "createClient",
			Kind: iconecttest.FaultDropAfter, Requests: []int{1}})}, WithRetryPolicy(fastRetry))
		_, err := c.Clients.Create(ctx, ClientRequest{Name: "Once", Description: "d", State: StateActive})
		require.Error(t, err)
		assert.Equal(t, 1, srv.RequestCount("createClient"), "no second createClient")
	})

	t.Run("a create whose connection dropped after it was sent is not retried", func(t *testing.T) {
		c, srv := newTest(t, []iconecttest.Option{iconecttest.WithFaults(iconecttest.Fault{Operation: "createClient",
			Kind: iconecttest.FaultDropBefore, Requests: []int{1}})}, WithRetryPolicy(fastRetry))
		_, err := c.Clients.Create(ctx, ClientRequest{Name: "Twice", Description: "d", State: StateActive})
		// The fake drops the connection after reading the request, so the
		// SDK cannot know it was not handled: a create is not retried.
		require.Error(t, err)
		assert.Equal(t, 1, srv.RequestCount("createClient"))
	})

	t.Run("a read is retried after a lost answer", func(t *testing.T) {
		c, srv := newTest(t, []iconecttest.Option{iconecttest.WithFaults(iconecttest.Fault{Operation: "listProjects",
			Kind: iconecttest.FaultDropAfter, Requests: []int{1}})}, WithRetryPolicy(fastRetry))
		_, err := c.Projects.List(ctx, nil)
		require.NoError(t, err)
		assert.Equal(t, 2, srv.RequestCount("listProjects"))
	})

	t.Run("the context bounds the whole call", func(t *testing.T) {
		c, _ := newTest(t, []iconecttest.Option{iconecttest.WithFaults(iconecttest.Fault{Operation: "listProjects",
			Kind: iconecttest.FaultRateLimit, RetryAfter: 5 * time.Second, Requests: []int{1}})}, WithRetryPolicy(fastRetry))
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.Projects.List(cctx, nil)
		require.Error(t, err)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), 2*time.Second)
	})

	t.Run("retries give up with the last answer", func(t *testing.T) {
		c, srv := newTest(t, []iconecttest.Option{iconecttest.WithFaults(iconecttest.Fault{Operation: "listProjects",
			Kind: iconecttest.FaultStatus, Status: 503, Rate: 1})}, WithRetryPolicy(fastRetry))
		_, err := c.Projects.List(ctx, nil)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, 503, e.StatusCode)
		assert.Equal(t, 3, srv.RequestCount("listProjects"), "1 try + 2 retries")
	})

	t.Run("a per-call policy overrides the client's", func(t *testing.T) {
		c, srv := newTest(t, []iconecttest.Option{iconecttest.WithFaults(iconecttest.Fault{Operation: "listProjects",
			Kind: iconecttest.FaultStatus, Status: 503, Requests: []int{1}})}, WithRetryPolicy(fastRetry))
		_, err := c.Projects.List(ctx, nil, WithCallRetry(NoRetry))
		require.Error(t, err)
		assert.Equal(t, 1, srv.RequestCount("listProjects"))
	})
}

func TestRecordWritesAfterALostAnswer(t *testing.T) {
	ctx := context.Background()
	c, srv := newTest(t, []iconecttest.Option{
		iconecttest.WithProject(iconecttest.SeedProject{Name: "P", Fields: []string{"Title"}, Records: []map[string]string{{"Title": "a"}}}),
		iconecttest.WithFaults(
			iconecttest.Fault{Operation: "createRecords", Kind: iconecttest.FaultDropAfter, Requests: []int{1}},
			iconecttest.Fault{Operation: "updateRecords", Kind: iconecttest.FaultDropAfter, Requests: []int{1}},
		)}, WithRetryPolicy(fastRetry))
	pid, _ := srv.ProjectID("P")
	ids, err := c.Fields.FieldIDs(ctx, pid)
	require.NoError(t, err)
	title := strconv.FormatInt(ids["Title"], 10)

	_, err = c.Records.Create(ctx, pid, RecordsRequest{Records: []Record{{FieldData: map[string]any{title: "b"}}}})
	require.Error(t, err, "the answer was lost")
	var recErrs *RecordErrors
	assert.False(t, errors.As(err, &recErrs))
	recs, err := c.Records.List(ctx, pid, nil)
	require.NoError(t, err)
	assert.Len(t, recs, 2, "the create was made once and not repeated: no duplicate record")

	r := recs[0]
	_, err = c.Records.Update(ctx, pid, RecordsRequest{Records: []Record{{ID: r.ID, Version: r.Version, FieldData: map[string]any{title: "changed"}}}})
	require.Error(t, err, "the answer was lost")
	assert.False(t, errors.As(err, &recErrs), "not a false stale version: %v", err)
	assert.Equal(t, 1, srv.RequestCount("updateRecords"), "updateRecords is not repeated")
	got, err := c.Records.Get(ctx, pid, *r.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, "changed", got.FieldData[title])
	assert.Equal(t, *r.Version+1, *got.Version)
}

func TestErrorCarriesRetryAfter(t *testing.T) {
	c, _ := newTest(t, []iconecttest.Option{iconecttest.WithFaults(iconecttest.Fault{Operation: "listProjects",
		Kind: iconecttest.FaultRateLimit, RetryAfter: 2 * time.Second, Rate: 1})})
	_, err := c.Projects.List(context.Background(), nil)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.True(t, IsRateLimited(err))
	d, ok := e.RetryAfterDelay()
	assert.True(t, ok)
	assert.Equal(t, 2*time.Second, d)
}
