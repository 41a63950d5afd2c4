package iconecttest

import (
	"context"

	"github.com/iconect-go/iconect-go/gen"
)

func (h *handlers) ListJobs(ctx context.Context, request gen.ListJobsRequestObject) (gen.ListJobsResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) CreateJob(ctx context.Context, request gen.CreateJobRequestObject) (gen.CreateJobResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) GetJob(ctx context.Context, request gen.GetJobRequestObject) (gen.GetJobResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) UpdateJob(ctx context.Context, request gen.UpdateJobRequestObject) (gen.UpdateJobResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) StartJobPost(ctx context.Context, request gen.StartJobPostRequestObject) (gen.StartJobPostResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) StartJob(ctx context.Context, request gen.StartJobRequestObject) (gen.StartJobResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) StopJobPost(ctx context.Context, request gen.StopJobPostRequestObject) (gen.StopJobPostResponseObject, error) {
	return nil, errNotImplemented
}

func (h *handlers) StopJob(ctx context.Context, request gen.StopJobRequestObject) (gen.StopJobResponseObject, error) {
	return nil, errNotImplemented
}
