package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/iconect-go/iconect-go/pkg/iconect"
)

func cmdJobsList(ctx context.Context, a *app, args []string) error {
	_, g := a.newFlags("jobs list", "--project ID [flags]", "Lists a project's jobs (every page).")
	g.projectFlag()
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if err := g.needProject(); err != nil {
		return err
	}
	c, err := g.newClient()
	if err != nil {
		return err
	}
	jobs := []iconect.Job{}
	for j, err := range c.Jobs.All(ctx, g.project, nil) {
		if err != nil {
			return err
		}
		jobs = append(jobs, j)
	}
	return g.emit(jobs, func(w io.Writer) error {
		rows := make([][]string, 0, len(jobs))
		for _, j := range jobs {
			rows = append(rows, []string{itoa(j.ID), shorten(str(j.Name), 30), j.Type.String(), j.Status.String(), shorten(str(j.StatusMessage), 60)})
		}
		return table(w, []string{"ID", "NAME", "TYPE", "STATUS", "MESSAGE"}, rows)
	})
}

// jobFlags adds --project and --job.
func jobFlags(a *app, name, about string) (*globals, *int64) {
	fs, g := a.newFlags(name, "--project ID --job ID [flags]", about)
	g.projectFlag()
	job := fs.Int64("job", 0, "the job `ID` (required)")
	return g, job
}

func (g *globals) needJob(job int64) error {
	if err := g.needProject(); err != nil {
		return err
	}
	return need(g.name, job, "job", "")
}

func cmdJobsGet(ctx context.Context, a *app, args []string) error {
	g, job := jobFlags(a, "jobs get", "Shows a job: its status, message and results.")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if err := g.needJob(*job); err != nil {
		return err
	}
	c, err := g.newClient()
	if err != nil {
		return err
	}
	j, err := c.Jobs.Get(ctx, g.project, *job)
	if err != nil {
		return err
	}
	return g.emit(j, func(w io.Writer) error { return showJob(w, j) })
}

// showJob writes a job as aligned key-value lines.
func showJob(w io.Writer, j *iconect.Job) error {
	rows := [][]string{
		{"ID", itoa(j.ID)},
		{"Name", oneLine(str(j.Name))},
		{"Type", j.Type.String()},
		{"Status", fmt.Sprintf("%s (%d)", j.Status, j.Status)},
		{"Message", oneLine(str(j.StatusMessage))},
	}
	if r, err := iconect.DelimitedImportResultsOf(*j); err == nil && r != nil {
		errs := int64(0)
		if r.ErrorCount != nil {
			errs = *r.ErrorCount
		}
		rows = append(rows, []string{"Records added", itoa(r.AddedRecordCount)}, []string{"Rows with errors", itoa(errs)})
	}
	for _, r := range rows {
		if _, err := fmt.Fprintf(w, "%-17s %s\n", r[0]+":", r[1]); err != nil {
			return err
		}
	}
	return nil
}

func cmdJobsWait(ctx context.Context, a *app, args []string) error {
	g, job := jobFlags(a, "jobs wait", `Waits for a job to end, showing its progress. Exits 0 when it finished (with or
without exceptions), 1 when it failed or was stopped.`)
	poll := g.fs.Duration("poll", 500*time.Millisecond, "the first `interval` between polls")
	timeout := g.fs.Duration("timeout", 0, "give up after this `duration` (the job goes on; default none)")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if err := g.needJob(*job); err != nil {
		return err
	}
	if *poll <= 0 || *timeout < 0 {
		return usagef("jobs wait: --poll must be positive and --timeout not negative")
	}
	c, err := g.newClient()
	if err != nil {
		return err
	}
	prog := newProgress(a.stderr, a.stderrTTY, g.json())
	j, err := c.Jobs.Handle(g.project, *job).Wait(ctx, &iconect.WaitOptions{MinDelay: *poll, MaxDelay: max(*poll, 5*time.Second),
		MaxWait: *timeout, OnChange: func(j iconect.Job) { prog.update(jobLine(j)) }})
	if j != nil {
		prog.done(jobLine(*j))
	}
	if err != nil {
		return err
	}
	return g.emit(j, func(w io.Writer) error { return showJob(w, j) })
}

func cmdJobsStop(ctx context.Context, a *app, args []string) error {
	g, job := jobFlags(a, "jobs stop", "Stops a running job; the work done so far stays done.")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if err := g.needJob(*job); err != nil {
		return err
	}
	c, err := g.newClient()
	if err != nil {
		return err
	}
	if err := c.Jobs.Stop(ctx, g.project, *job, nil); err != nil {
		return withHint(err, "only a running job can be stopped (iconect jobs get)")
	}
	out := struct {
		JobID   int64 `json:"job_id"`
		Stopped bool  `json:"stopped"`
	}{*job, true}
	return g.emit(out, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "Stopped job %d.\n", *job)
		return err
	})
}
