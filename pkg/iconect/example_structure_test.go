package iconect_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/iconect"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// structureExample starts a fake tenant with a project "Matter" of three
// records and returns a client of it, the project's ID and a stop func.
func structureExample() (*iconect.Client, int64, func()) {
	srv := iconecttest.NewServer(iconecttest.WithProject(iconecttest.SeedProject{
		Name:    "Matter",
		Fields:  []string{"Title"},
		Records: []map[string]string{{"Title": "alpha memo"}, {"Title": "beta memo"}, {"Title": "alpha letter"}},
	}))
	c, err := iconect.NewClient(srv.URL,
		iconect.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: srv.AccessToken()})))
	if err != nil {
		panic(err)
	}
	pid, _ := srv.ProjectID("Matter")
	return c, pid, srv.Close
}

func ExampleFieldsService_Create() {
	c, pid, stop := structureExample()
	defer stop()
	ctx := context.Background()

	// One request creates several fields.
	fields, err := c.Fields.Create(ctx, pid, []iconect.FieldRequest{
		{Name: iconect.Ptr("Custodian"), Type: iconect.Ptr(iconect.FieldTypeValue0), Length: iconect.Ptr(int32(255))},
		{Name: iconect.Ptr("Page Count"), Type: iconect.Ptr(iconect.FieldTypeValue3)},
	})
	if err != nil {
		panic(err)
	}
	for _, f := range fields {
		fmt.Println(*f.Name, f.Type)
	}
	// Output:
	// Custodian Value0
	// Page Count Value3
}

func ExampleFieldsService_FieldIDs() {
	c, pid, stop := structureExample()
	defer stop()
	ctx := context.Background()

	// Record data is keyed by field ID: map the names once.
	ids, err := c.Fields.FieldIDs(ctx, pid)
	if err != nil {
		panic(err)
	}
	records, err := c.Records.List(ctx, pid, nil)
	if err != nil {
		panic(err)
	}
	title := strconv.FormatInt(ids["Title"], 10)
	for _, r := range records {
		fmt.Println(r.FieldData[title])
	}
	// Output:
	// alpha memo
	// beta memo
	// alpha letter
}

func ExamplePanelsService_List() {
	c, pid, stop := structureExample()
	defer stop()
	ctx := context.Background()

	for _, name := range []string{"GENERAL", "REVIEW"} {
		if _, err := c.Panels.Create(ctx, pid, iconect.CreatePanelRequest{Name: iconect.Ptr(name), Type: iconect.Ptr(iconect.PanelTypeValue0)}); err != nil {
			panic(err)
		}
	}
	panels, err := c.Panels.List(ctx, pid, &iconect.ListPanelsOptions{Type: iconect.Ptr(iconect.PanelTypeValue0)})
	if err != nil {
		panic(err)
	}
	for _, p := range panels {
		fmt.Println(*p.Name)
	}
	// Output:
	// GENERAL
	// REVIEW
}

func ExampleFoldersService_AddRecords() {
	c, pid, stop := structureExample()
	defer stop()
	ctx := context.Background()

	panel, err := c.Panels.Create(ctx, pid, iconect.CreatePanelRequest{Name: iconect.Ptr("Review Workflow")})
	if err != nil {
		panic(err)
	}
	folder, err := c.Folders.Create(ctx, pid, panel.ID, iconect.FolderRequest{Name: iconect.Ptr("Reviewed")})
	if err != nil {
		panic(err)
	}
	records, err := c.Records.List(ctx, pid, nil)
	if err != nil {
		panic(err)
	}
	if err := c.Folders.AddRecords(ctx, pid, panel.ID, folder.ID, []int64{*records[0].ID, *records[2].ID}); err != nil {
		panic(err)
	}
	filed, err := c.Folders.Records(ctx, pid, panel.ID, folder.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(*folder.SearchName, len(filed))
	// Output: |Review Workflow|Reviewed| 2
}

func ExampleFoldersService_Walk() {
	c, pid, stop := structureExample()
	defer stop()
	ctx := context.Background()

	panel, err := c.Panels.Create(ctx, pid, iconect.CreatePanelRequest{Name: iconect.Ptr("Review Workflow")})
	if err != nil {
		panic(err)
	}
	folder := func(name string, parent int64) int64 {
		f, err := c.Folders.Create(ctx, pid, panel.ID, iconect.FolderRequest{Name: iconect.Ptr(name), ParentID: &parent})
		if err != nil {
			panic(err)
		}
		return f.ID
	}
	reviewed := folder("Reviewed", 0)
	folder("Hot", reviewed)
	folder("Privileged", reviewed)
	folder("To Review", 0)

	err = c.Folders.Walk(ctx, pid, panel.ID, func(f *iconect.Folder, depth int) error {
		fmt.Println(strings.Repeat("  ", depth) + *f.Name)
		return nil
	})
	if err != nil {
		panic(err)
	}
	// Output:
	// Reviewed
	//   Hot
	//   Privileged
	// To Review
}

func ExampleViewsService_Create() {
	c, pid, stop := structureExample()
	defer stop()
	ctx := context.Background()

	// A view of what a search finds, gone in a day.
	req := iconect.ViewOfSearch("alpha")
	req.ExpiryDate = iconect.Ptr(time.Now().Add(24 * time.Hour))
	viewID, err := c.Views.Create(ctx, pid, req)
	if err != nil {
		panic(err)
	}
	fmt.Println(viewID > 0)

	// Exactly one of selected IDs and a search query.
	both := iconect.ViewOfRecords(1, 2)
	both.SearchQuery = iconect.Ptr("alpha")
	_, err = c.Views.Create(ctx, pid, both)
	fmt.Println(iconect.IsValidation(err))
	// Output:
	// true
	// true
}
