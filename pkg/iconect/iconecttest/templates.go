package iconecttest

import (
	"context"

	"github.com/iconect-go/iconect-go/gen"
)

// ListNativeImportTemplates lists the project's native import templates.
// The values of type are undocumented, so every type lists them all.
func (h *handlers) ListNativeImportTemplates(ctx context.Context, request gen.ListNativeImportTemplatesRequestObject) (gen.ListNativeImportTemplatesResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	out := gen.ListNativeImportTemplates200JSONResponse{}
	for _, id := range sortedKeys(p.templates) {
		out = append(out, *p.templates[id])
	}
	return out, nil
}

// addNativeImportTemplate gives a new project the one native import template
// the docs' example shows, so a native import job has a template to name.
// Callers hold t.mu.
func (t *tenant) addNativeImportTemplate(p *project) {
	tp := &gen.NativeImportTemplate{
		ID:                         t.nextID("template"),
		Name:                       ptr("Native Import Template"),
		Description:                ptr(""),
		CreatedDate:                ptr(isoTime(t.now())),
		CreatedUserID:              ptr(int64(130)),
		FieldTemplateFile:          ptr("Default.csv"),
		ProcessingOptionsFile:      ptr("Default.ini"),
		DeduplicationLevel:         ptr(int32(3)),
		UseNsrl:                    ptr(true),
		UseDetectedFileExtensions:  ptr(true),
		ExtractEmbeddedObjects:     ptr(int32(0)),
		CreatePlaceholders:         ptr(true),
		NumberingPrefix:            ptr(defaultNumbering),
		ProcessingMode:             ptr(int32(0)),
		CreateDocumentFolders:      ptr(true),
		CreateCustodianFolders:     ptr(true),
		OnlyAddRootParents:         ptr(false),
		CancelonFileCopyErrors:     ptr(false),
		MapipAllowed:               ptr(false),
		AddSimpleEmailHeaderToText: ptr(false),
	}
	p.templates[tp.ID] = tp
}

// defaultNumbering is the docs' numbering_prefix: records a native import
// creates are numbered 000001, 000002, ... in the document ID field.
const defaultNumbering = "000000"
