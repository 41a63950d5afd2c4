package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/iconect-go/iconect-go/internal/sandbox"
	"github.com/iconect-go/iconect-go/pkg/auth"
	"github.com/iconect-go/iconect-go/pkg/chunkupload"
	"github.com/iconect-go/iconect-go/pkg/iconect"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

func cmdDemo(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("demo", "[flags]", `Starts an embedded sandbox (a fake iCONECT tenant on loopback: no set-up, no
network), signs in with the authorization code and PKCE, and walks a review
workflow with the SDK: client, project, fields, panel and folders, a CSV upload,
a delimited import job with live progress, a view, a batch set and batches,
assigning and checking in, a native file upload, and a summary of what was
made. It never prompts; progress is drawn in place on a terminal and as plain
lines elsewhere.`)
	rows := fs.Int("records", 1500, "the `number` of records the demo imports")
	step := fs.Duration("job-step", 40*time.Millisecond, "how long the sandbox's jobs take per step of 100 records")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if *rows < 1 || *rows > 100000 {
		return usagef("demo: --records must be from 1 to 100000, not %d", *rows)
	}
	if *step <= 0 {
		return usagef("demo: --job-step must be positive")
	}
	d := &demo{a: a, g: g, rows: *rows, quiet: g.json()}
	d.prog = newProgress(a.stdout, a.stdoutTTY, d.quiet)
	start := time.Now()
	srv, err := sandbox.Start(iconecttest.WithJobStep(*step))
	if err != nil {
		return fmt.Errorf("cannot start the sandbox: %v", err)
	}
	defer srv.Close()
	if err := d.run(ctx, srv); err != nil {
		return err
	}
	if d.quiet {
		return writeJSON(a.stdout, struct {
			Created []summaryRow `json:"created"`
			Seconds float64      `json:"seconds"`
		}{d.summary, time.Since(start).Seconds()})
	}
	d.say("")
	d.say("What the demo made:")
	d.say("")
	rowsOut := make([][]string, 0, len(d.summary))
	for _, r := range d.summary {
		rowsOut = append(rowsOut, []string{r.What, r.Name, r.ID, r.Detail})
	}
	if err := table(a.stdout, []string{"WHAT", "NAME", "ID", "DETAIL"}, rowsOut); err != nil {
		return err
	}
	d.say("")
	d.say("Done in %.1fs. The sandbox is gone; run iconect sandbox for one that stays.", time.Since(start).Seconds())
	return nil
}

// demo is one run of the demo.
type demo struct {
	a       *app
	g       *globals
	rows    int
	quiet   bool // --output json: no narration
	prog    *progress
	n       int
	summary []summaryRow
}

type summaryRow struct {
	What   string `json:"what"`
	Name   string `json:"name"`
	ID     string `json:"id"`
	Detail string `json:"detail"`
}

func (d *demo) say(format string, args ...any) {
	if d.quiet {
		return
	}
	_, _ = fmt.Fprintf(d.a.stdout, format+"\n", args...)
}

// stepf narrates a numbered step.
func (d *demo) stepf(format string, args ...any) {
	d.n++
	d.say("%2d. %s", d.n, fmt.Sprintf(format, args...))
}

func (d *demo) made(what, name string, id any, detail string, args ...any) {
	d.summary = append(d.summary, summaryRow{What: what, Name: name, ID: fmt.Sprint(id), Detail: fmt.Sprintf(detail, args...)})
}

// demo data: custodians, subjects and types the CSV rows cycle through.
var (
	demoCustodians = []string{"Wile E. Coyote", "Road Runner", "Acme Legal", "Acme Finance", "Acme Shipping"}
	demoSubjects   = []string{"Q3 budget forecast", "Rocket skates order", "Privileged: advice on the Roadrunner claim",
		"Board minutes", "Shipping manifest", "Anvil supplier contract", "Budget variance", "Privileged: draft settlement terms"}
	demoTypes = []string{"Email", "Memo", "Spreadsheet", "Contract"}
)

// demoCSV is the demo's import file: a header and n rows.
func demoCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("DOCID,Custodian,Subject,Doc Date,Doc Type\n")
	day := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	for i := range n {
		fmt.Fprintf(&b, "ACME-%06d,%s,%q,%s,%s\n", i+1, demoCustodians[i%len(demoCustodians)], demoSubjects[i%len(demoSubjects)],
			day.AddDate(0, 0, i%365).Format("2006-01-02"), demoTypes[i%len(demoTypes)])
	}
	return b.Bytes()
}

func (d *demo) run(ctx context.Context, srv *iconecttest.Server) error {
	d.say("iCONECT SDK demo: a review workflow against an embedded sandbox (loopback only, nothing to set up)")
	d.say("")
	d.stepf("Sandbox running: API %s, identity provider %s", srv.URL, srv.IdentityURL)

	// Sign in as a CLI would: authorization code + PKCE with the public
	// client. The sandbox approves at once; the demo plays the browser.
	cfg := &auth.Config{IdentityURL: srv.IdentityURL, ClientID: srv.PublicClient.ID, RedirectURL: srv.PublicClient.RedirectURI}
	req, err := cfg.StartAuthCode()
	if err != nil {
		return err
	}
	redirected, err := approveInBrowser(ctx, http.DefaultClient, req.URL)
	if err != nil {
		return err
	}
	tok, err := cfg.FinishAuthCodeURL(ctx, req, redirected)
	if err != nil {
		return err
	}
	c, err := iconect.NewClient(srv.URL, iconect.WithAuth(cfg, auth.NewMemoryStore(tok)), iconect.WithUserAgent("iconect-cli-demo"))
	if err != nil {
		return err
	}
	d.stepf("Signed in as %s with the authorization code + PKCE (the sandbox approved at once; the token stays in memory)", srv.User.Username)

	cl, err := c.Clients.Create(ctx, iconect.ClientRequest{Name: "Acme Corporation", Description: "Defendant", State: iconect.StateActive})
	if err != nil {
		return err
	}
	d.stepf("Client %q created (ID %d)", cl.Name, cl.ID)
	d.made("client", cl.Name, cl.ID, "")

	p, err := c.Projects.Create(ctx, iconect.CreateProjectRequest{Name: iconect.Ptr("Acme v. Roadrunner"),
		Description: iconect.Ptr("Document review"), ClientID: cl.ID, DataserversID: srv.DataServerID})
	if err != nil {
		return err
	}
	pid := p.ID
	d.stepf("Project %q created (ID %d)", p.Name, pid)
	d.made("project", p.Name, pid, "client %d", cl.ID)

	var reqs []iconect.FieldRequest
	for _, n := range []string{"Custodian", "Subject", "Doc Date", "Doc Type"} {
		reqs = append(reqs, iconect.FieldRequest{Name: iconect.Ptr(n), Type: iconect.Ptr(iconect.FieldTypeValue0), Length: iconect.Ptr(int32(255))})
	}
	if _, err := c.Fields.Create(ctx, pid, reqs); err != nil {
		return err
	}
	ids, err := c.Fields.FieldIDs(ctx, pid)
	if err != nil {
		return err
	}
	d.stepf("Fields created: Custodian, Subject, Doc Date, Doc Type (the project has %d fields)", len(ids))
	d.made("fields", "Custodian, Subject, Doc Date, Doc Type", fmt.Sprintf("%d-%d", ids["Custodian"], ids["Doc Type"]), "+ DOCID and Native File")

	panel, err := c.Panels.Create(ctx, pid, iconect.CreatePanelRequest{Name: iconect.Ptr("Review"), Type: iconect.Ptr(iconect.PanelTypeValue0)})
	if err != nil {
		return err
	}
	folders := map[string]int64{}
	for _, n := range []string{"Hot", "Privileged", "Not Responsive"} {
		f, err := c.Folders.Create(ctx, pid, panel.ID, iconect.FolderRequest{Name: iconect.Ptr(n)})
		if err != nil {
			return err
		}
		folders[n] = f.ID
	}
	d.stepf("Panel %q with folders Hot, Privileged, Not Responsive", str(panel.Name))
	d.made("panel", str(panel.Name), panel.ID, "3 folders: Hot, Privileged, Not Responsive")

	// The import file goes to the General file store, with progress.
	stores, err := c.FileStores.List(ctx, pid)
	if err != nil {
		return err
	}
	storeID := int64(0)
	for _, s := range stores {
		if str(s.Name) == "General" {
			storeID = s.ID
		}
	}
	if storeID == 0 {
		return errors.New("the sandbox's project has no General file store")
	}
	data := demoCSV(d.rows)
	const csvPath = "imports/acme-documents.csv"
	// Chunks of 64 KiB (the least chunkupload allows), always chunked,
	// so that even the demo's small file shows chunking at work.
	how, err := d.upload("uploading "+csvPath, data, func(r io.Reader, size int64, progress func(chunkupload.Progress)) error {
		return c.FileStores.Upload(ctx, pid, storeID, csvPath, r, size, &iconect.UploadOptions{ContentType: "text/csv",
			ChunkSize: chunkupload.MinChunkSize, Threshold: -1, Progress: progress})
	})
	if err != nil {
		return err
	}
	d.stepf("CSV of %d rows (%s) uploaded to the General file store at %s (%s)", d.rows, bytesText(int64(len(data))), csvPath, how)
	d.made("file", csvPath, fmt.Sprintf("store %d", storeID), "%s, %d rows", bytesText(int64(len(data))), d.rows)

	// The delimited import job, polled until it ends, its progress live.
	jobReq, err := iconect.NewDelimitedImportJob("Import Acme documents", iconect.DelimitedImportJob{
		FileStoreID: iconect.Ptr(storeID), InputFile: csvPath,
		MapFileColumnToFieldID: map[string]int64{"0": ids["DOCID"], "1": ids["Custodian"], "2": ids["Subject"], "3": ids["Doc Date"], "4": ids["Doc Type"]},
	})
	if err != nil {
		return err
	}
	d.say("    Import job running:")
	job, err := c.Jobs.Run(ctx, pid, jobReq, nil, &iconect.WaitOptions{MinDelay: 20 * time.Millisecond, MaxDelay: 200 * time.Millisecond,
		OnChange: func(j iconect.Job) { d.prog.update("    " + jobLine(j)) }})
	if job != nil {
		d.prog.done("    " + jobLine(*job))
	}
	if err != nil {
		return err
	}
	res, err := iconect.DelimitedImportResultsOf(*job)
	if err != nil || res == nil {
		return fmt.Errorf("the import job has no results: %v", err)
	}
	d.stepf("Import job %d %s: %d records added", job.ID, job.Status, res.AddedRecordCount)
	d.made("import job", str(job.Name), job.ID, "%s, %d records added", job.Status, res.AddedRecordCount)

	// A view of what a search finds; its records are filed and batched.
	viewID, err := c.Views.Create(ctx, pid, iconect.ViewOfSearch("privileged"))
	if err != nil {
		return err
	}
	var inView []int64
	for r, err := range c.Records.All(ctx, pid, &iconect.ListRecordsOptions{ViewID: viewID, FieldIDs: []int64{ids["DOCID"]}}) {
		if err != nil {
			return err
		}
		inView = append(inView, *r.ID)
	}
	if len(inView) == 0 {
		return errors.New("the view holds no records")
	}
	if err := c.Folders.AddRecords(ctx, pid, panel.ID, folders["Privileged"], inView); err != nil {
		return err
	}
	d.stepf("View %d of the search %q: %d records, filed in the Privileged folder", viewID, "privileged", len(inView))
	d.made("view", `search "privileged"`, viewID, "%d records, filed in Privileged", len(inView))

	set, err := c.BatchSets.Create(ctx, pid, iconect.BatchSetRequest{Name: iconect.Ptr("Privilege review"), Description: iconect.Ptr("First pass")})
	if err != nil {
		return err
	}
	const batchSize = 50
	if err := c.Batches.Create(ctx, pid, iconect.CreateBatchesRequest{ViewID: iconect.Ptr(viewID), Batch: &iconect.CreateBatchStruct{
		Type: iconect.Ptr(iconect.ArbitraryBatchType), BatchSize: iconect.Ptr(int32(batchSize)), Prefix: iconect.Ptr("PRIV"), BatchSetID: iconect.Ptr(set.ID)}}); err != nil {
		return err
	}
	var batches []iconect.Batch
	for b, err := range c.Batches.AllUnassigned(ctx, pid, iconect.BatchFilter{}, &iconect.BatchPageOptions{BatchSetID: set.ID}) {
		if err != nil {
			return err
		}
		batches = append(batches, b)
	}
	if len(batches) == 0 {
		return errors.New("no batches were made")
	}
	d.stepf("Batch set %q (ID %d) with %d batches of up to %d records", str(set.Name), set.ID, len(batches), batchSize)
	d.made("batch set", str(set.Name), set.ID, "%d batches: %s … %s", len(batches), str(batches[0].BatchName), str(batches[len(batches)-1].BatchName))

	reviewer := srv.Reviewers[0]
	assign := []int64{batches[0].BatchID}
	if len(batches) > 1 {
		assign = append(assign, batches[1].BatchID)
	}
	if err := c.Batches.Assign(ctx, pid, reviewer.ID, assign); err != nil {
		return err
	}
	if err := c.Batches.CheckIn(ctx, pid, assign[0], iconect.BatchStatusCOMPLETE, 0); err != nil {
		return err
	}
	if len(assign) > 1 {
		if err := c.Batches.CheckIn(ctx, pid, assign[1], iconect.BatchStatusNOTCOMPLETE, 0); err != nil {
			return err
		}
	}
	completed := 0
	for _, err := range c.Batches.AllCompleted(ctx, pid, iconect.CompletedBatchFilter{UserIds: []int64{reviewer.ID}}, nil) {
		if err != nil {
			return err
		}
		completed++
	}
	d.stepf("%d batches assigned to %s (user %d); %s checked in complete (%d completed), the other not complete",
		len(assign), reviewer.Username, reviewer.ID, str(batches[0].BatchName), completed)
	d.made("assignment", reviewer.Username, reviewer.ID, "%d batches; %d complete", len(assign), completed)

	// A native file for the first record of the view, with progress.
	settings, err := c.Projects.Settings(ctx, pid)
	if err != nil {
		return err
	}
	native := settings.FieldAssociations["NATIVEFIELD"]
	rec := inView[0]
	doc := demoNative(2 << 20)
	const docName = "privileged-advice.pdf"
	how, err = d.upload("uploading "+docName, doc, func(r io.Reader, size int64, progress func(chunkupload.Progress)) error {
		return c.NativeFiles.Upload(ctx, pid, rec, native, docName, r, size, &iconect.UploadOptions{ContentType: "application/pdf",
			ChunkSize: 256 << 10, Threshold: 256 << 10, Progress: progress})
	})
	if err != nil {
		return err
	}
	items, err := c.FileStores.Items(ctx, pid, []int64{rec})
	if err != nil {
		return err
	}
	where := ""
	if len(items) > 0 {
		where = str(items[0].Locator)
	}
	d.stepf("Native file %s (%s) uploaded for record %d (%s), kept at %s", docName, bytesText(int64(len(doc))), rec, how, where)
	d.made("native file", docName, fmt.Sprintf("record %d", rec), "%s at %s", bytesText(int64(len(doc))), where)
	return nil
}

// upload sends data through send (chunked by pkg/chunkupload) with a
// progress display; it returns how it went.
func (d *demo) upload(label string, data []byte, send func(r io.Reader, size int64, progress func(chunkupload.Progress)) error) (string, error) {
	size := int64(len(data))
	bp := &byteProgress{p: d.prog, label: "    " + label, total: size}
	body := &progressReaderAt{r: bytes.NewReader(data), tell: bp.set}
	var last chunkupload.Progress
	if err := send(body, size, func(p chunkupload.Progress) { last = p }); err != nil {
		return "", err
	}
	d.prog.done(bp.line(size))
	if last.ChunkCount > 1 {
		return fmt.Sprintf("in %d chunks of %s", last.ChunkCount, bytesText(last.State.ChunkSize)), nil
	}
	return "in one request", nil
}

// demoNative is a stand-in document of n bytes: a PDF header and text.
func demoNative(n int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n% iconect-go demo document\n")
	line := "Privileged and confidential: advice on the Roadrunner claim. "
	for b.Len() < n {
		b.WriteString(line)
	}
	return b.Bytes()[:n]
}

// approveInBrowser plays the browser of an authorization code sign-in
// against a provider that approves at once (the sandbox): it opens the
// authorize URL without following the redirect and returns where the
// provider sent it.
func approveInBrowser(ctx context.Context, hc *http.Client, authURL string) (string, error) {
	nf := *hc
	nf.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return "", err
	}
	res, err := nf.Do(req)
	if err != nil {
		return "", fmt.Errorf("opening the authorize page: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	_ = res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode < 300 || res.StatusCode > 399 || loc == "" {
		return "", fmt.Errorf("the authorize page answered HTTP %d without redirecting (does it ask for a login?)", res.StatusCode)
	}
	if !strings.Contains(loc, "?") {
		return "", errors.New("the authorize page redirected without a code")
	}
	return loc, nil
}
