package iconect

import (
	"context"
	"strings"
	"time"

	"github.com/iconect-go/iconect-go/gen"
)

// ViewsService makes views: fixed selections of records that other
// operations (listRecords, batches, mass action delete jobs) take by ID.
type ViewsService struct{ c *Client }

// ViewOfRecords is a CreateViewRequest selecting these records. Set
// InvertSelection or ExpiryDate on the result as needed.
func ViewOfRecords(ids ...int64) CreateViewRequest {
	return CreateViewRequest{SelectedIds: ids}
}

// ViewOfSearch is a CreateViewRequest selecting the records a search
// query returns (its syntax is the tenant's, undocumented).
func ViewOfSearch(query string) CreateViewRequest {
	return CreateViewRequest{SearchQuery: &query}
}

// Create makes a view of a project and returns its ID. req selects records
// by exactly one of SelectedIds and SearchQuery (an empty one counts as
// absent); ExpiryDate, if set, must be in the future. The API decides
// which records the view holds when it is made (in the fake tenant,
// records created later never join it).
func (s *ViewsService) Create(ctx context.Context, projectID int64, req CreateViewRequest, co ...CallOption) (int64, error) {
	const op = gen.OpCreateView
	if err := positive(op, "project ID", projectID); err != nil {
		return 0, err
	}
	if req.SearchQuery != nil && strings.TrimSpace(*req.SearchQuery) == "" {
		req.SearchQuery = nil // never sent as "": the API would see both, or an empty query
	}
	switch hasIDs, hasQuery := len(req.SelectedIds) > 0, req.SearchQuery != nil; {
	case hasIDs && hasQuery:
		return 0, invalid(op, "selected IDs and a search query are mutually exclusive")
	case !hasIDs && !hasQuery:
		return 0, invalid(op, "a view needs selected IDs or a search query")
	}
	for _, id := range req.SelectedIds {
		if err := positive(op, "record ID", id); err != nil {
			return 0, err
		}
	}
	if req.ExpiryDate != nil && !req.ExpiryDate.After(time.Now()) {
		return 0, invalid(op, "the expiry date %s is not in the future", req.ExpiryDate.Format(time.RFC3339))
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.CreateViewResponse, error) {
		return s.c.api.CreateViewWithResponse(ctx, projectID, req)
	})
	if err != nil {
		return 0, err
	}
	v, err := one(op, res.JSON201, res.JSON200)
	if err != nil {
		return 0, err
	}
	return v.ViewID, nil
}
