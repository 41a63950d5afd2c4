package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/internal/sandbox"
	"github.com/iconect-go/iconect-go/pkg/auth"
	"github.com/iconect-go/iconect-go/pkg/iconect"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

func TestLoginPasswordLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.vars["ICONECT_PASSWORD"] = e.srv.User.Password
	var out struct {
		LoggedIn  bool   `json:"logged_in"`
		Grant     string `json:"grant"`
		TokenFile string `json:"token_file"`
		Refresh   bool   `json:"refresh_token"`
	}
	e.okJSON(t, &out, "login", "--password", "--username", e.srv.User.Username)
	delete(e.vars, "ICONECT_PASSWORD")
	if !out.LoggedIn || out.Grant != "password" || out.TokenFile != e.vars["ICONECT_TOKEN_FILE"] || !out.Refresh {
		t.Errorf("login = %+v", out)
	}
	st, err := os.Stat(out.TokenFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v, %v; want mode 0600", st, err)
	}
	e.ok(t, "projects", "list")

	// The password from stdin, through --password-file -.
	r := e.run(t, e.srv.User.Password+"\n", "login", "--password", "--username", e.srv.User.Username, "--password-file", "-")
	if r.code != 0 {
		t.Fatalf("login from stdin: %d %s", r.code, r.stderr)
	}
	e.golden(t, "login", r.stdout)
	// And prompted for (stdin is no terminal here: nothing to hide).
	r = e.run(t, e.srv.User.Password+"\n", "login", "--password", "--username", e.srv.User.Username)
	if r.code != 0 || r.stderr != "Password: \n" {
		t.Fatalf("login prompted: %d %q", r.code, r.stderr)
	}

	r = e.ok(t, "logout")
	e.golden(t, "logout", r.stdout)
	if _, err := os.Stat(out.TokenFile); !os.IsNotExist(err) {
		t.Errorf("token file still there after logout: %v", err)
	}
	r = e.run(t, "", "projects", "list")
	if r.code != exitError || !strings.Contains(r.stderr, "run iconect login") {
		t.Errorf("after logout: %d %q", r.code, r.stderr)
	}
	oneErrorLine(t, r)
	var again struct {
		WasIn bool `json:"was_logged_in"`
	}
	e.okJSON(t, &again, "logout")
	if again.WasIn {
		t.Error("a second logout says it was logged in")
	}

	// A wrong password is the provider's refusal: exit 1, a hint, and the
	// wrong password never printed.
	e.vars["ICONECT_PASSWORD"] = "wrong-planted-password"
	r = e.run(t, "", "login", "--password", "--username", e.srv.User.Username)
	if r.code != exitError || !strings.Contains(r.stderr, "invalid_grant") || !strings.Contains(r.stderr, "check the username and password") {
		t.Errorf("wrong password: %d %q", r.code, r.stderr)
	}
}

func TestLoginAuthCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// The user opens the printed URL and pastes where the sandbox sent the
	// browser: the reader plays the user, reading the prompt on stderr.
	var stderr bytes.Buffer
	paste := &pasteReader{prompt: &stderr}
	r := e.runAppStderr(t, &app{stdin: paste}, &stderr, "login")
	if r.code != 0 {
		t.Fatalf("login: %d %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "Open this URL in a browser") || !strings.Contains(r.stdout, "Logged in (authorization_code)") {
		t.Errorf("login output: %q %q", r.stdout, r.stderr)
	}
	e.ok(t, "fields", "list", "--project", itoa(e.pid))
	if e.srv.TokenRequests("authorization_code") != 1 {
		t.Errorf("%d code exchanges, want 1", e.srv.TokenRequests("authorization_code"))
	}

	// Pasting nothing, or another sign-in's URL.
	r = e.run(t, "", "login")
	if r.code != exitUsage || !strings.Contains(r.stderr, "no redirect URL was pasted") {
		t.Errorf("nothing pasted: %d %q", r.code, r.stderr)
	}
	r = e.run(t, e.srv.Client.RedirectURI+"?code=abc&state=forged\n", "login")
	if r.code != exitError || !strings.Contains(r.stderr, "state does not match") {
		t.Errorf("forged state: %d %q", r.code, r.stderr)
	}
	delete(e.vars, "ICONECT_REDIRECT_URL")
	r = e.run(t, "", "login")
	if r.code != exitUsage || !strings.Contains(r.stderr, "ICONECT_REDIRECT_URL") {
		t.Errorf("no redirect URL: %d %q", r.code, r.stderr)
	}
}

func (e *tenv) runAppStderr(t *testing.T, a *app, stderr *bytes.Buffer, args ...string) result {
	t.Helper()
	var stdout bytes.Buffer
	a.stdout, a.stderr = &stdout, stderr
	a.getenv = func(k string) string { return e.vars[k] }
	code := run(context.Background(), a, args)
	r := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	e.checkNoSecrets(t, args, r)
	return r
}

// pasteReader is a user at the login prompt: on the first read it opens
// the URL printed on prompt (the sandbox approves at once) and types the
// URL it was redirected to.
type pasteReader struct {
	prompt *bytes.Buffer
	line   *strings.Reader
}

func (p *pasteReader) Read(b []byte) (int, error) {
	if p.line == nil {
		var authURL string
		for _, l := range strings.Split(p.prompt.String(), "\n") {
			if u := strings.TrimSpace(l); strings.HasPrefix(u, "http") {
				authURL = u
			}
		}
		loc, err := approveInBrowser(context.Background(), &http0, authURL)
		if err != nil {
			return 0, err
		}
		p.line = strings.NewReader(loc + "\n")
	}
	return p.line.Read(b)
}

func TestExpiredLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// No token at all.
	r := e.run(t, "", "projects", "list")
	if r.code != exitError || !strings.Contains(r.stderr, "not logged in, or the login has expired — run iconect login") {
		t.Errorf("no token: %d %q", r.code, r.stderr)
	}
	// An expired token whose refresh token the provider refuses.
	store := auth.NewFileStore(e.vars["ICONECT_TOKEN_FILE"])
	if err := store.Save(context.Background(), &oauth2.Token{AccessToken: "expired-planted-access", RefreshToken: "spent-planted-refresh",
		Expiry: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	r = e.run(t, "", "fields", "list", "--project", itoa(e.pid), "-o", "json")
	if r.code != exitError || r.stdout != "" {
		t.Fatalf("expired: %d %q %q", r.code, r.stdout, r.stderr)
	}
	var p problem
	if err := json.Unmarshal([]byte(r.stderr), &p); err != nil || p.Hint != "run iconect login" || p.Code != 1 {
		t.Errorf("expired, JSON error: %+v %v (%q)", p, err, r.stderr)
	}
	// A token the API refuses (401) asks for a login too.
	if err := store.Save(context.Background(), &oauth2.Token{AccessToken: "not-a-jwt-planted", Expiry: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	r = e.run(t, "", "projects", "list")
	if r.code != exitError || !strings.Contains(r.stderr, "run iconect login") {
		t.Errorf("refused token: %d %q", r.code, r.stderr)
	}
	oneErrorLine(t, r)
}

func TestProjectsAndFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.login(t)
	r := e.ok(t, "projects", "list", "--type", "all")
	e.golden(t, "projects-list", r.stdout)

	var cl iconect.ClientInfo
	e.okJSON(t, &cl, "clients", "create", "--name", "Acme", "--description", "Defendant")
	var p iconect.Project
	e.okJSON(t, &p, "projects", "create", "--name", "Acme v. Roadrunner", "--client", itoa(cl.ID), "--template", itoa(e.srv.TemplateProjectID))
	if p.ID == 0 || p.Name != "Acme v. Roadrunner" {
		t.Errorf("created %+v", p)
	}
	var ps []iconect.Project
	e.okJSON(t, &ps, "projects", "list")
	if len(ps) != 2 || ps[1].ID != p.ID {
		t.Errorf("projects list = %+v", ps)
	}
	r = e.ok(t, "projects", "create", "--name", "Second", "--client", itoa(cl.ID))
	if !strings.HasPrefix(r.stdout, "Created project ") {
		t.Errorf("projects create: %q", r.stdout)
	}

	r = e.ok(t, "fields", "list", "--project", itoa(e.pid))
	e.golden(t, "fields-list", r.stdout)
	var fields []iconect.Field
	e.vars["ICONECT_PROJECT_ID"] = itoa(e.pid)
	e.okJSON(t, &fields, "fields", "list")
	if len(fields) != 4 || str(fields[2].Name) != "Title" {
		t.Errorf("fields = %+v", fields)
	}
}

func TestRecordsListExport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.login(t)
	e.vars["ICONECT_PROJECT_ID"] = itoa(e.pid)
	r := e.ok(t, "records", "list", "--fields", "docid,title")
	e.golden(t, "records-list", r.stdout)
	var list []recordOut
	e.okJSON(t, &list, "records", "list", "--limit", "2")
	if len(list) != 2 || list[1].Values["Custodian"] != "bob" {
		t.Errorf("records list = %+v", list)
	}

	// CSV to stdout: every record, the long value whole.
	r = e.ok(t, "records", "export", "--fields", "DOCID,Title")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(rows) != 4 || rows[0][0] != "DOCID" || rows[3][1] != seedRecords[2]["Title"] {
		t.Errorf("export csv: %v %q", err, r.stdout)
	}
	// JSON to a file, every page (page size 1 would be a walk of 3 pages:
	// the SDK pages; here all fit one).
	out := filepath.Join(e.dir, "export.json")
	var sum struct {
		Records int    `json:"records"`
		Format  string `json:"format"`
	}
	e.okJSON(t, &sum, "records", "export", "--format", "json", "--out", out)
	var recs []recordOut
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &recs); err != nil || len(recs) != 3 || sum.Records != 3 || recs[2].Values["Title"] != seedRecords[2]["Title"] {
		t.Errorf("export json: %v %+v %s", err, sum, b)
	}
	// --output json without --out streams JSON records to stdout.
	var all []recordOut
	e.okJSON(t, &all, "records", "export")
	if len(all) != 3 {
		t.Errorf("export to stdout as JSON: %d records", len(all))
	}
	r = e.ok(t, "records", "export", "--out", filepath.Join(e.dir, "x.csv"))
	e.golden(t, "records-export-summary", r.stdout)

	// An unknown field is bad input.
	r = e.run(t, "", "records", "list", "--fields", "Nope")
	if r.code != exitUsage || !strings.Contains(r.stderr, `no field "Nope"`) {
		t.Errorf("unknown field: %d %q", r.code, r.stderr)
	}
}

func TestRecordsImportViewDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.login(t)
	e.vars["ICONECT_PROJECT_ID"] = itoa(e.pid)
	file := filepath.Join(e.dir, "in.csv")
	if err := os.WriteFile(file, []byte("Title,Who,Extra\nScanned letter,carol,x\nFax,dave,y\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var imp struct {
		JobID   int64    `json:"job_id"`
		Status  string   `json:"status"`
		Added   int64    `json:"added_record_count"`
		Ignored []string `json:"ignored_columns"`
	}
	e.okJSON(t, &imp, "records", "import", "--path", "imports/in.csv", "--poll", "2ms", "--column", "Who=custodian", "--ignore-unknown-columns", file)
	if imp.Status != "Finished" || imp.Added != 2 || len(imp.Ignored) != 1 || imp.Ignored[0] != "Extra" {
		t.Errorf("import = %+v", imp)
	}
	// Text output, and its progress on stderr as plain lines.
	r := e.ok(t, "records", "import", "--path", "imports/in.csv", "--poll", "2ms", "--ignore-unknown-columns", "--column", "Who=Custodian", file)
	if !strings.HasPrefix(r.stdout, "Imported 2 records (job ") || strings.Contains(r.stderr, "\r") || !strings.Contains(r.stderr, "Finished") {
		t.Errorf("import text: %q / %q", r.stdout, r.stderr)
	}
	r = e.run(t, "", "records", "import", "--poll", "2ms", file)
	if r.code != exitUsage || !strings.Contains(r.stderr, "Who") || !strings.Contains(r.stderr, "--ignore-unknown-columns") {
		t.Errorf("unknown columns: %d %q", r.code, r.stderr)
	}

	// jobs list / get / wait on the finished import.
	var jobs []iconect.Job
	e.okJSON(t, &jobs, "jobs", "list")
	if len(jobs) != 2 {
		t.Fatalf("jobs = %+v", jobs)
	}
	r = e.ok(t, "jobs", "list")
	e.golden(t, "jobs-list", r.stdout)
	r = e.ok(t, "jobs", "get", "--job", itoa(imp.JobID))
	e.golden(t, "jobs-get", r.stdout)
	var waited iconect.Job
	e.okJSON(t, &waited, "jobs", "wait", "--job", itoa(imp.JobID), "--poll", "1ms")
	if waited.Status != iconect.JobStatusFinished {
		t.Errorf("jobs wait = %v", waited.Status)
	}
	r = e.run(t, "", "jobs", "stop", "--job", itoa(imp.JobID))
	if r.code != exitError || !strings.Contains(r.stderr, "only a running job can be stopped") {
		t.Errorf("stopping a finished job: %d %q", r.code, r.stderr)
	}
	oneErrorLine(t, r)

	// A view of the new records, deleted by view.
	var view struct {
		ViewID int64 `json:"view_id"`
	}
	e.okJSON(t, &view, "views", "create", "--search", "carol", "--expires", "1h")
	r = e.run(t, "", "records", "delete", "--view", itoa(view.ViewID))
	if r.code != exitUsage || !strings.Contains(r.stderr, "--yes") {
		t.Errorf("delete without --yes: %d %q", r.code, r.stderr)
	}
	var del iconect.Job
	e.okJSON(t, &del, "records", "delete", "--view", itoa(view.ViewID), "--yes", "--poll", "1ms")
	if del.Status != iconect.JobStatusFinished || !strings.Contains(str(del.StatusMessage), "2 records deleted") {
		t.Errorf("delete = %v %q", del.Status, str(del.StatusMessage))
	}
	var left []recordOut
	e.okJSON(t, &left, "records", "export")
	if len(left) != 5 { // 3 seeded + 2 + 2 imported - 2 deleted
		t.Errorf("%d records left, want 5", len(left))
	}
	r = e.ok(t, "views", "create", "--records", recID(left0(t, e)), "--invert")
	if !strings.HasPrefix(r.stdout, "Created view ") {
		t.Errorf("views create: %q", r.stdout)
	}
}

func recID(r iconect.Record) string { return itoa(*r.ID) }

// left0 is the first record of the seeded project.
func left0(t *testing.T, e *tenv) iconect.Record {
	t.Helper()
	recs, err := e.client(t).Records.List(context.Background(), e.pid, nil)
	if err != nil || len(recs) == 0 {
		t.Fatal(err)
	}
	return recs[0]
}

func TestJobsWaitAndStop(t *testing.T) {
	t.Parallel()
	e := newEnv(t, iconecttest.WithJobStep(time.Hour)) // never moves on by itself
	e.login(t)
	c := e.client(t)
	ctx := context.Background()
	req, _ := iconect.NewMassActionDeleteJob("Clean up", iconect.MassActionDeleteJob{DeleteActiveData: true})
	job, err := c.Jobs.Create(ctx, e.pid, req)
	if err != nil {
		t.Fatal(err)
	}
	view, _ := c.Views.Create(ctx, e.pid, iconect.ViewOfSearch("memo"))
	if err := c.Jobs.Start(ctx, e.pid, job.ID, &iconect.StartOptions{ViewID: view}); err != nil {
		t.Fatal(err)
	}
	e.vars["ICONECT_PROJECT_ID"] = itoa(e.pid)
	r := e.run(t, "", "jobs", "wait", "--job", itoa(job.ID), "--poll", "1ms", "--timeout", "20ms")
	if r.code != exitError || !strings.Contains(r.stderr, "did not end in time") {
		t.Errorf("wait with timeout: %d %q", r.code, r.stderr)
	}
	r = e.ok(t, "jobs", "stop", "--job", itoa(job.ID))
	e.golden(t, "jobs-stop", r.stdout)
	r = e.run(t, "", "jobs", "wait", "--job", itoa(job.ID), "--poll", "1ms")
	if r.code != exitError || !strings.Contains(r.stderr, "ended Stopped") {
		t.Errorf("wait on a stopped job: %d %q", r.code, r.stderr)
	}
}

func TestUpload(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.login(t)
	e.vars["ICONECT_PROJECT_ID"] = itoa(e.pid)
	data := bytes.Repeat([]byte("0123456789abcdef"), 40000) // 625 KiB
	file := filepath.Join(e.dir, "production.dat")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var up struct {
		StoreID int64  `json:"file_store_id"`
		Path    string `json:"path"`
		Bytes   int64  `json:"bytes"`
	}
	e.okJSON(t, &up, "upload", "--path", "in/production.dat", file)
	if got, ok := e.srv.StoredFile(e.pid, up.StoreID, "in/production.dat"); !ok || !bytes.Equal(got, data) || up.Bytes != int64(len(data)) {
		t.Errorf("stored %d bytes (%v), want %d", len(got), ok, len(data))
	}
	r := e.ok(t, "upload", "--store", "native file upload", file)
	if !strings.Contains(r.stdout, "at production.dat") || !strings.Contains(r.stderr, "100%") || strings.Contains(r.stderr, "\r") {
		t.Errorf("upload text: %q / %q", r.stdout, r.stderr)
	}
	// A native file, in the project's native field.
	var native struct {
		RecordID int64 `json:"record_id"`
		FieldID  int64 `json:"field_id"`
	}
	recs, _ := e.client(t).Records.List(context.Background(), e.pid, nil)
	e.okJSON(t, &native, "upload", "--record", itoa(*recs[0].ID), file)
	if got, ok := e.srv.NativeFile(e.pid, *recs[0].ID, native.FieldID); !ok || !bytes.Equal(got, data) {
		t.Errorf("native file: %d bytes, %v", len(got), ok)
	}
	r = e.run(t, "", "upload", "--store", "Nope", file)
	if r.code != exitUsage || !strings.Contains(r.stderr, `no file store "Nope"`) {
		t.Errorf("unknown store: %d %q", r.code, r.stderr)
	}
	r = e.run(t, "", "upload", "--record", "999999", file)
	if r.code != exitError || !strings.Contains(r.stderr, "HTTP 404") {
		t.Errorf("unknown record: %d %q", r.code, r.stderr)
	}
}

func TestUploadResume(t *testing.T) {
	t.Parallel()
	// The 4th chunk is refused (a 400 is not retried): the upload fails
	// with 3 chunks in, and the same command run again sends the other 7.
	e := newEnv(t, iconecttest.WithFaults(iconecttest.Fault{Operation: "uploadFileStoreFile", Kind: iconecttest.FaultStatus, Status: 400, Requests: []int{4}}))
	e.login(t)
	e.vars["ICONECT_PROJECT_ID"] = itoa(e.pid)
	data := bytes.Repeat([]byte("resume me please"), 40000) // 625 KiB: 10 chunks of 64 KiB
	file := filepath.Join(e.dir, "big.dat")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"upload", "--chunk-size", "64KiB", "--threshold", "64KiB", "--path", "big.dat", file}
	r := e.run(t, "", args...)
	if r.code != exitError || !strings.Contains(r.stderr, "3 of 10 chunks arrived: run the same command again to resume from chunk 4") {
		t.Fatalf("failed upload: %d %q", r.code, r.stderr)
	}
	e.srv.SetFaults()
	r = e.ok(t, args...)
	if !strings.Contains(r.stderr, "resuming big.dat from chunk 4 of 10") {
		t.Errorf("resume: %q", r.stderr)
	}
	stores, _ := e.client(t).FileStores.List(context.Background(), e.pid)
	if got, ok := e.srv.StoredFile(e.pid, stores[0].ID, "big.dat"); !ok || !bytes.Equal(got, data) {
		t.Errorf("stored %d bytes (%v), want %d", len(got), ok, len(data))
	}
	if n := e.srv.RequestCount("uploadFileStoreFile"); n != 11 {
		t.Errorf("%d upload requests, want 3 + 1 refused + 7", n)
	}
	// Done: the state is gone, so the next run starts over.
	if m, _ := filepath.Glob(filepath.Join(e.dir, "config", "uploads", "*.json")); len(m) != 0 {
		t.Errorf("states left: %v", m)
	}
	r = e.run(t, "", "upload", "--chunk-size", "1KiB", file)
	if r.code != exitUsage || !strings.Contains(r.stderr, "at least 64KiB") {
		t.Errorf("small chunks: %d %q", r.code, r.stderr)
	}
}

func TestBatches(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.login(t)
	c := e.client(t)
	ctx := context.Background()
	set, err := c.BatchSets.Create(ctx, e.pid, iconect.BatchSetRequest{Name: iconect.Ptr("First pass")})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Batches.Create(ctx, e.pid, iconect.CreateBatchesRequest{Batch: &iconect.CreateBatchStruct{
		Type: iconect.Ptr(int32(0)), BatchSize: iconect.Ptr(int32(2)), Prefix: iconect.Ptr("REV"), BatchSetID: iconect.Ptr(set.ID)}}); err != nil {
		t.Fatal(err)
	}
	e.vars["ICONECT_PROJECT_ID"] = itoa(e.pid)
	r := e.ok(t, "batches", "list")
	e.golden(t, "batches-list", r.stdout)
	var batches []iconect.Batch
	e.okJSON(t, &batches, "batches", "list", "--set", itoa(set.ID))
	if len(batches) != 2 {
		t.Fatalf("batches = %+v", batches)
	}
	reviewer := e.srv.Reviewers[0].ID
	r = e.ok(t, "batches", "assign", "--batches", itoa(batches[0].BatchID)+","+itoa(batches[1].BatchID), "--user-id", itoa(reviewer))
	e.golden(t, "batches-assign", r.stdout)
	var ci struct {
		Status string `json:"status"`
	}
	e.okJSON(t, &ci, "batches", "check-in", "--batch", itoa(batches[0].BatchID), "--status", "complete")
	if ci.Status != "COMPLETE" {
		t.Errorf("check-in = %+v", ci)
	}
	var done, assigned []iconect.Batch
	e.okJSON(t, &done, "batches", "list", "--state", "completed", "--user", itoa(reviewer))
	e.okJSON(t, &assigned, "batches", "list", "--state", "assigned")
	if len(done) != 1 || done[0].BatchID != batches[0].BatchID || len(assigned) != 2 {
		t.Errorf("completed %+v, assigned %d", done, len(assigned))
	}
	// Assigning to yourself takes ICONECT_USER_ID.
	r = e.ok(t, "batches", "check-in", "--batch", itoa(batches[1].BatchID), "--status", "available")
	if !strings.Contains(r.stdout, "as AVAILABLE") {
		t.Errorf("check-in text: %q", r.stdout)
	}
	var me struct {
		UserID int64 `json:"user_id"`
	}
	e.okJSON(t, &me, "batches", "assign", "--batches", itoa(batches[1].BatchID))
	if me.UserID != e.srv.User.ID {
		t.Errorf("assigned to %d, want %d", me.UserID, e.srv.User.ID)
	}
}

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.login(t)
	r := e.run(t, "", "fields", "list", "--project", "424242")
	if r.code != exitError {
		t.Errorf("exit %d", r.code)
	}
	oneErrorLine(t, r)
	e.golden(t, "error-not-found", r.stderr)
	r = e.run(t, "", "fields", "list", "--project", "424242", "--output", "json")
	var p problem
	if err := json.Unmarshal([]byte(r.stderr), &p); err != nil || p.Status != 404 || p.Code != 1 || p.Hint == "" {
		t.Errorf("JSON error: %+v %v", p, err)
	}
	// The API down: a clear line naming the URL.
	e.vars["ICONECT_API_URL"] = "http://127.0.0.1:1"
	r = e.run(t, "", "projects", "list")
	if r.code != exitError || !strings.Contains(r.stderr, "cannot reach the API at http://127.0.0.1:1") {
		t.Errorf("API down: %d %q", r.code, r.stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.login(t)
	missing := filepath.Join(e.dir, "missing.csv")
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{nil, nil, "Usage: iconect"},
		{[]string{"frobnicate"}, nil, `unknown command "frobnicate"`},
		{[]string{"projects"}, nil, "projects needs a subcommand: list, create"},
		{[]string{"projects", "delete"}, nil, `unknown command "projects delete"`},
		{[]string{"projects", "list", "--bogus"}, nil, "flag provided but not defined: -bogus"},
		{[]string{"projects", "list", "--type", "x"}, nil, `--type "x"`},
		{[]string{"projects", "list", "extra"}, nil, `unexpected argument "extra"`},
		{[]string{"projects", "list", "--output", "xml"}, nil, `--output "xml"`},
		{[]string{"projects", "create", "--name", "x"}, nil, "--client is required"},
		{[]string{"fields", "list"}, nil, "--project (or ICONECT_PROJECT_ID) is required"},
		{[]string{"fields", "list", "--project", "abc"}, nil, "invalid value"},
		{[]string{"fields", "list"}, map[string]string{"ICONECT_PROJECT_ID": "abc"}, "ICONECT_PROJECT_ID=\"abc\" is not a positive integer"},
		{[]string{"fields", "list", "--project", "-3"}, nil, "--project must be positive"},
		{[]string{"projects", "list"}, map[string]string{"ICONECT_API_URL": "ftp://x"}, "is not an http(s) URL"},
		{[]string{"projects", "list"}, map[string]string{"ICONECT_API_URL": ""}, "no api url: give --api-url or ICONECT_API_URL"},
		{[]string{"projects", "list"}, map[string]string{"ICONECT_CLIENT_ID": ""}, "no OAuth client"},
		{[]string{"records", "list", "--project", "1", "--limit", "0"}, nil, "--limit must be positive"},
		{[]string{"records", "export", "--project", "1", "--format", "xml"}, nil, `--format "xml"`},
		{[]string{"records", "import", "--project", "1"}, nil, "give the CSV file"},
		{[]string{"records", "import", "--project", "1", missing}, nil, "cannot open"},
		{[]string{"records", "import", "--project", "1", "--column", "nofield", "x.csv"}, nil, "HEADER=FIELD"},
		{[]string{"records", "delete", "--project", "1"}, nil, "--view is required"},
		{[]string{"upload", "--project", "1", missing}, nil, "no such file"},
		{[]string{"upload", "--project", "1", "--field", "3", "x"}, nil, "--field goes with --record"},
		{[]string{"jobs", "get", "--project", "1"}, nil, "--job is required"},
		{[]string{"jobs", "wait", "--project", "1", "--job", "1", "--poll", "0s"}, nil, "--poll must be positive"},
		{[]string{"batches", "list", "--project", "1", "--state", "x"}, nil, `--state "x"`},
		{[]string{"batches", "assign", "--project", "1"}, nil, "--batches is required"},
		{[]string{"batches", "assign", "--project", "1", "--batches", "1,x"}, nil, `"x" is not a positive integer ID`},
		{[]string{"batches", "assign", "--project", "1", "--batches", "1"}, map[string]string{"ICONECT_USER_ID": ""}, "--user-id (or ICONECT_USER_ID) is required"},
		{[]string{"batches", "check-in", "--project", "1", "--batch", "1", "--status", "done"}, nil, `--status "done"`},
		{[]string{"views", "create", "--project", "1"}, nil, "exactly one of --records and --search"},
		{[]string{"views", "create", "--project", "1", "--records", "1", "--search", "x"}, nil, "exactly one of --records and --search"},
		{[]string{"login", "--username", "x"}, nil, "go with --password"},
		{[]string{"login", "--password"}, nil, "--password needs --username"},
		{[]string{"login", "--password", "--username", "u", "--password-file", missing}, nil, "cannot read"},
		{[]string{"demo", "--records", "0"}, nil, "--records must be from 1"},
		{[]string{"sandbox", "--job-step", "0s"}, nil, "--job-step must be positive"},
		{[]string{"sandbox", "--token-lifetime", "0s"}, nil, "--token-lifetime must be positive"},
		{[]string{"sandbox", "--latency", "-1s"}, nil, "--latency must not be negative"},
		{[]string{"sandbox", "--addr", "127.0.0.1:65535"}, nil, "give --identity-addr"},
		{[]string{"sandbox", "--fault", "getJob:teapot"}, nil, `unknown fault kind "teapot"`},
		{[]string{"sandbox", "-fault", "getjob:503"}, nil, `did you mean "getJob"`},
		{[]string{"sandbox", "--seed-data", missing}, nil, "--seed-data: open"},
	} {
		saved := map[string]string{}
		for k, v := range tc.env {
			saved[k] = e.vars[k]
			e.vars[k] = v
		}
		r := e.run(t, "", tc.args...)
		for k, v := range saved {
			e.vars[k] = v
		}
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("iconect %s: exit %d, stderr %q, stdout %q; want 2 and %q", strings.Join(tc.args, " "), r.code, r.stderr, r.stdout, tc.want)
		}
		if tc.args != nil && strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("iconect %s: the error is not one line: %q", strings.Join(tc.args, " "), r.stderr)
		}
	}
	// A usage error asked for as JSON.
	r := e.run(t, "", "fields", "list", "-o", "json")
	var p problem
	if err := json.Unmarshal([]byte(r.stderr), &p); err != nil || p.Code != exitUsage {
		t.Errorf("JSON usage error: %+v %v %q", p, err, r.stderr)
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.ok(t, "help")
	e.golden(t, "help", r.stdout)
	r = e.ok(t, "records", "export", "-h")
	e.golden(t, "help-records-export", r.stdout)
	for _, c := range commands {
		r := e.ok(t, append(strings.Fields(c.name), "-h")...)
		if !strings.HasPrefix(r.stdout, "Usage: iconect "+c.name) {
			t.Errorf("%s -h: %q", c.name, r.stdout)
		}
	}
}

func TestSandbox(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := newPipe()
	var stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: pw, stderr: &stderr, getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	seed := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(seed, []byte(`[{"name": "Acme", "fields": ["Custodian"], "records": [{"Custodian": "J. Smith"}]}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		done <- run(ctx, a, []string{"sandbox", "--addr", "127.0.0.1:0", "-o", "json",
			"--seed-data", seed, "--fault", "listProjects:404:@1", "--password-refresh=false", "--token-lifetime", "5m"})
	}()
	line, err := pr.line()
	if err != nil {
		t.Fatal(err)
	}
	var info sandbox.Info
	if err := json.Unmarshal([]byte(line), &info); err != nil || info.APIURL == "" || info.PublicClientID == "" {
		t.Fatalf("banner %q: %v", line, err)
	}
	// The CLI works against it.
	e := &tenv{srv: nil, dir: t.TempDir(), vars: map[string]string{
		"ICONECT_API_URL": info.APIURL, "ICONECT_IDENTITY_URL": info.IdentityURL, "ICONECT_CLIENT_ID": info.PublicClientID,
		"ICONECT_REDIRECT_URL": info.PublicRedirectURI,
	}}
	e.vars["ICONECT_TOKEN_FILE"] = filepath.Join(e.dir, "token.json")
	var stdout, errb bytes.Buffer
	la := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &errb, getenv: func(k string) string { return e.vars[k] },
		authorize: func(ctx context.Context, u string) (string, error) { return approveInBrowser(ctx, &http0, u) }}
	if code := run(ctx, la, []string{"login"}); code != 0 {
		t.Fatalf("login against the sandbox: %d %s", code, errb.String())
	}
	// --fault answers the first listProjects with a 404 (not retried).
	stdout.Reset()
	if code := run(ctx, la, []string{"projects", "list", "--type", "all"}); code != 1 || !strings.Contains(errb.String(), "404") {
		t.Errorf("projects list with the injected fault: %d %q", code, errb.String())
	}
	// --seed-data made Acme.
	stdout.Reset()
	if code := run(ctx, la, []string{"projects", "list", "--type", "all"}); code != 0 ||
		!strings.Contains(stdout.String(), itoa(info.TemplateProjectID)) || !strings.Contains(stdout.String(), "Acme") {
		t.Errorf("projects list against the sandbox: %d %q", code, stdout.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("sandbox exit %d: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the sandbox did not stop")
	}

	// Text output, and an address in use.
	var out bytes.Buffer
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	a2 := &app{stdout: &out, stderr: &bytes.Buffer{}, getenv: func(string) string { return "" }}
	if code := run(ctx2, a2, []string{"sandbox", "--addr", "127.0.0.1:0", "--identity-addr", "127.0.0.1:0"}); code != 0 ||
		!strings.Contains(out.String(), "export ICONECT_API_URL=http://127.0.0.1:") || strings.Contains(out.String(), "test-client-secret") {
		t.Errorf("sandbox text: %d %q", code, out.String())
	}
}
