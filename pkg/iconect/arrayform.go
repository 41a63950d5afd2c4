package iconect

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/iconect-go/iconect-go/internal/arrayquery"
)

// ArrayForm is how an array query parameter (getRecord's and listRecords'
// field_ids, listRecords' record_ids, listJobs' types) is written. The docs
// do not settle it: the spec's choice for each is a recorded guess (README,
// "Known unknowns"), and this is the switch for a tenant that reads the
// other form.
type ArrayForm int

const (
	// ArrayFormSpec writes each parameter as api/openapi.yaml says (the default).
	ArrayFormSpec ArrayForm = iota
	// ArrayFormRepeated writes repeated keys: field_ids=1&field_ids=2.
	ArrayFormRepeated
	// ArrayFormComma writes one comma separated value: field_ids=1,2.
	ArrayFormComma
)

func (f ArrayForm) String() string {
	switch f {
	case ArrayFormSpec:
		return "spec"
	case ArrayFormRepeated:
		return "repeated"
	case ArrayFormComma:
		return "comma"
	}
	return fmt.Sprintf("ArrayForm(%d)", int(f))
}

// ParseArrayForm reads "spec", "repeated" or "comma".
func ParseArrayForm(s string) (ArrayForm, error) {
	for _, f := range []ArrayForm{ArrayFormSpec, ArrayFormRepeated, ArrayFormComma} {
		if strings.EqualFold(s, f.String()) {
			return f, nil
		}
	}
	return 0, fmt.Errorf("iconect: array form %q: want spec, repeated or comma", s)
}

// WithArrayForm writes array query parameters in form: every one, or only
// those named as "operationId.parameter" (e.g. "getRecord.field_ids"). A
// name that is not an array query parameter of the spec is an error. Calls
// made through API() directly are written as the spec says.
func WithArrayForm(form ArrayForm, only ...string) Option {
	return func(c *Client) error {
		if form < ArrayFormSpec || form > ArrayFormComma {
			return fmt.Errorf("iconect: WithArrayForm: unknown form %v", form)
		}
		want := map[string]bool{}
		for _, name := range only {
			want[name] = true
		}
		if c.arrayForms == nil {
			c.arrayForms = map[string]map[string]ArrayForm{}
		}
		for op, o := range gen.Operations {
			for _, p := range o.ArrayQuery {
				name := op + "." + p.Name
				if len(only) > 0 && !want[name] {
					continue
				}
				delete(want, name) // found; what is left at the end is unknown
				if c.arrayForms[op] == nil {
					c.arrayForms[op] = map[string]ArrayForm{}
				}
				c.arrayForms[op][p.Name] = form
			}
		}
		for name := range want {
			return fmt.Errorf("iconect: WithArrayForm: %q is not an array query parameter of any operation (want operationId.parameter, e.g. getRecord.field_ids)", name)
		}
		return nil
	}
}

// writeArrays rewrites req's array query parameters from the spec's form
// (what the generated client writes) to the form the client was given.
func (c *Client) writeArrays(op string, req *http.Request) {
	forms := c.arrayForms[op]
	if len(forms) == 0 {
		return
	}
	q := req.URL.Query()
	changed := false
	for _, p := range gen.Operations[op].ArrayQuery {
		form, ok := forms[p.Name]
		if !ok || form == ArrayFormSpec || (form == ArrayFormComma) == p.Comma || !q.Has(p.Name) {
			continue
		}
		arrayquery.Convert(q, p.Name, p.Comma, form == ArrayFormComma)
		changed = true
	}
	if changed {
		req.URL.RawQuery = q.Encode()
	}
}
