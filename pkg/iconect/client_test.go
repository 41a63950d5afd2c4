package iconect

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/api"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// operationMethods maps every operation of the spec to the method serving
// it: startJobPost and stopJobPost share Start and Stop (UsePOST option).
var operationMethods = map[string]string{
	"createClient": "Clients.Create", "updateClient": "Clients.Update",
	"activateClient": "Clients.Activate", "deactivateClient": "Clients.Deactivate",
	"listProjects": "Projects.List", "createProject": "Projects.Create", "updateProject": "Projects.Update",
	"getProjectSettings": "Projects.Settings", "activateProject": "Projects.Activate", "deactivateProject": "Projects.Deactivate",
	"listFields": "Fields.List", "createFields": "Fields.Create", "getField": "Fields.Get", "updateField": "Fields.Update",
	"listPanels": "Panels.List", "createPanel": "Panels.Create", "getPanel": "Panels.Get", "updatePanel": "Panels.Update",
	"listFolders": "Folders.List", "createFolder": "Folders.Create", "getFolder": "Folders.Get",
	"updateFolder": "Folders.Update", "deleteFolder": "Folders.Delete", "listFolderRecords": "Folders.Records",
	"addFolderRecords": "Folders.AddRecords", "removeFolderRecords": "Folders.RemoveRecords",
	"getRecord": "Records.Get", "listRecords": "Records.List", "createRecords": "Records.Create", "updateRecords": "Records.Update",
	"uploadNativeFile": "NativeFiles.Upload", "deleteNativeFile": "NativeFiles.Delete",
	"listFileStores": "FileStores.List", "getFileStore": "FileStores.Get",
	"uploadFileStoreFile": "FileStores.Upload", "getFileStoreItems": "FileStores.Items",
	"listBatchSets": "BatchSets.List", "getBatchSet": "BatchSets.Get", "createBatchSet": "BatchSets.Create",
	"updateBatchSet": "BatchSets.Update", "deleteBatchSet": "BatchSets.Delete",
	"listAssignedBatches": "Batches.ListAssigned", "listUnassignedBatches": "Batches.ListUnassigned",
	"listCompletedBatches": "Batches.ListCompleted", "assignBatches": "Batches.Assign", "unassignBatches": "Batches.Unassign",
	"createBatches": "Batches.Create", "updateBatches": "Batches.Update", "checkInBatch": "Batches.CheckIn",
	"deleteBatches": "Batches.Delete",
	"listJobs":      "Jobs.List", "createJob": "Jobs.Create", "getJob": "Jobs.Get", "updateJob": "Jobs.Update",
	"startJob": "Jobs.Start", "startJobPost": "Jobs.Start", "stopJob": "Jobs.Stop", "stopJobPost": "Jobs.Stop",
	"listNativeImportTemplates": "Templates.ListNativeImport",
	"createView":                "Views.Create",
}

func TestEveryOperationHasAMethod(t *testing.T) {
	doc, err := api.Load()
	require.NoError(t, err)
	c, err := NewClient("http://127.0.0.1:1")
	require.NoError(t, err)
	cv := reflect.ValueOf(c).Elem()
	seen := 0
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			seen++
			m, ok := operationMethods[op.OperationID]
			if !assert.True(t, ok, "no SDK method listed for %s", op.OperationID) {
				continue
			}
			svc, name, _ := strings.Cut(m, ".")
			field := cv.FieldByName(svc)
			require.True(t, field.IsValid(), "Client has no %s service", svc)
			assert.True(t, field.MethodByName(name).IsValid(), "%s serves %s but does not exist", m, op.OperationID)
		}
	}
	assert.Equal(t, seen, len(operationMethods))
}

func TestNewClientChecksItsInput(t *testing.T) {
	_, err := NewClient("api.example.com")
	assert.ErrorContains(t, err, "not an http(s) URL")
	_, err = NewClient("https://api.example.com", WithHTTPClient(nil))
	assert.Error(t, err)
}

func TestLoggingMiddlewareEditorsAndUserAgent(t *testing.T) {
	var logs bytes.Buffer
	var seen []*http.Request
	mw := func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		seen = append(seen, req)
		return next(req)
	}
	c, srv := newTest(t, nil,
		WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		WithMiddleware(mw), WithUserAgent("review-bot/2"),
		WithRequestEditor(func(r *http.Request) error { r.Header.Set("X-Trace", "client"); return nil }))
	_, err := c.Projects.List(context.Background(), nil,
		WithCallEditor(func(r *http.Request) error { r.Header.Set("X-Call", "1"); return nil }))
	require.NoError(t, err)

	require.Len(t, seen, 1)
	r := seen[0]
	assert.Equal(t, "client", r.Header.Get("X-Trace"))
	assert.Equal(t, "1", r.Header.Get("X-Call"))
	assert.True(t, strings.HasPrefix(r.Header.Get("User-Agent"), "review-bot/2 iconect-go/"+Version), r.Header.Get("User-Agent"))

	out := logs.String()
	for _, want := range []string{"operation=listProjects", "method=GET", "path=/projects ", "status=200", "attempt=1", "duration="} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, srv.AccessToken()[:20], "no token in the logs")
	assert.NotContains(t, out, "Authorization")
}

func TestErrorRedactsTheURL(t *testing.T) {
	c, _ := newTest(t, nil)
	_, err := c.Projects.List(context.Background(), nil, WithCallEditor(func(r *http.Request) error {
		q := r.URL.Query()
		q.Set("access_token", "planted-secret")
		q.Set("type", "9")
		r.URL.RawQuery = q.Encode()
		return nil
	}))
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 400, e.StatusCode)
	assert.NotContains(t, e.Error(), "planted-secret")
	assert.Contains(t, e.URL, "access_token=REDACTED")
	assert.NotEmpty(t, e.Message)
}

// A tenant serving the API below a prefix (https://host/api): the base URL
// given to NewClient keeps it, with or without a trailing slash.
func TestBasePath(t *testing.T) {
	for _, suffix := range []string{"", "/"} {
		c, srv := newTest(t, []iconecttest.Option{iconecttest.WithBasePath("/api/v1")})
		require.True(t, strings.HasSuffix(srv.URL, "/api/v1"), srv.URL)
		c2, err := NewClient(srv.URL+suffix, WithTokenSource(c.source), WithRetryPolicy(NoRetry))
		require.NoError(t, err)
		pid := newProject(t, c2, srv)
		_, err = c2.Projects.Settings(context.Background(), pid)
		require.NoError(t, err)
		_, err = c2.Projects.Settings(context.Background(), 999999)
		assert.True(t, IsNotFound(err), "a missing object, not a missing route: %v", err)
	}
	srv := iconecttest.NewServer(iconecttest.WithBasePath("api"))
	defer srv.Close()
	res, err := http.Get(strings.TrimSuffix(srv.URL, "/api") + "/projects")
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusNotFound, res.StatusCode, "outside the prefix is an unknown route")
}
