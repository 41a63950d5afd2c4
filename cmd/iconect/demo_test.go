package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// http0 is a plain client for the tests' browser.
var http0 http.Client

// linePipe is stdout that a test reads line by line while the CLI runs.
type linePipe struct {
	r *bufio.Reader
}

func newPipe() (*linePipe, io.Writer) {
	pr, pw := io.Pipe()
	return &linePipe{r: bufio.NewReader(pr)}, pw
}

func (p *linePipe) line() (string, error) {
	return p.r.ReadString('\n')
}

func TestDemo(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // only for the runner and its secret check: the demo starts its own sandbox
	r := e.ok(t, "demo", "--records", "400", "--job-step", "2ms")
	for _, want := range []string{"Signed in as jsmith with the authorization code + PKCE", "Import job", "400 records added",
		"What the demo made:", "native file", "batch set", "Done in"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the demo's output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "\r") || strings.Contains(r.stdout, "\x1b") {
		t.Error("the demo drew in place although stdout is no terminal")
	}
	if r.stderr != "" {
		t.Errorf("the demo wrote on stderr: %q", r.stderr)
	}

	var out struct {
		Created []summaryRow `json:"created"`
	}
	e.okJSON(t, &out, "demo", "--records", "150", "--job-step", "1ms")
	if len(out.Created) != 10 || out.Created[0].What != "client" {
		t.Errorf("demo JSON: %+v", out)
	}
	b, _ := json.Marshal(out)
	if strings.Contains(string(b), "\r") {
		t.Error("carriage return in the JSON")
	}
}

func TestProgressOnTerminal(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	p := newProgress(&b, true, false)
	bp := &byteProgress{p: p, label: "up", total: 100}
	for _, n := range []int64{10, 50, 100} {
		bp.set(n)
	}
	p.done(bp.line(100))
	if got := b.String(); strings.Count(got, "\r\x1b[K") != 4 || !strings.HasSuffix(got, "100% 100 B of 100 B\n") {
		t.Errorf("terminal progress: %q", got)
	}
	b.Reset()
	p = newProgress(&b, false, false)
	bp = &byteProgress{p: p, label: "up", total: 100}
	for n := int64(1); n <= 100; n++ {
		bp.set(n)
	}
	p.done(bp.line(100))
	if got := b.String(); strings.Count(got, "\n") != 4 || strings.Contains(got, "\r") {
		t.Errorf("plain progress (a line a quarter): %q", got)
	}
	if bytesText(1536) != "1.5 KiB" || bytesText(3<<20) != "3.0 MiB" || bytesText(10) != "10 B" {
		t.Error("bytesText")
	}
}
