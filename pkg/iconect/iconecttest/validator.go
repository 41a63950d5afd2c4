package iconecttest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/iconect-go/iconect-go/api"
)

// Validator checks requests and responses against api/openapi.yaml. The fake
// tenant runs every request through it; the contract check reuses it on both
// sides of a real tenant's traffic.
//
// Paths given to a Validator are relative to the API base URL: the spec's
// servers entry is a placeholder, so the caller, who knows the base URL,
// strips it (see Validator.Route).
type Validator struct {
	doc    *openapi3.T
	routes []*Route
}

// Route is one operation of the spec, as matched by Validator.Route.
type Route struct {
	OperationID string
	Method      string
	// Template is the spec's path, as /projects/{project_id}/fields.
	Template string
	segments []string
	kin      *routers.Route
}

// Route errors: the path is no operation's, or no operation has this method.
var (
	ErrRouteNotFound    = errors.New("iconecttest: no operation has this path")
	ErrMethodNotAllowed = errors.New("iconecttest: no operation has this method on this path")
)

// ValidationError is a request or response that does not match the spec.
// Status is what a server answers: 415 for a wrong media type, else 400.
type ValidationError struct {
	Status      int
	OperationID string
	Message     string
	Err         error
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("%s: %s", e.OperationID, e.Message)
}

func (e *ValidationError) Unwrap() error { return e.Err }

// NewValidator loads the embedded spec.
func NewValidator() (*Validator, error) {
	return NewValidatorFromData(api.Spec)
}

// NewValidatorFromData loads a spec given as YAML or JSON (an altered copy
// of api/openapi.yaml, say) instead of the embedded one.
func NewValidatorFromData(spec []byte) (*Validator, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("iconecttest: load spec: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("iconecttest: invalid spec: %w", err)
	}
	v := &Validator{doc: doc}
	for template, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			v.routes = append(v.routes, &Route{
				OperationID: op.OperationID,
				Method:      method,
				Template:    template,
				segments:    strings.Split(strings.Trim(template, "/"), "/"),
				kin:         &routers.Route{Spec: doc, Path: template, PathItem: item, Method: method, Operation: op},
			})
		}
	}
	return v, nil
}

// Spec returns the loaded document (shared: do not modify it).
func (v *Validator) Spec() *openapi3.T { return v.doc }

// Routes lists every operation of the spec.
func (v *Validator) Routes() []*Route { return v.routes }

// Route matches a method and a path relative to the API base URL. It returns
// ErrRouteNotFound or ErrMethodNotAllowed (with the methods the path has)
// when no operation matches. A literal segment beats a parameter, so
// /filestores/items is getFileStoreItems, not getFileStore.
func (v *Validator) Route(method, path string, skip func(operationID string) bool) (*Route, map[string]string, []string, error) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var best *Route
	var bestParams map[string]string
	bestLiterals := -1
	var allowed []string
	for _, r := range v.routes {
		if skip != nil && skip(r.OperationID) {
			continue
		}
		params, literals, ok := r.match(segs)
		if !ok {
			continue
		}
		if r.Method != method {
			allowed = append(allowed, r.Method)
			continue
		}
		if literals > bestLiterals {
			best, bestParams, bestLiterals = r, params, literals
		}
	}
	if best != nil {
		return best, bestParams, nil, nil
	}
	if len(allowed) > 0 {
		return nil, nil, allowed, ErrMethodNotAllowed
	}
	return nil, nil, nil, ErrRouteNotFound
}

func (r *Route) match(segs []string) (map[string]string, int, bool) {
	if len(segs) != len(r.segments) {
		return nil, 0, false
	}
	var params map[string]string
	literals := 0
	for i, s := range r.segments {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			if segs[i] == "" {
				return nil, 0, false
			}
			if params == nil {
				params = make(map[string]string, 4)
			}
			params[s[1:len(s)-1]] = segs[i]
			continue
		}
		if s != segs[i] {
			return nil, 0, false
		}
		literals++
	}
	return params, literals, true
}

var requestOptions = &openapi3filter.Options{
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
	MultiError:          true,
	SkipSettingDefaults: true,
}

// ValidateRequest checks r's parameters and body against route. It leaves
// r.Body readable. Multipart bodies are not read (a file may be large):
// only their media type is checked, and the handler checks the parts.
func (v *Validator) ValidateRequest(ctx context.Context, r *http.Request, route *Route, params map[string]string) error {
	opts := requestOptions
	if isMultipart(route) {
		mt := r.Header.Get("Content-Type")
		if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(mt)), "multipart/form-data") {
			return &ValidationError{Status: http.StatusUnsupportedMediaType, OperationID: route.OperationID,
				Message: fmt.Sprintf("unsupported content type %q: send multipart/form-data with the file in the part named file", mt)}
		}
		o := *requestOptions
		o.ExcludeRequestBody = true
		opts = &o
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route.kin, Options: opts}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		return requestError(route, err)
	}
	return nil
}

// ValidateResponse checks a response's status, headers and body against the
// operation route answered. r is the request it answers.
func (v *Validator) ValidateResponse(ctx context.Context, r *http.Request, route *Route, params map[string]string, status int, header http.Header, body []byte) error {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route.kin, Options: requestOptions},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		return &ValidationError{Status: http.StatusBadGateway, OperationID: route.OperationID, Message: flatten(err), Err: err}
	}
	return nil
}

func isMultipart(route *Route) bool {
	rb := route.kin.Operation.RequestBody
	return rb != nil && rb.Value != nil && rb.Value.Content.Get("multipart/form-data") != nil
}

// requestError turns kin-openapi's error into a ValidationError with the
// status a server answers: 415 for a media type, 400 for the rest.
func requestError(route *Route, err error) error {
	status := http.StatusBadRequest
	var me openapi3.MultiError
	errs := []error{err}
	if errors.As(err, &me) {
		errs = me
	}
	for _, e := range errs {
		var ve *openapi3filter.ValidationError
		if errors.As(openapi3filter.ConvertErrors(e), &ve) && ve.Status == http.StatusUnsupportedMediaType {
			status = http.StatusUnsupportedMediaType
		}
	}
	return &ValidationError{Status: status, OperationID: route.OperationID, Message: flatten(err), Err: err}
}

// flatten makes kin-openapi's multi-line messages one readable line.
func flatten(err error) string {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		parts := make([]string, 0, len(me))
		for _, e := range me {
			parts = append(parts, flatten(e))
		}
		return strings.Join(parts, "; ")
	}
	msg := err.Error()
	if i := strings.Index(msg, "\nSchema:"); i >= 0 {
		msg = msg[:i]
	}
	return strings.Join(strings.Fields(msg), " ")
}
