package sandbox

import (
	"encoding/json"
	"flag"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// parse registers Flags on a new flag set and parses args.
func parse(t *testing.T, prefix string, args ...string) *Flags {
	t.Helper()
	f := &Flags{FlagPrefix: prefix}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.Register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return f
}

// TestFlagsReachTheServer parses the flags as the CLI writes them (--name)
// and checks the fault, the seed data and the credentials reach the server.
func TestFlagsReachTheServer(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(seed, []byte(`[{"name": "Acme", "fields": ["Custodian"]}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	f := parse(t, "--", "--addr", "127.0.0.1:0", "--fault", "listProjects:503:@1", "--seed-data", seed,
		"--job-step", "5ms", "--latency", "1ms", "--token-lifetime", "5m", "--seed", "7",
		"--password-refresh=false", "-login-form")
	opts, err := f.Options()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	info := InfoOf(s)
	b, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if len(m) != 12 {
		t.Errorf("Info has %d keys, want 12: %s", len(m), b)
	}
	for k, v := range m {
		if v == "" || v == float64(0) {
			t.Errorf("Info's %s is empty", k)
		}
	}

	get := func(token string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, info.APIURL+"/projects", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, _ := get(""); code != http.StatusServiceUnavailable {
		t.Errorf("first GET /projects = %d, want the injected 503", code)
	}
	resp, err := http.PostForm(info.IdentityURL+"/openid/token", url.Values{
		"grant_type": {"password"}, "username": {info.Username}, "password": {info.Password},
		"client_id": {info.ClientID}, "client_secret": {info.ClientSecret}, "scope": {"iconect_api openid"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	_ = resp.Body.Close()
	if tok.AccessToken == "" || tok.RefreshToken != "" {
		t.Errorf("password grant: access token %q, refresh token %q; want one without a refresh token", tok.AccessToken, tok.RefreshToken)
	}
	if code, body := get(tok.AccessToken); code != http.StatusOK || !strings.Contains(body, `"Acme"`) {
		t.Errorf("GET /projects = %d %s, want 200 with the seeded project", code, body)
	}
}

func TestFlagsDefaults(t *testing.T) {
	f := parse(t, "")
	if f.addr != "127.0.0.1:8080" || f.identityAddr != "" || f.tokenLifetime.String() != "1h0m0s" ||
		f.jobStep.String() != "10ms" || !f.passwordRefresh || f.loginForm || f.latency != 0 || f.seed != 0 {
		t.Errorf("defaults: %+v", f)
	}
	if _, err := f.Options(); err != nil {
		t.Error(err)
	}
}

func TestOptionsErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		prefix string
		args   []string
		want   string
	}{
		{"", []string{"-addr", "nonsense"}, `-addr: "nonsense" is not host:port`},
		{"", []string{"-addr", "127.0.0.1:http"}, "(or give -identity-addr)"},
		{"--", []string{"-addr", "127.0.0.1:65535"}, "--addr: port 65535 has no next port for the identity provider: give --identity-addr"},
		{"", []string{"-token-lifetime", "0s"}, "-token-lifetime must be positive, not 0s"},
		{"--", []string{"--token-lifetime", "-1m"}, "--token-lifetime must be positive, not -1m0s"},
		{"", []string{"-latency", "-1s"}, "-latency must not be negative, not -1s"},
		{"", []string{"-job-step", "0s"}, "-job-step must be positive, not 0s"},
		{"--", []string{"--array-form", "pipes"}, "--array-form must be spec, repeated or comma, not \"pipes\""},
		{"", []string{"-seed-data", filepath.Join(dir, "missing.json")}, "-seed-data: open"},
	} {
		_, err := parse(t, tc.prefix, tc.args...).Options()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q %v: error %v, want one containing %q", tc.prefix, tc.args, err, tc.want)
		}
	}
	// An explicit -identity-addr needs no next port.
	if _, err := parse(t, "", "-addr", "127.0.0.1:65535", "-identity-addr", "127.0.0.1:0").Options(); err != nil {
		t.Error(err)
	}
}

func TestStartCannotListen(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	f := parse(t, "", "-addr", l.Addr().String(), "-identity-addr", "127.0.0.1:0")
	opts, err := f.Options()
	if err != nil {
		t.Fatal(err)
	}
	if s, err := Start(opts...); err == nil || !strings.Contains(err.Error(), "address already in use") {
		if s != nil {
			s.Close()
		}
		t.Errorf("Start on a taken address: %v, want the listen error", err)
	}
}

// -array-form reaches the server: a comma-reading sandbox refuses repeated keys.
func TestArrayFormFlag(t *testing.T) {
	opts, err := parse(t, "-", "-addr", "127.0.0.1:0", "-array-form", "comma").Options()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/projects/1/jobs?types=50006&types=50007", nil)
	req.Header.Set("Authorization", "Bearer "+s.AccessToken())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "comma separated") {
		t.Errorf("repeated keys to a comma-reading sandbox: %d %s, want 400 naming the form", res.StatusCode, body)
	}
}
