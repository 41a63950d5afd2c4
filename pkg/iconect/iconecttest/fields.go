package iconecttest

import (
	"context"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
)

func (h *handlers) ListFields(ctx context.Context, request gen.ListFieldsRequestObject) (gen.ListFieldsResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	out := gen.ListFields200JSONResponse{}
	for _, id := range sortedKeys(p.fields) {
		out = append(out, *p.fields[id])
	}
	return out, nil
}

// CreateFields adds every field of the array or none: a name already used
// in the project (case-insensitively) refuses the request. A field's name
// may be missing, null or empty (the docs type it "string or null"): it is
// stored empty, and a blank name clashes with no other. An empty array
// creates nothing and answers [].
func (h *handlers) CreateFields(ctx context.Context, request gen.CreateFieldsRequestObject) (gen.CreateFieldsResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	reqs := *request.Body
	seen := map[string]bool{}
	for _, r := range reqs {
		if r.Name == nil || strings.TrimSpace(*r.Name) == "" {
			continue
		}
		key := strings.ToLower(*r.Name)
		if seen[key] || p.fieldNamed(*r.Name, 0) != nil {
			return nil, badRequest("A field named %q already exists.", *r.Name)
		}
		seen[key] = true
	}
	created := gen.CreateFields201JSONResponse{}
	for _, r := range reqs {
		f := gen.Field{Name: ptr(""), CreatedDate: ptr(fieldTime(t.now())), CreatedByID: callerID(ctx)}
		applyFieldRequest(&f, r)
		created = append(created, *t.addField(p, f))
	}
	return created, nil
}

func (h *handlers) GetField(ctx context.Context, request gen.GetFieldRequestObject) (gen.GetFieldResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	f, err := t.field(request.ProjectID, request.FieldID)
	if err != nil {
		return nil, err
	}
	return gen.GetField200JSONResponse(*f), nil
}

func (h *handlers) UpdateField(ctx context.Context, request gen.UpdateFieldRequestObject) (gen.UpdateFieldResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	f, err := t.field(request.ProjectID, int64(request.FieldID))
	if err != nil {
		return nil, err
	}
	r := *request.Body
	// A missing or null name keeps the field's; an empty one is stored.
	if r.Name != nil && strings.TrimSpace(*r.Name) != "" {
		if other := t.projects[request.ProjectID].fieldNamed(*r.Name, f.ID); other != nil {
			return nil, badRequest("A field named %q already exists.", *r.Name)
		}
	}
	applyFieldRequest(f, r)
	return gen.UpdateField200JSONResponse(*f), nil
}

// applyFieldRequest copies the properties a request sets; the audit
// properties (created_by_id, created_date) are the server's own.
func applyFieldRequest(f *gen.Field, r gen.FieldRequest) {
	if r.Name != nil {
		f.Name = r.Name
	}
	if r.Type != nil {
		f.Type = *r.Type
	}
	if r.Length != nil {
		f.Length = *r.Length
	}
	if r.DateFormat != nil {
		f.DateFormat = *r.DateFormat
	}
	if r.NumericFormat != nil {
		f.NumericFormat = *r.NumericFormat
	}
	if r.DecimalPlaces != nil {
		f.DecimalPlaces = *r.DecimalPlaces
	}
	if r.CurrencyFormat != nil {
		f.CurrencyFormat = *r.CurrencyFormat
	}
	if r.TimeFormat != nil {
		f.TimeFormat = *r.TimeFormat
	}
	if r.DurationFormat != nil {
		f.DurationFormat = *r.DurationFormat
	}
	if r.DefaultValue != nil {
		f.DefaultValue = r.DefaultValue
	}
	if r.TextFormat != nil {
		f.TextFormat = *r.TextFormat
	}
	if r.MultiValueDelimiters != nil {
		f.MultiValueDelimiters = r.MultiValueDelimiters
	}
	if r.Description != nil {
		f.Description = r.Description
	}
}

func (t *tenant) field(projectID, id int64) (*gen.Field, error) {
	p, err := t.project(projectID)
	if err != nil {
		return nil, err
	}
	f, ok := p.fields[id]
	if !ok {
		return nil, notFound("Field %d not found in project %d.", id, projectID)
	}
	return f, nil
}

// fieldNamed finds a field by name, case-insensitively, other than except.
// Callers skip blank names, which identify no field.
func (p *project) fieldNamed(name string, except int64) *gen.Field {
	for id, f := range p.fields {
		if id != except && f.Name != nil && strings.EqualFold(*f.Name, name) {
			return f
		}
	}
	return nil
}

// callerID is the numeric user ID of the request's token (its sub).
func callerID(ctx context.Context) int64 {
	var id int64
	for _, c := range caller(ctx).Subject {
		if c < '0' || c > '9' {
			return 0
		}
		id = id*10 + int64(c-'0')
	}
	return id
}
