package iconecttest

import (
	"net/http"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/iconect-go/iconect-go/internal/arrayquery"
)

// ArrayForm is the wire form in which the fake reads array query parameters
// (field_ids, record_ids, types).
type ArrayForm int

const (
	// ArrayFormSpec reads each as api/openapi.yaml says (the default).
	ArrayFormSpec ArrayForm = iota
	// ArrayFormRepeated reads repeated keys (ids=1&ids=2): ASP.NET Core's
	// default binding of an array parameter.
	ArrayFormRepeated
	// ArrayFormComma reads one comma separated value (ids=1,2), as
	// getRecord's docs describe its field_ids.
	ArrayFormComma
)

// WithArrayForm makes the fake read every array query parameter in form, as
// a tenant whose binding differs from the spec's guess would. A request in
// the other form is refused with 400, as ASP.NET Core refuses "1,2" for an
// integer array.
func WithArrayForm(form ArrayForm) Option { return func(c *config) { c.arrayForm = form } }

// readArrays turns r's array query parameters from the configured form into
// the spec's, which the validator and the generated server read, or says
// why the request is in the wrong form.
func (s *Server) readArrays(op string, r *http.Request) error {
	if s.cfg.arrayForm == ArrayFormSpec {
		return nil
	}
	comma := s.cfg.arrayForm == ArrayFormComma
	params := gen.Operations[op].ArrayQuery
	if len(params) == 0 {
		return nil
	}
	q := r.URL.Query()
	for _, p := range params {
		if err := arrayquery.Check(q, p.Name, comma); err != nil {
			return badRequest("%v", err)
		}
		arrayquery.Convert(q, p.Name, comma, p.Comma)
	}
	r.URL.RawQuery = q.Encode()
	return nil
}
