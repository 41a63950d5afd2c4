package iconecttest

import (
	"context"
	"fmt"
	"strconv"

	"github.com/iconect-go/iconect-go/gen"
)

// UploadNativeFile stores a record's native file, or one chunk of it. As
// UploadFileStoreFile, it reads the body without holding the tenant lock.
// The finished file's name becomes the record's native field value.
func (h *handlers) UploadNativeFile(ctx context.Context, request gen.UploadNativeFileRequestObject) (gen.UploadNativeFileResponseObject, error) {
	if err := h.checkTarget(func(t *tenant) error {
		_, _, err := t.nativeTarget(request.ProjectID, request.RecordID, request.FieldID)
		return err
	}); err != nil {
		return nil, err
	}
	c, err := readChunk(request.Body, request.Params.ChunkIndex, request.Params.ChunkCount)
	if err != nil {
		return nil, err
	}
	name := baseName(c.name)

	t, unlock := h.lock()
	defer unlock()
	p, r, err := t.nativeTarget(request.ProjectID, request.RecordID, request.FieldID)
	if err != nil {
		return nil, err
	}
	t.expireUploads(h.s.cfg.uploadTTL)
	key := nativeKey{record: r.id, field: request.FieldID}
	data, err := t.addChunk(p, uploadKey{native: key}, c)
	if err != nil {
		return nil, err
	}
	msg := chunkReceived(c)
	if data != nil {
		now := t.now()
		p.natives[key] = &storedFile{name: name, data: data, created: now, accessed: now}
		setValue(r, key.field, name)
		msg = fmt.Sprintf("Native file %s uploaded to record %d.", name, r.id)
	}
	return gen.UploadNativeFile200JSONResponse{OKJSONResponse: gen.OKJSONResponse{IconectOk: msg}}, nil
}

// DeleteNativeFile removes a record's native file and clears the record's
// native field value.
func (h *handlers) DeleteNativeFile(ctx context.Context, request gen.DeleteNativeFileRequestObject) (gen.DeleteNativeFileResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, r, err := t.recordField(request.ProjectID, request.RecordID, request.FieldID)
	if err != nil {
		return nil, err
	}
	key := nativeKey{record: r.id, field: request.FieldID}
	if _, ok := p.natives[key]; !ok {
		return nil, notFound("Record %d has no native file in field %d.", r.id, key.field)
	}
	delete(p.natives, key)
	setValue(r, key.field, "")
	msg := fmt.Sprintf("Native file deleted from record %d.", r.id)
	return gen.DeleteNativeFile200JSONResponse{OKJSONResponse: gen.OKJSONResponse{IconectOk: msg}}, nil
}

// nativeTarget finds the record and checks that the field is the project's
// native field: only that field takes native files. Callers hold t.mu.
func (t *tenant) nativeTarget(projectID, recordID, fieldID int64) (*project, *record, error) {
	p, r, err := t.recordField(projectID, recordID, fieldID)
	if err != nil {
		return nil, nil, err
	}
	if fieldID != p.nativeField() {
		return nil, nil, badRequest("Field %d is not the project's native file field.", fieldID)
	}
	return p, r, nil
}

// recordField finds a record and checks that the field exists. Callers
// hold t.mu.
func (t *tenant) recordField(projectID, recordID, fieldID int64) (*project, *record, error) {
	p, err := t.project(projectID)
	if err != nil {
		return nil, nil, err
	}
	r, ok := p.records[recordID]
	if !ok {
		return nil, nil, notFound("Record %d not found.", recordID)
	}
	if _, ok := p.fields[fieldID]; !ok {
		return nil, nil, notFound("Field %d not found.", fieldID)
	}
	return p, r, nil
}

// setValue changes one field value of a record and bumps its version, as
// any change to a record does, so a stale update is caught.
func setValue(r *record, field int64, value string) {
	r.data[strconv.FormatInt(field, 10)] = value
	r.version++
}
