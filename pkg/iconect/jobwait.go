package iconect

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/iconect-go/iconect-go/gen"
)

// JobHandle names a job by its project and ID: all a process needs to
// follow a job another one started. Save ProjectID and JobID, and rebuild
// the handle with client.Jobs.Handle(projectID, jobID).
type JobHandle struct {
	ProjectID, JobID int64

	jobs *JobsService
}

// Handle returns the handle of a job. It sends nothing: a wrong ID shows
// on the first Get or Wait.
func (s *JobsService) Handle(projectID, jobID int64) JobHandle {
	return JobHandle{ProjectID: projectID, JobID: jobID, jobs: s}
}

var errNoClient = errors.New("iconect: the JobHandle has no client: make it with client.Jobs.Handle")

// Get returns the job as it is now.
func (h JobHandle) Get(ctx context.Context, co ...CallOption) (*Job, error) {
	if h.jobs == nil {
		return nil, errNoClient
	}
	return h.jobs.Get(ctx, h.ProjectID, h.JobID, co...)
}

// Stop stops the job (see JobsService.Stop).
func (h JobHandle) Stop(ctx context.Context, opts *StopOptions, co ...CallOption) error {
	if h.jobs == nil {
		return errNoClient
	}
	return h.jobs.Stop(ctx, h.ProjectID, h.JobID, opts, co...)
}

// WaitOptions configures Wait. The zero value (or nil) polls from 500 ms
// up to every 10 s, with 10 % jitter, for as long as the context allows.
type WaitOptions struct {
	// MinDelay is the first wait between polls, and the wait again after
	// each change (default 500 ms).
	MinDelay time.Duration
	// MaxDelay caps the wait between polls, which doubles while nothing
	// changes (default 10 s; never less than MinDelay).
	MaxDelay time.Duration
	// Jitter is the fraction by which each wait varies at random, either
	// way, so that many waiters do not poll in step (default 0.1; at most
	// 1; negative for none).
	Jitter float64
	// MaxWait bounds the whole wait (none when 0): past it, Wait returns an
	// error matching ErrWaitTimeout. The job goes on running.
	MaxWait time.Duration
	// OnChange is called with the job when it is first read and on every
	// change of its status or status message, on Wait's goroutine.
	OnChange func(Job)
}

// waitConfig is WaitOptions with the defaults applied.
type waitConfig struct {
	min, max, maxWait time.Duration
	jitter            float64
	onChange          func(Job)
}

func waitOptions(opts *WaitOptions) (waitConfig, error) {
	const op = "waitJob"
	w := waitConfig{min: 500 * time.Millisecond, max: 10 * time.Second, jitter: 0.1}
	if opts == nil {
		return w, nil
	}
	if opts.MinDelay < 0 || opts.MaxDelay < 0 || opts.MaxWait < 0 {
		return w, invalid(op, "the delays and the maximum wait must not be negative")
	}
	if opts.Jitter > 1 {
		return w, invalid(op, "the jitter is a fraction of the delay, at most 1, not %g", opts.Jitter)
	}
	if opts.MinDelay > 0 {
		w.min = opts.MinDelay
	}
	if opts.MaxDelay > 0 {
		w.max = opts.MaxDelay
	}
	w.max = max(w.max, w.min)
	switch {
	case opts.Jitter < 0:
		w.jitter = 0
	case opts.Jitter > 0:
		w.jitter = opts.Jitter
	}
	w.maxWait, w.onChange = opts.MaxWait, opts.OnChange
	return w, nil
}

// jittered varies d by up to ±fraction of itself.
func jittered(d time.Duration, fraction float64) time.Duration {
	if fraction <= 0 || d <= 0 {
		return d
	}
	return time.Duration(float64(d) * (1 + fraction*(2*rand.Float64()-1)))
}

// ErrJobStopped matches (errors.Is) the *JobFailedError of a job that was
// stopped rather than failing by itself.
var ErrJobStopped = errors.New("iconect: the job was stopped")

// ErrWaitTimeout matches the error of a Wait that reached MaxWait before
// the job ended.
var ErrWaitTimeout = errors.New("iconect: the job did not end within the maximum wait")

// JobFailedError is the error of a Wait on a job that ended Failed (6) or
// Stopped (4).
//
// A stop is not the job failing by itself — someone stopped it — but its
// work is unfinished (an import may have added only some records), so
// Wait does not report it as a success either: it returns this error with
// Status JobStatusStopped, which errors.Is(err, ErrJobStopped) tells
// apart from a failure.
type JobFailedError struct {
	Job           Job
	Status        JobStatus
	StatusMessage string
	// Results are the job's typed results as far as it got (see
	// JobResultsOf), nil when it has none.
	Results any
}

func (e *JobFailedError) Error() string {
	verb := "failed"
	if e.Status == JobStatusStopped {
		verb = "was stopped"
	}
	msg := e.StatusMessage
	if msg == "" {
		msg = "no status message"
	}
	return fmt.Sprintf("iconect: job %d (%v) %s: %s", e.Job.ID, e.Job.Type, verb, msg)
}

// Is makes errors.Is(err, ErrJobStopped) true for a stopped job.
func (e *JobFailedError) Is(target error) bool {
	return target == ErrJobStopped && e.Status == JobStatusStopped
}

// finalStatus reports whether a job with status s has ended.
func finalStatus(s JobStatus) bool {
	switch s {
	case JobStatusFinished, JobStatusFinishedWithExceptions, JobStatusFailed, JobStatusStopped:
		return true
	}
	return false
}

// Wait polls the job until it ends and returns it. It ends only on a final
// status:
//
//   - Finished (5) and FinishedWithExceptions (8): the job and no error
//     (check Status, and the results, for the exceptions);
//   - Failed (6) and Stopped (4): the job and a *JobFailedError (see its
//     doc for why a stop is an error too).
//
// Polls (getJob) start at MinDelay apart and double while the job does not
// change, up to MaxDelay. A failed poll is retried by the client's retry
// policy; an error left after it ends the wait. When ctx ends Wait returns
// the last job read and ctx.Err(); past MaxWait, an error matching
// ErrWaitTimeout. Either way the job goes on running on the tenant.
func (h JobHandle) Wait(ctx context.Context, opts *WaitOptions, co ...CallOption) (*Job, error) {
	if h.jobs == nil {
		return nil, errNoClient
	}
	w, err := waitOptions(opts)
	if err != nil {
		return nil, err
	}
	if _, err := jobIDs(gen.OpGetJob, h.ProjectID, h.JobID); err != nil {
		return nil, err
	}
	return h.wait(ctx, w, co)
}

func (h JobHandle) wait(ctx context.Context, w waitConfig, co []CallOption) (*Job, error) {
	pollCtx, cancel := ctx, context.CancelFunc(func() {})
	if w.maxWait > 0 {
		pollCtx, cancel = context.WithTimeout(ctx, w.maxWait)
	}
	defer cancel()
	start := time.Now()
	var last *Job
	stopped := func() (*Job, error) {
		if err := ctx.Err(); err != nil {
			return last, err
		}
		status, msg := JobStatusNew, ""
		if last != nil {
			status, msg = last.Status, deref(last.StatusMessage)
		}
		return last, fmt.Errorf("iconect: job %d still %v (%q) after %v: %w",
			h.JobID, status, msg, time.Since(start).Round(time.Millisecond), ErrWaitTimeout)
	}
	delay := w.min
	for {
		job, err := h.jobs.Get(pollCtx, h.ProjectID, h.JobID, co...)
		if err != nil {
			if pollCtx.Err() != nil {
				return stopped()
			}
			return last, err
		}
		if last == nil || job.Status != last.Status || deref(job.StatusMessage) != deref(last.StatusMessage) {
			if w.onChange != nil {
				w.onChange(*job)
			}
			delay = w.min
		} else {
			delay = min(2*delay, w.max)
		}
		last = job
		if finalStatus(job.Status) {
			return job, jobOutcome(job)
		}
		t := time.NewTimer(jittered(delay, w.jitter))
		select {
		case <-pollCtx.Done():
			t.Stop()
			return stopped()
		case <-t.C:
		}
	}
}

// jobOutcome is the error of a job with a final status: nil unless it
// failed or was stopped.
func jobOutcome(job *Job) error {
	if job.Status != JobStatusFailed && job.Status != JobStatusStopped {
		return nil
	}
	results, _ := JobResultsOf(*job) // results that do not decode are left out
	return &JobFailedError{Job: *job, Status: job.Status, StatusMessage: deref(job.StatusMessage), Results: results}
}

// Run creates a job, starts it and waits for its end (see Create, Start
// and JobHandle.Wait); its answers are Wait's. A job created but not
// started is returned with the error of the start.
func (s *JobsService) Run(ctx context.Context, projectID int64, req JobRequest, start *StartOptions, wait *WaitOptions, co ...CallOption) (*Job, error) {
	w, err := waitOptions(wait)
	if err != nil {
		return nil, err
	}
	if start != nil && start.ViewID < 0 {
		return nil, invalid(gen.OpStartJob, "the view ID must be positive, not %d", start.ViewID)
	}
	job, err := s.Create(ctx, projectID, req, co...)
	if err != nil {
		return nil, err
	}
	if err := s.Start(ctx, projectID, job.ID, start, co...); err != nil {
		return job, fmt.Errorf("iconect: job %d was created but not started: %w", job.ID, err)
	}
	return s.Handle(projectID, job.ID).wait(ctx, w, co)
}
