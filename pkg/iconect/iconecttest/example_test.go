package iconecttest_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// A fake tenant in one line; here it lists its template projects.
func ExampleNewServer() {
	srv := iconecttest.NewServer()
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/projects?type=1", nil)
	req.Header.Set("Authorization", "Bearer "+srv.AccessToken())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer func() { _ = res.Body.Close() }()
	var templates []gen.Project
	if err := json.NewDecoder(res.Body).Decode(&templates); err != nil {
		panic(err)
	}
	fmt.Println(res.StatusCode, len(templates), templates[0].Name, templates[0].ID == srv.TemplateProjectID)
	// Output: 200 1 Review Template true
}
