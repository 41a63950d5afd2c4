package iconect

import (
	"context"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
)

// ProjectsService manages projects (review databases) and templates.
type ProjectsService struct{ c *Client }

// ListProjectsOptions filters List.
type ListProjectsOptions struct {
	// Type picks projects (DatabaseFilterValue0, the default), templates
	// (Value1) or both (Value2).
	Type DatabaseFilter
}

// List returns the projects (or templates) of the tenant.
func (s *ProjectsService) List(ctx context.Context, opts *ListProjectsOptions, co ...CallOption) ([]Project, error) {
	const op = gen.OpListProjects
	params := &gen.ListProjectsParams{}
	if opts != nil {
		if !opts.Type.Valid() {
			return nil, invalid(op, "unknown project type filter %d", opts.Type)
		}
		params.Type = &opts.Type
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.ListProjectsResponse, error) {
		return s.c.api.ListProjectsWithResponse(ctx, params)
	})
	if err != nil {
		return nil, err
	}
	return deref(res.JSON200), nil
}

// Create makes a project in a client on a data server, from a template
// when ProjectTemplateID is set.
func (s *ProjectsService) Create(ctx context.Context, req CreateProjectRequest, co ...CallOption) (*Project, error) {
	const op = gen.OpCreateProject
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		return nil, invalid(op, "a project needs a name")
	}
	if err := positive(op, "client ID", req.ClientID); err != nil {
		return nil, err
	}
	if err := positive(op, "data server ID", req.DataserversID); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.CreateProjectResponse, error) {
		return s.c.api.CreateProjectWithResponse(ctx, req)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200, res.JSON201)
}

// Update changes a project's name and description (both required).
func (s *ProjectsService) Update(ctx context.Context, projectID int64, name, description string, co ...CallOption) (*Project, error) {
	const op = gen.OpUpdateProject
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) == "" || strings.TrimSpace(description) == "" {
		return nil, invalid(op, "a project needs a name and a description")
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.UpdateProjectResponse, error) {
		return s.c.api.UpdateProjectWithResponse(ctx, projectID, UpdateProjectRequest{Name: name, Description: description})
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// Settings returns the project's field associations: which field plays
// which role (NATIVEFIELD, DOCUMENTID, ...), 0 when none does.
func (s *ProjectsService) Settings(ctx context.Context, projectID int64, co ...CallOption) (*ProjectSettings, error) {
	const op = gen.OpGetProjectSettings
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.GetProjectSettingsResponse, error) {
		return s.c.api.GetProjectSettingsWithResponse(ctx, projectID)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// Activate sets a project's state to Active (nil project on a 204).
func (s *ProjectsService) Activate(ctx context.Context, projectID int64, co ...CallOption) (*Project, error) {
	const op = gen.OpActivateProject
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.ActivateProjectResponse, error) {
		return s.c.api.ActivateProjectWithResponse(ctx, projectID)
	})
	if err != nil {
		return nil, err
	}
	return res.JSON200, nil
}

// Deactivate sets a project's state to inactive (nil project on a 204).
func (s *ProjectsService) Deactivate(ctx context.Context, projectID int64, co ...CallOption) (*Project, error) {
	const op = gen.OpDeactivateProject
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.DeactivateProjectResponse, error) {
		return s.c.api.DeactivateProjectWithResponse(ctx, projectID)
	})
	if err != nil {
		return nil, err
	}
	return res.JSON200, nil
}

// deref returns *p, or the zero value for nil (an empty list).
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
