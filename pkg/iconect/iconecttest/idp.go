package iconecttest

import "net/http"

type authCode struct{}

type refreshGrant struct{}

func (s *Server) serveIdentity(w http.ResponseWriter, r *http.Request) {
	http.NotFound(w, r)
}
