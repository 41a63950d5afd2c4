package iconecttest

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/iconect-go/iconect-go/gen"
)

// ListJobs pages through the jobs matching types (all types when omitted).
// types' items are plain integers in the docs, not the job type enum: a
// value that is no job type is accepted and matches no job. start_row and
// job_count have a minimum in the spec; the checks here stay for a spec
// altered in tests.
func (h *handlers) ListJobs(ctx context.Context, request gen.ListJobsRequestObject) (gen.ListJobsResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	q := request.Params
	start, count := int64(0), int64(20)
	if q.StartRow != nil {
		start = *q.StartRow
	}
	if q.JobCount != nil {
		count = *q.JobCount
	}
	if start < 0 {
		return nil, badRequest("start_row must be 0 or more, not %d.", start)
	}
	if count < 1 {
		return nil, badRequest("job_count must be 1 or more, not %d.", count)
	}
	// Compared as int64, so a value beyond the enum's 32 bits (4294967303)
	// is not taken for the job type it wraps to (50007).
	types := map[int64]bool{}
	for _, v := range q.Types {
		types[v] = true
	}
	out := gen.ListJobs200JSONResponse{Jobs: []gen.Job{}}
	for _, id := range sortedKeys(p.jobs) {
		j := p.jobs[id]
		if len(q.Types) > 0 && !types[int64(j.Type)] {
			continue
		}
		if out.Count >= start && out.Count-start < count {
			out.Jobs = append(out.Jobs, j.Job)
		}
		out.Count++
	}
	return out, nil
}

func (h *handlers) CreateJob(ctx context.Context, request gen.CreateJobRequestObject) (gen.CreateJobResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	b := request.Body
	if err := p.checkJobDetails(b.Type, b.Details); err != nil {
		return nil, err
	}
	j := &job{Job: gen.Job{
		ID:            t.nextID("job"),
		Type:          b.Type,
		Name:          b.Name,
		Description:   b.Description,
		CreatedDate:   ptr(isoTime(t.now())),
		CreatedUserID: ptr(callerID(ctx)),
		Status:        gen.JobStatusNew,
		State:         ptr(int32(0)),
		ProjectID:     ptr(p.ID),
		Details:       b.Details,
		Results:       nullResults(),
	}}
	p.jobs[j.ID] = j
	return gen.CreateJob201JSONResponse{JobCreatedJSONResponse: gen.JobCreatedJSONResponse(j.Job)}, nil
}

func (h *handlers) GetJob(ctx context.Context, request gen.GetJobRequestObject) (gen.GetJobResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	_, j, err := t.job(request.ProjectID, int64(request.JobID))
	if err != nil {
		return nil, err
	}
	return gen.GetJob200JSONResponse(j.Job), nil
}

// UpdateJob changes a job's name and description only; the body repeats
// type and details, and a type other than the job's is refused.
func (h *handlers) UpdateJob(ctx context.Context, request gen.UpdateJobRequestObject) (gen.UpdateJobResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	_, j, err := t.job(request.ProjectID, int64(request.JobID))
	if err != nil {
		return nil, err
	}
	if request.Body.Type != j.Type {
		return nil, badRequest("Job %d is of type %d; its type cannot change to %d.", j.ID, j.Type, request.Body.Type)
	}
	j.Name = request.Body.Name
	j.Description = request.Body.Description
	return gen.UpdateJob200JSONResponse{JobOKJSONResponse: gen.JobOKJSONResponse(j.Job)}, nil
}

func (h *handlers) StartJobPost(ctx context.Context, request gen.StartJobPostRequestObject) (gen.StartJobPostResponseObject, error) {
	if err := h.startJob(request.ProjectID, int64(request.JobID), request.Body); err != nil {
		return nil, err
	}
	return gen.StartJobPost200JSONResponse{OKJSONResponse: gen.OKJSONResponse{IconectOk: "Job started."}}, nil
}

func (h *handlers) StartJob(ctx context.Context, request gen.StartJobRequestObject) (gen.StartJobResponseObject, error) {
	if err := h.startJob(request.ProjectID, int64(request.JobID), request.Body); err != nil {
		return nil, err
	}
	return gen.StartJob200JSONResponse{OKJSONResponse: gen.OKJSONResponse{IconectOk: "Job started."}}, nil
}

// startJob serves both copies of Job - Start. A job that is not running
// (new, finished, failed or stopped) runs again from the beginning.
func (h *handlers) startJob(projectID, jobID int64, body *gen.StartJobRequest) error {
	t, unlock := h.lock()
	defer unlock()
	p, j, err := t.job(projectID, jobID)
	if err != nil {
		return err
	}
	if j.Status == gen.JobStatusRunning {
		return badRequest("Job %d is already running.", j.ID)
	}
	if h.s.ctx.Err() != nil {
		return errorf(http.StatusServiceUnavailable, "The server is shutting down.")
	}
	var viewID int64
	if body != nil && body.ViewID != nil {
		viewID = *body.ViewID
	}
	run, err := p.newJobRun(j, viewID, t.now())
	if err != nil {
		return err
	}
	j.viewID = viewID
	j.Status = gen.JobStatusRunning
	j.StatusMessage = ptr("Waiting to start")
	j.LastRunUtc = ptr(isoTime(t.now()))
	j.LastStopUtc = nil
	j.Results = nullResults()
	h.s.startRun(p, j, run)
	return nil
}

func (h *handlers) StopJobPost(ctx context.Context, request gen.StopJobPostRequestObject) (gen.StopJobPostResponseObject, error) {
	if err := h.stopJob(request.ProjectID, int64(request.JobID)); err != nil {
		return nil, err
	}
	return gen.StopJobPost200JSONResponse{OKJSONResponse: gen.OKJSONResponse{IconectOk: "Job stopped."}}, nil
}

func (h *handlers) StopJob(ctx context.Context, request gen.StopJobRequestObject) (gen.StopJobResponseObject, error) {
	if err := h.stopJob(request.ProjectID, int64(request.JobID)); err != nil {
		return nil, err
	}
	return gen.StopJob200JSONResponse{OKJSONResponse: gen.OKJSONResponse{IconectOk: "Job stopped."}}, nil
}

// stopJob serves both copies of Job - Stop. The job is Stopped at once and
// its runner does no further step; the work done so far stays.
func (h *handlers) stopJob(projectID, jobID int64) error {
	t, unlock := h.lock()
	defer unlock()
	_, j, err := t.job(projectID, jobID)
	if err != nil {
		return err
	}
	if j.Status != gen.JobStatusRunning {
		return badRequest("Job %d is not running.", j.ID)
	}
	close(j.cancel)
	j.cancel = nil
	j.Status = gen.JobStatusStopped
	j.LastStopUtc = ptr(isoTime(t.now()))
	progress := ""
	if j.StatusMessage != nil {
		progress = " (" + *j.StatusMessage + ")"
	}
	j.StatusMessage = ptr("Stopped by the user" + progress + ".")
	return nil
}

// job finds a job of a project. Callers hold t.mu.
func (t *tenant) job(projectID, jobID int64) (*project, *job, error) {
	p, err := t.project(projectID)
	if err != nil {
		return nil, nil, err
	}
	j, ok := p.jobs[jobID]
	if !ok {
		return nil, nil, notFound("Job %d not found.", jobID)
	}
	return p, j, nil
}

// nullResults is a results value that is written as null: a job has no
// results until it runs (the docs show "results": null).
func nullResults() *gen.JobResults {
	var r gen.JobResults
	_ = r.UnmarshalJSON([]byte("null"))
	return &r
}

// rawResults writes v (a map, so that null members stay null) as a job's
// results.
func rawResults(v map[string]any) *gen.JobResults {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of plain values always marshal
	}
	var r gen.JobResults
	_ = r.UnmarshalJSON(b)
	return &r
}

// uniqueDetail is the property only the details variant of each job type
// has (the spec makes it required there).
var uniqueDetail = map[gen.JobType]string{
	gen.JobTypeMassActionDelete:  "delete_active_data",
	gen.JobTypeDelimitedImport:   "input_file",
	gen.JobTypeZipFileExtraction: "zip_file_path",
	gen.JobTypeNativeImport:      "source_file_store_id",
}

// checkJobDetails checks that details are the variant typ names and that
// what they refer to exists. Callers hold t.mu.
func (p *project) checkJobDetails(typ gen.JobType, details gen.JobDetails) error {
	raw, _ := details.MarshalJSON()
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil || members == nil {
		return badRequest("The details of a job must be an object.")
	}
	if _, ok := members[uniqueDetail[typ]]; !ok {
		return badRequest("The details of a job of type %d must have %s.", typ, uniqueDetail[typ])
	}
	if inner, ok := members["type"]; ok && string(inner) != "null" && string(inner) != strconv.Itoa(int(typ)) {
		return badRequest("The details' type %s differs from the job's type %d.", inner, typ)
	}
	switch typ {
	case gen.JobTypeMassActionDelete:
		d, err := details.AsMassActionDeleteJob()
		if err != nil {
			return badRequest("Invalid mass action delete details: %v.", err)
		}
		return p.checkFields(d.HashFieldID, d.LastModifiedFieldID, d.FullPathFieldID, d.PrincipalFilePathFieldID)
	case gen.JobTypeDelimitedImport:
		d, err := details.AsDelimitedImportJob()
		if err != nil {
			return badRequest("Invalid delimited import details: %v.", err)
		}
		return p.checkDelimited(d)
	case gen.JobTypeZipFileExtraction:
		d, err := details.AsZipFileExtractionJob()
		if err != nil {
			return badRequest("Invalid zip file extraction details: %v.", err)
		}
		return p.checkZip(d)
	default:
		d, err := details.AsNativeImportInfo()
		if err != nil {
			return badRequest("Invalid native import details: %v.", err)
		}
		return p.checkNativeImport(d)
	}
}

// checkFields checks optional field references: nil or 0 means "not set".
func (p *project) checkFields(ids ...*int64) error {
	for _, id := range ids {
		if id != nil && *id != 0 && p.fields[*id] == nil {
			return badRequest("Field %d not found.", *id)
		}
	}
	return nil
}

func (p *project) checkDelimited(d gen.DelimitedImportJob) error {
	if _, err := p.jobStore(d.FileStoreID); err != nil {
		return err
	}
	if _, err := cleanStorePath(d.InputFile); err != nil {
		return err
	}
	for col, field := range d.MapFileColumnToFieldID {
		if n, err := strconv.Atoi(col); err != nil || n < 0 || strconv.Itoa(n) != col {
			return badRequest("Column %q of map_file_column_to_field_id is not a 0-based column index.", col)
		}
		if p.fields[field] == nil {
			return badRequest("Field %d (column %s) not found.", field, col)
		}
	}
	return nil
}

func (p *project) checkZip(d gen.ZipFileExtractionJob) error {
	if _, err := p.jobStore(d.FileStoreID); err != nil {
		return err
	}
	_, err := cleanStorePath(d.ZipFilePath)
	return err
}

func (p *project) checkNativeImport(d gen.NativeImportInfo) error {
	if _, err := p.jobStore(&d.SourceFileStoreID); err != nil {
		return err
	}
	if d.OutputFileStoreID != nil && *d.OutputFileStoreID != 0 {
		if _, err := p.jobStore(d.OutputFileStoreID); err != nil {
			return err
		}
	}
	if d.TemplateID != nil && *d.TemplateID != 0 && p.templates[*d.TemplateID] == nil {
		return badRequest("Native import template %d not found.", *d.TemplateID)
	}
	for _, id := range d.FolderIds {
		if p.folders[id] == nil {
			return badRequest("Folder %d not found.", id)
		}
	}
	if d.SourceSubDir != nil && *d.SourceSubDir != "" {
		if _, err := cleanStorePath(*d.SourceSubDir); err != nil {
			return err
		}
	}
	return nil
}

// jobStore finds the file store a job names; an omitted (or 0) ID means the
// project's General store.
func (p *project) jobStore(id *int64) (*fileStore, error) {
	if id == nil || *id == 0 {
		if fs := p.storeNamed("General"); fs != nil {
			return fs, nil
		}
		return nil, badRequest("The project has no General file store.")
	}
	fs, ok := p.stores[*id]
	if !ok {
		return nil, badRequest("File store %d not found.", *id)
	}
	return fs, nil
}
