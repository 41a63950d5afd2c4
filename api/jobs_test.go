package api_test

import (
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/gen"
)

// detailsSchema is the rule the spec states for job details: the job's outer
// type picks the variant (there is no discriminator).
var detailsSchema = map[gen.JobType]string{
	gen.JobTypeMassActionDelete:  "MassActionDeleteJob",
	gen.JobTypeDelimitedImport:   "DelimitedImportJob",
	gen.JobTypeZipFileExtraction: "ZipFileExtractionJob",
	gen.JobTypeNativeImport:      "NativeImportInfo",
}

var resultsSchema = map[gen.JobType]string{
	gen.JobTypeDelimitedImport:   "DelimitedImportJobResults",
	gen.JobTypeZipFileExtraction: "ZipFileExtractionJobResults",
	gen.JobTypeNativeImport:      "NativeImportResults",
}

// docsJobs returns every job the docs show, as raw JSON: the four of the
// listJobs example plus the getJob and create/update answers.
func docsJobs(t *testing.T, doc *openapi3.T) []json.RawMessage {
	t.Helper()
	var list struct{ Jobs []json.RawMessage }
	require.NoError(t, json.Unmarshal(mustJSON(t, doc.Components.Examples["JobList"].Value.Value), &list))
	require.Len(t, list.Jobs, 4)
	jobs := list.Jobs
	get := doc.Paths.Find("/projects/{project_id}/jobs/{job_id}").Get
	jobs = append(jobs, mustJSON(t, get.Responses.Status(200).Value.Content["application/json"].Examples["getJob"].Value.Value))
	jobs = append(jobs, mustJSON(t, doc.Components.Responses["JobOK"].Value.Content["application/json"].Examples["massActionDelete"].Value.Value))
	return jobs
}

func TestJobExamplesPickTheVariantOfTheirType(t *testing.T) {
	doc := loadSpec(t)
	seen := map[gen.JobType]bool{}
	for _, raw := range docsJobs(t, doc) {
		var job struct {
			Type    gen.JobType
			Details any
			Results any
		}
		require.NoError(t, json.Unmarshal(raw, &job))
		seen[job.Type] = true
		require.NoError(t, doc.Components.Schemas["Job"].Value.VisitJSON(asValue(t, raw)), "job %s", raw)

		// The details match exactly one variant: the one the outer type names.
		for typ, name := range detailsSchema {
			err := doc.Components.Schemas[name].Value.VisitJSON(job.Details)
			if typ == job.Type {
				assert.NoError(t, err, "type %d details should be a %s", job.Type, name)
			} else {
				assert.Error(t, err, "type %d details must not also be a %s", job.Type, name)
			}
		}
		if job.Results == nil {
			continue
		}
		for typ, name := range resultsSchema {
			err := doc.Components.Schemas[name].Value.VisitJSON(job.Results)
			if typ == job.Type {
				assert.NoError(t, err, "type %d results should be %s", job.Type, name)
			} else {
				assert.Error(t, err, "type %d results must not also be %s", job.Type, name)
			}
		}
	}
	assert.Len(t, seen, 4, "the docs' examples cover all four job types")
}

func TestJobRoundTripThroughGeneratedTypes(t *testing.T) {
	doc := loadSpec(t)
	for _, raw := range docsJobs(t, doc) {
		var job gen.Job
		require.NoError(t, json.Unmarshal(raw, &job))
		out, err := json.Marshal(job)
		require.NoError(t, err)
		assert.JSONEq(t, withoutNulls(t, raw), withoutNulls(t, out), "job round trip loses nothing")

		var rawJob struct{ Details, Results json.RawMessage }
		require.NoError(t, json.Unmarshal(raw, &rawJob))

		// The typed variant for the job's type holds every property the docs show.
		details, err := typedDetails(job)
		require.NoError(t, err)
		assert.JSONEq(t, withoutNulls(t, rawJob.Details), withoutNulls(t, mustJSON(t, details)), "type %d details", job.Type)
		if job.Results != nil {
			results, err := typedResults(job)
			require.NoError(t, err)
			assert.JSONEq(t, withoutNulls(t, rawJob.Results), withoutNulls(t, mustJSON(t, results)), "type %d results", job.Type)
		}

		// A request built from the typed variant validates as a JobRequest.
		var req gen.JobRequest
		req.Type = job.Type
		req.Name = job.Name
		require.NoError(t, fromTyped(&req.Details, details))
		require.NoError(t, doc.Components.Schemas["JobRequest"].Value.VisitJSON(asValue(t, mustJSON(t, req))))
	}
}

func typedDetails(job gen.Job) (any, error) {
	switch job.Type {
	case gen.JobTypeMassActionDelete:
		return job.Details.AsMassActionDeleteJob()
	case gen.JobTypeDelimitedImport:
		return job.Details.AsDelimitedImportJob()
	case gen.JobTypeZipFileExtraction:
		return job.Details.AsZipFileExtractionJob()
	default:
		return job.Details.AsNativeImportInfo()
	}
}

func typedResults(job gen.Job) (any, error) {
	switch job.Type {
	case gen.JobTypeDelimitedImport:
		return job.Results.AsDelimitedImportJobResults()
	case gen.JobTypeZipFileExtraction:
		return job.Results.AsZipFileExtractionJobResults()
	default:
		return job.Results.AsNativeImportResults()
	}
}

func fromTyped(d *gen.JobDetails, v any) error {
	switch v := v.(type) {
	case gen.MassActionDeleteJob:
		return d.FromMassActionDeleteJob(v)
	case gen.DelimitedImportJob:
		return d.FromDelimitedImportJob(v)
	case gen.ZipFileExtractionJob:
		return d.FromZipFileExtractionJob(v)
	default:
		return d.FromNativeImportInfo(v.(gen.NativeImportInfo))
	}
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// asValue decodes JSON the way kin-openapi expects values: numbers as float64.
func asValue(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	return v
}

// withoutNulls drops keys whose value is null, {} or []: for an optional
// property these carry no more information than its absence, and the
// generated types (omitempty, non-pointer slices and maps) omit all three.
func withoutNulls(t *testing.T, raw []byte) string {
	t.Helper()
	var drop func(v any) any
	drop = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if e = drop(e); isEmpty(e) {
					delete(v, k)
				} else {
					v[k] = e
				}
			}
		case []any:
			for i, e := range v {
				v[i] = drop(e)
			}
		}
		return v
	}
	return string(mustJSON(t, drop(asValue(t, raw))))
}

func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(v) == 0
	case []any:
		return len(v) == 0
	}
	return false
}
