package iconecttest

import (
	"context"
	"strconv"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
)

// ListPanels filters by type when the type parameter is set: the docs type
// it as a string and do not list its values, so the fake takes the panel
// type's number ("0", "1"). Any other value is accepted, as the spec has it,
// and matches no panel: an empty list, as a filter naming no type would
// give (answering every panel would pass off an unknown filter as applied).
func (h *handlers) ListPanels(ctx context.Context, request gen.ListPanelsRequestObject) (gen.ListPanelsResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	all, filter := true, int64(-1) // filter -1 (no panel type) matches nothing
	if s := request.Params.Type; s != nil && strings.TrimSpace(*s) != "" {
		all = false
		if n, err := strconv.ParseInt(strings.TrimSpace(*s), 10, 32); err == nil && gen.PanelType(n).Valid() {
			filter = n
		}
	}
	out := gen.ListPanels200JSONResponse{}
	for _, id := range sortedKeys(p.panels) {
		if pn := p.panels[id]; all || int64(pn.Type) == filter {
			out = append(out, *pn)
		}
	}
	return out, nil
}

// CreatePanel: a custom related panel (type 1) needs the fields it matches
// on, and every field it names must exist. The name may be missing, null or
// empty (the docs type it "string or null"): the panel is stored with an
// empty name.
func (h *handlers) CreatePanel(ctx context.Context, request gen.CreatePanelRequestObject) (gen.CreatePanelResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	b := request.Body
	pn := gen.Panel{Name: ptr(deref(b.Name)), Location: 2, CustomRelatedSettings: gen.CustomRelatedSettings{MatchingFieldIds: []int64{}, DisplayFieldIds: []int64{}}}
	if b.Type != nil {
		pn.Type = *b.Type
	}
	if b.Location != nil {
		pn.Location = *b.Location
	}
	if err := p.setRelated(&pn, b.CustomRelatedSettings); err != nil {
		return nil, err
	}
	pn.ID = t.nextID("panel")
	p.panels[pn.ID] = &pn
	return gen.CreatePanel201JSONResponse{PanelCreatedJSONResponse: gen.PanelCreatedJSONResponse(pn)}, nil
}

func (h *handlers) GetPanel(ctx context.Context, request gen.GetPanelRequestObject) (gen.GetPanelResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	pn, err := t.panel(request.ProjectID, int64(request.PanelID))
	if err != nil {
		return nil, err
	}
	return gen.GetPanel200JSONResponse(*pn), nil
}

// UpdatePanel changes name, location and related settings; a panel's type
// cannot change (the update body has none). A missing or null name keeps
// the panel's; an empty one is stored, as on create.
func (h *handlers) UpdatePanel(ctx context.Context, request gen.UpdatePanelRequestObject) (gen.UpdatePanelResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	pn, err := t.panel(request.ProjectID, int64(request.PanelID))
	if err != nil {
		return nil, err
	}
	b := request.Body
	next := *pn
	if b.Name != nil {
		next.Name = ptr(*b.Name)
	}
	if b.Location != nil {
		next.Location = *b.Location
	}
	if b.CustomRelatedSettings != nil {
		if err := t.projects[request.ProjectID].setRelated(&next, b.CustomRelatedSettings); err != nil {
			return nil, err
		}
	}
	*pn = next
	return gen.UpdatePanel200JSONResponse(*pn), nil
}

func (p *project) setRelated(pn *gen.Panel, crs *gen.CustomRelatedSettings) error {
	if crs != nil {
		for _, id := range append(append([]int64{}, crs.MatchingFieldIds...), crs.DisplayFieldIds...) {
			if _, ok := p.fields[id]; !ok {
				return badRequest("Field %d not found in project %d.", id, p.ID)
			}
		}
		pn.CustomRelatedSettings = gen.CustomRelatedSettings{
			MatchingFieldIds: append([]int64{}, crs.MatchingFieldIds...),
			DisplayFieldIds:  append([]int64{}, crs.DisplayFieldIds...),
		}
	}
	if pn.Type == gen.PanelTypeValue1 && len(pn.CustomRelatedSettings.MatchingFieldIds) == 0 {
		return badRequest("A custom related panel (type 1) needs matching_field_ids.")
	}
	return nil
}

func (t *tenant) panel(projectID, id int64) (*gen.Panel, error) {
	p, err := t.project(projectID)
	if err != nil {
		return nil, err
	}
	pn, ok := p.panels[id]
	if !ok {
		return nil, notFound("Panel %d not found in project %d.", id, projectID)
	}
	return pn, nil
}
