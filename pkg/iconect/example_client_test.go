package iconect_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/iconect-go/iconect-go/pkg/auth"
	"github.com/iconect-go/iconect-go/pkg/iconect"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// The whole set-up: sign in (here with the password grant, for a
// single-user integration), keep the token in a store, and call the API.
func ExampleNewClient() {
	srv := iconecttest.NewServer() // a fake tenant; use your tenant's URLs
	defer srv.Close()
	ctx := context.Background()

	cfg := &auth.Config{IdentityURL: srv.IdentityURL, ClientID: srv.Client.ID, ClientSecret: srv.Client.Secret}
	tok, err := cfg.PasswordToken(ctx, srv.User.Username, srv.User.Password)
	if err != nil {
		panic(err)
	}
	store := auth.NewMemoryStore(tok) // auth.NewFileStore(path) keeps it between runs
	c, err := iconect.NewClient(srv.URL, iconect.WithAuth(cfg, store))
	if err != nil {
		panic(err)
	}

	client, err := c.Clients.Create(ctx, iconect.ClientRequest{Name: "Acme", Description: "Acme Corp.", State: iconect.StateActive})
	if err != nil {
		panic(err)
	}
	project, err := c.Projects.Create(ctx, iconect.CreateProjectRequest{
		Name: iconect.Ptr("Acme v. Roadrunner"), ClientID: client.ID, DataserversID: srv.DataServerID})
	if err != nil {
		panic(err)
	}
	fmt.Println(project.Name, project.State)
	// Output: Acme v. Roadrunner Active
}

// Every non-2xx answer is an *iconect.Error; helpers classify it.
func ExampleIsNotFound() {
	c, _, _, stop := recordsExample()
	defer stop()
	_, err := c.Projects.Settings(context.Background(), 999999)
	fmt.Println(iconect.IsNotFound(err))
	var e *iconect.Error
	if errors.As(err, &e) {
		fmt.Println(e.StatusCode, e.OperationID, e.Message)
	}
	// Output:
	// true
	// 404 getProjectSettings Project 999999 not found.
}

// A file goes to a file store in one request (see also Client.ImportCSV).
func ExampleFileStoresService_Upload() {
	c, pid, _, stop := recordsExample()
	defer stop()
	ctx := context.Background()
	stores, err := c.FileStores.List(ctx, pid)
	if err != nil {
		panic(err)
	}
	data := []byte("DOCID,Title\nA-1,memo\n")
	if err := c.FileStores.Upload(ctx, pid, stores[0].ID, "incoming/load.csv", bytes.NewReader(data), int64(len(data)), nil); err != nil {
		panic(err)
	}
	fmt.Println(*stores[0].Name, "holds incoming/load.csv")
	// Output: General holds incoming/load.csv
}

func ExampleTemplatesService_ListNativeImport() {
	c, pid, _, stop := recordsExample()
	defer stop()
	ts, err := c.Templates.ListNativeImport(context.Background(), pid, 1)
	if err != nil {
		panic(err)
	}
	fmt.Println(*ts[0].Name)
	// Output: Native Import Template
}

// A record's native file (the document itself) goes to the project's
// native file field; large files are sent in chunks (see UploadOptions).
func ExampleNativeFilesService_Upload() {
	c, pid, _, stop := recordsExample()
	defer stop()
	ctx := context.Background()
	set, err := c.Projects.Settings(ctx, pid)
	if err != nil {
		panic(err)
	}
	native := set.FieldAssociations["NATIVEFIELD"]
	recs, err := c.Records.List(ctx, pid, &iconect.ListRecordsOptions{PageSize: 1})
	if err != nil {
		panic(err)
	}
	pdf := []byte("%PDF-1.7 a memo")
	if err := c.NativeFiles.Upload(ctx, pid, *recs[0].ID, native, "memo.pdf", bytes.NewReader(pdf), int64(len(pdf)), nil); err != nil {
		panic(err)
	}
	items, err := c.FileStores.Items(ctx, pid, []int64{*recs[0].ID})
	if err != nil {
		panic(err)
	}
	fmt.Println(*items[0].Filename, items[0].FileSize)
	// Output: memo.pdf 15
}
