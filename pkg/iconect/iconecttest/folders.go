package iconecttest

import (
	"context"
	"fmt"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
)

// Folders form a tree per panel (parent_id 0 is the panel's top level).
// Their search_name is the path from the panel down, as the docs' example
// "|Review Workflow|Reviewed|" (a top-level folder of a panel). Record
// membership is an association only.

func (h *handlers) ListFolders(ctx context.Context, request gen.ListFoldersRequestObject) (gen.ListFoldersResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, _, err := t.projectPanel(request.ProjectID, request.PanelID)
	if err != nil {
		return nil, err
	}
	parent := int64(0)
	if request.Params.ParentID != nil {
		parent = *request.Params.ParentID
	}
	if parent != 0 {
		if _, err := p.folder(request.PanelID, parent); err != nil {
			return nil, err
		}
	}
	out := gen.ListFolders200JSONResponse{}
	for _, id := range sortedKeys(p.folders) {
		if f := p.folders[id]; f.PanelID == request.PanelID && f.ParentID == parent {
			out = append(out, p.folderView(f))
		}
	}
	return out, nil
}

// CreateFolder stores the folder under the panel's top level or a parent of
// the same panel. The name may be missing, null or empty (the docs type it
// "string or null"): the folder then has an empty name.
func (h *handlers) CreateFolder(ctx context.Context, request gen.CreateFolderRequestObject) (gen.CreateFolderResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, _, err := t.projectPanel(request.ProjectID, request.PanelID)
	if err != nil {
		return nil, err
	}
	b := request.Body
	f := &folder{Folder: gen.Folder{PanelID: request.PanelID, Name: ptr(""), Description: ptr(""),
		FolderSettings: gen.FolderSettings{Icon: ptr(int32(1)), Color: ptr(int32(16)), FolderOrder: ptr(int32(0))}},
		records: map[int64]bool{}}
	if err := p.applyFolderRequest(f, *b); err != nil {
		return nil, err
	}
	f.ID = t.nextID("folder")
	p.folders[f.ID] = f
	return gen.CreateFolder201JSONResponse{FolderCreatedJSONResponse: gen.FolderCreatedJSONResponse(p.folderView(f))}, nil
}

func (h *handlers) GetFolder(ctx context.Context, request gen.GetFolderRequestObject) (gen.GetFolderResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, f, err := t.folderOf(request.ProjectID, request.PanelID, request.FolderID)
	if err != nil {
		return nil, err
	}
	return gen.GetFolder200JSONResponse{FolderOKJSONResponse: gen.FolderOKJSONResponse(p.folderView(f))}, nil
}

// UpdateFolder changes what the body sets; a missing or null name keeps the
// folder's, an empty one is stored, as on create.
func (h *handlers) UpdateFolder(ctx context.Context, request gen.UpdateFolderRequestObject) (gen.UpdateFolderResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, f, err := t.folderOf(request.ProjectID, request.PanelID, request.FolderID)
	if err != nil {
		return nil, err
	}
	b := *request.Body
	next := *f
	if err := p.applyFolderRequest(&next, b); err != nil {
		return nil, err
	}
	*f = next
	return gen.UpdateFolder200JSONResponse{FolderOKJSONResponse: gen.FolderOKJSONResponse(p.folderView(f))}, nil
}

// DeleteFolder removes the folder and its whole subtree; the records stay
// in the project.
func (h *handlers) DeleteFolder(ctx context.Context, request gen.DeleteFolderRequestObject) (gen.DeleteFolderResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, f, err := t.folderOf(request.ProjectID, request.PanelID, request.FolderID)
	if err != nil {
		return nil, err
	}
	gone := 0
	var drop func(id int64)
	drop = func(id int64) {
		for _, child := range sortedKeys(p.folders) {
			if f, ok := p.folders[child]; ok && f.ParentID == id {
				drop(child)
			}
		}
		delete(p.folders, id)
		gone++
	}
	drop(f.ID)
	return gen.DeleteFolder200JSONResponse{OKJSONResponse: gen.OKJSONResponse{IconectOk: fmt.Sprintf("Folder deleted (%d with its subfolders).", gone)}}, nil
}

func (h *handlers) ListFolderRecords(ctx context.Context, request gen.ListFolderRecordsRequestObject) (gen.ListFolderRecordsResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, f, err := t.folderOf(request.ProjectID, request.PanelID, request.FolderID)
	if err != nil {
		return nil, err
	}
	out := gen.ListFolderRecords200JSONResponse{}
	for _, id := range sortedKeys(f.records) {
		if r, ok := p.records[id]; ok {
			out = append(out, r.toGen())
		}
	}
	return out, nil
}

func (h *handlers) AddFolderRecords(ctx context.Context, request gen.AddFolderRecordsRequestObject) (gen.AddFolderRecordsResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, f, err := t.folderOf(request.ProjectID, request.PanelID, request.FolderID)
	if err != nil {
		return nil, err
	}
	if err := p.checkRecordIDs(*request.Body); err != nil {
		return nil, err
	}
	for _, id := range *request.Body {
		f.records[id] = true
	}
	return gen.AddFolderRecords200JSONResponse{OKJSONResponse: gen.OKJSONResponse{IconectOk: fmt.Sprintf("%d records added to the folder.", len(*request.Body))}}, nil
}

// RemoveFolderRecords drops the association; IDs not in the folder are
// ignored, IDs of no record of the project refuse the request.
func (h *handlers) RemoveFolderRecords(ctx context.Context, request gen.RemoveFolderRecordsRequestObject) (gen.RemoveFolderRecordsResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, f, err := t.folderOf(request.ProjectID, request.PanelID, request.FolderID)
	if err != nil {
		return nil, err
	}
	if err := p.checkRecordIDs(*request.Body); err != nil {
		return nil, err
	}
	for _, id := range *request.Body {
		delete(f.records, id)
	}
	return gen.RemoveFolderRecords200JSONResponse{OKJSONResponse: gen.OKJSONResponse{IconectOk: fmt.Sprintf("%d records removed from the folder.", len(*request.Body))}}, nil
}

// checkRecordIDs refuses an empty list or an ID of no record.
func (p *project) checkRecordIDs(ids []int64) error {
	if len(ids) == 0 {
		return badRequest("Send at least one record ID.")
	}
	for _, id := range ids {
		if _, ok := p.records[id]; !ok {
			return badRequest("Record %d not found in project %d.", id, p.ID)
		}
	}
	return nil
}

// applyFolderRequest sets what the request names; a new parent must be a
// folder of the same panel and not the folder itself or below it.
func (p *project) applyFolderRequest(f *folder, b gen.FolderRequest) error {
	if b.ParentID != nil && *b.ParentID != 0 {
		parent, err := p.folder(f.PanelID, *b.ParentID)
		if err != nil {
			return badRequest("Parent folder %d not found in panel %d.", *b.ParentID, f.PanelID)
		}
		for a := parent; a != nil; a = p.folders[a.ParentID] {
			if f.ID != 0 && a.ID == f.ID {
				return badRequest("Folder %d cannot move below itself.", f.ID)
			}
		}
	}
	if b.ParentID != nil {
		f.ParentID = *b.ParentID
	}
	if b.Name != nil {
		f.Name = b.Name
	}
	if b.Description != nil {
		f.Description = b.Description
	}
	if s := b.FolderSettings; s != nil {
		if s.Icon != nil {
			f.FolderSettings.Icon = s.Icon
		}
		if s.Color != nil {
			f.FolderSettings.Color = s.Color
		}
		if s.FolderOrder != nil {
			f.FolderSettings.FolderOrder = s.FolderOrder
		}
	}
	return nil
}

// folderView is the folder as answered: has_children and search_name are
// derived from the tree at answer time.
func (p *project) folderView(f *folder) gen.Folder {
	out := f.Folder
	out.HasChildren = false
	for _, o := range p.folders {
		if o.ParentID == f.ID {
			out.HasChildren = true
			break
		}
	}
	var names []string
	for a := f; a != nil; a = p.folders[a.ParentID] {
		names = append([]string{deref(a.Name)}, names...)
	}
	if pn, ok := p.panels[f.PanelID]; ok {
		names = append([]string{deref(pn.Name)}, names...)
	}
	out.SearchName = ptr("|" + strings.Join(names, "|") + "|")
	return out
}

func (p *project) folder(panelID, id int64) (*folder, error) {
	f, ok := p.folders[id]
	if !ok || f.PanelID != panelID {
		return nil, notFound("Folder %d not found in panel %d.", id, panelID)
	}
	return f, nil
}

func (t *tenant) projectPanel(projectID, panelID int64) (*project, *gen.Panel, error) {
	pn, err := t.panel(projectID, panelID)
	if err != nil {
		return nil, nil, err
	}
	return t.projects[projectID], pn, nil
}

func (t *tenant) folderOf(projectID, panelID, folderID int64) (*project, *folder, error) {
	p, _, err := t.projectPanel(projectID, panelID)
	if err != nil {
		return nil, nil, err
	}
	f, err := p.folder(panelID, folderID)
	return p, f, err
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
