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

	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
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

// sandbox is a running sandbox process.
type sandbox struct {
	cmd    *exec.Cmd
	stdout *bufio.Reader
	stderr *lockedWriter
	banner map[string]any
	done   chan error
}

// startSandbox runs the binary with args and reads its banner line.
func startSandbox(t *testing.T, args ...string) *sandbox {
	t.Helper()
	cmd := exec.Command(binary, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	sb := &sandbox{cmd: cmd, stdout: bufio.NewReader(stdout), stderr: &lockedWriter{w: &bytes.Buffer{}}, done: make(chan error, 1)}
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
func (sb *sandbox) stop(t *testing.T, sig os.Signal) {
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
		"public_client_id", "redirect_uri", "template_project_id", "user_id", "username"}
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
	var b banner
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

func TestParseFault(t *testing.T) {
	known := map[string]bool{"getJob": true, "createRecords": true}
	for _, tc := range []struct {
		spec string
		want iconecttest.Fault
	}{
		{"getJob:503:0.2", iconecttest.Fault{Operation: "getJob", Kind: iconecttest.FaultStatus, Status: 503, Rate: 0.2}},
		{"getJob:500", iconecttest.Fault{Operation: "getJob", Kind: iconecttest.FaultStatus, Status: 500, Rate: 1}},
		{"*:429:0.1", iconecttest.Fault{Kind: iconecttest.FaultRateLimit, Status: 429, Rate: 0.1}},
		{"*:429=5s", iconecttest.Fault{Kind: iconecttest.FaultRateLimit, Status: 429, RetryAfter: 5 * time.Second, Rate: 1}},
		{"createRecords:drop-after:1", iconecttest.Fault{Operation: "createRecords", Kind: iconecttest.FaultDropAfter, Rate: 1}},
		{"createRecords:drop-before:0", iconecttest.Fault{Operation: "createRecords", Kind: iconecttest.FaultDropBefore, Rate: 0}},
		{"getJob:delay=500ms:0.5", iconecttest.Fault{Operation: "getJob", Kind: iconecttest.FaultDelay, Delay: 500 * time.Millisecond, Rate: 0.5}},
		{"getJob:404:@1,3", iconecttest.Fault{Operation: "getJob", Kind: iconecttest.FaultStatus, Status: 404, Rate: 1, Requests: []int{1, 3}}},
	} {
		got, err := parseFault(tc.spec, known)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseFault(%q) = %+v, %v; want %+v", tc.spec, got, err, tc.want)
		}
	}

	for _, tc := range []struct{ spec, want string }{
		{"getJob", "not operation:kind[:when]"},
		{"getJob:503:0.2:x", "not operation:kind[:when]"},
		{":503", "the operation is empty"},
		{"getjob:503", `did you mean "getJob"`},
		{"noSuchOp:503", `unknown operation "noSuchOp"`},
		{"getJob:teapot", `unknown fault kind "teapot"`},
		{"getJob:200", `unknown fault kind "200"`},
		{"getJob:600", `unknown fault kind "600"`},
		{"getJob:drop-after=1s", `unknown fault kind "drop-after=1s"`},
		{"getJob:delay", "give delay=<duration>"},
		{"getJob:delay=fast", "give delay=<duration>"},
		{"getJob:delay=-1s", "give delay=<duration>"},
		{"getJob:429=0s", "give 429=<retry-after>"},
		{"getJob:429=x", "give 429=<retry-after>"},
		{"getJob:503:1.5", `fault rate "1.5"`},
		{"getJob:503:-0.1", `fault rate "-0.1"`},
		{"getJob:503:NaN", `fault rate "NaN"`},
		{"getJob:503:often", `fault rate "often"`},
		{"getJob:503:@", "fault schedule"},
		{"getJob:503:@0", "fault schedule"},
		{"getJob:503:@1,x", "fault schedule"},
	} {
		_, err := parseFault(tc.spec, known)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseFault(%q) error = %v, want one containing %q", tc.spec, err, tc.want)
		}
	}
}

// TestFaultFlag checks the flag collects repeated values and that every
// operationId of the spec is accepted.
func TestFaultFlag(t *testing.T) {
	f := faultFlag{known: operationIDs()}
	if !f.known["getJob"] || !f.known["createRecords"] || !f.known["listProjects"] {
		t.Fatalf("operationIDs lacks some: %v", f.known)
	}
	for _, spec := range []string{"getJob:503:0.2", "*:drop-before:@2"} {
		if err := f.Set(spec); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Set("bogus"); err == nil {
		t.Error("Set(bogus) succeeded")
	}
	if len(f.faults) != 2 || f.String() != "getJob:503:0.2 *:drop-before:@2" {
		t.Errorf("flag = %q with %d faults", f.String(), len(f.faults))
	}
	var nilFlag *faultFlag
	if nilFlag.String() != "" {
		t.Error("a nil flag's String is not empty")
	}
}

func TestNextPortAddr(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:8080": "127.0.0.1:8081",
		"127.0.0.1:0":    "127.0.0.1:0",
		":9000":          ":9001",
		"[::1]:443":      "[::1]:444",
		"localhost:1":    "localhost:2",
	} {
		if got, err := nextPortAddr(in); err != nil || got != want {
			t.Errorf("nextPortAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"8080", "host:", "host:-1", "host:70000", "host:65535"} {
		if got, err := nextPortAddr(in); err == nil {
			t.Errorf("nextPortAddr(%q) = %q, want an error", in, got)
		}
	}
}

func TestParseSeedData(t *testing.T) {
	got, err := parseSeedData([]byte(`[
		{"name": "Acme", "fields": ["Custodian", "Pages", "Privileged"],
		 "records": [{"Custodian": "J. Smith", "Pages": 12345678901234567890, "Privileged": true}, {}]},
		{"name": "Empty"}
	]`))
	want := []iconecttest.SeedProject{
		{Name: "Acme", Fields: []string{"Custodian", "Pages", "Privileged"}, Records: []map[string]string{
			{"Custodian": "J. Smith", "Pages": "12345678901234567890", "Privileged": "true"}, {}}},
		{Name: "Empty"},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("parseSeedData = %+v, %v; want %+v", got, err, want)
	}

	for _, tc := range []struct{ data, want string }{
		{`{}`, "not a JSON array"},
		{`[{"name": "A", "feilds": []}]`, `unknown field "feilds"`},
		{`[] []`, "unexpected data after"},
		{`[{"fields": []}]`, "project 1 has no name"},
		{`[{"name": "A"}, {"name": "A"}]`, `project "A" is given twice`},
		{`[{"name": "A", "fields": [""]}]`, "a field name is empty"},
		{`[{"name": "A", "fields": ["X", "x"]}]`, `field "x" is given twice`},
		{`[{"name": "A", "fields": ["docid"]}]`, "one every project has"},
		{`[{"name": "A", "fields": ["X"], "records": [{"Y": "1"}]}]`, `record 1 names field "Y"`},
		{`[{"name": "A", "fields": ["X"], "records": [{"X": null}]}]`, "must be a string, number or boolean"},
		{`[{"name": "A", "fields": ["X"], "records": [{"X": ["a"]}]}]`, "must be a string, number or boolean"},
	} {
		_, err := parseSeedData([]byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseSeedData(%s) error = %v, want one containing %q", tc.data, err, tc.want)
		}
	}
}
