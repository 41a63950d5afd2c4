package iconecttest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// apiError is an answer with the error body: handlers return one as their
// error and the strict handler's error hook writes it (see writeError).
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) error {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) error {
	return errorf(http.StatusBadRequest, format, args...)
}

func notFound(format string, args ...any) error {
	return errorf(http.StatusNotFound, format, args...)
}

// writeError answers {"iconect_error": ...} with err's status, or 500 for an
// error that is not an apiError (a bug in the fake, never bad input).
func writeError(w http.ResponseWriter, err error) {
	status, msg := http.StatusInternalServerError, "internal error: "+err.Error()
	var ae *apiError
	if errors.As(err, &ae) {
		status, msg = ae.status, ae.msg
	}
	writeJSON(w, status, map[string]string{"iconect_error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
