package iconect

import (
	"context"
	"strconv"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
)

// PanelsService manages the panels of a project (the trees of folders
// reviewers see).
type PanelsService struct{ c *Client }

// ListPanelsOptions filters List.
type ListPanelsOptions struct {
	// Type, when set, returns only the panels of this type. The API takes
	// it as a string whose values are undocumented; the SDK sends the
	// number (PanelTypeValue1 as "1").
	Type *PanelType
}

// List returns the panels of a project.
func (s *PanelsService) List(ctx context.Context, projectID int64, opts *ListPanelsOptions, co ...CallOption) ([]Panel, error) {
	const op = gen.OpListPanels
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	params := &gen.ListPanelsParams{}
	if opts != nil && opts.Type != nil {
		// Not checked with Valid: the declared types are only the docs'
		// examples, and a tenant may have more.
		if *opts.Type < 0 {
			return nil, invalid(op, "unknown panel type %d", *opts.Type)
		}
		params.Type = Ptr(strconv.FormatInt(int64(*opts.Type), 10))
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.ListPanelsResponse, error) {
		return s.c.api.ListPanelsWithResponse(ctx, projectID, params)
	})
	if err != nil {
		return nil, err
	}
	return deref(res.JSON200), nil
}

// Create makes a panel. It needs a name; a custom related panel
// (PanelTypeValue1) also names the fields it matches on, which the API
// checks.
func (s *PanelsService) Create(ctx context.Context, projectID int64, req CreatePanelRequest, co ...CallOption) (*Panel, error) {
	const op = gen.OpCreatePanel
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		return nil, invalid(op, "a panel needs a name")
	}
	if req.Type != nil && *req.Type < 0 {
		return nil, invalid(op, "unknown panel type %d", *req.Type)
	}
	if err := checkRelated(op, req.CustomRelatedSettings); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.CreatePanelResponse, error) {
		return s.c.api.CreatePanelWithResponse(ctx, projectID, req)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON201, res.JSON200)
}

// Get returns one panel. The API takes the panel ID as a 32-bit integer
// here: a larger ID is refused before sending.
func (s *PanelsService) Get(ctx context.Context, projectID, panelID int64, co ...CallOption) (*Panel, error) {
	const op = gen.OpGetPanel
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	id, err := positive32(op, "panel ID", panelID)
	if err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.GetPanelResponse, error) {
		return s.c.api.GetPanelWithResponse(ctx, projectID, id)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// Update changes a panel's name, location or related settings (those req
// sets; a panel's type cannot change). The panel ID is a 32-bit integer
// here, as in Get.
func (s *PanelsService) Update(ctx context.Context, projectID, panelID int64, req UpdatePanelRequest, co ...CallOption) (*Panel, error) {
	const op = gen.OpUpdatePanel
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	id, err := positive32(op, "panel ID", panelID)
	if err != nil {
		return nil, err
	}
	if req.Name != nil && strings.TrimSpace(*req.Name) == "" {
		return nil, invalid(op, "a panel's name cannot be empty")
	}
	if err := checkRelated(op, req.CustomRelatedSettings); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.UpdatePanelResponse, error) {
		return s.c.api.UpdatePanelWithResponse(ctx, projectID, id, req)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// checkRelated checks the field IDs of a custom related panel's settings.
func checkRelated(op string, crs *CustomRelatedSettings) error {
	if crs == nil {
		return nil
	}
	for _, id := range crs.MatchingFieldIds {
		if err := positive(op, "matching field ID", id); err != nil {
			return err
		}
	}
	for _, id := range crs.DisplayFieldIds {
		if err := positive(op, "display field ID", id); err != nil {
			return err
		}
	}
	return nil
}
