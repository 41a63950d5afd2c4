package iconect_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/iconect"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// jobsExample starts a fake tenant whose jobs take a step every step, with
// a project "Matter" (fields Title and Custodian, two records), and
// returns a client of it, the project's ID and a stop func.
func jobsExample(step time.Duration) (*iconect.Client, int64, func()) {
	srv := iconecttest.NewServer(iconecttest.WithJobStep(step), iconecttest.WithProject(iconecttest.SeedProject{
		Name:    "Matter",
		Fields:  []string{"Title", "Custodian"},
		Records: []map[string]string{{"Title": "old memo", "Custodian": "zed"}, {"Title": "old letter", "Custodian": "zed"}},
	}))
	c, err := iconect.NewClient(srv.URL,
		iconect.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: srv.AccessToken()})))
	if err != nil {
		panic(err)
	}
	pid, _ := srv.ProjectID("Matter")
	return c, pid, srv.Close
}

// quickly polls often: the fake tenant's jobs take milliseconds.
var quickly = &iconect.WaitOptions{MinDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}

func ExampleClient_ImportCSV() {
	c, pid, stop := jobsExample(time.Millisecond)
	defer stop()
	ctx := context.Background()

	// Header names are matched to field names; Notes matches none.
	file := strings.NewReader("Title,Custodian,Notes\nBudget memo,alice,x\nBoard minutes,bob,y\n")
	res, err := c.ImportCSV(ctx, pid, file, &iconect.ImportCSVOptions{IgnoreUnknownColumns: true, Wait: quickly})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Job.Status, res.Results.AddedRecordCount, "records added; ignored:", res.Ignored)

	ids, _ := c.Fields.FieldIDs(ctx, pid)
	for r, err := range c.Records.All(ctx, pid, nil) {
		if err != nil {
			panic(err)
		}
		fmt.Println(r.FieldData[fmt.Sprint(ids["Title"])], "/", r.FieldData[fmt.Sprint(ids["Custodian"])])
	}
	// Output:
	// Finished 2 records added; ignored: [Notes]
	// old memo / zed
	// old letter / zed
	// Budget memo / alice
	// Board minutes / bob
}

func ExampleJobsService_Run() {
	c, pid, stop := jobsExample(time.Millisecond)
	defer stop()
	ctx := context.Background()

	// Upload the input file, then create, start and wait for an import.
	csv := "Title\nScanned letter\n"
	store, _ := c.FileStores.List(ctx, pid) // the first store is "General"
	err := c.FileStores.Upload(ctx, pid, store[0].ID, "in/letters.csv", strings.NewReader(csv), int64(len(csv)), nil)
	if err != nil {
		panic(err)
	}
	ids, _ := c.Fields.FieldIDs(ctx, pid)
	req, err := iconect.NewDelimitedImportJob("Letters", iconect.DelimitedImportJob{
		FileStoreID:            iconect.Ptr(store[0].ID),
		InputFile:              "in/letters.csv",
		MapFileColumnToFieldID: map[string]int64{"0": ids["Title"]},
	})
	if err != nil {
		panic(err)
	}
	job, err := c.Jobs.Run(ctx, pid, req, nil, quickly)
	if err != nil {
		panic(err)
	}
	results, _ := iconect.DelimitedImportResultsOf(*job)
	fmt.Println(job.Status, *job.StatusMessage)
	fmt.Println("added:", results.AddedRecordCount)

	// A job that fails returns a *JobFailedError.
	req, _ = iconect.NewDelimitedImportJob("Missing", iconect.DelimitedImportJob{InputFile: "in/missing.csv"})
	_, err = c.Jobs.Run(ctx, pid, req, nil, quickly)
	var failed *iconect.JobFailedError
	if errors.As(err, &failed) {
		fmt.Println(failed.Status, "/ stopped:", errors.Is(err, iconect.ErrJobStopped))
	}
	// Output:
	// Finished Processing Job Finished Normally: 1 of 1 records added.
	// added: 1
	// Failed / stopped: false
}

func ExampleJobHandle_Wait() {
	c, pid, stop := jobsExample(100 * time.Millisecond)
	defer stop()
	ctx := context.Background()

	req, _ := iconect.NewMassActionDeleteJob("Clean up", iconect.MassActionDeleteJob{DeleteActiveData: true})
	job, err := c.Jobs.Create(ctx, pid, req)
	if err != nil {
		panic(err)
	}
	view, _ := c.Views.Create(ctx, pid, iconect.ViewOfSearch("letter"))
	if err := c.Jobs.Start(ctx, pid, job.ID, &iconect.StartOptions{ViewID: view}); err != nil {
		panic(err)
	}

	// Save (pid, job.ID) anywhere; any process can rebuild the handle.
	h := c.Jobs.Handle(pid, job.ID)
	done, err := h.Wait(ctx, &iconect.WaitOptions{
		MinDelay: time.Millisecond, MaxWait: time.Minute,
		OnChange: func(j iconect.Job) { fmt.Println("now", j.Status) },
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(*done.StatusMessage)
	// Output:
	// now Running
	// now Finished
	// Processing Job Finished Normally: 1 records deleted.
}

func ExampleClient_DeleteRecords() {
	c, pid, stop := jobsExample(time.Millisecond)
	defer stop()
	ctx := context.Background()

	recs, _ := c.Records.List(ctx, pid, nil)
	job, err := c.DeleteRecords(ctx, pid, []int64{*recs[0].ID}, &iconect.DeleteRecordsOptions{Wait: quickly})
	if err != nil {
		panic(err)
	}
	fmt.Println(job.Status, *job.StatusMessage)
	recs, _ = c.Records.List(ctx, pid, nil)
	fmt.Println(len(recs), "record left")
	// Output:
	// Finished Processing Job Finished Normally: 1 records deleted.
	// 1 record left
}
