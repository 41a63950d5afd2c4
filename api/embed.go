// Package api carries the OpenAPI description of the iCONECT REST API that
// the generated code in gen/ is built from.
package api

import (
	_ "embed"

	"github.com/getkin/kin-openapi/openapi3"
)

// Spec holds the raw bytes of openapi.yaml. It is embedded so that the fake
// tenant and the contract validator can load the spec from a user's module
// cache too, where no checkout (and so no file path) exists.
//
//go:embed openapi.yaml
var Spec []byte

// Load parses Spec. It does not validate the document: callers decide
// which validation options they need.
func Load() (*openapi3.T, error) {
	return openapi3.NewLoader().LoadFromData(Spec)
}
