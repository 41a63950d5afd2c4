package iconecttest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// FuzzRequests sends fuzzed path parameters, query strings and bodies to
// every operation and fails on any 500 (a handler panic answers 500 too).
// The seed corpus holds each operation's request examples from the spec and
// the files under testdata/fuzz/FuzzRequests; the default test run replays
// them, `go test -fuzz FuzzRequests ./pkg/iconect/iconecttest/` explores.
func FuzzRequests(f *testing.F) {
	s := NewServer(WithProject(SeedProject{Name: "Fuzz", Fields: []string{"Title", "Author"},
		Records: []map[string]string{{"Title": "a", "Author": "b"}, {"Title": "c"}}}))
	f.Cleanup(s.Close)
	pid, _ := s.ProjectID("Fuzz")
	routes := s.val.Routes()
	sort.Slice(routes, func(i, j int) bool { return routes[i].OperationID < routes[j].OperationID })
	auth := "Bearer " + s.AccessToken()

	for i, r := range routes {
		op := r.kin.Operation
		var body []byte
		if op.RequestBody != nil {
			if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil {
				for _, ex := range mt.Examples {
					body, _ = json.Marshal(ex.Value.Value)
					break
				}
			}
		}
		f.Add(uint8(i), false, "", "", body)
		f.Add(uint8(i), true, "0/-1", "page=0&page_size=-5&type=9", body)
	}

	f.Fuzz(func(t *testing.T, op uint8, fuzzProject bool, params, query string, body []byte) {
		r := routes[int(op)%len(routes)]
		values := strings.Split(params, "/")
		path := r.Template
		for i, seg := range r.segments {
			if !strings.HasPrefix(seg, "{") {
				continue
			}
			v := "1"
			if i < len(values) && values[i] != "" {
				v = values[i]
			}
			if seg == "{project_id}" && !fuzzProject {
				v = strconv.FormatInt(pid, 10)
			}
			path = strings.Replace(path, seg, url.PathEscape(v), 1)
		}
		req := httptest.NewRequest(r.Method, "http://fake"+path, bytes.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		if isMultipart(r) {
			req.Header.Set("Content-Type", "multipart/form-data; boundary=xyz")
		}
		rec := httptest.NewRecorder()
		s.serveAPI(rec, req)
		if rec.Code >= http.StatusInternalServerError {
			t.Fatalf("%s %s?%s body %q: %d %s", r.Method, path, query, body, rec.Code, rec.Body)
		}
	})
}
