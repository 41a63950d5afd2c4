package iconecttest

import (
	"context"
	"fmt"
	"slices"

	"github.com/iconect-go/iconect-go/gen"
)

func (h *handlers) ListFileStores(ctx context.Context, request gen.ListFileStoresRequestObject) (gen.ListFileStoresResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	out := gen.ListFileStores200JSONResponse{}
	for _, id := range sortedKeys(p.stores) {
		out = append(out, p.stores[id].FileStore)
	}
	return out, nil
}

func (h *handlers) GetFileStore(ctx context.Context, request gen.GetFileStoreRequestObject) (gen.GetFileStoreResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	_, fs, err := t.fileStore(request.ProjectID, request.FilestoreID)
	if err != nil {
		return nil, err
	}
	return gen.GetFileStore200JSONResponse(fs.FileStore), nil
}

// UploadFileStoreFile stores a file, or one chunk of it, at the path the
// part's filename names. Unlike other handlers it does not hold the tenant
// lock while it reads the body (up to 64 MiB from a client of any speed):
// it checks the URL under the lock, reads the body, then locks again.
func (h *handlers) UploadFileStoreFile(ctx context.Context, request gen.UploadFileStoreFileRequestObject) (gen.UploadFileStoreFileResponseObject, error) {
	if err := h.checkTarget(func(t *tenant) error {
		_, _, err := t.fileStore(request.ProjectID, request.FilestoreID)
		return err
	}); err != nil {
		return nil, err
	}
	c, err := readChunk(request.Body, request.Params.ChunkIndex, request.Params.ChunkCount)
	if err != nil {
		return nil, err
	}
	name, err := storePath(c.name)
	if err != nil {
		return nil, err
	}

	t, unlock := h.lock()
	defer unlock()
	p, fs, err := t.fileStore(request.ProjectID, request.FilestoreID)
	if err != nil {
		return nil, err
	}
	t.expireUploads(h.s.cfg.uploadTTL)
	data, err := t.addChunk(p, uploadKey{store: fs.ID, path: name}, c)
	if err != nil {
		return nil, err
	}
	msg := chunkReceived(c)
	if data != nil {
		now := t.now()
		fs.files[name] = &storedFile{name: name, data: data, created: now, accessed: now}
		msg = fmt.Sprintf("File %s uploaded.", name)
	}
	return gen.UploadFileStoreFile200JSONResponse{OKJSONResponse: gen.OKJSONResponse{IconectOk: msg}}, nil
}

// GetFileStoreItems reports the native files of the records asked for, one
// item per file, in the order of record_ids. Unknown records and records
// without a native file add nothing; a record named twice is reported once.
// An empty record_ids (the spec requires the property, not an item) asks
// for nothing and answers [].
func (h *handlers) GetFileStoreItems(ctx context.Context, request gen.GetFileStoreItemsRequestObject) (gen.GetFileStoreItemsResponseObject, error) {
	t, unlock := h.lock()
	defer unlock()
	p, err := t.project(request.ProjectID)
	if err != nil {
		return nil, err
	}
	var storeID int64
	if s := p.storeNamed(nativeStoreName); s != nil {
		storeID = s.ID
	}
	fields := nativeFieldsByRecord(p)
	out := gen.GetFileStoreItems200JSONResponse{}
	seen := map[int64]bool{}
	for _, rid := range request.Body.RecordIds {
		if seen[rid] {
			continue
		}
		seen[rid] = true
		for _, fid := range fields[rid] {
			f := p.natives[nativeKey{record: rid, field: fid}]
			out = append(out, gen.FileStoreItem{
				ObjectID: rid, FieldID: fid, StoreID: storeID,
				FileSize:     int64(len(f.data)),
				Filename:     ptr(f.name),
				Locator:      ptr(nativeLocator(rid, fid, f.name)),
				CreationTime: ptr(isoTime(f.created)),
				LastAccessed: ptr(isoTime(f.accessed)),
			})
		}
	}
	return out, nil
}

// nativeFieldsByRecord lists, per record, the fields holding a native file,
// in ID order.
func nativeFieldsByRecord(p *project) map[int64][]int64 {
	out := map[int64][]int64{}
	for k := range p.natives {
		out[k.record] = append(out[k.record], k.field)
	}
	for _, ids := range out {
		slices.Sort(ids)
	}
	return out
}

// nativeLocator is where the fake says a native file lives in the Native
// File Upload store (the docs call it a bucket identifier; its form is ours).
func nativeLocator(record, field int64, name string) string {
	return fmt.Sprintf("natives/%d/%d/%s", record, field, name)
}

// fileStore finds a project's file store. Callers hold t.mu.
func (t *tenant) fileStore(projectID, storeID int64) (*project, *fileStore, error) {
	p, err := t.project(projectID)
	if err != nil {
		return nil, nil, err
	}
	fs, ok := p.stores[storeID]
	if !ok {
		return nil, nil, notFound("File store %d not found.", storeID)
	}
	return p, fs, nil
}

// checkTarget runs find with the tenant locked: the upload handlers answer a
// wrong URL before they read the body.
func (h *handlers) checkTarget(find func(t *tenant) error) error {
	t, unlock := h.lock()
	defer unlock()
	return find(t)
}
