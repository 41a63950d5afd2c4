package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// Prism is a running Stoplight Prism validation proxy
// (`prism proxy <spec> <upstream> --errors`): a second validator, not
// written here and not built on kin-openapi.
type Prism struct {
	// URL is the proxy's base URL.
	URL string

	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{}
	err  error
}

// StartPrism starts bin (node_modules/.bin/prism, never npx, which leaves
// Prism running when killed) as a proxy of upstream on a free loopback
// port and waits until it listens.
func StartPrism(ctx context.Context, bin, spec, upstream string) (*Prism, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	out := &lockedBuffer{}
	cmd := exec.Command(bin, "proxy", spec, upstream, "--errors", "--host", "127.0.0.1", "--port", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "FORCE_COLOR=0")
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("contract: start prism: %w", err)
	}
	p := &Prism{URL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, out: out, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case <-p.done:
			return nil, fmt.Errorf("contract: prism exited before listening (%v): %s", p.err, tail(out.String()))
		case <-ctx.Done():
			p.Stop()
			return nil, ctx.Err()
		default:
		}
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond); err == nil {
			_ = c.Close()
			return p, nil
		}
		if time.Now().After(deadline) {
			p.Stop()
			return nil, fmt.Errorf("contract: prism did not listen within 90 s: %s", tail(out.String()))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// PID is the process ID of Prism.
func (p *Prism) PID() int { return p.cmd.Process.Pid }

// Output is what Prism logged.
func (p *Prism) Output() string { return p.out.String() }

// Stop stops Prism by its process ID: SIGTERM, then SIGKILL after 5 s.
func (p *Prism) Stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// PrismViolation is what Prism reported of one exchange.
type PrismViolation struct {
	OperationID string `json:"operation_id,omitempty"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	Status      int    `json:"status"`
	// Source is "sl-violations" (the response header) or "problem+json"
	// (Prism's own error answer, e.g. its 422 for an invalid request).
	Source  string `json:"source"`
	Message string `json:"message"`
}

func (v PrismViolation) String() string {
	return fmt.Sprintf("%s prism %s: %s %s → %d: %s", v.OperationID, v.Source, v.Method, v.Path, v.Status, v.Message)
}

// PrismReport is the Prism leg's outcome.
type PrismReport struct {
	// Checked are the operations sent through Prism; NotChecked those sent
	// around it (multipart uploads: Prism reads non-JSON bodies as text, so
	// a binary file would arrive corrupted).
	Checked    []string         `json:"checked"`
	NotChecked []string         `json:"not_checked"`
	Exchanges  int              `json:"exchanges"`
	Violations []PrismViolation `json:"violations,omitempty"`
}

// Failed reports whether Prism found a violation.
func (p *PrismReport) Failed() bool { return len(p.Violations) > 0 }

// Summary is the Prism leg's line.
func (p *PrismReport) Summary() string {
	return fmt.Sprintf("contract prism: %d operations checked by Prism (%d exchanges), %d not checked by Prism (%s), %d violations",
		len(p.Checked), p.Exchanges, len(p.NotChecked), strings.Join(p.NotChecked, ", "), len(p.Violations))
}

// prismTransport sends JSON operations through Prism and multipart
// uploads straight to the upstream, and records what Prism reports.
type prismTransport struct {
	prism, upstream *url.URL
	val             *iconecttest.Validator
	base            http.RoundTripper

	mu  sync.Mutex
	rep PrismReport
}

func newPrismTransport(prismURL, upstreamURL string, val *iconecttest.Validator) (*prismTransport, error) {
	p, err := url.Parse(prismURL)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(upstreamURL)
	if err != nil {
		return nil, err
	}
	return &prismTransport{prism: p, upstream: u, val: val, base: http.DefaultTransport}, nil
}

func (t *prismTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != t.prism.Host {
		return t.base.RoundTrip(req)
	}
	rel := strings.TrimPrefix(req.URL.Path, strings.TrimRight(t.prism.Path, "/"))
	op := ""
	if r, _, _, err := t.val.Route(req.Method, rel, nil); err == nil {
		op = r.OperationID
	}
	if mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type")); strings.HasPrefix(mt, "multipart/") {
		t.mark(op, false)
		out := req.Clone(req.Context())
		out.URL.Scheme, out.URL.Host = t.upstream.Scheme, t.upstream.Host
		out.URL.Path = strings.TrimRight(t.upstream.Path, "/") + rel
		out.Host = ""
		return t.base.RoundTrip(out)
	}
	t.mark(op, true)
	res, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	v := PrismViolation{OperationID: op, Method: req.Method, Path: rel, Status: res.StatusCode}
	if h := res.Header.Values("sl-violations"); len(h) > 0 {
		v.Source, v.Message = "sl-violations", strings.Join(h, "; ")
		t.violation(v)
	}
	if mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); mt == "application/problem+json" {
		body, rerr := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		_ = res.Body.Close()
		res.Body = io.NopCloser(bytes.NewReader(body))
		if rerr != nil {
			return nil, rerr
		}
		var pj struct {
			Type   string `json:"type"`
			Title  string `json:"title"`
			Detail string `json:"detail"`
		}
		if json.Unmarshal(body, &pj) == nil && strings.HasPrefix(pj.Type, "https://stoplight.io/prism/errors#") {
			v.Source, v.Message = "problem+json", fmt.Sprintf("%s: %s: %s", pj.Type, pj.Title, pj.Detail)
			t.violation(v)
		}
	}
	return res, nil
}

func (t *prismTransport) mark(op string, checked bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if op == "" {
		op = "(no operation)"
	}
	list := &t.rep.NotChecked
	if checked {
		list = &t.rep.Checked
		t.rep.Exchanges++
	}
	if !slices.Contains(*list, op) {
		*list = append(*list, op)
		slices.Sort(*list)
	}
}

func (t *prismTransport) violation(v PrismViolation) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rep.Violations = append(t.rep.Violations, v)
}

func (t *prismTransport) report() *PrismReport {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.rep
	r.Checked = slices.Clone(r.Checked)
	r.NotChecked = slices.Clone(r.NotChecked)
	r.Violations = slices.Clone(r.Violations)
	return &r
}

// RunFakeThroughPrism runs the scenario against a fresh fake tenant with
// Prism (bin, validating against spec) in front of it: the JSON
// operations go through Prism, the uploads around it. Both validators
// report: kin-openapi's in the operations, Prism's in Report.Prism.
func RunFakeThroughPrism(ctx context.Context, bin, spec string, edit func(*Config)) (*Report, error) {
	srv := iconecttest.NewServer(FakeOptions...)
	defer srv.Close()
	p, err := StartPrism(ctx, bin, spec, srv.URL)
	if err != nil {
		return nil, err
	}
	defer p.Stop()
	val, err := iconecttest.NewValidator()
	if err != nil {
		return nil, err
	}
	pt, err := newPrismTransport(p.URL, srv.URL, val)
	if err != nil {
		return nil, err
	}
	cfg := FakeConfig(srv)
	cfg.Target = "fake through prism"
	cfg.APIURL = p.URL
	cfg.Base = pt
	if edit != nil {
		edit(&cfg)
	}
	rep, err := Run(ctx, cfg)
	if err != nil {
		return nil, err
	}
	rep.Prism = pt.report()
	if rep.Prism.Exchanges == 0 {
		return rep, errors.New("contract: nothing went through prism")
	}
	return rep, nil
}
