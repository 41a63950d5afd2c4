// Package arrayquery moves array query parameters between the two wire
// forms of OpenAPI's form style: repeated keys (ids=1&ids=2, explode: true)
// and one comma separated value (ids=1,2, explode: false). The docs do not
// settle which form iCONECT reads (README, "Known unknowns"), so the SDK can
// send either and the fake tenant can read either.
package arrayquery

import (
	"fmt"
	"net/url"
	"strings"
)

// Values returns the values of name in q, read in the given form.
func Values(q url.Values, name string, comma bool) []string {
	vs := q[name]
	if !comma {
		return vs
	}
	var out []string
	for _, v := range vs {
		if v == "" {
			continue
		}
		out = append(out, strings.Split(v, ",")...)
	}
	return out
}

// Set replaces name in q by values, written in the given form; no values
// removes it.
func Set(q url.Values, name string, values []string, comma bool) {
	q.Del(name)
	switch {
	case len(values) == 0:
	case comma:
		q.Set(name, strings.Join(values, ","))
	default:
		q[name] = append([]string(nil), values...)
	}
}

// Convert rewrites name in q from one form to the other.
func Convert(q url.Values, name string, fromComma, toComma bool) {
	if fromComma == toComma || !q.Has(name) {
		return
	}
	Set(q, name, Values(q, name, fromComma), toComma)
}

// Check reports whether name in q is written in the other form than the
// one given: repeated keys where one comma separated value is read, or a
// comma inside a value where repeated keys are read. A single value with no
// comma reads the same in both forms.
func Check(q url.Values, name string, comma bool) error {
	vs := q[name]
	if comma && len(vs) > 1 {
		return fmt.Errorf("%s is sent as repeated keys; this API reads one comma separated value (%s=1,2)", name, name)
	}
	if !comma {
		for _, v := range vs {
			if strings.Contains(v, ",") {
				return fmt.Errorf("%s is sent comma separated; this API reads repeated keys (%s=1&%s=2)", name, name, name)
			}
		}
	}
	return nil
}
