package specvalidate

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/iconect-go/iconect-go/api"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// StrictSpec returns a copy of the spec (doc; nil for the embedded one) as
// JSON in which every object schema that declares properties and says
// nothing of additionalProperties has additionalProperties: false — the
// reading drift mode validates responses with. Examples are left out (they
// were written against the open schemas).
func StrictSpec(doc *openapi3.T) ([]byte, error) {
	var err error
	if doc == nil {
		doc, err = api.Load()
	} else {
		// A fresh copy: the caller's document is shared.
		var b []byte
		if b, err = doc.MarshalJSON(); err == nil {
			doc, err = openapi3.NewLoader().LoadFromData(b)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("specvalidate: load spec: %w", err)
	}
	seen := map[*openapi3.Schema]bool{}
	if doc.Components != nil {
		for _, s := range doc.Components.Schemas {
			closeSchema(s, seen)
		}
		for _, r := range doc.Components.Responses {
			if r.Value != nil {
				closeContent(r.Value.Content, seen)
			}
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				dropExamples(op.RequestBody.Value.Content)
			}
			for _, p := range op.Parameters {
				if p.Value != nil {
					p.Value.Example, p.Value.Examples = nil, nil
				}
			}
			if op.Responses == nil {
				continue
			}
			for _, r := range op.Responses.Map() {
				if r.Value != nil {
					closeContent(r.Value.Content, seen)
				}
			}
		}
	}
	if doc.Components != nil {
		doc.Components.Examples = nil
		for _, r := range doc.Components.RequestBodies {
			if r.Value != nil {
				dropExamples(r.Value.Content)
			}
		}
	}
	b, err := doc.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("specvalidate: strict spec: %w", err)
	}
	return b, nil
}

// StrictValidator is a validator of StrictSpec(doc).
func StrictValidator(doc *openapi3.T) (*iconecttest.Validator, error) {
	b, err := StrictSpec(doc)
	if err != nil {
		return nil, err
	}
	v, err := iconecttest.NewValidatorFromData(b)
	if err != nil {
		return nil, fmt.Errorf("specvalidate: strict spec: %w", err)
	}
	return v, nil
}

func closeContent(c openapi3.Content, seen map[*openapi3.Schema]bool) {
	dropExamples(c)
	for _, mt := range c {
		if mt != nil {
			closeSchema(mt.Schema, seen)
		}
	}
}

// dropExamples removes a content's examples: the spec's examples were
// written against the open schemas (createFolder's request example carries
// the folder's id), and a validator loading the strict copy checks them.
func dropExamples(c openapi3.Content) {
	for _, mt := range c {
		if mt != nil {
			mt.Example, mt.Examples = nil, nil
		}
	}
}

func closeSchema(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return
	}
	s := ref.Value
	seen[s] = true
	s.Example = nil
	if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
		no := false
		s.AdditionalProperties.Has = &no
	}
	for _, p := range s.Properties {
		closeSchema(p, seen)
	}
	closeSchema(s.Items, seen)
	closeSchema(s.AdditionalProperties.Schema, seen)
	for _, list := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf} {
		for _, x := range list {
			closeSchema(x, seen)
		}
	}
}
