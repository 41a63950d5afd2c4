//go:build tools

// Package tools pins the versions of the generator this module runs with
// `go run` (see Makefile), so `make generate` is reproducible, and of the
// libraries the SDK is built on, so `go mod tidy` keeps them before every
// package imports them.
package tools

import (
	_ "github.com/getkin/kin-openapi/openapi3"
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
	_ "github.com/oapi-codegen/runtime"
	_ "github.com/stretchr/testify/assert"
	_ "golang.org/x/oauth2"
)
