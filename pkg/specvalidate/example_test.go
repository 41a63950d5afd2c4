package specvalidate_test

import (
	"context"
	"fmt"
	"net/http"

	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/iconect"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
	"github.com/iconect-go/iconect-go/pkg/specvalidate"
)

// The validating transport under the SDK: every request and response of
// the calls is checked against the spec.
func Example() {
	srv := iconecttest.NewServer() // or your test tenant's API URL
	defer srv.Close()

	vt, err := specvalidate.New(srv.URL, &specvalidate.Options{Drift: true})
	if err != nil {
		panic(err)
	}
	c, err := iconect.NewClient(srv.URL,
		iconect.WithHTTPClient(&http.Client{Transport: vt}), // the SDK's auth wraps it: vt sees the Authorization header
		iconect.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: srv.AccessToken()})))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if _, err := c.Projects.List(ctx, nil); err != nil {
		panic(err)
	}
	_, err = c.Fields.List(ctx, 999999) // no such project: a 404 with the API's error body
	fmt.Println("not found:", iconect.IsNotFound(err))

	for id, op := range vt.Operations() {
		fmt.Println(id, op.Statuses)
	}
	fmt.Println("findings:", len(vt.Findings()), "err:", vt.Err())
	// Unordered output:
	// not found: true
	// listProjects [200]
	// listFields [404]
	// findings: 0 err: <nil>
}
