package contract

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/iconect-go/iconect-go/pkg/iconect"
)

// StepError is a scenario step that failed (the SDK's error, which never
// carries a token or a secret).
type StepError struct {
	Step  string `json:"step"`
	Error string `json:"error"`
}

type scenario struct {
	c     *iconect.Client
	cfg   Config
	log   io.Writer
	errs  []StepError
	notes []string
}

// do runs one step, recording its failure; it reports success.
func (s *scenario) do(step string, f func() error) bool {
	if err := f(); err != nil {
		s.errs = append(s.errs, StepError{Step: step, Error: err.Error()})
		_, _ = fmt.Fprintf(s.log, "contract: %-34s FAILED: %v\n", step, err)
		return false
	}
	_, _ = fmt.Fprintf(s.log, "contract: %-34s ok\n", step)
	return true
}

// skip records a step not run because an earlier one failed.
func (s *scenario) skip(step, why string) {
	s.errs = append(s.errs, StepError{Step: step, Error: "skipped: " + why})
	_, _ = fmt.Fprintf(s.log, "contract: %-34s skipped: %s\n", step, why)
}

func (s *scenario) note(format string, a ...any) {
	n := fmt.Sprintf(format, a...)
	s.notes = append(s.notes, n)
	_, _ = fmt.Fprintf(s.log, "contract: note: %s\n", n)
}

// full is the scenario of a test tenant: a fresh client and project, with
// every operation exercised at least once, then cleaned up (what can be
// deleted is, the project and the client are deactivated).
func (s *scenario) full(ctx context.Context) {
	c, cfg := s.c, s.cfg
	stamp := time.Now().UTC().Format("20060102-150405")
	name := func(what string) string { return fmt.Sprintf("%s %s %s", cfg.Name, what, stamp) }

	// Clients.
	var clientID int64
	if !s.do("createClient", func() error {
		ci, err := c.Clients.Create(ctx, iconect.ClientRequest{Name: name("client"), Description: "made by the iconect-go contract check"})
		if err == nil {
			clientID = ci.ID
		}
		return err
	}) {
		s.skip("the rest", "no client")
		return
	}
	defer s.do("deactivateClient", func() error { _, err := c.Clients.Deactivate(ctx, clientID); return err })
	s.do("updateClient", func() error {
		_, err := c.Clients.Update(ctx, clientID, iconect.ClientRequest{Name: name("client"), Description: "made by the iconect-go contract check (updated)"})
		return err
	})
	s.do("activateClient", func() error { _, err := c.Clients.Activate(ctx, clientID); return err })

	// Projects.
	var pid int64
	if !s.do("createProject", func() error {
		p, err := c.Projects.Create(ctx, iconect.CreateProjectRequest{Name: iconect.Ptr(name("project")),
			Description: iconect.Ptr("made by the iconect-go contract check"), ClientID: clientID, DataserversID: cfg.DataServerID})
		if err == nil {
			pid = p.ID
		}
		return err
	}) {
		s.skip("the rest", "no project")
		return
	}
	defer s.do("deactivateProject", func() error { _, err := c.Projects.Deactivate(ctx, pid); return err })
	s.do("listProjects", func() error { _, err := c.Projects.List(ctx, nil); return err })
	s.do("updateProject", func() error {
		_, err := c.Projects.Update(ctx, pid, name("project"), "made by the iconect-go contract check (updated)")
		return err
	})
	s.do("activateProject", func() error { _, err := c.Projects.Activate(ctx, pid); return err })
	var nativeField int64
	s.do("getProjectSettings", func() error {
		st, err := c.Projects.Settings(ctx, pid)
		if err == nil {
			nativeField = st.FieldAssociations["NATIVEFIELD"]
		}
		return err
	})

	// Fields.
	var title, custodian int64
	s.do("createFields", func() error {
		fs, err := c.Fields.Create(ctx, pid, []iconect.FieldRequest{
			{Name: iconect.Ptr("Contract Title"), Type: iconect.Ptr(iconect.FieldTypeValue0), Description: iconect.Ptr("contract check")},
			{Name: iconect.Ptr("Contract Custodian"), Type: iconect.Ptr(iconect.FieldTypeValue0)},
		})
		if err != nil {
			return err
		}
		if len(fs) != 2 {
			return fmt.Errorf("createFields answered %d fields, not 2", len(fs))
		}
		title, custodian = fs[0].ID, fs[1].ID
		return nil
	})
	s.do("listFields", func() error {
		fs, err := c.Fields.List(ctx, pid)
		if err == nil && (title == 0 || custodian == 0) {
			for _, f := range fs {
				switch deref(f.Name) {
				case "Contract Title":
					title = f.ID
				case "Contract Custodian":
					custodian = f.ID
				}
			}
		}
		return err
	})
	if title != 0 {
		s.do("getField", func() error { _, err := c.Fields.Get(ctx, pid, title); return err })
		s.do("updateField", func() error {
			_, err := c.Fields.Update(ctx, pid, title, iconect.FieldRequest{Name: iconect.Ptr("Contract Title"), Description: iconect.Ptr("contract check (updated)")})
			return err
		})
	} else {
		s.skip("getField, updateField", "no field")
	}

	// Records.
	var records []int64
	s.do("createRecords", func() error {
		var recs []iconect.Record
		for i := 1; i <= 4; i++ {
			data := map[string]any{}
			if title != 0 {
				data[strconv.FormatInt(title, 10)] = fmt.Sprintf("Contract memo %d", i)
			}
			if custodian != 0 {
				data[strconv.FormatInt(custodian, 10)] = "contract"
			}
			recs = append(recs, iconect.Record{FieldData: data})
		}
		res, err := c.Records.Create(ctx, pid, iconect.RecordsRequest{Records: recs})
		if res != nil && res.NewRecordsList != nil && res.NewRecordsList.RecordStatus != nil {
			records = res.NewRecordsList.RecordStatus.AddedRecordIds
		}
		if err == nil && len(records) != len(recs) {
			err = fmt.Errorf("createRecords added %d records, not %d", len(records), len(recs))
		}
		return err
	})
	s.do("listRecords", func() error {
		rs, err := c.Records.List(ctx, pid, &iconect.ListRecordsOptions{PageSize: 10})
		if err == nil && len(records) == 0 {
			for _, r := range rs {
				if r.ID != nil {
					records = append(records, *r.ID)
				}
			}
		}
		return err
	})
	if len(records) < 4 {
		s.skip("the rest", "fewer than 4 records")
		return
	}
	s.do("getRecord+updateRecords", func() error {
		r, err := c.Records.Get(ctx, pid, records[0], nil)
		if err != nil {
			return err
		}
		upd := iconect.Record{ID: r.ID, Version: r.Version, FieldData: map[string]any{}}
		if title != 0 {
			upd.FieldData[strconv.FormatInt(title, 10)] = "Contract memo 1 (updated)"
		}
		_, err = c.Records.Update(ctx, pid, iconect.RecordsRequest{Records: []iconect.Record{upd}})
		return err
	})

	// Panels and folders.
	var panel int64
	s.do("createPanel", func() error {
		p, err := c.Panels.Create(ctx, pid, iconect.CreatePanelRequest{Name: iconect.Ptr("Contract panel"), Type: iconect.Ptr(iconect.PanelType(0))})
		if err == nil {
			panel = p.ID
		}
		return err
	})
	s.do("listPanels", func() error { _, err := c.Panels.List(ctx, pid, nil); return err })
	if panel != 0 {
		s.do("getPanel", func() error { _, err := c.Panels.Get(ctx, pid, panel); return err })
		s.do("updatePanel", func() error {
			_, err := c.Panels.Update(ctx, pid, panel, iconect.UpdatePanelRequest{Name: iconect.Ptr("Contract panel (updated)")})
			return err
		})
		s.folders(ctx, pid, panel, records)
	} else {
		s.skip("getPanel, updatePanel, folders", "no panel")
	}

	// A view of the first two records (the mass delete's).
	var view int64
	s.do("createView", func() error {
		v, err := c.Views.Create(ctx, pid, iconect.ViewOfRecords(records[:2]...))
		view = v
		return err
	})

	// File stores, uploads and jobs.
	var store int64
	s.do("listFileStores+getFileStore", func() error {
		stores, err := c.FileStores.List(ctx, pid)
		if err != nil {
			return err
		}
		for _, st := range stores {
			if store == 0 || deref(st.Name) == "General" {
				store = st.ID
			}
		}
		if store == 0 {
			return errors.New("the project has no file store")
		}
		_, err = c.FileStores.Get(ctx, pid, store)
		return err
	})
	if store != 0 {
		s.jobs(ctx, pid, store, title, view)
	} else {
		s.skip("uploads and jobs", "no file store")
	}

	// A native file on a record.
	if nativeField != 0 {
		s.do("uploadNativeFile", func() error {
			body := "a native file of the contract check\n"
			return c.NativeFiles.Upload(ctx, pid, records[2], nativeField, "contract-native.txt", strings.NewReader(body), int64(len(body)),
				&iconect.UploadOptions{ContentType: "text/plain"})
		})
		s.do("getFileStoreItems", func() error { _, err := c.FileStores.Items(ctx, pid, []int64{records[2]}); return err })
		s.do("deleteNativeFile", func() error { return c.NativeFiles.Delete(ctx, pid, records[2], nativeField) })
	} else {
		s.skip("uploadNativeFile, getFileStoreItems, deleteNativeFile", "the project's settings name no NATIVEFIELD")
	}

	s.batches(ctx, pid, records)
}

func (s *scenario) folders(ctx context.Context, pid, panel int64, records []int64) {
	c := s.c
	var parent, child int64
	if !s.do("createFolder", func() error {
		f, err := c.Folders.Create(ctx, pid, panel, iconect.FolderRequest{Name: iconect.Ptr("Contract folder"), Description: iconect.Ptr("contract check")})
		if err != nil {
			return err
		}
		parent = f.ID
		f, err = c.Folders.Create(ctx, pid, panel, iconect.FolderRequest{Name: iconect.Ptr("Contract subfolder"), ParentID: iconect.Ptr(parent)})
		if err == nil {
			child = f.ID
		}
		return err
	}) {
		s.skip("the other folder operations", "no folder")
		return
	}
	defer s.do("deleteFolder (parent)", func() error { return c.Folders.Delete(ctx, pid, panel, parent) })
	s.do("listFolders", func() error { _, err := c.Folders.List(ctx, pid, panel, nil); return err })
	s.do("getFolder", func() error { _, err := c.Folders.Get(ctx, pid, panel, parent); return err })
	s.do("updateFolder", func() error {
		_, err := c.Folders.Update(ctx, pid, panel, parent, iconect.FolderRequest{Name: iconect.Ptr("Contract folder (updated)")})
		return err
	})
	s.do("addFolderRecords", func() error { return c.Folders.AddRecords(ctx, pid, panel, parent, records[:2]) })
	s.do("listFolderRecords", func() error { _, err := c.Folders.Records(ctx, pid, panel, parent); return err })
	s.do("removeFolderRecords", func() error { return c.Folders.RemoveRecords(ctx, pid, panel, parent, records[:1]) })
	if child != 0 {
		s.do("deleteFolder", func() error { return c.Folders.Delete(ctx, pid, panel, child) })
	}
}

// jobs uploads the files and runs a job of each of the four types, plus
// one started and stopped with both methods.
func (s *scenario) jobs(ctx context.Context, pid, store, title int64, view int64) {
	c, cfg := s.c, s.cfg
	column := map[string]int64{}
	if title != 0 {
		column["0"] = title
	}

	// A delimited import of a small file.
	csv := "Title\nContract import 1\nContract import 2\n"
	s.do("uploadFileStoreFile (csv)", func() error {
		return c.FileStores.Upload(ctx, pid, store, "contract/people.csv", strings.NewReader(csv), int64(len(csv)),
			&iconect.UploadOptions{ContentType: "text/csv"})
	})
	var importJob int64
	s.do("createJob+updateJob (delimited import)", func() error {
		req, err := iconect.NewDelimitedImportJob("Contract import", iconect.DelimitedImportJob{
			FileStoreID: iconect.Ptr(store), InputFile: "contract/people.csv", MapFileColumnToFieldID: column})
		if err != nil {
			return err
		}
		j, err := c.Jobs.Create(ctx, pid, req)
		if err != nil {
			return err
		}
		importJob = j.ID
		_, err = c.Jobs.Update(ctx, pid, j.ID, "Contract import (renamed)", "contract check")
		return err
	})
	if importJob != 0 {
		s.do("startJob+getJob (delimited import)", func() error {
			if err := c.Jobs.Start(ctx, pid, importJob, nil); err != nil {
				return err
			}
			_, err := c.Jobs.Handle(pid, importJob).Wait(ctx, cfg.Wait)
			return err
		})
	}

	// A larger import, started and stopped with PUT, then with POST. The
	// file goes up in chunks.
	big := bigCSV(cfg.BigRows)
	s.do("uploadFileStoreFile (chunked)", func() error {
		return s.uploadChunked(ctx, pid, store, "contract/big.csv", big)
	})
	s.do("startJob/stopJob, startJobPost/stopJobPost", func() error {
		req, err := iconect.NewDelimitedImportJob("Contract start and stop", iconect.DelimitedImportJob{
			FileStoreID: iconect.Ptr(store), InputFile: "contract/big.csv", MapFileColumnToFieldID: column})
		if err != nil {
			return err
		}
		j, err := c.Jobs.Create(ctx, pid, req)
		if err != nil {
			return err
		}
		for _, post := range []bool{false, true} {
			if err := c.Jobs.Start(ctx, pid, j.ID, &iconect.StartOptions{UsePOST: post}); err != nil {
				return err
			}
			if err := c.Jobs.Stop(ctx, pid, j.ID, &iconect.StopOptions{UsePOST: post}); err != nil {
				// A job that finished first cannot be stopped (400): the
				// exchange was still validated.
				if !iconect.IsValidation(err) {
					return err
				}
				s.note("stop (POST %v): the job had already finished: %v", post, err)
			}
			if err := s.waitNotRunning(ctx, pid, j.ID); err != nil {
				return err
			}
		}
		return nil
	})

	// A zip to extract, then a native import of what it held.
	archive, err := zipOf(map[string]string{"contract-a.txt": "first native\n", "contract-b.txt": "second native\n"})
	if err != nil {
		s.do("zip", func() error { return err })
		return
	}
	var extracted string
	s.do("uploadFileStoreFile (zip)", func() error {
		return c.FileStores.Upload(ctx, pid, store, "contract/natives.zip", bytes.NewReader(archive), int64(len(archive)),
			&iconect.UploadOptions{ContentType: "application/zip"})
	})
	s.do("zip file extraction job", func() error {
		req, err := iconect.NewZipFileExtractionJob("Contract unzip", iconect.ZipFileExtractionJob{ZipFilePath: "contract/natives.zip", FileStoreID: iconect.Ptr(store)})
		if err != nil {
			return err
		}
		j, err := c.Jobs.Run(ctx, pid, req, nil, cfg.Wait)
		if err != nil {
			return err
		}
		r, err := iconect.ZipFileExtractionResultsOf(*j)
		if err == nil && r != nil && r.ExtractedFilesPath != nil {
			extracted = *r.ExtractedFilesPath
		}
		return err
	})
	var template *int64
	s.do("listNativeImportTemplates", func() error {
		ts, err := c.Templates.ListNativeImport(ctx, pid, 0)
		if err == nil && len(ts) > 0 {
			template = iconect.Ptr(ts[0].ID)
		}
		return err
	})
	s.do("native import job", func() error {
		if extracted == "" {
			extracted = "contract"
			s.note("the zip job named no extraction directory: the native import reads %q", extracted)
		}
		req, err := iconect.NewNativeImportJob("Contract native import", iconect.NativeImportInfo{
			SourceFileStoreID: store, SourceSubDir: iconect.Ptr(extracted), TemplateID: template})
		if err != nil {
			return err
		}
		_, err = c.Jobs.Run(ctx, pid, req, nil, cfg.Wait)
		return err
	})

	// A mass action delete of the view's records.
	if view != 0 {
		s.do("mass action delete job", func() error {
			req, err := iconect.NewMassActionDeleteJob("Contract delete", iconect.MassActionDeleteJob{DeleteActiveData: true})
			if err != nil {
				return err
			}
			_, err = c.Jobs.Run(ctx, pid, req, &iconect.StartOptions{ViewID: view}, cfg.Wait)
			return err
		})
	} else {
		s.skip("mass action delete job", "no view")
	}
	s.do("listJobs", func() error { _, err := c.Jobs.List(ctx, pid, nil); return err })
}

// waitNotRunning polls a stopped job until it no longer runs.
func (s *scenario) waitNotRunning(ctx context.Context, pid, job int64) error {
	deadline := time.Now().Add(s.cfg.Wait.MaxWait)
	if s.cfg.Wait.MaxWait <= 0 {
		deadline = time.Now().Add(10 * time.Minute)
	}
	delay := s.cfg.Wait.MinDelay
	for {
		j, err := s.c.Jobs.Get(ctx, pid, job)
		if err != nil {
			return err
		}
		if j.Status != iconect.JobStatusRunning {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("job %d still runs after it was stopped", job)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
	}
}

func (s *scenario) batches(ctx context.Context, pid int64, records []int64) {
	c, cfg := s.c, s.cfg
	var set int64
	if !s.do("createBatchSet", func() error {
		bs, err := c.BatchSets.Create(ctx, pid, iconect.BatchSetRequest{Name: iconect.Ptr("Contract batch set"), Description: iconect.Ptr("contract check")})
		if err == nil {
			set = bs.ID
		}
		return err
	}) {
		s.skip("the batch operations", "no batch set")
		return
	}
	s.do("listBatchSets", func() error { _, err := c.BatchSets.List(ctx, pid); return err })
	s.do("getBatchSet", func() error { _, err := c.BatchSets.Get(ctx, pid, set); return err })
	s.do("updateBatchSet", func() error {
		_, err := c.BatchSets.Update(ctx, pid, set, iconect.BatchSetRequest{Name: iconect.Ptr("Contract batch set"), Description: iconect.Ptr("contract check (updated)")})
		return err
	})
	// Records 3 and 4 (the mass delete took 1 and 2), a batch each.
	batchRecords := records[2:4]
	s.do("createBatches", func() error {
		return c.Batches.Create(ctx, pid, iconect.CreateBatchesRequest{RecordIds: batchRecords, Batch: &iconect.CreateBatchStruct{
			Type: iconect.Ptr(iconect.ArbitraryBatchType), BatchSize: iconect.Ptr(int32(1)), BatchSetID: iconect.Ptr(set), Prefix: iconect.Ptr("CONTRACT")}})
	})
	var batches []int64
	s.do("listUnassignedBatches", func() error {
		l, err := c.Batches.ListUnassigned(ctx, pid, iconect.BatchFilter{}, &iconect.BatchPageOptions{BatchSetID: set})
		if err == nil {
			for _, b := range l.AssignedBatches {
				batches = append(batches, b.BatchID)
			}
		}
		return err
	})
	if len(batches) < 2 {
		s.skip("the other batch operations", fmt.Sprintf("%d batches listed, not 2", len(batches)))
	} else {
		s.do("assignBatches", func() error { return c.Batches.Assign(ctx, pid, cfg.UserID, batches) })
		s.do("listAssignedBatches", func() error {
			_, err := c.Batches.ListAssigned(ctx, pid, iconect.BatchFilter{UserIds: []int64{cfg.UserID}}, &iconect.BatchPageOptions{BatchSetID: set})
			return err
		})
		s.do("updateBatches", func() error {
			return c.Batches.Update(ctx, pid, batches[:1], &iconect.BatchUpdate{Notes: iconect.Ptr("contract check")})
		})
		s.do("checkInBatch", func() error { return c.Batches.CheckIn(ctx, pid, batches[0], iconect.BatchStatusCOMPLETE, 0) })
		s.do("listCompletedBatches", func() error {
			_, err := c.Batches.ListCompleted(ctx, pid, iconect.CompletedBatchFilter{}, &iconect.BatchPageOptions{BatchSetID: set})
			return err
		})
		s.do("unassignBatches", func() error { return c.Batches.Unassign(ctx, pid, batches[1:2]) })
		s.do("deleteBatches", func() error { return c.Batches.Delete(ctx, pid, batches) })
	}
	s.do("deleteBatchSet", func() error { return c.BatchSets.Delete(ctx, pid, set) })
}

// readOnly is the scenario of a production tenant: GET operations only,
// on an existing project.
func (s *scenario) readOnly(ctx context.Context) {
	c, pid := s.c, s.cfg.ProjectID
	s.do("listProjects", func() error {
		ps, err := c.Projects.List(ctx, nil)
		if err == nil && pid == 0 && len(ps) > 0 {
			pid = ps[0].ID
		}
		return err
	})
	if pid == 0 {
		s.skip("the rest", "no project to read (set "+EnvProjectID+")")
		return
	}
	s.do("getProjectSettings", func() error { _, err := c.Projects.Settings(ctx, pid); return err })
	s.do("listFields+getField", func() error {
		fs, err := c.Fields.List(ctx, pid)
		if err != nil || len(fs) == 0 {
			return err
		}
		_, err = c.Fields.Get(ctx, pid, fs[0].ID)
		return err
	})
	s.do("listRecords+getRecord", func() error {
		rs, err := c.Records.List(ctx, pid, &iconect.ListRecordsOptions{PageSize: 5})
		if err != nil || len(rs) == 0 || rs[0].ID == nil {
			return err
		}
		_, err = c.Records.Get(ctx, pid, *rs[0].ID, nil)
		return err
	})
	s.do("panels and folders", func() error {
		ps, err := c.Panels.List(ctx, pid, nil)
		if err != nil || len(ps) == 0 {
			return err
		}
		if _, err := c.Panels.Get(ctx, pid, ps[0].ID); err != nil {
			return err
		}
		for _, p := range ps {
			fs, err := c.Folders.List(ctx, pid, p.ID, nil)
			if err != nil {
				return err
			}
			if len(fs) > 0 {
				if _, err := c.Folders.Get(ctx, pid, p.ID, fs[0].ID); err != nil {
					return err
				}
				_, err = c.Folders.Records(ctx, pid, p.ID, fs[0].ID)
				return err
			}
		}
		return nil
	})
	s.do("listFileStores+getFileStore", func() error {
		fs, err := c.FileStores.List(ctx, pid)
		if err != nil || len(fs) == 0 {
			return err
		}
		_, err = c.FileStores.Get(ctx, pid, fs[0].ID)
		return err
	})
	s.do("listBatchSets+getBatchSet", func() error {
		bs, err := c.BatchSets.List(ctx, pid)
		if err != nil || len(bs) == 0 {
			return err
		}
		_, err = c.BatchSets.Get(ctx, pid, bs[0].ID)
		return err
	})
	s.do("listJobs+getJob", func() error {
		l, err := c.Jobs.List(ctx, pid, &iconect.ListJobsOptions{JobCount: 5})
		if err != nil || len(l.Jobs) == 0 {
			return err
		}
		_, err = c.Jobs.Get(ctx, pid, l.Jobs[0].ID)
		return err
	})
	s.do("listNativeImportTemplates", func() error { _, err := c.Templates.ListNativeImport(ctx, pid, 0); return err })
}

func bigCSV(rows int) []byte {
	var b bytes.Buffer
	b.WriteString("Title\n")
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&b, "Contract stop test row %d\n", i)
	}
	return b.Bytes()
}

func zipOf(files map[string]string) ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"contract-a.txt", "contract-b.txt"} {
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, files[name]); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
