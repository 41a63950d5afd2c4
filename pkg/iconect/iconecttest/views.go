package iconecttest

import (
	"context"
	"strconv"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
)

// CreateView makes a view: a fixed set of record IDs chosen by selected_ids
// or by search_query, optionally inverted, living until expiry_date (for
// ever when none is given). Records created later never join it.
func (h *handlers) CreateView(ctx context.Context, request gen.CreateViewRequestObject) (gen.CreateViewResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	b := request.Body
	v := &view{}
	if b.ExpiryDate != nil {
		if !b.ExpiryDate.After(t.now()) {
			return nil, badRequest("expiry_date %s is not in the future.", isoTime(*b.ExpiryDate))
		}
		v.expiry = *b.ExpiryDate
	}
	match, err := p.viewMatcher(b)
	if err != nil {
		return nil, err
	}
	invert := b.InvertSelection != nil && *b.InvertSelection
	for _, id := range sortedKeys(p.records) {
		if match(p.records[id]) != invert {
			v.records = append(v.records, id)
		}
	}
	v.id = t.nextID("view")
	p.views[v.id] = v
	return gen.CreateView201JSONResponse{ViewCreatedJSONResponse: gen.ViewCreatedJSONResponse{ViewID: v.id}}, nil
}

// viewMatcher checks createView's choice of records (exactly one of
// selected_ids and search_query; every selected ID a record of the project)
// and returns the test a record must pass to be selected.
func (p *project) viewMatcher(b *gen.CreateViewRequest) (func(*record) bool, error) {
	// An empty selected_ids array is a choice (of no records); null is none.
	hasIDs, hasQuery := b.SelectedIds != nil, b.SearchQuery != nil
	switch {
	case hasIDs == hasQuery:
		return nil, badRequest("Give exactly one of selected_ids and search_query.")
	case hasQuery:
		terms := strings.Fields(strings.ToLower(*b.SearchQuery))
		if len(terms) == 0 {
			return nil, badRequest("search_query must not be empty.")
		}
		return func(r *record) bool { return r.matches(terms) }, nil
	}
	selected := map[int64]bool{}
	for _, id := range b.SelectedIds {
		if _, ok := p.records[id]; !ok {
			return nil, badRequest("Record %d not found.", id)
		}
		selected[id] = true
	}
	return func(r *record) bool { return selected[r.id] }, nil
}

// matches is the fake's search: every term (lower case) is a substring of
// some value of the record, compared case-insensitively. Numbers are
// searched in their plain decimal form; null values never match.
func (r *record) matches(terms []string) bool {
	values := make([]string, 0, len(r.data))
	for _, v := range r.data {
		switch v := v.(type) {
		case string:
			values = append(values, strings.ToLower(v))
		case float64:
			values = append(values, strconv.FormatFloat(v, 'f', -1, 64))
		}
	}
	for _, term := range terms {
		found := false
		for _, s := range values {
			if strings.Contains(s, term) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
