package iconect

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/gen"
)

// The benchmarks compare the SDK with the same requests made with
// net/http and encoding/json, against a fixed-response httptest handler
// (not the fake tenant, whose own cost would hide the SDK's):
//
//	go test -run '^$' -bench . -benchmem ./pkg/iconect/
//	ICONECT_BENCH_RATIOS=1 go test -run TestBenchmarkRatios -v ./pkg/iconect/
//
// The second prints the SDK/raw ratios (and checks the targets: Get ≤
// 1.15×, iterating ≤ 1.2×).

const benchProject = 7

// benchRecord is a record as a review project holds it: a dozen values,
// mostly short text.
func benchRecord(id int64) gen.Record {
	data := map[string]any{}
	for f := range 10 {
		data[strconv.Itoa(100+f)] = fmt.Sprintf("value %d of field %d for record %d", f, 100+f, id)
	}
	data["120"] = 4096.0
	data["121"] = nil
	return gen.Record{ID: Ptr(id), Version: Ptr(int64(266001)), FieldData: data}
}

// fixedRecords answers getRecord with one record and listRecords with
// pages of a list of n records: each page size's page is encoded once
// and sent for every page up to n, and an empty array past it.
type fixedRecords struct {
	n     int
	mu    sync.Mutex
	pages map[int][]byte // page length → encoded page
	one   []byte
}

func newFixedRecords(n int) *fixedRecords {
	one, err := json.Marshal(benchRecord(14))
	if err != nil {
		panic(err)
	}
	return &fixedRecords{n: n, pages: map[int][]byte{}, one: one}
}

func (h *fixedRecords) page(size int) []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	if b, ok := h.pages[size]; ok {
		return b
	}
	recs := make([]gen.Record, size)
	for i := range recs {
		recs[i] = benchRecord(int64(i + 1))
	}
	b, err := json.Marshal(recs)
	if err != nil {
		panic(err)
	}
	h.pages[size] = b
	return b
}

func (h *fixedRecords) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == fmt.Sprintf("/projects/%d/records/14", benchProject) {
		_, _ = w.Write(h.one)
		return
	}
	if r.URL.Path != fmt.Sprintf("/projects/%d/records", benchProject) {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	size, _ := strconv.Atoi(q.Get("page_size"))
	if page < 1 || size < 1 {
		http.Error(w, `{"iconect_error":"bad paging"}`, http.StatusBadRequest)
		return
	}
	start := (page - 1) * size
	if start >= h.n {
		_, _ = w.Write([]byte("[]"))
		return
	}
	_, _ = w.Write(h.page(min(size, h.n-start)))
}

// benchClients starts the fixed server and returns an SDK client (retries
// off, no logger, no token) and the raw http.Client, which share one
// transport.
func benchClients(b testing.TB, n int) (*Client, *http.Client, string) {
	srv := httptest.NewServer(newFixedRecords(n))
	b.Cleanup(srv.Close)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	b.Cleanup(hc.CloseIdleConnections)
	c, err := NewClient(srv.URL, WithRetryPolicy(NoRetry), WithHTTPClient(hc))
	require.NoError(b, err)
	return c, hc, srv.URL
}

// rawGet is getRecord as a user without the SDK would write it.
func rawGet(ctx context.Context, hc *http.Client, base string, projectID, recordID int64) (*gen.Record, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/projects/%d/records/%d", base, projectID, recordID), nil)
	if err != nil {
		return nil, err
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = res.Body.Close() }()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("getRecord: %d", res.StatusCode)
	}
	var r gen.Record
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// rawWalk is listRecords' paging loop without the SDK: f sees each record.
func rawWalk(ctx context.Context, hc *http.Client, base string, projectID int64, pageSize int, f func(gen.Record)) error {
	for page := 1; ; page++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet,
			fmt.Sprintf("%s/projects/%d/records?page=%d&page_size=%d", base, projectID, page, pageSize), nil)
		if err != nil {
			return err
		}
		res, err := hc.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("listRecords: %d", res.StatusCode)
		}
		var recs []gen.Record
		if err := json.Unmarshal(body, &recs); err != nil {
			return err
		}
		for _, r := range recs {
			f(r)
		}
		if len(recs) < pageSize {
			return nil
		}
	}
}

func sdkWalk(ctx context.Context, c *Client, projectID int64, pageSize int, f func(Record)) error {
	for r, err := range c.Records.All(ctx, projectID, &ListRecordsOptions{PageSize: pageSize}) {
		if err != nil {
			return err
		}
		f(r)
	}
	return nil
}

func BenchmarkGet(b *testing.B) {
	c, hc, base := benchClients(b, 0)
	ctx := context.Background()
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Records.Get(ctx, benchProject, 14, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := rawGet(ctx, hc, base, benchProject, 14); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkIterate walks n records in pages of 1000; B/record, reported
// for 10,000 and 100,000 records, stays the same: the iterator keeps one
// page at a time.
func BenchmarkIterate(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10_000, 100_000} {
		c, hc, base := benchClients(b, n)
		walks := map[string]func() error{
			"sdk": func() error { return sdkWalk(ctx, c, benchProject, 1000, func(Record) {}) },
			"raw": func() error { return rawWalk(ctx, hc, base, benchProject, 1000, func(gen.Record) {}) },
		}
		for _, name := range []string{"sdk", "raw"} {
			walk := walks[name]
			b.Run(fmt.Sprintf("%s/n=%d", name, n), func(b *testing.B) {
				b.ReportAllocs()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				for b.Loop() {
					if err := walk(); err != nil {
						b.Fatal(err)
					}
				}
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N*n), "B/record")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/record")
			})
		}
	}
}

// TestIterateMemoryFlat checks that walking records keeps no more than a
// page or so alive: the live heap late in a walk is what it was early on.
func TestIterateMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("walks 50,000 records")
	}
	const n = 50_000
	c, _, _ := benchClients(t, n)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var early, late uint64
	count := 0
	require.NoError(t, sdkWalk(context.Background(), c, benchProject, 1000, func(Record) {
		count++
		switch count {
		case 5_000:
			early = heap()
		case 45_000:
			late = heap()
		}
	}))
	assert.Equal(t, n, count)
	// 40,000 records kept alive would be tens of MiB; a page is about 1 MiB.
	assert.Less(t, int64(late)-int64(early), int64(8<<20), "early %d, late %d bytes", early, late)
}

// TestBenchmarkRatios runs the benchmarks' pairs in one process and prints
// the SDK/raw time ratios against their targets. Timing depends on the
// machine, so it runs only when asked (ICONECT_BENCH_RATIOS=1).
func TestBenchmarkRatios(t *testing.T) {
	if os.Getenv("ICONECT_BENCH_RATIOS") == "" {
		t.Skip("set ICONECT_BENCH_RATIOS=1 to measure")
	}
	ctx := context.Background()
	c, hc, base := benchClients(t, 100_000)
	measure := func(f func() error) testing.BenchmarkResult {
		return testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := f(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// the best of five runs of each side, the sides alternating, so that
	// a busy moment of the machine does not land on one side only
	best := func(sdk, raw func() error) (s, r testing.BenchmarkResult) {
		for i := range 5 {
			if x := measure(sdk); i == 0 || x.NsPerOp() < s.NsPerOp() {
				s = x
			}
			if x := measure(raw); i == 0 || x.NsPerOp() < r.NsPerOp() {
				r = x
			}
		}
		return s, r
	}
	type pair struct {
		name     string
		target   float64
		sdk, raw func() error
	}
	for _, p := range []pair{
		{"getRecord", 1.15,
			func() error { _, err := c.Records.Get(ctx, benchProject, 14, nil); return err },
			func() error { _, err := rawGet(ctx, hc, base, benchProject, 14); return err }},
		{"iterate 100,000 records", 1.2,
			func() error { return sdkWalk(ctx, c, benchProject, 1000, func(Record) {}) },
			func() error { return rawWalk(ctx, hc, base, benchProject, 1000, func(gen.Record) {}) }},
	} {
		s, r := best(p.sdk, p.raw)
		ratio := float64(s.NsPerOp()) / float64(r.NsPerOp())
		t.Logf("%s: sdk %d ns/op %d B/op %d allocs/op; raw %d ns/op %d B/op %d allocs/op; ratio %.3f (target ≤ %.2f)",
			p.name, s.NsPerOp(), s.AllocedBytesPerOp(), s.AllocsPerOp(), r.NsPerOp(), r.AllocedBytesPerOp(), r.AllocsPerOp(), ratio, p.target)
		assert.LessOrEqual(t, ratio, p.target, p.name)
	}
}
