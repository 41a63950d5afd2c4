//go:build tools

// Package tools pins the versions of the code generator this module runs
// through `go run` (see Makefile), so `make generate` is reproducible.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
