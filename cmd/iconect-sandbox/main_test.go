package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/iconect-go/iconect-go/internal/sandbox"
)

// binary is the sandbox built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "iconect-sandbox-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "iconect-sandbox")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// process is a running sandbox process.
type process struct {
	cmd    *exec.Cmd
	stdout *bufio.Reader
	stderr *lockedWriter
	banner map[string]any
	done   chan error
}

// startSandbox runs the binary with args and reads its banner line.
func startSandbox(t *testing.T, args ...string) *process {
	t.Helper()
	cmd := exec.Command(binary, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	sb := &process{cmd: cmd, stdout: bufio.NewReader(stdout), stderr: &lockedWriter{w: &bytes.Buffer{}}, done: make(chan error, 1)}
	cmd.Stderr = sb.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	line := make(chan string, 1)
	go func() {
		l, _ := sb.stdout.ReadString('\n')
		line <- l
	}()
	select {
	case l := <-line:
		if err := json.Unmarshal([]byte(l), &sb.banner); err != nil {
			t.Fatalf("banner %q is not a JSON object: %v; stderr:\n%s", l, err, sb.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no banner within 10s; stderr:\n%s", sb.stderr)
	}
	go func() { sb.done <- cmd.Wait() }()
	return sb
}

// stop sends sig and checks the sandbox exits 0 within two seconds, having
// printed nothing more on stdout.
func (sb *process) stop(t *testing.T, sig os.Signal) {
	t.Helper()
	rest := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(sb.stdout)
		rest <- b
	}()
	start := time.Now()
	if err := sb.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-sb.done:
		if err != nil {
			t.Fatalf("exit after %v: %v; stderr:\n%s", sig, err, sb.stderr)
		}
	case <-time.After(2 * time.Second):
		t.Fatalf("still running 2s after %v", sig)
	}
	t.Logf("stopped in %v", time.Since(start))
	if b := <-rest; len(b) > 0 {
		t.Errorf("stdout after the banner: %q (want exactly one line)", b)
	}
	if !strings.Contains(sb.stderr.String(), "stopped") {
		t.Errorf("stderr lacks the stop log:\n%s", sb.stderr)
	}
}

// lockedWriter lets the test read stderr while the program writes it.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

func (w *lockedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.String()
}

func TestSandboxServesAndStops(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.json")
	data := `[{"name": "Acme", "fields": ["Custodian"], "records": [{"Custodian": "J. Smith"}, {"Custodian": 7}]}]`
	if err := os.WriteFile(seed, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	sb := startSandbox(t, "-addr", "127.0.0.1:0", "-seed-data", seed, "-v", "-token-lifetime", "5m")

	wantKeys := []string{"api_url", "client_id", "client_secret", "dataservers_id", "identity_url", "password",
		"public_client_id", "public_redirect_uri", "redirect_uri", "template_project_id", "user_id", "username"}
	var keys []string
	for k, v := range sb.banner {
		keys = append(keys, k)
		if v == "" || v == float64(0) || v == nil {
			t.Errorf("banner %s is empty: %v", k, v)
		}
	}
	sort.Strings(keys)
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Errorf("banner keys = %v, want %v", keys, wantKeys)
	}
	api, idp := bannerURL(t, sb.banner, "api_url"), bannerURL(t, sb.banner, "identity_url")
	if api.Host == idp.Host {
		t.Errorf("the API and the identity provider share %s", api.Host)
	}

	resp, err := http.Get(idp.String() + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	var disc struct {
		Issuer        string `json:"issuer"`
		TokenEndpoint string `json:"token_endpoint"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&disc)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || disc.Issuer != idp.String() {
		t.Fatalf("discovery: %d, issuer %q, want 200 and %q", resp.StatusCode, disc.Issuer, idp)
	}

	tok := passwordToken(t, sb.banner)
	req, _ := http.NewRequest(http.MethodGet, api.String()+"/projects", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /projects: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"Acme"`) {
		t.Errorf("GET /projects = %d %s, want 200 with the seeded project", resp.StatusCode, body)
	}

	sb.stop(t, syscall.SIGTERM)
	logs := sb.stderr.String()
	if !strings.Contains(logs, "operation=listProjects") {
		t.Errorf("-v did not log the request:\n%s", logs)
	}
	for _, secret := range []any{sb.banner["client_secret"], sb.banner["password"], tok} {
		if strings.Contains(logs, secret.(string)) {
			t.Errorf("a secret is in the logs:\n%s", logs)
		}
	}
}

// passwordToken gets an access token by the password grant.
func passwordToken(t *testing.T, b map[string]any) string {
	t.Helper()
	form := url.Values{
		"grant_type": {"password"}, "username": {b["username"].(string)}, "password": {b["password"].(string)},
		"client_id": {b["client_id"].(string)}, "client_secret": {b["client_secret"].(string)},
		"scope": {"iconect_api openid"},
	}
	resp, err := http.PostForm(b["identity_url"].(string)+"/openid/token", form)
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	defer func() { _ = resp.Body.Close() }()
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tr)
	if resp.StatusCode != http.StatusOK || tr.AccessToken == "" {
		t.Fatalf("password grant: %d, token %q", resp.StatusCode, tr.AccessToken)
	}
	return tr.AccessToken
}

func bannerURL(t *testing.T, b map[string]any, key string) *url.URL {
	t.Helper()
	s, _ := b[key].(string)
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "http" || u.Port() == "" || u.Port() == "0" || u.Path != "" {
		t.Fatalf("%s = %q, want http://host:port", key, s)
	}
	return u
}

// TestSandboxFaultAndIdentityAddr checks the -fault and -identity-addr flags
// reach the server, and SIGINT stops it as SIGTERM does.
func TestSandboxFaultAndIdentityAddr(t *testing.T) {
	idpAddr := freeAddr(t)
	sb := startSandbox(t, "-addr", "127.0.0.1:0", "-identity-addr", idpAddr,
		"-fault", "listProjects:503:@1", "-fault", "getJob:429=3s", "-password-refresh=false", "-login-form")
	if got := sb.banner["identity_url"]; got != "http://"+idpAddr {
		t.Errorf("identity_url = %v, want http://%s", got, idpAddr)
	}
	api := bannerURL(t, sb.banner, "api_url")
	resp, err := http.Get(api.String() + "/projects")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("first GET /projects = %d, want the injected 503", resp.StatusCode)
	}
	resp, err = http.Get(api.String() + "/projects")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("second GET /projects = %d, want 401 (no token; the fault hit request 1 only)", resp.StatusCode)
	}
	sb.stop(t, os.Interrupt)
}

// freeAddr is a loopback address nothing listens on (a small race with
// other processes is possible, as with any such helper).
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

func TestSandboxBadFlagsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"-no-such-flag"},
		{"-fault", "getJob:teapot"},
	} {
		cmd := exec.Command(binary, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
			t.Errorf("%v: %v, want exit status 2", args, err)
		}
		if !strings.Contains(stderr.String(), "Usage: iconect-sandbox") {
			t.Errorf("%v: no usage on stderr:\n%s", args, stderr.String())
		}
	}
}

// runArgs runs the program in process with args that end it at once.
func runArgs(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // should it start, it stops at once
	code := run(ctx, args, &stdout, &stderr)
	if code != exitOK && stdout.Len() > 0 {
		t.Errorf("%v: stdout %q on failure", args, stdout.String())
	}
	return code, stderr.String()
}

func TestRunUsageErrors(t *testing.T) {
	dir := t.TempDir()
	badSeed := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(badSeed, []byte(`{"name": "x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-bogus"}, "flag provided but not defined"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-addr", "nonsense"}, `"nonsense" is not host:port`},
		{[]string{"-addr", "127.0.0.1:http"}, "give -identity-addr"},
		{[]string{"-addr", "127.0.0.1:65535"}, "port 65535 has no next port"},
		{[]string{"-token-lifetime", "0s"}, "-token-lifetime must be positive"},
		{[]string{"-latency", "-1s"}, "-latency must not be negative"},
		{[]string{"-latency", "soon"}, "invalid value"},
		{[]string{"-fault", "getjob:503"}, `did you mean "getJob"`},
		{[]string{"-seed", "x"}, "invalid value"},
		{[]string{"-seed-data", filepath.Join(dir, "missing.json")}, "no such file"},
		{[]string{"-seed-data", badSeed}, "not a JSON array"},
	} {
		code, stderr := runArgs(t, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestRunHelpExits0(t *testing.T) {
	code, stderr := runArgs(t, "-h")
	if code != exitOK || !strings.Contains(stderr, "-fault operation:kind[:when]") {
		t.Errorf("-h: exit %d, stderr %q", code, stderr)
	}
}

func TestRunAddressInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	code, stderr := runArgs(t, "-addr", l.Addr().String(), "-identity-addr", "127.0.0.1:0")
	if code != exitError || !strings.Contains(stderr, "address already in use") {
		t.Errorf("exit %d, stderr %q; want 1 and the listen error", code, stderr)
	}
}

// TestRunInProcess runs the program in this process (for coverage of run)
// and stops it by ending its context.
func TestRunInProcess(t *testing.T) {
	pr, pw := io.Pipe()
	var stderr lockedWriter
	stderr.w = &bytes.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "0.0.0.0:0", "-latency", "1ms", "-seed", "7", "-fault", "*:500:0"}, pw, &stderr)
		_ = pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var b sandbox.Info
	if err := json.Unmarshal([]byte(line), &b); err != nil || b.TemplateProjectID == 0 {
		t.Fatalf("banner %q: %v", line, err)
	}
	// A wildcard listener is named by its loopback address.
	if !strings.HasPrefix(b.APIURL, "http://127.0.0.1:") || !strings.HasPrefix(b.IdentityURL, "http://127.0.0.1:") {
		t.Errorf("URLs %s, %s; want http://127.0.0.1:port for -addr 0.0.0.0:0", b.APIURL, b.IdentityURL)
	}
	resp, err := http.Get(b.APIURL + "/projects")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /projects without a token = %d, want 401 (a rate-0 fault never hits)", resp.StatusCode)
	}
	cancel()
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d", code)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("run did not return after its context ended")
	}
}

// TestRunStdoutClosed checks a sandbox that cannot print its banner stops.
func TestRunStdoutClosed(t *testing.T) {
	pr, pw := io.Pipe()
	_ = pr.Close()
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"-addr", "127.0.0.1:0"}, pw, &stderr); code != exitError {
		t.Errorf("exit %d, want 1; stderr %s", code, stderr.String())
	}
}
