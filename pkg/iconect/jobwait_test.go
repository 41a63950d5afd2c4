package iconect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// csvRows is a CSV file with a header and n rows of Title,Custodian.
func csvRows(n int) string {
	var b strings.Builder
	b.WriteString("Title,Custodian\n")
	for i := range n {
		fmt.Fprintf(&b, "t%d,c%d\n", i, i)
	}
	return b.String()
}

func TestWaitSuccessSeesEveryChange(t *testing.T) {
	c, srv, pid, f := jobTest(t, 0, 5*time.Millisecond)
	ctx := context.Background()
	putFile(t, c, pid, "rows.csv", csvRows(250)) // three steps of 100 rows

	job, err := c.Jobs.Create(ctx, pid, importRequest(t, "rows.csv", f))
	require.NoError(t, err)
	require.NoError(t, c.Jobs.Start(ctx, pid, job.ID, nil))

	// Another process: its own client, the handle rebuilt from the IDs.
	other, err := NewClient(srv.URL, WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: srv.AccessToken()})))
	require.NoError(t, err)
	var seen []Job
	done, err := other.Jobs.Handle(pid, job.ID).Wait(ctx, &WaitOptions{
		MinDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, Jitter: 0.5,
		OnChange: func(j Job) { seen = append(seen, j) },
	})
	require.NoError(t, err)
	assert.Equal(t, JobStatusFinished, done.Status)
	require.GreaterOrEqual(t, len(seen), 2)
	assert.Equal(t, JobStatusRunning, seen[0].Status)
	assert.Equal(t, *done, seen[len(seen)-1])
	for i := 1; i < len(seen); i++ {
		changed := seen[i].Status != seen[i-1].Status || deref(seen[i].StatusMessage) != deref(seen[i-1].StatusMessage)
		assert.True(t, changed, "OnChange is called only on a change: %d", i)
	}
	r, err := DelimitedImportResultsOf(*done)
	require.NoError(t, err)
	assert.Equal(t, int64(250), r.AddedRecordCount)
	assert.Greater(t, srv.RequestCount("getJob"), len(seen)-1)
}

func TestWaitFailure(t *testing.T) {
	c, _, pid, f := jobTest(t, 0, time.Millisecond)
	ctx := context.Background()

	// A delimited import of a file that is not there fails.
	job, err := c.Jobs.Run(ctx, pid, importRequest(t, "missing.csv", f), nil, fastWait)
	var jf *JobFailedError
	require.ErrorAs(t, err, &jf)
	assert.NotErrorIs(t, err, ErrJobStopped)
	assert.Equal(t, JobStatusFailed, jf.Status)
	assert.Contains(t, jf.StatusMessage, "not found")
	assert.Contains(t, err.Error(), "failed")
	assert.Nil(t, jf.Results)
	require.NotNil(t, job)
	assert.Equal(t, JobStatusFailed, job.Status)

	// A bad row with stop_on_error fails with the results so far.
	putFile(t, c, pid, "bad.csv", "Title,Custodian\na,b\nonly one\nc,d\n")
	req, err := NewDelimitedImportJob("Strict", DelimitedImportJob{
		InputFile: "bad.csv", StopOnError: Ptr(true),
		MapFileColumnToFieldID: map[string]int64{"0": f["Title"]},
	})
	require.NoError(t, err)
	_, err = c.Jobs.Run(ctx, pid, req, nil, fastWait)
	require.ErrorAs(t, err, &jf)
	res, ok := jf.Results.(*DelimitedImportJobResults)
	require.True(t, ok, "%T", jf.Results)
	assert.Equal(t, int64(1), res.AddedRecordCount)

	// Without it the job finishes with exceptions: no error.
	req, err = NewDelimitedImportJob("Lenient", DelimitedImportJob{
		InputFile: "bad.csv", MapFileColumnToFieldID: map[string]int64{"0": f["Title"]},
	})
	require.NoError(t, err)
	job, err = c.Jobs.Run(ctx, pid, req, nil, fastWait)
	require.NoError(t, err)
	assert.Equal(t, JobStatusFinishedWithExceptions, job.Status)
	r, err := DelimitedImportResultsOf(*job)
	require.NoError(t, err)
	assert.Equal(t, int64(1), deref(r.ErrorCount))

	// The empty status message.
	assert.Contains(t, (&JobFailedError{Status: JobStatusFailed}).Error(), "no status message")
}

func TestWaitEndsWithTheContext(t *testing.T) {
	c, _, pid, f := jobTest(t, 0, time.Hour) // it never ends
	job, err := c.Jobs.Create(context.Background(), pid, importRequest(t, "a.csv", f))
	require.NoError(t, err)
	require.NoError(t, c.Jobs.Start(context.Background(), pid, job.ID, nil))
	h := c.Jobs.Handle(pid, job.ID)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	got, err := h.Wait(ctx, fastWait)
	assert.Equal(t, context.DeadlineExceeded, err, "exactly ctx.Err()")
	require.NotNil(t, got, "the last job read")
	assert.Equal(t, JobStatusRunning, got.Status)

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err = h.Wait(ctx, &WaitOptions{MinDelay: time.Second})
	assert.Equal(t, context.Canceled, err)

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	got, err = h.Wait(ctx, nil)
	assert.Equal(t, context.Canceled, err, "cancelled before the first poll")
	assert.Nil(t, got)

	// MaxWait is not the context's end: its own error.
	start := time.Now()
	got, err = h.Wait(context.Background(), &WaitOptions{MinDelay: time.Millisecond, MaxWait: 30 * time.Millisecond, Jitter: -1})
	assert.ErrorIs(t, err, ErrWaitTimeout)
	assert.NotErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "Running")
	assert.Less(t, time.Since(start), 5*time.Second)
	require.NotNil(t, got)
	require.NoError(t, h.Stop(context.Background(), nil))
}

func TestWaitErrorsAndOptions(t *testing.T) {
	c, _, pid, _ := jobTest(t, 0, time.Millisecond)
	ctx := context.Background()

	_, err := c.Jobs.Handle(pid, 999999).Wait(ctx, fastWait)
	assert.True(t, IsNotFound(err), "%v", err)
	_, err = c.Jobs.Handle(pid, 0).Wait(ctx, fastWait)
	assert.True(t, IsValidation(err), "%v", err)

	var zero JobHandle
	_, err = zero.Wait(ctx, nil)
	assert.ErrorIs(t, err, errNoClient)
	_, err = zero.Get(ctx)
	assert.ErrorIs(t, err, errNoClient)
	assert.ErrorIs(t, zero.Stop(ctx, nil), errNoClient)

	for _, o := range []*WaitOptions{{MinDelay: -1}, {MaxDelay: -1}, {MaxWait: -1}, {Jitter: 1.5}} {
		_, err := c.Jobs.Handle(pid, 1).Wait(ctx, o)
		assert.True(t, IsValidation(err), "%+v: %v", o, err)
	}
	w, err := waitOptions(&WaitOptions{MinDelay: time.Minute, MaxDelay: time.Second, Jitter: 0.3})
	require.NoError(t, err)
	assert.Equal(t, time.Minute, w.max, "MaxDelay is never below MinDelay")
	assert.InDelta(t, 0.3, w.jitter, 1e-9)
	w, err = waitOptions(nil)
	require.NoError(t, err)
	assert.Equal(t, 500*time.Millisecond, w.min)
	assert.Equal(t, 10*time.Second, w.max)
	for range 100 {
		d := jittered(time.Second, 0.1)
		assert.True(t, d >= 900*time.Millisecond && d <= 1100*time.Millisecond, "%v", d)
	}
	assert.Equal(t, time.Second, jittered(time.Second, 0))
}

func TestRun(t *testing.T) {
	c, srv, pid, f := jobTest(t, 3, time.Millisecond)
	ctx := context.Background()
	putFile(t, c, pid, "a.csv", "Title,Custodian\nx,y\n")

	job, err := c.Jobs.Run(ctx, pid, importRequest(t, "a.csv", f), &StartOptions{UsePOST: true}, fastWait)
	require.NoError(t, err)
	assert.Equal(t, JobStatusFinished, job.Status)
	assert.Equal(t, 1, srv.RequestCount("startJobPost"))

	// A mass action delete started without a view: created, not started.
	md, err := NewMassActionDeleteJob("Delete", MassActionDeleteJob{DeleteActiveData: true})
	require.NoError(t, err)
	job, err = c.Jobs.Run(ctx, pid, md, nil, fastWait)
	require.Error(t, err)
	assert.True(t, IsValidation(err), "%v", err)
	assert.Contains(t, err.Error(), "created but not started")
	require.NotNil(t, job)
	assert.Equal(t, JobStatusNew, job.Status)

	// Invalid options are refused before anything is created.
	before := srv.RequestCount("createJob")
	_, err = c.Jobs.Run(ctx, pid, md, &StartOptions{ViewID: -1}, nil)
	assert.True(t, IsValidation(err), "%v", err)
	_, err = c.Jobs.Run(ctx, pid, md, nil, &WaitOptions{MaxWait: -time.Second})
	assert.True(t, IsValidation(err), "%v", err)
	_, err = c.Jobs.Run(ctx, pid, JobRequest{}, nil, nil)
	assert.True(t, IsValidation(err), "%v", err)
	assert.Equal(t, before, srv.RequestCount("createJob"))
	assert.False(t, errors.Is(err, ErrJobStopped))
}
