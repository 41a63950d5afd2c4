package iconecttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// call sends a request to the fake's API with the user's token (unless the
// caller sets Authorization) and returns the status and body.
func call(t *testing.T, s *Server, method, path string, body any, header ...string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	require.NoError(t, err)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+s.AccessToken())
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	checkResponse(t, s, req, res, b)
	return res.StatusCode, b
}

// checkResponse validates every answer the fake gives in these tests
// against the spec, so a handler that answers off-spec fails its test.
func checkResponse(t *testing.T, s *Server, req *http.Request, res *http.Response, body []byte) {
	t.Helper()
	route, params, _, err := s.val.Route(req.Method, req.URL.Path, nil)
	unknown := (res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed) && len(body) == 0
	// 429, 502, 503 and 504 come from injected faults: the spec, like the
	// vendor's docs, describes the API's own answers only.
	transient := res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= http.StatusBadGateway
	if err != nil || unknown || transient {
		return
	}
	err = s.val.ValidateResponse(req.Context(), req, route, params, res.StatusCode, res.Header, body)
	assert.NoError(t, err, "%s %s answered off-spec", req.Method, req.URL.Path)
}

// decode unmarshals an answer, failing the test on bad JSON.
func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(b, &v), "body: %s", b)
	return v
}

// errorMessage returns the iconect_error of an error body.
func errorMessage(t *testing.T, b []byte) string {
	t.Helper()
	e := decode[map[string]string](t, b)
	require.Contains(t, e, "iconect_error", "error body: %s", b)
	return e["iconect_error"]
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	s := NewServer()
	defer s.Close()

	code, body := call(t, s, "GET", "/nowhere", nil)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Empty(t, body, "an unknown route has an empty body")

	code, body = call(t, s, "PATCH", "/projects", nil)
	assert.Equal(t, http.StatusMethodNotAllowed, code)
	assert.Empty(t, body)
}

func TestWithoutOperationsAnswersAsUnknownRoutes(t *testing.T) {
	s := NewServer(WithoutOperations("getProjectSettings", "createProject"))
	defer s.Close()

	code, body := call(t, s, "GET", "/projects/101/settings", nil)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Empty(t, body)
	code, _ = call(t, s, "POST", "/projects", map[string]any{"name": "x", "client_id": 1, "dataservers_id": 5})
	assert.Equal(t, http.StatusMethodNotAllowed, code, "listProjects still has the path")
	assert.Equal(t, 0, s.RequestCount("getProjectSettings"))
}

func TestAuthentication(t *testing.T) {
	s := NewServer()
	defer s.Close()

	code, body := call(t, s, "GET", "/projects", nil, "Authorization", "")
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.NotEmpty(t, errorMessage(t, body))

	code, _ = call(t, s, "GET", "/projects", nil, "Authorization", "Bearer not-a-jwt")
	assert.Equal(t, http.StatusUnauthorized, code)

	tok := s.AccessToken()
	tampered := tok[:len(tok)-4] + "AAAA"
	code, _ = call(t, s, "GET", "/projects", nil, "Authorization", "Bearer "+tampered)
	assert.Equal(t, http.StatusUnauthorized, code)

	code, body = call(t, s, "GET", "/projects", nil, "Authorization", "Bearer "+s.AccessToken("openid"))
	assert.Equal(t, http.StatusForbidden, code)
	assert.Contains(t, errorMessage(t, body), "iconect_api")
}

func TestRequestValidation(t *testing.T) {
	s := NewServer()
	defer s.Close()

	code, body := call(t, s, "GET", "/projects?type=7", nil)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, errorMessage(t, body), "type")

	code, body = call(t, s, "GET", "/projects/abc/fields", nil)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.NotEmpty(t, errorMessage(t, body))

	code, body = call(t, s, "POST", "/clients", `{"name": "", "description": "d", "state": 0}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.NotEmpty(t, errorMessage(t, body))

	code, body = call(t, s, "POST", "/clients", `{not json`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.NotEmpty(t, errorMessage(t, body))

	code, body = call(t, s, "POST", "/clients", `<client/>`, "Content-Type", "application/xml")
	assert.Equal(t, http.StatusUnsupportedMediaType, code)
	assert.NotEmpty(t, errorMessage(t, body))

	code, _ = call(t, s, "POST", "/projects/101/filestores/7001/upload", `x`)
	assert.Equal(t, http.StatusUnsupportedMediaType, code, "uploads take multipart/form-data")
}

func TestClientsAndProjects(t *testing.T) {
	s := NewServer()
	defer s.Close()

	code, body := call(t, s, "POST", "/clients", map[string]any{"name": "Client 1", "description": "This is a client", "state": 0})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	client := decode[map[string]any](t, body)
	cid := int64(client["id"].(float64))

	code, body = call(t, s, "PUT", fmt.Sprintf("/clients/%d/deactivate", cid), nil)
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.EqualValues(t, 2, decode[map[string]any](t, body)["state"])
	code, _ = call(t, s, "PUT", "/clients/999999/activate", nil)
	assert.Equal(t, http.StatusNotFound, code)

	code, body = call(t, s, "POST", "/projects", map[string]any{"name": "Matter", "client_id": cid, "dataservers_id": s.DataServerID, "project_template_id": s.TemplateProjectID})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	pid := int64(decode[map[string]any](t, body)["id"].(float64))

	code, body = call(t, s, "GET", fmt.Sprintf("/projects/%d/settings", pid), nil)
	require.Equal(t, http.StatusOK, code)
	settings := decode[map[string]map[string]int64](t, body)["field_associations"]
	assert.Len(t, settings, len(settingKeys))
	assert.NotZero(t, settings["NATIVEFIELD"])

	_, body = call(t, s, "GET", "/projects", nil)
	assert.Len(t, decode[[]map[string]any](t, body), 1, "type 0 lists projects only")
	_, body = call(t, s, "GET", "/projects?type=1", nil)
	assert.Len(t, decode[[]map[string]any](t, body), 1, "type 1 lists templates only")
	_, body = call(t, s, "GET", "/projects?type=2", nil)
	assert.Len(t, decode[[]map[string]any](t, body), 2)

	code, body = call(t, s, "POST", "/projects", map[string]any{"name": "X", "client_id": 424242, "dataservers_id": s.DataServerID})
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, errorMessage(t, body), "Client 424242")
}
