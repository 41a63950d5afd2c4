package iconect

import (
	"context"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
)

// BatchSetsService manages batch sets, the groups that batches of a
// project belong to.
type BatchSetsService struct{ c *Client }

// List returns the batch sets of a project.
func (s *BatchSetsService) List(ctx context.Context, projectID int64, co ...CallOption) ([]BatchSet, error) {
	const op = gen.OpListBatchSets
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.ListBatchSetsResponse, error) {
		return s.c.api.ListBatchSetsWithResponse(ctx, projectID)
	})
	if err != nil {
		return nil, err
	}
	return deref(res.JSON200), nil
}

// Get returns one batch set.
func (s *BatchSetsService) Get(ctx context.Context, projectID, setID int64, co ...CallOption) (*BatchSet, error) {
	const op = gen.OpGetBatchSet
	if err := batchSetIDs(op, projectID, setID); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.GetBatchSetResponse, error) {
		return s.c.api.GetBatchSetWithResponse(ctx, projectID, setID)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// Create makes a batch set; req.Name is required. The API keeps no trace
// of req.Data in the answer.
func (s *BatchSetsService) Create(ctx context.Context, projectID int64, req BatchSetRequest, co ...CallOption) (*BatchSet, error) {
	const op = gen.OpCreateBatchSet
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	if err := checkBatchSetRequest(op, req); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.CreateBatchSetResponse, error) {
		return s.c.api.CreateBatchSetWithResponse(ctx, projectID, req)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON201, res.JSON200)
}

// Update replaces a batch set's name (required) and description: it is a
// PUT, so a nil Description clears the description.
func (s *BatchSetsService) Update(ctx context.Context, projectID, setID int64, req BatchSetRequest, co ...CallOption) (*BatchSet, error) {
	const op = gen.OpUpdateBatchSet
	if err := batchSetIDs(op, projectID, setID); err != nil {
		return nil, err
	}
	if err := checkBatchSetRequest(op, req); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.UpdateBatchSetResponse, error) {
		return s.c.api.UpdateBatchSetWithResponse(ctx, projectID, setID, req)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// Delete deletes a batch set. Whether iCONECT deletes the batches in it
// too is undocumented (the fake tenant does).
func (s *BatchSetsService) Delete(ctx context.Context, projectID, setID int64, co ...CallOption) error {
	const op = gen.OpDeleteBatchSet
	if err := batchSetIDs(op, projectID, setID); err != nil {
		return err
	}
	_, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.DeleteBatchSetResponse, error) {
		return s.c.api.DeleteBatchSetWithResponse(ctx, projectID, setID)
	})
	return err
}

func batchSetIDs(op string, projectID, setID int64) error {
	if err := positive(op, "project ID", projectID); err != nil {
		return err
	}
	return positive(op, "batch set ID", setID)
}

func checkBatchSetRequest(op string, req BatchSetRequest) error {
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		return invalid(op, "a batch set needs a name")
	}
	return nil
}
