package iconect

import (
	"context"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
)

// ClientsService manages clients (the owners projects belong to).
type ClientsService struct{ c *Client }

// Create makes a client. Name and description must not be empty.
func (s *ClientsService) Create(ctx context.Context, req ClientRequest, opts ...CallOption) (*ClientInfo, error) {
	const op = gen.OpCreateClient
	if err := checkClientRequest(op, req); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, opts, func(ctx context.Context) (*gen.CreateClientResponse, error) {
		return s.c.api.CreateClientWithResponse(ctx, req)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200, res.JSON201)
}

// Update replaces a client's name, description and state.
func (s *ClientsService) Update(ctx context.Context, clientID int64, req ClientRequest, opts ...CallOption) (*ClientInfo, error) {
	const op = gen.OpUpdateClient
	if err := positive(op, "client ID", clientID); err != nil {
		return nil, err
	}
	if err := checkClientRequest(op, req); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, opts, func(ctx context.Context) (*gen.UpdateClientResponse, error) {
		return s.c.api.UpdateClientWithResponse(ctx, clientID, req)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// Activate sets a client's state to Active. It returns the client, or nil
// if the tenant answers 204 without a body.
func (s *ClientsService) Activate(ctx context.Context, clientID int64, opts ...CallOption) (*ClientInfo, error) {
	const op = gen.OpActivateClient
	if err := positive(op, "client ID", clientID); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, opts, func(ctx context.Context) (*gen.ActivateClientResponse, error) {
		return s.c.api.ActivateClientWithResponse(ctx, clientID)
	})
	if err != nil {
		return nil, err
	}
	return res.JSON200, nil
}

// Deactivate sets a client's state to inactive (2). It returns the client,
// or nil if the tenant answers 204 without a body.
func (s *ClientsService) Deactivate(ctx context.Context, clientID int64, opts ...CallOption) (*ClientInfo, error) {
	const op = gen.OpDeactivateClient
	if err := positive(op, "client ID", clientID); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, opts, func(ctx context.Context) (*gen.DeactivateClientResponse, error) {
		return s.c.api.DeactivateClientWithResponse(ctx, clientID)
	})
	if err != nil {
		return nil, err
	}
	return res.JSON200, nil
}

func checkClientRequest(op string, req ClientRequest) error {
	if strings.TrimSpace(req.Name) == "" || strings.TrimSpace(req.Description) == "" {
		return invalid(op, "a client needs a name and a description")
	}
	if !req.State.Valid() {
		return invalid(op, "unknown state %d", req.State)
	}
	return nil
}

// positive checks an ID: the API's IDs are all positive.
func positive(op, what string, id int64) error {
	if id <= 0 {
		return invalid(op, "the %s must be positive, not %d", what, id)
	}
	return nil
}
