package main

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/iconect-go/iconect-go/pkg/iconect"
)

func cmdBatchesList(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("batches list", "--project ID [flags]", "Lists the batches of a project: unassigned, assigned or completed (every page).")
	g.projectFlag()
	which := fs.String("state", "unassigned", "`which` batches: unassigned, assigned or completed")
	set := fs.Int64("set", 0, "only the batches of this batch set `ID`")
	user := fs.Int64("user", 0, "only the batches of this user `ID` (assigned and completed; default everyone's)")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if err := g.needProject(); err != nil {
		return err
	}
	if *set < 0 {
		return usagef("batches list: --set must be positive, not %d", *set)
	}
	if *user < 0 {
		return usagef("batches list: --user must be positive, not %d", *user)
	}
	var users []int64
	if *user > 0 {
		users = []int64{*user}
	}
	c, err := g.newClient()
	if err != nil {
		return err
	}
	opts := &iconect.BatchPageOptions{BatchSetID: *set}
	var seq iter.Seq2[iconect.Batch, error]
	switch *which {
	case "unassigned":
		seq = c.Batches.AllUnassigned(ctx, g.project, iconect.BatchFilter{}, opts)
	case "assigned":
		seq = c.Batches.AllAssigned(ctx, g.project, iconect.BatchFilter{UserIds: users}, opts)
	case "completed":
		seq = c.Batches.AllCompleted(ctx, g.project, iconect.CompletedBatchFilter{UserIds: users}, opts)
	default:
		return usagef("batches list: --state %q: give unassigned, assigned or completed", *which)
	}
	batches := []iconect.Batch{}
	for b, err := range seq {
		if err != nil {
			return err
		}
		batches = append(batches, b)
	}
	return g.emit(batches, func(w io.Writer) error {
		rows := make([][]string, 0, len(batches))
		for _, b := range batches {
			rows = append(rows, []string{itoa(b.BatchID), oneLine(str(b.BatchName)), optInt(b.BatchSetID), b.BatchStatus.String(), optInt(b.DocCount), optInt(b.UserID)})
		}
		return table(w, []string{"ID", "NAME", "SET", "STATUS", "RECORDS", "USER"}, rows)
	})
}

func optInt(p *int64) string {
	if p == nil || *p == 0 {
		return "-"
	}
	return itoa(*p)
}

func cmdBatchesAssign(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("batches assign", "--project ID --batches IDS [--user-id ID] [flags]", "Assigns batches to a user (default: ICONECT_USER_ID, you).")
	g.projectFlag()
	batches := fs.String("batches", "", "the batch `IDs`, separated by commas (required)")
	g.userFlag("the `user` to assign them to")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if err := g.needProject(); err != nil {
		return err
	}
	ids, err := parseIDs(g.name, "batches", *batches)
	if err != nil {
		return err
	}
	if err := need(g.name, g.userID, "user-id", "ICONECT_USER_ID"); err != nil {
		return err
	}
	c, err := g.newClient()
	if err != nil {
		return err
	}
	if err := c.Batches.Assign(ctx, g.project, g.userID, ids); err != nil {
		return err
	}
	out := struct {
		Batches []int64 `json:"batch_ids"`
		UserID  int64   `json:"user_id"`
	}{ids, g.userID}
	return g.emit(out, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "Assigned %d batches to user %d.\n", len(ids), g.userID)
		return err
	})
}

// checkInStatuses are check-in's --status values.
var checkInStatuses = map[string]iconect.BatchStatus{
	"available":    iconect.BatchStatusAVAILABLE,
	"not-complete": iconect.BatchStatusNOTCOMPLETE,
	"complete":     iconect.BatchStatusCOMPLETE,
}

func cmdBatchesCheckIn(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("batches check-in", "--project ID --batch ID --status STATUS [flags]", `Checks a batch in: complete (done), not-complete (the user keeps it) or
available (back to the unassigned pool).`)
	g.projectFlag()
	batch := fs.Int64("batch", 0, "the batch `ID` (required)")
	status := fs.String("status", "", "`complete`, not-complete or available (required)")
	target := fs.Int64("target-set", 0, "move the batch to this batch set `ID`")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if err := g.needProject(); err != nil {
		return err
	}
	if err := need(g.name, *batch, "batch", ""); err != nil {
		return err
	}
	st, ok := checkInStatuses[strings.ToLower(*status)]
	if !ok {
		return usagef("batches check-in: --status %q: give complete, not-complete or available", *status)
	}
	if *target < 0 {
		return usagef("batches check-in: --target-set must be positive, not %d", *target)
	}
	c, err := g.newClient()
	if err != nil {
		return err
	}
	if err := c.Batches.CheckIn(ctx, g.project, *batch, st, *target); err != nil {
		return err
	}
	out := struct {
		BatchID int64  `json:"batch_id"`
		Status  string `json:"status"`
	}{*batch, st.String()}
	return g.emit(out, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "Checked in batch %d as %s.\n", *batch, st)
		return err
	})
}
