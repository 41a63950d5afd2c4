package iconecttest

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
)

// stats counts what tests inspect: requests per operation and per grant.
type stats struct {
	mu         sync.Mutex
	operations map[string]int
	grants     map[string]int
	refreshes  []string
}

func (st *stats) countOperation(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.operations == nil {
		st.operations = map[string]int{}
	}
	st.operations[id]++
}

func (st *stats) countGrant(grant, refreshToken string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.grants == nil {
		st.grants = map[string]int{}
	}
	st.grants[grant]++
	if grant == "refresh_token" {
		st.refreshes = append(st.refreshes, refreshToken)
	}
}

// RequestCount reports how many requests reached operationID (after
// routing, before faults, authentication and validation).
func (s *Server) RequestCount(operationID string) int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.operations[operationID]
}

// TokenRequests reports how many token requests used grantType
// (authorization_code, refresh_token, password, or any other value sent).
func (s *Server) TokenRequests(grantType string) int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.grants[grantType]
}

// RefreshTokensPresented lists the refresh tokens sent to the token
// endpoint, in order: a test of single-use refresh tokens checks none twice.
func (s *Server) RefreshTokensPresented() []string {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return append([]string(nil), s.stats.refreshes...)
}

// StoredFile returns the bytes of a file in a file store, by the path the
// upload named.
func (s *Server) StoredFile(projectID, storeID int64, path string) ([]byte, bool) {
	t := s.tenant
	t.mu.Lock()
	defer t.mu.Unlock()
	p, ok := t.projects[projectID]
	if !ok {
		return nil, false
	}
	fs, ok := p.stores[storeID]
	if !ok {
		return nil, false
	}
	f, ok := fs.files[path]
	if !ok {
		return nil, false
	}
	return append([]byte(nil), f.data...), true
}

// NativeFile returns the bytes of a record's native file.
func (s *Server) NativeFile(projectID, recordID, fieldID int64) ([]byte, bool) {
	t := s.tenant
	t.mu.Lock()
	defer t.mu.Unlock()
	p, ok := t.projects[projectID]
	if !ok {
		return nil, false
	}
	f, ok := p.natives[nativeKey{record: recordID, field: fieldID}]
	if !ok {
		return nil, false
	}
	return append([]byte(nil), f.data...), true
}

// randomString returns n random bytes, base64url-encoded.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
