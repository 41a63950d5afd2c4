package iconect

import "github.com/iconect-go/iconect-go/gen"

// Enum types (temporary until enums.gen.go re-exports them all).
type (
	State          = gen.State
	DatabaseFilter = gen.DatabaseFilter
)

const (
	StateActive          = gen.StateActive
	StateValue2          = gen.StateValue2
	DatabaseFilterValue0 = gen.DatabaseFilterValue0
	DatabaseFilterValue1 = gen.DatabaseFilterValue1
	DatabaseFilterValue2 = gen.DatabaseFilterValue2
)
