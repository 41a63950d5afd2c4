package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/api"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
	"github.com/iconect-go/iconect-go/pkg/specvalidate"
)

func runFake(t *testing.T, edit func(*Config)) *Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var log strings.Builder
	rep, err := RunFake(ctx, func(c *Config) {
		c.Log = &log
		if edit != nil {
			edit(c)
		}
	})
	require.NoError(t, err)
	t.Cleanup(func() {
		if t.Failed() {
			var b strings.Builder
			_ = rep.WriteText(&b)
			t.Logf("steps:\n%s\nreport:\n%s", log.String(), b.String())
		}
	})
	return rep
}

// TestContractFake is the contract check against the fake tenant: every
// operation exercised through the SDK, every exchange valid.
func TestContractFake(t *testing.T) {
	rep := runFake(t, nil)
	fmt.Println(rep.Summary())
	assert.Equal(t, "contract: 60/60 operations exercised, 0 violations, 0 paths not found", rep.Summary())
	assert.False(t, rep.Failed())
	assert.Empty(t, rep.StepErrors)
	for _, o := range rep.Operations {
		assert.Equal(t, StatusPassed, o.Status, o.OperationID)
		assert.True(t, o.Confirmed, o.OperationID)
		if o.OperationID == "uploadFileStoreFile" {
			// csv, zip, and the chunked upload's chunks.
			assert.GreaterOrEqual(t, o.Calls, 5, "the chunked upload sent several chunks")
		}
	}
	assert.Regexp(t, `contract/big.csv \(\d+ bytes\) went up in [3-9] chunks of 65536 bytes`, strings.Join(rep.Notes, "\n"))
}

// alteredSpec returns the embedded spec changed by edit, as JSON.
func alteredSpec(t *testing.T, edit func(doc *openapi3.T)) []byte {
	t.Helper()
	doc, err := api.Load()
	require.NoError(t, err)
	edit(doc)
	b, err := doc.MarshalJSON()
	require.NoError(t, err)
	// The examples were written for the real spec: leave them out, or
	// loading the altered copy fails on them.
	var v any
	require.NoError(t, json.Unmarshal(b, &v))
	b, err = json.Marshal(withoutExamples(v))
	require.NoError(t, err)
	return b
}

func withoutExamples(v any) any {
	switch x := v.(type) {
	case map[string]any:
		delete(x, "example")
		delete(x, "examples")
		for k, e := range x {
			x[k] = withoutExamples(e)
		}
	case []any:
		for i, e := range x {
			x[i] = withoutExamples(e)
		}
	}
	return v
}

func findingsOf(rep *Report) map[string][]specvalidate.Finding {
	out := map[string][]specvalidate.Finding{}
	for _, o := range rep.Operations {
		out[o.OperationID] = o.Findings
	}
	return out
}

// A field's type changed in the spec (Project.name: string → integer) is
// caught as response violations of the operations answering a project,
// and only those.
func TestAlteredSpecFieldType(t *testing.T) {
	spec := alteredSpec(t, func(doc *openapi3.T) {
		doc.Components.Schemas["Project"].Value.Properties["name"].Value.Type = &openapi3.Types{openapi3.TypeInteger}
	})
	rep := runFake(t, func(c *Config) { c.Spec = spec })
	assert.True(t, rep.Failed())
	assert.Zero(t, rep.PathsNotFound)
	assert.Positive(t, rep.Violations)
	projectOps := map[string]bool{"createProject": true, "listProjects": true, "updateProject": true, "activateProject": true, "deactivateProject": true}
	for op, fs := range findingsOf(rep) {
		for _, f := range fs {
			assert.True(t, projectOps[op], "unexpected finding %s", f)
			assert.Equal(t, specvalidate.ResponseViolation, f.Kind, f.String())
			assert.Contains(t, f.Message, "name", f.String())
			assert.Equal(t, op, f.OperationID)
		}
	}
	for _, o := range rep.Operations {
		if projectOps[o.OperationID] {
			assert.Equal(t, StatusViolated, o.Status, o.OperationID)
		}
	}
	assert.Equal(t, "contract: 60/60 operations exercised, 5 violations, 0 paths not found", rep.Summary())
}

// One path changed in the spec (/projects/{project_id}/fields/{field_id} →
// .../field/{field_id}).
func TestAlteredSpecPath(t *testing.T) {
	const from, to = "/projects/{project_id}/fields/{field_id}", "/projects/{project_id}/field/{field_id}"
	spec := alteredSpec(t, func(doc *openapi3.T) {
		item := doc.Paths.Value(from)
		doc.Paths.Delete(from)
		doc.Paths.Set(to, item)
	})

	// A client built from the altered spec sends the new path, which the
	// tenant (the fake) lacks: "path not found on this tenant".
	t.Run("path not found", func(t *testing.T) {
		fieldPath := regexp.MustCompile(`^(/projects/\d+)/fields/(\d+)$`)
		rep := runFake(t, func(c *Config) {
			c.Spec = spec
			c.Wrap = func(next http.RoundTripper) http.RoundTripper {
				return roundTripFunc(func(r *http.Request) (*http.Response, error) {
					if m := fieldPath.FindStringSubmatch(r.URL.Path); m != nil {
						r = r.Clone(r.Context())
						r.URL.Path = m[1] + "/field/" + m[2]
					}
					return next.RoundTrip(r)
				})
			}
		})
		assert.Equal(t, "contract: 60/60 operations exercised, 0 violations, 2 paths not found", rep.Summary())
		assert.True(t, rep.Failed())
		for op, fs := range findingsOf(rep) {
			for _, f := range fs {
				assert.Contains(t, []string{"getField", "updateField"}, op, "unexpected finding %s", f)
				assert.Equal(t, specvalidate.PathNotFound, f.Kind, f.String())
				assert.Contains(t, f.Message, "path not found on this tenant")
			}
		}
		for _, o := range rep.Operations {
			if o.OperationID == "getField" || o.OperationID == "updateField" {
				assert.Equal(t, StatusPathNotFound, o.Status)
				assert.False(t, o.Confirmed)
			}
		}
	})

	// The SDK (built from the real spec) sends the old path, which the
	// altered spec lacks: an undocumented request, the operations not
	// exercised.
	t.Run("undocumented request", func(t *testing.T) {
		rep := runFake(t, func(c *Config) { c.Spec = spec })
		assert.Equal(t, "contract: 58/60 operations exercised, 2 violations, 0 paths not found", rep.Summary())
		require.Len(t, rep.Undocumented, 2)
		for _, f := range rep.Undocumented {
			assert.Equal(t, specvalidate.Undocumented, f.Kind)
			assert.Regexp(t, `^/projects/\d+/fields/\d+$`, f.Path)
		}
		for _, o := range rep.Operations {
			if o.OperationID == "getField" || o.OperationID == "updateField" {
				assert.Equal(t, StatusNotExercised, o.Status)
			}
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Drift mode reports a property the spec lacks without failing the run.
func TestDrift(t *testing.T) {
	addProperty := func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			res, err := next.RoundTrip(r)
			if err != nil || r.Method != http.MethodGet || !regexp.MustCompile(`^/projects/\d+/panels/\d+$`).MatchString(r.URL.Path) {
				return res, err
			}
			var m map[string]any
			body, _ := io.ReadAll(res.Body)
			_ = res.Body.Close()
			require.NoError(t, json.Unmarshal(body, &m))
			m["color_scheme"] = "teal"
			body, _ = json.Marshal(m)
			res.Body = io.NopCloser(bytes.NewReader(body))
			res.ContentLength = int64(len(body))
			res.Header.Del("Content-Length")
			return res, nil
		})
	}
	base := http.DefaultTransport
	rep := runFake(t, func(c *Config) { c.Drift = true; c.Base = addProperty(base) })
	assert.False(t, rep.Failed())
	assert.Equal(t, "contract: 60/60 operations exercised, 0 violations, 0 paths not found", rep.Summary())
	assert.Equal(t, 1, rep.DriftFindings)
	f := findingsOf(rep)["getPanel"]
	require.Len(t, f, 1)
	assert.Equal(t, specvalidate.Drift, f[0].Kind)
	assert.Contains(t, f[0].Message, `"color_scheme"`)
	var text strings.Builder
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "contract drift: 1 response properties the spec lacks (reported, not failing)")

	// Without drift mode the extra property passes unnoticed.
	rep = runFake(t, func(c *Config) { c.Base = addProperty(base) })
	assert.Zero(t, rep.DriftFindings)
	assert.Empty(t, findingsOf(rep)["getPanel"])
}

func TestReadOnly(t *testing.T) {
	srv := iconecttest.NewServer(append(FakeOptions, iconecttest.WithProject(iconecttest.SeedProject{
		Name: "Production matter", Fields: []string{"Title"}, Records: []map[string]string{{"Title": "memo"}, {"Title": "letter"}},
	}))...)
	defer srv.Close()
	cfg := FakeConfig(srv)
	cfg.ReadOnly = true
	rep, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.False(t, rep.Failed(), "step errors: %v", rep.StepErrors)
	assert.Equal(t, "read-only", rep.Mode)
	assert.GreaterOrEqual(t, rep.Exercised, 12)
	for _, o := range rep.Operations {
		if o.Status != StatusNotExercised {
			assert.Equal(t, http.MethodGet, o.Method, o.OperationID)
		}
	}
}

func TestReportFiles(t *testing.T) {
	spec := alteredSpec(t, func(doc *openapi3.T) {
		doc.Components.Schemas["Project"].Value.Properties["name"].Value.Type = &openapi3.Types{openapi3.TypeInteger}
	})
	rep := runFake(t, func(c *Config) { c.Spec = spec })
	dir := t.TempDir()
	require.NoError(t, rep.WriteFiles(dir))

	var back Report
	b, err := os.ReadFile(filepath.Join(dir, "contract-report.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Len(t, back.Operations, 60)
	assert.Equal(t, rep.Violations, back.Violations)

	var suites struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Cases    []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	b, err = os.ReadFile(filepath.Join(dir, "contract-junit.xml"))
	require.NoError(t, err)
	require.NoError(t, xml.Unmarshal(b, &suites))
	require.Len(t, suites.Suites, 1)
	assert.Equal(t, 60, suites.Suites[0].Tests)
	assert.Equal(t, 5, suites.Suites[0].Failures)

	b, err = os.ReadFile(filepath.Join(dir, "contract-summary.txt"))
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(string(b), rep.Summary()+"\n"))
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		EnvAPIURL: "https://api.example.com/api", EnvIdentityURL: "https://id.example.com", EnvClientID: "app",
		EnvClientSecret: "s3cret-value", EnvUsername: "u", EnvPassword: "pa55-value", EnvUserID: "7", EnvDataServerID: "x",
	}
	getenv := func(k string) string { return env[k] }
	assert.True(t, TenantConfigured(getenv))
	_, err := ConfigFromEnv(getenv)
	require.Error(t, err)
	assert.Contains(t, err.Error(), EnvDataServerID+" is not a positive integer")
	assert.NotContains(t, err.Error(), "s3cret")

	env[EnvDataServerID] = "5"
	cfg, err := ConfigFromEnv(getenv)
	require.NoError(t, err)
	assert.Equal(t, int64(5), cfg.DataServerID)
	assert.Equal(t, int64(7), cfg.UserID)
	assert.False(t, cfg.ReadOnly)

	delete(env, EnvPassword)
	delete(env, EnvUserID)
	_, err = ConfigFromEnv(getenv)
	assert.ErrorContains(t, err, EnvPassword+" is not set")
	assert.ErrorContains(t, err, EnvUserID+" is not set")

	// Read-only mode needs neither a user nor a data server.
	env[EnvPassword] = "pa55-value"
	env[EnvReadOnly] = "true"
	delete(env, EnvDataServerID)
	cfg, err = ConfigFromEnv(getenv)
	require.NoError(t, err)
	assert.True(t, cfg.ReadOnly)

	assert.False(t, TenantConfigured(func(string) string { return "" }))
}
