package iconecttest

import (
	"sort"
	"sync"
	"time"

	"github.com/iconect-go/iconect-go/gen"
)

// tenant is the fake's whole state. One mutex guards it: handlers hold it
// for their whole run, so every operation is atomic, and job runners take it
// for each step.
type tenant struct {
	mu       sync.Mutex
	now      func() time.Time
	ids      map[string]int64
	clients  map[int64]*gen.Client
	projects map[int64]*project
	users    map[int64]string // user ID -> name; batches are assigned to these
}

// ID ranges per kind keep IDs of different kinds apart, so a test that passes
// a field ID where a project ID belongs gets a 404, not a lucky match.
var idBase = map[string]int64{
	"client": 10, "project": 100, "field": 1000, "panel": 2000, "folder": 3000,
	"view": 5000, "filestore": 7000, "batchset": 8000, "batch": 9000,
	"record": 100000, "job": 30000, "template": 200,
}

func newTenant(now func() time.Time) *tenant {
	return &tenant{
		now:      now,
		ids:      map[string]int64{},
		clients:  map[int64]*gen.Client{},
		projects: map[int64]*project{},
		users:    map[int64]string{},
	}
}

// nextID allocates the next ID of a kind. Callers hold t.mu.
func (t *tenant) nextID(kind string) int64 {
	if t.ids[kind] == 0 {
		t.ids[kind] = idBase[kind]
	}
	t.ids[kind]++
	return t.ids[kind]
}

// project is a project (or template) with everything in it.
type project struct {
	gen.Project
	template  bool // listed as a template (DatabaseFilter 1), not a project
	settings  map[string]int64
	fields    map[int64]*gen.Field
	panels    map[int64]*gen.Panel
	folders   map[int64]*folder
	records   map[int64]*record
	views     map[int64]*view
	stores    map[int64]*fileStore
	natives   map[nativeKey]*storedFile
	uploads   map[uploadKey]*upload
	batchSets map[int64]*gen.BatchSet
	batches   map[int64]*batch
	jobs      map[int64]*job
	templates map[int64]*gen.NativeImportTemplate
}

func newProject(p gen.Project) *project {
	return &project{
		Project:   p,
		settings:  map[string]int64{},
		fields:    map[int64]*gen.Field{},
		panels:    map[int64]*gen.Panel{},
		folders:   map[int64]*folder{},
		records:   map[int64]*record{},
		views:     map[int64]*view{},
		stores:    map[int64]*fileStore{},
		natives:   map[nativeKey]*storedFile{},
		uploads:   map[uploadKey]*upload{},
		batchSets: map[int64]*gen.BatchSet{},
		batches:   map[int64]*batch{},
		jobs:      map[int64]*job{},
		templates: map[int64]*gen.NativeImportTemplate{},
	}
}

type folder struct {
	gen.Folder
	records map[int64]bool // membership is an association only
}

// record is a record's current state. Values keep the JSON type they came
// with (strings per the docs; numbers and null are tolerated).
type record struct {
	id      int64
	version int64
	data    map[string]any
}

type view struct {
	id      int64
	records []int64 // fixed when the view is made
	expiry  time.Time
}

type fileStore struct {
	gen.FileStore
	files map[string]*storedFile // by path relative to the store's root
}

type storedFile struct {
	name     string
	data     []byte
	created  time.Time
	accessed time.Time
}

type nativeKey struct{ record, field int64 }

// uploadKey names an upload in progress: a store path or a native field.
type uploadKey struct {
	store  int64
	path   string
	native nativeKey
}

type upload struct {
	count   int32
	chunks  map[int32][]byte
	started time.Time
}

type batch struct {
	gen.Batch
	records []int64
	created time.Time // create_date as a time, for sorting by date
}

type job struct {
	gen.Job
	viewID int64
	cancel chan struct{} // closed by stopJob; nil when not running
}

// project finds a project or template by ID. Callers hold t.mu.
func (t *tenant) project(id int64) (*project, error) {
	p, ok := t.projects[id]
	if !ok {
		return nil, notFound("Project %d not found.", id)
	}
	return p, nil
}

// sortedKeys returns a map's keys in ascending order: the fake lists objects
// in ID order, so answers are deterministic.
func sortedKeys[V any](m map[int64]V) []int64 {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

// addRecord stores a new record (version 1). Callers hold t.mu.
func (t *tenant) addRecord(p *project, data map[string]any) *record {
	r := &record{id: t.nextID("record"), version: 1, data: map[string]any{}}
	for k, v := range data {
		r.data[k] = v
	}
	p.records[r.id] = r
	return r
}

// deleteRecord removes a record and everything that points at it: folder
// memberships, native files and batch contents. Callers hold t.mu.
func (p *project) deleteRecord(id int64) {
	delete(p.records, id)
	for _, f := range p.folders {
		delete(f.records, id)
	}
	for k := range p.natives {
		if k.record == id {
			delete(p.natives, k)
		}
	}
	for _, b := range p.batches {
		kept := b.records[:0]
		for _, r := range b.records {
			if r != id {
				kept = append(kept, r)
			}
		}
		b.records = kept
		b.DocCount = ptr(int64(len(kept)))
	}
}

// viewRecords returns the records of a view that still exist. An unknown or
// expired view is a 404: an expired view is gone. Callers hold t.mu.
func (p *project) viewRecords(id int64, now time.Time) ([]int64, error) {
	v, ok := p.views[id]
	if ok && !v.expiry.IsZero() && !now.Before(v.expiry) {
		delete(p.views, id)
		ok = false
	}
	if !ok {
		return nil, notFound("View %d not found.", id)
	}
	out := make([]int64, 0, len(v.records))
	for _, r := range v.records {
		if _, ok := p.records[r]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// nativeField is the ID of the project's native file field (0 if none).
func (p *project) nativeField() int64 { return p.settings["NATIVEFIELD"] }

// storeNamed returns the project's file store with this name.
func (p *project) storeNamed(name string) *fileStore {
	for _, id := range sortedKeys(p.stores) {
		if s := p.stores[id]; s.Name != nil && *s.Name == name {
			return s
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// The timestamp forms of the docs: fields "2024-03-19 16:04:53", jobs and
// file stores "2023-12-01T16:40:05Z", batches "2026-02-11 4:55:12 PM".
func fieldTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }
func isoTime(t time.Time) string   { return t.UTC().Format("2006-01-02T15:04:05Z") }
func batchTime(t time.Time) string { return t.UTC().Format("2006-01-02 3:04:05 PM") }

// toGen is the record as answered, with all its values.
func (r *record) toGen() gen.Record {
	data := make(map[string]any, len(r.data))
	for k, v := range r.data {
		data[k] = v
	}
	return gen.Record{ID: ptr(r.id), Version: ptr(r.version), FieldData: data}
}
