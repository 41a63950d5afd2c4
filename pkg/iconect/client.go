// Package iconect is the Go SDK for the iCONECT eDiscovery REST API: one
// service per group of operations (client.Records.List, client.Jobs.Run,
// ...), typed errors (*Error, IsNotFound, ...), retries decided per
// operation, pagination iterators, job polling and workflow helpers, over
// the client generated from api/openapi.yaml in package gen.
package iconect

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/iconect-go/iconect-go/pkg/auth"
)

// Version is the SDK's version, sent in the User-Agent.
const Version = "0.1.0"

// Client calls the iCONECT API. Create one with NewClient and share it: it
// is safe for concurrent use.
type Client struct {
	Clients     *ClientsService
	Projects    *ProjectsService
	Fields      *FieldsService
	Panels      *PanelsService
	Folders     *FoldersService
	Records     *RecordsService
	NativeFiles *NativeFilesService
	FileStores  *FileStoresService
	BatchSets   *BatchSetsService
	Batches     *BatchesService
	Jobs        *JobsService
	Templates   *TemplatesService
	Views       *ViewsService

	api        *gen.ClientWithResponses
	baseURL    string
	httpClient *http.Client
	source     oauth2.TokenSource
	retry      RetryPolicy
	timeout    time.Duration
	userAgent  string
	log        *slog.Logger
	middleware []Middleware
	editors    []RequestEditor
	arrayForms map[string]map[string]ArrayForm // operationId → parameter → form (WithArrayForm)
}

// Middleware wraps every attempt of every call: it may read or change the
// request and must call next (or answer itself).
type Middleware func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error)

// RequestEditor changes each request before it is sent (a header, a
// query parameter).
type RequestEditor func(req *http.Request) error

// Option configures a Client.
type Option func(*Client) error

// WithTokenSource authenticates every request with the source's bearer
// token. An *auth.TokenSource also gets one forced refresh and replay on a
// 401.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *Client) error { c.source = ts; return nil }
}

// WithAuth builds a token source from an auth.Config and a store (see
// package auth).
func WithAuth(cfg *auth.Config, store auth.TokenStore, opts ...auth.SourceOption) Option {
	return func(c *Client) error {
		ts, err := cfg.TokenSource(store, opts...)
		if err != nil {
			return err
		}
		c.source = ts
		return nil
	}
}

// WithHTTPClient sends requests with hc (its Transport, proxies, TLS). Its
// Timeout, if set, bounds each attempt.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("iconect: WithHTTPClient(nil)")
		}
		c.httpClient = hc
		return nil
	}
}

// WithRetryPolicy replaces DefaultRetry (NoRetry turns retries off).
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error { c.retry = p; return nil }
}

// WithAttemptTimeout bounds each attempt (default none: the call's context
// bounds the whole call, retries included).
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *Client) error { c.timeout = d; return nil }
}

// WithUserAgent puts product in front of the SDK's own User-Agent.
func WithUserAgent(product string) Option {
	return func(c *Client) error { c.userAgent = product + " " + c.userAgent; return nil }
}

// WithLogger logs each attempt: method, path template, status, duration,
// attempt number — never a header, a token or a body.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error { c.log = l; return nil }
}

// WithMiddleware adds middleware; the first added runs outermost.
func WithMiddleware(m ...Middleware) Option {
	return func(c *Client) error { c.middleware = append(c.middleware, m...); return nil }
}

// WithRequestEditor adds an editor run on every request.
func WithRequestEditor(e ...RequestEditor) Option {
	return func(c *Client) error { c.editors = append(c.editors, e...); return nil }
}

// NewClient returns a client of the API at apiURL (the tenant's REST API
// base URL, prefix included, e.g. https://api.example.com/api).
func NewClient(apiURL string, opts ...Option) (*Client, error) {
	if !strings.HasPrefix(apiURL, "http://") && !strings.HasPrefix(apiURL, "https://") {
		return nil, fmt.Errorf("iconect: the API URL %q is not an http(s) URL", apiURL)
	}
	c := &Client{
		baseURL:    strings.TrimRight(apiURL, "/"),
		httpClient: http.DefaultClient,
		retry:      DefaultRetry,
		userAgent:  fmt.Sprintf("iconect-go/%s (%s)", Version, runtime.Version()),
		log:        slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if c.source != nil {
		hc := *c.httpClient
		if ts, ok := c.source.(*auth.TokenSource); ok {
			hc.Transport = &auth.Transport{Source: ts, Base: hc.Transport}
		} else {
			hc.Transport = &oauth2.Transport{Source: c.source, Base: hc.Transport}
		}
		c.httpClient = &hc
	}
	api, err := gen.NewClientWithResponses(c.baseURL, gen.WithHTTPClient(doer{c}))
	if err != nil {
		return nil, fmt.Errorf("iconect: %w", err)
	}
	c.api = api
	c.Clients = &ClientsService{c}
	c.Projects = &ProjectsService{c}
	c.Fields = &FieldsService{c}
	c.Panels = &PanelsService{c}
	c.Folders = &FoldersService{c}
	c.Records = &RecordsService{c}
	c.NativeFiles = &NativeFilesService{c}
	c.FileStores = &FileStoresService{c}
	c.BatchSets = &BatchSetsService{c}
	c.Batches = &BatchesService{c}
	c.Jobs = &JobsService{c}
	c.Templates = &TemplatesService{c}
	c.Views = &ViewsService{c}
	return c, nil
}

// API returns the generated client underneath, for what the services do
// not cover. Its calls go through the same retries, logging and errors
// only when made with a context from the services; prefer the services.
func (c *Client) API() *gen.ClientWithResponses { return c.api }
