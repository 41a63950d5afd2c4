package iconect

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
)

// JobsService manages jobs: imports, zip extraction, mass deletes. A job
// is created, then started, then runs on the tenant; Wait (on a JobHandle)
// polls it to its end, and Run does all three.
type JobsService struct{ c *Client }

// JobList is a page of listJobs: the jobs, and Count, the total number of
// jobs matching the filter (a guess: the docs do not say whether it is the
// page's length).
type JobList = gen.JobList

// ListJobsOptions pages and filters List, All and Pages.
type ListJobsOptions struct {
	// StartRow is the 0-based index of the first job.
	StartRow int64
	// JobCount is the page size (the API's default when 0; All and Pages
	// use 100).
	JobCount int64
	// Types keeps only jobs of these types (all types when empty).
	Types []JobType
}

// defaultJobPage is the page size of All and Pages when none is given.
const defaultJobPage = 100

func listJobsParams(op string, projectID int64, opts *ListJobsOptions) (*gen.ListJobsParams, error) {
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	params := &gen.ListJobsParams{}
	if opts == nil {
		return params, nil
	}
	if opts.StartRow < 0 {
		return nil, invalid(op, "the start row must be 0 or more, not %d", opts.StartRow)
	}
	if opts.JobCount < 0 {
		return nil, invalid(op, "the job count must be positive, not %d", opts.JobCount)
	}
	if opts.StartRow > 0 {
		params.StartRow = Ptr(opts.StartRow)
	}
	if opts.JobCount > 0 {
		params.JobCount = Ptr(opts.JobCount)
	}
	for _, t := range opts.Types {
		if !t.Valid() {
			return nil, invalid(op, "unknown job type %d", t)
		}
		params.Types = append(params.Types, int64(t))
	}
	return params, nil
}

// List returns one page of a project's jobs, in ID order.
func (s *JobsService) List(ctx context.Context, projectID int64, opts *ListJobsOptions, co ...CallOption) (*JobList, error) {
	const op = gen.OpListJobs
	params, err := listJobsParams(op, projectID, opts)
	if err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.ListJobsResponse, error) {
		return s.c.api.ListJobsWithResponse(ctx, projectID, params)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// Pages returns a pager over a project's jobs from opts.StartRow, opts
// never being changed. Its Position is the start row of the next page.
// The walk ends on an empty or short page, or once Count jobs are behind.
func (s *JobsService) Pages(projectID int64, opts *ListJobsOptions, co ...CallOption) (*Pager[Job], error) {
	o := ListJobsOptions{JobCount: defaultJobPage}
	if opts != nil {
		o = *opts
		o.Types = append([]JobType(nil), opts.Types...)
		if o.JobCount == 0 {
			o.JobCount = defaultJobPage
		}
	}
	if _, err := listJobsParams(gen.OpListJobs, projectID, &o); err != nil {
		return nil, err
	}
	return newPager(int(o.StartRow), func(ctx context.Context, pos int) ([]Job, int, bool, error) {
		page := o
		page.StartRow = int64(pos)
		l, err := s.List(ctx, projectID, &page, co...)
		if err != nil {
			return nil, pos, false, err
		}
		next := pos + len(l.Jobs)
		more := len(l.Jobs) > 0 && int64(len(l.Jobs)) >= o.JobCount && int64(next) < l.Count
		return l.Jobs, next, more, nil
	}), nil
}

// All yields every job of a project from opts.StartRow on (see Pages).
func (s *JobsService) All(ctx context.Context, projectID int64, opts *ListJobsOptions, co ...CallOption) iter.Seq2[Job, error] {
	return items(ctx, func() (*Pager[Job], error) { return s.Pages(projectID, opts, co...) })
}

// Create makes a job (not started: see Start, or Run). Build req with
// NewDelimitedImportJob, NewZipFileExtractionJob, NewMassActionDeleteJob
// or NewNativeImportJob. The API checks that the file store, fields and
// template the details name exist; a missing input file only fails the
// job once it runs.
func (s *JobsService) Create(ctx context.Context, projectID int64, req JobRequest, co ...CallOption) (*Job, error) {
	const op = gen.OpCreateJob
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	if err := checkJobRequest(op, req); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.CreateJobResponse, error) {
		return s.c.api.CreateJobWithResponse(ctx, projectID, req)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON201, res.JSON200)
}

// Get returns a job: its status, status message and, once it has run, its
// results (see DelimitedImportResultsOf and the like).
func (s *JobsService) Get(ctx context.Context, projectID, jobID int64, co ...CallOption) (*Job, error) {
	const op = gen.OpGetJob
	id, err := jobIDs(op, projectID, jobID)
	if err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.GetJobResponse, error) {
		return s.c.api.GetJobWithResponse(ctx, projectID, id)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// Update renames a job and replaces its description; nothing else of a job
// can change. The API wants the job's type and details repeated, so Update
// reads the job first (getJob, then updateJob: two requests).
func (s *JobsService) Update(ctx context.Context, projectID, jobID int64, name, description string, co ...CallOption) (*Job, error) {
	const op = gen.OpUpdateJob
	id, err := jobIDs(op, projectID, jobID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) == "" {
		return nil, invalid(op, "a job needs a name")
	}
	job, err := s.Get(ctx, projectID, jobID, co...)
	if err != nil {
		return nil, err
	}
	req := JobRequest{Name: &name, Description: &description, Type: job.Type, Details: job.Details}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.UpdateJobResponse, error) {
		return s.c.api.UpdateJobWithResponse(ctx, projectID, id, req)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// StartOptions configures Start.
type StartOptions struct {
	// ViewID is the view whose records a mass action delete job deletes
	// (required for those; other job types ignore it).
	ViewID int64
	// UsePOST sends startJobPost (POST) instead of startJob (PUT): the API
	// has both, for clients that cannot send a PUT.
	UsePOST bool
}

// Start starts a job that is not running; a finished, failed or stopped
// job runs again from the beginning (the fake tenant's reading). It
// returns once the job is started: follow it with Handle(...).Wait.
// Start is never retried after the request may have reached the server.
func (s *JobsService) Start(ctx context.Context, projectID, jobID int64, opts *StartOptions, co ...CallOption) error {
	o := StartOptions{}
	if opts != nil {
		o = *opts
	}
	op := gen.OpStartJob
	if o.UsePOST {
		op = gen.OpStartJobPost
	}
	id, err := jobIDs(op, projectID, jobID)
	if err != nil {
		return err
	}
	body := gen.StartJobRequest{}
	if o.ViewID != 0 {
		if err := positive(op, "view ID", o.ViewID); err != nil {
			return err
		}
		body.ViewID = Ptr(o.ViewID)
	}
	if o.UsePOST {
		_, err = do(s.c, ctx, op, co, func(ctx context.Context) (*gen.StartJobPostResponse, error) {
			return s.c.api.StartJobPostWithResponse(ctx, projectID, id, body)
		})
	} else {
		_, err = do(s.c, ctx, op, co, func(ctx context.Context) (*gen.StartJobResponse, error) {
			return s.c.api.StartJobWithResponse(ctx, projectID, id, body)
		})
	}
	return err
}

// StopOptions configures Stop.
type StopOptions struct {
	// UsePOST sends stopJobPost (POST) instead of stopJob (PUT).
	UsePOST bool
}

// Stop stops a running job (a job not running is a 400). The work done so
// far stays done: records imported before the stop remain.
func (s *JobsService) Stop(ctx context.Context, projectID, jobID int64, opts *StopOptions, co ...CallOption) error {
	usePOST := opts != nil && opts.UsePOST
	op := gen.OpStopJob
	if usePOST {
		op = gen.OpStopJobPost
	}
	id, err := jobIDs(op, projectID, jobID)
	if err != nil {
		return err
	}
	if usePOST {
		_, err = do(s.c, ctx, op, co, func(ctx context.Context) (*gen.StopJobPostResponse, error) {
			return s.c.api.StopJobPostWithResponse(ctx, projectID, id)
		})
	} else {
		_, err = do(s.c, ctx, op, co, func(ctx context.Context) (*gen.StopJobResponse, error) {
			return s.c.api.StopJobWithResponse(ctx, projectID, id)
		})
	}
	return err
}

// jobIDs checks a project ID and a job ID (an int32 in the API).
func jobIDs(op string, projectID, jobID int64) (gen.JobID, error) {
	if err := positive(op, "project ID", projectID); err != nil {
		return 0, err
	}
	return positive32(op, "job ID", jobID)
}

// checkJobRequest checks what the API would refuse: no name, no type, no
// details.
func checkJobRequest(op string, req JobRequest) error {
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		return invalid(op, "a job needs a name")
	}
	if req.Type <= 0 {
		return invalid(op, "a job needs a type (JobTypeDelimitedImport, ...), not %d", req.Type)
	}
	raw, err := req.Details.MarshalJSON()
	if err != nil || len(raw) == 0 || string(raw) == "null" {
		return invalid(op, "a job needs details; build the request with NewDelimitedImportJob and the like")
	}
	return nil
}

// NewDelimitedImportJob is the request for a job importing records from a
// delimited file in a file store. d.InputFile (the path in the store) is
// required; MapFileColumnToFieldID maps 0-based column indexes ("0", "1",
// ...) to field IDs. An omitted FileStoreID means the General store.
func NewDelimitedImportJob(name string, d DelimitedImportJob) (JobRequest, error) {
	if strings.TrimSpace(d.InputFile) == "" {
		return JobRequest{}, invalid(gen.OpCreateJob, "a delimited import job needs an input file")
	}
	return newJobRequest(name, JobTypeDelimitedImport, d.Type, func(jd *JobDetails) error { return jd.FromDelimitedImportJob(d) })
}

// NewZipFileExtractionJob is the request for a job unpacking a zip archive
// of a file store (d.ZipFilePath, required) next to it.
func NewZipFileExtractionJob(name string, d ZipFileExtractionJob) (JobRequest, error) {
	if strings.TrimSpace(d.ZipFilePath) == "" {
		return JobRequest{}, invalid(gen.OpCreateJob, "a zip file extraction job needs the archive's path")
	}
	return newJobRequest(name, JobTypeZipFileExtraction, d.Type, func(jd *JobDetails) error { return jd.FromZipFileExtractionJob(d) })
}

// NewMassActionDeleteJob is the request for a job deleting the records of
// the view given when it starts (StartOptions.ViewID). The details carry
// their type, as the docs' example does.
func NewMassActionDeleteJob(name string, d MassActionDeleteJob) (JobRequest, error) {
	if d.Type == nil {
		d.Type = Ptr(JobTypeMassActionDelete)
	}
	return newJobRequest(name, JobTypeMassActionDelete, d.Type, func(jd *JobDetails) error { return jd.FromMassActionDeleteJob(d) })
}

// NewNativeImportJob is the request for a job importing native files from
// a file store (d.SourceFileStoreID, required), usually with a template
// (d.TemplateID, see TemplatesService.ListNativeImport).
func NewNativeImportJob(name string, d NativeImportInfo) (JobRequest, error) {
	if d.SourceFileStoreID <= 0 {
		return JobRequest{}, invalid(gen.OpCreateJob, "a native import job needs its source file store's ID")
	}
	return newJobRequest(name, JobTypeNativeImport, d.Type, func(jd *JobDetails) error { return jd.FromNativeImportInfo(d) })
}

func newJobRequest(name string, typ JobType, inner *JobType, from func(*JobDetails) error) (JobRequest, error) {
	const op = gen.OpCreateJob
	if strings.TrimSpace(name) == "" {
		return JobRequest{}, invalid(op, "a job needs a name")
	}
	if inner != nil && *inner != typ {
		return JobRequest{}, invalid(op, "the details' type %d differs from the job's type %d", *inner, typ)
	}
	req := JobRequest{Name: &name, Type: typ}
	if err := from(&req.Details); err != nil {
		return JobRequest{}, fmt.Errorf("iconect: %s: encoding the details: %w", op, err)
	}
	return req, nil
}

// JobDetailsOf returns a job's details as the variant its type names: a
// DelimitedImportJob, ZipFileExtractionJob, MassActionDeleteJob or
// NativeImportInfo (a value, not a pointer). A type this SDK does not know
// is an error.
func JobDetailsOf(job Job) (any, error) {
	var (
		v   any
		err error
	)
	switch job.Type {
	case JobTypeDelimitedImport:
		v, err = job.Details.AsDelimitedImportJob()
	case JobTypeZipFileExtraction:
		v, err = job.Details.AsZipFileExtractionJob()
	case JobTypeMassActionDelete:
		v, err = job.Details.AsMassActionDeleteJob()
	case JobTypeNativeImport:
		v, err = job.Details.AsNativeImportInfo()
	default:
		return nil, fmt.Errorf("iconect: job %d has type %v, which this SDK does not know", job.ID, job.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("iconect: job %d: reading its %v details: %w", job.ID, job.Type, err)
	}
	return v, nil
}

// JobResultsOf returns a job's results as the variant its type names: a
// *DelimitedImportJobResults, *ZipFileExtractionJobResults or
// *NativeImportResults; nil (and no error) before the job has run and for
// mass action delete jobs, which have none.
func JobResultsOf(job Job) (any, error) {
	switch job.Type {
	case JobTypeDelimitedImport:
		return DelimitedImportResultsOf(job)
	case JobTypeZipFileExtraction:
		return ZipFileExtractionResultsOf(job)
	case JobTypeNativeImport:
		return NativeImportResultsOf(job)
	case JobTypeMassActionDelete:
		return nil, nil
	}
	return nil, fmt.Errorf("iconect: job %d has type %v, which this SDK does not know", job.ID, job.Type)
}

// DelimitedImportResultsOf returns the results of a delimited import job,
// nil before it has run.
func DelimitedImportResultsOf(job Job) (*DelimitedImportJobResults, error) {
	return resultsOf[DelimitedImportJobResults](job, JobTypeDelimitedImport)
}

// ZipFileExtractionResultsOf returns the results of a zip file extraction
// job, nil before it has run.
func ZipFileExtractionResultsOf(job Job) (*ZipFileExtractionJobResults, error) {
	return resultsOf[ZipFileExtractionJobResults](job, JobTypeZipFileExtraction)
}

// NativeImportResultsOf returns the results of a native import job, nil
// before it has run.
func NativeImportResultsOf(job Job) (*NativeImportResults, error) {
	return resultsOf[NativeImportResults](job, JobTypeNativeImport)
}

func resultsOf[T any](job Job, typ JobType) (*T, error) {
	if job.Type != typ {
		return nil, fmt.Errorf("iconect: job %d is of type %v, not %v", job.ID, job.Type, typ)
	}
	if job.Results == nil {
		return nil, nil
	}
	raw, err := job.Results.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("iconect: job %d: reading its results: %w", job.ID, err)
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("iconect: job %d: reading its %v results: %w", job.ID, typ, err)
	}
	return &v, nil
}
