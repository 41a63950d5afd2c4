package specvalidate_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/pkg/specvalidate"
)

// tenant answers with a fixed status, content type and body, and records
// what it received.
type tenant struct {
	status int
	ctype  string
	body   string
	got    []string // method path body
}

func (te *tenant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	te.got = append(te.got, r.Method+" "+r.URL.Path+" "+string(b))
	if te.ctype != "" {
		w.Header().Set("Content-Type", te.ctype)
	}
	w.WriteHeader(te.status)
	_, _ = io.WriteString(w, te.body)
}

func setup(t *testing.T, te *tenant, prefix string, opts *specvalidate.Options) (*specvalidate.Transport, *http.Client, string) {
	t.Helper()
	srv := httptest.NewServer(te)
	t.Cleanup(srv.Close)
	vt, err := specvalidate.New(srv.URL+prefix, opts)
	require.NoError(t, err)
	return vt, &http.Client{Transport: vt}, srv.URL + prefix
}

const project = `{"id": 3, "name": "Matter", "description": null, "state": 0, "type": 3}`

func TestValidExchangeWithPrefix(t *testing.T) {
	te := &tenant{status: 200, ctype: "application/json", body: project}
	vt, hc, base := setup(t, te, "/api", nil)
	res, err := hc.Get(base + "/projects/3/settings")
	require.NoError(t, err)
	b, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	assert.Equal(t, project, string(b), "the body is passed on")
	// getProjectSettings answers field_associations, not a project: a
	// response violation, under its operationId.
	fs := vt.Findings()
	require.Len(t, fs, 1)
	assert.Equal(t, specvalidate.ResponseViolation, fs[0].Kind)
	assert.Equal(t, "getProjectSettings", fs[0].OperationID)
	assert.Equal(t, "/projects/3/settings", fs[0].Path, "the prefix is stripped")
	assert.Error(t, vt.Err())

	vt.Reset()
	res, err = hc.Post(base+"/projects", "application/json", strings.NewReader(`{"name": "Matter", "client_id": 1, "dataservers_id": 5}`))
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Empty(t, vt.Findings())
	assert.NoError(t, vt.Err())
	op := vt.Operations()["createProject"]
	assert.Equal(t, 1, op.Calls)
	assert.Equal(t, []int{200}, op.Statuses)
	assert.Equal(t, `POST /api/projects {"name": "Matter", "client_id": 1, "dataservers_id": 5}`, te.got[len(te.got)-1], "the body is sent whole")
}

func TestInvalidRequestIsSentAndRecorded(t *testing.T) {
	te := &tenant{status: 400, ctype: "application/json", body: `{"iconect_error": "The name of the project is required."}`}
	vt, hc, base := setup(t, te, "", nil)
	res, err := hc.Post(base+"/projects", "application/json", strings.NewReader(`{"client_id": "one"}`))
	require.NoError(t, err)
	_ = res.Body.Close()
	require.Len(t, te.got, 1, "sent anyway: the tenant's answer is worth seeing")
	fs := vt.Findings()
	require.NotEmpty(t, fs)
	for _, f := range fs {
		assert.Equal(t, specvalidate.RequestViolation, f.Kind)
		assert.Equal(t, "createProject", f.OperationID)
		assert.Equal(t, 400, f.Status)
	}
}

func TestPathNotFoundVersusMissingObject(t *testing.T) {
	te := &tenant{status: 404}
	vt, hc, base := setup(t, te, "", nil)
	res, err := hc.Get(base + "/projects/3/fields/9")
	require.NoError(t, err)
	_ = res.Body.Close()
	fs := vt.Findings()
	require.Len(t, fs, 1)
	assert.Equal(t, specvalidate.PathNotFound, fs[0].Kind)
	assert.Equal(t, "getField", fs[0].OperationID)
	assert.True(t, fs[0].Violation())

	// An HTML 404 page is not the API's either.
	vt.Reset()
	te.ctype, te.body = "text/html", "<h1>Not Found</h1>"
	res, err = hc.Get(base + "/projects/3/fields/9")
	require.NoError(t, err)
	_ = res.Body.Close()
	require.Len(t, vt.Findings(), 1)
	assert.Equal(t, specvalidate.PathNotFound, vt.Findings()[0].Kind)

	// A missing object: the API's error body, a valid answer.
	vt.Reset()
	te.ctype, te.body = "application/json", `{"iconect_error": "Field 9 not found."}`
	res, err = hc.Get(base + "/projects/3/fields/9")
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Empty(t, vt.Findings())
}

func TestUndocumentedAndOtherHosts(t *testing.T) {
	te := &tenant{status: 200, ctype: "application/json", body: `{}`}
	vt, hc, base := setup(t, te, "/api", nil)
	res, err := hc.Get(base + "/reports")
	require.NoError(t, err)
	_ = res.Body.Close()
	res, err = hc.Post(base+"/projects/3/settings", "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	_ = res.Body.Close()
	fs := vt.Findings()
	require.Len(t, fs, 2)
	assert.Equal(t, specvalidate.Undocumented, fs[0].Kind)
	assert.Equal(t, "", fs[0].OperationID)
	assert.Contains(t, fs[1].Message, "method")

	// Outside the prefix, or another host: not the API, not checked.
	vt.Reset()
	res, err = hc.Get(strings.TrimSuffix(base, "/api") + "/openid/token")
	require.NoError(t, err)
	_ = res.Body.Close()
	other := httptest.NewServer(te)
	defer other.Close()
	res, err = hc.Get(other.URL + "/projects")
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Empty(t, vt.Findings())
}

func TestDriftIsReportedNotFailed(t *testing.T) {
	body := `{"id": 3, "name": "Matter", "description": null, "state": 0, "type": 3, "archived": false}`
	te := &tenant{status: 200, ctype: "application/json", body: body}
	vt, hc, base := setup(t, te, "", &specvalidate.Options{Drift: true})
	res, err := put(hc, base+"/projects/3/activate")
	require.NoError(t, err)
	_ = res.Body.Close()
	fs := vt.Findings()
	require.Len(t, fs, 1)
	assert.Equal(t, specvalidate.Drift, fs[0].Kind)
	assert.Equal(t, "activateProject", fs[0].OperationID)
	assert.Contains(t, fs[0].Message, `"archived"`)
	assert.False(t, fs[0].Violation())
	assert.NoError(t, vt.Err())

	// Without drift mode the property passes.
	vt2, err := specvalidate.New(base, nil)
	require.NoError(t, err)
	res, err = put(&http.Client{Transport: vt2}, base+"/projects/3/activate")
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Empty(t, vt2.Findings())
}

func put(hc *http.Client, url string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPut, url, nil)
	if err != nil {
		return nil, err
	}
	return hc.Do(req)
}

func TestMultipartIsStreamed(t *testing.T) {
	te := &tenant{status: 200, ctype: "application/json", body: `{"iconect_ok": "ok"}`}
	vt, hc, base := setup(t, te, "", nil)
	body := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx\r\n--b--\r\n"
	req, err := http.NewRequest(http.MethodPost, base+"/projects/3/filestores/4/upload?chunk_index=1&chunk_count=1", io.NopCloser(bytes.NewReader([]byte(body))))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	res, err := hc.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Equal(t, "POST /projects/3/filestores/4/upload "+body, te.got[0])
	for _, f := range vt.Findings() {
		assert.NotEqual(t, specvalidate.RequestViolation, f.Kind, f.String())
	}
	assert.Equal(t, 1, vt.Operations()["uploadFileStoreFile"].Calls)
}

func TestNewRefusesABadURL(t *testing.T) {
	_, err := specvalidate.New("api.example.com", nil)
	assert.Error(t, err)
}
