package iconecttest

import (
	"context"

	"github.com/iconect-go/iconect-go/gen"
)

func (h *handlers) CreateClient(ctx context.Context, request gen.CreateClientRequestObject) (gen.CreateClientResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	b := request.Body
	c := &gen.Client{ID: t.nextID("client"), Name: b.Name, Description: ptr(b.Description), State: b.State}
	t.clients[c.ID] = c
	return gen.CreateClient201JSONResponse{ClientCreatedJSONResponse: gen.ClientCreatedJSONResponse(*c)}, nil
}

func (h *handlers) UpdateClient(ctx context.Context, request gen.UpdateClientRequestObject) (gen.UpdateClientResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	c, err := t.client(request.ClientID)
	if err != nil {
		return nil, err
	}
	b := request.Body
	c.Name, c.Description, c.State = b.Name, ptr(b.Description), b.State
	return gen.UpdateClient200JSONResponse{ClientOKJSONResponse: gen.ClientOKJSONResponse(*c)}, nil
}

func (h *handlers) ActivateClient(ctx context.Context, request gen.ActivateClientRequestObject) (gen.ActivateClientResponseObject, error) {
	c, err := h.setClientState(request.ClientID, gen.StateActive)
	if err != nil {
		return nil, err
	}
	return gen.ActivateClient200JSONResponse{ClientOKJSONResponse: c}, nil
}

func (h *handlers) DeactivateClient(ctx context.Context, request gen.DeactivateClientRequestObject) (gen.DeactivateClientResponseObject, error) {
	c, err := h.setClientState(request.ClientID, gen.StateValue2)
	if err != nil {
		return nil, err
	}
	return gen.DeactivateClient200JSONResponse{ClientOKJSONResponse: c}, nil
}

func (h *handlers) setClientState(id int64, state gen.State) (gen.ClientOKJSONResponse, error) {
	t, unlock := h.lock()
	defer unlock()
	c, err := t.client(id)
	if err != nil {
		return gen.ClientOKJSONResponse{}, err
	}
	c.State = state
	return gen.ClientOKJSONResponse(*c), nil
}

func (t *tenant) client(id int64) (*gen.Client, error) {
	c, ok := t.clients[id]
	if !ok {
		return nil, notFound("Client %d not found.", id)
	}
	return c, nil
}
