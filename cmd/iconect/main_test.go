package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iconect-go/iconect-go/pkg/auth"
	"github.com/iconect-go/iconect-go/pkg/iconect"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// tenv is a sandbox and the environment pointing the CLI at it, with a
// token file of its own.
type tenv struct {
	srv  *iconecttest.Server
	vars map[string]string
	dir  string
	pid  int64 // the seeded project "Matter"
}

// seedRecords are the records of the seeded project: a long value shows
// that export never cuts one.
var seedRecords = []map[string]string{
	{"DOCID": "DOC-0001", "Title": "Budget memo", "Custodian": "alice"},
	{"DOCID": "DOC-0002", "Title": "Board minutes", "Custodian": "bob"},
	{"DOCID": "DOC-0003", "Title": strings.Repeat("long value ", 30) + "end", "Custodian": "alice"},
}

func newEnv(t *testing.T, opts ...iconecttest.Option) *tenv {
	t.Helper()
	opts = append([]iconecttest.Option{
		iconecttest.WithJobStep(time.Millisecond),
		iconecttest.WithProject(iconecttest.SeedProject{Name: "Matter", Fields: []string{"Title", "Custodian"}, Records: seedRecords}),
	}, opts...)
	srv := iconecttest.NewServer(opts...)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	pid, _ := srv.ProjectID("Matter")
	return &tenv{srv: srv, dir: dir, pid: pid, vars: map[string]string{
		"ICONECT_API_URL":        srv.URL,
		"ICONECT_IDENTITY_URL":   srv.IdentityURL,
		"ICONECT_CLIENT_ID":      srv.Client.ID,
		"ICONECT_CLIENT_SECRET":  srv.Client.Secret,
		"ICONECT_REDIRECT_URL":   srv.Client.RedirectURI,
		"ICONECT_TOKEN_FILE":     filepath.Join(dir, "config", "token.json"),
		"ICONECT_USER_ID":        itoa(srv.User.ID),
		"ICONECT_DATASERVERS_ID": itoa(srv.DataServerID),
	}}
}

// result is one run of the CLI.
type result struct {
	code           int
	stdout, stderr string
}

// run runs the CLI with stdin and args, and checks that its output holds
// no secret: the client secret, the password, a JWT, or the tokens kept
// in the token file.
func (e *tenv) run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return e.runApp(t, &app{stdin: strings.NewReader(stdin)}, args...)
}

func (e *tenv) runApp(t *testing.T, a *app, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a.stdout, a.stderr = &stdout, &stderr
	if a.stdin == nil {
		a.stdin = strings.NewReader("")
	}
	a.getenv = func(k string) string { return e.vars[k] }
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := run(ctx, a, args)
	r := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	e.checkNoSecrets(t, args, r)
	return r
}

func (e *tenv) checkNoSecrets(t *testing.T, args []string, r result) {
	t.Helper()
	secrets := []string{e.srv.Client.Secret, e.srv.User.Password, "eyJ"}
	if s := e.vars["ICONECT_CLIENT_SECRET"]; s != "" {
		secrets = append(secrets, s)
	}
	if s := e.vars["ICONECT_PASSWORD"]; s != "" {
		secrets = append(secrets, s)
	}
	if tok, err := auth.NewFileStore(e.vars["ICONECT_TOKEN_FILE"]).Load(context.Background()); err == nil {
		secrets = append(secrets, tok.AccessToken)
		if tok.RefreshToken != "" {
			secrets = append(secrets, tok.RefreshToken)
		}
	}
	for _, s := range secrets {
		if s != "" && (strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s)) {
			t.Errorf("iconect %s printed a secret (%.6s…):\nstdout: %s\nstderr: %s", strings.Join(args, " "), s, r.stdout, r.stderr)
		}
	}
}

// ok runs the CLI and fails the test unless it exits 0.
func (e *tenv) ok(t *testing.T, args ...string) result {
	t.Helper()
	r := e.run(t, "", args...)
	if r.code != 0 {
		t.Fatalf("iconect %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// okJSON runs the CLI with --output json and decodes its output into v.
func (e *tenv) okJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	r := e.ok(t, append(args, "--output", "json")...)
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("iconect %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, r.stdout)
	}
}

// login signs in with the password grant through the CLI.
func (e *tenv) login(t *testing.T) {
	t.Helper()
	e.vars["ICONECT_PASSWORD"] = e.srv.User.Password
	e.ok(t, "login", "--password", "--username", e.srv.User.Username)
	delete(e.vars, "ICONECT_PASSWORD")
}

// client is an SDK client of the sandbox, to set up and check state.
func (e *tenv) client(t *testing.T) *iconect.Client {
	t.Helper()
	cfg := &auth.Config{IdentityURL: e.srv.IdentityURL, ClientID: e.srv.Client.ID, ClientSecret: e.srv.Client.Secret}
	tok, err := cfg.PasswordToken(context.Background(), e.srv.User.Username, e.srv.User.Password)
	if err != nil {
		t.Fatal(err)
	}
	c, err := iconect.NewClient(e.srv.URL, iconect.WithAuth(cfg, auth.NewMemoryStore(tok)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// golden compares got with testdata/name.golden (rewritten with -update),
// after replacing the sandbox's URLs and the temporary directory.
func (e *tenv) golden(t *testing.T, name, got string) {
	t.Helper()
	if e != nil {
		got = strings.NewReplacer(e.srv.URL, "$API_URL", e.srv.IdentityURL, "$IDENTITY_URL", e.dir, "$DIR").Replace(got)
	}
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/iconect -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (run with -update if the change is right):\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

// oneErrorLine checks that stderr is one line.
func oneErrorLine(t *testing.T, r result) {
	t.Helper()
	if strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("stderr is not one line: %q", r.stderr)
	}
}
