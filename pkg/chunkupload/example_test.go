package chunkupload_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/chunkupload"
	"github.com/iconect-go/iconect-go/pkg/iconect"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// An upload in chunks that fails midway and resumes from its state (which
// could be saved as JSON and loaded by another process).
func Example_resume() {
	srv := iconecttest.NewServer(iconecttest.WithProject(iconecttest.SeedProject{Name: "Matter"}),
		iconecttest.WithFaults(iconecttest.Fault{Operation: "uploadFileStoreFile", Kind: iconecttest.FaultStatus, Status: 500, Requests: []int{3}}))
	defer srv.Close()
	pid, _ := srv.ProjectID("Matter")
	c, _ := iconect.NewClient(srv.URL, iconect.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: srv.AccessToken()})))
	ctx := context.Background()
	stores, _ := c.FileStores.List(ctx, pid)

	file := bytes.Repeat([]byte("a page of a production\n"), 20000) // 460 KB
	opts := &iconect.UploadOptions{ChunkSize: chunkupload.MinChunkSize, Threshold: chunkupload.MinChunkSize, MaxRetries: -1,
		Progress: func(p chunkupload.Progress) { fmt.Printf("chunk %d of %d\n", p.Chunks, p.ChunkCount) }}
	_, err := c.FileStores.UploadFile(ctx, pid, stores[0].ID, "prod/p.txt", bytes.NewReader(file), int64(len(file)), opts)
	var apiErr *iconect.Error
	fmt.Println("failed:", errors.As(err, &apiErr), apiErr.StatusCode)

	state, _ := chunkupload.StateOf(err)
	opts.Resume = state
	res, err := c.FileStores.UploadFile(ctx, pid, stores[0].ID, "prod/p.txt", bytes.NewReader(file), int64(len(file)), opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	stored, _ := srv.StoredFile(pid, stores[0].ID, "prod/p.txt")
	fmt.Println("resumed after", res.Resumed, "chunks; identical:", res.SHA256 == sha256.Sum256(stored))
	// Output:
	// chunk 1 of 8
	// chunk 2 of 8
	// failed: true 500
	// chunk 3 of 8
	// chunk 4 of 8
	// chunk 5 of 8
	// chunk 6 of 8
	// chunk 7 of 8
	// chunk 8 of 8
	// resumed after 2 chunks; identical: true
}
