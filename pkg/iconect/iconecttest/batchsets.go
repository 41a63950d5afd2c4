package iconecttest

import (
	"context"

	"github.com/iconect-go/iconect-go/gen"
)

// Batch sets group batches. data_store_id is always 0 and is_valid always
// true, as in every docs example; the request's `data` has no place in the
// answer and is ignored.

func (h *handlers) ListBatchSets(ctx context.Context, request gen.ListBatchSetsRequestObject) (gen.ListBatchSetsResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	out := gen.ListBatchSets200JSONResponse{}
	for _, id := range sortedKeys(p.batchSets) {
		out = append(out, *p.batchSets[id])
	}
	return out, nil
}

func (h *handlers) GetBatchSet(ctx context.Context, request gen.GetBatchSetRequestObject) (gen.GetBatchSetResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	bs, err := p.batchSet(request.SetID)
	if err != nil {
		return nil, err
	}
	return gen.GetBatchSet200JSONResponse(*bs), nil
}

func (h *handlers) CreateBatchSet(ctx context.Context, request gen.CreateBatchSetRequestObject) (gen.CreateBatchSetResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	name, desc := batchSetBody(request.Body)
	bs := &gen.BatchSet{ID: t.nextID("batchset"), Name: name, Description: desc, DataStoreID: 0, IsValid: true}
	p.batchSets[bs.ID] = bs
	return gen.CreateBatchSet201JSONResponse{BatchSetCreatedJSONResponse: gen.BatchSetCreatedJSONResponse(*bs)}, nil
}

// UpdateBatchSet replaces the name and the description (an omitted
// description becomes null), as a PUT does.
func (h *handlers) UpdateBatchSet(ctx context.Context, request gen.UpdateBatchSetRequestObject) (gen.UpdateBatchSetResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	bs, err := p.batchSet(request.SetID)
	if err != nil {
		return nil, err
	}
	name, desc := batchSetBody(request.Body)
	bs.Name, bs.Description = name, desc
	return gen.UpdateBatchSet200JSONResponse(*bs), nil
}

// DeleteBatchSet deletes the set and the batches in it: a batch's set is
// part of what it is, and a batch pointing at a missing set would show up
// in no batch_set_id filter.
func (h *handlers) DeleteBatchSet(ctx context.Context, request gen.DeleteBatchSetRequestObject) (gen.DeleteBatchSetResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	if _, err := p.batchSet(request.SetID); err != nil {
		return nil, err
	}
	delete(p.batchSets, request.SetID)
	for id, b := range p.batches {
		if b.BatchSetID != nil && *b.BatchSetID == request.SetID {
			delete(p.batches, id)
		}
	}
	return gen.DeleteBatchSet204Response{}, nil
}

// batchSet finds a batch set named in the URL (404 when missing).
func (p *project) batchSet(id int64) (*gen.BatchSet, error) {
	bs, ok := p.batchSets[id]
	if !ok {
		return nil, notFound("Batch set %d not found.", id)
	}
	return bs, nil
}

// batchSetBody reads a create or update body. The spec requires name (the
// validator refuses a body without it) but, as the docs' table, lets it be
// null or empty: a null name is stored as an empty one, on update too, since
// the update replaces the set's name and description as a PUT does.
func batchSetBody(b *gen.BatchSetRequest) (name, desc *string) {
	if b == nil {
		return ptr(""), nil
	}
	name = ptr(deref(b.Name))
	if b.Description != nil {
		desc = ptr(*b.Description)
	}
	return name, desc
}
