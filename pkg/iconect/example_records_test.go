package iconect_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/iconect"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// recordsExample starts a fake tenant with a project "Review" of five
// records and returns a client of it, the project's ID, the ID of its
// Title field and a stop func.
func recordsExample() (*iconect.Client, int64, int64, func()) {
	var recs []map[string]string
	for _, t := range []string{"memo", "letter", "invoice", "contract", "minutes"} {
		recs = append(recs, map[string]string{"Title": t})
	}
	srv := iconecttest.NewServer(iconecttest.WithProject(iconecttest.SeedProject{
		Name: "Review", Fields: []string{"Title"}, Records: recs,
	}))
	c, err := iconect.NewClient(srv.URL,
		iconect.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: srv.AccessToken()})))
	if err != nil {
		panic(err)
	}
	pid, _ := srv.ProjectID("Review")
	ids, err := c.Fields.FieldIDs(context.Background(), pid)
	if err != nil {
		panic(err)
	}
	return c, pid, ids["Title"], srv.Close
}

func ExampleRecordsService_List() {
	c, pid, title, stop := recordsExample()
	defer stop()

	// One page; pages count from 1.
	page, err := c.Records.List(context.Background(), pid, &iconect.ListRecordsOptions{Page: 2, PageSize: 2})
	if err != nil {
		panic(err)
	}
	for _, r := range page {
		v, _ := iconect.RecordValue(r, title)
		fmt.Println(v)
	}
	// Output:
	// invoice
	// contract
}

func ExampleRecordsService_All() {
	c, pid, title, stop := recordsExample()
	defer stop()

	// Every record, page after page; break out of the loop at any time.
	for r, err := range c.Records.All(context.Background(), pid, &iconect.ListRecordsOptions{PageSize: 2}) {
		if err != nil {
			panic(err)
		}
		v, _ := iconect.RecordValue(r, title)
		fmt.Println(v)
	}
	// Output:
	// memo
	// letter
	// invoice
	// contract
	// minutes
}

func ExampleRecordsService_Pages() {
	c, pid, _, stop := recordsExample()
	defer stop()
	ctx := context.Background()

	// Fetch one page, save the position, and resume from it later (in
	// another process, after a restart...).
	p, err := c.Records.Pages(pid, &iconect.ListRecordsOptions{PageSize: 2})
	if err != nil {
		panic(err)
	}
	first, _ := p.Next(ctx)
	saved := p.Position()
	fmt.Println(len(first), "records, next page", saved)

	p, _ = c.Records.Pages(pid, &iconect.ListRecordsOptions{PageSize: 2, Page: saved})
	for !p.Done() {
		page, err := p.Next(ctx)
		if err != nil {
			panic(err)
		}
		fmt.Println(len(page), "records, next page", p.Position())
	}
	// Output:
	// 2 records, next page 2
	// 2 records, next page 3
	// 1 records, next page 4
}

func ExampleRecordsService_Update() {
	c, pid, title, stop := recordsExample()
	defer stop()
	ctx := context.Background()
	field := strconv.FormatInt(title, 10)

	page, _ := c.Records.List(ctx, pid, &iconect.ListRecordsOptions{PageSize: 2})
	a, b := page[0], page[1]
	stale := *b.Version - 1

	// b's version is stale: a is updated, b is refused, and Update says so
	// in an error beside its result.
	_, err := c.Records.Update(ctx, pid, iconect.RecordsRequest{Records: []iconect.Record{
		{ID: a.ID, Version: a.Version, FieldData: map[string]any{field: "memo (reviewed)"}},
		{ID: b.ID, Version: &stale, FieldData: map[string]any{field: "letter (reviewed)"}},
	}})
	var re *iconect.RecordErrors
	if errors.As(err, &re) {
		for _, f := range re.Failures {
			fmt.Println("refused: records[" + strconv.Itoa(f.Index) + "]")
		}
	}
	r, _ := c.Records.Get(ctx, pid, *a.ID, nil)
	v, _ := iconect.RecordValue(*r, title)
	fmt.Println(v)
	// Output:
	// refused: records[1]
	// memo (reviewed)
}

func ExampleWriteCSV() {
	c, pid, title, stop := recordsExample()
	defer stop()

	// Stream a whole project to CSV, every value whole (ExportAll sets a
	// large size_limit).
	records := c.Records.ExportAll(context.Background(), pid, &iconect.ExportOptions{FieldIDs: []int64{title}})
	if err := iconect.WriteCSV(os.Stdout, []int64{title}, []string{"Title"}, records); err != nil {
		panic(err)
	}
	// Output:
	// Title
	// memo
	// letter
	// invoice
	// contract
	// minutes
}

func ExampleParseTime() {
	for _, s := range []string{"2024-03-19 16:04:53", "2026-02-11 4:55:12 PM", "2023-12-01T16:40:05Z", ""} {
		t, ok := iconect.ParseTime(s)
		fmt.Println(t.Format("2006-01-02 15:04:05"), ok)
	}
	// Output:
	// 2024-03-19 16:04:53 true
	// 2026-02-11 16:55:12 true
	// 2023-12-01 16:40:05 true
	// 0001-01-01 00:00:00 false
}
