package iconect_test

import (
	"context"
	"fmt"

	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/iconect"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// batchExample starts a fake tenant with a project "Review" of n records
// and returns a client of it, the project's ID, the ID of a user batches
// can be assigned to and a stop func.
func batchExample(n int) (*iconect.Client, int64, int64, func()) {
	records := make([]map[string]string, n)
	for i := range records {
		records[i] = map[string]string{"DOCID": fmt.Sprintf("DOC-%04d", i+1)}
	}
	srv := iconecttest.NewServer(iconecttest.WithProject(iconecttest.SeedProject{Name: "Review", Records: records}))
	c, err := iconect.NewClient(srv.URL,
		iconect.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: srv.AccessToken()})))
	if err != nil {
		panic(err)
	}
	pid, _ := srv.ProjectID("Review")
	return c, pid, srv.Reviewers[0].ID, srv.Close
}

func ExampleBatchSetsService_Create() {
	c, pid, _, stop := batchExample(0)
	defer stop()
	ctx := context.Background()

	set, err := c.BatchSets.Create(ctx, pid, iconect.BatchSetRequest{
		Name:        iconect.Ptr("First pass"),
		Description: iconect.Ptr("Responsiveness review"),
	})
	if err != nil {
		panic(err)
	}
	sets, err := c.BatchSets.List(ctx, pid)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(sets), *set.Name, "-", *set.Description)
	// Output:
	// 1 First pass - Responsiveness review
}

func ExampleBatchesService_Create() {
	c, pid, _, stop := batchExample(5)
	defer stop()
	ctx := context.Background()

	// Batches of 2 records from every record of the project (type 0); the
	// arbitrary type 5 would take RecordIds or ViewID instead.
	err := c.Batches.Create(ctx, pid, iconect.CreateBatchesRequest{
		Batch: &iconect.CreateBatchStruct{Type: iconect.Ptr(int32(0)), BatchSize: iconect.Ptr(int32(2)), Prefix: iconect.Ptr("REV")},
	})
	if err != nil {
		panic(err)
	}
	// The API answers no IDs: the new batches are in the unassigned list.
	for b, err := range c.Batches.AllUnassigned(ctx, pid, iconect.BatchFilter{}, nil) {
		if err != nil {
			panic(err)
		}
		fmt.Println(*b.BatchName, *b.DocCount, b.BatchStatus)
	}
	// Output:
	// REV-0001 2 AVAILABLE
	// REV-0002 2 AVAILABLE
	// REV-0003 1 AVAILABLE
}

func ExampleBatchesService_AllUnassigned() {
	c, pid, _, stop := batchExample(10)
	defer stop()
	ctx := context.Background()
	err := c.Batches.Create(ctx, pid, iconect.CreateBatchesRequest{
		Batch: &iconect.CreateBatchStruct{Type: iconect.Ptr(int32(0)), BatchSize: iconect.Ptr(int32(1))},
	})
	if err != nil {
		panic(err)
	}

	// Every batch, 3 a page (pages 0..3): the iterator fetches each page
	// when the previous one is used up.
	n := 0
	for b, err := range c.Batches.AllUnassigned(ctx, pid, iconect.BatchFilter{}, &iconect.BatchPageOptions{PageSize: 3}) {
		if err != nil {
			panic(err)
		}
		n++
		if n == 1 || n == 10 {
			fmt.Println(*b.BatchName)
		}
	}
	fmt.Println(n, "batches")
	// Output:
	// BATCH-0001
	// BATCH-0010
	// 10 batches
}

func ExampleBatchesService_CheckIn() {
	c, pid, reviewer, stop := batchExample(4)
	defer stop()
	ctx := context.Background()
	err := c.Batches.Create(ctx, pid, iconect.CreateBatchesRequest{
		Batch: &iconect.CreateBatchStruct{Type: iconect.Ptr(int32(0)), BatchSize: iconect.Ptr(int32(2))},
	})
	if err != nil {
		panic(err)
	}
	page, err := c.Batches.ListUnassigned(ctx, pid, iconect.BatchFilter{}, nil)
	if err != nil {
		panic(err)
	}
	var ids []int64
	for _, b := range iconect.PageBatches(page) {
		ids = append(ids, b.BatchID)
	}

	// Assign both to a reviewer, who completes the first.
	if err := c.Batches.Assign(ctx, pid, reviewer, ids); err != nil {
		panic(err)
	}
	if err := c.Batches.CheckIn(ctx, pid, ids[0], iconect.BatchStatusCOMPLETE, 0); err != nil {
		panic(err)
	}
	for b, err := range c.Batches.AllCompleted(ctx, pid, iconect.CompletedBatchFilter{UserIds: []int64{reviewer}}, nil) {
		if err != nil {
			panic(err)
		}
		fmt.Println("completed:", *b.BatchName)
	}
	open := iconect.BatchFilter{UserIds: []int64{reviewer}, HideCompleted: iconect.Ptr(true)}
	for b, err := range c.Batches.AllAssigned(ctx, pid, open, nil) {
		if err != nil {
			panic(err)
		}
		fmt.Println("still assigned:", *b.BatchName)
	}
	// Output:
	// completed: BATCH-0001
	// still assigned: BATCH-0002
}
