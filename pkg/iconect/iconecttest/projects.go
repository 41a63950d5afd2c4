package iconecttest

import (
	"context"
	"fmt"
	"maps"

	"github.com/iconect-go/iconect-go/gen"
)

// settingKeys are the roles of a project's field_associations, as the docs'
// getProjectSettings example lists them.
var settingKeys = []string{
	"FROM", "TO", "CC", "BCC", "SUBJECT", "SENTDATE", "NATIVEFIELD", "FILEICON", "IMAGEFIELD", "ICVMETA",
	"ICVBOOKMARK", "ICVSERVER", "ICVVIDEO", "ICVTHUMBNAIL", "HASH", "HASHTYPE", "FILENAME", "FILESIZE",
	"FILETYPE", "FILEEXTENSION", "FILECREATEDDATE", "FILEMODIFIEDDATE", "FILEDURATION", "HASHVALIDATION",
	"HASHVALIDATIONDATE", "PAGECOUNT", "NATIVECONVERSIONERROR", "DOCUMENTID", "RETENTION_CHECK_FIELD",
	"RETENTION_REMAINING", "FILE_LAST_FOUND_DATE", "FILE_LAST_SCAN_DATE", "FILE_FOUND_FIELD", "UPLOAD_USERNAME",
	"UPLOAD_SOURCE", "UPLOAD_METADATA_ONE", "UPLOAD_METADATA_TWO", "UPLOAD_GPS_LOCATION",
	"PORTAL_DB_FIELD_FULL_NAME", "PORTAL_DB_FIELD_EMAIL_ADDRESS", "PORTAL_DB_FIELD_PHONE_NUMBER",
	"PORTAL_DB_FIELD_BROWSER_INFO", "PORTAL_DB_FIELD_IP_ADDRESS", "PORTAL_DB_FIELD_INCIDENT",
	"PORTAL_DB_FIELD_LOCAL_DATE_TIME", "PORTAL_DB_FIELD_UPLOAD_ID", "PORTAL_DB_FIELD_STATUS", "REDACTED_NATIVE",
	"IMPORT_BODY_TEXT", "IMPORT_PARENT_ID", "BATCH_NAME", "BUSINESS_LINE", "PRIORITY", "STATE", "IMPORTED_ON",
	"WORKFLOW_START", "CURRENT_USER", "LAST_MODIFIED", "DROP_FOLDER_PATH", "EXPIRY_TIME", "STATUS",
	"DISPLAY_STATUS", "DURATION", "FORM_TAB_WRITEBACK_FIELD", "PDF_OUTPUT_FIELD", "FORM_CLASSIFICATION_FIELD",
	"POBOX", "EXPORT_PREFIX", "FORM_CLASSIFICATION_ID_FIELD", "CURRENT_USER_NAME", "BIN_ID", "SHIFT_ID",
	"COVERSHEET", "SOURCE_ID", "FAX_NUMBER", "PACKAGE_RECEIVED_DATE", "ORIGINAL_PACKET_ID", "SCAN_DATE",
	"ACC_WRITE_OUT", "EXPORT_DATE_TIME", "DCSID", "FILE_NUMBER", "BOX_NUMBER", "NPRCID", "RMNID",
	"OMPF_UPLOAD_STATUS", "OMPF_IMAGE_ID", "OMPF_PENDING_COUNT", "OMPF_FIRST_NAME", "OMPF_LAST_NAME",
	"OMPF_MIDDLE_NAME", "OMPF_MICROFICHE_TOTAL_COUNT", "UPLOAD_DATE_TIME", "EXCEL_HAS_COMMENTS",
	"EXCEL_HAS_HIDDEN_COLUMNS", "EXCEL_HAS_HIDDEN_ROWS", "EXCEL_HAS_HIDDEN_WORKSHEETS",
	"EXCEL_HAS_VERY_HIDDEN_WORKSHEETS", "EXCEL_HAS_AUTOFILTER", "EXCEL_HAS_PIVOT_TABLE_IN_WORKSHEET",
	"EXCEL_HAS_PROTECTED_WORKBOOK", "EXCEL_HAS_PROTECTED_WORKSHEET", "EXCEL_HAS_REVISIONS",
	"EXCEL_HAS_OVERSIZED_PAGES", "POWERPOINT_HAS_HIDDEN_SLIDES", "POWERPOINT_HAS_SPEAKER_NOTES",
	"WORD_HAS_HIDDEN_TEXT", "WORD_HAS_REVISIONS", "WORD_HAS_COMMENTS", "WORD_HAS_TRACK_CHANGES",
	"EXCEL_HAS_HIDDEN_ROW_COL", "PROCESSING_ACTION_FIELD", "REDACTED_TEXT_FIELD", "OCR_TEXT_FIELD",
	"IMPORT_ISSUES", "SOURCE_FIELD_ID", "CUSTODIAN_FIELD_ID", "CUSTODIANLIST_FIELD_ID", "PROC_ID_FIELD",
	"PATH_FIELD", "FILE_METADATA_ONE", "FILE_METADATA_TWO", "FILE_METADATA_THREE", "FILE_METADATA_FOUR",
	"HIDDEN_CONTENT_NATIVEFIELD", "ORIGINAL_FILE_PATH", "DUPLICATE_FILE_SORT_FIELD", "DUPLICATE_FLAG_FIELD",
	"PRINCIPAL_FILE_PATH_WRITEBACK_FIELD", "STORED_FILE_SIZE", "FILE_TYPE_CATEGORY", "ROOT_CONTAINER_ID_FIELD",
	"FILE_CONTAINER_LEVEL", "ROOT_CONTAINER_PATH_FIELD", "FILE_LAST_ACCESS_TIME", "DEFAULT_DATE_TIME_FIELD",
	"CONNECTION_DATE_TIME", "RECYCLE_BIN_COUNT_FIELD", "BATCH_AGE_DATE", "BATCH_COUNT_DATE",
}

// Field types the fake gives its own fields. The docs name no FieldType
// member; 7 for a native file field is a guess.
const (
	textField   = gen.FieldTypeValue0
	nativeField = gen.FieldTypeValue7
)

func (h *handlers) ListProjects(ctx context.Context, request gen.ListProjectsRequestObject) (gen.ListProjectsResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	filter := gen.DatabaseFilterValue0
	if request.Params.Type != nil {
		filter = *request.Params.Type
	}
	out := gen.ListProjects200JSONResponse{}
	for _, id := range sortedKeys(t.projects) {
		p := t.projects[id]
		switch {
		case filter == gen.DatabaseFilterValue0 && p.template, filter == gen.DatabaseFilterValue1 && !p.template:
			continue
		}
		out = append(out, p.Project)
	}
	return out, nil
}

func (h *handlers) CreateProject(ctx context.Context, request gen.CreateProjectRequestObject) (gen.CreateProjectResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	b := request.Body
	if b.DataserversID != h.s.DataServerID {
		return nil, badRequest("Data server %d not found.", b.DataserversID)
	}
	if _, ok := t.clients[b.ClientID]; !ok {
		return nil, badRequest("Client %d not found.", b.ClientID)
	}
	if b.Name == nil || *b.Name == "" {
		return nil, badRequest("The name of the project is required.")
	}
	var from *project
	if b.ProjectTemplateID != nil && *b.ProjectTemplateID != 0 {
		tp, ok := t.projects[int64(*b.ProjectTemplateID)]
		if !ok || !tp.template {
			return nil, badRequest("Template project %d not found.", *b.ProjectTemplateID)
		}
		from = tp
	}
	typ := gen.DatabaseTypeValue3
	if b.Type != nil {
		typ = *b.Type
	}
	desc := ""
	if b.Description != nil {
		desc = *b.Description
	}
	p := t.createProject(*b.Name, desc, typ, false, from)
	return gen.CreateProject201JSONResponse{ProjectCreatedJSONResponse: gen.ProjectCreatedJSONResponse(p.Project)}, nil
}

func (h *handlers) UpdateProject(ctx context.Context, request gen.UpdateProjectRequestObject) (gen.UpdateProjectResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	p.Name = request.Body.Name
	p.Description = ptr(request.Body.Description)
	return gen.UpdateProject200JSONResponse(p.Project), nil
}

func (h *handlers) GetProjectSettings(ctx context.Context, request gen.GetProjectSettingsRequestObject) (gen.GetProjectSettingsResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	return gen.GetProjectSettings200JSONResponse{FieldAssociations: maps.Clone(p.settings)}, nil
}

func (h *handlers) ActivateProject(ctx context.Context, request gen.ActivateProjectRequestObject) (gen.ActivateProjectResponseObject, error) {
	p, err := h.setProjectState(request.ProjectID, gen.StateActive)
	if err != nil {
		return nil, err
	}
	return gen.ActivateProject200JSONResponse{ProjectOKJSONResponse: p}, nil
}

func (h *handlers) DeactivateProject(ctx context.Context, request gen.DeactivateProjectRequestObject) (gen.DeactivateProjectResponseObject, error) {
	p, err := h.setProjectState(request.ProjectID, gen.StateValue2)
	if err != nil {
		return nil, err
	}
	return gen.DeactivateProject200JSONResponse{ProjectOKJSONResponse: p}, nil
}

// setProjectState serves both activate and deactivate.
func (h *handlers) setProjectState(id int64, state gen.State) (gen.ProjectOKJSONResponse, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(id)
	if err != nil {
		return gen.ProjectOKJSONResponse{}, err
	}
	p.State = state
	return gen.ProjectOKJSONResponse(p.Project), nil
}

// createProject makes a project (or template) with its two file stores, a
// document ID field and a native file field (named in its settings), or
// with a copy of template from's fields, panels and settings. Callers hold
// t.mu.
func (t *tenant) createProject(name, desc string, typ gen.DatabaseType, template bool, from *project) *project {
	p := newProject(gen.Project{ID: t.nextID("project"), Name: name, Description: ptr(desc), State: gen.StateActive, Type: typ})
	p.template = template
	for _, k := range settingKeys {
		p.settings[k] = 0
	}
	now := fieldTime(t.now())
	if from == nil {
		doc := t.addField(p, gen.Field{Name: ptr("DOCID"), Type: textField, Length: 64, CreatedDate: ptr(now)})
		native := t.addField(p, gen.Field{Name: ptr("Native File"), Type: nativeField, CreatedDate: ptr(now)})
		p.settings["DOCUMENTID"] = doc.ID
		p.settings["NATIVEFIELD"] = native.ID
	} else {
		ids := map[int64]int64{}
		for _, id := range sortedKeys(from.fields) {
			f := *from.fields[id]
			f.CreatedDate = ptr(now)
			ids[id] = t.addField(p, f).ID
		}
		for k, v := range from.settings {
			p.settings[k] = ids[v]
		}
		for _, id := range sortedKeys(from.panels) {
			pn := *from.panels[id]
			pn.ID = t.nextID("panel")
			pn.CustomRelatedSettings = gen.CustomRelatedSettings{
				MatchingFieldIds: remap(pn.CustomRelatedSettings.MatchingFieldIds, ids),
				DisplayFieldIds:  remap(pn.CustomRelatedSettings.DisplayFieldIds, ids),
			}
			p.panels[pn.ID] = &pn
		}
	}
	for i, name := range []string{"General", nativeStoreName} {
		id := t.nextID("filestore")
		p.stores[id] = &fileStore{FileStore: gen.FileStore{
			ID: id, Name: ptr(name), Type: 0, ManagementType: ptr(int32(i + 1)),
			LocalConfig:       &gen.LocalConfig{Path: ptr(fmt.Sprintf(`\\iconecttest\project%d\store%d`, p.ID, id))},
			Description:       ptr(name + " file store"),
			CreatedDate:       ptr(isoTime(t.now())),
			ModifiedDate:      ptr(isoTime(t.now())),
			SetFileStoreAreas: []int32{1},
		}, files: map[string]*storedFile{}}
	}
	t.addNativeImportTemplate(p)
	t.projects[p.ID] = p
	return p
}

// nativeStoreName is the store every project has for native file uploads
// (the docs: uploadNativeFile "requires a Native File Upload File Store").
const nativeStoreName = "Native File Upload"

// addField gives f a new ID and the caller's audit data and stores it.
func (t *tenant) addField(p *project, f gen.Field) *gen.Field {
	f.ID = t.nextID("field")
	if f.CreatedByID == 0 {
		f.CreatedByID = 130
	}
	if f.DefaultValue == nil {
		f.DefaultValue = ptr("")
	}
	if f.NumericFormat == 0 {
		f.NumericFormat = gen.NumericFormatValue3
	}
	p.fields[f.ID] = &f
	return &f
}

func remap(ids []int64, m map[int64]int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if n, ok := m[id]; ok {
			out = append(out, n)
		}
	}
	return out
}
