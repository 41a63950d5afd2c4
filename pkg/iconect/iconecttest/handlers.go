package iconecttest

import "context"

// handlers implements gen.StrictServerInterface: one method per operation
// of api/openapi.yaml, in a file per group (clients.go, records.go, ...).
// Each runs with the tenant locked, so each operation is atomic. A handler
// answers an error by returning an apiError (badRequest, notFound, ...),
// which the strict handler's error hook writes as {"iconect_error": ...}.
type handlers struct{ s *Server }

// lock locks the tenant and returns it with its unlock.
func (h *handlers) lock() (*tenant, func()) {
	t := h.s.tenant
	t.mu.Lock()
	return t, t.mu.Unlock
}

// caller is the user the request's token names.
func caller(ctx context.Context) claims {
	c, _ := ctx.Value(userKey).(claims)
	return c
}
