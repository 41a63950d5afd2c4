package iconect

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
)

// FieldsService manages the fields (columns) of a project.
type FieldsService struct{ c *Client }

// List returns every field of a project.
func (s *FieldsService) List(ctx context.Context, projectID int64, co ...CallOption) ([]Field, error) {
	const op = gen.OpListFields
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.ListFieldsResponse, error) {
		return s.c.api.ListFieldsWithResponse(ctx, projectID)
	})
	if err != nil {
		return nil, err
	}
	return deref(res.JSON200), nil
}

// Create adds fields to a project in one request and returns the fields
// created. Each needs a name; the API decides whether a name already used
// (the fake tenant: in any case) refuses the whole request.
func (s *FieldsService) Create(ctx context.Context, projectID int64, fields []FieldRequest, co ...CallOption) ([]Field, error) {
	const op = gen.OpCreateFields
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, invalid(op, "no fields to create")
	}
	for i, f := range fields {
		if f.Name == nil || strings.TrimSpace(*f.Name) == "" {
			return nil, invalid(op, "field %d of %d has no name", i+1, len(fields))
		}
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.CreateFieldsResponse, error) {
		return s.c.api.CreateFieldsWithResponse(ctx, projectID, fields)
	})
	if err != nil {
		return nil, err
	}
	created, err := one(op, res.JSON201, res.JSON200)
	if err != nil {
		return nil, err
	}
	return *created, nil
}

// Get returns one field of a project.
func (s *FieldsService) Get(ctx context.Context, projectID, fieldID int64, co ...CallOption) (*Field, error) {
	const op = gen.OpGetField
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	if err := positive(op, "field ID", fieldID); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.GetFieldResponse, error) {
		return s.c.api.GetFieldWithResponse(ctx, projectID, fieldID)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// Update changes the properties req sets (nil ones are left as they are)
// and returns the field. The API takes the field ID as a 32-bit integer
// here: a larger ID is refused before sending.
func (s *FieldsService) Update(ctx context.Context, projectID, fieldID int64, req FieldRequest, co ...CallOption) (*Field, error) {
	const op = gen.OpUpdateField
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	id, err := positive32(op, "field ID", fieldID)
	if err != nil {
		return nil, err
	}
	if req.Name != nil && strings.TrimSpace(*req.Name) == "" {
		return nil, invalid(op, "a field's name cannot be empty")
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.UpdateFieldResponse, error) {
		return s.c.api.UpdateFieldWithResponse(ctx, projectID, id, req)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// FieldIDs maps the names of a project's fields to their IDs, for
// requests that name fields by ID (record data, imports, panels).
//
// The keys are the names exactly as the API spells them: look a name up
// with the same case, or fold case yourself (strings.EqualFold) when your
// input's case may differ. Fields without a name are left out. Two fields
// with the same name make the mapping ambiguous and return an error.
func (s *FieldsService) FieldIDs(ctx context.Context, projectID int64, co ...CallOption) (map[string]int64, error) {
	fields, err := s.List(ctx, projectID, co...)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]int64, len(fields))
	for _, f := range fields {
		if f.Name == nil {
			continue
		}
		if other, ok := ids[*f.Name]; ok {
			return nil, fmt.Errorf("iconect: listFields: project %d has two fields named %q (IDs %d and %d)", projectID, *f.Name, other, f.ID)
		}
		ids[*f.Name] = f.ID
	}
	return ids, nil
}

// positive32 checks an ID the API takes as a 32-bit integer: positive and
// at most math.MaxInt32.
func positive32(op, what string, id int64) (int32, error) {
	if err := positive(op, what, id); err != nil {
		return 0, err
	}
	if id > math.MaxInt32 {
		return 0, invalid(op, "the %s %d is beyond what this operation takes (a 32-bit integer)", what, id)
	}
	return int32(id), nil
}
